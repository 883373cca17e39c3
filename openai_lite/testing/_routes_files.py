"""File routes: upload, list, retrieve, delete and download."""

from __future__ import annotations

from typing import Any, Dict, List

from ._server import (
    ApiError,
    FakeOpenAI,
    RecordedRequest,
    Reply,
    builtin_route,
    invalid,
    json_reply,
    not_found,
)

PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data")


def get_file(fake: FakeOpenAI, file_id: str, param: str = "file_id") -> Dict[str, Any]:
    """Return the stored file object, or raise a 404 :class:`ApiError`."""
    obj = fake.files.get(file_id)
    if obj is None:
        raise not_found("File object", file_id, param)
    return obj


def paginate(
    items: List[Dict[str, Any]], request: RecordedRequest, default_limit: int
) -> Dict[str, Any]:
    """Build a list page from *items* using the ``after`` and ``limit`` query."""
    after = request.query.get("after", [""])[-1]
    if after:
        ids = [item["id"] for item in items]
        items = items[ids.index(after) + 1 :] if after in ids else []
    raw_limit = request.query.get("limit", [str(default_limit)])[-1]
    try:
        limit = int(raw_limit)
    except ValueError:
        raise invalid("limit", "expected an integer") from None
    if limit < 1:
        raise invalid("limit", "must be at least 1")
    page = items[:limit]
    return {"object": "list", "data": page, "has_more": len(items) > limit}


@builtin_route("POST", "/files")
def upload_file(
    fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]
) -> Reply:
    """Store an uploaded file."""
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(400, "Missing required parameter: 'file'.", param="file")
    purpose = request.form.get("purpose")
    if not purpose:
        raise ApiError(400, "Missing required parameter: 'purpose'.", param="purpose")
    if purpose not in PURPOSES:
        raise invalid("purpose", "expected one of " + ", ".join(PURPOSES))
    file_id = fake.new_id("file-")
    obj: Dict[str, Any] = {
        "id": file_id,
        "object": "file",
        "bytes": len(upload.data),
        "created_at": fake.now(),
        "filename": upload.filename or "upload",
        "purpose": purpose,
        "status": "processed",
    }
    fake.files[file_id] = obj
    fake.file_contents[file_id] = upload.data
    return json_reply(obj)


@builtin_route("GET", "/files")
def list_files(
    fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]
) -> Reply:
    """List stored files, newest first unless ``order=asc``."""
    items = list(fake.files.values())
    purpose = request.query.get("purpose", [""])[-1]
    if purpose:
        items = [f for f in items if f["purpose"] == purpose]
    order = request.query.get("order", ["desc"])[-1]
    if order not in ("asc", "desc"):
        raise invalid("order", "expected 'asc' or 'desc'")
    if order == "desc":
        items.reverse()
    page = paginate(items, request, 10000)
    page["first_id"] = page["data"][0]["id"] if page["data"] else ""
    page["last_id"] = page["data"][-1]["id"] if page["data"] else ""
    return json_reply(page)


@builtin_route("GET", "/files/{file_id}")
def retrieve_file(
    fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]
) -> Reply:
    """Retrieve a file object."""
    return json_reply(get_file(fake, params["file_id"]))


@builtin_route("DELETE", "/files/{file_id}")
def delete_file(
    fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]
) -> Reply:
    """Delete a stored file."""
    file_id = get_file(fake, params["file_id"])["id"]
    del fake.files[file_id]
    fake.file_contents.pop(file_id, None)
    return json_reply({"id": file_id, "object": "file", "deleted": True})


@builtin_route("GET", "/files/{file_id}/content")
def file_content(
    fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]
) -> Reply:
    """Return the stored bytes of a file."""
    file_id = get_file(fake, params["file_id"])["id"]
    data = fake.file_contents.get(file_id, b"")
    return Reply(200, body=data, content_type="application/octet-stream")
