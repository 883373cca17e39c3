"""Chat completion route with deterministic replies and tool calls."""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Tuple

from ._answers import example_value, next_answer, scripted
from ._routes_chat_store import remember
from ._routes_moderations import moderation_param, moderation_result
from ._server import (
    FakeOpenAI,
    RecordedRequest,
    Reply,
    builtin_route,
    count_tokens,
    invalid,
    json_body,
    json_reply,
    require,
    sse_reply,
)

PARIS = "The capital of France is Paris."
DEFAULT_REPLY = "Hello! This is a reply from the fake OpenAI server."
SYSTEM_FINGERPRINT = "fp_fake00001"


def text_of(content: Any) -> str:
    """Return the text of message content given as a string or as parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [p.get("text") for p in content if isinstance(p, dict)]
        return " ".join(t for t in texts if isinstance(t, str))
    return ""


def _reply_text(messages: List[Dict[str, Any]], prompt: str) -> str:
    last = messages[-1]
    if last.get("role") == "tool":
        return "The tool returned: " + text_of(last.get("content"))
    return PARIS if "france" in prompt.lower() else DEFAULT_REPLY


def _pick_tool(
    body: Dict[str, Any], messages: List[Dict[str, Any]], prompt: str
) -> Optional[Dict[str, Any]]:
    tools: List[Dict[str, Any]] = [
        t["function"]
        for t in body.get("tools") or []
        if isinstance(t, dict)
        and t.get("type") == "function"
        and isinstance(t.get("function"), dict)
    ]
    choice = body.get("tool_choice")
    if not tools or choice == "none" or messages[-1].get("role") == "tool":
        return None
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        name = choice["function"].get("name")
        fallback: Dict[str, Any] = {"name": name}
        return next((t for t in tools if t.get("name") == name), fallback)
    if choice == "required":
        return tools[0]
    lowered = prompt.lower()
    for tool in tools:
        name = str(tool.get("name", ""))
        if name and (
            name.lower() in lowered or name.lower().replace("_", " ") in lowered
        ):
            return tool
    return None


def _truncate(text: str, body: Dict[str, Any]) -> Tuple[str, str]:
    """Apply ``stop`` and the token limit; return (text, finish_reason)."""
    stops = body.get("stop")
    for stop in [stops] if isinstance(stops, str) else stops or []:
        if isinstance(stop, str) and stop and stop in text:
            text = text[: text.index(stop)]
    limit = body.get("max_completion_tokens", body.get("max_tokens"))
    words = text.split()
    if (
        isinstance(limit, int)
        and not isinstance(limit, bool)
        and 0 < limit < len(words)
    ):
        return " ".join(words[:limit]), "length"
    return text, "stop"


def _content(body: Dict[str, Any], text: str, prompt: str) -> Tuple[str, str]:
    fmt = body.get("response_format")
    kind = fmt.get("type") if isinstance(fmt, dict) else None
    if kind == "json_object":
        return json.dumps({"answer": text}), "stop"
    if kind == "json_schema" and isinstance(fmt, dict):
        schema = (fmt.get("json_schema") or {}).get("schema") or {"type": "object"}
        return _truncate(json.dumps(example_value(schema, prompt)), body)
    return _truncate(text, body)


def _choice(
    fake: FakeOpenAI,
    body: Dict[str, Any],
    messages: List[Dict[str, Any]],
    prompt: str,
    index: int,
) -> Dict[str, Any]:
    message: Dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
    answer = next_answer(fake)
    tool = _pick_tool(body, messages, prompt) if answer is None else None
    if tool is not None:
        arguments = example_value(tool.get("parameters") or {"type": "object"}, prompt)
        message["tool_calls"] = [
            {
                "id": fake.new_id("call_"),
                "type": "function",
                "function": {
                    "name": tool.get("name"),
                    "arguments": json.dumps(arguments),
                },
            }
        ]
        finish = "tool_calls"
    else:
        text, finish = _content(body, _reply_text(messages, prompt), prompt)
        message["content"], message["refusal"], scripted_finish = scripted(answer, text)
        finish = finish if answer is None else scripted_finish
        message["annotations"] = []
    return {
        "index": index,
        "message": message,
        "logprobs": None,
        "finish_reason": finish,
    }


def _completion_tokens(choice: Dict[str, Any]) -> int:
    message = choice["message"]
    calls = message.get("tool_calls") or []
    return count_tokens(message["content"] or "") + sum(
        count_tokens(c["function"]["arguments"]) for c in calls
    )


@builtin_route("POST", "/chat/completions")
def create_chat_completion(
    fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]
) -> Reply:
    """Answer a chat completion request, streamed as chunks when ``stream`` is true."""
    body = json_body(request)
    model = require(body, "model")
    messages = require(body, "messages", list)
    if not messages or not all(isinstance(m, dict) and m.get("role") for m in messages):
        raise invalid("messages", "expected a non-empty array of messages with roles")
    n = body.get("n") or 1
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 128:
        raise invalid("n", "expected an integer between 1 and 128")
    user_texts = [text_of(m.get("content")) for m in messages if m["role"] == "user"]
    prompt = user_texts[-1] if user_texts else ""
    choices = [_choice(fake, body, messages, prompt, i) for i in range(n)]
    prompt_tokens = sum(count_tokens(text_of(m.get("content"))) for m in messages)
    completion_tokens = sum(_completion_tokens(c) for c in choices)
    usage = {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }
    completion = {
        "id": fake.new_id("chatcmpl-", 29),
        "object": "chat.completion",
        "created": fake.now(),
        "model": model,
        "choices": choices,
        "usage": usage,
        "service_tier": "default",
        "system_fingerprint": SYSTEM_FINGERPRINT,
    }
    moderation_model = moderation_param(body)
    if moderation_model is not None:
        answers = " ".join(c["message"].get("content") or "" for c in choices)
        completion["moderation"] = {
            side: {"type": "moderation_results", "model": moderation_model, "results": [result]}
            for side, result in (
                ("input", moderation_result(moderation_model, prompt)),
                ("output", moderation_result(moderation_model, answers)),
            )
        }
    remember(fake, body, completion)
    if body.get("stream") is True:
        return _stream(completion, body)
    return json_reply(completion)


def sse_pieces(text: str) -> List[str]:
    """Cut *text* the way a streamed answer arrives: a word with the space before it."""
    return re.findall(r"\s*\S+|\s+", text)


def _stream(completion: Dict[str, Any], body: Dict[str, Any]) -> Reply:
    """The completion as chunked server-sent events, one chunk per event, then ``[DONE]``."""
    options = body.get("stream_options")
    with_usage = isinstance(options, dict) and options.get("include_usage") is True
    keys = ("id", "created", "model", "service_tier", "system_fingerprint")
    head = {"object": "chat.completion.chunk", **{k: completion[k] for k in keys}}
    if with_usage:
        head["usage"] = None

    def chunk(index: int, delta: Dict[str, Any], finish: Optional[str] = None) -> Dict[str, Any]:
        choice = {"index": index, "delta": delta, "logprobs": None, "finish_reason": finish}
        return {**head, "choices": [choice]}

    events: List[Any] = []
    for choice in completion["choices"]:
        index, message = choice["index"], choice["message"]
        calls = message.get("tool_calls") or []
        if calls:
            first = [
                {**c, "index": i, "function": {**c["function"], "arguments": ""}}
                for i, c in enumerate(calls)
            ]
            delta = {"role": "assistant", "content": None, "tool_calls": first, "refusal": None}
            events.append(chunk(index, delta))
            for i, call in enumerate(calls):
                arguments = call["function"]["arguments"]
                for start in range(0, len(arguments), 8):
                    piece = {"index": i, "function": {"arguments": arguments[start : start + 8]}}
                    events.append(chunk(index, {"tool_calls": [piece]}))
        else:
            key = "content" if message["refusal"] is None else "refusal"
            opening: Dict[str, Any] = {"role": "assistant", "content": None, "refusal": None, key: ""}
            events.append(chunk(index, opening))
            events.extend(chunk(index, {key: piece}) for piece in sse_pieces(message[key]))
        events.append(chunk(index, {}, choice["finish_reason"]))
    if with_usage:
        events.append({**head, "choices": [], "usage": completion["usage"]})
    if "moderation" in completion:  # known once the answer is whole: on the last chunk
        events[-1] = {**events[-1], "moderation": completion["moderation"]}
    return sse_reply(events)
