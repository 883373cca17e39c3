"""OpenAISession and plain requests.Session: credentials, settings, and what they send."""

from __future__ import annotations

import pickle
import socket
from typing import Any, List

import pytest
import requests
from requests.adapters import HTTPAdapter

from openai_lite import AuthenticationError, OpenAIError, OpenAISession, chat, models
from openai_lite._session import DEFAULT_TIMEOUT, RetryingAdapter
from openai_lite.testing import FakeOpenAI

SECRET = "sk-test-SECRET-0123456789"


def test_missing_key_fails_before_anything_is_sent(fake: FakeOpenAI) -> None:
    with pytest.raises(OpenAIError, match="OPENAI_API_KEY"):
        OpenAISession(base_url=fake.url)
    with pytest.raises(OpenAIError, match="OPENAI_API_KEY"):
        models.list(requests.Session())
    assert fake.requests == []


def test_settings_come_from_the_environment(fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", fake.api_key)
    monkeypatch.setenv("OPENAI_BASE_URL", fake.url + "/")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-123")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj_456")

    session = OpenAISession()

    assert session.base_url == fake.url
    assert models.list(session).status_code == 200
    sent = fake.last.headers
    assert sent["OpenAI-Organization"] == "org-123"
    assert sent["OpenAI-Project"] == "proj_456"
    assert session.timeout == DEFAULT_TIMEOUT == (5.0, 600.0)


def test_organization_and_project_are_optional(fake: FakeOpenAI, session: OpenAISession) -> None:
    models.list(session)
    assert "OpenAI-Organization" not in fake.last.headers
    assert "OpenAI-Project" not in fake.last.headers


def test_key_provider_is_called_for_each_request(fake: FakeOpenAI) -> None:
    keys = iter([fake.api_key, "sk-revoked", fake.api_key])
    session = OpenAISession(api_key=lambda: next(keys), base_url=fake.url, max_retries=0)

    assert models.list(session).status_code == 200
    second = models.list(session)
    assert second.status_code == 401
    assert models.list(session).status_code == 200
    assert [r.headers["Authorization"] for r in fake.requests] == [
        "Bearer " + fake.api_key,
        "Bearer sk-revoked",
        "Bearer " + fake.api_key,
    ]
    with pytest.raises(AuthenticationError) as caught:
        second.data
    assert "sk-revoked" not in str(caught.value) + repr(caught.value)


def test_key_never_shows(fake: FakeOpenAI) -> None:
    session = OpenAISession(api_key=SECRET, base_url=fake.url, max_retries=0)
    resp = models.list(session)

    assert resp.status_code == 401
    shown = [repr(session), str(session.__dict__), repr(resp), str(resp.exception())]
    assert not [text for text in shown if SECRET in text]
    assert SECRET.encode() not in pickle.dumps(session)


def test_unpickled_session_reads_the_key_again(fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    session = OpenAISession(api_key=fake.api_key, base_url=fake.url, organization="org-1")
    copy = pickle.loads(pickle.dumps(session))

    assert (copy.base_url, copy.organization, copy.timeout) == (fake.url, "org-1", DEFAULT_TIMEOUT)
    with pytest.raises(OpenAIError, match="No API key"):
        models.list(copy)
    monkeypatch.setenv("OPENAI_API_KEY", fake.api_key)
    copy = pickle.loads(pickle.dumps(session))
    assert models.list(copy).status_code == 200
    assert isinstance(copy.get_adapter(fake.url + "/models"), RetryingAdapter)


def test_retrying_adapter_is_mounted_on_the_base_url_only(fake: FakeOpenAI, session: OpenAISession) -> None:
    assert isinstance(session.get_adapter(fake.url + "/models"), RetryingAdapter)
    assert type(session.get_adapter("https://example.com/")) is HTTPAdapter
    assert type(session.get_adapter(fake.url + "x/models")) is HTTPAdapter


def test_plain_session_is_used_as_it_is(fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", fake.api_key)
    monkeypatch.setenv("OPENAI_BASE_URL", fake.url)
    seen: List[int] = []

    def hook(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        seen.append(response.status_code)

    plain = requests.Session()
    plain.headers["X-Corporate"] = "yes"
    plain.hooks["response"].append(hook)
    adapters = dict(plain.adapters)
    headers = dict(plain.headers)

    resp = chat.create(plain, model="gpt-3.5-turbo", messages=[{"role": "user", "content": "France?"}])

    assert resp.status_code == 200 and resp.data.choices[0].message.content
    assert seen == [200]
    sent = fake.last.headers
    assert sent["X-Corporate"] == "yes"
    assert sent["Authorization"] == "Bearer " + fake.api_key
    assert sent["User-Agent"] == headers["User-Agent"]  # the user's own, not ours
    assert plain.adapters == adapters and dict(plain.headers) == headers
    assert plain.auth is None


def test_session_headers_and_extra_headers(fake: FakeOpenAI, session: OpenAISession) -> None:
    session.headers["X-Team"] = "search"
    session.headers["X-Debug"] = "on"
    models.list(session, extra_headers={"X-Call": "1", "X-Debug": None})

    sent = fake.last.headers
    assert sent["X-Team"] == "search" and sent["X-Call"] == "1"
    assert "X-Debug" not in sent
    assert session.headers["X-Debug"] == "on"


def test_default_timeout_applies_to_a_stall(fake: FakeOpenAI) -> None:
    from openai_lite import APITimeoutError
    from openai_lite.testing import Reply

    session = OpenAISession(api_key=fake.api_key, base_url=fake.url, timeout=0.3, max_retries=0)
    fake.enqueue(Reply(delay=2.0))
    with pytest.raises(APITimeoutError):
        models.list(session)
    fake.enqueue(Reply(delay=2.0))
    with pytest.raises(APITimeoutError):
        models.list(OpenAISession(api_key=fake.api_key, base_url=fake.url, max_retries=0), timeout=0.3)


def test_connection_refused_is_a_typed_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    from openai_lite import APIConnectionError

    session = OpenAISession(api_key="sk-x", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)
    with pytest.raises(APIConnectionError) as caught:
        models.list(session)
    assert "sk-x" not in str(caught.value)


def test_a_mounted_retrying_adapter_keeps_the_per_call_override(fake: FakeOpenAI) -> None:
    from openai_lite import OpenAIRetry, RetryingAdapter
    from openai_lite.testing import error_reply

    session = OpenAISession(api_key=fake.api_key, base_url=fake.url)
    adapter = RetryingAdapter(OpenAIRetry.for_tries(4, backoff_factor=0.001), pool_maxsize=32)
    session.mount(session.base_url + "/", adapter)
    assert session.get_adapter(fake.url + "/models") is adapter

    fake.enqueue(error_reply(503, "busy"), times=3)
    assert (models.list(session).status_code, len(fake.requests)) == (200, 4)
    fake.enqueue(error_reply(503, "busy"), times=3)
    resp = models.list(session, max_retries=0)
    assert (resp.status_code, resp.retries, len(fake.requests)) == (503, 0, 5)


@pytest.mark.parametrize(
    ("options", "error", "name"),
    [
        ({"timeout": 0}, ValueError, "timeout"),
        ({"timeout": -1.5}, ValueError, "timeout"),
        ({"timeout": float("nan")}, ValueError, "timeout"),
        ({"timeout": (5, 0)}, ValueError, "timeout"),
        ({"timeout": "5"}, TypeError, "timeout"),
        ({"timeout": True}, TypeError, "timeout"),
        ({"max_retries": -1}, ValueError, "max_retries"),
        ({"max_retries": "3"}, TypeError, "max_retries"),
        ({"max_retries": 1.5}, TypeError, "max_retries"),
    ],
)
def test_bad_timeout_or_max_retries_is_refused_by_the_constructor(
    fake: FakeOpenAI, options: Any, error: type, name: str
) -> None:
    with pytest.raises(error, match=f"^{name} must "):
        OpenAISession(api_key=fake.api_key, base_url=fake.url, **options)
    assert fake.requests == []


def test_good_timeouts_and_a_retry_object_are_accepted(fake: FakeOpenAI) -> None:
    from urllib3.util.retry import Retry

    for timeout in (None, 0.5, (1, 30), (1, None)):
        retry = Retry(1)
        session = OpenAISession(api_key=fake.api_key, base_url=fake.url, timeout=timeout, max_retries=retry)
        assert models.list(session).status_code == 200
    assert len(fake.requests) == 4
