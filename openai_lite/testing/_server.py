"""HTTP/1.1 server core of the fake OpenAI API."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import http
import json
import os
import re
import socket
import struct
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO, Dict, List, Optional, Tuple

if TYPE_CHECKING:
    from typing import Self

    from ._ratelimit import RateLimits

    HeaderPairs = List[Tuple[str, str]]
    Handler = Callable[["FakeOpenAI", "RecordedRequest", Dict[str, str]], "Reply"]
    Seeder = Callable[["FakeOpenAI"], None]
    _StrMapping = Mapping[str, str]
else:
    _StrMapping = Mapping

_MAX_LINE = 65536
_MAX_HEADERS = 200
_DROP_MODES = (None, "before_status", "mid_body", "reset")


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


@dataclass
class Reply:
    """A response to send, possibly with a scripted fault.

    :ivar chunks: If set, sent with ``Transfer-Encoding: chunked``, one write
        per (non-empty) chunk, instead of :attr:`body`.
    :ivar chunk_delay: Seconds to sleep between chunks.
    :ivar delay: Seconds to sleep before the status line.
    :ivar drop: ``"before_status"`` closes the connection without answering;
        ``"mid_body"`` announces the full length but sends half the body (or
        half the chunks) and closes; ``"reset"`` closes with a TCP reset.
    :ivar content_type: Sent as ``Content-Type`` unless :attr:`headers` has one.
    """

    status: int = 200
    headers: Dict[str, str] | HeaderPairs = field(default_factory=dict)
    body: bytes = b""
    chunks: Optional[List[bytes]] = None
    chunk_delay: float = 0.0
    delay: float = 0.0
    drop: Optional[str] = None
    content_type: Optional[str] = None

    def __post_init__(self) -> None:
        if self.drop not in _DROP_MODES:
            raise ValueError(f"unknown drop mode: {self.drop!r}")

    def header_pairs(self) -> HeaderPairs:
        """The headers as a list of pairs, with ``Content-Type`` added."""
        items = self.headers.items() if isinstance(self.headers, dict) else self.headers
        pairs = [(str(k), str(v)) for k, v in items]
        if self.content_type and not any(k.lower() == "content-type" for k, _ in pairs):
            pairs.append(("Content-Type", self.content_type))
        return pairs

    @property
    def full_body(self) -> bytes:
        """The whole body: :attr:`body`, or the chunks joined."""
        return b"".join(self.chunks) if self.chunks is not None else self.body


def json_reply(
    obj: Any, status: int = 200, headers: Optional[Dict[str, str]] = None
) -> Reply:
    """Build a JSON :class:`Reply`."""
    body = json.dumps(obj).encode("utf-8")
    return Reply(status, dict(headers or {}), body, content_type="application/json")


def error_body(
    message: str,
    *,
    type: str = "invalid_request_error",
    param: Optional[str] = None,
    code: Optional[str] = None,
) -> Dict[str, Any]:
    """Build an OpenAI error object."""
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def error_reply(
    status: int,
    message: str,
    *,
    type: str = "invalid_request_error",
    param: Optional[str] = None,
    code: Optional[str] = None,
    headers: Optional[Dict[str, str]] = None,
) -> Reply:
    """Build a :class:`Reply` carrying an OpenAI error body."""
    obj = error_body(message, type=type, param=param, code=code)
    return json_reply(obj, status, headers)


def sse_event(obj: Any) -> bytes:
    """Encode one server-sent event whose data is *obj* as compact JSON."""
    return b"data: " + json.dumps(obj, separators=(",", ":")).encode("utf-8") + b"\n\n"


def sse_reply(
    events: List[Any],
    *,
    done: bool = True,
    split: Optional[int] = None,
    chunk_delay: float = 0.0,
    drop: Optional[str] = None,
    headers: Optional[Dict[str, str]] = None,
) -> Reply:
    """Build a chunked ``text/event-stream`` :class:`Reply`.

    An item of *events* that is bytes or str is sent as it is (its lines and the blank
    line that ends it); any other item is sent as ``data: <json>`` and a blank line.
    *done* adds ``data: [DONE]``. Each event goes in its own HTTP chunk, unless *split*
    cuts the whole stream into chunks of that many bytes.
    """
    pieces = [
        e if isinstance(e, bytes) else e.encode("utf-8") if isinstance(e, str) else sse_event(e)
        for e in events
    ]
    if done:
        pieces.append(b"data: [DONE]\n\n")
    if split is not None:
        whole = b"".join(pieces)
        pieces = [whole[i : i + split] for i in range(0, len(whole), split)]
    return Reply(
        200,
        dict(headers or {}),
        chunks=pieces,
        chunk_delay=chunk_delay,
        drop=drop,
        content_type="text/event-stream",
    )


class ApiError(Exception):
    """Raised by a route handler to answer with an OpenAI error body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: Optional[str] = None,
        code: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.reply = error_reply(status, message, type=type, param=param, code=code)


def json_body(request: RecordedRequest) -> Dict[str, Any]:
    """Return the request's JSON object body, or raise a 400 :class:`ApiError`."""
    if not isinstance(request.json, dict):
        raise ApiError(
            400,
            "We could not parse the JSON body of your request. (HINT: This likely "
            "means you aren't using your HTTP library correctly. The OpenAI API "
            "expects a JSON payload, but what was sent was not valid JSON.)",
        )
    return request.json


def require(body: Mapping[str, Any], name: str, kind: type = str) -> Any:
    """Return ``body[name]``, or raise a 400 :class:`ApiError` if missing or mistyped."""
    if name not in body or body[name] is None or body[name] == "":
        raise ApiError(
            400,
            f"Missing required parameter: '{name}'.",
            param=name,
            code="missing_required_parameter",
        )
    value = body[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise invalid(name, f"expected {kind.__name__}")
    return value


def invalid(name: str, why: str) -> ApiError:
    """Build a 400 :class:`ApiError` for an invalid parameter."""
    return ApiError(
        400, f"Invalid value for '{name}': {why}.", param=name, code="invalid_value"
    )


def not_found(what: str, ident: str, param: str, code: Optional[str] = None) -> ApiError:
    """Build a 404 :class:`ApiError` for an unknown object id."""
    return ApiError(404, f"No such {what}: {ident}", param=param, code=code)


def count_tokens(text: str) -> int:
    """A crude, deterministic token count: the number of words."""
    return len(text.split())


def form_int(request: RecordedRequest, name: str, default: int) -> int:
    """Return an integer multipart field, or raise a 400 :class:`ApiError`."""
    raw = request.form.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise invalid(name, "expected an integer") from None


class _Route:
    def __init__(self, method: str, pattern: str, handler: Handler) -> None:
        self.method = method.upper()
        self.pattern = pattern
        self.handler = handler
        self.regex = compile_pattern(pattern)

    def match(self, route_path: str) -> Optional[Dict[str, str]]:
        m = self.regex.match(route_path)
        if m is None:
            return None
        return {k: urllib.parse.unquote(v) for k, v in m.groupdict().items()}


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a path pattern whose ``{name}`` placeholders match one segment."""
    pieces = re.split(r"\{(\w+)\}", pattern)
    regex = "".join(
        re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(pieces)
    )
    return re.compile("^" + regex + "$")


_BUILTIN_ROUTES: List[_Route] = []
_SEEDERS: List[Seeder] = []


def builtin_route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    """Register a handler served by every :class:`FakeOpenAI` instance."""

    def decorator(handler: Handler) -> Handler:
        _BUILTIN_ROUTES.append(_Route(method, pattern, handler))
        return handler

    return decorator


def builtin_seed(seeder: Seeder) -> Seeder:
    """Register a function that fills a fresh instance's state."""
    _SEEDERS.append(seeder)
    return seeder


@dataclass
class _Queued:
    reply: Reply
    times: int
    path: Optional[re.Pattern[str]]
    method: Optional[str]

    def matches(self, method: str, route_path: str) -> bool:
        if self.method is not None and self.method != method:
            return False
        return self.path is None or self.path.match(route_path) is not None


# ---------------------------------------------------------------------------
# Parsing


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


# ---------------------------------------------------------------------------
# Server


class FakeOpenAI:
    """A fake OpenAI API served over real HTTP/1.1 on a local port.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`.
    Route handlers run one at a time under :attr:`lock`; the seeded state
    (:attr:`models`, :attr:`files`, :attr:`file_contents`,
    :attr:`fine_tuning_jobs`) may be read or changed under it too.

    :param prefix: Path prefix of every route, e.g. ``"/v1"`` or ``""``.
    :param port: ``0`` picks a free port.
    """

    organization_id = "org-acme"

    def __init__(
        self,
        *,
        api_key: str = "sk-fake-key",
        prefix: str = "/v1",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.api_key = api_key
        self.prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
        self.host = host
        self.port = port
        self.clock: Callable[[], float] = time.time
        self.lock = threading.RLock()
        self.requests: List[RecordedRequest] = []
        self.errors: List[BaseException] = []
        self.models: Dict[str, Dict[str, Any]] = {}
        self.files: Dict[str, Dict[str, Any]] = {}
        self.file_contents: Dict[str, bytes] = {}
        self.fine_tuning_jobs: Dict[str, Dict[str, Any]] = {}
        #: Requests and tokens per minute, enforced on the model routes when set.
        self.rate_limits: Optional[RateLimits] = None
        self._routes: List[_Route] = []
        self._queue: List[_Queued] = []
        self._id_counters: Dict[str, int] = {}
        self._connections = 0
        self._next_connection_id = 0
        self._meta_lock = threading.Lock()
        self._clients: set[socket.socket] = set()
        self._listener: Optional[socket.socket] = None
        self._accept_thread: Optional[threading.Thread] = None
        self._stopped = threading.Event()
        self.reset()

    # -- lifecycle --------------------------------------------------------

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> Self:
        """Bind the listening socket and start accepting connections."""
        if self._listener is not None:
            raise RuntimeError("FakeOpenAI is already running")
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        if os.name != "nt":
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(128)
        self.port = listener.getsockname()[1]
        self._stopped.clear()
        self._listener = listener
        self._accept_thread = threading.Thread(
            target=self._accept_loop, args=(listener,), name="fake-openai-accept"
        )
        self._accept_thread.daemon = True
        self._accept_thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and close every open client connection."""
        listener, self._listener = self._listener, None
        if listener is None:
            return
        with self._meta_lock:
            self._stopped.set()
        try:
            listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self._wake_accept()
        except OSError:
            pass
        listener.close()
        with self._meta_lock:
            clients = list(self._clients)
            self._clients.clear()
        for sock in clients:
            _hard_close(sock)
        if self._accept_thread is not None:
            self._accept_thread.join(1.0)
            self._accept_thread = None

    def _wake_accept(self) -> None:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        host = "::1" if host == "::" else host
        socket.create_connection((host, self.port), timeout=0.5).close()

    @property
    def running(self) -> bool:
        """Whether the server is accepting connections."""
        return self._listener is not None

    @property
    def url(self) -> str:
        """The base URL, prefix included, e.g. ``http://127.0.0.1:PORT/v1``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{self.prefix}"

    @property
    def connections(self) -> int:
        """The number of TCP connections accepted since the last :meth:`reset`."""
        return self._connections

    @property
    def last(self) -> RecordedRequest:
        """The last recorded request."""
        with self._meta_lock:
            if not self.requests:
                raise LookupError("no request has been recorded")
            return self.requests[-1]

    # -- configuration ----------------------------------------------------

    def reset(self) -> None:
        """Forget requests, queued replies and state, then re-seed the state.

        Custom routes are kept.
        """
        with self.lock:
            with self._meta_lock:
                del self.requests[:]
                del self._queue[:]
                del self.errors[:]
                self._connections = 0
                self._id_counters.clear()
            self.models.clear()
            self.files.clear()
            self.file_contents.clear()
            self.fine_tuning_jobs.clear()
            for seeder in _SEEDERS:
                seeder(self)

    def enqueue(
        self,
        reply: Reply,
        *,
        times: int = 1,
        path: Optional[str] = None,
        method: Optional[str] = None,
    ) -> None:
        """Answer the next *times* matching requests with *reply*.

        Queued replies take precedence over authentication and routes and are
        used first-in, first-out.

        :param path: Only match this route path (prefix excluded); ``{name}``
            placeholders match one segment.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        regex = compile_pattern(path) if path is not None else None
        upper = method.upper() if method is not None else None
        with self._meta_lock:
            self._queue.append(_Queued(reply, times, regex, upper))

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        """Register a handler ``(fake, request, params) -> Reply`` on this instance.

        Custom routes take precedence over built-in ones. *params* holds the
        percent-decoded values of the ``{name}`` placeholders.
        """

        def decorator(handler: Handler) -> Handler:
            self._routes.append(_Route(method, pattern, handler))
            return handler

        return decorator

    # -- helpers for route handlers ---------------------------------------

    def new_id(self, prefix: str, length: int = 24) -> str:
        """Return a fresh id such as ``file-`` + 24 hex digits.

        Ids are deterministic: the n-th id of a prefix since the last
        :meth:`reset` is always the same.
        """
        with self._meta_lock:
            count = self._id_counters.get(prefix, 0) + 1
            self._id_counters[prefix] = count
        seed = f"{prefix}:{count}"
        digest = hashlib.sha256(seed.encode("utf-8")).hexdigest()
        while len(digest) < length:
            digest += hashlib.sha256(digest.encode("ascii")).hexdigest()
        return prefix + digest[:length]

    def now(self) -> int:
        """The current time as integer Unix seconds, from :attr:`clock`."""
        return int(self.clock())

    # -- accepting and serving --------------------------------------------

    def _accept_loop(self, listener: socket.socket) -> None:
        while True:
            try:
                sock, _ = listener.accept()
            except OSError:
                return
            with self._meta_lock:
                if self._stopped.is_set():
                    _hard_close(sock)
                    return
                self._connections += 1
                self._next_connection_id += 1
                conn_id = self._next_connection_id
                self._clients.add(sock)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            thread = threading.Thread(
                target=self._serve_connection,
                args=(sock, conn_id),
                name=f"fake-openai-conn-{conn_id}",
            )
            thread.daemon = True
            thread.start()

    def _serve_connection(self, sock: socket.socket, conn_id: int) -> None:
        rfile = sock.makefile("rb")
        linger = False
        try:
            keep_open = True
            while keep_open and not self._stopped.is_set():
                keep_open, linger = self._serve_one(sock, rfile, conn_id)
        except (OSError, ValueError):
            pass
        finally:
            with self._meta_lock:
                self._clients.discard(sock)
            try:
                rfile.close()
            except OSError:
                pass
            _hard_close(sock, reset=linger)

    def _serve_one(
        self, sock: socket.socket, rfile: BinaryIO, conn_id: int
    ) -> Tuple[bool, bool]:
        """Serve one request; return (keep the connection, close with reset)."""
        try:
            parsed = self._read_request(sock, rfile, conn_id)
        except _BadRequest as exc:
            reply = error_reply(400, f"Bad request: {exc}.")
            self._send(sock, reply, keep_alive=False)
            return False, False
        if parsed is None:
            return False, False
        request, keep_alive = parsed
        reply, injected = self._dispatch(request)
        self._record(request, reply, injected)
        if reply.delay and self._stopped.wait(reply.delay):
            return False, False
        if reply.drop in ("before_status", "reset"):
            return False, reply.drop == "reset"
        keep_alive = self._send(sock, reply, keep_alive) and keep_alive
        return keep_alive, False

    def _read_request(
        self, sock: socket.socket, rfile: BinaryIO, conn_id: int
    ) -> Optional[Tuple[RecordedRequest, bool]]:
        line = _read_line(rfile)
        while line in (b"\r\n", b"\n"):
            line = _read_line(rfile)
        if not line:
            return None
        words = line.decode("latin-1").split()
        if len(words) != 3 or not words[2].startswith("HTTP/"):
            raise _BadRequest("malformed request line")
        method, target, version = words
        header_lines: List[bytes] = []
        while True:
            hline = _read_line(rfile)
            if not hline:
                raise _BadRequest("connection closed in the headers")
            if hline in (b"\r\n", b"\n"):
                break
            header_lines.append(hline.rstrip(b"\r\n"))
            if len(header_lines) > _MAX_HEADERS:
                raise _BadRequest("too many headers")
        headers = Headers(_parse_header_block(header_lines))
        tokens = [t.strip().lower() for t in headers.get("Connection", "").split(",")]
        keep_alive = "close" not in tokens and (
            version != "HTTP/1.0" or "keep-alive" in tokens
        )
        if headers.get("Expect", "").lower() == "100-continue":
            sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        chunked = "chunked" in headers.get("Transfer-Encoding", "").lower()
        if chunked:
            body = _read_chunked(rfile)
        else:
            try:
                length = int(headers.get("Content-Length", "0"))
            except ValueError:
                raise _BadRequest("bad Content-Length") from None
            body = _read_exact(rfile, length) if length > 0 else b""
        request = self._build_request(method, target, headers, body, conn_id, chunked)
        return request, keep_alive

    def _build_request(
        self,
        method: str,
        target: str,
        headers: Headers,
        body: bytes,
        conn_id: int,
        chunked: bool,
    ) -> RecordedRequest:
        if target.startswith(("http://", "https://")):
            split = urllib.parse.urlsplit(target)
            target = split.path + ("?" + split.query if split.query else "")
        path, _, query = target.partition("?")
        route_path = path
        if self.prefix and (path == self.prefix or path.startswith(self.prefix + "/")):
            route_path = path[len(self.prefix) :] or "/"
        elif self.prefix:
            route_path = ""
        ctype = headers.get("Content-Type")
        mtype = media_type(ctype)
        parsed_json: Any = None
        if mtype == "application/json" or mtype.endswith("+json"):
            try:
                parsed_json = json.loads(body.decode("utf-8"))
            except ValueError:
                parsed_json = None
        parts = (
            parse_multipart(body, ctype or "") if mtype == "multipart/form-data" else []
        )
        return RecordedRequest(
            method=method.upper(),
            path=path,
            route_path=route_path,
            query=urllib.parse.parse_qs(query, keep_blank_values=True),
            headers=headers,
            body=body,
            json=parsed_json,
            parts=parts,
            connection_id=conn_id,
            chunked=chunked,
        )

    def _dispatch(self, request: RecordedRequest) -> Tuple[Reply, bool]:
        with self._meta_lock:
            for i, queued in enumerate(self._queue):
                if queued.matches(request.method, request.route_path):
                    queued.times -= 1
                    if queued.times <= 0:
                        del self._queue[i]
                    return queued.reply, True
        if request.headers.get("Authorization", "") != "Bearer " + self.api_key:
            return error_reply(
                401, "Incorrect API key provided.", code="invalid_api_key"
            ), False
        allowed: List[str] = []
        for route in self._routes + _BUILTIN_ROUTES:
            params = route.match(request.route_path)
            if params is None:
                continue
            if route.method != request.method:
                allowed.append(route.method)
                continue
            call = functools.partial(self._call, route.handler, request, params)
            return (self.rate_limits.admit(request, call) if self.rate_limits else call()), False
        if allowed:
            message = f"Method {request.method} not allowed on {request.path}."
            reply = error_reply(405, message, headers={"Allow": ", ".join(allowed)})
            return reply, False
        message = f"Invalid URL ({request.method} {request.path})"
        return error_reply(404, message), False

    def _call(
        self, handler: Handler, request: RecordedRequest, params: Dict[str, str]
    ) -> Reply:
        try:
            with self.lock:
                return handler(self, request, params)
        except ApiError as exc:
            return exc.reply
        except Exception as exc:  # noqa: BLE001  (reported as a 500 reply)
            self.errors.append(exc)
            message = f"The fake server failed: {type(exc).__name__}: {exc}"
            return error_reply(500, message, type="server_error")

    def _record(self, request: RecordedRequest, reply: Reply, injected: bool) -> None:
        status, body = reply.status, reply.full_body
        ctype: Optional[str] = Headers(reply.header_pairs()).get("Content-Type")
        if reply.drop in ("before_status", "reset"):
            status, body, ctype = 0, b"", None
        elif reply.drop == "mid_body":
            body = b"".join(_mid_body_pieces(reply))
        record = dataclasses.replace(
            request,
            reply_status=status,
            reply_body=body,
            reply_content_type=ctype,
            injected=injected,
        )
        with self._meta_lock:
            self.requests.append(record)

    def _send(self, sock: socket.socket, reply: Reply, keep_alive: bool) -> bool:
        """Write *reply*; return False if the connection must be closed."""
        pairs = reply.header_pairs()
        names = {k.lower() for k, _ in pairs}
        if "x-request-id" not in names:
            pairs.append(("x-request-id", self.new_id("req_", 32)))
        bodyless = reply.status < 200 or reply.status in (204, 304)
        if reply.chunks is not None:
            if "transfer-encoding" not in names:
                pairs.append(("Transfer-Encoding", "chunked"))
        elif reply.drop == "mid_body":
            pairs = [(k, v) for k, v in pairs if k.lower() != "content-length"]
            pairs.append(("Content-Length", str(max(len(reply.body), 2))))
        elif "content-length" not in names and not bodyless:
            pairs.append(("Content-Length", str(len(reply.body))))
        if "close" in Headers(pairs).get("Connection", "").lower():
            keep_alive = False
        elif not keep_alive:
            pairs.append(("Connection", "close"))
        try:
            phrase = http.HTTPStatus(reply.status).phrase
        except ValueError:
            phrase = "Unknown"
        head = f"HTTP/1.1 {reply.status} {phrase}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in pairs) + "\r\n"
        pieces = _mid_body_pieces(reply) if reply.drop == "mid_body" else None
        if reply.chunks is None:
            data = b"" if bodyless else (reply.body if pieces is None else pieces[0])
            sock.sendall(head.encode("latin-1") + data)
            return pieces is None
        sock.sendall(head.encode("latin-1"))
        chunks = [c for c in (reply.chunks if pieces is None else pieces) if c]
        for i, chunk in enumerate(chunks):
            if i and reply.chunk_delay and self._stopped.wait(reply.chunk_delay):
                return False
            sock.sendall(f"{len(chunk):x}\r\n".encode("ascii") + chunk + b"\r\n")
        if pieces is not None:
            return False
        sock.sendall(b"0\r\n\r\n")
        return True


def _mid_body_pieces(reply: Reply) -> List[bytes]:
    """What a ``mid_body`` drop sends: half the body, or half the chunks."""
    if reply.chunks is not None:
        return reply.chunks[: len(reply.chunks) // 2]
    return [reply.body[: len(reply.body) // 2]]


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
