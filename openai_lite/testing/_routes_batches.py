"""Batch routes: create, list, retrieve and cancel.

A batch stays ``validating`` until cancelled; its request count is the number of lines of
its input file. Fields the API sends as null before they apply (``output_file_id``,
``completed_at``, ...) are left out, as the spec types them without null.
"""

from __future__ import annotations

import weakref
from typing import Any, Dict

from ._routes_files import paginate
from ._server import (
    ApiError,
    FakeOpenAI,
    RecordedRequest,
    Reply,
    builtin_route,
    builtin_seed,
    invalid,
    json_body,
    json_reply,
    not_found,
    require,
)

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

_BATCHES: weakref.WeakKeyDictionary[FakeOpenAI, Dict[str, Dict[str, Any]]] = weakref.WeakKeyDictionary()


@builtin_seed
def _seed(fake: FakeOpenAI) -> None:
    _BATCHES[fake] = {}


def batches_of(fake: FakeOpenAI) -> Dict[str, Dict[str, Any]]:
    """The batches stored by *fake*, by id, oldest first."""
    return _BATCHES.setdefault(fake, {})


def _get_batch(fake: FakeOpenAI, batch_id: str) -> Dict[str, Any]:
    batch = batches_of(fake).get(batch_id)
    if batch is None:
        raise not_found("batch", batch_id, "batch_id")
    return batch


def _metadata(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, dict) or len(value) > 16:
        raise invalid("metadata", "expected an object of at most 16 pairs")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise invalid("metadata", "expected string keys and values")
    return value


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
    lines = [line for line in fake.file_contents.get(file_id, b"").splitlines() if line.strip()]
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
        "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
        "metadata": _metadata(body.get("metadata")),
    }
    batches_of(fake)[batch["id"]] = batch
    return json_reply(batch)


@builtin_route("GET", "/batches")
def list_batches(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """List batches, newest first."""
    raw_limit = request.query.get("limit", ["20"])[-1]
    if raw_limit.isdigit() and int(raw_limit) > 100:
        raise invalid("limit", "must be at most 100")
    page = paginate(list(reversed(list(batches_of(fake).values()))), request, 20)
    if page["data"]:
        page["first_id"] = page["data"][0]["id"]
        page["last_id"] = page["data"][-1]["id"]
    return json_reply(page)


@builtin_route("GET", "/batches/{batch_id}")
def retrieve_batch(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Retrieve a batch."""
    return json_reply(_get_batch(fake, params["batch_id"]))


@builtin_route("POST", "/batches/{batch_id}/cancel")
def cancel_batch(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Start cancelling a batch that has not ended."""
    batch = _get_batch(fake, params["batch_id"])
    if batch["status"] in _DONE:
        raise ApiError(
            400, f"Cannot cancel a batch with status '{batch['status']}'.", param="batch_id"
        )
    batch["status"] = "cancelling"
    batch["cancelling_at"] = fake.now()
    return json_reply(batch)
