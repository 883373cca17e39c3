"""Batch routes: create, list, retrieve and cancel, with the batch's whole lifecycle.

A batch goes ``validating`` → ``in_progress`` → ``finalizing`` → ``completed`` as the fake's
:attr:`~FakeOpenAI.clock` advances, at the pace of :func:`batch_settings`. On completion each
line of the input file is run against the fake's own routes: 2xx answers go to the output
file, others to the error file. A batch can also fail validation (a bad input file, or a
failure injected with :attr:`BatchSettings.fail_next`), expire after running part of its
requests (:attr:`BatchSettings.expire_after`), or be cancelled with the requests run so far.
Fields the API sends as null before they apply (``output_file_id``, ``completed_at``, ...)
are left out, as the spec types them without null.
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Tuple

from ._routes_files import paginate
from ._server import (
    _BUILTIN_ROUTES,
    ApiError,
    FakeOpenAI,
    Headers,
    RecordedRequest,
    Reply,
    builtin_route,
    builtin_seed,
    error_body,
    invalid,
    json_body,
    json_reply,
    not_found,
    require,
)

__all__ = ["BatchSettings", "batch_settings", "batches_of"]

ENDPOINTS = (
    "/v1/responses",
    "/v1/chat/completions",
    "/v1/embeddings",
    "/v1/completions",
    "/v1/moderations",
    "/v1/images/generations",
    "/v1/images/edits",
    "/v1/videos",
)
_DONE = ("failed", "completed", "expired", "cancelling", "cancelled")
_ENDED = ("failed", "completed", "expired", "cancelled")
_MAX_LINES = 50000
EXPIRED = {
    "code": "batch_expired",
    "message": "This request could not be executed before the completion window expired.",
}
CANCELLED = {
    "code": "batch_cancelled",
    "message": "This request was not executed because the batch was cancelled.",
}


@dataclass
class BatchSettings:
    """How batches of one fake server behave; change it through :func:`batch_settings`.

    The durations are seconds of the fake's clock, divided by :attr:`speed`.
    """

    #: How long a batch stays ``validating``.
    validating: float = 2.0
    #: How long it stays ``in_progress``, its requests completing at an even pace.
    in_progress: float = 10.0
    #: How long it stays ``finalizing``; also how long ``cancelling`` lasts.
    finalizing: float = 2.0
    #: Divides every duration: 1000 makes a batch end in 14 ms.
    speed: float = 1.0
    #: The next *n* batches created fail (``token_limit_exceeded``) instead of running.
    fail_next: int = 0
    #: Each batch runs only its first *n* requests, then expires.
    expire_after: Optional[int] = None
    #: The HTTP status that the next run of a request answers, by ``custom_id``, once.
    fail_lines: Dict[str, int] = field(default_factory=dict)


_BATCHES: weakref.WeakKeyDictionary[FakeOpenAI, Dict[str, Dict[str, Any]]] = weakref.WeakKeyDictionary()
_SETTINGS: weakref.WeakKeyDictionary[FakeOpenAI, BatchSettings] = weakref.WeakKeyDictionary()
_TIMES: weakref.WeakKeyDictionary[FakeOpenAI, Dict[str, float]] = weakref.WeakKeyDictionary()


@builtin_seed
def _seed(fake: FakeOpenAI) -> None:
    _BATCHES[fake] = {}
    _TIMES[fake] = {}


def batches_of(fake: FakeOpenAI) -> Dict[str, Dict[str, Any]]:
    """The batches stored by *fake*, by id, oldest first."""
    return _BATCHES.setdefault(fake, {})


def batch_settings(fake: FakeOpenAI) -> BatchSettings:
    """The settings of *fake*'s batches, to read or change (they survive :meth:`~FakeOpenAI.reset`)."""
    return _SETTINGS.setdefault(fake, BatchSettings())


def _get_batch(fake: FakeOpenAI, batch_id: str) -> Dict[str, Any]:
    batch = batches_of(fake).get(batch_id)
    if batch is None:
        raise not_found("batch", batch_id, "batch_id")
    return _advance(fake, batch)


def _metadata(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, dict) or len(value) > 16:
        raise invalid("metadata", "expected an object of at most 16 pairs")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise invalid("metadata", "expected string keys and values")
    return value


# ---------------------------------------------------------------------------
# The lifecycle


def _lines(fake: FakeOpenAI, file_id: str) -> Iterator[bytes]:
    data = fake.file_contents.get(file_id, b"")
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        line = data[start:end]
        start = end + 1
        if line.strip():
            yield line


def _validate(fake: FakeOpenAI, batch: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The problems of the batch's input file, as the API lists them in ``errors``."""
    problems: List[Dict[str, Any]] = []
    seen = set()
    for number, raw in enumerate(_lines(fake, batch["input_file_id"]), 1):
        try:
            line = json.loads(raw)
        except ValueError:
            line = None
        if not isinstance(line, dict) or not isinstance(line.get("body"), dict):
            problems.append(
                {
                    "code": "invalid_json_line",
                    "message": "This line is not parseable as valid JSON.",
                    "line": number,
                }
            )
        elif not isinstance(line.get("custom_id"), str) or line["custom_id"] in seen:
            message = "The custom_id for this request is a duplicate of another request."
            problems.append(
                {"code": "duplicate_custom_id", "message": message, "param": "custom_id", "line": number}
            )
        elif line.get("method") != "POST" or line.get("url") != batch["endpoint"]:
            message = (
                f"The URL provided for this request does not match the batch endpoint {batch['endpoint']}."
            )
            problems.append(
                {"code": "mismatched_endpoint", "message": message, "param": "url", "line": number}
            )
        else:
            seen.add(line["custom_id"])
        if number > _MAX_LINES:
            message = f"The batch input file is larger than the {_MAX_LINES} maximum number of requests."
            return [{"code": "too_many_requests", "message": message, "line": number}]
        if len(problems) >= 100:
            break
    return problems


def _run_line(fake: FakeOpenAI, url: str, body: Dict[str, Any], status: Optional[int]) -> Tuple[int, bytes]:
    """Answer one request of a batch with the fake's own routes (custom routes first)."""
    if status is not None:
        kind = "server_error" if status >= 500 else "invalid_request_error"
        return status, json.dumps(error_body(f"Injected failure ({status}).", type=kind)).encode()
    route_path = url[len(fake.prefix) :] if fake.prefix and url.startswith(fake.prefix + "/") else url
    raw = json.dumps(body).encode("utf-8")
    request = RecordedRequest(
        method="POST",
        path=url,
        route_path=route_path,
        query={},
        headers=Headers([("Content-Type", "application/json")]),
        body=raw,
        json=body,
        parts=[],
        connection_id=0,
        chunked=False,
    )
    for route in fake._routes + _BUILTIN_ROUTES:
        if route.method == "POST" and route.match(route_path) is not None:
            reply: Reply = fake._call(route.handler, request, route.match(route_path) or {})
            return reply.status, reply.full_body
    return 404, json.dumps(error_body(f"Invalid URL (POST {url})")).encode()


def _finish(fake: FakeOpenAI, batch: Dict[str, Any], ran: int, why: Dict[str, str]) -> None:
    """Run the first *ran* requests; the others end with the error *why*. Write the files."""
    settings = batch_settings(fake)
    out: List[bytes] = []
    err: List[bytes] = []
    completed = failed = 0
    for index, raw in enumerate(_lines(fake, batch["input_file_id"])):
        line = json.loads(raw)
        head = {"id": fake.new_id("batch_req_", 32), "custom_id": line["custom_id"]}
        prefix = json.dumps(head)[:-1].encode("utf-8")
        if index >= ran:
            err.append(prefix + b', "response": null, "error": ' + json.dumps(why).encode() + b"}")
            continue
        status, body = _run_line(
            fake, line["url"], line["body"], settings.fail_lines.pop(line["custom_id"], None)
        )
        response = b'{"status_code": %d, "request_id": "%s", "body": ' % (
            status,
            fake.new_id("req_", 32).encode(),
        )
        text = prefix + b', "response": ' + response + body + b'}, "error": null}'
        if 200 <= status < 300:
            completed += 1
            out.append(text)
        else:
            failed += 1
            err.append(text)
    batch["request_counts"] = {
        "total": batch["request_counts"]["total"],
        "completed": completed,
        "failed": failed,
    }
    for lines, key, name in ((out, "output_file_id", "output"), (err, "error_file_id", "error")):
        if not lines:
            continue
        data = b"\n".join(lines) + b"\n"
        file_id = fake.new_id("file-")
        fake.files[file_id] = {
            "id": file_id,
            "object": "file",
            "bytes": len(data),
            "created_at": fake.now(),
            "filename": f"{batch['id']}_{name}.jsonl",
            "purpose": "batch_output",
            "status": "processed",
        }
        fake.file_contents[file_id] = data
        batch[key] = file_id


def _advance(fake: FakeOpenAI, batch: Dict[str, Any]) -> Dict[str, Any]:
    """Move *batch* along its lifecycle to where the clock says it is now."""
    if batch["status"] in _ENDED:
        return batch
    settings = batch_settings(fake)
    speed = settings.speed or 1.0
    now = fake.clock()
    times = _TIMES.setdefault(fake, {})
    since = now - times.get(batch["id"], now)
    total = batch["request_counts"]["total"]
    if batch["status"] == "cancelling":
        started = times.get(batch["id"] + ":cancel", now)
        if now - started >= settings.finalizing / speed:
            ran = batch["request_counts"]["completed"] + batch["request_counts"]["failed"]
            _finish(fake, batch, ran, CANCELLED)
            batch["status"], batch["cancelled_at"] = "cancelled", fake.now()
        return batch
    steps = (settings.validating / speed, settings.in_progress / speed, settings.finalizing / speed)
    if batch["status"] == "validating" and since >= steps[0]:
        problems = _validate(fake, batch)
        if batch["id"] + ":fail" in times:
            message = (
                f"Enqueued token limit reached for {batch.get('model') or 'the model'} in organization "
                f"{fake.organization_id}. Please try again once some in_progress batches have been completed."
            )
            problems = [{"code": "token_limit_exceeded", "message": message, "line": None}]
        if problems:
            batch["status"], batch["failed_at"] = "failed", fake.now()
            batch["errors"] = {
                "object": "list",
                "data": [{k: v for k, v in p.items() if v is not None} for p in problems],
            }
            batch["request_counts"]["total"] = 0
            return batch
        batch["status"], batch["in_progress_at"] = "in_progress", fake.now()
    if batch["status"] == "in_progress":
        limit = total if settings.expire_after is None else min(settings.expire_after, total)
        share = min(max(since - steps[0], 0.0) / steps[1], 1.0) if steps[1] > 0 else 1.0
        batch["request_counts"]["completed"] = int(limit * share)
        if share < 1.0:
            return batch
        if limit < total:
            _finish(fake, batch, limit, EXPIRED)
            batch["status"], batch["expired_at"] = "expired", fake.now()
            return batch
        batch["status"], batch["finalizing_at"] = "finalizing", fake.now()
    if batch["status"] == "finalizing" and since >= sum(steps):
        _finish(fake, batch, total, EXPIRED)
        batch["status"], batch["completed_at"] = "completed", fake.now()
    return batch


@builtin_route("POST", "/batches")
def create_batch(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Create a batch from an uploaded file of purpose ``batch``."""
    body = json_body(request)
    file_id = require(body, "input_file_id")
    endpoint = require(body, "endpoint")
    window = require(body, "completion_window")
    if endpoint not in ENDPOINTS:
        raise invalid("endpoint", "expected one of " + ", ".join(ENDPOINTS))
    if window != "24h":
        raise invalid("completion_window", "expected '24h'")
    file = fake.files.get(file_id)
    if file is None or file.get("purpose") != "batch":
        raise ApiError(400, f"Invalid 'input_file_id': '{file_id}'.", param="input_file_id")
    expiry = body.get("output_expires_after")
    if expiry is not None and (
        not isinstance(expiry, dict)
        or expiry.get("anchor") != "created_at"
        or not isinstance(expiry.get("seconds"), int)
        or not 3600 <= expiry["seconds"] <= 2592000
    ):
        raise invalid("output_expires_after", "expected anchor 'created_at' and 3600 to 2592000 seconds")
    count = sum(1 for _ in _lines(fake, file_id))
    now = fake.now()
    batch: Dict[str, Any] = {
        "id": fake.new_id("batch_"),
        "object": "batch",
        "endpoint": endpoint,
        "input_file_id": file_id,
        "completion_window": window,
        "status": "validating",
        "created_at": now,
        "expires_at": now + 24 * 3600,
        "request_counts": {"total": count, "completed": 0, "failed": 0},
        "metadata": _metadata(body.get("metadata")),
    }
    batches_of(fake)[batch["id"]] = batch
    times = _TIMES.setdefault(fake, {})
    times[batch["id"]] = fake.clock()
    settings = batch_settings(fake)
    if settings.fail_next > 0:
        settings.fail_next -= 1
        times[batch["id"] + ":fail"] = 1.0
    return json_reply(batch)


@builtin_route("GET", "/batches")
def list_batches(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """List batches, newest first."""
    raw_limit = request.query.get("limit", ["20"])[-1]
    if raw_limit.isdigit() and int(raw_limit) > 100:
        raise invalid("limit", "must be at most 100")
    every = [_advance(fake, batch) for batch in reversed(list(batches_of(fake).values()))]
    page = paginate(every, request, 20)
    if page["data"]:
        page["first_id"] = page["data"][0]["id"]
        page["last_id"] = page["data"][-1]["id"]
    return json_reply(page)


@builtin_route("GET", "/batches/{batch_id}")
def retrieve_batch(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Retrieve a batch; while it runs, ``openai-poll-after-ms`` says when its next step is due."""
    batch = _get_batch(fake, params["batch_id"])
    headers = {}
    if batch["status"] not in _ENDED:
        settings = batch_settings(fake)
        speed = settings.speed or 1.0
        times = _TIMES.get(fake, {})
        if batch["status"] == "cancelling":
            due = times.get(batch["id"] + ":cancel", 0.0) + settings.finalizing / speed
        else:
            steps = {"validating": 1, "in_progress": 2, "finalizing": 3}[batch["status"]]
            durations = (settings.validating, settings.in_progress, settings.finalizing)
            due = times.get(batch["id"], 0.0) + sum(durations[:steps]) / speed
        headers["openai-poll-after-ms"] = str(max(int((due - fake.clock()) * 1000) + 1, 1))
    return json_reply(batch, headers=headers)


@builtin_route("POST", "/batches/{batch_id}/cancel")
def cancel_batch(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Start cancelling a batch that has not ended."""
    batch = _get_batch(fake, params["batch_id"])
    if batch["status"] in _DONE:
        raise ApiError(400, f"Cannot cancel a batch with status '{batch['status']}'.", param="batch_id")
    batch["status"] = "cancelling"
    batch["cancelling_at"] = fake.now()
    _TIMES.setdefault(fake, {})[batch["id"] + ":cancel"] = fake.clock()
    return json_reply(batch)
