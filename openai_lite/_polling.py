"""Waiting for an object the API works on in the background, at the pace the server asks for.

The API answers a request for such an object (a vector store file, a file batch, a batch)
with an ``openai-poll-after-ms`` header: how long to wait before looking again. :func:`poll`
waits that long, or ``interval`` seconds when the header is absent or unreadable, and gives
up with :class:`~openai_lite.APITimeoutError` as soon as the next look would come after the
deadline, rather than sleeping in vain.
"""

from __future__ import annotations

import math
import time
from typing import Any, Callable, Mapping, Optional, TypeVar

from ._errors import APITimeoutError
from ._response import ApiResponse

__all__ = ["POLL_AFTER_HEADER", "check_poll_settings", "poll", "poll_after"]

T = TypeVar("T")

#: The response header that tells how many milliseconds to wait before polling again.
POLL_AFTER_HEADER = "openai-poll-after-ms"


def check_poll_settings(interval: Any, timeout: Any) -> None:
    """Refuse a ``poll_interval`` or ``poll_timeout`` that is not a usable number of seconds."""
    for name, value in (("poll_interval", interval), ("poll_timeout", timeout)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{name} must be a number of seconds, not {value!r}")
    if not 0 <= interval < math.inf:
        raise ValueError(f"poll_interval must be a finite number of seconds, 0 or more, not {interval!r}")
    if not timeout > 0:
        raise ValueError(f"poll_timeout must be more than 0 seconds, not {timeout!r}")


def poll_after(headers: Mapping[str, str], default: float) -> float:
    """The seconds to wait that the server asked for, or *default* when it did not say."""
    value = headers.get(POLL_AFTER_HEADER, "").strip()
    if not value.isdigit():
        return default
    return int(value) / 1000.0


def poll(
    fetch: Callable[[], ApiResponse[T]],
    first: ApiResponse[T],
    *,
    done: Callable[[T], bool],
    interval: float,
    timeout: float,
    report: Optional[Callable[[T], None]] = None,
    describe: Callable[[T], str] = lambda data: "the object",
) -> ApiResponse[T]:
    """Call *fetch* until *done* holds for its data; return that response.

    :param first: the answer that started the wait (a creation, say); it is looked at
        first, and its header sets the first wait.
    :param interval: the seconds between looks when the server does not send
        ``openai-poll-after-ms``.
    :param timeout: the seconds, from this call, after which no further look is made.
    :param report: called with the data of every successful answer, *first* included.
    :param describe: names the object in the timeout message.
    :returns: the first answer whose data is done, or the first failed answer (its
        ``data`` raises the typed error).
    :raises APITimeoutError: when the next look would come after the deadline.
    """
    deadline = time.monotonic() + timeout
    resp = first
    while True:
        if not resp.ok:
            return resp
        data = resp.data
        if report is not None:
            report(data)
        if done(data):
            return resp
        wait = poll_after(resp.headers, interval)
        if time.monotonic() + wait > deadline:
            raise APITimeoutError(
                f"Gave up waiting after {timeout:g} s: {describe(data)} is not done"
                f" (the next look was due in {wait:g} s)"
            )
        time.sleep(wait)
        resp = fetch()
