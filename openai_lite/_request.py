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
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union
from urllib.parse import quote

import requests
from requests.auth import AuthBase
from urllib3.exceptions import ConnectTimeoutError, ReadTimeoutError
from urllib3.exceptions import HTTPError as _Urllib3Error

from ._errors import APIConnectionError, APIResponseValidationError, APITimeoutError, OpenAIError
from ._model import DecodeError, Model, decoder_for
from ._multipart import FilePart, MultipartBody, file_part, form_value
from ._response import ApiResponse, ErrorObject
from ._session import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, OpenAISession, Timeout

if TYPE_CHECKING:
    from typing_extensions import TypedDict

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


__all__ = ["_request", "path_param", "body_of", "form_of"]

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


def body_of(params: Dict[str, Any]) -> Dict[str, Any]:
    """Build a JSON body from a function's ``locals()``: None means "leave it out"."""
    return {
        k: v for k, v in params.items() if v is not None and k not in ("session", "options")
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
            fields += [(f"{name}[]", form_value(item)) for item in value]
        elif isinstance(value, Mapping):
            fields += [(f"{name}[{k}]", form_value(v)) for k, v in value.items() if v is not None]
        else:
            fields.append((name, form_value(value)))
    return fields


def _settings(session: requests.Session) -> Tuple[str, _Credentials, Timeout]:
    if isinstance(session, OpenAISession):
        key = session.api_key()
        base, org, project, timeout = (
            session.base_url,
            session.organization,
            session.project,
            session.timeout,
        )
    else:
        env = os.environ
        key = env.get("OPENAI_API_KEY")
        base = (env.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        org, project, timeout = env.get("OPENAI_ORG_ID"), env.get("OPENAI_PROJECT_ID"), DEFAULT_TIMEOUT
    if not key:
        raise OpenAIError("No API key: pass api_key= to OpenAISession or set OPENAI_API_KEY.")
    return base, _Credentials(key, org, project), timeout


def _json_default(value: Any) -> Any:
    if isinstance(value, Model):
        return {k: v for k, v in value.__dict__.items() if v is not None}
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _query(params: Optional[Mapping[str, Any]]) -> Optional[Dict[str, Any]]:
    if not params:
        return None
    return {
        k: ("true" if v else "false") if isinstance(v, bool) else v
        for k, v in params.items()
        if v is not None
    }


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
) -> ApiResponse[Any]:
    """Send one API request and wrap the answer.

    :param into: what the body becomes: a :class:`Model` subclass, ``dict`` (the decoded
        JSON), ``str``, ``bytes``, or None (nothing).
    :param json_body: a JSON body; :param form: multipart fields instead.
    """
    base, auth, default_timeout = _settings(session)
    headers: Dict[str, Optional[str]] = {}
    data: Any = None
    if json_body is not None:
        if extra_body:
            json_body = {**json_body, **extra_body}
        data = json.dumps(
            json_body, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_json_default
        ).encode("utf-8")
        headers["Content-Type"] = "application/json"
    elif form is not None:
        if extra_body:
            form = form + [(k, form_value(v)) for k, v in extra_body.items()]
        data = MultipartBody(form)
        headers["Content-Type"] = data.content_type
        if not data.rewindable:
            max_retries = 0
    if extra_headers:
        headers.update(extra_headers)
    if extra_query:
        params = {**(params or {}), **extra_query}

    prepared = session.prepare_request(
        requests.Request(
            method, base + path, headers=headers, params=_query(params), data=data, auth=auth
        )
    )
    if max_retries is not None:
        prepared.openai_max_retries = max_retries  # type: ignore[attr-defined]
    settings = session.merge_environment_settings(prepared.url, {}, stream, None, None)
    try:
        resp = session.send(
            prepared, timeout=default_timeout if timeout is _UNSET else timeout, **settings
        )
    except requests.Timeout as exc:
        raise APITimeoutError(f"Request timed out: {exc}") from exc
    except (requests.RequestException, _Urllib3Error) as exc:
        if _timed_out(exc):
            raise APITimeoutError(f"Request timed out: {exc}") from exc
        raise APIConnectionError(f"Connection error: {exc}") from exc
    finally:
        if isinstance(data, MultipartBody):
            data.close()
    if not stream:
        _check_complete(resp)
    return _wrap(resp, into)


def _check_complete(resp: requests.Response) -> None:
    """Raise for a body shorter than its Content-Length (urllib3 1.26 accepts one silently)."""
    expected = resp.headers.get("Content-Length", "")
    tell = getattr(resp.raw, "tell", None)
    if expected.isdigit() and tell is not None and tell() < int(expected):
        raise APIConnectionError(
            f"Connection closed after {tell()} of {expected} bytes of the response body"
        )


def _timed_out(exc: BaseException) -> bool:
    """Tell a timeout that requests reports as a ConnectionError (after retries) for what it is."""
    cause: Any = exc.args[0] if exc.args else None
    cause = getattr(cause, "reason", cause)
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
