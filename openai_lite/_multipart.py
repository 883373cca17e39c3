"""multipart/form-data bodies that stream files from disk and rewind for a retry.

requests' own ``files=`` reads every file into memory. :class:`MultipartBody` is a
file-like object instead: requests and urllib3 read it block by block, send a
``Content-Length`` when every part's size is known (chunked otherwise), and urllib3 seeks it
back to the start before a retry, so a retried upload re-sends the whole body. A body with
a part that cannot be rewound (a pipe, a socket, a generator) reports itself with
``rewindable = False`` and is sent once, never retried.
"""

from __future__ import annotations

import io
import json
import math
import os
import uuid
from typing import IO, Any, Callable, Iterator, List, Optional, Sequence, Tuple, Union, cast

from ._errors import FileChangedError

__all__ = [
    "FileInput",
    "FilePart",
    "FileRangePart",
    "MultipartBody",
    "OffsetProgress",
    "Progress",
    "check_progress",
    "file_part",
    "form_value",
]

FileContent = Union[bytes, bytearray, memoryview, IO[bytes], Iterator[bytes], str, "os.PathLike[str]"]
#: What a file argument accepts: a path, an open binary file, bytes, an iterator of bytes
#: (sent once, never retried), or a ``(filename, content)`` / ``(filename, content,
#: content_type)`` tuple.
FileInput = Union[FileContent, Tuple[str, FileContent], Tuple[str, FileContent, str]]

#: A transfer's progress callback: ``progress(bytes_done, total_bytes)``, where the total is
#: None when it is not known.
Progress = Callable[[int, Optional[int]], None]

_BLOCK = 64 * 1024
#: A file that cannot tell its size is read into a buffer first: in memory up to this many
#: bytes, in a temporary file past them.
SPOOL_IN_MEMORY = 8 << 20


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
            if self.size == 0:  # empty, or a file whose size the system does not tell (/proc)
                with open(path, "rb") as stream:
                    self._spool_if_not_empty(stream)
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
            return
        if self.size == 0:
            self._spool_if_not_empty(fileobj)

    def _spool_if_not_empty(self, stream: IO[bytes]) -> None:
        """Read a file that reports no size into a spooled buffer, if it has content after all."""
        first = stream.read(1)
        if not first:
            if self._fileobj is not None:
                self._fileobj.seek(self._start)
            return
        import shutil  # rare: imported here, so that importing the package stays cheap
        import tempfile

        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
        spool.write(first)
        shutil.copyfileobj(stream, spool, _BLOCK)
        self.size = spool.tell()
        spool.seek(0)
        self._path = self._data = None
        self._fileobj = cast(IO[bytes], spool)
        self._start = 0

    def open(self) -> IO[bytes]:
        """Return a stream positioned at the part's first byte, that gives exactly ``size`` bytes.

        A file that grew or shrank since it was measured raises :class:`FileChangedError`
        as it is read, rather than send more or fewer bytes than the Content-Length.
        """
        if self._data is not None:
            return io.BytesIO(self._data)
        if self._path is not None:
            return self._exact(open(self._path, "rb"))
        assert self._fileobj is not None
        if self.rewindable:
            self._fileobj.seek(self._start)
            return self._exact(self._fileobj)
        return self._fileobj

    def _exact(self, stream: IO[bytes]) -> IO[bytes]:
        if self.size is None:
            return stream
        return cast(IO[bytes], _Exact(stream, self.size, self.filename))

    def owns_stream(self) -> bool:
        """True when :meth:`open` returns a stream that the body must close."""
        return self._fileobj is None


class FileRangePart(FilePart):
    """*length* bytes of a file on disk from *offset*, opened (and closed) each time it is read."""

    def __init__(self, filename: str, content_type: str, *, path: str, offset: int, length: int) -> None:
        super().__init__(filename, content_type, path=path)
        if self._path is None:  # read into a buffer: the file does not report its size
            raise ValueError(f"{path!r} does not report its size: upload a copy of it")
        if not 0 <= offset <= offset + length <= (self.size or 0):
            raise ValueError(f"bytes {offset}..{offset + length} are not all in {path!r}")
        self.offset = offset
        self.size = length

    def open(self) -> IO[bytes]:
        stream = open(self._path or "", "rb")
        stream.seek(self.offset)
        return self._exact(cast(IO[bytes], _Slice(stream, self.size or 0)))


class _Slice:
    """Reads at most *left* bytes of *stream*, then reports the end."""

    def __init__(self, stream: IO[bytes], left: int) -> None:
        self._stream = stream
        self._left = left

    def read(self, size: Optional[int] = -1) -> bytes:
        want = self._left if size is None or size < 0 else min(size, self._left)
        block = self._stream.read(want) if want else b""
        self._left -= len(block)
        return block

    def close(self) -> None:
        self._stream.close()


class _Exact:
    """Gives exactly *size* bytes of *stream*, and raises FileChangedError for more or fewer."""

    def __init__(self, stream: IO[bytes], size: int, filename: str) -> None:
        self._stream = stream
        self._left = size
        self._size = size
        self._filename = filename

    def read(self, size: Optional[int] = -1) -> bytes:
        want = self._left if size is None or size < 0 else min(size, self._left)
        if not want:
            return b""
        block = self._stream.read(want)
        if not block:
            self._changed("shrank")
        self._left -= len(block)
        if not self._left and self._stream.read(1):
            self._changed("grew")
        return block

    def _changed(self, how: str) -> None:
        raise FileChangedError(
            f"The file {self._filename!r} {how} while it was being uploaded (it had {self._size} bytes"
            " when the request was built); the upload was stopped. Upload a copy that does not change."
        )

    def close(self) -> None:
        self._stream.close()


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
        if getattr(value, "closed", False) is True:
            raise ValueError(f"{param}: the file is closed")
        name = filename or os.path.basename(str(getattr(value, "name", "") or "")) or param
        return FilePart(name, content_type or _guess(name), fileobj=value)
    if isinstance(value, Iterator):
        name = filename or param
        reader = cast(IO[bytes], _IterReader(value, param))
        return FilePart(name, content_type or _guess(name), fileobj=reader)
    raise TypeError(
        f"{param}: expected a path, bytes, an open binary file, an iterator of bytes or a"
        f" (filename, content) tuple, not {type(value).__name__}"
    )


class _IterReader:
    """An iterator of bytes (a generator, say) read as a file that cannot seek: sent once."""

    def __init__(self, blocks: Iterator[Any], param: str) -> None:
        self._blocks = blocks
        self._param = param
        self._pending = b""

    def seekable(self) -> bool:
        return False

    def read(self, size: Optional[int] = -1) -> bytes:
        whole = size is None or size < 0
        while whole or len(self._pending) < (size or 0):
            block = next(self._blocks, None)
            if block is None:
                break
            if not isinstance(block, (bytes, bytearray, memoryview)):
                raise TypeError(f"{self._param}: the iterator gave {type(block).__name__}, not bytes")
            self._pending += bytes(block)
        cut = len(self._pending) if whole else (size or 0)
        out, self._pending = self._pending[:cut], self._pending[cut:]
        return out


def _guess(filename: str) -> str:
    import mimetypes

    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def form_value(value: Any, name: str) -> str:
    """Render the non-file form value of field *name* as the API expects it.

    :raises TypeError: for a value that is not a str, int, float, bool, dict or list.
    :raises ValueError: for a float (or one inside a dict or list) that is not finite.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{name}: {value!r} is not a finite number")
        return repr(float(value))
    if isinstance(value, (dict, list)):
        try:
            return json.dumps(value, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError) as found:
            kind = TypeError if isinstance(found, TypeError) else ValueError
            raise kind(f"{name}: {found}") from None
    raise TypeError(
        f"{name}: a form value must be a str, int, float, bool, dict or list, not {type(value).__name__}"
    )


class MultipartBody:
    """A multipart/form-data body read in blocks; see the module docstring.

    :param fields: (name, value) pairs in order; a value is a string or a :class:`FilePart`.
    :param progress: called with the bytes of the file parts read so far and their total
        size (None when a part's size is unknown): with 0 when an attempt starts, then after
        each block. A rewind for a retry starts the count again from 0.
    """

    def __init__(
        self, fields: Sequence[Tuple[str, Union[str, FilePart]]], *, progress: Optional[Progress] = None
    ) -> None:
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
        self._progress = check_progress(progress)
        self._done = 0
        self._files = {i for i, s in enumerate(segments) if not isinstance(s, _Text)}
        files = [segments[i].size for i in self._files]
        self._total = None if None in files else sum(size or 0 for size in files)

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
        self._done = 0
        return 0

    def read(self, size: Optional[int] = -1) -> bytes:
        want = _BLOCK if size is None or size < 0 else size
        progress = self._progress
        if progress is not None and self._position == 0:
            progress(0, self._total)
        out = b""
        counted = 0
        while len(out) < want and self._index < len(self._segments):
            if self._stream is None:
                self._stream = self._segments[self._index].open()
            block = self._stream.read(want - len(out))
            if block:
                out += block
                if progress is not None and self._index in self._files:
                    counted += len(block)
            else:
                self.close()
                self._index += 1
        self._position += len(out)
        if counted and progress is not None:
            self._done += counted
            progress(self._done, self._total)
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


class _Text(FilePart):
    """The text of a form between its files: boundaries, headers and plain fields."""


def check_progress(progress: Optional[Progress]) -> Optional[Progress]:
    """Refuse a ``progress`` that cannot be called, before anything is sent."""
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be a callable taking (done, total), not {progress!r}")
    return progress


class OffsetProgress:
    """Reports the progress of one piece of a larger transfer (a part, one of several files)
    in bytes of the whole: *offset* is where the piece starts, *total* the whole's size.

    The 0 that starts each attempt is passed on only after a rewind for a retry, since the
    first one repeats what the previous piece (or the start) reported.
    """

    def __init__(self, progress: Progress, offset: int, total: Optional[int]) -> None:
        self._progress = progress
        self._offset = offset
        self._total = total
        self._done = 0

    def __call__(self, done: int, total: Optional[int]) -> None:
        if done or self._done:
            self._done = done
            self._progress(self._offset + done, self._total)


def _text(text: str) -> FilePart:
    return _Text("", "", data=text.encode("utf-8"))


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", " ").replace("\n", " ")
