"""Responses routes: create (JSON or streamed), retrieve, delete, cancel, input items, input token
counts and compaction."""

from __future__ import annotations

import base64
import json
from typing import Any, Dict, List, Optional, Tuple, cast

from ._answers import example_value, next_answer, scripted
from ._response_stream import encode_event, response_events, response_stream_reply
from ._routes_chat import DEFAULT_REPLY, PARIS
from ._routes_chat_store import cursor_page
from ._routes_moderations import moderation_param, moderation_result
from ._server import (
    ApiError,
    FakeOpenAI,
    RecordedRequest,
    Reply,
    builtin_route,
    builtin_seed,
    count_tokens,
    invalid,
    json_body,
    json_reply,
    not_found,
    require,
    sse_reply,
)

#: Fields of the request that the response echoes, with their defaults.
_ECHOED: Dict[str, Any] = {
    "background": False,
    "instructions": None,
    "max_output_tokens": None,
    "max_tool_calls": None,
    "metadata": {},
    "parallel_tool_calls": True,
    "previous_response_id": None,
    "prompt_cache_key": None,
    "safety_identifier": None,
    "temperature": 1.0,
    "tool_choice": "auto",
    "top_logprobs": 0,
    "top_p": 1.0,
    "truncation": "disabled",
}


@builtin_seed
def _seed(fake: FakeOpenAI) -> None:
    setattr(fake, "stored_responses", {})  # noqa: B010  (state added by this module)


def stored_responses(fake: FakeOpenAI) -> Dict[str, Dict[str, Any]]:
    """The stored responses by id, each ``{"response": ..., "input": [...]}``."""
    return cast(Dict[str, Dict[str, Any]], getattr(fake, "stored_responses"))  # noqa: B009


def _get(fake: FakeOpenAI, response_id: str) -> Dict[str, Any]:
    entry = stored_responses(fake).get(response_id)
    if entry is None:
        raise not_found("response", response_id, "response_id")
    return entry


def _input_items(fake: FakeOpenAI, given: Any) -> List[Dict[str, Any]]:
    """Normalise the ``input`` parameter into stored items, each with an id."""
    if given is None:
        return []
    if isinstance(given, str):
        given = [{"role": "user", "content": given}]
    if not isinstance(given, list) or not all(isinstance(i, dict) for i in given):
        raise invalid("input", "expected a string or an array of input items")
    items: List[Dict[str, Any]] = []
    for raw in given:
        item = dict(raw)
        kind = item.setdefault("type", "message")
        if kind == "message":
            role = item.get("role")
            if role not in ("user", "assistant", "system", "developer"):
                raise invalid("input", "a message needs a role")
            content = item.get("content")
            part = "output_text" if role == "assistant" else "input_text"
            if isinstance(content, str):
                text: Dict[str, Any] = {"type": part, "text": content}
                if part == "output_text":
                    text.update(annotations=[], logprobs=[])
                item["content"] = [text]
            item.setdefault("id", fake.new_id("msg_", 48))
            item.setdefault("status", "completed")
        elif kind == "function_call_output":
            item.setdefault("id", fake.new_id("fc_", 48))
            item.setdefault("status", "completed")
        else:
            item.setdefault("id", fake.new_id("item_", 48))
        items.append(item)
    return items


def _text_of(item: Dict[str, Any]) -> str:
    content = item.get("content")
    if isinstance(content, str):
        return content
    parts = content if isinstance(content, list) else []
    return " ".join(str(p.get("text", "")) for p in parts if isinstance(p, dict))


def _pick_tool(body: Dict[str, Any], prompt: str) -> Optional[Dict[str, Any]]:
    tools = [t for t in body.get("tools") or [] if isinstance(t, dict) and t.get("type") == "function"]
    choice = body.get("tool_choice")
    if not tools or choice == "none":
        return None
    if isinstance(choice, dict) and choice.get("type") == "function":
        return next((t for t in tools if t.get("name") == choice.get("name")), None)
    if choice == "required":
        return tools[0]
    lowered = prompt.lower()
    return next((t for t in tools if str(t.get("name", "\0")).lower() in lowered), None)


def _output(fake: FakeOpenAI, body: Dict[str, Any], items: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The one output item of a response: a function call, or a message."""
    user = [_text_of(i) for i in items if i.get("type") == "message" and i.get("role") == "user"]
    prompt = user[-1] if user else ""
    tool = _pick_tool(body, prompt) if not (items and items[-1]["type"] == "function_call_output") else None
    if tool is not None:
        arguments = example_value(tool.get("parameters") or {"type": "object"}, prompt)
        return {
            "id": fake.new_id("fc_", 48),
            "type": "function_call",
            "status": "completed",
            "arguments": json.dumps(arguments),
            "call_id": fake.new_id("call_", 24),
            "name": tool.get("name"),
        }
    if items and items[-1]["type"] == "function_call_output":
        text = "The tool returned: " + str(items[-1].get("output"))
    else:
        text = PARIS if "france" in prompt.lower() else DEFAULT_REPLY
    fmt = (body.get("text") or {}).get("format") or {}
    if fmt.get("type") == "json_schema":
        text = json.dumps(example_value(fmt.get("schema") or {"type": "object"}, prompt))
    elif fmt.get("type") == "json_object":
        text = json.dumps({"answer": text})
    return {
        "id": fake.new_id("msg_", 48),
        "type": "message",
        "status": "completed",
        "role": "assistant",
        "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}],
    }


def _reasoning(
    fake: FakeOpenAI, body: Dict[str, Any], items: List[Dict[str, Any]]
) -> Optional[Dict[str, Any]]:
    """A reasoning item with a summary, when the request asks for one (``reasoning.summary``)."""
    config = body.get("reasoning")
    if not isinstance(config, dict) or config.get("summary") is None:
        return None
    user = [_text_of(i) for i in items if i.get("type") == "message" and i.get("role") == "user"]
    text = (
        "**Reading the question**\n\nThe user asks: "
        + (user[-1] if user else "nothing")
        + " I answer briefly."
    )
    item: Dict[str, Any] = {
        "id": fake.new_id("rs_", 48),
        "type": "reasoning",
        "summary": [{"type": "summary_text", "text": text}],
    }
    if "reasoning.encrypted_content" in (body.get("include") or []):
        item["encrypted_content"] = base64.b64encode(text.encode()).decode()
    return item


def _finish(fake: FakeOpenAI, body: Dict[str, Any], item: Dict[str, Any]) -> Optional[str]:
    """Apply a queued answer, or ``max_output_tokens``, to an output message; return why it
    is incomplete (None when it is not)."""
    if item["type"] != "message":
        return None
    content, refusal, finish = scripted(next_answer(fake), item["content"][0]["text"])
    limit = body.get("max_output_tokens")
    if content is not None and isinstance(limit, int) and 0 < limit < count_tokens(content):
        content, finish = " ".join(content.split()[:limit]), "length"
    if refusal is not None:
        item["content"] = [{"type": "refusal", "refusal": refusal}]
    else:
        item["content"][0]["text"] = content
    if finish == "stop":
        return None
    item["status"] = "incomplete"
    return "max_output_tokens" if finish == "length" else "content_filter"


def _tools(body: Dict[str, Any]) -> List[Dict[str, Any]]:
    tools = body.get("tools") or []
    if not isinstance(tools, list):
        raise invalid("tools", "expected an array")
    return [
        {"description": None, **t} if isinstance(t, dict) and t.get("type") == "function" else t
        for t in tools
    ]


def _build(fake: FakeOpenAI, body: Dict[str, Any]) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
    """Check a create request; return the completed response and its input items."""
    model = require(body, "model")
    previous = body.get("previous_response_id")
    if previous is not None and previous not in stored_responses(fake):
        raise ApiError(
            404,
            f"Previous response with id '{previous}' not found.",
            param="previous_response_id",
            code="previous_response_not_found",
        )
    if body.get("background") and body.get("store") is False:
        raise invalid("background", "background mode requires store=true")
    items = _input_items(fake, body.get("input"))
    output = _output(fake, body, items)
    incomplete = _finish(fake, body, output)
    output_tokens = count_tokens(output.get("arguments") or output.get("content", [{}])[0].get("text", ""))
    reasoning = _reasoning(fake, body, items)
    reasoning_tokens = count_tokens(reasoning["summary"][0]["text"]) if reasoning else 0
    output_tokens += reasoning_tokens
    input_tokens = sum(count_tokens(_text_of(i)) for i in items if i["type"] == "message")
    conversation = body.get("conversation")
    response: Dict[str, Any] = {
        "id": fake.new_id("resp_", 48),
        "object": "response",
        "created_at": fake.now(),
        "status": "completed",
        "completed_at": fake.now(),
        "error": None,
        "incomplete_details": None,
        "model": model,
        "output": [reasoning, output] if reasoning else [output],
        "reasoning": {"effort": None, "summary": None, **(body.get("reasoning") or {})},
        "service_tier": body.get("service_tier") or "default",
        "store": body.get("store") is not False,
        "text": body.get("text") or {"format": {"type": "text"}, "verbosity": "medium"},
        "tools": _tools(body),
        "usage": {
            "input_tokens": input_tokens,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": output_tokens,
            "output_tokens_details": {"reasoning_tokens": reasoning_tokens},
            "total_tokens": input_tokens + output_tokens,
        },
        "conversation": {"id": conversation} if isinstance(conversation, str) else conversation,
    }
    if incomplete is not None:
        response.update(status="incomplete", completed_at=None, incomplete_details={"reason": incomplete})
    for name, default in _ECHOED.items():
        value = body.get(name)
        response[name] = default if value is None else value
    if isinstance(body.get("user"), str):
        response["user"] = body["user"]
    _options(body, response, items)
    return response, items


def _options(body: Dict[str, Any], response: Dict[str, Any], items: List[Dict[str, Any]]) -> None:
    """Check ``context_management``; answer ``moderation`` and ``prompt_cache_options``."""
    context = body.get("context_management")
    if context is not None and (
        not isinstance(context, list)
        or not context
        or not all(isinstance(c, dict) and isinstance(c.get("type"), str) for c in context)
    ):
        raise invalid("context_management", "expected a non-empty array of objects with a 'type'")
    cache = body.get("prompt_cache_options")
    if cache is not None:
        if not isinstance(cache, dict):
            raise invalid("prompt_cache_options", "expected an object")
        ttl, mode = cache.get("ttl", "30m"), cache.get("mode", "implicit")
        response["prompt_cache_options"] = {"ttl": ttl, "mode": mode}
    model = moderation_param(body)
    if model is not None:
        said = " ".join(_text_of(i) for i in items if i["type"] == "message")
        answer = " ".join(_text_of(o) for o in response["output"] if o["type"] == "message")
        response["moderation"] = {
            "input": moderation_result(model, said),
            "output": moderation_result(model, answer),
        }


@builtin_route("POST", "/responses")
def create_response(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Answer with a message (or a function call), stored unless ``store`` is false."""
    body = json_body(request)
    conversation = body.get("conversation")
    if conversation is not None:
        from ._routes_conversations import append_items, check_conversation  # imports this module

        if body.get("previous_response_id") is not None:
            raise invalid("conversation", "cannot be used with previous_response_id")
        check_conversation(fake, conversation)
    response, items = _build(fake, body)
    if conversation is not None:
        append_items(fake, conversation, items + response["output"])
    if body.get("background") and body.get("stream"):
        stored_responses(fake)[response["id"]] = {"response": response, "input": items}
        return sse_reply(_events(response, queued=True), done=False)
    if body.get("background"):
        response.update(status="queued", completed_at=None)
        pending = {k: v for k, v in response.items() if k != "usage"}
        pending["output"] = []
        stored_responses(fake)[response["id"]] = {"response": pending, "input": items, "final": response}
        return json_reply(pending)
    if response["store"]:
        stored_responses(fake)[response["id"]] = {"response": response, "input": items}
    if body.get("stream"):
        return response_stream_reply(response)
    return json_reply(response)


@builtin_route("GET", "/responses/{response_id}")
def retrieve_response(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Return a stored response; a queued background response is done when next read.

    With ``stream=true`` the response's events are streamed again, those after the
    ``sequence_number`` given as ``starting_after`` (all of them without it).
    """
    entry = _get(fake, params["response_id"])
    final = entry.pop("final", None)
    if final is not None:
        final["status"] = "completed"
        final["completed_at"] = fake.now()
        entry["response"] = final
    query = {name: values[-1] for name, values in request.query.items()}
    if query.get("stream") == "true":
        after = query.get("starting_after", "-1")
        if not after.lstrip("-").isdigit():
            raise invalid("starting_after", "expected an integer")
        events = _events(entry["response"], queued=bool(entry["response"].get("background")))
        return sse_reply(events[int(after) + 1 :], done=False)
    return json_reply(entry["response"])


@builtin_route("DELETE", "/responses/{response_id}")
def delete_response(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Forget a stored response."""
    response_id = _get(fake, params["response_id"])["response"]["id"]
    del stored_responses(fake)[response_id]
    return json_reply({"id": response_id, "object": "response", "deleted": True})


@builtin_route("POST", "/responses/{response_id}/cancel")
def cancel_response(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Cancel a background response that has not finished."""
    entry = _get(fake, params["response_id"])
    response = entry["response"]
    if not response.get("background"):
        raise ApiError(400, "Only responses created with background=true can be cancelled.")
    if response["status"] not in ("queued", "in_progress", "cancelled"):
        raise ApiError(400, f"Cannot cancel a response with status '{response['status']}'.")
    entry.pop("final", None)
    response["status"] = "cancelled"
    return json_reply(response)


@builtin_route("GET", "/responses/{response_id}/input_items")
def list_input_items(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """List a stored response's input items, newest first unless ``order=asc``."""
    entry = _get(fake, params["response_id"])
    return json_reply(cursor_page(entry["input"], request, "desc"))


# -- streaming ----------------------------------------------------------------------


def _events(response: Dict[str, Any], queued: bool = False) -> List[bytes]:
    """The server-sent events of a response, one chunk each, with their sequence numbers.

    A background response (*queued*) is created queued, and then in progress.
    """
    events = response_events(response)
    if queued:
        created = dict(events[0]["response"], status="queued")
        events[0] = {"type": "response.created", "response": created}
        events.insert(1, {"type": "response.queued", "response": created})
    return [encode_event(dict(event, sequence_number=n)) for n, event in enumerate(events)]


# -- input token counts and compaction ------------------------------------------------


def _context(fake: FakeOpenAI, body: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The items a request reads: the previous response's or the conversation's, then ``input``."""
    items: List[Dict[str, Any]] = []
    previous = body.get("previous_response_id")
    if previous is not None:
        entry = stored_responses(fake).get(previous) if isinstance(previous, str) else None
        if entry is None:
            raise not_found("response", str(previous), "previous_response_id")
        items += entry["input"] + entry["response"]["output"]
    conversation = body.get("conversation")
    if conversation is not None:
        from ._routes_conversations import conversation_id_of, conversations_of

        stored = conversations_of(fake).get(conversation_id_of(conversation))
        if stored is None:
            raise not_found("conversation", conversation_id_of(conversation), "conversation")
        items += stored["items"]
    return items + _input_items(fake, body.get("input"))


def _tokens(items: List[Dict[str, Any]]) -> int:
    return sum(count_tokens(_text_of(i) or str(i.get("arguments") or i.get("output") or "")) for i in items)


@builtin_route("POST", "/responses/input_tokens")
def count_input_tokens(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Count the words of the instructions and of every input item as tokens."""
    body = json_body(request)
    instructions = body.get("instructions")
    tokens = _tokens(_context(fake, body))
    if isinstance(instructions, str):
        tokens += count_tokens(instructions)
    return json_reply({"object": "response.input_tokens", "input_tokens": tokens})


@builtin_route("POST", "/responses/compact")
def compact_response(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Keep the user messages and fold everything else into one ``compaction`` item."""
    body = json_body(request)
    require(body, "model")
    items = _context(fake, body)
    if not items:
        raise invalid("input", "nothing to compact: give input or previous_response_id")
    kept = [i for i in items if i["type"] == "message" and i.get("role") == "user"]
    folded = json.dumps([i for i in items if i not in kept]).encode("utf-8")
    compaction = {
        "id": fake.new_id("cmp_", 48),
        "type": "compaction",
        "encrypted_content": base64.b64encode(folded).decode("ascii"),
    }
    input_tokens = _tokens(items)
    output_tokens = max(1, input_tokens // 4)
    return json_reply(
        {
            "id": fake.new_id("resp_", 48),
            "object": "response.compaction",
            "created_at": fake.now(),
            "output": kept + [compaction],
            "usage": {
                "input_tokens": input_tokens,
                "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                "output_tokens": output_tokens,
                "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": input_tokens + output_tokens,
            },
        }
    )
