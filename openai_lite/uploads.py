"""The Uploads API: send a large file in parts, then make one File of them.

:func:`upload_file` does the whole sequence for a file on disk.

https://platform.openai.com/docs/api-reference/uploads
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Dict, List, Literal, Mapping, Optional, Sequence, Union, cast

import requests

from ._model import Model
from ._multipart import FileInput, FileRangePart, OffsetProgress, Progress, check_progress
from ._request import _request, body_of, form_of, path_param, reply_id
from ._response import ApiResponse
from .files import FileObject

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._request import RequestOptions

__all__ = ["Upload", "UploadPart", "PART_SIZE", "create", "add_part", "complete", "cancel", "upload_file"]

#: The largest part the API takes, and the default part size of :func:`upload_file`.
PART_SIZE = 64 * 1024 * 1024

Purpose = Literal["assistants", "batch", "fine-tune", "vision"]


@dataclass
class Upload(Model):
    """An upload; once completed, ``file`` is the File made of its parts."""

    id: str
    bytes: Optional[int] = None
    created_at: Optional[int] = None
    expires_at: Optional[int] = None
    filename: Optional[str] = None
    purpose: Optional[str] = None
    status: Optional[str] = None
    object: str = "upload"
    file: Optional[FileObject] = None


@dataclass
class UploadPart(Model):
    """A part added to an upload."""

    id: str
    created_at: Optional[int] = None
    upload_id: Optional[str] = None
    object: str = "upload.part"


def create(
    session: requests.Session,
    *,
    bytes: int,
    filename: str,
    mime_type: str,
    purpose: Union[Purpose, str],
    expires_after: Optional[Mapping[str, Union[str, int]]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[Upload]:
    """Create an upload of ``bytes`` bytes (at most 8 GB), open for an hour.

    ``mime_type`` must be one the ``purpose`` accepts. ``expires_after`` is ``{"anchor":
    "created_at", "seconds": n}`` and applies to the File made at the end.

    https://platform.openai.com/docs/api-reference/uploads/create
    """
    body = body_of(locals())
    return _request(session, "POST", "/uploads", json_body=body, into=Upload, **options)


def add_part(
    session: requests.Session,
    upload_id: str,
    *,
    data: FileInput,
    progress: Optional[Progress] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[UploadPart]:
    """Add a part of at most 64 MB to an upload; parts may be added in any order, or at once.

    ``data`` is a path, an open binary file, bytes, or a ``(filename, content[,
    content_type])`` tuple; a path is streamed from disk. ``progress(done, total)``
    follows the part's bytes as for :func:`openai_lite.files.create`.

    https://platform.openai.com/docs/api-reference/uploads/add-part
    """
    form = form_of({"data": data}, files=("data",))
    path = "/uploads/" + path_param(upload_id, "upload_id") + "/parts"
    return _request(session, "POST", path, form=form, into=UploadPart, progress=progress, **options)


def complete(
    session: requests.Session,
    upload_id: str,
    *,
    part_ids: Sequence[str],
    md5: Optional[str] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[Upload]:
    """Complete an upload: its parts, in the order of ``part_ids``, become one File.

    The parts must add up to the size given at creation. ``md5`` is the hex digest of the
    whole file, checked by the API.

    https://platform.openai.com/docs/api-reference/uploads/complete
    """
    if isinstance(part_ids, str) or not all(isinstance(p, str) for p in part_ids):
        raise TypeError(f"part_ids must be a list of part id strings, not {part_ids!r}")
    body = body_of({"part_ids": [*part_ids], "md5": md5})
    path = "/uploads/" + path_param(upload_id, "upload_id") + "/complete"
    return _request(session, "POST", path, json_body=body, into=Upload, **options)


def cancel(
    session: requests.Session, upload_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[Upload]:
    """Cancel an upload; no part may be added to it afterwards.

    https://platform.openai.com/docs/api-reference/uploads/cancel
    """
    path = "/uploads/" + path_param(upload_id, "upload_id") + "/cancel"
    return _request(session, "POST", path, into=Upload, **options)


def upload_file(
    session: requests.Session,
    path: Union[str, os.PathLike[str]],
    *,
    purpose: Union[Purpose, str],
    mime_type: Optional[str] = None,
    filename: Optional[str] = None,
    part_size: int = PART_SIZE,
    expires_after: Optional[Mapping[str, Union[str, int]]] = None,
    progress: Optional[Progress] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[Upload]:
    """Upload a file from disk in parts of ``part_size`` bytes, and complete the upload.

    Each part is streamed from its slice of the file, so memory use does not grow with the
    file's size; the md5 of the whole file is computed on the way and sent with the
    completion. ``mime_type`` is guessed from the file name when left out (``text/jsonl``
    for ``.jsonl``); ``filename`` defaults to the file's own name. ``extra_query`` and
    ``extra_body`` go to the creation only. ``progress(done, total)`` is called with the
    bytes of the file sent so far, across parts, and its size: with 0 once the upload is
    created, then after each block; a retried part counts again from its first byte.

    The response of the completion is returned, or the failed response of the first step
    that failed (its ``data`` raises the typed error); an upload whose part failed, or
    whose sending raised, is cancelled.

    https://platform.openai.com/docs/api-reference/uploads
    """
    source = os.fspath(path)
    if not os.path.isfile(source):
        raise FileNotFoundError(f"path: no such file: {source!r}")
    if isinstance(part_size, bool) or not isinstance(part_size, int) or not 0 < part_size <= PART_SIZE:
        raise ValueError(f"part_size must be a number of bytes from 1 to {PART_SIZE}, not {part_size!r}")
    check_progress(progress)
    name = filename or os.path.basename(source)
    size = os.path.getsize(source)
    created = create(
        session,
        bytes=size,
        filename=name,
        mime_type=mime_type or _guess_mime_type(name),
        purpose=purpose,
        expires_after=expires_after,
        **options,
    )
    if not created.ok:
        return created
    upload_id = reply_id(created.data.id, "upload id", created)
    later: Dict[str, Any] = {k: v for k, v in options.items() if k not in ("extra_query", "extra_body")}
    if progress is not None:
        progress(0, size)
    digest = _Digest()
    part_ids: List[str] = []
    try:
        for offset in range(0, size, part_size):
            part = _HashedRange(name, source, offset, min(part_size, size - offset), digest)
            path_ = "/uploads/" + path_param(upload_id, "upload_id") + "/parts"
            report = None if progress is None else OffsetProgress(progress, offset, size)
            sent = _request(
                session, "POST", path_, form=[("data", part)], into=UploadPart, progress=report, **later
            )
            if not sent.ok:
                _cancel_quietly(session, upload_id, later)
                return cast("ApiResponse[Upload]", sent)
            part_ids.append(reply_id(sent.data.id, "upload part id", sent))
    except Exception:
        _cancel_quietly(session, upload_id, later)
        raise
    return complete(session, upload_id, part_ids=part_ids, md5=digest.hexdigest(), **later)


def _guess_mime_type(filename: str) -> str:
    guessed = mimetypes.guess_type(filename)[0]
    if guessed:
        return guessed
    return "text/jsonl" if filename.lower().endswith(".jsonl") else "application/octet-stream"


def _cancel_quietly(session: requests.Session, upload_id: str, options: Dict[str, Any]) -> None:
    try:
        cancel(session, upload_id, **options)
    except Exception:  # noqa: BLE001  (the first failure is the one to report)
        pass


class _Digest:
    """The md5 of a file fed in order; bytes read again (by a retried part) are not fed twice."""

    def __init__(self) -> None:
        self._md5 = hashlib.md5()
        self.upto = 0

    def feed(self, offset: int, block: bytes) -> None:
        end = offset + len(block)
        if offset <= self.upto < end:
            self._md5.update(memoryview(block)[self.upto - offset :])
            self.upto = end

    def hexdigest(self) -> str:
        return self._md5.hexdigest()


class _HashedRange(FileRangePart):
    """A slice of the file sent as a part, feeding the digest as it is read."""

    def __init__(self, filename: str, path: str, offset: int, length: int, digest: _Digest) -> None:
        super().__init__(filename, "application/octet-stream", path=path, offset=offset, length=length)
        self._digest = digest

    def open(self) -> IO[bytes]:
        return cast(IO[bytes], _Feeding(super().open(), self.offset, self._digest))


class _Feeding:
    def __init__(self, stream: IO[bytes], offset: int, digest: _Digest) -> None:
        self._stream = stream
        self._offset = offset
        self._digest = digest

    def read(self, size: Optional[int] = -1) -> bytes:
        block = self._stream.read(-1 if size is None else size)
        self._digest.feed(self._offset, block)
        self._offset += len(block)
        return block

    def close(self) -> None:
        self._stream.close()
