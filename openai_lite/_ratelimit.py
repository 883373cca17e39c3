"""Pacing calls from many threads at the account's rate limits.

The API keeps two buckets per model, requests and tokens per minute, each refilled
continuously, and charges a call at admission: one request, and its prompt tokens plus
the most it may generate. :class:`Pacer` keeps its own copy of both buckets and admits a
call only when both can pay for it. It learns the limits and the buckets' levels from the
``x-ratelimit-*`` headers of every answer, estimates prompt tokens from characters (no
tokenizer), and corrects that estimate by the ``usage`` the answers report. A 429 pauses
every thread for the wait the server asks for.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

__all__ = ["Pacer", "parse_duration", "estimate_prompt_tokens", "KINDS"]

KINDS = ("requests", "tokens")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
_TRY_AGAIN = re.compile(r"try again in ((?:\d+(?:\.\d+)?(?:ms|h|m|s))+)", re.IGNORECASE)


def parse_duration(text: Any) -> Optional[float]:
    """Seconds from a reset value such as ``1s``, ``6m0s``, ``20ms`` or ``1h2m3.5s``; None if unreadable."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    pieces = _DURATION.findall(text)
    if not pieces or "".join(n + u for n, u in pieces) != text:
        try:
            return max(float(text), 0.0)
        except ValueError:
            return None
    return sum(float(n) * _UNITS[u] for n, u in pieces)


def _texts(value: Any, out: List[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _texts(v, out)
    elif isinstance(value, Mapping):
        for key in ("content", "text", "input", "prompt", "messages", "instructions"):
            if key in value:
                _texts(value[key], out)


def estimate_prompt_tokens(call: Mapping[str, Any]) -> int:
    """A cheap guess of a call's prompt tokens: a token per four characters of its text."""
    texts: List[str] = []
    _texts(call, texts)
    return sum(len(t) for t in texts) // 4 + 1


def _header(headers: Mapping[str, str], name: str) -> Optional[str]:
    value = headers.get(name)
    return value if isinstance(value, str) else None


def retry_wait(headers: Mapping[str, str], message: Optional[str]) -> Optional[float]:
    """The wait a 429 asks for: ``retry-after-ms``, ``retry-after``, the message's "try again in",
    or else the reset time of an exhausted bucket."""
    raw = _header(headers, "retry-after-ms")
    if raw is not None:
        try:
            return max(float(raw) / 1000.0, 0.0)
        except ValueError:
            pass
    raw = _header(headers, "retry-after")
    if raw is not None:
        try:
            return max(float(raw), 0.0)
        except ValueError:
            pass
    found = _TRY_AGAIN.search(message or "")
    if found:
        return parse_duration(found.group(1))
    waits = [
        parse_duration(_header(headers, f"x-ratelimit-reset-{kind}"))
        for kind in KINDS
        if _header(headers, f"x-ratelimit-remaining-{kind}") == "0"
    ]
    known = [w for w in waits if w is not None]
    return max(known) if known else None


class Pacer:
    """Admits calls at the rate limits, shared by every thread of a pool.

    :param max_per_minute: caps of our own, ``{"requests": n, "tokens": n}``, used until
        (and beside) the limits the API reports.
    """

    def __init__(
        self, max_per_minute: Mapping[str, Optional[int]], *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.clock = clock
        self._cond = threading.Condition()
        self._caps = {k: max_per_minute.get(k) for k in KINDS}
        self._server: Dict[str, Optional[float]] = {k: None for k in KINDS}
        self._level: Dict[str, float] = {}
        self._last = clock()
        self._paused_until = 0.0
        self._seq = 0
        self._in_flight: Dict[int, float] = {}
        self._heard = False  # an answer has come back (its headers, if any, are known)
        self._estimated = 0.0
        self._actual = 0.0
        self.rate_limited = 0
        self.stopped = False
        for kind in KINDS:
            if self._caps[kind] is not None:
                self._level[kind] = 0.0  # until the server tells how full its bucket is

    # -- the limits -------------------------------------------------------

    def _limit(self, kind: str) -> Optional[float]:
        known = [v for v in (self._caps[kind], self._server[kind]) if v is not None]
        return float(min(known)) if known else None

    def _refill(self, now: float) -> None:
        elapsed = max(now - self._last, 0.0)
        self._last = now
        for kind in KINDS:
            limit = self._limit(kind)
            if limit is not None:
                self._level[kind] = min(limit, self._level.get(kind, limit) + elapsed * limit / 60.0)

    @property
    def prompt_ratio(self) -> float:
        """Actual prompt tokens per estimated one, learnt from ``usage``."""
        return self._actual / self._estimated if self._estimated >= 1 else 1.0

    # -- admission --------------------------------------------------------

    def acquire(self, prompt_estimate: int, completion_cap: int) -> Tuple[int, float]:
        """Block until a call can be admitted; charge it and return (its number, its token cost)."""
        with self._cond:
            while True:
                if self.stopped:
                    raise _Stopped()
                now = self.clock()
                self._refill(now)
                tokens = prompt_estimate * self.prompt_ratio + completion_cap
                wait = self._paused_until - now
                if not self._heard and self._in_flight:
                    wait = max(wait, 1.0)  # the first call tells the limits: one at a time until then
                cost = {"requests": 1.0, "tokens": float(tokens)}
                for kind in KINDS:
                    limit = self._limit(kind)
                    if limit is not None:
                        need = min(cost[kind], limit) - self._level[kind]
                        wait = max(wait, need * 60.0 / limit)
                if wait <= 0:
                    for kind in KINDS:
                        if self._limit(kind) is not None:
                            self._level[kind] -= cost[kind]
                    self._seq += 1
                    self._in_flight[self._seq] = float(tokens)
                    return self._seq, float(tokens)
                self._cond.wait(min(wait, 1.0))

    def answered(
        self,
        seq: int,
        headers: Optional[Mapping[str, str]],
        *,
        status_code: Optional[int] = None,
        message: Optional[str] = None,
        prompt_estimate: int = 0,
        prompt_tokens: Optional[int] = None,
    ) -> None:
        """Learn from the answer to call *seq* (None headers: no answer came)."""
        with self._cond:
            self._in_flight.pop(seq, None)
            self._heard = True
            now = self.clock()
            self._refill(now)
            if headers is not None:
                self._sync(headers)
            if prompt_tokens is not None and prompt_estimate > 0:
                self._estimated += prompt_estimate
                self._actual += prompt_tokens
            if status_code == 429:
                self.rate_limited += 1
                wait = retry_wait(headers or {}, message)
                self._paused_until = max(self._paused_until, now + (1.0 if wait is None else wait))
            self._cond.notify_all()

    def _sync(self, headers: Mapping[str, str]) -> None:
        """Take the server's view of the buckets, less what is still in flight.

        A call in flight may or may not have been charged by the server yet: counting it
        as not charged keeps the pool from overrunning the limit. The server's view only
        ever lowers ours: answers come back in any order, so a higher one may be older than
        what we know, and a level kept too low costs a wait once, not a share of the rate.
        """
        pending = {"requests": float(len(self._in_flight)), "tokens": sum(self._in_flight.values())}
        for kind in KINDS:
            limit = _header(headers, f"x-ratelimit-limit-{kind}")
            if limit is not None:
                try:
                    self._server[kind] = float(limit)
                except ValueError:
                    pass
            remaining = _header(headers, f"x-ratelimit-remaining-{kind}")
            cap = self._limit(kind)
            if remaining is None or cap is None:
                continue
            try:
                level = min(float(remaining) - pending[kind], cap)
            except ValueError:
                continue
            if kind not in self._level or level < self._level[kind]:
                self._level[kind] = level

    def stop(self) -> None:
        """Wake every waiting thread with :class:`_Stopped`."""
        with self._cond:
            self.stopped = True
            self._cond.notify_all()


class _Stopped(Exception):
    """The pool is shutting down."""
