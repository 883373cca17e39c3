"""Replies of the fake OpenAI API, and the helpers route handlers build them with."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from ._wire import RecordedRequest

if TYPE_CHECKING:
    from ._wire import HeaderPairs

_DROP_MODES = (None, "before_status", "mid_body", "reset")

@dataclass
class Reply:
    """A response to send, possibly with a scripted fault.

    :ivar chunks: If set, sent with ``Transfer-Encoding: chunked``, one write
        per (non-empty) chunk, instead of :attr:`body`.
    :ivar chunk_delay: Seconds to sleep between chunks.
    :ivar delay: Seconds to sleep before the status line.
    :ivar drop: ``"before_status"`` closes the connection without answering;
        ``"mid_body"`` announces the full length but sends half the body (or
        half the chunks) and closes; ``"reset"`` closes with a TCP reset.
    :ivar content_type: Sent as ``Content-Type`` unless :attr:`headers` has one.
    """

    status: int = 200
    headers: Dict[str, str] | HeaderPairs = field(default_factory=dict)
    body: bytes = b""
    chunks: Optional[List[bytes]] = None
    chunk_delay: float = 0.0
    delay: float = 0.0
    drop: Optional[str] = None
    content_type: Optional[str] = None

    def __post_init__(self) -> None:
        if self.drop not in _DROP_MODES:
            raise ValueError(f"unknown drop mode: {self.drop!r}")

    def header_pairs(self) -> HeaderPairs:
        """The headers as a list of pairs, with ``Content-Type`` added."""
        items = self.headers.items() if isinstance(self.headers, dict) else self.headers
        pairs = [(str(k), str(v)) for k, v in items]
        if self.content_type and not any(k.lower() == "content-type" for k, _ in pairs):
            pairs.append(("Content-Type", self.content_type))
        return pairs

    @property
    def full_body(self) -> bytes:
        """The whole body: :attr:`body`, or the chunks joined."""
        return b"".join(self.chunks) if self.chunks is not None else self.body


def json_reply(
    obj: Any, status: int = 200, headers: Optional[Dict[str, str]] = None
) -> Reply:
    """Build a JSON :class:`Reply`."""
    body = json.dumps(obj).encode("utf-8")
    return Reply(status, dict(headers or {}), body, content_type="application/json")


def error_body(
    message: str,
    *,
    type: str = "invalid_request_error",
    param: Optional[str] = None,
    code: Optional[str] = None,
) -> Dict[str, Any]:
    """Build an OpenAI error object."""
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def error_reply(
    status: int,
    message: str,
    *,
    type: str = "invalid_request_error",
    param: Optional[str] = None,
    code: Optional[str] = None,
    headers: Optional[Dict[str, str]] = None,
) -> Reply:
    """Build a :class:`Reply` carrying an OpenAI error body."""
    obj = error_body(message, type=type, param=param, code=code)
    return json_reply(obj, status, headers)


def sse_event(obj: Any) -> bytes:
    """Encode one server-sent event whose data is *obj* as compact JSON."""
    return b"data: " + json.dumps(obj, separators=(",", ":")).encode("utf-8") + b"\n\n"


def sse_reply(
    events: List[Any],
    *,
    done: bool = True,
    split: Optional[int] = None,
    chunk_delay: float = 0.0,
    drop: Optional[str] = None,
    headers: Optional[Dict[str, str]] = None,
    line_ending: str = "\n",
) -> Reply:
    """Build a chunked ``text/event-stream`` :class:`Reply`.

    An item of *events* that is bytes or str is sent as it is (its lines and the blank
    line that ends it); any other item is sent as ``data: <json>`` and a blank line.
    *done* adds ``data: [DONE]``. Each event goes in its own HTTP chunk, unless *split*
    cuts the whole stream into chunks of that many bytes. *line_ending* (``"\\r\\n"`` or
    ``"\\r"``) replaces each ``\\n`` of the stream before it is cut.
    """
    if line_ending not in ("\n", "\r\n", "\r"):
        raise ValueError(f"line_ending must be \\n, \\r\\n or \\r, not {line_ending!r}")
    pieces = [
        e if isinstance(e, bytes) else e.encode("utf-8") if isinstance(e, str) else sse_event(e)
        for e in events
    ]
    if done:
        pieces.append(b"data: [DONE]\n\n")
    if line_ending != "\n":
        pieces = [p.replace(b"\n", line_ending.encode("ascii")) for p in pieces]
    if split is not None:
        whole = b"".join(pieces)
        pieces = [whole[i : i + split] for i in range(0, len(whole), split)]
    return Reply(
        200,
        dict(headers or {}),
        chunks=pieces,
        chunk_delay=chunk_delay,
        drop=drop,
        content_type="text/event-stream",
    )


class ApiError(Exception):
    """Raised by a route handler to answer with an OpenAI error body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: Optional[str] = None,
        code: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.reply = error_reply(status, message, type=type, param=param, code=code)


def json_body(request: RecordedRequest) -> Dict[str, Any]:
    """Return the request's JSON object body, or raise a 400 :class:`ApiError`."""
    if not isinstance(request.json, dict):
        raise ApiError(
            400,
            "We could not parse the JSON body of your request. (HINT: This likely "
            "means you aren't using your HTTP library correctly. The OpenAI API "
            "expects a JSON payload, but what was sent was not valid JSON.)",
        )
    return request.json


def require(body: Mapping[str, Any], name: str, kind: type = str) -> Any:
    """Return ``body[name]``, or raise a 400 :class:`ApiError` if missing or mistyped."""
    if name not in body or body[name] is None or body[name] == "":
        raise ApiError(
            400,
            f"Missing required parameter: '{name}'.",
            param=name,
            code="missing_required_parameter",
        )
    value = body[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise invalid(name, f"expected {kind.__name__}")
    return value


def invalid(name: str, why: str) -> ApiError:
    """Build a 400 :class:`ApiError` for an invalid parameter."""
    return ApiError(
        400, f"Invalid value for '{name}': {why}.", param=name, code="invalid_value"
    )


def metadata_param(value: Any) -> Dict[str, str]:
    """Check a request's ``metadata`` (at most 16 string pairs); {} for None."""
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > 16:
        raise invalid("metadata", "expected an object of at most 16 pairs")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise invalid("metadata", "expected string keys and values")
    return dict(value)


def not_found(what: str, ident: str, param: str, code: Optional[str] = None) -> ApiError:
    """Build a 404 :class:`ApiError` for an unknown object id."""
    return ApiError(404, f"No such {what}: {ident}", param=param, code=code)


def count_tokens(text: str) -> int:
    """A crude, deterministic token count: the number of words."""
    return len(text.split())


def form_int(request: RecordedRequest, name: str, default: int) -> int:
    """Return an integer multipart field, or raise a 400 :class:`ApiError`."""
    raw = request.form.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise invalid(name, "expected an integer") from None

def _mid_body_pieces(reply: Reply) -> List[bytes]:
    """What a ``mid_body`` drop sends: half the body, or half the chunks."""
    if reply.chunks is not None:
        return reply.chunks[: len(reply.chunks) // 2]
    return [reply.body[: len(reply.body) // 2]]

