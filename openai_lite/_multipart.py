"""multipart/form-data bodies that stream files from disk and rewind for a retry.

requests' own ``files=`` reads every file into memory. :class:`MultipartBody` is a
file-like object instead: requests and urllib3 read it block by block, send a
``Content-Length`` when every part's size is known (chunked otherwise), and urllib3 seeks it
back to the start before a retry, so a retried upload re-sends the whole body. A body with
a part that cannot be rewound (a pipe, a socket) reports itself with ``rewindable = False``
and is sent once, never retried.
"""

from __future__ import annotations

import io
import json
import os
import uuid
from typing import IO, Any, Iterator, List, Optional, Sequence, Tuple, Union

__all__ = ["FileInput", "FilePart", "MultipartBody", "file_part", "form_value"]

FileContent = Union[bytes, bytearray, memoryview, IO[bytes], str, "os.PathLike[str]"]
#: What a file argument accepts: a path, an open binary file, bytes, or a
#: ``(filename, content)`` / ``(filename, content, content_type)`` tuple.
FileInput = Union[FileContent, Tuple[str, FileContent], Tuple[str, FileContent, str]]

_BLOCK = 64 * 1024


class FilePart:
    """One file of a form: in memory, a path opened when read, or an open file object."""

    def __init__(
        self,
        filename: str,
        content_type: str,
        *,
        data: Optional[bytes] = None,
        path: Optional[str] = None,
        fileobj: Optional[IO[bytes]] = None,
    ) -> None:
        self.filename = filename
        self.content_type = content_type
        self._data = data
        self._path = path
        self._fileobj = fileobj
        self._start = 0
        self.size: Optional[int] = None
        self.rewindable = True
        if data is not None:
            self.size = len(data)
        elif path is not None:
            self.size = os.path.getsize(path)
        elif fileobj is not None:
            self._measure(fileobj)

    def _measure(self, fileobj: IO[bytes]) -> None:
        try:
            if not fileobj.seekable():
                raise OSError
            self._start = fileobj.tell()
            end = fileobj.seek(0, io.SEEK_END)
            fileobj.seek(self._start)
            self.size = end - self._start
        except (OSError, AttributeError, ValueError):
            self.rewindable = False

    def open(self) -> IO[bytes]:
        """Return a stream positioned at the part's first byte."""
        if self._data is not None:
            return io.BytesIO(self._data)
        if self._path is not None:
            return open(self._path, "rb")
        assert self._fileobj is not None
        if self.rewindable:
            self._fileobj.seek(self._start)
        return self._fileobj

    def owns_stream(self) -> bool:
        """True when :meth:`open` returns a stream that the body must close."""
        return self._fileobj is None


def file_part(value: Any, param: str) -> FilePart:
    """Turn a file argument into a :class:`FilePart`, or raise an error naming *param*."""
    filename: Optional[str] = None
    content_type: Optional[str] = None
    if isinstance(value, tuple):
        if len(value) not in (2, 3) or not isinstance(value[0], str):
            raise TypeError(f"{param}: a tuple must be (filename, content[, content_type])")
        filename = value[0]
        content_type = value[2] if len(value) == 3 else None
        value = value[1]
    return _file_part(value, param, filename, content_type)


def _file_part(value: Any, param: str, filename: Optional[str], content_type: Optional[str]) -> FilePart:
    if isinstance(value, (bytes, bytearray, memoryview)):
        name = filename or param
        return FilePart(name, content_type or _guess(name), data=bytes(value))
    if isinstance(value, (str, os.PathLike)):
        path = os.fspath(value)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"{param}: no such file: {path!r}")
        name = filename or os.path.basename(path)
        return FilePart(name, content_type or _guess(name), path=path)
    if hasattr(value, "read"):
        if isinstance(value, io.TextIOBase) or "b" not in getattr(value, "mode", "b"):
            raise TypeError(f"{param}: the file is open in text mode; open it with 'rb'")
        name = filename or os.path.basename(str(getattr(value, "name", "") or "")) or param
        return FilePart(name, content_type or _guess(name), fileobj=value)
    raise TypeError(
        f"{param}: expected a path, bytes, an open binary file or a (filename, content) tuple,"
        f" not {type(value).__name__}"
    )


def _guess(filename: str) -> str:
    import mimetypes

    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def form_value(value: Any) -> str:
    """Render a non-file form value as the API expects it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


class MultipartBody:
    """A multipart/form-data body read in blocks; see the module docstring.

    :param fields: (name, value) pairs in order; a value is a string or a :class:`FilePart`.
    """

    def __init__(self, fields: Sequence[Tuple[str, Union[str, FilePart]]]) -> None:
        self.boundary = uuid.uuid4().hex
        self.content_type = f"multipart/form-data; boundary={self.boundary}"
        segments: List[FilePart] = []
        for name, value in fields:
            head = f'--{self.boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"'
            if isinstance(value, FilePart):
                head += f'; filename="{_quote(value.filename)}"\r\nContent-Type: {value.content_type}'
                segments += [_text(head + "\r\n\r\n"), value, _text("\r\n")]
            else:
                segments.append(_text(head + "\r\n\r\n" + value + "\r\n"))
        segments.append(_text(f"--{self.boundary}--\r\n"))
        self._segments = segments
        #: False when a part cannot be read twice: such a body is never retried.
        self.rewindable = all(s.rewindable for s in segments)
        sizes = [s.size for s in segments]
        if all(size is not None for size in sizes):
            # requests' super_len() reads ``len``; without it the body goes chunked.
            self.len = sum(size for size in sizes if size is not None)
        self._index = 0
        self._stream: Optional[IO[bytes]] = None
        self._position = 0

    def tell(self) -> int:
        if not self.rewindable:
            raise OSError("this multipart body cannot be rewound")
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if not self.rewindable or whence != io.SEEK_SET or offset != 0:
            raise OSError("a multipart body can only be rewound to its start")
        self.close()
        self._index = 0
        self._position = 0
        return 0

    def read(self, size: Optional[int] = -1) -> bytes:
        want = _BLOCK if size is None or size < 0 else size
        out = b""
        while len(out) < want and self._index < len(self._segments):
            if self._stream is None:
                self._stream = self._segments[self._index].open()
            block = self._stream.read(want - len(out))
            if block:
                out += block
            else:
                self.close()
                self._index += 1
        self._position += len(out)
        return out

    def __iter__(self) -> Iterator[bytes]:
        while True:
            block = self.read(_BLOCK)
            if not block:
                return
            yield block

    def close(self) -> None:
        """Close the file that is being read, if the body opened it."""
        stream, self._stream = self._stream, None
        if stream is not None and self._segments[self._index].owns_stream():
            stream.close()


def _text(text: str) -> FilePart:
    return FilePart("", "", data=text.encode("utf-8"))


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", " ").replace("\n", " ")
