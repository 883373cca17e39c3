"""The write timeout and the total timeout of a call.

urllib3 leaves the connect timeout on the socket while the request is written, so an upload
to a server that pauses reading would be cut by the (short) connect timeout. The connections
of an :class:`~openai_lite.OpenAISession` bound each write by the call's read timeout instead.

A read timeout bounds each wait for data, not a call: a server that sends a byte now and then
keeps a call alive for ever. :func:`call_deadline` bounds a whole call (connection, sending,
retries, the waits between them, and reading the body): a timer shuts the call's socket down
when the time is up, connects and waits are shortened to what is left, and the call then
raises :class:`~openai_lite.APITimeoutError`.

The state of the call in progress is kept per thread: urllib3 runs a call (and its retries)
in the thread that made it.
"""

from __future__ import annotations

import heapq
import os
import socket
import threading
import time
from types import TracebackType
from typing import Any, List, Optional, Tuple, Type

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from ._errors import APITimeoutError

__all__ = ["CallState", "call_deadline", "remaining", "check_wait", "install", "write_timeout"]

_UNSET: Any = object()


class _Local(threading.local):
    #: The write timeout of the call being sent (_UNSET: leave urllib3's).
    write: Any = _UNSET
    #: The total timeout of the call in progress, if any.
    call: Optional[CallState] = None


_local = _Local()


class CallState:
    """One call's total timeout: its deadline, its socket, and whether the time ran out."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.expired = False
        self.done = False
        self._sock: Optional[socket.socket] = None
        self._lock = threading.Lock()

    def watch(self, sock: Any) -> None:
        """Remember the socket that the call uses now, to shut it down when the time is up."""
        with self._lock:
            self._sock = sock
            fired = self.expired
        if fired:
            self._shut(sock)

    def fire(self) -> None:
        with self._lock:
            self.expired = True
            sock = self._sock
        if sock is not None:
            self._shut(sock)

    @staticmethod
    def _shut(sock: Any) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)  # wakes a read or write blocked in another thread
        except (OSError, AttributeError, ValueError):
            pass

    def left(self) -> float:
        """Seconds left (0 once the time is up)."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.expired = True
        return max(left, 0.0)

    def error(self) -> APITimeoutError:
        return APITimeoutError(f"The call took longer than its deadline of {self.seconds:g} s")


class call_deadline:  # noqa: N801  (used as a function: ``with call_deadline(seconds):``)
    """Bound the calls made inside the block to *seconds* in all (None: no bound).

    Inside a block that already has a total timeout, the earlier deadline holds. Any error
    raised after the time ran out becomes :class:`~openai_lite.APITimeoutError`, and a block
    that ends after it raises that error too: a body read then may be incomplete.
    """

    def __init__(self, seconds: Optional[float]) -> None:
        self._seconds = seconds
        self._state: Optional[CallState] = None
        self._outer: Optional[CallState] = None

    def __enter__(self) -> Optional[CallState]:
        self._outer = _local.call
        if self._seconds is None:
            return self._outer
        if self._outer is not None and self._outer.deadline <= time.monotonic() + self._seconds:
            return self._outer
        state = self._state = CallState(self._seconds)
        if self._seconds <= 0:
            state.expired = True
        else:
            _watchdog.add(state)
        _local.call = state
        return state

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        state = self._state
        if state is None:
            return
        state.done = True
        _local.call = self._outer
        if exc is not None and not isinstance(exc, Exception):
            return  # KeyboardInterrupt and the like go on as they are
        if state.expired and not isinstance(exc, APITimeoutError):
            raise state.error() from exc


class _Watchdog:
    """One thread for every call with a deadline: it shuts a call's socket when its time is up.

    A thread per call would cost more than a fast call itself.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: List[Tuple[float, int, CallState]] = []
        self._owner = 0  # the process whose thread runs (a forked child starts its own)
        self._count = 0
        self._limit = 1024

    def add(self, state: CallState) -> None:
        with self._cond:
            if self._owner != os.getpid():
                self._owner = os.getpid()
                self._heap = [item for item in self._heap if not item[2].done]
                threading.Thread(target=self._run, name="openai-lite-deadlines", daemon=True).start()
            self._count += 1
            if len(self._heap) >= self._limit:  # finished calls wait for their deadline: drop them
                self._heap = [item for item in self._heap if not item[2].done]
                heapq.heapify(self._heap)
                self._limit = max(1024, 2 * len(self._heap))
            heapq.heappush(self._heap, (state.deadline, self._count, state))
            if self._heap[0][2] is state:
                self._cond.notify()

    def _run(self) -> None:
        while True:
            due: List[CallState] = []
            with self._cond:
                now = time.monotonic()
                while self._heap and (self._heap[0][2].done or self._heap[0][0] <= now):
                    state = heapq.heappop(self._heap)[2]
                    if not state.done:
                        due.append(state)
                if not due:
                    self._cond.wait(self._heap[0][0] - now if self._heap else None)
            for state in due:
                state.fire()


_watchdog = _Watchdog()


def remaining() -> Optional[float]:
    """Seconds left to the call in progress, or None when it has no total timeout."""
    state = _local.call
    return None if state is None else state.left()


def check_wait(seconds: float) -> None:
    """Raise APITimeoutError at once when a wait of *seconds* would outlast the call's deadline."""
    state = _local.call
    if state is not None and seconds >= state.left():
        state.expired = True
        raise state.error()


class write_timeout:  # noqa: N801
    """Set, for the block, the timeout of each write of the request (None: no bound)."""

    def __init__(self, seconds: Optional[float]) -> None:
        self._seconds = seconds
        self._saved: Any = _UNSET

    def __enter__(self) -> None:
        self._saved = _local.write
        _local.write = self._seconds

    def __exit__(self, *exc_info: object) -> None:
        _local.write = self._saved


def _cap(timeout: Any) -> Any:
    """*timeout* shortened to what is left of the call; raises when nothing is."""
    state = _local.call
    if state is None:
        return timeout
    left = state.left()
    if left <= 0:
        raise socket.timeout("the call's total timeout passed")
    if timeout is None or not isinstance(timeout, (int, float)):
        return left
    return min(timeout, left)


class _TimedConnection:
    """Bounds writes by the call's write timeout, and lets the total timeout see the socket."""

    sock: Any
    timeout: Any

    def connect(self) -> None:
        if _local.call is not None:
            self.timeout = _cap(self.timeout)
        super().connect()  # type: ignore[misc]
        self._watch()

    def send(self, data: Any) -> None:
        if self.sock is None:
            self.connect()
        self._watch()
        write = _local.write
        if write is not _UNSET:
            self.sock.settimeout(_cap(write))
        elif _local.call is not None:
            self.sock.settimeout(_cap(self.sock.gettimeout()))
        super().send(data)  # type: ignore[misc]

    def _watch(self) -> None:
        state = _local.call
        if state is not None and self.sock is not None:
            state.watch(self.sock)


class _HTTPConnection(_TimedConnection, HTTPConnection):
    pass


class _HTTPSConnection(_TimedConnection, HTTPSConnection):
    pass


class _HTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


def install(manager: Any) -> Any:
    """Make a urllib3 pool manager build the connections above; return it."""
    classes = getattr(manager, "pool_classes_by_scheme", None)
    if isinstance(classes, dict) and classes.get("http") is HTTPConnectionPool:
        manager.pool_classes_by_scheme = {"http": _HTTPConnectionPool, "https": _HTTPSConnectionPool}
    return manager
