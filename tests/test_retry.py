"""OpenAIRetry on its own: the waits it computes and the answers it gives, without a server.

The wire-level behaviour (what is retried, what comes back) is in test_faults.py.
"""

from __future__ import annotations

import email.utils
import time
from typing import Dict

import pytest
from urllib3.exceptions import MaxRetryError, ProtocolError, ReadTimeoutError
from urllib3.response import HTTPResponse
from urllib3.util.retry import RequestHistory

from openai_lite import OpenAIRetry


def response(status: int, headers: Dict[str, str]) -> HTTPResponse:
    return HTTPResponse(body=b"", headers=headers, status=status, preload_content=False)


def after(tries: int, *, backoff_factor: float = 0.5) -> OpenAIRetry:
    """The policy as it stands after *tries* failed tries."""
    history = tuple(RequestHistory("GET", "/v1/models", None, 503, None) for _ in range(tries))
    return OpenAIRetry.for_tries(10, backoff_factor=backoff_factor).new(history=history)


def test_no_backoff_before_the_first_try() -> None:
    assert after(0).get_backoff_time() == 0.0


@pytest.mark.parametrize(
    ("tries", "base"), [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (6, 8.0), (9, 8.0)]
)
def test_backoff_doubles_from_half_a_second_up_to_8_seconds_less_a_quarter_jitter(
    tries: int, base: float
) -> None:
    waits = [after(tries).get_backoff_time() for _ in range(200)]
    assert all(0.75 * base <= w <= base for w in waits)
    assert len(set(waits)) > 1  # jittered


def test_backoff_factor_scales_the_first_wait() -> None:
    assert 0.00075 <= after(1, backoff_factor=0.001).get_backoff_time() <= 0.001


def test_retry_after_seconds_is_the_wait() -> None:
    policy = OpenAIRetry.for_tries(2)
    assert policy.get_retry_after(response(429, {"Retry-After": "7"})) == 7.0
    assert policy.should_retry(response(429, {"Retry-After": "60"}))


def test_retry_after_http_date_is_the_wait() -> None:
    date = email.utils.formatdate(time.time() + 30, usegmt=True)
    wait = OpenAIRetry.for_tries(2).get_retry_after(response(429, {"Retry-After": date}))
    assert wait is not None and 28.0 <= wait <= 30.0


def test_retry_after_ms_is_the_wait_and_wins_over_retry_after() -> None:
    policy = OpenAIRetry.for_tries(2)
    assert policy.get_retry_after(response(429, {"retry-after-ms": "250"})) == 0.25
    both = response(429, {"retry-after-ms": "5", "Retry-After": "3600"})
    assert policy.get_retry_after(both) == 0.005
    assert policy.should_retry(both)


@pytest.mark.parametrize("value", ["-5", "soon", "nan", "inf", ""])
def test_unusable_retry_after_ms_falls_back_to_retry_after(value: str) -> None:
    policy = OpenAIRetry.for_tries(2)
    assert policy.get_retry_after(response(429, {"retry-after-ms": value, "Retry-After": "3"})) == 3.0
    assert policy.get_retry_after(response(429, {"retry-after-ms": value})) is None


@pytest.mark.parametrize("value", ["-1", "soon", "1.5.3", "Mon, 99 Foo 20xx"])
def test_unusable_retry_after_means_backoff(value: str) -> None:
    resp = response(503, {"Retry-After": value})
    assert OpenAIRetry.for_tries(2).get_retry_after(resp) is None
    assert OpenAIRetry.for_tries(2).should_retry(resp)


def test_wait_longer_than_60_seconds_is_not_retried_nor_waited() -> None:
    policy = OpenAIRetry.for_tries(2)
    for headers in ({"Retry-After": "61"}, {"retry-after-ms": "60001"}):
        assert not policy.should_retry(response(429, headers))
        assert policy.get_retry_after(response(429, headers)) is None


def test_x_should_retry_true_with_a_long_wait_retries_after_the_backoff_only() -> None:
    resp = response(429, {"x-should-retry": "true", "Retry-After": "3600"})
    policy = OpenAIRetry.for_tries(2)
    assert policy.should_retry(resp)
    assert policy.get_retry_after(resp) is None  # urllib3 then sleeps get_backoff_time()


@pytest.mark.parametrize(
    ("status", "headers", "verdict"),
    [
        (408, {}, True),
        (409, {}, True),
        (429, {}, True),
        (500, {}, True),
        (503, {}, True),
        (599, {}, True),
        (400, {}, False),
        (401, {}, False),
        (404, {}, False),
        (422, {}, False),
        (500, {"x-should-retry": "false"}, False),
        (400, {"x-should-retry": "true"}, True),
        (429, {"x-should-retry": "false", "retry-after-ms": "1"}, False),
    ],
)
def test_should_retry_verdicts(status: int, headers: Dict[str, str], verdict: bool) -> None:
    assert OpenAIRetry.for_tries(2).should_retry(response(status, headers)) is verdict


def test_declined_response_ends_the_loop_with_the_response() -> None:
    # urllib3 returns the response as it is when increment() raises MaxRetryError.
    with pytest.raises(MaxRetryError):
        OpenAIRetry.for_tries(2).increment("GET", "/v1/models", response=response(400, {}))


def test_read_timeout_on_post_is_raised_not_retried() -> None:
    timeout = ReadTimeoutError(None, "/v1/chat/completions", "Read timed out.")  # type: ignore[arg-type]
    with pytest.raises(ReadTimeoutError):
        OpenAIRetry.for_tries(2).increment("POST", "/v1/chat/completions", error=timeout)
    assert OpenAIRetry.for_tries(2).increment("GET", "/v1/models", error=timeout).total == 1


def test_reset_before_a_response_is_retried_for_post() -> None:
    reset = ProtocolError("Connection aborted.", ConnectionResetError(104, "reset"))
    policy = OpenAIRetry.for_tries(2).increment("POST", "/v1/chat/completions", error=reset)
    assert policy.total == 1 and len(policy.history) == 1


def test_per_call_copy_keeps_the_class_and_the_backoff() -> None:
    copy = OpenAIRetry.for_tries(2, backoff_factor=0.25).new(total=5)
    assert type(copy) is OpenAIRetry
    assert copy.total == 5 and copy.backoff_factor == 0.25


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"max_retries": "3"}, TypeError),
        ({"max_retries": True}, TypeError),
        ({"max_retries": -1}, ValueError),
        ({"max_retries": 1, "backoff_factor": -0.5}, ValueError),
        ({"max_retries": 1, "backoff_factor": "1"}, TypeError),
    ],
)
def test_for_tries_rejects_bad_settings_naming_them(kwargs: Dict[str, object], error: type) -> None:
    kwargs = dict(kwargs)  # the parameters are shared by every run of the test
    name = "backoff_factor" if "backoff_factor" in kwargs else "max_retries"
    count = kwargs.pop("max_retries")
    with pytest.raises(error, match=name):
        OpenAIRetry.for_tries(count, **kwargs)  # type: ignore[arg-type]
