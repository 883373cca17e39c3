"""``bulk.map``: one function over many calls, from a thread pool paced at the rate limits."""

from __future__ import annotations

import builtins
import collections
import concurrent.futures
import inspect
import json
import os
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Deque, Dict, Iterable, Iterator, Mapping, Optional, Set, Union

import requests

from ._bulk_batch import retryable
from ._errors import APIConnectionError, APIStatusError, OpenAIError
from ._multipart import Progress
from ._ratelimit import Pacer, _Stopped, estimate_prompt_tokens
from ._response import ApiResponse
from ._session import OpenAISession

__all__ = ["MapResult", "map"]



@dataclass(frozen=True)
class MapResult:
    """The outcome of one item of :func:`map`."""

    #: The item's position in *items*.
    index: int
    #: The item: the keyword arguments of its call (without those given to ``map``).
    item: Mapping[str, Any]
    #: What the call returned (for a library function, an :class:`~openai_lite.ApiResponse`,
    #: even an unsuccessful one); None when it raised.
    response: Any = None
    #: The error of a failed call: the typed status error of a non-2xx answer, or what it raised.
    error: Optional[OpenAIError] = None

    @property
    def ok(self) -> bool:
        """True when the call succeeded."""
        return self.error is None


def _takes_max_retries(fn: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.kind is p.VAR_KEYWORD or p.name == "max_retries" for p in params)


def _completion_cap(fn: Callable[..., Any], call: Mapping[str, Any], default: int) -> int:
    for key in ("max_completion_tokens", "max_output_tokens", "max_tokens"):
        value = call.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    module = getattr(fn, "__module__", "") or ""
    return 0 if module.endswith((".embeddings", ".moderations")) else default


def _prompt_tokens(response: Any) -> Optional[int]:
    usage = getattr(getattr(response, "_data", None), "usage", None)
    for name in ("prompt_tokens", "input_tokens"):
        value = getattr(usage, name, None)
        if isinstance(value, int):
            return value
    return None


def _size_pool(session: requests.Session, workers: int) -> None:
    """Give an OpenAISession's adapter a connection per worker (a plain Session is left as it is)."""
    if not isinstance(session, OpenAISession):
        return
    adapter = session.get_adapter(session.base_url + "/")
    size = getattr(adapter, "_pool_maxsize", None)
    if isinstance(size, int) and size < workers:
        adapter.init_poolmanager(adapter._pool_connections, workers, block=adapter._pool_block)  # type: ignore[attr-defined]
        adapter._pool_maxsize = workers  # type: ignore[attr-defined]


class _Output:
    """The ``output`` file: one JSON line per finished item, appended as items finish."""

    def __init__(self, path: str) -> None:
        self.done: Set[int] = set()
        if os.path.exists(path):
            with open(path, "rb") as f:
                good = 0
                for raw in f:
                    try:
                        index = json.loads(raw)["index"]
                    except (ValueError, KeyError, TypeError):
                        break  # a line cut by a crash: it is dropped and its item run again
                    if raw.endswith(b"\n") and isinstance(index, int):
                        self.done.add(index)
                        good += len(raw)
            with open(path, "r+b") as f:
                f.truncate(good)
        self._file = open(path, "ab")
        self._lock = threading.Lock()

    def write(self, result: MapResult) -> None:
        response = result.response
        status = getattr(response, "status_code", None)
        body = b"null"
        raw = getattr(response, "raw", None)
        if isinstance(raw, requests.Response) and "json" in raw.headers.get("Content-Type", ""):
            body = raw.content.strip() or b"null"
        error: Any = None
        if result.error is not None:
            if isinstance(result.error, APIStatusError) and isinstance(result.error.body, dict):
                error = result.error.body.get("error", result.error.body)
            else:
                error = {"type": type(result.error).__name__, "message": str(result.error)}
        head = json.dumps({"index": result.index, "status_code": status})[:-1].encode("utf-8")
        line = head + b', "body": ' + body + b', "error": ' + json.dumps(error).encode("utf-8") + b"}\n"
        with self._lock:
            self._file.write(line)
            self._file.flush()

    def close(self) -> None:
        self._file.close()


def _bar() -> Progress:
    import importlib

    tqdm = importlib.import_module("tqdm").tqdm  # optional: pip install openai-lite[progress]
    bar = tqdm(unit="call")

    def progress(done: int, total: Optional[int]) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    return progress


def map(
    session: requests.Session,
    fn: Callable[..., Any],
    items: Iterable[Mapping[str, Any]],
    *,
    workers: int = 8,
    ordered: bool = True,
    max_requests_per_minute: Optional[int] = None,
    max_tokens_per_minute: Optional[int] = None,
    default_max_tokens: int = 16,
    max_attempts: int = 6,
    output: Optional[Union[str, os.PathLike[str]]] = None,
    progress: Union[bool, Progress, None] = None,
    **kwargs: Any,
) -> Iterator[MapResult]:
    """Call ``fn(session, **kwargs, **item)`` for each item from *workers* threads, at the rate limits.

    *items* is read lazily, at most ``2 * workers`` ahead of the results, so memory stays
    flat. Results come in the order of *items*, or as they finish with ``ordered=False``.
    The threads share *session*; an :class:`~openai_lite.OpenAISession`'s connection pool is
    grown to *workers* connections if it is smaller (a plain Session is used as it is).

    Calls are paced by the limits the API reports in its ``x-ratelimit-*`` headers and
    by *max_requests_per_minute* and *max_tokens_per_minute*: a call is charged its
    estimated prompt tokens plus its ``max_tokens`` (or *default_max_tokens*, 0 for
    embeddings and moderations). A 429 pauses the whole pool for the wait the server asks
    for; 429, 408, 409, 5xx and connection errors are tried again, up to *max_attempts*
    tries in all (the session's own retries are turned off for these calls when *fn*
    takes ``max_retries``).

    With *output*, one JSON line per finished item (``index``, ``status_code``, ``body``,
    ``error``) is appended to that file as it finishes, and a rerun skips the items already
    there. ``progress(done, total)`` is called as items finish (total None when *items* has
    no length); ``progress=True`` draws a tqdm bar on stderr.

    https://platform.openai.com/docs/guides/rate-limits
    """
    if not callable(fn):
        raise TypeError(f"fn must be a function that takes the session first, not {fn!r}")
    for name, value, low in (
        ("workers", workers, 1),
        ("max_attempts", max_attempts, 1),
        ("default_max_tokens", default_max_tokens, 0),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{name} must be an integer of at least {low}, not {value!r}")
    for name, cap in (
        ("max_requests_per_minute", max_requests_per_minute),
        ("max_tokens_per_minute", max_tokens_per_minute),
    ):
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
            raise ValueError(f"{name} must be a positive integer, not {cap!r}")
    if progress is True:
        progress = _bar()
    elif progress is not None and progress is not False and not callable(progress):
        raise TypeError(f"progress must be a callable, True or None, not {progress!r}")
    total = len(items) if hasattr(items, "__len__") else None  # type: ignore[arg-type]
    return _run(
        session,
        fn,
        iter(items),
        workers=workers,
        ordered=ordered,
        pacer=Pacer({"requests": max_requests_per_minute, "tokens": max_tokens_per_minute}),
        default_max_tokens=default_max_tokens,
        max_attempts=max_attempts,
        output=os.fspath(output) if output is not None else None,
        progress=progress or None,
        total=total,
        kwargs=kwargs,
    )


def _call_one(
    session: requests.Session,
    fn: Callable[..., Any],
    index: int,
    item: Mapping[str, Any],
    kwargs: Dict[str, Any],
    pacer: Pacer,
    default_max_tokens: int,
    max_attempts: int,
) -> MapResult:
    if not isinstance(item, Mapping):
        raise TypeError(f"items: item {index} must be a dict of keyword arguments, not {type(item).__name__}")
    call = dict(kwargs, **item)
    if "max_retries" not in call and _takes_max_retries(fn):
        call["max_retries"] = 0
    estimate = estimate_prompt_tokens(call)
    cap = _completion_cap(fn, call, default_max_tokens)
    attempt = 0
    while True:
        attempt += 1
        seq, _ = pacer.acquire(estimate, cap)
        try:
            response = fn(session, **call)
        except APIConnectionError as exc:
            pacer.answered(seq, None)
            if attempt >= max_attempts:
                return MapResult(index, item, None, exc)
            time.sleep(min(0.5 * 2 ** (attempt - 1), 8.0))
            continue
        except BaseException:
            pacer.answered(seq, None)
            raise
        if not isinstance(response, ApiResponse):
            pacer.answered(seq, None)
            return MapResult(index, item, response, None)
        status = response.status_code
        message = response.error.message if response.error is not None else None
        pacer.answered(
            seq,
            response.headers,
            status_code=status,
            message=message,
            prompt_estimate=estimate,
            prompt_tokens=_prompt_tokens(response) if response.ok else None,
        )
        if response.ok:
            return MapResult(index, item, response, None)
        if retryable(status) and attempt < max_attempts:
            if status != 429:
                time.sleep(min(0.5 * 2 ** (attempt - 1), 8.0))
            continue
        return MapResult(index, item, response, response.exception())


def _run(
    session: requests.Session,
    fn: Callable[..., Any],
    items: Iterator[Mapping[str, Any]],
    *,
    workers: int,
    ordered: bool,
    pacer: Pacer,
    default_max_tokens: int,
    max_attempts: int,
    output: Optional[str],
    progress: Optional[Progress],
    total: Optional[int],
    kwargs: Dict[str, Any],
) -> Iterator[MapResult]:
    _size_pool(session, workers)
    out = _Output(output) if output is not None else None
    skip = out.done if out is not None else set()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="openai-lite-map")
    pending: Deque[concurrent.futures.Future[MapResult]] = collections.deque()
    window = 2 * workers
    done = len(skip)
    numbered = ((i, item) for i, item in enumerate(items) if i not in skip)

    def task(index: int, item: Mapping[str, Any]) -> MapResult:
        result = _call_one(session, fn, index, item, kwargs, pacer, default_max_tokens, max_attempts)
        if out is not None:
            out.write(result)
        return result

    def fill() -> None:
        while len(pending) < window:
            nxt = next(numbered, None)
            if nxt is None:
                return
            pending.append(pool.submit(task, *nxt))

    try:
        if progress is not None:
            progress(done, total)
        fill()
        while pending:
            if ordered:
                future = pending.popleft()
            else:
                finished, _ = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
                future = next(f for f in pending if f in finished)
                pending.remove(future)
            result = future.result()
            fill()
            done += 1
            if progress is not None:
                progress(done, total)
            yield result
    finally:
        pacer.stop()
        for future in pending:
            future.cancel()
        for future in builtins.list(pending):
            try:
                future.exception()
            except (concurrent.futures.CancelledError, _Stopped):
                pass
        pool.shutdown(wait=True)
        if out is not None:
            out.close()
