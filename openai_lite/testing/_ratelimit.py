"""Rate limits for the fake server: requests and tokens per minute, as the API enforces them.

Each limit is a bucket that holds up to a minute's allowance and refills continuously. A
call is charged at admission: one request, and its prompt tokens (counted as the fake's
routes count them in ``usage``) plus the most it may generate (``max_tokens``, or
:attr:`RateLimits.default_max_tokens`). A call the buckets cannot pay for is answered 429
without being charged, with the wait in the message and in ``retry-after-ms``. Every answer
of a limited route carries the ``x-ratelimit-*`` headers.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

from ._server import RecordedRequest, Reply, count_tokens, error_reply

__all__ = ["RateLimits", "format_duration"]

#: The routes that are limited, by route path (POST only).
LIMITED_PATHS = ("/chat/completions", "/completions", "/embeddings", "/responses", "/moderations")


def format_duration(seconds: float) -> str:
    """Format a wait the way the API's ``x-ratelimit-reset-*`` headers do: ``20ms``, ``1s``, ``6m0s``."""
    if seconds < 1:
        return f"{max(int(math.ceil(round(seconds * 1000, 6))), 0)}ms"
    minutes, rest = divmod(seconds, 60)
    text = f"{rest:.3f}".rstrip("0").rstrip(".") + "s"
    return f"{int(minutes)}m{text}" if minutes else text


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return " ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return " ".join(_text(value.get(k)) for k in ("content", "text", "input") if k in value)
    return ""


def prompt_tokens(body: Any) -> int:
    """The prompt tokens of a JSON body, counted as the fake's routes count them."""
    if not isinstance(body, dict):
        return 0
    if isinstance(body.get("messages"), list):
        return sum(count_tokens(_text(m.get("content"))) for m in body["messages"] if isinstance(m, dict))
    for key in ("input", "prompt"):
        value = body.get(key)
        if isinstance(value, list) and value and all(isinstance(v, int) for v in value):
            return len(value)
        if value is not None:
            return count_tokens(_text(value))
    return 0


class _Bucket:
    def __init__(self, limit: float, level: float) -> None:
        self.limit = limit
        self.level = level
        self.rate = limit / 60.0

    def refill(self, now: float, last: float) -> None:
        self.level = min(self.limit, self.level + (now - last) * self.rate)

    def wait_for(self, cost: float) -> float:
        return max(cost - self.level, 0.0) / self.rate

    def reset(self) -> float:
        return (self.limit - self.level) / self.rate


class RateLimits:
    """Requests and tokens per minute for a :class:`~openai_lite.testing.FakeOpenAI`.

    Set it as ``fake.rate_limits = RateLimits(requests_per_minute=3000,
    tokens_per_minute=300_000)``. *start* is the fraction of each bucket that is full at
    first (1.0: a whole minute's burst is allowed at once). *clock* is in seconds.

    :ivar admitted: calls admitted so far; :ivar limited: calls answered 429.
    """

    def __init__(
        self,
        *,
        requests_per_minute: Optional[int] = None,
        tokens_per_minute: Optional[int] = None,
        start: float = 1.0,
        default_max_tokens: int = 16,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if requests_per_minute is None and tokens_per_minute is None:
            raise ValueError("give requests_per_minute, tokens_per_minute or both")
        self.default_max_tokens = default_max_tokens
        self.clock = clock
        self.admitted = 0
        self.limited = 0
        self.tokens_charged = 0
        self._lock = threading.Lock()
        self._last = clock()
        self._buckets: List[Tuple[str, _Bucket]] = []
        if requests_per_minute is not None:
            self._buckets.append(("requests", _Bucket(requests_per_minute, requests_per_minute * start)))
        if tokens_per_minute is not None:
            self._buckets.append(("tokens", _Bucket(tokens_per_minute, tokens_per_minute * start)))

    def cost(self, request: RecordedRequest) -> Dict[str, int]:
        """What a call is charged at admission: one request, and its tokens."""
        body = request.json if isinstance(request.json, dict) else {}
        cap = body.get("max_completion_tokens", body.get("max_output_tokens", body.get("max_tokens")))
        if request.route_path in ("/embeddings", "/moderations"):
            cap = 0
        elif not isinstance(cap, int) or isinstance(cap, bool):
            cap = self.default_max_tokens
        return {"requests": 1, "tokens": prompt_tokens(body) + cap}

    def admit(self, request: RecordedRequest, call: Callable[[], Reply]) -> Reply:
        """Charge *request* and answer it with *call*, or answer 429 if the buckets are short."""
        if request.method != "POST" or request.route_path not in LIMITED_PATHS:
            return call()
        cost = self.cost(request)
        with self._lock:
            now = self.clock()
            for _, bucket in self._buckets:
                bucket.refill(now, self._last)
            self._last = now
            waits = [(b.wait_for(cost[name]), name, b) for name, b in self._buckets]
            wait, name, short = max(waits, key=lambda w: w[0])
            if wait > 1e-6:
                self.limited += 1
            else:
                self.admitted += 1
                self.tokens_charged += cost["tokens"]
                for kind, bucket in self._buckets:
                    bucket.level -= cost[kind]
            headers = self._headers()
        if wait <= 1e-6:
            reply = call()
            pairs = reply.header_pairs()
            return Reply(
                reply.status,
                pairs + list(headers.items()),
                reply.body,
                chunks=reply.chunks,
                chunk_delay=reply.chunk_delay,
                delay=reply.delay,
                drop=reply.drop,
            )
        unit = "RPM" if name == "requests" else "TPM"
        used = int(math.ceil(round(short.limit - short.level, 6)))
        message = (
            f"Rate limit reached for requests in organization org-acme on {name} per min ({unit}): "
            f"Limit {int(short.limit)}, Used {used}, Requested {cost[name]}. "
            f"Please try again in {format_duration(wait)}."
        )
        headers["retry-after-ms"] = str(int(math.ceil(round(wait * 1000, 6))))
        headers["retry-after"] = str(int(math.ceil(wait)))
        return error_reply(429, message, type=name, code="rate_limit_exceeded", headers=headers)

    def _headers(self) -> Dict[str, str]:
        headers: Dict[str, str] = {}
        for name, bucket in self._buckets:
            headers[f"x-ratelimit-limit-{name}"] = str(int(bucket.limit))
            headers[f"x-ratelimit-remaining-{name}"] = str(max(int(bucket.level), 0))
            headers[f"x-ratelimit-reset-{name}"] = format_duration(bucket.reset())
        return headers
