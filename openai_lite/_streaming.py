"""Server-sent events: the decoder, the :class:`Stream` of parsed items, and :func:`open_stream`.

The decoder follows the event-stream interpretation of the HTML standard: LF, CR and CRLF
line ends (also a CRLF split between two reads), comments, ``data:`` lines joined with
``\\n``, ``event:``, ``id:`` and ``retry:``, one optional space after the colon, and a byte
order mark at the start. Bytes are decoded as UTF-8 incrementally, so a character split
between two reads is whole; invalid UTF-8 becomes U+FFFD (the standard's own rule), never
an exception.

A :class:`Stream` reads each HTTP chunk as it arrives (``iter_content(chunk_size=None)``
for a chunked body, one ``read1`` for any other framing), so an event reaches the caller
as soon as its blank line does. Its end is explicit: ``data: [DONE]``, or a terminal event.
A body that ends before it, a dropped connection or a read timeout raise
:class:`~openai_lite.APIConnectionError` (:class:`~openai_lite.APITimeoutError`) after the
events that did arrive, so a cut stream is never taken for a whole one.

The connection goes back to the pool: after the end, the rest of the body (the last
chunk of a chunked response) is read, waiting at most :data:`DRAIN_AFTER_END` seconds.
When the caller closes a stream early, what arrives within :data:`DRAIN_ON_CLOSE` seconds
(at most :data:`DRAIN_BYTES`) is read; if that completes the body, the connection is
reused, and otherwise it is closed. It is never left half-read in the pool.
"""

from __future__ import annotations

import codecs
import http.client
import json
import re
import socket
import time
from dataclasses import dataclass
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Generator,
    Generic,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Type,
    TypeVar,
    Union,
    get_args,
    get_type_hints,
)

import requests
from urllib3.exceptions import HTTPError as _Urllib3Error
from urllib3.exceptions import ReadTimeoutError

from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStreamError,
    APITimeoutError,
    OpenAIError,
    text_or_none,
)
from ._model import DecodeError, decoder_for
from ._multipart import FilePart, Progress
from ._request import _request, _timed_out

if TYPE_CHECKING:
    from types import TracebackType

    from typing_extensions import Unpack

    from ._request import RequestOptions

__all__ = [
    "ServerSentEvent",
    "SSEDecoder",
    "Stream",
        "open_stream",
    "event_decoder",
    "tagged_event_decoder",
    "ends_with",
    "DRAIN_AFTER_END",
    "DRAIN_ON_CLOSE",
    "DRAIN_BYTES",
]

T = TypeVar("T")

#: Seconds to wait for the rest of the body after ``[DONE]`` or the terminal event.
DRAIN_AFTER_END = 1.0
#: Seconds to wait for the rest of the body when a stream is closed before its end.
DRAIN_ON_CLOSE = 0.02
#: The most bytes read, and thrown away, to bring a connection back to the pool.
DRAIN_BYTES = 1 << 16

_READ_SIZE = 1 << 16
_END_OF_LINE = re.compile(r"\r\n|\r|\n")
_DIGITS = re.compile(r"[0-9]+")
_READ_ERRORS = (requests.RequestException, _Urllib3Error, http.client.HTTPException, OSError)


@dataclass(frozen=True)
class ServerSentEvent:
    """One dispatched event."""

    #: The ``event:`` field, ``"message"`` when the event had none.
    event: str = "message"
    #: The ``data:`` lines joined with ``\n``.
    data: str = ""
    #: The last ``id:`` seen on the stream so far (ids carry over, as in the standard).
    id: Optional[str] = None
    #: The ``retry:`` field of this event, in milliseconds.
    retry: Optional[int] = None

    def json(self) -> Any:
        """Return ``data`` decoded as JSON."""
        return json.loads(self.data)


class SSEDecoder:
    """Turn bytes, fed as they arrive, into complete :class:`ServerSentEvent` objects."""

    def __init__(self) -> None:
        self._text = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
        self._pending: List[str] = []
        self._skip_lf = False
        self._event = ""
        self._data: List[str] = []
        self._last_id: Optional[str] = None
        self._retry: Optional[int] = None

    def feed(self, chunk: bytes) -> List[ServerSentEvent]:
        """Decode *chunk* and return the events it completes (often none or one)."""
        text = self._text.decode(chunk)
        if not text:
            return []
        if self._skip_lf:
            # The CR that ended the last read was a line end; an LF right after it belongs to it.
            self._skip_lf = False
            if text[0] == "\n":
                text = text[1:]
                if not text:
                    return []
        events: List[ServerSentEvent] = []
        start = 0
        for match in _END_OF_LINE.finditer(text):
            line = text[start : match.start()]
            if self._pending:
                line = "".join(self._pending) + line
                self._pending.clear()
            start = match.end()
            event = self._line(line)
            if event is not None:
                events.append(event)
        if start < len(text):
            self._pending.append(text[start:])
        elif text[-1] == "\r":
            self._skip_lf = True
        return events

    @property
    def pending(self) -> bool:
        """True when an event, or a line, has begun and not yet ended."""
        return bool(self._pending or self._data or self._event)

    def _line(self, line: str) -> Optional[ServerSentEvent]:
        if not line:
            return self._dispatch()
        if line[0] == ":":
            return None
        name, colon, value = line.partition(":")
        if colon and value[:1] == " ":
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._last_id = value
        elif name == "retry":
            if _DIGITS.fullmatch(value):
                self._retry = int(value)
        return None

    def _dispatch(self) -> Optional[ServerSentEvent]:
        data, event, retry = self._data, self._event, self._retry
        self._data, self._event, self._retry = [], "", None
        if not data:
            return None
        return ServerSentEvent(event or "message", "\n".join(data), self._last_id, retry)



def event_decoder(into: Type[T]) -> Callable[[ServerSentEvent], T]:
    """Return a decoder of events whose data is a JSON *into* object.

    It raises :class:`APIStreamError` for an ``error`` event or a ``{"error": {...}}``
    object, and :class:`~openai_lite.APIResponseValidationError` for data that is not the
    documented JSON.
    """
    decode = decoder_for(into)

    def decode_event(sse: ServerSentEvent) -> T:
        return _decoded(decode, _event_json(sse), sse)  # type: ignore[no-any-return]

    return decode_event


def tagged_event_decoder(classes: Sequence[type], other: type) -> Callable[[ServerSentEvent], Any]:
    """Return a decoder of events of several kinds, told apart by their ``type``.

    Each of *classes* declares the ``type`` values it stands for as a ``Literal``; an event
    of any other type becomes an *other*. Errors are raised as by :func:`event_decoder`.
    """
    by_type: Dict[str, Callable[[Any], Any]] = {
        tag: decoder_for(cls) for cls in classes for tag in get_args(get_type_hints(cls)["type"])
    }
    fallback = decoder_for(other)

    def decode_event(sse: ServerSentEvent) -> Any:
        obj = _event_json(sse)
        kind = obj.get("type") if isinstance(obj, dict) else None
        decode = by_type.get(kind, fallback) if isinstance(kind, str) else fallback
        return _decoded(decode, obj, sse)

    return decode_event


def ends_with(*types: str) -> Callable[[ServerSentEvent], bool]:
    """Return a ``terminal`` test (see :class:`Stream`): the stream ends after an event of *types*."""
    quoted = [json.dumps(kind) for kind in types]

    def terminal(sse: ServerSentEvent) -> bool:
        if sse.event in types:
            return True
        if not any(q in sse.data for q in quoted):  # most events: no need to parse them again
            return False
        try:
            obj = json.loads(sse.data)
        except (ValueError, RecursionError):
            return False
        return isinstance(obj, dict) and obj.get("type") in types

    return terminal


def _event_json(sse: ServerSentEvent) -> Any:
    """Parse an event's data; raise the error it reports, or the one of data that is not JSON."""
    try:
        obj = json.loads(sse.data)
    except (ValueError, RecursionError):
        raise APIResponseValidationError(
            "A stream event is not valid JSON", status_code=200, body=sse.data
        ) from None
    error = obj.get("error") if isinstance(obj, dict) else None
    if sse.event == "error" or isinstance(error, (dict, str)):
        raise stream_error(obj)
    return obj


def _decoded(decode: Callable[[Any], Any], obj: Any, sse: ServerSentEvent) -> Any:
    try:
        return decode(obj)
    except (DecodeError, RecursionError) as exc:
        raise APIResponseValidationError(
            f"A stream event does not have the documented shape ({exc})",
            status_code=200,
            body=sse.data,
        ) from None


def stream_error(obj: Any) -> APIStreamError:
    """Build the typed error of an ``error`` event's data."""
    error = obj.get("error", obj) if isinstance(obj, dict) else obj
    if isinstance(error, str):
        error = {"message": error}
    if not isinstance(error, dict):
        error = {}
    return APIStreamError(
        str(error.get("message") or "An error occurred in the stream."),
        type=text_or_none(error.get("type")),
        code=text_or_none(error.get("code")),
        param=text_or_none(error.get("param")),
        body=obj,
    )


def _body_chunks(response: requests.Response) -> Iterator[bytes]:
    """Yield the body as it arrives: each HTTP chunk, or what one socket read returns."""
    raw = response.raw
    if getattr(raw, "chunked", False):
        yield from response.iter_content(chunk_size=None)
        return
    read1 = getattr(raw, "read1", None)
    if read1 is not None:  # urllib3 2: it releases the connection at the end of the body
        while True:
            data = read1(_READ_SIZE, decode_content=True)
            if not data:
                return
            yield data
    fp = getattr(raw, "_fp", None)
    if fp is None or not hasattr(fp, "read1") or response.headers.get("Content-Encoding"):
        # urllib3 1.26 with a compressed body: correct, but an event may wait for a full read.
        yield from response.iter_content(chunk_size=_READ_SIZE)
        return
    # urllib3 1.26 has no read1; the http.client response it wraps does.
    while True:
        data = fp.read1(_READ_SIZE)
        if not data:
            break
        yield data
    if not fp.length:  # the whole body (a premature end leaves length > 0)
        fp.close()
        raw.release_conn()


def _connection_error(exc: BaseException) -> APIConnectionError:
    if isinstance(exc, (requests.Timeout, ReadTimeoutError, socket.timeout)) or _timed_out(exc):
        return APITimeoutError(f"The stream timed out: {exc}")
    return APIConnectionError(f"The stream was cut: {exc}")


class Stream(Generic[T]):
    """The items of a streamed response, as they arrive: an iterator and a context manager.

    Iterating raises :class:`~openai_lite.APIConnectionError` (or
    :class:`~openai_lite.APITimeoutError`) when the stream is cut before its end, and
    :class:`APIStreamError` for an error event, after the items that came before.
    ``close()`` (or leaving the ``with`` block) releases the connection: it is reused when
    the rest of the body arrives within :data:`DRAIN_ON_CLOSE` seconds, and closed otherwise.

    :param decode: turns an event into the item to yield.
    :param terminal: None for a stream that ends with ``data: [DONE]``; otherwise tells the
        last event, which is yielded.
    :param open_ended: the body may also simply end after a whole event (a stream of a
        protocol this library does not know).
    """

    def __init__(
        self,
        response: requests.Response,
        decode: Callable[[ServerSentEvent], T],
        *,
        terminal: Optional[Callable[[ServerSentEvent], bool]] = None,
        retries: int = 0,
        open_ended: bool = False,
    ) -> None:
        #: The :class:`requests.Response`, whose body this stream reads.
        self.response = response
        #: How many times the request was retried before this response.
        self.retries = retries
        #: What a join function (:func:`~openai_lite.chat.join`) applies to what it assembles.
        self.finish: Optional[Callable[[Any], Any]] = None
        self._decode = decode
        self._terminal = terminal
        self._open_ended = open_ended
        self._chunks = _body_chunks(response)
        self._items = self._iterate()
        self._done = False
        self._released = False

    @property
    def status_code(self) -> int:
        """The HTTP status (2xx: an error status raises when the stream is opened)."""
        return self.response.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        """The response headers (case-insensitive)."""
        return self.response.headers

    @property
    def request_id(self) -> Optional[str]:
        """The ``x-request-id`` header."""
        return self.response.headers.get("x-request-id")

    def __iter__(self) -> Stream[T]:
        return self

    def __next__(self) -> T:
        return next(self._items)

    def __enter__(self) -> Stream[T]:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop reading and release the connection (reused if the body ends at once)."""
        self._items.close()
        self._release(DRAIN_AFTER_END if self._done else DRAIN_ON_CLOSE)

    def __repr__(self) -> str:
        return f"<Stream status_code={self.status_code} request_id={self.request_id!r}>"

    def _iterate(self) -> Generator[T, None, None]:
        try:
            yield from self._events()
        except GeneratorExit:
            self._release(DRAIN_AFTER_END if self._done else DRAIN_ON_CLOSE)
            raise
        except OpenAIError as exc:
            self._release(None if isinstance(exc, APIConnectionError) else DRAIN_ON_CLOSE)
            raise
        except BaseException:
            self._release(None)
            raise

    def _events(self) -> Iterator[T]:
        decoder = SSEDecoder()
        request_id = self.request_id
        terminal = self._terminal
        try:
            for data in self._chunks:
                for sse in decoder.feed(data):
                    if terminal is None and sse.data == "[DONE]":
                        self._done = True
                        self._release(DRAIN_AFTER_END)
                        return
                    try:
                        item = self._decode(sse)
                    except (APIStreamError, APIResponseValidationError) as exc:
                        exc.request_id = exc.request_id or request_id
                        raise
                    if terminal is not None and terminal(sse):
                        self._done = True
                        yield item
                        self._release(DRAIN_AFTER_END)
                        return
                    yield item
        except _READ_ERRORS as exc:
            raise _connection_error(exc) from exc
        if self._open_ended and not decoder.pending:
            self._done = True
            return
        end = "[DONE]" if terminal is None else "its terminal event"
        where = " in the middle of an event" if decoder.pending else ""
        raise APIConnectionError(f"The stream ended{where} before {end}: the response is incomplete.")

    def _release(self, drain: Optional[float]) -> None:
        """Read up to *drain* seconds to finish the body, then close the response."""
        if self._released:
            return
        self._released = True
        try:
            if drain is not None:
                self._drain(drain)
        finally:
            self.response.close()

    def _drain(self, seconds: float) -> None:
        connection = getattr(self.response.raw, "connection", None)
        sock = getattr(connection, "sock", None)
        if not isinstance(sock, socket.socket):
            return  # no connection to keep (already released, or closed with the body)
        saved = sock.gettimeout()
        deadline = time.monotonic() + seconds
        budget = DRAIN_BYTES
        try:
            while budget > 0:
                sock.settimeout(max(deadline - time.monotonic(), 0.001))
                data = next(self._chunks, None)
                if data is None:
                    return  # the body is complete and urllib3 has put the connection back
                budget -= len(data)
        except Exception:  # noqa: BLE001  (any failure: the connection is closed below)
            return
        finally:
            try:
                sock.settimeout(saved)
            except OSError:
                pass


def open_stream(
    session: requests.Session,
    method: str,
    path: str,
    *,
    json_body: Optional[Mapping[str, Any]] = None,
    decode: Callable[[ServerSentEvent], T],
    terminal: Optional[Callable[[ServerSentEvent], bool]] = None,
    params: Optional[Mapping[str, Any]] = None,
    form: Optional[List[Tuple[str, Union[str, FilePart]]]] = None,
    progress: Optional[Progress] = None,
    open_ended: bool = False,
    **options: Unpack[RequestOptions],
) -> Stream[T]:
    """Send a request whose answer is an event stream, and return the open :class:`Stream`.

    The status is checked before anything is read: an error status raises its typed
    :class:`~openai_lite.APIStatusError` here, after the same retries as any call.

    :param json_body: a JSON body; :param form: multipart fields instead (see
        :func:`~openai_lite._request._request`), whose upload *progress* follows.
    :param decode: turns an event into the item to yield; it may raise (see
        :func:`event_decoder`), and the stream adds its request id to the error.
    :param terminal: see :class:`Stream`.
    :param open_ended: see :class:`Stream`.
    """
    opened = _request(
        session,
        method,
        path,
        into=None,
        params=params,
        json_body=json_body,
        form=form,
        progress=progress,
        stream=True,
        **options,
    )
    if not opened.ok:
        raise opened.exception()
    return Stream(opened.raw, decode, terminal=terminal, retries=opened.retries, open_ended=open_ended)
