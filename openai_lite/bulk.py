"""Bulk work: the Batch API as a resumable pipeline, and a thread pool paced at the rate limits.

::

    from openai_lite import bulk

    for r in bulk.run(session, bodies, endpoint="/v1/chat/completions", state="labels.job"):
        print(r.custom_id, r.status_code, r.body or r.error)

    for r in bulk.map(session, embeddings.create, ({"input": t} for t in texts),
                      model="text-embedding-3-small"):
        print(r.index, r.response.data if r.response else r.error)

A job's state file is the truth about it: run the same call again after a crash and it
resumes, creating nothing twice. https://platform.openai.com/docs/guides/batch
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Union

import requests

from . import batches
from ._bulk_batch import (
    ENDED,
    build_retry_round,
    ensure_ended,
    new_state,
    refresh,
    rows,
    submit_parts,
    unfinished,
    write_parts,
)
from ._bulk_map import MapResult, map
from ._bulk_state import JobLock, JobLockedError, job_dir, read_state, write_state
from ._errors import APITimeoutError, OpenAIError

__all__ = [
    "Result",
    "PartStatus",
    "JobStatus",
    "MapResult",
    "JobLockedError",
    "submit",
    "wait",
    "results",
    "run",
    "cancel",
    "status",
    "map",
]

#: The Batch API's limits on one input file.
MAX_LINES = 50_000
MAX_BYTES = 200 * 1024 * 1024

Requests = Union[str, "os.PathLike[str]", Iterable[Mapping[str, Any]]]
StatePath = Union[str, "os.PathLike[str]"]
JobProgress = Union[bool, Callable[["JobStatus"], Any], None]


@dataclass(frozen=True)
class Result:
    """The outcome of one request of a job."""

    custom_id: str
    #: The request's HTTP status; None when it got no response (expired, cancelled, batch failed).
    status_code: Optional[int]
    #: The response body, decoded.
    body: Optional[Dict[str, Any]] = None
    #: The error object of anything that is not a 2xx (``code`` and ``message`` at least).
    error: Optional[Dict[str, Any]] = None
    request_id: Optional[str] = None

    @property
    def ok(self) -> bool:
        """True for a 2xx answer."""
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class PartStatus:
    """One part of a job: a file of requests and its batch."""

    part: int
    #: 0 for the job's requests, n for the n-th retry of those that may succeed on another try.
    round: int
    requests: int
    #: ``written``, ``uploaded``, the batch's status, or ``skipped`` (the job was cancelled first).
    status: str
    file_id: Optional[str] = None
    batch_id: Optional[str] = None
    completed: int = 0
    failed: int = 0


@dataclass(frozen=True)
class JobStatus:
    """Where a job stands: its requests counted by the status of their batch, overall and per part."""

    job: str
    state: str
    endpoint: str
    #: How many requests the job has.
    requests: int
    #: Requests (retries included) by the status of the part they are in.
    counts: Dict[str, int]
    #: Requests answered with a 2xx, and with an error, as the batches report them.
    completed: int
    failed: int
    #: Every batch has ended (and no retry round is left to run).
    done: bool
    cancelled: bool
    parts: List[PartStatus] = field(default_factory=list)

    def __str__(self) -> str:
        counts = ", ".join(f"{n} {name}" for name, n in sorted(self.counts.items()))
        return (
            f"{self.job}: {self.requests} requests in {len(self.parts)} parts ({counts}); "
            f"{self.completed} completed, {self.failed} failed" + (" (cancelled)" if self.cancelled else "")
        )


def _job_status(state_path: str, state: Dict[str, Any]) -> JobStatus:
    parts = [
        PartStatus(
            part=p["part"],
            round=p["round"],
            requests=p["count"],
            status=p["status"],
            file_id=p.get("file_id"),
            batch_id=p.get("batch_id"),
            completed=p.get("completed") or 0,
            failed=p.get("failed") or 0,
        )
        for p in state["parts"]
    ]
    counts: Dict[str, int] = {}
    for p in parts:
        counts[p.status] = counts.get(p.status, 0) + p.requests
    return JobStatus(
        job=state["job"],
        state=state_path,
        endpoint=state["endpoint"],
        requests=state["requests"],
        counts=counts,
        completed=sum(p.completed for p in parts),
        failed=sum(p.failed for p in parts),
        done=state["input_done"] and not unfinished(state) and not _retry_due(state),
        cancelled=state["cancelled"],
        parts=parts,
    )


def _retry_due(state: Dict[str, Any]) -> bool:
    return not state["cancelled"] and state["rounds_built"] < state["retry_failed"]


def _path(state: Any) -> str:
    if not isinstance(state, (str, os.PathLike)):
        raise TypeError(f"state must be a file path, not {type(state).__name__}")
    return os.path.abspath(os.fspath(state))


def _load(state_path: str) -> Dict[str, Any]:
    data = read_state(state_path)
    if data is None:
        raise FileNotFoundError(f"state: no bulk job at {state_path!r}")
    return data


class _Bar:
    """A tqdm bar on stderr of the requests answered so far."""

    def __init__(self) -> None:
        import importlib

        self._tqdm = importlib.import_module("tqdm").tqdm  # optional: pip install openai-lite[progress]
        self._bar: Any = None

    def __call__(self, job: JobStatus) -> None:
        if self._bar is None:
            self._bar = self._tqdm(total=job.requests, unit="req", desc=job.job, leave=True)
        self._bar.n = min(job.completed + job.failed, job.requests)
        self._bar.set_postfix_str(", ".join(f"{n} {k}" for k, n in sorted(job.counts.items())), refresh=False)
        self._bar.refresh()
        if job.done:
            self._bar.close()


def _progress_fn(progress: JobProgress) -> Optional[Callable[[JobStatus], Any]]:
    if progress is True:
        return _Bar()
    if progress is None or progress is False:
        return None
    if not callable(progress):
        raise TypeError(f"progress must be a callable, True or None, not {progress!r}")
    return progress


def _check_int(name: str, value: Any, low: int, high: Optional[int] = None) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{name} must be an integer {bound}, not {value!r}")


def submit(
    session: requests.Session,
    requests: Requests,
    *,
    endpoint: Union[batches.Endpoint, str],
    state: StatePath,
    completion_window: str = "24h",
    metadata: Optional[Mapping[str, str]] = None,
    max_lines: int = MAX_LINES,
    max_bytes: int = MAX_BYTES,
    retry_failed: int = 0,
) -> JobStatus:
    """Split the requests into files, upload them and start one batch per file; resume a job.

    *requests* is consumed lazily: request bodies (their ``custom_id`` is ``"request-<n>"``,
    n their position), ``{"custom_id", "body"}`` dicts, full batch lines, or the path of a
    JSONL file of any of these. They are all written to part files next to the state file
    first, so that a duplicate ``custom_id`` is refused before anything is uploaded.

    With an existing *state*, the job is resumed where it stopped: *requests* is read
    again only if the parts were not all written; nothing is uploaded or created twice.
    *retry_failed* rounds (run by :func:`wait`) resubmit the requests that expired, whose
    batch failed, or that got 408, 409, 429 or 5xx.

    :raises JobLockedError: when another process holds the job.
    :raises APIStatusError: (the subclass for the status) when an upload or create fails.

    https://platform.openai.com/docs/api-reference/batch/create
    """
    path = _path(state)
    if not isinstance(endpoint, str) or not endpoint.startswith("/v1/"):
        raise ValueError(f"endpoint must be an API path such as '/v1/chat/completions', not {endpoint!r}")
    _check_int("max_lines", max_lines, 1, MAX_LINES)
    _check_int("max_bytes", max_bytes, 1, MAX_BYTES)
    _check_int("retry_failed", retry_failed, 0)
    with JobLock(path):
        data = read_state(path)
        if data is None:
            data = new_state(
                endpoint=endpoint,
                completion_window=completion_window,
                metadata=metadata,
                max_lines=max_lines,
                max_bytes=max_bytes,
                retry_failed=retry_failed,
            )
        elif data["endpoint"] != endpoint:
            raise ValueError(f"endpoint {endpoint!r} is not the job's ({data['endpoint']!r}) in {path!r}")
        if not data["input_done"]:
            try:
                write_parts(path, data, requests)
            except (ValueError, TypeError, OSError):
                _forget(path)
                raise
        submit_parts(session, path, data)
        return _job_status(path, data)


def _forget(path: str) -> None:
    """Remove a job that never got its requests written (so nothing of it was sent)."""
    import shutil

    shutil.rmtree(job_dir(path), ignore_errors=True)
    try:
        os.unlink(path)
    except OSError:
        pass


def _check_wait(timeout: Any, poll_interval: Any) -> None:
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout < 0
    ):
        raise ValueError(f"timeout must be a number of seconds, not {timeout!r}")
    if isinstance(poll_interval, bool) or not isinstance(poll_interval, (int, float)) or poll_interval <= 0:
        raise ValueError(f"poll_interval must be a positive number of seconds, not {poll_interval!r}")


def _poll(
    session: requests.Session,
    path: str,
    data: Dict[str, Any],
    timeout: Optional[float],
    poll_interval: float,
    progress: Optional[Callable[[JobStatus], Any]],
) -> JobStatus:
    deadline = None if timeout is None else time.monotonic() + timeout
    interval = poll_interval
    while True:
        submit_parts(session, path, data)
        hint = refresh(session, data, path)
        if not unfinished(data) and _retry_due(data):
            build_retry_round(session, path, data)
            continue
        job = _job_status(path, data)
        if progress is not None:
            progress(job)
        if job.done:
            return job
        pause = min(hint, 60.0) if hint is not None else interval
        interval = min(interval * 1.5, 60.0)
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise APITimeoutError(f"the job {path!r} has not ended after {timeout} s: {job}")
            pause = min(pause, left)
        time.sleep(pause)


def wait(
    session: requests.Session,
    state: StatePath,
    *,
    timeout: Optional[float] = None,
    poll_interval: float = 5.0,
    progress: JobProgress = None,
) -> JobStatus:
    """Poll the job's batches until every one has ended, running its retry rounds on the way.

    Polls start *poll_interval* seconds apart and grow by half each time up to a minute,
    or follow the server's ``openai-poll-after-ms``. ``progress(job)`` gets a
    :class:`JobStatus` after each poll; ``progress=True`` draws a tqdm bar on stderr.

    :raises APITimeoutError: when *timeout* seconds pass first.
    :raises JobLockedError: when another process holds the job.

    https://platform.openai.com/docs/api-reference/batch/retrieve
    """
    path = _path(state)
    _check_wait(timeout, poll_interval)
    return _wait(session, path, timeout, float(poll_interval), _progress_fn(progress))


def _wait(
    session: requests.Session,
    path: str,
    timeout: Optional[float],
    poll_interval: float,
    report: Optional[Callable[[JobStatus], Any]],
) -> JobStatus:
    with JobLock(path):
        data = _load(path)
        if not data["input_done"]:
            raise OpenAIError(f"the job {path!r} was not fully submitted: call submit() again to resume it")
        return _poll(session, path, data, timeout, poll_interval, report)


def results(
    session: requests.Session,
    state: StatePath,
    *,
    wait: bool = True,
    timeout: Optional[float] = None,
    poll_interval: float = 5.0,
    progress: JobProgress = None,
) -> Iterator[Result]:
    """Yield one :class:`Result` per request, joined by ``custom_id``, exactly once each.

    Results come part by part, in input order within each part; the results of a retry
    round come after those of the round before. The output and error files are downloaded
    next to the state file and read line by line, never whole. Unless *wait* is false, the
    job is first waited for as :func:`wait` does.

    :raises OpenAIError: with ``wait=False``, when a batch has not ended.

    https://platform.openai.com/docs/api-reference/files/retrieve-contents
    """
    path = _path(state)
    if wait:
        _check_wait(timeout, poll_interval)
        _wait(session, path, timeout, float(poll_interval), _progress_fn(progress))
    data = _load(path)
    ensure_ended(data, path)
    return _results(session, path, data)


def _results(session: requests.Session, path: str, data: Dict[str, Any]) -> Iterator[Result]:
    for custom_id, status_code, body, error, request_id in rows(session, path, data):
        yield Result(custom_id, status_code, body, error, request_id)


def run(
    session: requests.Session,
    requests: Requests,
    *,
    endpoint: Union[batches.Endpoint, str],
    state: StatePath,
    completion_window: str = "24h",
    metadata: Optional[Mapping[str, str]] = None,
    max_lines: int = MAX_LINES,
    max_bytes: int = MAX_BYTES,
    retry_failed: int = 0,
    timeout: Optional[float] = None,
    poll_interval: float = 5.0,
    progress: JobProgress = None,
) -> Iterator[Result]:
    """:func:`submit`, :func:`wait`, then :func:`results`: a job from requests to results.

    Nothing happens until the first result is asked for. Run it again with the same
    *state* to resume the job.

    https://platform.openai.com/docs/guides/batch
    """
    _path(state)
    submit(
        session,
        requests,
        endpoint=endpoint,
        state=state,
        completion_window=completion_window,
        metadata=metadata,
        max_lines=max_lines,
        max_bytes=max_bytes,
        retry_failed=retry_failed,
    )
    yield from results(session, state, timeout=timeout, poll_interval=poll_interval, progress=progress)


def cancel(session: requests.Session, state: StatePath) -> JobStatus:
    """Cancel the job's running batches; parts not yet submitted never will be.

    Cancelled batches end ``cancelled`` a while later with the results of the requests they
    ran; :func:`wait` then :func:`results` collect them.

    :raises JobLockedError: when another process holds the job.

    https://platform.openai.com/docs/api-reference/batch/cancel
    """
    path = _path(state)
    with JobLock(path):
        data = _load(path)
        data["cancelled"] = True
        write_state(path, data)
        submit_parts(session, path, data)  # finds batches a killed process created, skips the rest
        for part in data["parts"]:
            if part.get("batch_id") and part["status"] not in ENDED + ("cancelling",):
                resp = batches.cancel(session, part["batch_id"])
                if resp.ok:
                    part["status"] = resp.data.status
                elif resp.status_code != 400:  # 400: it ended meanwhile
                    raise resp.exception()
        write_state(path, data)
        refresh(session, data, path)
        return _job_status(path, data)


def status(session: requests.Session, state: StatePath) -> JobStatus:
    """The job's status, its unfinished batches fetched afresh; takes no lock and writes nothing.

    https://platform.openai.com/docs/api-reference/batch/retrieve
    """
    path = _path(state)
    data = _load(path)
    refresh(session, data, None)
    return _job_status(path, data)
