"""The server-sent events of a streamed response, in the order the Responses API sends them."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional

from ._routes_chat import sse_pieces
from ._server import Reply, sse_reply

Event = Dict[str, Any]

#: The event that ends a stream, by the status of the final response.
_FINAL = {"failed": "response.failed", "incomplete": "response.incomplete"}


def response_events(response: Mapping[str, Any]) -> List[Event]:
    """The events that stream *response* (a response object), without sequence numbers.

    The response is created and in progress with an empty output; each output item is added,
    streamed as its type is (text deltas, reasoning summary parts, tool call progress, ...)
    and done; the final event (``response.completed``, ``.failed`` or ``.incomplete``, by
    its status) carries the response.
    """
    start = {k: v for k, v in response.items() if k != "usage"}
    start.update(status="in_progress", output=[], completed_at=None)
    events: List[Event] = [
        {"type": "response.created", "response": start},
        {"type": "response.in_progress", "response": start},
    ]
    for index, item in enumerate(response.get("output") or []):
        stream = _ITEM_EVENTS.get(item.get("type"), _plain)
        events.append({"type": "response.output_item.added", "output_index": index, "item": _begun(item)})
        events += stream(item, {"item_id": item.get("id"), "output_index": index})
        events.append({"type": "response.output_item.done", "output_index": index, "item": item})
    final = _FINAL.get(str(response.get("status")), "response.completed")
    events.append({"type": final, "response": dict(response)})
    return events


def response_events_reply(
    events: Iterable[Mapping[str, Any]], *, split: Optional[int] = None, drop: Optional[str] = None
) -> Reply:
    """A streamed Responses reply of *events* (JSON objects), in order, to :meth:`FakeOpenAI.enqueue`.

    Each event is sent with an ``event: <type>`` line and, unless it has one, the
    ``sequence_number`` of its position. *split* and *drop* are those of :func:`sse_reply`.
    """
    chunks = [encode_event({"sequence_number": n, **event}) for n, event in enumerate(events)]
    return sse_reply(chunks, done=False, split=split, drop=drop)


def response_stream_reply(
    response: Mapping[str, Any], *, split: Optional[int] = None, drop: Optional[str] = None
) -> Reply:
    """The streamed reply of *response* (a response object), as :func:`response_events` has it."""
    return response_events_reply(response_events(response), split=split, drop=drop)


def encode_event(event: Mapping[str, Any]) -> bytes:
    """Encode one event as ``event: <type>`` and ``data: <json>`` lines."""
    return f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()


# -- each item type ---------------------------------------------------------------------

#: What an item is when added, before its content streams in: the fields that fill in.
_EMPTY: Dict[str, Dict[str, Any]] = {
    "message": {"content": []},
    "reasoning": {"summary": [], "content": []},
    "function_call": {"arguments": ""},
    "custom_tool_call": {"input": ""},
    "mcp_call": {"arguments": "", "output": None, "error": None},
    "mcp_list_tools": {"tools": []},
    "code_interpreter_call": {"code": "", "outputs": None},
    "image_generation_call": {"result": None},
    "file_search_call": {"results": None},
}


def _begun(item: Mapping[str, Any]) -> Dict[str, Any]:
    begun = dict(item)
    for key, value in _EMPTY.get(str(item.get("type")), {}).items():
        if key in item:
            begun[key] = value
    if "status" in item and item.get("type") in _ITEM_EVENTS:  # the others are added whole
        begun["status"] = "in_progress"
    return begun


def _plain(item: Mapping[str, Any], at: Event) -> List[Event]:
    return []


def _deltas(kind: str, text: Any, at: Event, done_key: str, **done: Any) -> List[Event]:
    """``<kind>.delta`` events of the pieces of *text*, then ``<kind>.done`` with all of it."""
    text = text if isinstance(text, str) else ""
    events = [{"type": f"{kind}.delta", **at, "delta": piece} for piece in sse_pieces(text)]
    return events + [{"type": f"{kind}.done", **at, done_key: text, **done}]


def _progress(tool: str, *steps: str) -> Callable[[Mapping[str, Any], Event], List[Event]]:
    def events(item: Mapping[str, Any], at: Event) -> List[Event]:
        return [{"type": f"response.{tool}.{step}", **at} for step in steps]

    return events


def _message(item: Mapping[str, Any], at: Event) -> List[Event]:
    events: List[Event] = []
    for index, part in enumerate(item.get("content") or []):
        where = dict(at, content_index=index)
        if part.get("type") == "output_text":
            begun = dict(part, text="", annotations=[])
            events.append({"type": "response.content_part.added", **where, "part": begun})
            logprobs = part.get("logprobs") or []
            events += [
                {"type": "response.output_text.delta", **where, "delta": piece, "logprobs": []}
                for piece in sse_pieces(part["text"])
            ]
            events += [
                {
                    "type": "response.output_text.annotation.added",
                    **where,
                    "annotation_index": n,
                    "annotation": a,
                }
                for n, a in enumerate(part.get("annotations") or [])
            ]
            events.append(
                {"type": "response.output_text.done", **where, "text": part["text"], "logprobs": logprobs}
            )
        elif part.get("type") == "refusal":
            events.append({"type": "response.content_part.added", **where, "part": dict(part, refusal="")})
            events += _deltas("response.refusal", part.get("refusal"), where, "refusal")
        else:
            events.append({"type": "response.content_part.added", **where, "part": part})
        events.append({"type": "response.content_part.done", **where, "part": part})
    return events


def _reasoning(item: Mapping[str, Any], at: Event) -> List[Event]:
    events: List[Event] = []
    for index, part in enumerate(item.get("summary") or []):
        where = dict(at, summary_index=index)
        events.append({"type": "response.reasoning_summary_part.added", **where, "part": dict(part, text="")})
        events += _deltas("response.reasoning_summary_text", part.get("text"), where, "text")
        events.append({"type": "response.reasoning_summary_part.done", **where, "part": part})
    for index, part in enumerate(item.get("content") or []):
        where = dict(at, content_index=index)
        events.append({"type": "response.content_part.added", **where, "part": dict(part, text="")})
        events += _deltas("response.reasoning_text", part.get("text"), where, "text")
        events.append({"type": "response.content_part.done", **where, "part": part})
    return events


def _function_call(item: Mapping[str, Any], at: Event) -> List[Event]:
    arguments = item.get("arguments")
    return _deltas("response.function_call_arguments", arguments, at, "arguments", name=item.get("name"))


def _custom_tool_call(item: Mapping[str, Any], at: Event) -> List[Event]:
    return _deltas("response.custom_tool_call_input", item.get("input"), at, "input")


def _code_interpreter_call(item: Mapping[str, Any], at: Event) -> List[Event]:
    return [
        {"type": "response.code_interpreter_call.in_progress", **at},
        *_deltas("response.code_interpreter_call_code", item.get("code"), at, "code"),
        {"type": "response.code_interpreter_call.interpreting", **at},
        {"type": "response.code_interpreter_call.completed", **at},
    ]


def _image_generation_call(item: Mapping[str, Any], at: Event) -> List[Event]:
    events: List[Event] = [
        {"type": "response.image_generation_call.in_progress", **at},
        {"type": "response.image_generation_call.generating", **at},
    ]
    if isinstance(item.get("result"), str):
        events.append(
            {
                "type": "response.image_generation_call.partial_image",
                **at,
                "partial_image_index": 0,
                "partial_image_b64": item["result"],
            }
        )
    return events + [{"type": "response.image_generation_call.completed", **at}]


def _mcp_call(item: Mapping[str, Any], at: Event) -> List[Event]:
    failed = item.get("error") is not None or item.get("status") == "failed"
    return [
        {"type": "response.mcp_call.in_progress", **at},
        *_deltas("response.mcp_call_arguments", item.get("arguments"), at, "arguments"),
        {"type": "response.mcp_call.failed" if failed else "response.mcp_call.completed", **at},
    ]


def _mcp_list_tools(item: Mapping[str, Any], at: Event) -> List[Event]:
    ending = "failed" if item.get("error") is not None else "completed"
    return [
        {"type": "response.mcp_list_tools.in_progress", **at},
        {"type": f"response.mcp_list_tools.{ending}", **at},
    ]


_ITEM_EVENTS: Dict[str, Callable[[Mapping[str, Any], Event], List[Event]]] = {
    "message": _message,
    "reasoning": _reasoning,
    "function_call": _function_call,
    "custom_tool_call": _custom_tool_call,
    "web_search_call": _progress("web_search_call", "in_progress", "searching", "completed"),
    "file_search_call": _progress("file_search_call", "in_progress", "searching", "completed"),
    "code_interpreter_call": _code_interpreter_call,
    "image_generation_call": _image_generation_call,
    "mcp_call": _mcp_call,
    "mcp_list_tools": _mcp_list_tools,
}
