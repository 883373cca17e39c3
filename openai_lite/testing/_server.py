"""HTTP/1.1 server core of the fake OpenAI API: routing, the request queue, serving."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import http
import json
import os
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, Dict, List, Optional, Tuple

from ._replies import (
    ApiError,
    Reply,
    _mid_body_pieces,
    count_tokens,
    error_body,
    error_reply,
    form_int,
    invalid,
    json_body,
    json_reply,
    not_found,
    require,
    sse_event,
    sse_reply,
)
from ._validate import check_request
from ._wire import (
    _MAX_HEADERS,
    Headers,
    Part,
    RecordedRequest,
    _BadRequest,
    _hard_close,
    _parse_header_block,
    _read_chunked,
    _read_exact,
    _read_line,
    header_params,
    media_type,
    parse_multipart,
)

if TYPE_CHECKING:
    from typing import Self

    from ._ratelimit import RateLimits

    Handler = Callable[["FakeOpenAI", "RecordedRequest", Dict[str, str]], "Reply"]
    Seeder = Callable[["FakeOpenAI"], None]

__all__ = [
    "ApiError",
    "FakeOpenAI",
    "Headers",
    "Part",
    "RecordedRequest",
    "Reply",
    "builtin_route",
    "builtin_seed",
    "compile_pattern",
    "count_tokens",
    "error_body",
    "error_reply",
    "form_int",
    "header_params",
    "invalid",
    "json_body",
    "json_reply",
    "media_type",
    "not_found",
    "parse_multipart",
    "require",
    "sse_event",
    "sse_reply",
]

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


class FakeOpenAI:
    """A fake OpenAI API served over real HTTP/1.1 on a local port.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`.
    Route handlers run one at a time under :attr:`lock`; the seeded state
    (:attr:`models`, :attr:`files`, :attr:`file_contents`,
    :attr:`fine_tuning_jobs`) may be read or changed under it too.

    Every request that calls an operation of the API is checked against the API's request
    schemas first (types, enums, required and unknown parameters, query parameters and form
    fields), and one that breaks them is answered with the API's own 400 error, naming the
    parameter. A queued reply is only used by a well-formed request. To send something
    off-spec on purpose, use :meth:`off_spec`, send the header :attr:`OFF_SPEC_HEADER`
    with a call, or construct the server with ``strict=False``: the request is then served
    and :attr:`RecordedRequest.off_spec` says what was wrong with it.

    :param prefix: Path prefix of every route, e.g. ``"/v1"`` or ``""``.
    :param port: ``0`` picks a free port.
    :param strict: Refuse requests that break the API's request schemas.
    """

    organization_id = "org-acme"
    #: A request header that lets one off-spec request through (any value). The library
    #: never sends it by itself: pass it with ``extra_headers``.
    OFF_SPEC_HEADER = "X-Fake-Off-Spec"

    def __init__(
        self,
        *,
        api_key: str = "sk-fake-key",
        prefix: str = "/v1",
        host: str = "127.0.0.1",
        port: int = 0,
        strict: bool = True,
    ) -> None:
        self.api_key = api_key
        #: Whether requests that break the API's request schemas are refused.
        self.strict = strict
        #: Every request recorded since the server was created, in order; unlike
        #: :attr:`requests`, :meth:`reset` does not clear it.
        self.history: List[RecordedRequest] = []
        self._sse_line_ending = "\n"
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

    @property
    def sse_line_ending(self) -> str:
        """The line ending of every ``text/event-stream`` reply: ``"\\n"`` (the default),
        ``"\\r\\n"`` or ``"\\r"``; each ``\\n`` of the reply is replaced when it is sent."""
        return self._sse_line_ending

    @sse_line_ending.setter
    def sse_line_ending(self, value: str) -> None:
        if value not in ("\n", "\r\n", "\r"):
            raise ValueError(f"sse_line_ending must be \\n, \\r\\n or \\r, not {value!r}")
        self._sse_line_ending = value

    @contextmanager
    def off_spec(self) -> Iterator[None]:
        """Serve requests that break the API's request schemas while the block runs."""
        with self._meta_lock:
            before, self.strict = self.strict, False
        try:
            yield
        finally:
            with self._meta_lock:
                self.strict = before

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
        request, reply, injected = self._dispatch(request)
        reply = self._frame_events(reply)
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
        received_at = time.monotonic()
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
        return dataclasses.replace(request, received_at=received_at), keep_alive

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

    def _dispatch(self, request: RecordedRequest) -> Tuple[RecordedRequest, Reply, bool]:
        refusal = check_request(request)
        if refusal is not None:
            request = dataclasses.replace(request, off_spec=str(refusal))
            if not self.strict or self.OFF_SPEC_HEADER in request.headers:
                refusal = None
        with self._meta_lock:
            for i, queued in enumerate(self._queue):
                if queued.matches(request.method, request.route_path):
                    if refusal is not None:
                        return request, refusal.reply, False
                    queued.times -= 1
                    if queued.times <= 0:
                        del self._queue[i]
                    return request, queued.reply, True
        if request.headers.get("Authorization", "") != "Bearer " + self.api_key:
            return request, error_reply(
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
            if refusal is not None:
                return request, refusal.reply, False
            call = functools.partial(self._call, route.handler, request, params)
            return request, (self.rate_limits.admit(request, call) if self.rate_limits else call()), False
        if allowed:
            message = f"Method {request.method} not allowed on {request.path}."
            reply = error_reply(405, message, headers={"Allow": ", ".join(allowed)})
            return request, reply, False
        message = f"Invalid URL ({request.method} {request.path})"
        return request, error_reply(404, message), False

    def _frame_events(self, reply: Reply) -> Reply:
        """*reply* with its event-stream lines ended by :attr:`sse_line_ending`."""
        ending = self._sse_line_ending.encode("ascii")
        event_stream = media_type(Headers(reply.header_pairs()).get("Content-Type")) == "text/event-stream"
        if ending == b"\n" or not event_stream:
            return reply
        if reply.chunks is not None:
            return dataclasses.replace(reply, chunks=[c.replace(b"\n", ending) for c in reply.chunks])
        return dataclasses.replace(reply, body=reply.body.replace(b"\n", ending))

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
        headers: Optional[Headers] = Headers(reply.header_pairs())
        ctype = headers.get("Content-Type") if headers is not None else None
        if reply.drop in ("before_status", "reset"):
            status, body, ctype, headers = 0, b"", None, None
        elif reply.drop == "mid_body":
            body = b"".join(_mid_body_pieces(reply))
        record = dataclasses.replace(
            request,
            reply_status=status,
            reply_body=body,
            reply_content_type=ctype,
            reply_headers=headers,
            injected=injected,
        )
        with self._meta_lock:
            self.requests.append(record)
            self.history.append(record)

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
