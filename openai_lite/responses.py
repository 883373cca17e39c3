"""The Responses API: create, stream, retrieve, cancel and delete model responses.

https://platform.openai.com/docs/api-reference/responses
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Mapping, Optional, Sequence, Union

import requests

from ._errors import APIResponseValidationError
from ._model import Model
from ._request import _request, body_of, path_param, strings
from ._response import ApiResponse
from ._schema import FunctionTool
from ._streaming import Stream, open_stream
from ._structured import responses_request
from .moderations import ModerationFailure, ModerationResult
from .response_content import (
    AnnotationContainerFileCitation,
    AnnotationFileCitation,
    AnnotationFilePath,
    AnnotationUrlCitation,
    OutputContent,
    ReasoningSummaryText,
    ResponseAnnotation,
    ResponseInputContent,
    ResponseInputFile,
    ResponseInputImage,
    ResponseInputText,
    ResponseLogprob,
    ResponseMessageContent,
    ResponseOtherAnnotation,
    ResponseOtherContent,
    ResponseOutputContent,
    ResponseOutputRefusal,
    ResponseOutputText,
    ResponseReasoningText,
    ResponseTopLogprob,
)
from .response_items import (
    ResponseCustomToolCall,
    ResponseCustomToolCallOutput,
    ResponseFunctionToolCall,
    ResponseFunctionToolCallOutput,
    ResponseInputMessage,
    ResponseItem,
    ResponseItemList,
    ResponseOtherItem,
    ResponseOutputItem,
    ResponseOutputMessage,
    ResponseReasoningItem,
    ToolCallCaller,
)
from .response_tool_calls import (
    CodeInterpreterOutput,
    CodeInterpreterOutputImage,
    CodeInterpreterOutputLogs,
    ComputerAction,
    ComputerPoint,
    ComputerSafetyCheck,
    ComputerScreenshot,
    FileSearchResult,
    LocalShellExecAction,
    McpListToolsTool,
    McpToolCallError,
    ResponseCodeInterpreterToolCall,
    ResponseComputerToolCall,
    ResponseComputerToolCallOutput,
    ResponseFileSearchToolCall,
    ResponseFunctionWebSearch,
    ResponseImageGenerationCall,
    ResponseLocalShellCall,
    ResponseLocalShellCallOutput,
    ResponseMcpApprovalRequest,
    ResponseMcpApprovalResponse,
    ResponseMcpCall,
    ResponseMcpListTools,
    WebSearchAction,
    WebSearchSource,
)

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._request import RequestOptions
    from .response_events import ResponseStreamEvent

__all__ = [
    "Response",
    "ResponseUsage",
    "InputTokensDetails",
    "OutputTokensDetails",
    "ResponseError",
    "IncompleteDetails",
    "ResponseTextConfig",
    "ReasoningConfig",
    "ResponseModeration",
    "PromptCacheOptions",
    "create",
    "parse",
    "stream",
    "retrieve",
    "retrieve_stream",
    "delete",
    "cancel",
    "list_input_items",
]

# The items and their content are re-exported here, where they were first defined; so are
# the stream events, imported when first used (see __getattr__).
__all__ += [
    "ResponseOutputItem",
    "ResponseOutputMessage",
    "ToolCallCaller",
    "ResponseFunctionToolCall",
    "ResponseFunctionToolCallOutput",
    "ResponseCustomToolCall",
    "ResponseCustomToolCallOutput",
    "ResponseReasoningItem",
    "ResponseOtherItem",
    "ResponseInputMessage",
    "ResponseItem",
    "ResponseItemList",
    "AnnotationFileCitation",
    "AnnotationUrlCitation",
    "AnnotationContainerFileCitation",
    "AnnotationFilePath",
    "ResponseOtherAnnotation",
    "ResponseAnnotation",
    "ResponseTopLogprob",
    "ResponseLogprob",
    "ResponseOutputText",
    "ResponseOutputRefusal",
    "ResponseReasoningText",
    "ReasoningSummaryText",
    "ResponseInputText",
    "ResponseInputImage",
    "ResponseInputFile",
    "ResponseOtherContent",
    "OutputContent",
    "ResponseOutputContent",
    "ResponseInputContent",
    "ResponseMessageContent",
    "FileSearchResult",
    "ResponseFileSearchToolCall",
    "WebSearchSource",
    "WebSearchAction",
    "ResponseFunctionWebSearch",
    "ResponseImageGenerationCall",
    "CodeInterpreterOutputLogs",
    "CodeInterpreterOutputImage",
    "CodeInterpreterOutput",
    "ResponseCodeInterpreterToolCall",
    "McpToolCallError",
    "ResponseMcpCall",
    "McpListToolsTool",
    "ResponseMcpListTools",
    "ResponseMcpApprovalRequest",
    "ResponseMcpApprovalResponse",
    "ComputerPoint",
    "ComputerAction",
    "ComputerSafetyCheck",
    "ComputerScreenshot",
    "ResponseComputerToolCall",
    "ResponseComputerToolCallOutput",
    "LocalShellExecAction",
    "ResponseLocalShellCall",
    "ResponseLocalShellCallOutput",
]

# -- the response ---------------------------------------------------------------


@dataclass
class InputTokensDetails(Model):
    """A breakdown of the input tokens."""

    cached_tokens: Optional[int] = None
    cache_write_tokens: Optional[int] = None


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
    mode: Optional[str] = None
    context: Optional[str] = None


@dataclass
class ResponseModeration(Model):
    """The moderation of the input and of the output, when the request asked for it.

    Each side is a :class:`~openai_lite.moderations.ModerationResult`, or a
    :class:`~openai_lite.moderations.ModerationFailure` when it could not be moderated.
    """

    input: Union[ModerationResult, ModerationFailure, None] = None
    output: Union[ModerationResult, ModerationFailure, None] = None


@dataclass
class PromptCacheOptions(Model):
    """How the prompt was cached: ``ttl`` (``"30m"``) and ``mode`` (``"implicit"``, ``"explicit"``)."""

    ttl: Optional[str] = None
    mode: Optional[str] = None


@dataclass
class Response(Model):
    """A model response. ``output_text`` joins the text of its output messages."""

    __slots__ = ("_output_parsed",)  # kept out of the fields: never sent back

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
    prompt_cache_options: Optional[PromptCacheOptions] = None
    moderation: Optional[ResponseModeration] = None
    safety_identifier: Optional[str] = None
    service_tier: Optional[str] = None
    background: Optional[bool] = None
    store: Optional[bool] = None
    truncation: Optional[str] = None
    user: Optional[str] = None

    @property
    def output_text(self) -> str:
        """The text of every ``output_text`` part of the output messages, joined.

        :raises APIResponseValidationError: when a message's content is not a list, or a
            text part's text is not text.
        """
        texts: List[str] = []
        for item in self.output:
            if not isinstance(item, ResponseOutputMessage):
                continue
            if not isinstance(item.content, list):
                raise _bad_output("an output message's content is not a list", item.content)
            for part in item.content:
                if isinstance(part, ResponseOutputText):
                    if not isinstance(part.text, str):
                        raise _bad_output("an output_text part's text is not text", part.text)
                    texts.append(part.text)
        return "".join(texts)

    @property
    def output_parsed(self) -> Any:
        """The output text decoded into the ``text_format`` dataclass of :func:`parse`.

        None without one, and on a refusal.
        """
        try:  # an unset slot: None, without a detour through the undeclared keys
            return object.__getattribute__(self, "_output_parsed")
        except AttributeError:
            return None


def _bad_output(why: str, value: Any) -> APIResponseValidationError:
    return APIResponseValidationError(f"The response's output_text cannot be read: {why}", body=repr(value))




# -- functions --------------------------------------------------------------------

Input = Union[str, Sequence[Mapping[str, Any]]]
ToolChoice = Union[None, Literal["none", "auto", "required"], Mapping[str, Any]]
#: A tool: its JSON object, or a :class:`~openai_lite.FunctionTool`.
Tool = Union[Mapping[str, Any], FunctionTool]


def create(
    session: requests.Session,
    *,
    input: Optional[Input] = None,
    model: Optional[str] = None,
    background: Optional[bool] = None,
    context_management: Optional[Sequence[Mapping[str, Any]]] = None,
    conversation: Union[None, str, Mapping[str, Any]] = None,
    include: Optional[Sequence[str]] = None,
    instructions: Optional[str] = None,
    max_output_tokens: Optional[int] = None,
    max_tool_calls: Optional[int] = None,
    metadata: Optional[Mapping[str, str]] = None,
    moderation: Optional[Mapping[str, Any]] = None,
    parallel_tool_calls: Optional[bool] = None,
    previous_response_id: Optional[str] = None,
    prompt: Optional[Mapping[str, Any]] = None,
    prompt_cache_key: Optional[str] = None,
    prompt_cache_options: Optional[Mapping[str, Any]] = None,
    reasoning: Optional[Mapping[str, Any]] = None,
    safety_identifier: Optional[str] = None,
    service_tier: Optional[str] = None,
    store: Optional[bool] = None,
    temperature: Optional[float] = None,
    text: Optional[Mapping[str, Any]] = None,
    tool_choice: ToolChoice = None,
    tools: Optional[Sequence[Tool]] = None,
    top_logprobs: Optional[int] = None,
    top_p: Optional[float] = None,
    truncation: Optional[Literal["auto", "disabled"]] = None,
    user: Optional[str] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[Response]:
    """Create a model response.

    ``input`` is a string or a list of input items (messages, function call outputs, ...).
    The API stores the response unless ``store=False``; continue the conversation with
    ``previous_response_id``. ``context_management`` (``[{"type": "compaction",
    "compact_threshold": 200000}]``) lets the API compact a long context; ``moderation``
    (``{"model": "omni-moderation-latest"}``) asks for the moderation of the input and
    output, returned in the response's ``moderation``.

    https://platform.openai.com/docs/api-reference/responses/create
    """
    body = body_of(locals())
    _check_arguments(input, include)
    responses_request(body, parse=False)
    return _request(session, "POST", "/responses", json_body=body, into=Response, **options)


def parse(
    session: requests.Session,
    *,
    text_format: Optional[type] = None,
    tools: Optional[Sequence[Tool]] = None,
    **kwargs: Any,
) -> ApiResponse[Response]:
    """Create a model response whose output text is decoded into the ``text_format`` dataclass.

    It takes the parameters of :func:`create`. ``output_parsed`` is the dataclass instance
    (None on a refusal); the function calls of strict tools (made by
    :func:`~openai_lite.function_tool`, or dicts with ``"strict": True``) carry
    ``parsed_arguments``.

    :raises LengthFinishReasonError: when the response is incomplete by ``max_output_tokens``.
    :raises ContentFilterFinishReasonError: when the content filter stopped it.
    :raises OutputValidationError: when the JSON does not fit the type, naming the path.

    https://platform.openai.com/docs/guides/structured-outputs
    """
    args: Dict[str, Any] = {"text_format": text_format, "tools": tools, "text": kwargs.pop("text", None)}
    parser = responses_request(args, parse=True)
    resp = create(session, **kwargs, **args)
    if resp.ok and parser is not None:
        parser(resp.data)
    return resp


def stream(
    session: requests.Session,
    *,
    input: Optional[Input] = None,
    model: Optional[str] = None,
    background: Optional[bool] = None,
    context_management: Optional[Sequence[Mapping[str, Any]]] = None,
    conversation: Union[None, str, Mapping[str, Any]] = None,
    include: Optional[Sequence[str]] = None,
    instructions: Optional[str] = None,
    max_output_tokens: Optional[int] = None,
    max_tool_calls: Optional[int] = None,
    metadata: Optional[Mapping[str, str]] = None,
    moderation: Optional[Mapping[str, Any]] = None,
    parallel_tool_calls: Optional[bool] = None,
    previous_response_id: Optional[str] = None,
    prompt: Optional[Mapping[str, Any]] = None,
    prompt_cache_key: Optional[str] = None,
    prompt_cache_options: Optional[Mapping[str, Any]] = None,
    reasoning: Optional[Mapping[str, Any]] = None,
    safety_identifier: Optional[str] = None,
    service_tier: Optional[str] = None,
    store: Optional[bool] = None,
    stream_options: Optional[Mapping[str, Any]] = None,
    temperature: Optional[float] = None,
    text: Optional[Mapping[str, Any]] = None,
    text_format: Optional[type] = None,
    tool_choice: ToolChoice = None,
    tools: Optional[Sequence[Tool]] = None,
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
    ``response`` is the final one. An error status raises its typed error here. With a
    ``text_format`` dataclass, the final response is decoded as by :func:`parse`
    (``output_parsed``), and so are the function calls of strict tools when they are done.

    :raises APIStreamError: while iterating, on an ``error`` event.
    :raises APIConnectionError: when the body ends before a final event.

    https://platform.openai.com/docs/api-reference/responses-streaming
    """
    body = body_of(locals())
    _check_arguments(input, include)
    body["stream"] = True
    parser = responses_request(body, parse=text_format is not None)
    events = importlib.import_module(".response_events", __package__)
    decode, terminal = events.decode_event, events.is_terminal
    if parser is not None:
        decode = parser.events(decode)
    return open_stream(
        session, "POST", "/responses", json_body=body, decode=decode, terminal=terminal, **options
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
    params = {"include[]": strings(include, "include")}
    return _request(session, "GET", path, params=params, into=Response, **options)


def retrieve_stream(
    session: requests.Session,
    response_id: str,
    *,
    include: Optional[Sequence[str]] = None,
    include_obfuscation: Optional[bool] = None,
    starting_after: Optional[int] = None,
    **options: Unpack[RequestOptions],
) -> Stream[ResponseStreamEvent]:
    """Stream the events of a response created with ``background=True``, from the start or
    from the event after ``starting_after``, a ``sequence_number``.

    It resumes a stream that was cut: pass the ``sequence_number`` of the last event
    received. The events and the end of the stream are those of :func:`stream`.

    https://platform.openai.com/docs/api-reference/responses/get
    """
    if isinstance(starting_after, bool) or not isinstance(starting_after, (int, type(None))):
        raise TypeError(f"starting_after must be an integer, not {starting_after!r}")
    path = "/responses/" + path_param(response_id, "response_id")
    params = {
        "include[]": strings(include, "include"),
        "include_obfuscation": include_obfuscation,
        "starting_after": starting_after,
        "stream": True,
    }
    events = importlib.import_module(".response_events", __package__)
    decode, terminal = events.decode_event, events.is_terminal
    return open_stream(session, "GET", path, params=params, decode=decode, terminal=terminal, **options)


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
    params = {"after": after, "limit": limit, "order": order, "include[]": strings(include, "include")}
    return _request(session, "GET", path, params=params, into=ResponseItemList, **options)


# -- helpers ----------------------------------------------------------------------


def _check_arguments(input: Any, include: Optional[Sequence[str]]) -> None:
    if isinstance(input, (Mapping, bytes)):
        raise TypeError(f"input must be a string or a list of input items, not {type(input).__name__}")
    strings(include, "include")




def __getattr__(name: str) -> Any:
    # The event classes live in response_events, which imports this module.
    events = importlib.import_module(".response_events", __package__)
    if name in events.__all__:
        return getattr(events, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# -- input token counts and compaction --------------------------------------------

__all__ += ["InputTokenCount", "CompactedResponse", "count_input_tokens", "compact"]


@dataclass
class InputTokenCount(Model):
    """The number of input tokens a response request would use."""

    input_tokens: int = 0
    object: str = "response.input_tokens"


@dataclass
class CompactedResponse(Model):
    """A conversation compacted: its ``output`` items (kept messages and an encrypted
    ``compaction`` item) replace the input given to the next response."""

    id: str
    output: List[ResponseItem]
    object: str = "response.compaction"
    created_at: Optional[int] = None
    usage: Optional[ResponseUsage] = None


def count_input_tokens(
    session: requests.Session,
    *,
    model: Optional[str] = None,
    input: Optional[Input] = None,
    conversation: Union[None, str, Mapping[str, Any]] = None,
    instructions: Optional[str] = None,
    parallel_tool_calls: Optional[bool] = None,
    personality: Optional[str] = None,
    previous_response_id: Optional[str] = None,
    reasoning: Optional[Mapping[str, Any]] = None,
    text: Optional[Mapping[str, Any]] = None,
    tool_choice: ToolChoice = None,
    tools: Optional[Sequence[Mapping[str, Any]]] = None,
    truncation: Optional[Literal["auto", "disabled"]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[InputTokenCount]:
    """Count the input tokens of a request to :func:`create` without creating a response.

    ``personality`` is a style preset of the model (``"friendly"``, ``"pragmatic"``).

    https://platform.openai.com/docs/api-reference/responses/input-tokens
    """
    body = body_of(locals())
    _check_arguments(input, None)
    path = "/responses/input_tokens"
    return _request(session, "POST", path, json_body=body, into=InputTokenCount, **options)


def compact(
    session: requests.Session,
    *,
    model: str,
    input: Optional[Input] = None,
    instructions: Optional[str] = None,
    previous_response_id: Optional[str] = None,
    prompt_cache_key: Optional[str] = None,
    prompt_cache_options: Optional[Mapping[str, Any]] = None,
    service_tier: Optional[str] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[CompactedResponse]:
    """Compact a long conversation (``input``, or the one ending at ``previous_response_id``).

    Send the answer's ``output`` items as the ``input`` of the next :func:`create`.

    https://platform.openai.com/docs/api-reference/responses/compact
    """
    body = body_of(locals())
    _check_arguments(input, None)
    return _request(session, "POST", "/responses/compact", json_body=body, into=CompactedResponse, **options)
