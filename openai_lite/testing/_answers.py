"""What the fake model answers: values that fit a JSON schema, and answers queued by a test.

:func:`example_value` builds the smallest deterministic instance of a schema (objects,
arrays, enums, ``anyOf``, ``$defs`` / ``$ref`` including recursion, string formats), so
that a structured output or a strict tool call of the fake validates against the schema
sent. :func:`queue_answer` lets a test script the next answer of the chat and responses
routes: a refusal, a cut by the token limit, a content filter stop, or given content.
"""

from __future__ import annotations

from typing import Any, List, Optional, Tuple, cast

from ._server import FakeOpenAI, builtin_seed

__all__ = ["example_value", "queue_answer", "next_answer", "Answer", "cut", "scripted"]

_FORMATS = {
    "date-time": "2024-05-17T09:30:00Z",
    "date": "2024-05-17",
    "time": "09:30:00",
    "duration": "P1D",
    "email": "user@example.com",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uuid": "00000000-0000-4000-8000-000000000000",
}
_MAX_DEPTH = 24


class _Cycle(Exception):
    """The value would have to contain itself: the caller picks another branch."""


def example_value(schema: Any, prompt: str = "") -> Any:
    """Return a small deterministic value that validates against *schema*.

    Strings read ``"Paris"`` when the prompt mentions France (else ``"example"``), numbers
    are 1, arrays hold one item (none when the item would recurse forever), and of a
    union the first member that can be built wins, null last.
    """
    try:
        return _value(schema, schema, prompt, (), 0)
    except _Cycle:
        return None


def _resolve(root: Any, ref: str) -> Any:
    if not ref.startswith("#"):
        return {}
    node = root
    for part in ref[1:].split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def _value(schema: Any, root: Any, prompt: str, refs: Tuple[str, ...], depth: int) -> Any:
    if not isinstance(schema, dict):
        return None
    if depth > _MAX_DEPTH:
        raise _Cycle
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if ref in refs:
            raise _Cycle
        return _value(_resolve(root, ref), root, prompt, refs + (ref,), depth + 1)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        members = schema.get(key)
        if members:
            null = {"type": "null"}
            ordered = [m for m in members if m != null] + [m for m in members if m == null]
            for member in ordered:
                try:
                    return _value(member, root, prompt, refs, depth + 1)
                except _Cycle:
                    continue
            raise _Cycle
    if schema.get("allOf"):
        return _value(schema["allOf"][0], root, prompt, refs, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if kinds else "null"
    if kind == "object" or (kind is None and "properties" in schema):
        properties = schema.get("properties") or {}
        return {k: _value(v, root, prompt, refs, depth + 1) for k, v in properties.items()}
    if kind == "array":
        items = schema.get("items")
        if not items:
            return []
        try:
            return [_value(items, root, prompt, refs, depth + 1)]
        except _Cycle:
            return []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    if schema.get("format") in _FORMATS:
        return _FORMATS[schema["format"]]
    return "Paris" if "france" in prompt.lower() else "example"


# -- scripted answers ------------------------------------------------------------------


class Answer:
    """An answer queued by :func:`queue_answer`."""

    def __init__(self, content: Optional[str], refusal: Optional[str], finish_reason: Optional[str]) -> None:
        self.content = content
        self.refusal = refusal
        self.finish_reason = finish_reason


@builtin_seed
def _seed(fake: FakeOpenAI) -> None:
    setattr(fake, "queued_answers", [])  # noqa: B010  (state added by this module)


def _queue(fake: FakeOpenAI) -> List[Answer]:
    return cast(List[Answer], getattr(fake, "queued_answers"))  # noqa: B009


_FINISH_REASONS = ("stop", "length", "content_filter")


def queue_answer(
    fake: FakeOpenAI,
    *,
    content: Optional[str] = None,
    refusal: Optional[str] = None,
    finish_reason: Optional[str] = None,
) -> None:
    """Script the model's next answer, for the chat or the responses route, whichever comes first.

    :param content: the text of the answer, instead of the one the fake would make (with a
        structured output: JSON that fits the schema, or not, as the test needs).
    :param refusal: a refusal instead of an answer.
    :param finish_reason: ``"length"`` (chat: that finish reason; responses: incomplete by
        ``max_output_tokens``), ``"content_filter"`` (likewise), or ``"stop"``. A cut
        answer keeps the first half of its text.

    Answers are used first in, first out; :meth:`FakeOpenAI.reset` forgets them.
    """
    if finish_reason is not None and finish_reason not in _FINISH_REASONS:
        raise ValueError(f"finish_reason must be one of {', '.join(_FINISH_REASONS)}, not {finish_reason!r}")
    if content is not None and refusal is not None:
        raise ValueError("content and refusal cannot both be given: the model answers or refuses")
    with fake.lock:
        _queue(fake).append(Answer(content, refusal, finish_reason))


def next_answer(fake: FakeOpenAI) -> Optional[Answer]:
    """Take the next queued answer, if any (called by the routes, under the fake's lock)."""
    queue = _queue(fake)
    return queue.pop(0) if queue else None


def cut(text: str) -> str:
    """The first half of *text*: what a token limit leaves of an answer."""
    return text[: len(text) // 2]


def scripted(answer: Optional[Answer], text: str) -> Tuple[Optional[str], Optional[str], str]:
    """Apply a queued answer to the text the fake would send: (content, refusal, finish reason)."""
    if answer is None:
        return text, None, "stop"
    if answer.refusal is not None:
        return None, answer.refusal, answer.finish_reason or "stop"
    content = text if answer.content is None else answer.content
    finish = answer.finish_reason or "stop"
    return (cut(content) if finish != "stop" else content), None, finish

