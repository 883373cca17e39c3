"""The Containers API: the sandboxes the ``code_interpreter`` tool runs in, and their files.

https://platform.openai.com/docs/api-reference/containers
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, List, Literal, Mapping, Optional, Sequence, Union, overload

import requests

from ._model import Model
from ._multipart import FileInput, Progress, check_progress
from ._request import _download, _request, body_of, form_of, path_param
from ._response import ApiResponse

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._request import RequestOptions

__all__ = [
    "Container",
    "ContainerList",
    "ContainerDeleted",
    "ContainerExpiresAfter",
    "NetworkPolicy",
    "ContainerFile",
    "ContainerFileList",
    "ContainerFileDeleted",
    "create",
    "retrieve",
    "list",
    "delete",
    "create_file",
    "list_files",
    "retrieve_file",
    "delete_file",
    "file_content",
]

MemoryLimit = Literal["1g", "4g", "16g", "64g"]


@dataclass
class ContainerExpiresAfter(Model):
    """When a container expires: ``minutes`` after it was last active."""

    anchor: Optional[str] = None
    minutes: Optional[int] = None


@dataclass
class NetworkPolicy(Model):
    """Whether code in the container may reach the network: ``disabled`` or ``allowlist``."""

    type: Optional[str] = None
    allowed_domains: Optional[List[str]] = None


@dataclass
class Container(Model):
    """A container; the ``*_at`` fields are Unix times in seconds."""

    id: str
    object: str = "container"
    name: Optional[str] = None
    created_at: Optional[int] = None
    status: Optional[str] = None
    last_active_at: Optional[int] = None
    expires_after: Optional[ContainerExpiresAfter] = None
    memory_limit: Optional[str] = None
    network_policy: Optional[NetworkPolicy] = None


@dataclass
class ContainerList(Model):
    """A page of containers."""

    data: List[Container]
    object: str = "list"
    first_id: Optional[str] = None
    last_id: Optional[str] = None
    has_more: Optional[bool] = None


@dataclass
class ContainerDeleted(Model):
    """The answer to deleting a container."""

    id: str
    deleted: Optional[bool] = None
    object: str = "container.deleted"


@dataclass
class ContainerFile(Model):
    """A file in a container; ``path`` is where code finds it, ``source`` who wrote it."""

    id: str
    object: str = "container.file"
    container_id: Optional[str] = None
    created_at: Optional[int] = None
    bytes: Optional[int] = None
    path: Optional[str] = None
    source: Optional[str] = None


@dataclass
class ContainerFileList(Model):
    """A page of a container's files."""

    data: List[ContainerFile]
    object: str = "list"
    first_id: Optional[str] = None
    last_id: Optional[str] = None
    has_more: Optional[bool] = None


@dataclass
class ContainerFileDeleted(Model):
    """The answer to deleting a container's file."""

    id: str
    deleted: Optional[bool] = None
    object: str = "container.file.deleted"


def _container_path(container_id: str) -> str:
    return "/containers/" + path_param(container_id, "container_id")


def _file_path(container_id: str, file_id: str) -> str:
    return _container_path(container_id) + "/files/" + path_param(file_id, "file_id")


def create(
    session: requests.Session,
    *,
    name: str,
    expires_after: Optional[Mapping[str, Union[str, int]]] = None,
    file_ids: Optional[Sequence[str]] = None,
    memory_limit: Optional[MemoryLimit] = None,
    network_policy: Optional[Mapping[str, Any]] = None,
    skills: Optional[Sequence[Mapping[str, Any]]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[Container]:
    """Create a container, with copies of the uploaded Files ``file_ids`` in it.

    ``expires_after`` is ``{"anchor": "last_active_at", "minutes": n}``;
    ``network_policy`` is ``{"type": "disabled"}`` or ``{"type": "allowlist",
    "allowed_domains": [...]}``.

    https://platform.openai.com/docs/api-reference/containers/createContainers
    """
    if file_ids is not None:
        if isinstance(file_ids, str) or not all(isinstance(f, str) for f in file_ids):
            raise TypeError(f"file_ids must be a list of file id strings, not {file_ids!r}")
        file_ids = [*file_ids]
    if skills is not None:
        skills = [*skills]
    body = body_of(locals())
    return _request(session, "POST", "/containers", json_body=body, into=Container, **options)


def retrieve(
    session: requests.Session, container_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[Container]:
    """Retrieve a container.

    https://platform.openai.com/docs/api-reference/containers/retrieveContainer
    """
    return _request(session, "GET", _container_path(container_id), into=Container, **options)


def list(
    session: requests.Session,
    *,
    after: Optional[str] = None,
    limit: Optional[int] = None,
    order: Optional[Literal["asc", "desc"]] = None,
    name: Optional[str] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[ContainerList]:
    """List the containers, newest first unless ``order="asc"``; ``name`` keeps the ones so named.

    ``after`` is the id of the last container of the previous page; ``limit`` is 1 to 100.
    :func:`openai_lite.paginate` walks every page.

    https://platform.openai.com/docs/api-reference/containers/listContainers
    """
    params = {"after": after, "limit": limit, "order": order, "name": name}
    return _request(session, "GET", "/containers", params=params, into=ContainerList, **options)


def delete(
    session: requests.Session, container_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[ContainerDeleted]:
    """Delete a container and its files.

    https://platform.openai.com/docs/api-reference/containers/deleteContainer
    """
    return _request(session, "DELETE", _container_path(container_id), into=ContainerDeleted, **options)


def create_file(
    session: requests.Session,
    container_id: str,
    *,
    file: Optional[FileInput] = None,
    file_id: Optional[str] = None,
    progress: Optional[Progress] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[ContainerFile]:
    """Put a file in a container: upload ``file``, or copy the uploaded File ``file_id``.

    ``file`` is a path, an open binary file, bytes, or a ``(filename, content[,
    content_type])`` tuple, sent as a multipart form (a path or file streamed from disk,
    ``progress(done, total)`` following its bytes as for
    :func:`openai_lite.files.create`); ``file_id`` is sent as a JSON body.

    https://platform.openai.com/docs/api-reference/container-files/createContainerFile
    """
    path = _container_path(container_id) + "/files"
    if (file is None) == (file_id is None):
        raise ValueError("give either file (to upload) or file_id (an uploaded File), not both or neither")
    if file_id is not None:
        if progress is not None:
            raise ValueError("progress follows an upload: it cannot be given with file_id")
        path_param(file_id, "file_id")
        return _request(session, "POST", path, json_body={"file_id": file_id}, into=ContainerFile, **options)
    form = form_of({"file": file}, files=("file",))
    return _request(session, "POST", path, form=form, into=ContainerFile, progress=progress, **options)


def list_files(
    session: requests.Session,
    container_id: str,
    *,
    after: Optional[str] = None,
    limit: Optional[int] = None,
    order: Optional[Literal["asc", "desc"]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[ContainerFileList]:
    """List a container's files, newest first unless ``order="asc"``.

    :func:`openai_lite.paginate` walks every page.

    https://platform.openai.com/docs/api-reference/container-files/listContainerFiles
    """
    path = _container_path(container_id) + "/files"
    params = {"after": after, "limit": limit, "order": order}
    return _request(session, "GET", path, params=params, into=ContainerFileList, **options)


def retrieve_file(
    session: requests.Session, container_id: str, file_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[ContainerFile]:
    """Retrieve a container's file.

    https://platform.openai.com/docs/api-reference/container-files/retrieveContainerFile
    """
    return _request(session, "GET", _file_path(container_id, file_id), into=ContainerFile, **options)


def delete_file(
    session: requests.Session, container_id: str, file_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[ContainerFileDeleted]:
    """Delete a container's file.

    https://platform.openai.com/docs/api-reference/container-files/deleteContainerFile
    """
    path = _file_path(container_id, file_id)
    return _request(session, "DELETE", path, into=ContainerFileDeleted, **options)


@overload
def file_content(
    session: requests.Session,
    container_id: str,
    file_id: str,
    *,
    path: None = None,
    progress: None = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[bytes]: ...


@overload
def file_content(
    session: requests.Session,
    container_id: str,
    file_id: str,
    *,
    path: Union[str, os.PathLike[str]],
    progress: Optional[Progress] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[int]: ...


def file_content(
    session: requests.Session,
    container_id: str,
    file_id: str,
    *,
    path: Union[None, str, os.PathLike[str]] = None,
    progress: Optional[Progress] = None,
    **options: Unpack[RequestOptions],
) -> Union[ApiResponse[bytes], ApiResponse[int]]:
    """Download a container's file: into memory (``data`` is the bytes), or into the file *path*.

    With *path*, the contents are streamed to a temporary file next to it, renamed to
    *path* once complete (a cut download raises :class:`~openai_lite.APIConnectionError`
    and leaves no partial file), and ``data`` is the number of bytes written;
    ``progress(done, total)`` is called as for :func:`openai_lite.files.download`.

    https://platform.openai.com/docs/api-reference/container-files/retrieveContainerFileContent
    """
    url = _file_path(container_id, file_id) + "/content"
    if path is None:
        if progress is not None:
            raise ValueError("progress follows a download to a path: give path as well")
        return _request(session, "GET", url, into=bytes, **options)
    check_progress(progress)
    return _download(session, "GET", url, to=path, progress=progress, **options)
