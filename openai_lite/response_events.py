"""The stream events of the Responses API, and their decoder.

Events are classes that ``isinstance`` tells apart; events of the same shape share one (the
progress of a web search, for instance, is one class whose ``type`` says ``in_progress``,
``searching`` or ``completed``). The few types this library does not model (audio, shell
call progress) and those newer than it are :class:`ResponseOtherEvent`, with their fields
as attributes.

https://platform.openai.com/docs/api-reference/responses-streaming
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, List, Literal, Optional, Type, Union, get_args, get_type_hints

from ._errors import APIResponseValidationError, snippet
from ._model import DecodeError, Model
from ._streaming import ServerSentEvent, ends_with, stream_error
from .response_content import (
    ReasoningSummaryText,
    ResponseAnnotation,
    ResponseLogprob,
    ResponseOutputContent,
)
from .response_items import ResponseOutputItem
from .responses import Response

__all__ = [
    "ResponseStreamEvent",
    "ResponseLifecycleEvent",
    "ResponseOutputItemEvent",
    "ResponseContentPartEvent",
    "ResponseTextDeltaEvent",
    "ResponseTextDoneEvent",
    "ResponseOutputTextAnnotationAddedEvent",
    "ResponseRefusalDeltaEvent",
    "ResponseRefusalDoneEvent",
    "ResponseFunctionCallArgumentsDeltaEvent",
    "ResponseFunctionCallArgumentsDoneEvent",
    "ResponseCustomToolCallInputDeltaEvent",
    "ResponseCustomToolCallInputDoneEvent",
    "ResponseReasoningSummaryPartEvent",
    "ResponseReasoningSummaryTextDeltaEvent",
    "ResponseReasoningSummaryTextDoneEvent",
    "ResponseReasoningTextDeltaEvent",
    "ResponseReasoningTextDoneEvent",
    "ResponseWebSearchCallEvent",
    "ResponseFileSearchCallEvent",
    "ResponseCodeInterpreterCallEvent",
    "ResponseCodeInterpreterCallCodeDeltaEvent",
    "ResponseCodeInterpreterCallCodeDoneEvent",
    "ResponseImageGenCallEvent",
    "ResponseImageGenCallPartialImageEvent",
    "ResponseMcpCallEvent",
    "ResponseMcpCallArgumentsDeltaEvent",
    "ResponseMcpCallArgumentsDoneEvent",
    "ResponseMcpListToolsEvent",
    "ResponseErrorEvent",
    "ResponseOtherEvent",
]

# -- the response and its output items ----------------------------------------------


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
    """A content part of an output item was added (still empty) or is done."""

    type: Literal["response.content_part.added", "response.content_part.done"]
    part: ResponseOutputContent
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    content_index: Optional[int] = None
    sequence_number: Optional[int] = None


# -- text and refusals -------------------------------------------------------------


@dataclass
class ResponseTextDeltaEvent(Model):
    """A piece of output text."""

    type: Literal["response.output_text.delta"]
    delta: str
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    content_index: Optional[int] = None
    logprobs: Optional[List[ResponseLogprob]] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseTextDoneEvent(Model):
    """The whole text of an output text part."""

    type: Literal["response.output_text.done"]
    text: str
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    content_index: Optional[int] = None
    logprobs: Optional[List[ResponseLogprob]] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseOutputTextAnnotationAddedEvent(Model):
    """A citation was added to an output text part, at ``annotation_index``."""

    type: Literal["response.output_text.annotation.added"]
    annotation: Optional[ResponseAnnotation] = None
    annotation_index: Optional[int] = None
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    content_index: Optional[int] = None
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


# -- function and custom tool calls ---------------------------------------------------


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
class ResponseCustomToolCallInputDeltaEvent(Model):
    """A piece of a custom tool call's input."""

    type: Literal["response.custom_tool_call_input.delta"]
    delta: str
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseCustomToolCallInputDoneEvent(Model):
    """A custom tool call's whole input."""

    type: Literal["response.custom_tool_call_input.done"]
    input: str
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    sequence_number: Optional[int] = None


# -- reasoning -----------------------------------------------------------------------


@dataclass
class ResponseReasoningSummaryPartEvent(Model):
    """A part of a reasoning summary was added (still empty) or is done."""

    type: Literal["response.reasoning_summary_part.added", "response.reasoning_summary_part.done"]
    part: ReasoningSummaryText
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    summary_index: Optional[int] = None
    status: Optional[str] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseReasoningSummaryTextDeltaEvent(Model):
    """A piece of a reasoning summary's text."""

    type: Literal["response.reasoning_summary_text.delta"]
    delta: str
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    summary_index: Optional[int] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseReasoningSummaryTextDoneEvent(Model):
    """The whole text of a part of a reasoning summary."""

    type: Literal["response.reasoning_summary_text.done"]
    text: str
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    summary_index: Optional[int] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseReasoningTextDeltaEvent(Model):
    """A piece of a reasoning item's content."""

    type: Literal["response.reasoning_text.delta"]
    delta: str
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    content_index: Optional[int] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseReasoningTextDoneEvent(Model):
    """The whole text of a part of a reasoning item's content."""

    type: Literal["response.reasoning_text.done"]
    text: str
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    content_index: Optional[int] = None
    sequence_number: Optional[int] = None


# -- built-in tools ----------------------------------------------------------------


@dataclass
class ResponseWebSearchCallEvent(Model):
    """The progress of a web search call: in progress, searching, completed."""

    type: Literal[
        "response.web_search_call.in_progress",
        "response.web_search_call.searching",
        "response.web_search_call.completed",
    ]
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseFileSearchCallEvent(Model):
    """The progress of a file search call: in progress, searching, completed."""

    type: Literal[
        "response.file_search_call.in_progress",
        "response.file_search_call.searching",
        "response.file_search_call.completed",
    ]
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseCodeInterpreterCallEvent(Model):
    """The progress of a code interpreter call: in progress, interpreting, completed."""

    type: Literal[
        "response.code_interpreter_call.in_progress",
        "response.code_interpreter_call.interpreting",
        "response.code_interpreter_call.completed",
    ]
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseCodeInterpreterCallCodeDeltaEvent(Model):
    """A piece of the code a code interpreter call runs."""

    type: Literal["response.code_interpreter_call_code.delta"]
    delta: str
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseCodeInterpreterCallCodeDoneEvent(Model):
    """The whole code a code interpreter call runs."""

    type: Literal["response.code_interpreter_call_code.done"]
    code: str
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseImageGenCallEvent(Model):
    """The progress of an image generation call: in progress, generating, completed."""

    type: Literal[
        "response.image_generation_call.in_progress",
        "response.image_generation_call.generating",
        "response.image_generation_call.completed",
    ]
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseImageGenCallPartialImageEvent(Model):
    """A partial image, base64-encoded, while the image is being generated."""

    type: Literal["response.image_generation_call.partial_image"]
    partial_image_b64: str
    partial_image_index: Optional[int] = None
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    size: Optional[str] = None
    quality: Optional[str] = None
    background: Optional[str] = None
    output_format: Optional[str] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseMcpCallEvent(Model):
    """The progress of an MCP call: in progress, completed, failed."""

    type: Literal["response.mcp_call.in_progress", "response.mcp_call.completed", "response.mcp_call.failed"]
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseMcpCallArgumentsDeltaEvent(Model):
    """A piece of an MCP call's JSON arguments."""

    type: Literal["response.mcp_call_arguments.delta"]
    delta: str
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseMcpCallArgumentsDoneEvent(Model):
    """An MCP call's whole JSON arguments."""

    type: Literal["response.mcp_call_arguments.done"]
    arguments: str
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseMcpListToolsEvent(Model):
    """The progress of listing an MCP server's tools: in progress, completed, failed."""

    type: Literal[
        "response.mcp_list_tools.in_progress",
        "response.mcp_list_tools.completed",
        "response.mcp_list_tools.failed",
    ]
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    sequence_number: Optional[int] = None


# -- errors and other events --------------------------------------------------------


@dataclass
class ResponseErrorEvent(Model):
    """An error in the stream: iterating raises :class:`APIStreamError`, whose ``body`` is this."""

    type: Literal["error"]
    message: Optional[str] = None
    code: Optional[str] = None
    param: Optional[str] = None
    sequence_number: Optional[int] = None


@dataclass
class ResponseOtherEvent(Model):
    """An event of a type this library does not model (audio, shell call progress, ...).

    Its fields are attributes, as with any model.
    """

    type: str
    sequence_number: Optional[int] = None

    @property
    def data(self) -> Dict[str, Any]:
        """The whole event as a JSON object."""
        return self.to_dict()


ResponseStreamEvent = Union[
    ResponseLifecycleEvent,
    ResponseOutputItemEvent,
    ResponseContentPartEvent,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
    ResponseOutputTextAnnotationAddedEvent,
    ResponseRefusalDeltaEvent,
    ResponseRefusalDoneEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseCustomToolCallInputDeltaEvent,
    ResponseCustomToolCallInputDoneEvent,
    ResponseReasoningSummaryPartEvent,
    ResponseReasoningSummaryTextDeltaEvent,
    ResponseReasoningSummaryTextDoneEvent,
    ResponseReasoningTextDeltaEvent,
    ResponseReasoningTextDoneEvent,
    ResponseWebSearchCallEvent,
    ResponseFileSearchCallEvent,
    ResponseCodeInterpreterCallEvent,
    ResponseCodeInterpreterCallCodeDeltaEvent,
    ResponseCodeInterpreterCallCodeDoneEvent,
    ResponseImageGenCallEvent,
    ResponseImageGenCallPartialImageEvent,
    ResponseMcpCallEvent,
    ResponseMcpCallArgumentsDeltaEvent,
    ResponseMcpCallArgumentsDoneEvent,
    ResponseMcpListToolsEvent,
    ResponseErrorEvent,
    ResponseOtherEvent,
]

_EVENT_CLASSES: Dict[str, Type[Model]] = {
    tag: cls
    for cls in get_args(ResponseStreamEvent)
    if cls is not ResponseOtherEvent
    for tag in get_args(get_type_hints(cls)["type"])
}
#: The end of a Responses stream: its final event carries the response.
is_terminal = ends_with("response.completed", "response.failed", "response.incomplete")


def decode_event(sse: ServerSentEvent) -> ResponseStreamEvent:
    """Turn one server-sent event into its typed event, or raise the error it reports."""
    try:
        obj = json.loads(sse.data)
    except (ValueError, RecursionError):
        obj = None
    if not isinstance(obj, dict):
        if sse.event == "error":  # an error event reports an error, whatever its data
            raise stream_error(obj if obj is not None else snippet(sse.data, 1000))
        what = "valid JSON" if obj is None else "a JSON object"
        raise APIResponseValidationError(f"A stream event is not {what}", body=sse.data)
    kind = obj.get("type") or sse.event
    if kind == "error":
        raise stream_error(obj)
    kind = str(kind)
    # An event named only by its ``event:`` line gets that name as its type.
    tagged = obj if obj.get("type") == kind else dict(obj, type=kind)
    cls = _EVENT_CLASSES.get(kind)
    try:
        return (cls or ResponseOtherEvent).from_dict(tagged)  # type: ignore[return-value]
    except (DecodeError, RecursionError) as exc:
        raise APIResponseValidationError(
            f"A {kind} event does not have the documented shape ({exc})", body=sse.data
        ) from None
