"""The stream events of the Responses API, and their decoder.

https://platform.openai.com/docs/api-reference/responses-streaming
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, List, Literal, Optional, Type, Union, get_args, get_type_hints

from ._errors import APIResponseValidationError, snippet
from ._model import DecodeError, Model
from ._streaming import ServerSentEvent, stream_error
from .response_items import ResponseOutputItem, ResponseOutputRefusal, ResponseOutputText
from .responses import Response

__all__ = [
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
]

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


def _event_type(sse: ServerSentEvent) -> Optional[str]:
    if sse.event and sse.event != "message":
        return sse.event
    try:
        obj = json.loads(sse.data)
    except (ValueError, RecursionError):
        return None
    kind = obj.get("type") if isinstance(obj, dict) else None
    return kind if isinstance(kind, str) else None


def is_terminal(sse: ServerSentEvent) -> bool:
    return _event_type(sse) in _TERMINAL


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
    cls = _EVENT_CLASSES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        return ResponseOtherEvent(type=str(kind), data=obj, sequence_number=obj.get("sequence_number"))
    try:
        return cls.from_dict(obj)  # type: ignore[return-value]
    except (DecodeError, RecursionError) as exc:
        raise APIResponseValidationError(
            f"A {kind} event does not have the documented shape ({exc})", body=sse.data
        ) from None
