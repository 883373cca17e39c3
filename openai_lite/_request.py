"""The one request path: base URL, credentials, timeout, body, error mapping and decoding.

Every resource function ends in a call to :func:`_request`. It works with an
:class:`~openai_lite.OpenAISession` or with any :class:`requests.Session`; for the latter
the key, base URL, organization and project come from the environment and are added to
each request, and the session itself is used as it is.
"""

from __future__ import annotations

import json
import os
import socket
import stat
from logging import DEBUG
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    List,
    Literal,
    Mapping,
    MutableMapping,
    Optional,
    Sequence,
    Tuple,
    Union,
    cast,
    overload,
)
from urllib.parse import quote

import requests
from requests.auth import AuthBase
from urllib3.exceptions import (
    ConnectTimeoutError,
    LocationParseError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.exceptions import HTTPError as _Urllib3Error

from ._errors import APIConnectionError, APIResponseValidationError, APITimeoutError, OpenAIError
from ._logging import log_exchange, log_failure, logger
from ._model import DecodeError, JSONObject, Model, decoder_for, encode
from ._multipart import FilePart, MultipartBody, Progress, check_progress, file_part, form_value
from ._response import ApiResponse, ErrorObject
from ._session import (
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT,
    OpenAISession,
    Timeout,
    _check_options,
    check_header_value,
    check_key,
)
from ._timeouts import call_deadline

if TYPE_CHECKING:
    from typing_extensions import TypedDict, Unpack

    from ._streaming import Stream

    class RequestOptions(TypedDict, total=False):
        """What every resource function accepts besides the API's own parameters."""

        #: Headers added to (or, with a None value, removed from) this request.
        extra_headers: Mapping[str, Optional[str]]
        #: Query parameters added to this request.
        extra_query: Mapping[str, Any]
        #: Fields merged into the JSON body or added to the form.
        extra_body: Mapping[str, Any]
        #: Seconds, or (connect, read), for this call only.
        timeout: Timeout
        #: Retries for this call only (OpenAISession only); 0 turns them off.
        max_retries: int
        #: Seconds this whole call may take, retries and waits included (OpenAISession only);
        #: None for no bound. See :class:`~openai_lite.OpenAISession`.
        deadline: Optional[float]


__all__ = ["_request", "path_param", "body_of", "form_of", "request", "reply_id"]

_UNSET: Any = object()


class _Credentials(AuthBase):
    """Adds the OpenAI headers to one request; its repr never shows the key."""

    __slots__ = ("_key", "_organization", "_project")

    def __init__(self, key: str, organization: Optional[str], project: Optional[str]) -> None:
        self._key = key
        self._organization = organization
        self._project = project

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = "Bearer " + self._key
        if self._organization:
            r.headers["OpenAI-Organization"] = self._organization
        if self._project:
            r.headers["OpenAI-Project"] = self._project
        return r

    def __repr__(self) -> str:
        return "<OpenAI credentials>"


def path_param(value: Any, name: str) -> str:
    """Percent-encode one path segment, so that an id cannot reach another endpoint."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string, not {value!r}")
    if value in (".", ".."):
        # requests would send %2E as "." again, and a server may resolve the dot segment.
        raise ValueError(f"{name} must not be {value!r}")
    return quote(value, safe="")


def reply_id(value: Any, what: str, answer: Any = None) -> str:
    """Check an id that *answer* (an :class:`ApiResponse`) gave, before the library sends it
    back in a path or a query.

    :raises APIResponseValidationError: unless it is a usable id (a non-empty string that is
        not a dot segment).
    """
    if not isinstance(value, str) or value in ("", ".", ".."):
        raise APIResponseValidationError(
            f"The reply's {what} is not a usable id",
            status_code=getattr(answer, "status_code", None),
            body=repr(value),
            request_id=getattr(answer, "request_id", None),
        )
    return value


def body_of(params: Dict[str, Any]) -> Dict[str, Any]:
    """Build a JSON body from a function's ``locals()``: None means "leave it out"."""
    return {
        k: v for k, v in params.items() if v is not None and k not in ("session", "options", "progress")
    }


def form_of(params: Dict[str, Any], *, files: Sequence[str]) -> List[Tuple[str, Union[str, FilePart]]]:
    """Build multipart fields from a function's ``locals()``; *files* names the file arguments.

    A list becomes one ``name[]`` field per item and an object one ``name[key]`` field per
    key, as the API expects.
    """
    fields: List[Tuple[str, Union[str, FilePart]]] = []
    for name, value in body_of(params).items():
        if name in files:
            items = value if isinstance(value, list) else [value]
            key = f"{name}[]" if isinstance(value, list) else name
            fields += [(key, file_part(item, name)) for item in items]
        elif isinstance(value, (list, tuple)):
            fields += [(f"{name}[]", form_value(item, name)) for item in value]
        elif isinstance(value, Mapping):
            items = [(f"{name}[{k}]", v) for k, v in value.items() if v is not None]
            fields += [(key, form_value(v, key)) for key, v in items]
        else:
            fields.append((name, form_value(value, name)))
    return fields


def _settings(session: requests.Session) -> Tuple[str, _Credentials, Timeout]:
    if isinstance(session, OpenAISession):
        key = session.api_key()  # already checked
        base, org, project, timeout = (
            session.base_url,
            session.organization,
            session.project,
            session.timeout,
        )
    else:
        env = os.environ
        key = env.get("OPENAI_API_KEY")
        key = check_key(key) if key else key
        base = (env.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        org = check_header_value(env.get("OPENAI_ORG_ID"), "OPENAI_ORG_ID")
        project = check_header_value(env.get("OPENAI_PROJECT_ID"), "OPENAI_PROJECT_ID")
        timeout = DEFAULT_TIMEOUT
    if not key:
        raise OpenAIError("No API key: pass api_key= to OpenAISession or set OPENAI_API_KEY.")
    return base, _Credentials(key, org, project), timeout


def _json_default(value: Any) -> Any:
    if isinstance(value, Model):
        return encode(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _json_bytes(body: Mapping[str, Any]) -> bytes:
    """Encode a JSON body; a value that JSON cannot carry raises an error naming its parameter."""
    try:
        return json.dumps(
            body, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_json_default
        ).encode("utf-8")
    except (TypeError, ValueError):
        for name, value in body.items():
            try:
                json.dumps(value, ensure_ascii=False, allow_nan=False, default=_json_default).encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError(f"{name}: the text is not valid Unicode (a lone surrogate?)") from None
            except (TypeError, ValueError) as found:
                kind = TypeError if isinstance(found, TypeError) else ValueError
                raise kind(f"{name}: {found}") from None
        raise


def strings(value: Optional[Sequence[str]], name: str) -> Optional[List[str]]:
    """Return *value* as a list if it is None or a list of strings; refuse anything else."""
    if value is None:
        return None
    if isinstance(value, str) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{name} must be a list of strings, not {value!r}")
    return list(value)


def string_map(value: Optional[Mapping[str, str]], name: str) -> Optional[Mapping[str, str]]:
    """Return *value* if it is None or a mapping of strings to strings; refuse anything else."""
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise TypeError(f"{name} must be a mapping of strings to strings, not {value!r}")
    return value


def _query(params: Optional[Mapping[str, Any]]) -> Optional[Dict[str, Any]]:
    """Render query parameters: None left out, booleans as ``true``/``false``, and an object
    (``metadata``) as ``name[key]=value`` pairs, as the API expects."""
    if not params:
        return None
    query: Dict[str, Any] = {}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, Mapping):
            query.update((f"{name}[{key}]", item) for key, item in value.items())
            continue
        query[name] = value
    return query


def _request(
    session: requests.Session,
    method: str,
    path: str,
    *,
    into: Any,
    params: Optional[Mapping[str, Any]] = None,
    json_body: Optional[Mapping[str, Any]] = None,
    form: Optional[List[Tuple[str, Union[str, FilePart]]]] = None,
    stream: bool = False,
    extra_headers: Optional[Mapping[str, Optional[str]]] = None,
    extra_query: Optional[Mapping[str, Any]] = None,
    extra_body: Optional[Mapping[str, Any]] = None,
    timeout: Timeout = _UNSET,
    max_retries: Optional[int] = None,
    deadline: Optional[float] = _UNSET,
    progress: Optional[Progress] = None,
) -> ApiResponse[Any]:
    """Send one API request and wrap the answer.

    :param into: what the body becomes: a :class:`Model` subclass, ``dict`` (the decoded
        JSON), ``str``, ``bytes``, or None (nothing).
    :param json_body: a JSON body; :param form: multipart fields instead.
    :param stream: leave a 2xx body unread (``raw`` is the open response); an error body
        is read, up to :data:`ERROR_BODY_LIMIT` bytes.
    :param progress: the upload progress of *form*'s files (see :class:`MultipartBody`).
    """
    total = _total_of(session, deadline)
    with call_deadline(total):
        return _send(
            session,
            method,
            path,
            into=into,
            params=params,
            json_body=json_body,
            form=form,
            stream=stream,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
            progress=progress,
        )


def _total_of(session: requests.Session, deadline: Any) -> Optional[float]:
    """The call's total timeout (the session's when the call gives none), checked."""
    if deadline is _UNSET:
        deadline = getattr(session, "deadline", None)
    _check_options(None, None, deadline)
    return deadline  # type: ignore[no-any-return]


#: The headers that carry a credential: blanked in the request once it is sent.
_CREDENTIAL_HEADERS = ("Authorization", "api-key", "Proxy-Authorization")


def _redact(*prepared: Optional[requests.PreparedRequest]) -> None:
    """Blank the credentials of sent requests, so that no response, error or pickle carries them."""
    for request in prepared:
        headers = getattr(request, "headers", None)
        if headers is None:
            continue
        for name in _CREDENTIAL_HEADERS:
            if name in headers:
                headers[name] = "<redacted>"


def _scrub_frames(exc: BaseException) -> None:
    """Blank the credentials in the header mappings that the frames of *exc* (and of its
    causes) hold, such as urllib3's own copy of the headers: a traceback printed with its
    locals would show them."""
    seen = set()
    error: Optional[BaseException] = exc
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        tb = error.__traceback__
        while tb is not None:
            for value in tb.tb_frame.f_locals.values():
                if isinstance(value, MutableMapping) and not isinstance(value, type):
                    try:
                        keys = [k for k in value if isinstance(k, str) and k.lower() in _CREDENTIAL_NAMES]
                        for k in keys:
                            value[k] = "<redacted>"
                    except Exception:  # noqa: BLE001  (a mapping that refuses: leave it)
                        pass
            tb = tb.tb_next
        error = error.__cause__ or error.__context__


_CREDENTIAL_NAMES = frozenset(name.lower() for name in _CREDENTIAL_HEADERS)


def _redact_response(resp: requests.Response) -> None:
    _redact(resp.request, *(r.request for r in resp.history))


def _send(
    session: requests.Session,
    method: str,
    path: str,
    *,
    into: Any,
    params: Optional[Mapping[str, Any]],
    json_body: Optional[Mapping[str, Any]],
    form: Optional[List[Tuple[str, Union[str, FilePart]]]],
    stream: bool,
    extra_headers: Optional[Mapping[str, Optional[str]]],
    extra_query: Optional[Mapping[str, Any]],
    extra_body: Optional[Mapping[str, Any]],
    timeout: Timeout,
    max_retries: Optional[int],
    progress: Optional[Progress],
) -> ApiResponse[Any]:
    _check_options(None if timeout is _UNSET else timeout, max_retries)
    target = session._target(path, params, json_body or form) if isinstance(session, OpenAISession) else None
    base = ""
    auth: AuthBase
    if target is None:
        base, auth, default_timeout = _settings(session)
    else:  # another deployment of the API: the hook gives the whole URL
        path, params, auth, default_timeout = target
    headers: Dict[str, Optional[str]] = {}
    data: Any = None
    if json_body is not None:
        if extra_body:
            json_body = {**json_body, **extra_body}
        data = _json_bytes(json_body)
        headers["Content-Type"] = "application/json"
    elif form is not None:
        if extra_body:
            form = form + form_of(dict(extra_body), files=())
        data = MultipartBody(form, progress=progress)
        headers["Content-Type"] = data.content_type
        if not data.rewindable:
            max_retries = 0
    if extra_headers:
        for name, value in extra_headers.items():
            check_header_value(value, f"extra_headers[{name!r}]")
        headers.update(extra_headers)
    if extra_query:
        params = {**(params or {}), **extra_query}

    try:
        prepared = session.prepare_request(
            requests.Request(
                method, base + path, headers=cast(Any, headers), params=_query(params), data=data, auth=auth
            )
        )
    except (requests.RequestException, LocationParseError, ValueError, UnicodeError) as exc:
        if isinstance(data, MultipartBody):
            data.close()
        raise OpenAIError(f"The request could not be built: {exc}") from None
    if max_retries is not None:
        prepared.openai_max_retries = max_retries  # type: ignore[attr-defined]
    settings = session.merge_environment_settings(prepared.url or "", {}, stream, None, None)
    if not settings.get("verify") and session.verify is not False:
        # requests < 2.32 turns verification off for CURL_CA_BUNDLE="": only the session may.
        settings["verify"] = session.verify or True
    try:
        resp = session.send(
            prepared, timeout=default_timeout if timeout is _UNSET else timeout, **settings
        )
    except requests.Timeout as exc:
        log_failure(prepared, exc)
        _redact(prepared, getattr(exc, "request", None))
        _scrub_frames(exc)
        raise APITimeoutError(f"Request timed out: {exc}") from exc
    except (requests.RequestException, _Urllib3Error) as exc:
        log_failure(prepared, exc)
        _redact(prepared, getattr(exc, "request", None))
        _scrub_frames(exc)
        if _timed_out(exc):
            raise APITimeoutError(f"Request timed out: {exc}") from exc
        raise APIConnectionError(f"Connection error: {exc}") from exc
    except (ValueError, UnicodeError) as exc:
        _redact(prepared)
        _scrub_frames(exc)
        if not _in_redirect(exc):
            raise
        # A plain Session follows redirects itself; requests lets a bad Location escape raw.
        raise APIConnectionError(f"The server redirected to a URL that cannot be followed: {exc}") from exc
    except BaseException as exc:
        _redact(prepared)
        _scrub_frames(exc)
        raise
    finally:
        if isinstance(data, MultipartBody):
            data.close()
    if logger.isEnabledFor(DEBUG):
        log_exchange(prepared, resp, stream)
    _redact(prepared)
    _redact_response(resp)
    if not stream:
        _check_complete(resp, len(resp.content))
    elif not 200 <= resp.status_code < 300:
        _read_error_body(resp)
    return _wrap(resp, into)


def _in_redirect(exc: BaseException) -> bool:
    """Tell whether *exc* was raised while requests followed a redirect."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_name in ("resolve_redirects", "get_redirect_target", "rebuild_auth"):
            return True
        tb = tb.tb_next
    return False


#: How much of an error body a ``stream=True`` call reads; the rest is not waited for.
ERROR_BODY_LIMIT = 1 << 16


def _read_error_body(resp: requests.Response) -> None:
    """Read at most :data:`ERROR_BODY_LIMIT` bytes of an error body into ``resp.content``.

    The connection is released when that is the whole body, and closed otherwise.
    """
    pieces: List[bytes] = []
    size = 0
    try:
        for piece in resp.iter_content(8192):
            pieces.append(piece)
            size += len(piece)
            if size > ERROR_BODY_LIMIT:
                break
    except (requests.RequestException, _Urllib3Error, OSError):
        pass  # what did arrive is enough to tell the error
    resp._content = b"".join(pieces)[:ERROR_BODY_LIMIT]
    resp.close()


def _check_complete(resp: requests.Response, decoded: int) -> None:
    """Raise for a body shorter than its Content-Length (urllib3 1.26 accepts one silently),
    or for a compressed body that ends before its compressed stream does."""
    method = (getattr(resp.request, "method", None) or "").upper()
    if method == "HEAD" or resp.status_code in (204, 304) or resp.status_code < 200:
        return  # no body, whatever Content-Length says (RFC 9110, 8.6)
    tell = getattr(resp.raw, "tell", None)
    if not getattr(resp.raw, "chunked", False):  # chunked framing wins over a Content-Length
        expected = resp.headers.get("Content-Length", "")
        if expected.isdigit() and tell is not None and tell() < int(expected):
            raise APIConnectionError(
                f"Connection closed after {tell()} of {expected} bytes of the response body"
            )
    received = (tell() if tell is not None else 0) or decoded
    if received and not _decoded_to_the_end(getattr(resp.raw, "_decoder", None)):
        raise APIConnectionError(
            "The compressed response body ends before its compressed stream does: it was cut"
        )


def _decoded_to_the_end(decoder: Any) -> bool:
    """False when urllib3's gzip or deflate decoder was fed a stream that stopped short.

    A cut at a clean boundary of the compressed stream (inside a consistent
    Content-Length, or a properly ended chunked body) is otherwise taken for the whole body.
    """
    if decoder is None:
        return True
    inner = getattr(decoder, "_decoders", None)
    if isinstance(inner, list):  # several encodings, one after the other
        return all(_decoded_to_the_end(d) for d in inner)
    eof = getattr(getattr(decoder, "_obj", None), "eof", None)
    if not isinstance(eof, bool):
        return True  # another decoder (brotli): it checks itself, or cannot tell
    # _state 2: garbage after a complete gzip member, which urllib3 ignores by design.
    return eof or getattr(decoder, "_state", None) == 2


def _timed_out(exc: BaseException) -> bool:
    """Tell a timeout that requests (or urllib3 itself) reports as a connection error for what it is."""
    cause: Any = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    cause = getattr(cause, "reason", cause)
    if isinstance(cause, NewConnectionError):  # a ConnectTimeoutError subclass, but refused
        return False
    if isinstance(cause, ProtocolError):  # a write that timed out: ("Connection aborted.", timeout)
        cause = next((a for a in cause.args if isinstance(a, BaseException)), cause)
    return isinstance(cause, (ReadTimeoutError, ConnectTimeoutError, socket.timeout))


def _wrap(resp: requests.Response, into: Any) -> ApiResponse[Any]:
    retry = getattr(resp.raw, "retries", None)
    retries = len(retry.history) if retry is not None else 0
    status = resp.status_code
    if not 200 <= status < 300:
        return ApiResponse(status, resp.headers, resp, error=_error_object(resp), retries=retries)
    if into is None or into is bytes:
        data: Any = None if into is None else resp.content
    elif into is str:
        data = resp.content.decode("utf-8", "replace")
    else:
        data = decode_json(resp, into)
    return ApiResponse(status, resp.headers, resp, retries=retries, _data=data)


def decode_json(resp: requests.Response, into: Any) -> Any:
    """Decode a successful response's JSON into *into*, or raise APIResponseValidationError."""
    content = resp.content
    try:
        obj = json.loads(content)
    except (ValueError, RecursionError):
        raise APIResponseValidationError(
            "The response is not valid JSON",
            status_code=resp.status_code,
            body=content,
            request_id=resp.headers.get("x-request-id"),
        ) from None
    if into is dict or into is Any:
        return obj
    try:
        return decoder_for(into)(obj)
    except (DecodeError, RecursionError) as exc:
        raise APIResponseValidationError(
            f"The response does not have the documented shape ({exc})",
            status_code=resp.status_code,
            body=content,
            request_id=resp.headers.get("x-request-id"),
        ) from None


def _error_object(resp: requests.Response) -> Optional[ErrorObject]:
    try:
        obj = json.loads(resp.content)
    except (ValueError, RecursionError):
        return None
    error = obj.get("error") if isinstance(obj, dict) else None
    if isinstance(error, dict):
        try:
            return ErrorObject.from_dict(error)
        except DecodeError:
            return None
    if isinstance(error, str):
        return ErrorObject(message=error)
    return None


def _download(
    session: requests.Session,
    method: str,
    path: str,
    *,
    to: Union[str, os.PathLike[str]],
    json_body: Optional[Mapping[str, Any]] = None,
    progress: Optional[Progress] = None,
    **options: Any,
) -> ApiResponse[int]:
    """Send one request and stream a successful body into the file *to*; ``data`` is its size.

    The body goes to a temporary file in the same directory, renamed to *to* only once it
    has all arrived, so that a cut download never leaves a truncated file behind.
    *progress* is called with (bytes written, Content-Length or None): with 0 once the
    body starts, then after each block; the total is None when the length is not sent or
    the body is compressed on the wire.
    """
    import dataclasses

    target, folder = check_target(to, "path")
    check_progress(progress)
    with call_deadline(_total_of(session, options.get("deadline", _UNSET))):
        resp = _request(session, method, path, into=None, stream=True, json_body=json_body, **options)
        if not resp.ok:
            return resp
        try:
            written = _save(resp.raw, target, folder, progress)
        finally:
            resp.raw.close()
    return dataclasses.replace(resp, _data=written)


def check_target(to: Any, name: str) -> Tuple[str, str]:
    """Check, before anything is sent, that a download can be written to *to*.

    :returns: the path and its directory.
    :raises TypeError: for a *to* that is not a path.
    :raises ValueError: for an empty path, or one that ends with a separator.
    :raises FileNotFoundError: when its directory does not exist.
    :raises IsADirectoryError: when *to* is a directory.
    :raises PermissionError: when the directory (or an existing file) cannot be written.
    """
    if not isinstance(to, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path (str or os.PathLike), not {type(to).__name__}")
    target = os.fspath(to)
    if not isinstance(target, str):
        raise TypeError(f"{name} must be a str path, not {type(target).__name__}")
    if not target or "\0" in target:
        raise ValueError(f"{name} must be a file path, not {target!r}")
    if os.path.isdir(target):
        raise IsADirectoryError(f"{name}: {target!r} is a directory")
    if target.endswith(("/", os.sep)):
        raise ValueError(f"{name} names a directory, not a file: {target!r}")
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"{name}: no such directory: {folder!r}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(f"{name}: cannot write in the directory {folder!r}")
    if os.path.lexists(target) and not os.path.isfile(target):
        raise ValueError(f"{name}: {target!r} exists and is not a regular file")
    return target, folder


def _save(resp: requests.Response, target: str, folder: str, progress: Optional[Progress] = None) -> int:
    import uuid

    total: Optional[int] = None
    if progress is not None:
        length = resp.headers.get("Content-Length", "")
        encoded = resp.headers.get("Content-Encoding", "identity").strip().lower() != "identity"
        total = int(length) if length.isdigit() and not encoded else None
        progress(0, total)
    temp = os.path.join(folder, f".{os.path.basename(target)}.{uuid.uuid4().hex[:12]}.part")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    written = 0
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                for block in resp.iter_content(64 * 1024):
                    out.write(block)
                    written += len(block)
                    if progress is not None:
                        progress(written, total)
            except (requests.RequestException, _Urllib3Error) as exc:
                if _timed_out(exc):
                    raise APITimeoutError(f"Request timed out: {exc}") from exc
                raise APIConnectionError(f"Connection error: {exc}") from exc
            _check_complete(resp, written)
            out.flush()
            os.fsync(out.fileno())
        try:  # a file that is replaced keeps its permissions
            os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))
        except FileNotFoundError:
            pass
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    return written


@overload
def request(
    session: requests.Session,
    method: str,
    path: str,
    *,
    params: Optional[Mapping[str, Any]] = None,
    json: Optional[Mapping[str, Any]] = None,
    form: Optional[Mapping[str, Any]] = None,
    files: Optional[Mapping[str, Any]] = None,
    stream: Literal[False] = False,
    **options: Unpack[RequestOptions],
) -> ApiResponse[Any]: ...


@overload
def request(
    session: requests.Session,
    method: str,
    path: str,
    *,
    params: Optional[Mapping[str, Any]] = None,
    json: Optional[Mapping[str, Any]] = None,
    form: Optional[Mapping[str, Any]] = None,
    files: Optional[Mapping[str, Any]] = None,
    stream: Literal[True],
    **options: Unpack[RequestOptions],
) -> Stream[JSONObject]: ...


def request(
    session: requests.Session,
    method: str,
    path: str,
    *,
    params: Optional[Mapping[str, Any]] = None,
    json: Optional[Mapping[str, Any]] = None,
    form: Optional[Mapping[str, Any]] = None,
    files: Optional[Mapping[str, Any]] = None,
    stream: bool = False,
    **options: Unpack[RequestOptions],
) -> Union[ApiResponse[Any], Stream[JSONObject]]:
    """Call an endpoint that the library does not model yet, with the usual settings and errors.

    *path* is appended to the base URL (``"/assistants"``); ids in it must be
    percent-encoded. ``json`` is sent as a JSON body; ``form`` (plain fields) and ``files``
    (taken as by the resource functions: a path, an open binary file, bytes or a
    ``(filename, content[, content_type])`` tuple) as a multipart form, where a list
    becomes repeated ``name[]`` fields. Query values of None are left out. ``data`` is the
    decoded JSON when the answer is JSON, None when it is empty, else the body as bytes.

    With ``stream=True`` the answer is read as server-sent events: the result is a
    :class:`~openai_lite._streaming.Stream` of :class:`~openai_lite.JSONObject` events,
    whose keys are attributes (``event.type``, ``event.delta``). It ends at
    ``data: [DONE]`` or where the body ends after a whole event; an ``error`` event raises
    :class:`~openai_lite.APIStreamError`, and an error status raises its typed error here.
    Pass ``"stream": True`` in ``json`` (or ``form``) too where the endpoint asks for it.

    https://platform.openai.com/docs/api-reference
    """
    import dataclasses

    if not isinstance(method, str) or not method.strip():
        raise ValueError(f"method must be an HTTP method such as 'GET', not {method!r}")
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError(f"path must start with '/' (it is appended to the base URL), not {path!r}")
    if json is not None and (form is not None or files is not None):
        raise ValueError("json cannot be sent with form or files: give either a JSON body or a form")
    if not isinstance(stream, bool):
        raise TypeError(f"stream must be True or False, not {stream!r}")
    fields: Optional[List[Tuple[str, Union[str, FilePart]]]] = None
    if form is not None or files is not None:
        fields = form_of(dict(form or {}), files=()) + form_of(dict(files or {}), files=tuple(files or ()))
    method = method.strip().upper()
    if stream:
        from ._streaming import event_decoder, open_stream

        return open_stream(
            session,
            method,
            path,
            json_body=json,
            params=params,
            form=fields,
            decode=event_decoder(JSONObject),
            open_ended=True,
            **options,
        )
    resp = _request(session, method, path, into=None, params=params, json_body=json, form=fields, **options)
    if not resp.ok:
        return resp
    raw = resp.raw
    content_type = raw.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    data: Any = None
    if raw.content and (content_type == "application/json" or content_type.endswith("+json")):
        data = decode_json(raw, dict)
    elif raw.content:
        data = raw.content
    return dataclasses.replace(resp, _data=data)
