"""OpenAISession: a :class:`requests.Session` that knows the OpenAI API."""

from __future__ import annotations

import math
import os
import re
import sys
import threading
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union
from urllib.parse import urljoin, urlsplit

import requests
from requests.__version__ import __version__ as _requests_version
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase
from requests.exceptions import InvalidURL
from urllib3.exceptions import LocationValueError
from urllib3.util import Timeout as Urllib3Timeout
from urllib3.util.retry import Retry

from ._errors import OpenAIError
from ._retry import OpenAIRetry
from ._timeouts import install, write_timeout
from ._version import __version__

__all__ = ["OpenAISession", "DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "USER_AGENT"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"
#: (connect, read) seconds. requests has no default, and a legacy app must not hang forever.
DEFAULT_TIMEOUT: Tuple[float, float] = (5.0, 600.0)
DEFAULT_MAX_RETRIES = 2
USER_AGENT = f"openai-lite/{__version__}"

ApiKey = Union[str, Callable[[], str]]
Timeout = Union[None, float, Tuple[float, float], Tuple[float, None]]

#: True where urllib takes the proxies from the environment alone (not from the system's
#: settings, as on macOS and Windows), so that requests' answer can be remembered.
_ENV_ONLY_PROXIES = sys.platform != "darwin" and os.name != "nt"

#: True where requests (< 2.29) writes a chunked body over a bare connection, with no timeout.
_CHUNKED_WITHOUT_TIMEOUT = tuple(int(p) for p in _requests_version.split(".")[:2]) < (2, 29)


def check_key(key: Any) -> str:
    """Return *key* if it is a str that can travel in a header; the error never shows the key.

    http.client and requests would otherwise fail deep in the send with an error that
    quotes the whole header, key included (a trailing newline from a key file, say).
    """
    if not isinstance(key, str) or not key:
        raise OpenAIError(
            f"The API key must be a non-empty str, not {'an empty str' if key == '' else type(key).__name__}:"
            " check api_key (or what its provider returns)."
        )
    # Printable ASCII holds one whitespace character: the space.
    if not (key.isascii() and key.isprintable()) or " " in key:
        raise OpenAIError(
            "The API key has whitespace or characters that cannot go in an HTTP header"
            " (a trailing newline?): check api_key or the environment variable it came from."
        )
    return key


def check_header_value(value: Optional[str], name: str) -> Optional[str]:
    """Return *value* (None or a str) if it can be sent as a header value, or raise naming *name*."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(f"{name} has characters that cannot go in an HTTP header: {value!r}") from None
    if any(ord(c) < 32 and c != "\t" or ord(c) == 127 for c in value) or value != value.strip():
        raise ValueError(f"{name} has a line break, a control character or outer whitespace: {value!r}")
    return value


#: A host name (IDNA-encoded by then) or an IP address, as urlsplit gives it.
_HOST = re.compile(r"[A-Za-z0-9._~-]+|[0-9A-Fa-f:.]+(%[A-Za-z0-9._~-]+)?")


def check_base_url(url: Any, name: str = "base_url") -> str:
    """Return the URL that requests sends for *url* (without the trailing slash), or raise naming *name*.

    requests rewrites some URLs (a space becomes ``%20``, ``./`` is dropped, a host is
    lowercased); the adapter must be mounted on the rewritten form, or it would not be used.
    """
    if not isinstance(url, str):
        raise TypeError(f"{name} must be a str, not {type(url).__name__}")
    prepared = requests.PreparedRequest()
    try:
        prepared.prepare_url(url.rstrip("/") + "/", None)
        parts = urlsplit(prepared.url or "")
        parts.port  # noqa: B018  (raises for a port out of range)
    except (requests.RequestException, ValueError, UnicodeError, LocationValueError) as exc:
        raise ValueError(f"{name} is not a usable URL: {url!r} ({exc})") from None
    if parts.scheme not in ("http", "https") or not _HOST.fullmatch(parts.hostname or ""):
        raise ValueError(f"{name} must be an http:// or https:// URL with a host, not {url!r}")
    return (prepared.url or "").rstrip("/")


def _check_options(timeout: Any, max_retries: Any, total: Any = None) -> None:
    """Refuse a ``timeout``, ``max_retries`` or ``deadline`` of the wrong type, before sending."""
    if total is not None:
        if not isinstance(total, (int, float)) or isinstance(total, bool):
            raise TypeError(f"deadline must be seconds or None, not {type(total).__name__}")
        if not 0 < total < math.inf:
            raise ValueError(f"deadline must be more than 0 seconds, not {total!r}")
    if max_retries is not None:
        if not isinstance(max_retries, int) or isinstance(max_retries, bool):
            raise TypeError(f"max_retries must be an int, not {type(max_retries).__name__}")
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, not {max_retries}")
    if timeout is None or isinstance(timeout, Urllib3Timeout):
        return
    values = timeout if isinstance(timeout, tuple) and len(timeout) == 2 else (timeout,)
    for value in values:
        if value is None and len(values) == 2:
            continue
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise TypeError(f"timeout must be seconds or a (connect, read) pair of seconds, not {timeout!r}")
        if not value > 0:
            raise ValueError(f"timeout must be more than 0 seconds, not {timeout!r}")


class _Secret:
    """Holds the key (or its provider, or a copy of the environment, which may hold keys)
    so that no repr, vars() or traceback shows it."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<secret>"


def _read_part(timeout: Any) -> Optional[float]:
    """The read timeout of a requests ``timeout`` argument (seconds, a pair, or a urllib3 Timeout)."""
    if isinstance(timeout, tuple):
        return timeout[1] if len(timeout) == 2 else None
    if isinstance(timeout, Urllib3Timeout):
        read = timeout.read_timeout
        return read if isinstance(read, (int, float)) else None
    return timeout if isinstance(timeout, (int, float)) else None


class RetryingAdapter(HTTPAdapter):
    """An :class:`~requests.adapters.HTTPAdapter` whose retry policy a single call may override.

    The override travels on the prepared request (``openai_max_retries``), so concurrent
    calls with different settings do not disturb each other. Each write of a request is
    bounded by the call's read timeout (urllib3 would leave the connect timeout on the
    socket), and its connections honour a call's ``deadline``.
    """

    def __init__(self, max_retries: Retry, **kwargs: Any) -> None:
        self._local = threading.local()
        super().__init__(max_retries=max_retries, **kwargs)

    @property
    def max_retries(self) -> Retry:
        retry: Optional[Retry] = getattr(self._local, "retry", None)
        return retry if retry is not None else self._default_retry

    @max_retries.setter
    def max_retries(self, value: Retry) -> None:
        self._default_retry = value

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        install(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        return install(super().proxy_manager_for(proxy, **proxy_kwargs))

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        """Send with the call's retry policy; each write of the body is bounded by the read timeout."""
        tries: Optional[int] = getattr(request, "openai_max_retries", None)
        send = super().send
        if _CHUNKED_WITHOUT_TIMEOUT and request.body is not None and "Content-Length" not in request.headers:
            send = self._send_chunked
        with write_timeout(_read_part(kwargs.get("timeout", args[1] if len(args) > 1 else None))):
            if tries is None:
                return send(request, *args, **kwargs)
            self._local.retry = self._default_retry.new(total=tries)
            try:
                return send(request, *args, **kwargs)
            finally:
                self._local.retry = None

    def _send_chunked(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Union[bool, str] = True,
        cert: Any = None,
        proxies: Optional[Mapping[str, str]] = None,
    ) -> requests.Response:
        """Send a chunked body (a generator, a pipe) through urllib3, as requests >= 2.29 does.

        requests 2.26 to 2.28 write such a body over a bare connection that applies no
        timeout, so a server that never answers would hang the call forever. urllib3's
        errors come out as they are, not as requests' own: the caller maps both.
        """
        try:
            conn: Any = self.get_connection(request.url or "", None if proxies is None else dict(proxies))
        except LocationValueError as exc:
            raise InvalidURL(exc, request=request) from exc
        self.cert_verify(conn, request.url or "", verify, cert)  # type: ignore[no-untyped-call, unused-ignore]
        url = self.request_url(request, None if proxies is None else dict(proxies))
        self.add_headers(request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)
        if isinstance(timeout, tuple):
            if len(timeout) != 2:
                raise ValueError(f"timeout must be a number or a (connect, read) pair, not {timeout!r}")
            timeout = Urllib3Timeout(connect=timeout[0], read=timeout[1])
        elif not isinstance(timeout, Urllib3Timeout):
            timeout = Urllib3Timeout(connect=timeout, read=timeout)
        resp = conn.urlopen(
            method=request.method,
            url=url,
            body=request.body,
            headers=request.headers,
            redirect=False,
            assert_same_host=False,
            preload_content=False,
            decode_content=False,
            retries=self.max_retries,
            timeout=timeout,
            chunked=True,
        )
        return self.build_response(request, resp)

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self._local = threading.local()
        super().__setstate__(state)  # type: ignore[misc, unused-ignore]


class OpenAISession(requests.Session):
    """A :class:`requests.Session` for the OpenAI API.

    It holds the credentials, the base URL and a default timeout, and mounts a retrying
    adapter on the base URL only: other URLs fetched through the same session are left
    as requests would treat them. Everything a :class:`requests.Session` offers (headers,
    proxies, ``verify``, ``cert``, hooks, adapters) works as usual.

    Any argument left out is read from the environment: ``OPENAI_API_KEY``,
    ``OPENAI_BASE_URL``, ``OPENAI_ORG_ID`` and ``OPENAI_PROJECT_ID``.

    :param api_key: the key, or a callable returning it, called before every request so
        that a key can be rotated without a new session. It is never shown in a ``repr``
        nor pickled.
    :param timeout: seconds, or a (connect, read) pair, for calls that give none.
    :param max_retries: retries for calls that give none, or a
        :class:`~urllib3.util.retry.Retry` for full control; 0 turns retrying off.
    :param deadline: seconds that a whole call may take, for calls that give none:
        connecting, sending, every retry and the waits between them, and reading the
        body (of a download too; of a stream, until it opens). When they pass, the call
        raises :class:`~openai_lite.APITimeoutError`. None (the default) sets no bound
        beyond ``timeout``, which bounds each connect, and each wait for data (each
        write of the request, too), not the whole call.
    :raises OpenAIError: when no key is given nor set in the environment.
    :raises ValueError: for a base URL, organization or project that cannot be sent
        (the environment's too), named in the message.
    """

    __attrs__ = requests.Session.__attrs__ + [
        "base_url",
        "organization",
        "project",
        "timeout",
        "max_retries",
        "deadline",
    ]
    #: The environment seen last, and the settings worked out for it (not pickled).
    _env_memo: Optional[Tuple[_Secret, Dict[Any, Any]]] = None

    def __init__(
        self,
        *,
        api_key: Optional[ApiKey] = None,
        base_url: Optional[str] = None,
        organization: Optional[str] = None,
        project: Optional[str] = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: Union[int, Retry] = DEFAULT_MAX_RETRIES,
        deadline: Optional[float] = None,
    ) -> None:
        _check_options(timeout, None if isinstance(max_retries, Retry) else max_retries, deadline)
        env = os.environ
        key = api_key if api_key is not None else env.get("OPENAI_API_KEY")
        if not key:
            raise OpenAIError(
                "No API key: pass api_key= to OpenAISession or set OPENAI_API_KEY."
            )
        if not isinstance(key, str) and not callable(key):
            raise TypeError(f"api_key must be a str or a callable returning one, not {type(key).__name__}")
        base = base_url or env.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
        mount = check_base_url(base, "base_url" if base_url else "OPENAI_BASE_URL")
        organization = check_header_value(
            organization or env.get("OPENAI_ORG_ID"), "organization" if organization else "OPENAI_ORG_ID"
        )
        project = check_header_value(
            project or env.get("OPENAI_PROJECT_ID"), "project" if project else "OPENAI_PROJECT_ID"
        )
        super().__init__()
        self._api_key: Optional[_Secret] = _Secret(key)
        #: The API's root, without a trailing slash; paths are appended to it.
        self.base_url: str = base.rstrip("/")
        #: Sent as ``OpenAI-Organization`` when set.
        self.organization: Optional[str] = organization
        #: Sent as ``OpenAI-Project`` when set.
        self.project: Optional[str] = project
        #: The timeout of calls that give none.
        self.timeout: Timeout = timeout
        #: The bound on a whole call, for calls that give none (None: no bound).
        self.deadline: Optional[float] = deadline
        #: The retry policy of calls that give none.
        self.max_retries: Union[int, Retry] = max_retries
        self.headers["User-Agent"] = USER_AGENT
        if isinstance(max_retries, Retry):
            # The last try's response comes back as it is, never as requests' RetryError.
            retry = max_retries.new(raise_on_status=False)
        else:
            retry = OpenAIRetry.for_tries(max_retries)
        # On the URL as requests sends it, or the adapter (and its retries) would not be used.
        self.mount(mount + "/", RetryingAdapter(retry))

    def api_key(self) -> Optional[str]:
        """Return the key for the next request (calling the key provider, if one was given).

        :raises OpenAIError: when the key (or what the provider returns) is not a non-empty
            str that can go in a header; the message does not show it.
        """
        secret = getattr(self, "_api_key", None)
        key = secret.value if secret is not None else None
        if callable(key):
            return check_key(key())
        return check_key(key) if key else key

    def get_redirect_target(self, resp: requests.Response) -> Optional[str]:
        """The ``Location`` to follow, or None (the 3xx is returned as it is) when it is not a usable URL."""
        location = super().get_redirect_target(resp)
        if location is None:
            return None
        try:
            check_base_url(urljoin(resp.url or "", location), "Location")
        except (ValueError, TypeError):
            return None
        return location

    def _target(
        self, path: str, params: Optional[Mapping[str, Any]], body: Any
    ) -> Optional[Tuple[str, Optional[Mapping[str, Any]], AuthBase, Timeout]]:
        """Return the URL, query, credentials and timeout of a call, when they are not OpenAI's.

        None (here) means ``base_url + path``, the query as given and the OpenAI headers. A
        session for another deployment of the API, such as
        :class:`~openai_lite.azure.AzureOpenAISession`, overrides it; *body* is the JSON
        object or the form fields of the call.
        """
        return None

    def merge_environment_settings(self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any) -> Any:
        """requests' own merge of the environment with the call's and the session's settings.

        requests reads every variable of the environment on each call to find the proxies,
        which can cost as much as the rest of the request preparation. Its answer depends only on the URL's
        scheme and host, on ``os.environ`` and on the session's ``trust_env``, ``proxies``,
        ``stream``, ``verify`` and ``cert``, so it is remembered for those and worked out
        again as soon as any of them (or any environment variable) changes. Where urllib
        also reads the system's proxy settings (macOS, Windows), and for a call that passes
        its own proxies, ``verify`` or ``cert``, requests does it all every time.
        """
        merge = super().merge_environment_settings
        env = getattr(os.environ, "_data", None)
        if (
            not _ENV_ONLY_PROXIES
            or type(proxies) is not dict
            or proxies
            or verify is not None
            or cert is not None
            or type(self.proxies) is not dict
            or type(env) is not dict
        ):
            return merge(url, proxies, stream, verify, cert)
        try:
            key = (
                "/".join(str(url).split("/", 3)[:3]),  # scheme and host: what requests looks at
                stream,
                self.trust_env,
                tuple(self.proxies.items()),
                self.stream,
                self.verify,
                self.cert,
            )
            memo = self._env_memo
            if memo is None or memo[0].value != env:
                memo = self._env_memo = (_Secret(dict(env)), {})
            known = memo[1].get(key)
        except TypeError:  # an unhashable setting
            return merge(url, proxies, stream, verify, cert)
        if known is None:
            settings: Dict[str, Any] = dict(merge(url, proxies, stream, verify, cert))
            if len(memo[1]) >= 64:
                memo[1].clear()
            memo[1][key] = (dict(proxies), settings)
        else:
            from_env, settings = known
            proxies.update(from_env)  # requests adds the environment's proxies to the call's
        return dict(settings, proxies=settings["proxies"].copy())

    def __repr__(self) -> str:
        return f"<OpenAISession base_url={self.base_url!r}>"

    def __setstate__(self, state: Dict[str, Any]) -> None:
        # The key is not pickled; an unpickled session reads OPENAI_API_KEY again.
        super().__setstate__(state)  # type: ignore[misc, unused-ignore]
        self.__dict__.setdefault("deadline", None)
        key = os.environ.get("OPENAI_API_KEY")
        self._api_key = _Secret(key) if key else None
