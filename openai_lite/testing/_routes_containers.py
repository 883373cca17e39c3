"""Container routes: containers, and the files written into them and read back.

A container is ``running`` until deleted. A file is put in one by a multipart upload or by
copying a File (``file_id``, from the Files routes); it lives at ``/mnt/data/<filename>``.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any, Dict, List

from ._routes_chat_store import cursor_page
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
    media_type,
    not_found,
    require,
)

MEMORY_LIMITS = ("1g", "4g", "16g", "64g")


@dataclass
class _State:
    containers: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    #: container id -> file id -> the container file object
    files: Dict[str, Dict[str, Dict[str, Any]]] = field(default_factory=dict)
    #: (container id, file id) -> the bytes
    contents: Dict[Any, bytes] = field(default_factory=dict)


_STATES: weakref.WeakKeyDictionary[FakeOpenAI, _State] = weakref.WeakKeyDictionary()


@builtin_seed
def _seed(fake: FakeOpenAI) -> None:
    _STATES[fake] = _State()


def _state(fake: FakeOpenAI) -> _State:
    return _STATES.setdefault(fake, _State())


def write_container_file(fake: FakeOpenAI, container_id: str, filename: str, data: bytes) -> Dict[str, Any]:
    """Write a file into a container as code running in it would (``source`` is ``assistant``)."""
    with fake.lock:
        _get_container(fake, container_id)
        return _add_file(fake, container_id, filename, data, "assistant")


def _get_container(fake: FakeOpenAI, container_id: str) -> Dict[str, Any]:
    container = _state(fake).containers.get(container_id)
    if container is None:
        raise not_found("container", container_id, "container_id")
    return container


def _get_file(fake: FakeOpenAI, container_id: str, file_id: str) -> Dict[str, Any]:
    _get_container(fake, container_id)
    file = _state(fake).files[container_id].get(file_id)
    if file is None:
        raise not_found("container file", file_id, "file_id")
    return file


def _add_file(fake: FakeOpenAI, container_id: str, filename: str, data: bytes, source: str) -> Dict[str, Any]:
    file_id = fake.new_id("cfile_")
    file: Dict[str, Any] = {
        "id": file_id,
        "object": "container.file",
        "container_id": container_id,
        "created_at": fake.now(),
        "bytes": len(data),
        "path": "/mnt/data/" + (filename.replace("/", "_") or file_id),
        "source": source,
    }
    _state(fake).files[container_id][file_id] = file
    _state(fake).contents[(container_id, file_id)] = data
    return file


def _source(fake: FakeOpenAI, file_id: Any, param: str) -> str:
    """Return *file_id* if it names a stored File, or raise a 400 :class:`ApiError`."""
    if not isinstance(file_id, str) or file_id not in fake.files:
        raise ApiError(400, f"Invalid '{param}': no file with id {file_id!r}.", param=param)
    return file_id


def _copy_file(fake: FakeOpenAI, container_id: str, file_id: Any, param: str) -> Dict[str, Any]:
    file_id = _source(fake, file_id, param)
    filename = fake.files[file_id].get("filename") or file_id
    return _add_file(fake, container_id, filename, fake.file_contents.get(file_id, b""), "user")


@builtin_route("POST", "/containers")
def create_container(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Create a running container, with copies of ``file_ids``."""
    body = json_body(request)
    name = require(body, "name")
    file_ids = body.get("file_ids") or []
    if not isinstance(file_ids, list):
        raise invalid("file_ids", "expected an array of file ids")
    memory = body.get("memory_limit", "1g")
    if memory not in MEMORY_LIMITS:
        raise invalid("memory_limit", "expected one of " + ", ".join(MEMORY_LIMITS))
    expires = body.get("expires_after") or {"anchor": "last_active_at", "minutes": 20}
    if (
        not isinstance(expires, dict)
        or expires.get("anchor") != "last_active_at"
        or isinstance(expires.get("minutes"), bool)
        or not isinstance(expires.get("minutes"), int)
    ):
        raise invalid("expires_after", "expected anchor 'last_active_at' and a number of minutes")
    now = fake.now()
    container: Dict[str, Any] = {
        "id": fake.new_id("cntr_"),
        "object": "container",
        "name": name,
        "created_at": now,
        "status": "running",
        "last_active_at": now,
        "expires_after": {"anchor": "last_active_at", "minutes": expires["minutes"]},
        "memory_limit": memory,
    }
    policy = body.get("network_policy")
    if policy is not None:
        if not isinstance(policy, dict) or policy.get("type") not in ("disabled", "allowlist"):
            raise invalid("network_policy", "expected type 'disabled' or 'allowlist'")
        container["network_policy"] = {"type": policy["type"]}
        if policy["type"] == "allowlist":
            container["network_policy"]["allowed_domains"] = list(policy.get("allowed_domains") or [])
    for file_id in file_ids:
        _source(fake, file_id, "file_ids")
    _state(fake).containers[container["id"]] = container
    _state(fake).files[container["id"]] = {}
    for file_id in file_ids:
        _copy_file(fake, container["id"], file_id, "file_ids")
    return json_reply(container)


@builtin_route("GET", "/containers")
def list_containers(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """List containers, newest first; ``name`` keeps the ones so named."""
    containers: List[Dict[str, Any]] = list(_state(fake).containers.values())
    name = request.query.get("name", [""])[-1]
    if name:
        containers = [c for c in containers if c["name"] == name]
    return json_reply(cursor_page(containers, request, "desc"))


@builtin_route("GET", "/containers/{container_id}")
def retrieve_container(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Retrieve a container."""
    return json_reply(_get_container(fake, params["container_id"]))


@builtin_route("DELETE", "/containers/{container_id}")
def delete_container(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Delete a container and its files."""
    container_id = _get_container(fake, params["container_id"])["id"]
    state = _state(fake)
    del state.containers[container_id]
    for file_id in state.files.pop(container_id):
        del state.contents[(container_id, file_id)]
    return json_reply({"id": container_id, "object": "container.deleted", "deleted": True})


@builtin_route("POST", "/containers/{container_id}/files")
def create_container_file(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Put a file in a container: a multipart upload, or a JSON ``file_id``."""
    container = _get_container(fake, params["container_id"])
    container["last_active_at"] = fake.now()
    if media_type(request.headers.get("Content-Type")) == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise ApiError(400, "Missing required parameter: 'file'.", param="file")
        return json_reply(_add_file(fake, container["id"], upload.filename or "upload", upload.data, "user"))
    body = json_body(request)
    return json_reply(_copy_file(fake, container["id"], require(body, "file_id"), "file_id"))


@builtin_route("GET", "/containers/{container_id}/files")
def list_container_files(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """List a container's files, newest first."""
    container_id = _get_container(fake, params["container_id"])["id"]
    return json_reply(cursor_page(list(_state(fake).files[container_id].values()), request, "desc"))


@builtin_route("GET", "/containers/{container_id}/files/{file_id}")
def retrieve_container_file(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Retrieve a container's file."""
    return json_reply(_get_file(fake, params["container_id"], params["file_id"]))


@builtin_route("DELETE", "/containers/{container_id}/files/{file_id}")
def delete_container_file(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Delete a container's file."""
    container_id = params["container_id"]
    file_id = _get_file(fake, container_id, params["file_id"])["id"]
    del _state(fake).files[container_id][file_id]
    del _state(fake).contents[(container_id, file_id)]
    return json_reply({"id": file_id, "object": "container.file.deleted", "deleted": True})


@builtin_route("GET", "/containers/{container_id}/files/{file_id}/content")
def container_file_content(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """The bytes of a container's file."""
    container_id = params["container_id"]
    file_id = _get_file(fake, container_id, params["file_id"])["id"]
    data = _state(fake).contents[(container_id, file_id)]
    return Reply(200, body=data, content_type="application/octet-stream")
