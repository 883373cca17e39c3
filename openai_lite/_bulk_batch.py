"""The steps of a bulk job on the Batch API: parts, uploads, batches, polling and results.

Every step records itself in the state (see :mod:`._bulk_state`) before the next begins,
and every step that creates something on the server first writes that it is about to, so
that a resumed job looks for what a killed one may have created (by the file's name, or by
the batch's metadata) instead of creating it again.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import uuid
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple, Union

import requests

from . import batches, files
from ._bulk_state import job_dir, sync_dir, write_state
from ._errors import OpenAIError
from ._pagination import paginate
from ._polling import poll_after

__all__ = [
    "new_state",
    "write_parts",
    "submit_parts",
    "refresh",
    "build_retry_round",
    "part_results",
    "retryable",
    "ENDED",
]

State = Dict[str, Any]
Part = Dict[str, Any]
#: A result as the steps see it: custom_id, status_code, body, error, request_id.
Row = Tuple[str, Optional[int], Optional[Dict[str, Any]], Optional[Dict[str, Any]], Optional[str]]

ENDED = ("completed", "failed", "expired", "cancelled", "skipped")
META_JOB, META_PART = "openai_lite_job", "openai_lite_part"
_AUTO_ID = re.compile(r"request-(\d+)\Z")
_NOT_SUBMITTED = {
    "code": "batch_cancelled",
    "message": "The job was cancelled before this request was submitted.",
}
_NO_RESULT = {"code": "missing_result", "message": "The batch returned no result for this request."}


def new_state(
    *,
    endpoint: str,
    completion_window: str,
    metadata: Optional[Mapping[str, str]],
    max_lines: int,
    max_bytes: int,
    retry_failed: int,
) -> State:
    """A fresh job's state: nothing written, nothing sent."""
    return {
        "version": 1,
        "job": "bulk-" + uuid.uuid4().hex[:16],
        "created_at": int(time.time()),
        "endpoint": endpoint,
        "completion_window": completion_window,
        "metadata": dict(metadata or {}),
        "max_lines": max_lines,
        "max_bytes": max_bytes,
        "retry_failed": retry_failed,
        "input_done": False,
        "requests": 0,
        "cancelled": False,
        "rounds_built": 0,
        "parts": [],
    }


def part_path(state_path: str, part: Part) -> str:
    return os.path.join(job_dir(state_path), part["name"])


# ---------------------------------------------------------------------------
# Input: parts on disk


def _items(source: Union[str, os.PathLike[str], Iterable[Any]]) -> Iterator[Tuple[int, Any]]:
    if isinstance(source, (str, os.PathLike)):
        with open(source, encoding="utf-8") as f:
            number = 0
            for text in f:
                if not text.strip():
                    continue
                try:
                    item = json.loads(text)
                except ValueError as exc:
                    raise ValueError(
                        f"requests: line {number + 1} of {os.fspath(source)!r} is not JSON: {exc}"
                    ) from None
                yield number, item
                number += 1
        return
    if isinstance(source, (bytes, Mapping)) or not hasattr(source, "__iter__"):
        raise TypeError(
            f"requests must be an iterable of dicts or the path of a JSONL file, not {type(source).__name__}"
        )
    yield from enumerate(source)


def _line(n: int, item: Any, endpoint: str) -> Tuple[str, bool, Dict[str, Any]]:
    """Return the custom_id, whether it was given, and the batch line of the *n*-th request."""
    if not isinstance(item, Mapping):
        raise TypeError(
            f"requests: item {n} must be a dict (a request body or a batch line), not {type(item).__name__}"
        )
    if "custom_id" in item and "body" in item:
        custom_id, body = item["custom_id"], item["body"]
        if not isinstance(custom_id, str) or not custom_id:
            raise ValueError(
                f"requests: item {n} has a custom_id that is not a non-empty string: {custom_id!r}"
            )
        if not isinstance(body, Mapping):
            raise TypeError(f"requests: the body of item {n} ({custom_id!r}) must be a dict")
        if item.get("url", endpoint) != endpoint or item.get("method", "POST") != "POST":
            raise ValueError(
                f"requests: item {n} ({custom_id!r}) is not a POST to the job's endpoint {endpoint!r}"
            )
        return (
            custom_id,
            True,
            {"custom_id": custom_id, "method": "POST", "url": endpoint, "body": dict(body)},
        )
    custom_id = f"request-{n}"
    return custom_id, False, {"custom_id": custom_id, "method": "POST", "url": endpoint, "body": dict(item)}


class _Duplicates:
    """Finds a repeated custom_id while keeping only the ids that were given, not the generated ones."""

    def __init__(self) -> None:
        self.given: set[str] = set()
        self.generated = bytearray()  # 1 where the request at that position got a generated id

    def check(self, n: int, custom_id: str, given: bool) -> None:
        if given:
            auto = _AUTO_ID.match(custom_id)
            clash = custom_id in self.given or (
                auto is not None
                and int(auto.group(1)) < len(self.generated)
                and self.generated[int(auto.group(1))]
            )
            self.given.add(custom_id)
        else:
            clash = custom_id in self.given
        self.generated.append(0 if given else 1)
        if clash:
            raise ValueError(
                f"requests: the custom_id {custom_id!r} of item {n} is a duplicate; nothing was uploaded"
            )


def write_parts(state_path: str, state: State, source: Any) -> None:
    """Stream the requests into part files of at most ``max_lines`` lines and ``max_bytes`` bytes."""
    folder = job_dir(state_path)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    state["parts"] = []
    endpoint, max_lines, max_bytes = state["endpoint"], state["max_lines"], state["max_bytes"]
    seen = _Duplicates()
    out: Any = None
    part: Part = {}
    total = 0

    def close() -> None:
        out.flush()
        os.fsync(out.fileno())
        out.close()
        os.replace(part_path(state_path, part) + ".tmp", part_path(state_path, part))
        sync_dir(folder)
        state["parts"].append(part)
        write_state(state_path, state)

    for n, item in _items(source):
        custom_id, given, line = _line(n, item, endpoint)
        seen.check(n, custom_id, given)
        data = json.dumps(line, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n"
        if len(data) > max_bytes:
            raise ValueError(
                f"requests: item {n} ({custom_id!r}) is {len(data)} bytes, over max_bytes={max_bytes}"
            )
        if out is not None and (part["count"] >= max_lines or part["bytes"] + len(data) > max_bytes):
            close()
            out = None
        if out is None:
            index = len(state["parts"])
            part = {
                "part": index,
                "round": 0,
                "name": f"{state['job']}-part-{index:05d}.jsonl",
                "count": 0,
                "bytes": 0,
            }
            part["status"] = "written"
            out = open(part_path(state_path, part) + ".tmp", "wb")
        out.write(data)
        part["count"] += 1
        part["bytes"] += len(data)
        total += 1
    if out is not None:
        close()
    if not total:
        raise ValueError("requests: there are no requests")
    state["requests"] = total
    state["input_done"] = True
    write_state(state_path, state)


# ---------------------------------------------------------------------------
# Uploads and batches


def _find_file(session: requests.Session, part: Part) -> Optional[str]:
    for found in paginate(files.list, session, purpose="batch"):
        if found.filename == part["name"] and found.bytes == part["bytes"]:
            return found.id
    return None


def _find_batch(session: requests.Session, state: State, part: Part) -> Optional[Any]:
    oldest = state["created_at"] - 600
    for found in paginate(batches.list, session, limit=100):
        meta = found.metadata or {}
        if meta.get(META_JOB) == state["job"] and meta.get(META_PART) == str(part["part"]):
            return found
        if found.created_at is not None and found.created_at < oldest:
            return None
    return None


def _record_batch(part: Part, batch: Any) -> None:
    part["batch_id"] = batch.id
    part["status"] = batch.status
    if batch.request_counts is not None:
        part["completed"], part["failed"] = batch.request_counts.completed, batch.request_counts.failed
    part["output_file_id"] = batch.output_file_id
    part["error_file_id"] = batch.error_file_id
    if batch.status == "failed" and batch.errors is not None and batch.errors.data:
        first = batch.errors.data[0]
        part["error"] = {"code": first.code, "message": first.message}


def submit_parts(session: requests.Session, state_path: str, state: State) -> None:
    """Upload each part and create its batch, each at most once whatever crashed before."""
    for part in state["parts"]:
        if part.get("batch_id") or part["status"] == "skipped":
            continue
        if state["cancelled"]:
            found = _find_batch(session, state, part) if part.get("create_started") else None
            if found is not None:
                _record_batch(part, found)
            else:
                part["status"] = "skipped"
            write_state(state_path, state)
            continue
        if not part.get("file_id"):
            found = _find_file(session, part) if part.get("upload_started") else None
            if found is None:
                part["upload_started"] = True
                write_state(state_path, state)
                with open(part_path(state_path, part), "rb") as f:
                    found = files.create(session, file=(part["name"], f), purpose="batch").data.id
            part["file_id"] = found
            part["status"] = "uploaded"
            write_state(state_path, state)
        batch = _find_batch(session, state, part) if part.get("create_started") else None
        if batch is None:
            part["create_started"] = True
            write_state(state_path, state)
            metadata = dict(state["metadata"], **{META_JOB: state["job"], META_PART: str(part["part"])})
            batch = batches.create(
                session,
                input_file_id=part["file_id"],
                endpoint=state["endpoint"],
                completion_window=state["completion_window"],
                metadata=metadata,
            ).data
        _record_batch(part, batch)
        write_state(state_path, state)


def refresh(session: requests.Session, state: State, state_path: Optional[str]) -> Optional[float]:
    """Fetch every unfinished batch; when *state_path* is given, record it, and download the
    output and error files of a batch that has ended (the "results fetched" step).

    :returns: the server's ``openai-poll-after-ms`` hint in seconds, the smallest one, if any.
    """
    hint: Optional[float] = None
    for part in state["parts"]:
        if not part.get("batch_id") or part["status"] in ENDED:
            continue
        resp = batches.retrieve(session, part["batch_id"])
        before = part["status"]
        _record_batch(part, resp.data)
        after = poll_after(resp.headers, -1.0)
        if after >= 0:
            hint = after if hint is None else min(hint, after)
        if state_path is not None and part["status"] != before and part["status"] in ENDED:
            write_state(state_path, state)
    if state_path is not None:
        for part in state["parts"]:
            if part["status"] in ENDED and part["status"] != "skipped" and not part.get("fetched"):
                _fetch(session, state_path, part, "output_file_id")
                _fetch(session, state_path, part, "error_file_id")
                part["fetched"] = True
                write_state(state_path, state)
    return hint


# ---------------------------------------------------------------------------
# Results


def retryable(status_code: Optional[int]) -> bool:
    """Whether a request's outcome is worth another round: no answer, or 408, 409, 429, 5xx."""
    return status_code is None or status_code in (408, 409, 429) or status_code >= 500


def _fetch(session: requests.Session, state_path: str, part: Part, key: str) -> Optional[str]:
    file_id = part.get(key)
    if not file_id:
        return None
    path = part_path(state_path, part)[: -len(".jsonl")] + (
        "-output" if key == "output_file_id" else "-errors"
    )
    path += ".jsonl"
    if not os.path.exists(path):
        files.download(session, file_id, path)
    return path


def _index(paths: List[str]) -> Dict[str, Tuple[int, int]]:
    """Where each custom_id's line is: (which file, offset). Only ids and offsets stay in memory."""
    where: Dict[str, Tuple[int, int]] = {}
    for which, path in enumerate(paths):
        with open(path, "rb") as f:
            offset = 0
            for raw in f:
                start = raw.find(b'"custom_id"')
                if start >= 0:
                    try:
                        custom_id = json.loads(raw)["custom_id"]
                    except (ValueError, KeyError, TypeError):
                        custom_id = None
                    if isinstance(custom_id, str):
                        where[custom_id] = (which, offset)
                offset += len(raw)
    return where


def _row(custom_id: str, line: Any) -> Row:
    if not isinstance(line, dict):
        return custom_id, None, None, dict(_NO_RESULT), None
    response = line.get("response")
    error = line.get("error")
    if not isinstance(response, dict):
        return custom_id, None, None, dict(error) if isinstance(error, dict) else dict(_NO_RESULT), None
    status = response.get("status_code")
    status = status if isinstance(status, int) else None
    body = response.get("body")
    body = body if isinstance(body, dict) else None
    request_id = response.get("request_id") if isinstance(response.get("request_id"), str) else None
    if status is not None and 200 <= status < 300:
        return custom_id, status, body, None, request_id
    if body is not None and isinstance(body.get("error"), dict):
        error = body["error"]
    return (
        custom_id,
        status,
        body,
        dict(error) if isinstance(error, dict) else {"status_code": status},
        request_id,
    )


def part_results(session: requests.Session, state_path: str, part: Part) -> Iterator[Tuple[Row, bytes]]:
    """Each request of an ended part, in input order, with its line of the part file."""
    paths = [
        p for p in (_fetch(session, state_path, part, k) for k in ("output_file_id", "error_file_id")) if p
    ]
    where = _index(paths)
    handles = [open(p, "rb") for p in paths]
    try:
        with open(part_path(state_path, part), "rb") as f:
            for raw in f:
                custom_id = json.loads(raw)["custom_id"]
                found = where.get(custom_id)
                if part["status"] == "skipped":
                    row: Row = (custom_id, None, None, dict(_NOT_SUBMITTED), None)
                elif found is None:
                    row = (custom_id, None, None, dict(part.get("error") or _NO_RESULT), None)
                else:
                    handle = handles[found[0]]
                    handle.seek(found[1])
                    try:
                        line = json.loads(handle.readline())
                    except ValueError:
                        line = None
                    row = _row(custom_id, line)
                yield row, raw
    finally:
        for handle in handles:
            handle.close()


def build_retry_round(session: requests.Session, state_path: str, state: State) -> None:
    """Write the requests of the last round that may succeed on another try as new parts."""
    this_round = state["rounds_built"]
    parts = [p for p in state["parts"] if p["round"] == this_round]
    added: List[Part] = []
    out: Any = None
    part: Part = {}

    def close() -> None:
        out.flush()
        os.fsync(out.fileno())
        out.close()
        os.replace(part_path(state_path, part) + ".tmp", part_path(state_path, part))
        added.append(part)

    for old in parts:
        for row, raw in part_results(session, state_path, old):
            if not retryable(row[1]):
                continue
            if out is not None and (
                part["count"] >= state["max_lines"] or part["bytes"] + len(raw) > state["max_bytes"]
            ):
                close()
                out = None
            if out is None:
                index = len(state["parts"]) + len(added)
                name = f"{state['job']}-part-{index:05d}.jsonl"
                part = {"part": index, "round": this_round + 1, "name": name, "count": 0, "bytes": 0}
                part["status"] = "written"
                out = open(part_path(state_path, part) + ".tmp", "wb")
            out.write(raw)
            part["count"] += 1
            part["bytes"] += len(raw)
    if out is not None:
        close()
    sync_dir(job_dir(state_path))
    state["parts"].extend(added)
    state["rounds_built"] = this_round + 1
    write_state(state_path, state)


def rows(session: requests.Session, state_path: str, state: State) -> Iterator[Row]:
    """Every request's final result, exactly once: round by round, each part in input order."""
    last = state["rounds_built"]
    for part in sorted(state["parts"], key=lambda p: (p["round"], p["part"])):
        for row, _ in part_results(session, state_path, part):
            if part["round"] < last and retryable(row[1]):
                continue  # tried again in the next round; its result comes from there
            yield row


def unfinished(state: State) -> bool:
    return any(p["status"] not in ENDED for p in state["parts"])


def ensure_ended(state: State, state_path: str) -> None:
    if not state["input_done"] or unfinished(state):
        raise OpenAIError(f"the job {state_path!r} has batches that have not ended; wait for them first")
