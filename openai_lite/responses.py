"""The Responses API: create, stream, retrieve, cancel and delete model responses.

https://platform.openai.com/docs/api-reference/responses
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    List,
    Literal,
    Mapping,
    Optional,
    Sequence,
    Type,
    Union,
    get_args,
    get_type_hints,
)

import requests

from ._errors import APIResponseValidationError
from ._model import DecodeError, Model
from ._request import _request, body_of, path_param
from ._response import ApiResponse
from ._streaming import ServerSentEvent, Stream, open_stream, stream_error

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._request import RequestOptions

__all__ = [
    "Response",
    "ResponseOutputItem",
    "ResponseOutputMessage",
    "ResponseOutputText",
    "ResponseOutputRefusal",
    "ResponseFunctionToolCall",
    "ResponseFunctionToolCallOutput",
    "ResponseReasoningItem",
    "ReasoningSummaryText",
    "ResponseFunctionWebSearch",
    "ResponseFileSearchToolCall",
    "FileSearchResult",
    "ResponseInputMessage",
    "ResponseInputText",
    "ResponseItem",
    "ResponseItemList",
    "ResponseUsage",
    "InputTokensDetails",
    "OutputTokensDetails",
    "ResponseError",
    "IncompleteDetails",
    "ResponseTextConfig",
    "ReasoningConfig",
    "ResponseStreamEvent",
    "ResponseLifecycleEvent",
    "ResponseOutputItemEvent",
    "ResponseContentPartEvent",
    "ResponseTextDeltaEvent",
    "ResponseTextDoneEvent",
    "ResponseRefusalDeltaEvent",
    "ResponseRefusalDoneEvent",
    "ResponseFunctionCallArgumentsDeltaEvent",
    "ResponseFunctionCallArgumentsDoneEvent",
    "ResponseOtherEvent",
    "create",
    "stream",
    "retrieve",
    "delete",
    "cancel",
    "list_input_items",
]

# -- content and output items -------------------------------------------------


@dataclass
class ResponseOutputText(Model):
    """Text written by the model; ``annotations`` (citations) and ``logprobs`` as sent."""

    type: Literal["output_text"] = "output_text"
    text: str = ""
    annotations: Optional[List[Dict[str, Any]]] = None
    logprobs: Optional[List[Dict[str, Any]]] = None


@dataclass
class ResponseOutputRefusal(Model):
    """The model's refusal to answer."""

    type: Literal["refusal"] = "refusal"
    refusal: str = ""


@dataclass
class ResponseInputText(Model):
    """Text given to the model."""

    type: Literal["input_text"] = "input_text"
    text: str = ""


#: A part of an output message; a part type newer than this library stays a dict.
OutputContent = Union[ResponseOutputText, ResponseOutputRefusal, Dict[str, Any]]


@dataclass
class ResponseOutputMessage(Model):
    """A message written by the model."""

    type: Literal["message"] = "message"
    id: Optional[str] = None
    role: str = "assistant"
    status: Optional[str] = None
    content: List[OutputContent] = field(default_factory=list)


@dataclass
class ResponseFunctionToolCall(Model):
    """A call of a function tool; ``arguments`` is a JSON string. Answer it with ``call_id``."""

    type: Literal["function_call"] = "function_call"
    id: Optional[str] = None
    call_id: Optional[str] = None
    name: Optional[str] = None
    arguments: str = ""
    status: Optional[str] = None


@dataclass
class ResponseFunctionToolCallOutput(Model):
    """The output of a function call, as given back in the input."""

    type: Literal["function_call_output"] = "function_call_output"
    id: Optional[str] = None
    call_id: Optional[str] = None
    output: Union[None, str, List[Dict[str, Any]]] = None
    status: Optional[str] = None


@dataclass
class ReasoningSummaryText(Model):
    """One paragraph of a reasoning summary."""

    type: Optional[str] = None
    text: str = ""


@dataclass
class ResponseReasoningItem(Model):
    """The model's reasoning: a summary, and its content when the API shares it."""

    type: Literal["reasoning"] = "reasoning"
    id: Optional[str] = None
    summary: List[ReasoningSummaryText] = field(default_factory=list)
    content: Optional[List[Dict[str, Any]]] = None
    encrypted_content: Optional[str] = None
    status: Optional[str] = None


@dataclass
class ResponseFunctionWebSearch(Model):
    """A web search made by the built-in tool; ``action`` says what it did."""

    type: Literal["web_search_call"] = "web_search_call"
    id: Optional[str] = None
    status: Optional[str] = None
    action: Optional[Dict[str, Any]] = None


@dataclass
class FileSearchResult(Model):
    """A chunk found by the file search tool."""

    file_id: Optional[str] = None
    filename: Optional[str] = None
    score: Optional[float] = None
    text: Optional[str] = None
    attributes: Optional[Dict[str, Any]] = None


@dataclass
class ResponseFileSearchToolCall(Model):
    """A search of vector stores made by the built-in tool."""

    type: Literal["file_search_call"] = "file_search_call"
    id: Optional[str] = None
    status: Optional[str] = None
    queries: List[str] = field(default_factory=list)
    results: Optional[List[FileSearchResult]] = None


#: An item of ``Response.output``, told apart by ``type``; other types stay dicts.
ResponseOutputItem = Union[
    ResponseOutputMessage,
    ResponseFunctionToolCall,
    ResponseReasoningItem,
    ResponseFunctionWebSearch,
    ResponseFileSearchToolCall,
    Dict[str, Any],
]


@dataclass
class ResponseInputMessage(Model):
    """A message of a response's input (an assistant message holds output parts)."""

    type: Literal["message"] = "message"
    id: Optional[str] = None
    role: Optional[str] = None
    status: Optional[str] = None
    content: List[Union[ResponseInputText, ResponseOutputText, ResponseOutputRefusal, Dict[str, Any]]] = (
        field(default_factory=list)
    )


#: An item of a response's input, told apart by ``type``; other types stay dicts.
ResponseItem = Union[
    ResponseInputMessage,
    ResponseFunctionToolCall,
    ResponseFunctionToolCallOutput,
    ResponseReasoningItem,
    ResponseFunctionWebSearch,
    ResponseFileSearchToolCall,
    Dict[str, Any],
]

# -- the response ---------------------------------------------------------------


@dataclass
class InputTokensDetails(Model):
    """A breakdown of the input tokens."""

    cached_tokens: Optional[int] = None


@dataclass
class OutputTokensDetails(Model):
    """A breakdown of the output tokens."""

    reasoning_tokens: Optional[int] = None


@dataclass
class ResponseUsage(Model):
    """Token counts of a response."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    input_tokens_details: Optional[InputTokensDetails] = None
    output_tokens_details: Optional[OutputTokensDetails] = None


@dataclass
class ResponseError(Model):
    """Why a response failed."""

    code: Optional[str] = None
    message: Optional[str] = None


@dataclass
class IncompleteDetails(Model):
    """Why a response is incomplete (``max_output_tokens`` or ``content_filter``)."""

    reason: Optional[str] = None


@dataclass
class ResponseTextConfig(Model):
    """The text output settings: ``format`` as sent (text, json_object or json_schema)."""

    format: Optional[Dict[str, Any]] = None
    verbosity: Optional[str] = None


@dataclass
class ReasoningConfig(Model):
    """The reasoning settings of a reasoning model."""

    effort: Optional[str] = None
    summary: Optional[str] = None


@dataclass
class Response(Model):
    """A model response. ``output_text`` joins the text of its output messages."""

    id: str
    output: List[ResponseOutputItem]
    object: str = "response"
    created_at: Optional[float] = None
    completed_at: Optional[float] = None
    status: Optional[str] = None
    model: Optional[str] = None
    usage: Optional[ResponseUsage] = None
    error: Optional[ResponseError] = None
    incomplete_details: Optional[IncompleteDetails] = None
    instructions: Union[None, str, List[Dict[str, Any]]] = None
    metadata: Optional[Dict[str, str]] = None
    previous_response_id: Optional[str] = None
    conversation: Optional[Dict[str, Any]] = None
    temperature: Optional[float] = None
    top_p: Optional[float] = None
    top_logprobs: Optional[int] = None
    max_output_tokens: Optional[int] = None
    max_tool_calls: Optional[int] = None
    tool_choice: Union[None, str, Dict[str, Any]] = None
    tools: Optional[List[Dict[str, Any]]] = None
    parallel_tool_calls: Optional[bool] = None
    text: Optional[ResponseTextConfig] = None
    reasoning: Optional[ReasoningConfig] = None
    prompt: Optional[Dict[str, Any]] = None
    prompt_cache_key: Optional[str] = None
    safety_identifier: Optional[str] = None
    service_tier: Optional[str] = None
    background: Optional[bool] = None
    store: Optional[bool] = None
    truncation: Optional[str] = None
    user: Optional[str] = None

    @property
    def output_text(self) -> str:
        """The text of every ``output_text`` part of the output messages, joined."""
        return "".join(
            part.text
            for item in self.output
            if isinstance(item, ResponseOutputMessage)
            for part in item.content
            if isinstance(part, ResponseOutputText)
        )


@dataclass
class ResponseItemList(Model):
    """A page of a response's input items."""

    data: List[ResponseItem]
    has_more: Optional[bool] = None
    first_id: Optional[str] = None
    last_id: Optional[str] = None
    object: str = "list"


# -- stream events ----------------------------------------------------------------


@dataclass
class ResponseLifecycleEvent(Model):
    """A change of the whole response's status, carrying the response so far."""

    type: Literal[
        "response.created",
        "response.queued",
        "response.in_progress",
        "response.completed",
        "response.failed",
        "response.incomplete",
    ]
    response: Response
    sequence_number: Optional[int] = None


@dataclass
class ResponseOutputItemEvent(Model):
    """An output item was added (still empty) or is done (complete)."""

    type: Literal["response.output_item.added", "response.output_item.done"]
    item: ResponseOutputItem
    output_index: Optional[int] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseContentPartEvent(Model):
    """A content part of an output message was added (still empty) or is done."""

    type: Literal["response.content_part.added", "response.content_part.done"]
    part: Union[ResponseOutputText, ResponseOutputRefusal, Dict[str, Any]]
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    content_index: Optional[int] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseTextDeltaEvent(Model):
    """A piece of output text."""

    type: Literal["response.output_text.delta"]
    delta: str
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    content_index: Optional[int] = None
    logprobs: Optional[List[Dict[str, Any]]] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseTextDoneEvent(Model):
    """The whole text of an output text part."""

    type: Literal["response.output_text.done"]
    text: str
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    content_index: Optional[int] = None
    logprobs: Optional[List[Dict[str, Any]]] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseRefusalDeltaEvent(Model):
    """A piece of refusal text."""

    type: Literal["response.refusal.delta"]
    delta: str
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    content_index: Optional[int] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseRefusalDoneEvent(Model):
    """The whole refusal text."""

    type: Literal["response.refusal.done"]
    refusal: str
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    content_index: Optional[int] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseFunctionCallArgumentsDeltaEvent(Model):
    """A piece of a function call's JSON arguments."""

    type: Literal["response.function_call_arguments.delta"]
    delta: str
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseFunctionCallArgumentsDoneEvent(Model):
    """A function call's whole JSON arguments."""

    type: Literal["response.function_call_arguments.done"]
    arguments: str
    name: Optional[str] = None
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseOtherEvent(Model):
    """An event of any other type (reasoning, tool progress, ...); ``data`` is its JSON object."""

    type: str
    data: Dict[str, Any]
    sequence_number: Optional[int] = None


ResponseStreamEvent = Union[
    ResponseLifecycleEvent,
    ResponseOutputItemEvent,
    ResponseContentPartEvent,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
    ResponseRefusalDeltaEvent,
    ResponseRefusalDoneEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseOtherEvent,
]

_EVENT_CLASSES: Dict[str, Type[Model]] = {
    tag: cls
    for cls in get_args(ResponseStreamEvent)
    if cls is not ResponseOtherEvent
    for tag in get_args(get_type_hints(cls)["type"])
}
_TERMINAL = frozenset({"response.completed", "response.failed", "response.incomplete"})


# -- functions --------------------------------------------------------------------

Input = Union[str, Sequence[Mapping[str, Any]]]
ToolChoice = Union[None, Literal["none", "auto", "required"], Mapping[str, Any]]


def create(
    session: requests.Session,
    *,
    input: Optional[Input] = None,
    model: Optional[str] = None,
    background: Optional[bool] = None,
    conversation: Union[None, str, Mapping[str, Any]] = None,
    include: Optional[Sequence[str]] = None,
    instructions: Optional[str] = None,
    max_output_tokens: Optional[int] = None,
    max_tool_calls: Optional[int] = None,
    metadata: Optional[Mapping[str, str]] = None,
    parallel_tool_calls: Optional[bool] = None,
    previous_response_id: Optional[str] = None,
    prompt: Optional[Mapping[str, Any]] = None,
    prompt_cache_key: Optional[str] = None,
    reasoning: Optional[Mapping[str, Any]] = None,
    safety_identifier: Optional[str] = None,
    service_tier: Optional[str] = None,
    store: Optional[bool] = None,
    temperature: Optional[float] = None,
    text: Optional[Mapping[str, Any]] = None,
    tool_choice: ToolChoice = None,
    tools: Optional[Sequence[Mapping[str, Any]]] = None,
    top_logprobs: Optional[int] = None,
    top_p: Optional[float] = None,
    truncation: Optional[Literal["auto", "disabled"]] = None,
    user: Optional[str] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[Response]:
    """Create a model response.

    ``input`` is a string or a list of input items (messages, function call outputs, ...).
    The API stores the response unless ``store=False``; continue the conversation with
    ``previous_response_id``.

    https://platform.openai.com/docs/api-reference/responses/create
    """
    body = body_of(locals())
    _check_arguments(input, include)
    return _request(session, "POST", "/responses", json_body=body, into=Response, **options)


def stream(
    session: requests.Session,
    *,
    input: Optional[Input] = None,
    model: Optional[str] = None,
    background: Optional[bool] = None,
    conversation: Union[None, str, Mapping[str, Any]] = None,
    include: Optional[Sequence[str]] = None,
    instructions: Optional[str] = None,
    max_output_tokens: Optional[int] = None,
    max_tool_calls: Optional[int] = None,
    metadata: Optional[Mapping[str, str]] = None,
    parallel_tool_calls: Optional[bool] = None,
    previous_response_id: Optional[str] = None,
    prompt: Optional[Mapping[str, Any]] = None,
    prompt_cache_key: Optional[str] = None,
    reasoning: Optional[Mapping[str, Any]] = None,
    safety_identifier: Optional[str] = None,
    service_tier: Optional[str] = None,
    store: Optional[bool] = None,
    stream_options: Optional[Mapping[str, Any]] = None,
    temperature: Optional[float] = None,
    text: Optional[Mapping[str, Any]] = None,
    tool_choice: ToolChoice = None,
    tools: Optional[Sequence[Mapping[str, Any]]] = None,
    top_logprobs: Optional[int] = None,
    top_p: Optional[float] = None,
    truncation: Optional[Literal["auto", "disabled"]] = None,
    user: Optional[str] = None,
    **options: Unpack[RequestOptions],
) -> Stream[ResponseStreamEvent]:
    """Create a model response and iterate over its events as they arrive.

    Takes the parameters of :func:`create`, and ``stream_options`` (such as
    ``{"include_obfuscation": False}``). Events are told apart by ``type``; those this
    library does not model are :class:`ResponseOtherEvent`. The stream ends after
    ``response.completed``, ``response.failed`` or ``response.incomplete``, whose
    ``response`` is the final one. An error status raises its typed error here.

    :raises APIStreamError: while iterating, on an ``error`` event.
    :raises APIConnectionError: when the body ends before a final event.

    https://platform.openai.com/docs/api-reference/responses-streaming
    """
    body = body_of(locals())
    _check_arguments(input, include)
    body["stream"] = True
    return open_stream(
        session, "POST", "/responses", json_body=body, decode=_decode_event, terminal=_is_terminal, **options
    )


def retrieve(
    session: requests.Session,
    response_id: str,
    *,
    include: Optional[Sequence[str]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[Response]:
    """Retrieve a stored response.

    https://platform.openai.com/docs/api-reference/responses/get
    """
    path = "/responses/" + path_param(response_id, "response_id")
    params = {"include[]": _strings(include, "include")}
    return _request(session, "GET", path, params=params, into=Response, **options)


def delete(
    session: requests.Session, response_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[None]:
    """Delete a stored response; ``status_code`` 200 means it is gone.

    https://platform.openai.com/docs/api-reference/responses/delete
    """
    path = "/responses/" + path_param(response_id, "response_id")
    return _request(session, "DELETE", path, into=None, **options)


def cancel(
    session: requests.Session, response_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[Response]:
    """Cancel a response created with ``background=True`` that has not finished.

    https://platform.openai.com/docs/api-reference/responses/cancel
    """
    path = "/responses/" + path_param(response_id, "response_id") + "/cancel"
    return _request(session, "POST", path, into=Response, **options)


def list_input_items(
    session: requests.Session,
    response_id: str,
    *,
    after: Optional[str] = None,
    include: Optional[Sequence[str]] = None,
    limit: Optional[int] = None,
    order: Optional[Literal["asc", "desc"]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[ResponseItemList]:
    """List the input items of a stored response (newest first unless ``order="asc"``).

    ``after`` is the ``last_id`` of the previous page.

    https://platform.openai.com/docs/api-reference/responses/input-items
    """
    path = "/responses/" + path_param(response_id, "response_id") + "/input_items"
    params = {"after": after, "limit": limit, "order": order, "include[]": _strings(include, "include")}
    return _request(session, "GET", path, params=params, into=ResponseItemList, **options)


# -- helpers ----------------------------------------------------------------------


def _check_arguments(input: Any, include: Optional[Sequence[str]]) -> None:
    if isinstance(input, (Mapping, bytes)):
        raise TypeError(f"input must be a string or a list of input items, not {type(input).__name__}")
    _strings(include, "include")


def _strings(value: Optional[Sequence[str]], name: str) -> Optional[List[str]]:
    if value is None:
        return None
    if isinstance(value, str) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{name} must be a list of strings, not {value!r}")
    return list(value)


def _event_type(sse: ServerSentEvent) -> Optional[str]:
    if sse.event and sse.event != "message":
        return sse.event
    try:
        obj = json.loads(sse.data)
    except (ValueError, RecursionError):
        return None
    kind = obj.get("type") if isinstance(obj, dict) else None
    return kind if isinstance(kind, str) else None


def _is_terminal(sse: ServerSentEvent) -> bool:
    return _event_type(sse) in _TERMINAL


def _decode_event(sse: ServerSentEvent) -> ResponseStreamEvent:
    """Turn one server-sent event into its typed event, or raise the error it reports."""
    try:
        obj = json.loads(sse.data)
    except (ValueError, RecursionError):
        raise APIResponseValidationError("A stream event is not valid JSON", body=sse.data) from None
    if not isinstance(obj, dict):
        raise APIResponseValidationError("A stream event is not a JSON object", body=sse.data)
    kind = obj.get("type") or sse.event
    if kind == "error":
        raise stream_error(obj)
    cls = _EVENT_CLASSES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        return ResponseOtherEvent(type=str(kind), data=obj, sequence_number=obj.get("sequence_number"))
    try:
        return cls.from_dict(obj)  # type: ignore[return-value]
    except (DecodeError, RecursionError) as exc:
        raise APIResponseValidationError(
            f"A {kind} event does not have the documented shape ({exc})", body=sse.data
        ) from None
