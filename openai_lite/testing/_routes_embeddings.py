"""Embedding route: deterministic, unit-normalised vectors."""

from __future__ import annotations

import base64
import hashlib
import math
import struct
from typing import TYPE_CHECKING, Any, Dict, List

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
)

DEFAULT_DIMENSIONS = 1536
if TYPE_CHECKING:
    _Input = str | List[int]


def _is_tokens(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(t, int) and not isinstance(t, bool) for t in value)
    )


def _inputs(value: Any) -> List[_Input]:
    if isinstance(value, str) or _is_tokens(value):
        value = [value]
    if not isinstance(value, list) or not value:
        raise invalid("input", "expected a string or a non-empty array")
    if all(isinstance(v, str) and v for v in value) or all(
        _is_tokens(v) for v in value
    ):
        return list(value)
    raise invalid("input", "expected non-empty strings or arrays of token integers")


def embed(model: str, item: _Input, dimensions: int) -> List[float]:
    """Return a deterministic unit vector of float32 values for *item*."""
    seed = hashlib.sha256((f"{model}\0{item!r}").encode()).digest()
    raw: List[float] = []
    block = 0
    while len(raw) < dimensions:
        digest = hashlib.sha256(seed + block.to_bytes(4, "little")).digest()
        raw.extend(w / 2147483648.0 - 1.0 for w in struct.unpack("<8I", digest))
        block += 1
    raw = raw[:dimensions]
    norm = math.sqrt(sum(x * x for x in raw)) or 1.0
    packed = struct.pack(f"<{dimensions}f", *(x / norm for x in raw))
    return list(struct.unpack(f"<{dimensions}f", packed))


@builtin_route("POST", "/embeddings")
def create_embeddings(
    fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]
) -> Reply:
    """Embed a string, strings, tokens or lists of tokens."""
    body = json_body(request)
    model = require(body, "model")
    if "input" not in body:
        require(body, "input")
    inputs = _inputs(body["input"])
    dimensions = body.get("dimensions", DEFAULT_DIMENSIONS)
    if (
        isinstance(dimensions, bool)
        or not isinstance(dimensions, int)
        or dimensions < 1
    ):
        raise invalid("dimensions", "expected a positive integer")
    encoding = body.get("encoding_format", "float")
    if encoding not in ("float", "base64"):
        raise invalid("encoding_format", "expected 'float' or 'base64'")
    data: List[Dict[str, Any]] = []
    tokens = 0
    for index, item in enumerate(inputs):
        vector = embed(model, item, dimensions)
        tokens += count_tokens(item) if isinstance(item, str) else len(item)
        embedding: Any = vector
        if encoding == "base64":
            packed = struct.pack(f"<{len(vector)}f", *vector)
            embedding = base64.b64encode(packed).decode("ascii")
        data.append({"object": "embedding", "index": index, "embedding": embedding})
    usage = {"prompt_tokens": tokens, "total_tokens": tokens}
    return json_reply({"object": "list", "data": data, "model": model, "usage": usage})
