"""Upload routes: create, add a part, complete and cancel.

Completing checks what the API checks (the parts belong to the upload, add up to its
size, and match ``md5`` when given) and stores the joined parts as a File.
"""

from __future__ import annotations

import hashlib
import weakref
from dataclasses import dataclass, field
from typing import Any, Dict, Tuple

from ._routes_files import PURPOSES
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

MAX_BYTES = 8 * 1024**3
MAX_PART = 64 * 1024 * 1024


@dataclass
class _State:
    uploads: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    #: part id -> (upload id, bytes)
    parts: Dict[str, Tuple[str, bytes]] = field(default_factory=dict)


_STATES: weakref.WeakKeyDictionary[FakeOpenAI, _State] = weakref.WeakKeyDictionary()


@builtin_seed
def _seed(fake: FakeOpenAI) -> None:
    _STATES[fake] = _State()


def _state(fake: FakeOpenAI) -> _State:
    return _STATES.setdefault(fake, _State())


def uploads_of(fake: FakeOpenAI) -> Dict[str, Dict[str, Any]]:
    """The uploads stored by *fake*, by id."""
    return _state(fake).uploads


def _pending(fake: FakeOpenAI, upload_id: str) -> Dict[str, Any]:
    upload = _state(fake).uploads.get(upload_id)
    if upload is None:
        raise not_found("upload", upload_id, "upload_id")
    if upload["status"] != "pending":
        raise ApiError(400, f"Upload {upload_id} is {upload['status']}, not pending.", param="upload_id")
    return upload


@builtin_route("POST", "/uploads")
def create_upload(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Create a pending upload that expires in an hour."""
    body = json_body(request)
    filename = require(body, "filename")
    purpose = require(body, "purpose")
    size = body.get("bytes")
    if size is None:
        require(body, "bytes")
    require(body, "mime_type")
    if purpose not in PURPOSES:
        raise invalid("purpose", "expected one of " + ", ".join(PURPOSES))
    if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_BYTES:
        raise invalid("bytes", "expected a number of bytes up to 8 GB")
    now = fake.now()
    upload: Dict[str, Any] = {
        "id": fake.new_id("upload_"),
        "object": "upload",
        "bytes": size,
        "created_at": now,
        "expires_at": now + 3600,
        "filename": filename,
        "purpose": purpose,
        "status": "pending",
    }
    _state(fake).uploads[upload["id"]] = upload
    return json_reply(upload)


@builtin_route("POST", "/uploads/{upload_id}/parts")
def add_part(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Store a part of at most 64 MB."""
    upload = _pending(fake, params["upload_id"])
    data = request.files.get("data")
    if data is None:
        raise ApiError(400, "Missing required parameter: 'data'.", param="data")
    if len(data.data) > MAX_PART:
        raise invalid("data", "a part is at most 64 MB")
    part_id = fake.new_id("part_")
    _state(fake).parts[part_id] = (upload["id"], data.data)
    return json_reply(
        {"id": part_id, "object": "upload.part", "created_at": fake.now(), "upload_id": upload["id"]}
    )


@builtin_route("POST", "/uploads/{upload_id}/complete")
def complete_upload(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Join the parts in the given order into a File."""
    upload = _pending(fake, params["upload_id"])
    body = json_body(request)
    part_ids = require(body, "part_ids", list)
    parts = _state(fake).parts
    chunks = []
    for part_id in part_ids:
        owner, data = parts.get(part_id, ("", b""))
        if owner != upload["id"]:
            raise invalid("part_ids", f"{part_id!r} is not a part of {upload['id']}")
        chunks.append(data)
    if len(set(part_ids)) != len(part_ids):
        raise invalid("part_ids", "a part is listed twice")
    content = b"".join(chunks)
    if len(content) != upload["bytes"]:
        raise invalid("part_ids", f"the parts have {len(content)} bytes, not {upload['bytes']}")
    md5 = body.get("md5")
    if md5 is not None and md5 != hashlib.md5(content).hexdigest():
        raise invalid("md5", "does not match the uploaded bytes")
    file_id = fake.new_id("file-")
    file: Dict[str, Any] = {
        "id": file_id,
        "object": "file",
        "bytes": len(content),
        "created_at": fake.now(),
        "filename": upload["filename"],
        "purpose": upload["purpose"],
        "status": "processed",
    }
    fake.files[file_id] = file
    fake.file_contents[file_id] = content
    upload["status"] = "completed"
    upload["file"] = file
    return json_reply(upload)


@builtin_route("POST", "/uploads/{upload_id}/cancel")
def cancel_upload(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Cancel a pending upload."""
    upload = _pending(fake, params["upload_id"])
    upload["status"] = "cancelled"
    return json_reply(upload)
