"""HTTP/1.1 wire format of the fake OpenAI API: headers, requests, multipart bodies."""

from __future__ import annotations

import os
import re
import socket
import struct
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, Dict, List, Optional, Tuple

if TYPE_CHECKING:
    HeaderPairs = List[Tuple[str, str]]
    _StrMapping = Mapping[str, str]
else:
    _StrMapping = Mapping

_MAX_LINE = 65536
_MAX_HEADERS = 200

class Headers(_StrMapping):
    """Case-insensitive, read-only view of an ordered list of header pairs.

    Repeated headers are joined with ``", "``; :attr:`raw` keeps the pairs
    exactly as received.
    """

    def __init__(self, raw: HeaderPairs) -> None:
        self.raw: HeaderPairs = list(raw)
        self._names: Dict[str, str] = {}
        for name, _ in self.raw:
            self._names.setdefault(name.lower(), name)

    def get_all(self, name: str) -> List[str]:
        """Return every value of the header *name*, in order."""
        key = name.lower()
        return [v for k, v in self.raw if k.lower() == key]

    def __getitem__(self, name: str) -> str:
        values = self.get_all(name)
        if not values:
            raise KeyError(name)
        return ", ".join(values)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names.values())

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"Headers({self.raw!r})"


@dataclass(frozen=True)
class Part:
    """One part of a ``multipart/form-data`` body."""

    name: str
    filename: Optional[str]
    content_type: Optional[str]
    data: bytes
    headers: Headers

    @property
    def text(self) -> str:
        """The data decoded as UTF-8 (undecodable bytes replaced)."""
        return self.data.decode("utf-8", "replace")


@dataclass(frozen=True)
class RecordedRequest:
    """A request received by the fake server, and what it was answered.

    :ivar path: The path as received (percent-encoded, prefix included).
    :ivar route_path: :attr:`path` without the server prefix.
    :ivar json: The parsed body for JSON content types, else ``None``.
    :ivar chunked: Whether the body came with ``Transfer-Encoding: chunked``.
    :ivar reply_status: ``0`` if the connection was dropped before a status.
    :ivar injected: Whether the reply came from :meth:`FakeOpenAI.enqueue`.
    :ivar off_spec: Why the request breaks the API's request schemas (it was answered
        with a 400 unless it was let through, see :meth:`FakeOpenAI.off_spec`); ``None``
        for a well-formed request.
    :ivar reply_headers: The headers the reply carried, besides those the server adds
        (``Content-Length``, ``Transfer-Encoding``, ``x-request-id``); ``None`` if the
        connection was dropped before a status.
    :ivar received_at: :func:`time.monotonic` when the request line arrived: the gaps
        between requests show how long a client waited before it retried.
    """

    method: str
    path: str
    route_path: str
    query: Dict[str, List[str]]
    headers: Headers
    body: bytes
    json: Any
    parts: List[Part]
    connection_id: int
    chunked: bool
    reply_status: int = 0
    reply_body: bytes = b""
    reply_content_type: Optional[str] = None
    injected: bool = False
    off_spec: Optional[str] = None
    reply_headers: Optional[Headers] = None
    received_at: float = 0.0

    @property
    def raw_headers(self) -> HeaderPairs:
        """The request headers in the order received."""
        return self.headers.raw

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (undecodable bytes replaced)."""
        return self.body.decode("utf-8", "replace")

    @property
    def form(self) -> Dict[str, str]:
        """Last value of each non-file multipart field, by name."""
        return {p.name: p.text for p in self.parts if p.filename is None}

    @property
    def files(self) -> Dict[str, Part]:
        """Last file part of each multipart field, by name."""
        return {p.name: p for p in self.parts if p.filename is not None}


class _BadRequest(Exception):
    pass


def media_type(content_type: Optional[str]) -> str:
    """Return the lower-cased media type of a ``Content-Type`` value."""
    return (content_type or "").split(";", 1)[0].strip().lower()


_PARAM_RE = re.compile(r';\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


def header_params(value: str) -> Dict[str, str]:
    """Parse the ``; key=value`` parameters of a header, unquoting values."""
    params: Dict[str, str] = {}
    for key, raw in _PARAM_RE.findall(value):
        raw = raw.strip()
        if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        params[key.lower()] = raw
    return params


def _parse_header_block(lines: List[bytes]) -> HeaderPairs:
    pairs: HeaderPairs = []
    for line in lines:
        name, sep, value = line.decode("latin-1").partition(":")
        if not sep or not name.strip():
            raise _BadRequest("malformed header line")
        pairs.append((name.strip(), value.strip()))
    return pairs


def parse_multipart(body: bytes, content_type: str) -> List[Part]:
    """Parse a ``multipart/form-data`` body; return ``[]`` if it is malformed."""
    boundary = header_params(content_type).get("boundary")
    if not boundary:
        return []
    delim = b"--" + boundary.encode("latin-1")
    start = body.find(delim)
    if start < 0:
        return []
    parts: List[Part] = []
    pos = start + len(delim)
    while not body.startswith(b"--", pos):
        end = body.find(b"\r\n" + delim, pos)
        if end < 0:
            return []
        segment = body[pos:end].lstrip(b" \t")
        part = _parse_part(segment[2:] if segment.startswith(b"\r\n") else segment)
        if part is not None:
            parts.append(part)
        pos = end + 2 + len(delim)
    return parts


def _parse_part(raw: bytes) -> Optional[Part]:
    head, sep, data = raw.partition(b"\r\n\r\n")
    if not sep:
        return None
    try:
        headers = Headers(_parse_header_block(head.split(b"\r\n")))
    except _BadRequest:
        return None
    params = header_params(headers.get("Content-Disposition", ""))
    if "name" not in params:
        return None
    filename = params.get("filename")
    if "filename*" in params:
        charset, _, encoded = params["filename*"].partition("''")
        filename = urllib.parse.unquote(encoded, encoding=charset or "utf-8")
    name = params["name"]
    return Part(name, filename, headers.get("Content-Type"), data, headers)


def _read_line(rfile: BinaryIO) -> bytes:
    line = rfile.readline(_MAX_LINE + 1)
    if len(line) > _MAX_LINE:
        raise _BadRequest("line too long")
    return line


def _read_exact(rfile: BinaryIO, n: int) -> bytes:
    data = rfile.read(n)
    if len(data) < n:
        raise _BadRequest("connection closed in the body")
    return data


def _read_chunked(rfile: BinaryIO) -> bytes:
    out: List[bytes] = []
    while True:
        line = _read_line(rfile)
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise _BadRequest("bad chunk size") from None
        if size == 0:
            break
        out.append(_read_exact(rfile, size))
        _read_line(rfile)
    while _read_line(rfile).strip():  # trailers
        pass
    return b"".join(out)


def _hard_close(sock: socket.socket, reset: bool = False) -> None:
    try:
        if reset:
            linger = struct.pack("hh" if os.name == "nt" else "ii", 1, 0)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        else:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
