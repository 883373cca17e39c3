"""A raw-socket HTTP server on 127.0.0.1 for replies no well-behaved server would send.

Each connection runs the test's handler in its own thread; the handler reads requests with
:meth:`RawConnection.read_request` and answers with whatever bytes it likes: a garbage
status line, a body shorter than its ``Content-Length``, a stall, a TCP reset.

::

    def handler(conn: RawConnection) -> None:
        conn.read_request()
        conn.send(b"HTTP/1.1 200 OK\\r\\nContent-Length: 10\\r\\n\\r\\n{\\"id\\"")
        conn.close()

    with RawServer(handler) as server:
        ...  # point a client at server.url
"""

from __future__ import annotations

import hashlib
import http
import socket
import ssl
import struct
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Union

__all__ = ["RawConnection", "RawRequest", "RawServer", "http_response"]

_MAX_HEAD = 65536


@dataclass
class RawRequest:
    """A request as received: the body itself only when it was kept."""

    method: str
    target: str
    headers: Dict[str, str]
    body_length: int
    sha256: str
    body: bytes = b""
    chunked: bool = False


@dataclass
class _Stats:
    requests: List[RawRequest] = field(default_factory=list)
    connections: int = 0


def http_response(
    status: int,
    body: Union[bytes, str] = b"",
    headers: Optional[Dict[str, str]] = None,
    *,
    content_length: Optional[int] = None,
) -> bytes:
    """Build a response; *content_length* overrides the true length (to announce more bytes)."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    pairs = dict(headers or {})
    pairs.setdefault("Content-Length", str(len(data) if content_length is None else content_length))
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    head = f"HTTP/1.1 {status} {phrase}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in pairs.items())
    return (head + "\r\n").encode("latin-1") + data


class RawConnection:
    """One accepted connection, driven by the test's handler."""

    def __init__(self, sock: socket.socket, server: RawServer) -> None:
        self.sock = sock
        self._server = server
        self._buffer = b""
        self._kept: List[bytes] = []

    def _fill(self) -> bool:
        block = self.sock.recv(65536)
        self._buffer += block
        return bool(block)

    def _take_line(self) -> Optional[bytes]:
        while b"\r\n" not in self._buffer:
            if len(self._buffer) > _MAX_HEAD or not self._fill():
                return None
        line, _, self._buffer = self._buffer.partition(b"\r\n")
        return line

    def _take(self, n: int, keep: bool, digest: Any) -> int:
        """Consume *n* body bytes, hashing them and keeping them only if asked."""
        taken = 0
        while taken < n:
            if not self._buffer and not self._fill():
                raise ConnectionError("the client closed the connection in the body")
            piece, self._buffer = self._buffer[: n - taken], self._buffer[n - taken :]
            digest.update(piece)
            if keep:
                self._kept.append(piece)
            taken += len(piece)
        return taken

    def read_request(self, *, keep_body: bool = True) -> Optional[RawRequest]:
        """Read one request (None when the client closed the connection first).

        With ``keep_body=False`` the body is counted and hashed, then discarded.
        """
        line = self._take_line()
        if not line:
            return None
        method, target, _ = line.decode("latin-1").split(" ", 2)
        headers: Dict[str, str] = {}
        while True:
            header = self._take_line()
            if header is None:
                return None
            if not header:
                break
            name, _, value = header.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        digest = hashlib.sha256()
        self._kept = []
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        length = 0
        if chunked:
            while True:
                size_line = self._take_line()
                if size_line is None:
                    raise ConnectionError("the client closed the connection in a chunk size")
                size = int(size_line.split(b";")[0], 16)
                if size == 0:
                    while self._take_line():
                        pass
                    break
                length += self._take(size, keep_body, digest)
                self._take_line()
        else:
            length = self._take(int(headers.get("content-length", "0")), keep_body, digest)
        request = RawRequest(
            method, target, headers, length, digest.hexdigest(), b"".join(self._kept), chunked
        )
        with self._server.lock:
            self._server.stats.requests.append(request)
        return request

    def send(self, data: bytes) -> None:
        """Write *data* as it is."""
        self.sock.sendall(data)

    def stall(self, seconds: float) -> None:
        """Wait, sending nothing, until *seconds* pass or the server stops."""
        self._server.stopped.wait(seconds)

    def reset(self) -> None:
        """Close with a TCP reset (RST) instead of an orderly shutdown."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def close(self) -> None:
        """Shut the connection down in order (FIN)."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


Handler = Callable[[RawConnection], None]


class RawServer:
    """A threaded TCP server on 127.0.0.1 that hands each connection to *handler*.

    :param tls: a server-side context to speak HTTPS instead of HTTP.
    """

    def __init__(
        self, handler: Handler, *, tls: Optional[ssl.SSLContext] = None, host: str = "127.0.0.1"
    ) -> None:
        self.handler = handler
        self.tls = tls
        self.lock = threading.Lock()
        self.stats = _Stats()
        self.stopped = threading.Event()
        self.errors: List[BaseException] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((host, 0))
        self.host = host
        self.port: int = self._listener.getsockname()[1]
        self._open: List[socket.socket] = []
        self._thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        """The base URL with the ``/v1`` prefix."""
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.host}:{self.port}/v1"

    @property
    def requests(self) -> List[RawRequest]:
        """Every request read so far."""
        with self.lock:
            return list(self.stats.requests)

    @property
    def connections(self) -> int:
        """How many connections were accepted."""
        return self.stats.connections

    def __enter__(self) -> RawServer:
        self._listener.listen(64)
        self._thread = threading.Thread(target=self._accept, daemon=True, name="raw-server-accept")
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopped.set()
        try:
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()
        with self.lock:
            sockets = list(self._open)
        for sock in sockets:
            try:
                sock.close()
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(2.0)

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            with self.lock:
                self.stats.connections += 1
                self._open.append(sock)
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        try:
            if self.tls is not None:
                sock = self.tls.wrap_socket(sock, server_side=True)
                with self.lock:
                    self._open.append(sock)
            self.handler(RawConnection(sock, self))
        except (OSError, ValueError) as exc:
            if not self.stopped.is_set():
                with self.lock:
                    self.errors.append(exc)
        finally:
            try:
                sock.close()
            except OSError:
                pass
