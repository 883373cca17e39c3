"""Decode benchmarks, run in a process of their own; prints one JSON object.

Each case turns response bytes into the objects a caller reads: ``json.loads`` alone (the
floor), openai_lite (``json.loads`` and the class's decoder, as a call does it), and the
official SDK (``json.loads`` and its ``construct_type``, as its client does it). The cases
alternate inside every round; the seconds per call of every round are printed, and the
runner takes medians (and the ratios within each round) from them.
"""

from __future__ import annotations

import base64
import json
import random
import sys
import time
from array import array
from typing import Any, Callable, Dict, List

sys.path.insert(0, __file__.rsplit("/", 1)[0])

from server import COMPLETION  # noqa: E402

from openai_lite._model import decoder_for  # noqa: E402
from openai_lite._response import ApiResponse  # noqa: E402
from openai_lite.chat import ChatCompletion  # noqa: E402
from openai_lite.embeddings import CreateEmbeddingResponse, _decode_base64  # noqa: E402


def embeddings_body(fmt: str, n: int = 100, dims: int = 1536) -> bytes:
    rng = random.Random(7)
    data = []
    for i in range(n):
        vec = array("f", (rng.uniform(-0.1, 0.1) for _ in range(dims)))
        value: Any = base64.b64encode(vec.tobytes()).decode() if fmt == "base64" else vec.tolist()
        data.append({"object": "embedding", "index": i, "embedding": value})
    body = {
        "object": "list",
        "data": data,
        "model": "text-embedding-3-small",
        "usage": {"prompt_tokens": 800, "total_tokens": 800},
    }
    return json.dumps(body).encode()


def time_per_call(fn: Callable[[], Any], budget: float) -> float:
    """Seconds per call of *fn*, timed in a batch that lasts about *budget* seconds."""
    fn()
    t0 = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t0, 1e-7)
    n = max(1, int(budget / one))
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    small = COMPLETION
    floats = embeddings_body("float")
    b64 = embeddings_body("base64")

    def lite_chat() -> Any:
        return decoder_for(ChatCompletion)(json.loads(small))

    def lite_embed(raw: bytes) -> Callable[[], Any]:
        def run() -> Any:
            return decoder_for(CreateEmbeddingResponse)(json.loads(raw))

        return run

    def lite_b64() -> Any:
        data = decoder_for(CreateEmbeddingResponse)(json.loads(b64))
        _decode_base64(ApiResponse(200, {}, None, _data=data))  # type: ignore[arg-type]
        return data

    cases: Dict[str, Callable[[], Any]] = {
        "small.json": lambda: json.loads(small),
        "small.lite": lite_chat,
        "float.json": lambda: json.loads(floats),
        "float.lite": lite_embed(floats),
        "b64.json": lambda: json.loads(b64),
        "b64.lite": lite_b64,
    }
    try:
        from openai._models import construct_type
        from openai.types import CreateEmbeddingResponse as SDKEmbeddings
        from openai.types.chat import ChatCompletion as SDKChat

        cases["small.sdk"] = lambda: construct_type(type_=SDKChat, value=json.loads(small))
        cases["float.sdk"] = lambda: construct_type(type_=SDKEmbeddings, value=json.loads(floats))
    except ImportError:
        pass

    assert len(lite_b64().data[0].embedding) == 1536
    results: Dict[str, List[float]] = {k: [] for k in cases}
    names = list(cases)
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            budget = 0.05 if name.startswith("small") else 0.15
            results[name].append(time_per_call(cases[name], budget))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
