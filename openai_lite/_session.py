"""OpenAISession: a :class:`requests.Session` that knows the OpenAI API."""

from __future__ import annotations

import os
import threading
from typing import Any, Callable, Dict, Optional, Tuple, Union

import requests
from requests.adapters import HTTPAdapter
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
        retry = max_retries if isinstance(max_retries, Retry) else OpenAIRetry.for_tries(max_retries)
        self.mount(self.base_url + "/", RetryingAdapter(retry))

    def api_key(self) -> Optional[str]:
        """Return the key for the next request (calling the key provider, if one was given)."""
        secret = getattr(self, "_api_key", None)
        key = secret.value if secret is not None else None
        if callable(key):
            return str(key())
        return key

    def __repr__(self) -> str:
        return f"<OpenAISession base_url={self.base_url!r}>"

    def __setstate__(self, state: Dict[str, Any]) -> None:
        # The key is not pickled; an unpickled session reads OPENAI_API_KEY again.
        super().__setstate__(state)  # type: ignore[misc]
        key = os.environ.get("OPENAI_API_KEY")
        self._api_key = _Secret(key) if key else None
