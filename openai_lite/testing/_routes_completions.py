"""Legacy completions route, with deterministic text, plain or streamed."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

from ._routes_chat import sse_pieces
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

TEST_REPLY = "This is indeed a test."
DEFAULT_REPLY = " Hello from the fake completions endpoint."


def _prompts(body: Dict[str, Any]) -> List[str]:
    if "prompt" not in body:
        require(body, "prompt")
    prompt = body["prompt"]
    if prompt is None or isinstance(prompt, str):
        return [prompt or ""]
    if isinstance(prompt, list) and prompt:
        if all(isinstance(p, str) for p in prompt):
            return list(prompt)
        if all(isinstance(p, int) and not isinstance(p, bool) for p in prompt):
            return [" ".join(str(p) for p in prompt)]
        if all(isinstance(p, list) and p for p in prompt):
            return [" ".join(str(t) for t in p) for p in prompt]
    raise invalid("prompt", "expected a string, an array of strings, or token arrays")


def _text(body: Dict[str, Any], prompt: str) -> Tuple[str, str]:
    """The completion of *prompt*, cut by ``stop`` and ``max_tokens``; and the finish reason."""
    text = TEST_REPLY if "test" in prompt.lower() else DEFAULT_REPLY
    stops = body.get("stop")
    for stop in [stops] if isinstance(stops, str) else stops or []:
        if isinstance(stop, str) and stop and stop in text:
            text = text[: text.index(stop)]
    limit = body.get("max_tokens")
    words = re.findall(r"\s*\S+", text)
    if isinstance(limit, int) and not isinstance(limit, bool) and 0 <= limit < len(words):
        return "".join(words[:limit]), "length"
    return text, "stop"


def _logprobs(text: str, offset: int) -> Dict[str, Any]:
    tokens = re.findall(r"\s*\S+", text)
    offsets, position = [], offset
    for token in tokens:
        offsets.append(position)
        position += len(token)
    return {
        "tokens": tokens,
        "token_logprobs": [-0.25 for _ in tokens],
        "top_logprobs": [{token: -0.25} for token in tokens],
        "text_offset": offsets,
    }


@builtin_route("POST", "/completions")
def create_completion(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Complete each prompt ``n`` times; stream the pieces when ``stream`` is true."""
    body = json_body(request)
    model = require(body, "model")
    prompts = _prompts(body)
    n = body.get("n") or 1
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 128:
        raise invalid("n", "expected an integer between 1 and 128")
    want_logprobs: Optional[int] = body.get("logprobs")
    choices: List[Dict[str, Any]] = []
    for prompt in prompts:
        text, finish = _text(body, prompt)
        if body.get("echo") is True:
            text = prompt + text
        for _ in range(n):
            logprobs = _logprobs(text, 0) if want_logprobs is not None else None
            choice = {"text": text, "index": len(choices), "logprobs": logprobs, "finish_reason": finish}
            choices.append(choice)
    prompt_tokens = sum(count_tokens(p) for p in prompts)
    completion_tokens = sum(count_tokens(c["text"]) for c in choices)
    completion = {
        "id": fake.new_id("cmpl-", 29),
        "object": "text_completion",
        "created": fake.now(),
        "model": model,
        "choices": choices,
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
    if body.get("stream") is True:
        return _stream(completion, body)
    return json_reply(completion)


def _stream(completion: Dict[str, Any], body: Dict[str, Any]) -> Reply:
    """The completion as the API streams it: text pieces, a finish piece, then usage if asked."""
    head = {k: completion[k] for k in ("id", "object", "created", "model")}
    events: List[Any] = []
    for choice in completion["choices"]:
        offset = 0
        for piece in sse_pieces(choice["text"]):
            logprobs = _logprobs(piece, offset) if choice["logprobs"] is not None else None
            offset += len(piece)
            part = {"text": piece, "index": choice["index"], "logprobs": logprobs, "finish_reason": None}
            events.append({**head, "choices": [part]})
        end = {"text": "", "index": choice["index"], "logprobs": None}
        events.append({**head, "choices": [{**end, "finish_reason": choice["finish_reason"]}]})
    options = body.get("stream_options")
    if isinstance(options, dict) and options.get("include_usage") is True:
        events.append({**head, "choices": [], "usage": completion["usage"]})
    return sse_reply(events)
