"""The Files API: upload, list, retrieve, download and delete files.

https://platform.openai.com/docs/api-reference/files
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, List, Literal, Mapping, Optional, Union

import requests

from ._model import Model
from ._multipart import FileInput, Progress
from ._request import _download, _request, form_of, path_param
from ._response import ApiResponse

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._request import RequestOptions

__all__ = [
    "FileObject",
    "FileList",
    "FileDeleted",
    "list",
    "create",
    "retrieve",
    "delete",
    "content",
    "download",
]

Purpose = Literal["assistants", "batch", "fine-tune", "vision", "user_data", "evals"]


@dataclass
class FileObject(Model):
    """A file uploaded to OpenAI."""

    id: str
    bytes: Optional[int] = None
    created_at: Optional[int] = None
    filename: Optional[str] = None
    object: str = "file"
    purpose: Optional[str] = None
    status: Optional[str] = None
    expires_at: Optional[int] = None
    status_details: Optional[str] = None


@dataclass
class FileList(Model):
    """A page of files."""

    data: List[FileObject]
    object: str = "list"
    first_id: Optional[str] = None
    last_id: Optional[str] = None
    has_more: Optional[bool] = None


@dataclass
class FileDeleted(Model):
    """The answer to deleting a file."""

    id: str
    deleted: bool
    object: str = "file"


def list(
    session: requests.Session,
    *,
    purpose: Optional[str] = None,
    limit: Optional[int] = None,
    after: Optional[str] = None,
    order: Optional[Literal["asc", "desc"]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[FileList]:
    """List the organization's files, newest first unless ``order="asc"``.

    ``after`` is the id of the last file of the previous page.

    https://platform.openai.com/docs/api-reference/files/list
    """
    params = {"purpose": purpose, "limit": limit, "after": after, "order": order}
    return _request(session, "GET", "/files", params=params, into=FileList, **options)


def create(
    session: requests.Session,
    *,
    file: FileInput,
    purpose: Purpose,
    expires_after: Optional[Mapping[str, Union[str, int]]] = None,
    progress: Optional[Progress] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[FileObject]:
    """Upload a file.

    ``file`` is a path, an open binary file, bytes, or a ``(filename, content[,
    content_type])`` tuple; a path or file is streamed, not read into memory.
    ``expires_after`` is ``{"anchor": "created_at", "seconds": n}`` and is sent as the
    ``expires_after[anchor]`` and ``expires_after[seconds]`` form fields.
    ``progress(done, total)`` is called with the bytes of the file sent so far and its
    size (None when unknown, as for a pipe): with 0 when sending starts, then after each
    block; a retried request sends the file again and counts from 0 again.

    https://platform.openai.com/docs/api-reference/files/create
    """
    if expires_after is not None and not isinstance(expires_after, Mapping):
        raise TypeError(f"expires_after must be a mapping with 'anchor' and 'seconds', not {expires_after!r}")
    form = form_of(locals(), files=("file",))
    return _request(session, "POST", "/files", form=form, into=FileObject, progress=progress, **options)


def retrieve(
    session: requests.Session, file_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[FileObject]:
    """Retrieve a file's information.

    https://platform.openai.com/docs/api-reference/files/retrieve
    """
    path = "/files/" + path_param(file_id, "file_id")
    return _request(session, "GET", path, into=FileObject, **options)


def delete(
    session: requests.Session, file_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[FileDeleted]:
    """Delete a file.

    https://platform.openai.com/docs/api-reference/files/delete
    """
    path = "/files/" + path_param(file_id, "file_id")
    return _request(session, "DELETE", path, into=FileDeleted, **options)


def content(session: requests.Session, file_id: str, **options: Unpack[RequestOptions]) -> ApiResponse[bytes]:
    """Download a file's contents into memory; :func:`download` writes them to disk instead.

    https://platform.openai.com/docs/api-reference/files/retrieve-contents
    """
    path = "/files/" + path_param(file_id, "file_id") + "/content"
    return _request(session, "GET", path, into=bytes, **options)


def download(
    session: requests.Session,
    file_id: str,
    path: Union[str, os.PathLike[str]],
    *,
    progress: Optional[Progress] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[int]:
    """Stream a file's contents into the file *path*; ``data`` is the number of bytes written.

    The contents go to a temporary file next to *path*, renamed to *path* once complete:
    a cut download raises :class:`~openai_lite.APIConnectionError` and leaves no partial
    file, and an existing file is replaced only by a complete one. ``progress(done,
    total)`` is called with the bytes written so far and the size the server announced
    (None when it did not): with 0 when the body starts, then after each block.

    https://platform.openai.com/docs/api-reference/files/retrieve-contents
    """
    url = "/files/" + path_param(file_id, "file_id") + "/content"
    return _download(session, "GET", url, to=path, progress=progress, **options)
