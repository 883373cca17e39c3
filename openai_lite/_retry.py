"""The retry policy, as a urllib3 :class:`~urllib3.util.retry.Retry`.

urllib3 runs the retry loop; this subclass only decides what to retry and how long to wait:

* responses 408, 409, 429 and >= 500, and connection errors, for every method (POST too);
* ``x-should-retry: true|false`` from the server overrides all of that;
* the wait is ``retry-after-ms``, else ``Retry-After`` (seconds or an HTTP date) when it is at
  most :attr:`OpenAIRetry.RETRY_AFTER_MAX` seconds; a longer one is not waited for, and the
  response is returned as it is (unless ``x-should-retry: true`` insists: then the backoff is
  waited instead); otherwise a jittered exponential backoff;
* a read timeout on a non-idempotent request is not retried: the server may have acted;
* nor is a certificate that fails verification: it would fail again.

The same code runs on urllib3 1.26 and 2.x: it overrides only methods both have.
"""

from __future__ import annotations

import math
import random
import ssl
import time
from typing import TYPE_CHECKING, Any, Optional

from urllib3.exceptions import InvalidHeader, MaxRetryError, ReadTimeoutError, ResponseError, SSLError
from urllib3.util.retry import Retry

from ._timeouts import check_wait, remaining

if TYPE_CHECKING:
    from types import TracebackType

__all__ = ["OpenAIRetry"]

_RETRY_STATUSES = frozenset({408, 409, 429})
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})


class OpenAIRetry(Retry):
    """Retry what the OpenAI API documents as retryable; see the module docstring.

    ``backoff_factor`` is the first backoff wait in seconds (default 0.5); each further try
    doubles it, up to :attr:`BACKOFF_CAP`, less a random jitter of up to a quarter.
    """

    #: The longest backoff wait, in seconds.
    BACKOFF_CAP = 8.0
    #: The longest server-asked wait that is honoured; past it the response is returned.
    RETRY_AFTER_MAX = 60.0

    @classmethod
    def for_tries(cls, max_retries: int, *, backoff_factor: float = 0.5) -> OpenAIRetry:
        """Build the policy for *max_retries* retries (0 turns retrying off).

        :raises TypeError: when *max_retries* is not an int, or *backoff_factor* not a number.
        :raises ValueError: when *max_retries* is negative, or *backoff_factor* not within
            0 to :attr:`BACKOFF_CAP`.
        """
        if not isinstance(max_retries, int) or isinstance(max_retries, bool):
            raise TypeError(f"max_retries must be an int, not {type(max_retries).__name__}")
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, not {max_retries}")
        if not isinstance(backoff_factor, (int, float)) or isinstance(backoff_factor, bool):
            raise TypeError(f"backoff_factor must be a number, not {type(backoff_factor).__name__}")
        if not 0 <= backoff_factor <= cls.BACKOFF_CAP:
            raise ValueError(f"backoff_factor must be between 0 and {cls.BACKOFF_CAP}, not {backoff_factor}")
        return cls(
            total=max_retries,
            connect=None,
            read=None,
            status=None,
            redirect=0,
            allowed_methods=None,
            backoff_factor=backoff_factor,
            raise_on_redirect=False,
            raise_on_status=False,
            respect_retry_after_header=True,
        )

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        # The headers are not visible here; increment() sees them and may still decline.
        return bool(self.total) and status_code >= 400

    def get_retry_after(self, response: Any) -> Optional[float]:
        """Return the wait the server asks for, when it is one to honour (at most a minute).

        urllib3 sleeps this long before the next try; None means the backoff instead.
        """
        wait = self.server_wait(response)
        return wait if wait is not None and wait <= self.RETRY_AFTER_MAX else None

    def server_wait(self, response: Any) -> Optional[float]:
        """Return the seconds asked by ``retry-after-ms``, else ``Retry-After``, else None."""
        headers = response.headers
        millis = headers.get("retry-after-ms")
        if millis is not None:
            try:
                seconds = float(millis) / 1000.0
            except ValueError:
                seconds = -1.0
            if 0 <= seconds < math.inf:
                return seconds
        value = headers.get("Retry-After")
        if value is None:
            return None
        try:
            return float(self.parse_retry_after(value))
        except (InvalidHeader, ValueError, TypeError, OverflowError):
            return None

    def get_backoff_time(self) -> float:
        tries = len(self.history)
        if tries == 0:
            return 0.0
        wait = min(self.backoff_factor * (2 ** (tries - 1)), self.BACKOFF_CAP)
        return float(wait * (1.0 - 0.25 * random.random()))

    def should_retry(self, response: Any) -> bool:
        """Tell whether *response* (an error status) is worth another try."""
        verdict = response.headers.get("x-should-retry")
        if verdict == "true":
            return True
        if verdict == "false":
            return False
        status = response.status
        if status not in _RETRY_STATUSES and status < 500:
            return False
        wait = self.server_wait(response)
        return wait is None or wait <= self.RETRY_AFTER_MAX

    def sleep(self, response: Any = None) -> None:
        """Wait before the next try; raise APITimeoutError at once when the call's
        ``deadline`` would pass during the wait."""
        wait: Optional[float] = None
        if self.respect_retry_after_header and response is not None:
            wait = self.get_retry_after(response)
        if wait is None:
            wait = self.get_backoff_time()
        check_wait(wait)
        if wait > 0:
            time.sleep(wait)

    def increment(
        self,
        method: Optional[str] = None,
        url: Optional[str] = None,
        response: Any = None,
        error: Optional[Exception] = None,
        _pool: Any = None,
        _stacktrace: Optional[TracebackType] = None,
    ) -> OpenAIRetry:
        if remaining() == 0:  # the call's total timeout has passed: no more tries
            raise MaxRetryError(_pool, url or "", error or ResponseError("the total timeout passed"))
        if error is None and response is not None and not self.should_retry(response):
            # urllib3 returns the response as it is when raise_on_status is off.
            raise MaxRetryError(_pool, url or "", ResponseError("not retryable"))
        if isinstance(error, ReadTimeoutError) and (method or "").upper() not in _IDEMPOTENT:
            raise error
        bad_certificate = any(isinstance(a, ssl.SSLCertVerificationError) for a in getattr(error, "args", ()))
        if isinstance(error, SSLError) and bad_certificate:
            raise error  # a certificate that fails verification fails on every try
        return super().increment(method, url, response, error, _pool, _stacktrace)
