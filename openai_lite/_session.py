"""OpenAISession: a :class:`requests.Session` that knows the OpenAI API."""

from __future__ import annotations

import os
import sys
import threading
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union

import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase
from urllib3.util.retry import Retry

from ._errors import OpenAIError
from ._retry import OpenAIRetry
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


def check_key(key: str) -> str:
    """Return *key* if it can travel in a header; the error never shows the key itself.

    http.client and requests would otherwise fail deep in the send with an error that
    quotes the whole header, key included (a trailing newline from a key file, say).
    """
    if not (key.isascii() and key.isprintable()) or any(c.isspace() for c in key):
        raise OpenAIError(
            "The API key has whitespace or characters that cannot go in an HTTP header"
            " (a trailing newline?): check api_key or the environment variable it came from."
        )
    return key


class _Secret:
    """Holds the key (or its provider) so that no repr, vars() or traceback shows it."""

    __slots__ = ("value",)

    def __init__(self, value: ApiKey) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<secret>"


class RetryingAdapter(HTTPAdapter):
    """An :class:`~requests.adapters.HTTPAdapter` whose retry policy a single call may override.

    The override travels on the prepared request (``openai_max_retries``), so concurrent
    calls with different settings do not disturb each other.
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

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        tries: Optional[int] = getattr(request, "openai_max_retries", None)
        if tries is None:
            return super().send(request, *args, **kwargs)
        self._local.retry = self._default_retry.new(total=tries)
        try:
            return super().send(request, *args, **kwargs)
        finally:
            self._local.retry = None

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self._local = threading.local()
        super().__setstate__(state)  # type: ignore[misc]


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
    :raises OpenAIError: when no key is given nor set in the environment.
    """

    __attrs__ = requests.Session.__attrs__ + [
        "base_url",
        "organization",
        "project",
        "timeout",
        "max_retries",
    ]
    #: The environment seen last, and the settings worked out for it (not pickled).
    _env_memo: Optional[Tuple[Dict[Any, Any], Dict[Any, Any]]] = None

    def __init__(
        self,
        *,
        api_key: Optional[ApiKey] = None,
        base_url: Optional[str] = None,
        organization: Optional[str] = None,
        project: Optional[str] = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: Union[int, Retry] = DEFAULT_MAX_RETRIES,
    ) -> None:
        super().__init__()
        env = os.environ
        key = api_key if api_key is not None else env.get("OPENAI_API_KEY")
        if not key:
            raise OpenAIError(
                "No API key: pass api_key= to OpenAISession or set OPENAI_API_KEY."
            )
        self._api_key: Optional[_Secret] = _Secret(key)
        #: The API's root, without a trailing slash; paths are appended to it.
        self.base_url: str = (base_url or env.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        #: Sent as ``OpenAI-Organization`` when set.
        self.organization: Optional[str] = organization or env.get("OPENAI_ORG_ID")
        #: Sent as ``OpenAI-Project`` when set.
        self.project: Optional[str] = project or env.get("OPENAI_PROJECT_ID")
        #: The timeout of calls that give none.
        self.timeout: Timeout = timeout
        #: The retry policy of calls that give none.
        self.max_retries: Union[int, Retry] = max_retries
        self.headers["User-Agent"] = USER_AGENT
        if isinstance(max_retries, Retry):
            # The last try's response comes back as it is, never as requests' RetryError.
            retry = max_retries.new(raise_on_status=False)
        else:
            retry = OpenAIRetry.for_tries(max_retries)
        self.mount(self.base_url + "/", RetryingAdapter(retry))

    def api_key(self) -> Optional[str]:
        """Return the key for the next request (calling the key provider, if one was given)."""
        secret = getattr(self, "_api_key", None)
        key = secret.value if secret is not None else None
        if callable(key):
            key = str(key())
        return check_key(key) if key else key

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
            if memo is None or memo[0] != env:
                memo = self._env_memo = (dict(env), {})
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
        super().__setstate__(state)  # type: ignore[misc]
        key = os.environ.get("OPENAI_API_KEY")
        self._api_key = _Secret(key) if key else None
