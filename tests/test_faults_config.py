"""Faults in secrets, paths, URLs and configuration: what a hostile server or a careless caller
could make the library leak, misroute or raise untyped.

Each case runs over the wire against FakeOpenAI or a raw-socket server on 127.0.0.1, and
asserts what was sent (or that nothing was) and what the caller got.
"""

from __future__ import annotations

import json
import pickle
import traceback
from typing import Any, List

import pytest
import requests
from rawserver import RawConnection, RawServer, http_response

from openai_lite import (
    APIConnectionError,
    APIStatusError,
    APIStreamError,
    OpenAIError,
    OpenAIRetry,
    OpenAISession,
    chat,
    models,
    responses,
    webhooks,
)
from openai_lite.azure import AzureOpenAISession
from openai_lite.testing import FakeOpenAI

KEY = "sk-secret-0123456789abcdef"
MODEL = {"id": "gpt-4o", "object": "model", "created": 1, "owned_by": "openai"}
MESSAGES = [{"role": "user", "content": "Hi"}]
COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "gpt-4o",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi"}, "finish_reason": "stop"}],
}
CHUNK = {
    "id": "chatcmpl-1",
    "object": "chat.completion.chunk",
    "created": 1,
    "model": "gpt-4o",
    "choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": None}],
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "AZURE_OPENAI_ENDPOINT",
        "AZURE_OPENAI_API_KEY",
        "AZURE_OPENAI_AD_TOKEN",
        "OPENAI_API_VERSION",
    ):
        monkeypatch.delenv(name, raising=False)


def raw_session(url: str, retries: int = 0, **kwargs: Any) -> OpenAISession:
    return OpenAISession(
        api_key=kwargs.pop("api_key", KEY),
        base_url=url,
        max_retries=OpenAIRetry.for_tries(retries, backoff_factor=0.001),
        **kwargs,
    )


def answer_each(replies: List[bytes]) -> Any:
    def handler(conn: RawConnection) -> None:
        while replies:
            if conn.read_request() is None:
                return
            conn.send(replies.pop(0))
        conn.close()

    return handler


def json_200(obj: Any) -> bytes:
    return http_response(200, json.dumps(obj), {"Content-Type": "application/json"})


def sse_200(body: bytes) -> bytes:
    return http_response(200, body, {"Content-Type": "text/event-stream"})


# ---------------------------------------------------------------------------
# Secrets


def test_pickled_response_does_not_carry_the_key(fake: FakeOpenAI) -> None:
    session = raw_session(fake.url, api_key=fake.api_key)
    resp = chat.create(session, model="gpt-4o", messages=MESSAGES)
    assert fake.last.headers["Authorization"] == "Bearer " + fake.api_key  # it was sent
    blob = pickle.dumps(resp)
    assert fake.api_key.encode() not in blob
    again = pickle.loads(blob)
    assert again.data.choices[0].message.content == resp.data.choices[0].message.content
    assert fake.api_key not in str(resp.raw.request.headers)


def test_pickled_azure_response_does_not_carry_the_api_key() -> None:
    with RawServer(answer_each([json_200(COMPLETION)])) as server:
        session = AzureOpenAISession(
            base_url=server.url, api_version="2024-10-21", api_key=KEY, azure_deployment="gpt", max_retries=0
        )
        resp = chat.create(session, model="gpt-4o", messages=MESSAGES)
    assert server.requests[0].headers["api-key"] == KEY
    assert KEY.encode() not in pickle.dumps(resp)


def test_error_of_a_failed_call_does_not_carry_the_key_in_its_cause_or_locals() -> None:
    def handler(conn: RawConnection) -> None:
        conn.read_request()
        conn.reset()

    with RawServer(handler) as server:
        with pytest.raises(APIConnectionError) as caught:
            models.retrieve(raw_session(server.url), "gpt-4o")
    assert server.requests[0].headers["authorization"] == "Bearer " + KEY
    cause = caught.value.__cause__
    assert isinstance(cause, requests.RequestException) and cause.request is not None
    assert KEY not in str(cause.request.headers)
    shown = "".join(traceback.TracebackException.from_exception(caught.value, capture_locals=True).format())
    assert KEY not in shown


@pytest.mark.parametrize("value", [None, b"sk-bytes-key", 12345, ""], ids=["None", "bytes", "int", "empty"])
def test_key_provider_returning_anything_but_a_str_is_refused_unshown(fake: FakeOpenAI, value: Any) -> None:
    session = raw_session(fake.url, api_key=lambda: value)
    with pytest.raises(OpenAIError, match="must be a non-empty str") as caught:
        models.retrieve(session, "gpt-4o")
    assert "sk-bytes-key" not in str(caught.value) and "12345" not in str(caught.value)
    assert fake.requests == []


def test_bytes_key_is_refused_at_construction(fake: FakeOpenAI) -> None:
    with pytest.raises(TypeError, match="api_key must be a str") as caught:
        OpenAISession(api_key=b"sk-bytes-key", base_url=fake.url)  # type: ignore[arg-type]
    assert "sk-bytes-key" not in str(caught.value)


# ---------------------------------------------------------------------------
# Paths and URLs


@pytest.mark.parametrize("deployment", ["..", ".", ""])
def test_azure_deployment_name_goes_through_the_path_parameter_check(deployment: str) -> None:
    with pytest.raises(ValueError, match="azure_deployment"):
        AzureOpenAISession(
            base_url="http://127.0.0.1:1/openai", api_version="v", api_key=KEY, azure_deployment=deployment
        )


@pytest.mark.parametrize("model", ["..", "."])
def test_azure_model_as_deployment_goes_through_the_path_parameter_check(model: str) -> None:
    with RawServer(answer_each([json_200(COMPLETION)])) as server:
        session = AzureOpenAISession(base_url=server.url, api_version="v", api_key=KEY, max_retries=0)
        with pytest.raises(ValueError, match="model"):
            chat.create(session, model=model, messages=MESSAGES)
        assert chat.create(session, model="a/b", messages=MESSAGES).ok
    assert [r.target.split("?")[0] for r in server.requests] == ["/v1/deployments/a%2Fb/chat/completions"]


@pytest.mark.parametrize("suffix, sent", [("/my v1", "/my%20v1/models/m"), ("/v0/../v1/.", "/v1/models/m")])
def test_base_url_that_requests_rewrites_keeps_retries(suffix: str, sent: str) -> None:
    replies = [http_response(500, b'{"error": {"message": "down"}}'), json_200(MODEL)]
    with RawServer(answer_each(replies)) as server:
        base = server.url[: -len("/v1")] + suffix
        resp = models.retrieve(raw_session(base, retries=2), "m")
    assert (resp.status_code, resp.retries) == (200, 1)
    assert [r.target for r in server.requests] == [sent, sent]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:99999/v1",
        "http://127.0.0.1:port/v1",
        "http://[::1/v1",
        "ftp://example.com/v1",
        "example.com/v1",
    ],
)
def test_bad_base_url_is_refused_at_construction(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="base_url"):
        OpenAISession(api_key=KEY, base_url=url)
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    with pytest.raises(ValueError, match="OPENAI_BASE_URL"):
        OpenAISession(api_key=KEY)


def test_bad_base_url_from_the_environment_with_a_plain_session_is_an_openai_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:99999/v1")
    with pytest.raises(OpenAIError, match="could not be built"):
        models.retrieve(requests.Session(), "gpt-4o")


@pytest.mark.parametrize(
    "location",
    ["http://[::1/x", "http://127.0.0.1:99999/x", "http://127.0.0.1:port/x", "http://exa mple.com/x"],
)
def test_redirect_to_a_malformed_location_returns_the_3xx(location: str) -> None:
    reply = http_response(302, b"", {"Location": location})
    with RawServer(answer_each([reply])) as server:
        resp = models.retrieve(raw_session(server.url), "gpt-4o")
    assert (resp.status_code, resp.ok) == (302, False)
    with pytest.raises(APIStatusError):
        resp.data
    assert len(server.requests) == 1


@pytest.mark.parametrize("location", ["http://[::1/x", "http://127.0.0.1:99999/x", "http://127.0.0.1:port/x"])
def test_redirect_to_a_malformed_location_with_a_plain_session_is_an_openai_error(
    monkeypatch: pytest.MonkeyPatch, location: str
) -> None:
    reply = http_response(302, b"", {"Location": location})
    with RawServer(answer_each([reply, reply])) as server:
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        try:
            resp = models.retrieve(requests.Session(), "gpt-4o")
        except OpenAIError as exc:
            assert isinstance(exc, APIConnectionError) and KEY not in str(exc)
        else:  # requests followed nothing it could not parse: the 3xx comes back
            assert resp.status_code == 302


# ---------------------------------------------------------------------------
# Header values


@pytest.mark.parametrize("value", ["org-1\r\nX-Injected: 1", "org-1\n", "org-€", " org-1"])
def test_organization_or_project_that_cannot_be_a_header_is_refused_and_named(
    fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    with pytest.raises(ValueError, match="organization"):
        OpenAISession(api_key=KEY, base_url=fake.url, organization=value)
    with pytest.raises(ValueError, match="project"):
        OpenAISession(api_key=KEY, base_url=fake.url, project=value)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", fake.url)
    monkeypatch.setenv("OPENAI_ORG_ID", value)
    with pytest.raises(ValueError, match="OPENAI_ORG_ID"):
        OpenAISession()
    with pytest.raises(ValueError, match="OPENAI_ORG_ID"):
        models.retrieve(requests.Session(), "gpt-4o")
    assert fake.requests == []


def test_extra_header_with_a_line_break_is_refused_and_named(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    with pytest.raises(ValueError, match="extra_headers\\['X-Trace'\\]"):
        models.retrieve(session, "gpt-4o", extra_headers={"X-Trace": "a\r\nX-Injected: 1"})
    assert fake.requests == []


# ---------------------------------------------------------------------------
# Server-sent events


def test_sse_retry_field_of_thousands_of_digits_is_ignored() -> None:
    event = b"retry: " + b"9" * 5000 + b"\ndata: " + json.dumps(CHUNK).encode() + b"\n\ndata: [DONE]\n\n"
    with RawServer(answer_each([sse_200(event)])) as server:
        with chat.stream(raw_session(server.url), model="gpt-4o", messages=MESSAGES) as chunks:
            texts = [c.choices[0].delta.content for c in chunks]
    assert texts == ["Hi"]


def test_sse_error_event_whose_data_is_not_json_is_a_stream_error() -> None:
    body = b"data: " + json.dumps(CHUNK).encode() + b"\n\nevent: error\ndata: upstream overloaded <html>\n\n"
    with RawServer(answer_each([sse_200(body)])) as server:
        got: List[str] = []
        with pytest.raises(APIStreamError, match="upstream overloaded"):
            with chat.stream(raw_session(server.url), model="gpt-4o", messages=MESSAGES) as chunks:
                got.extend(c.choices[0].delta.content or "" for c in chunks)
    assert got == ["Hi"]


def test_responses_error_event_whose_data_is_not_json_is_a_stream_error() -> None:
    body = b"event: error\ndata: upstream overloaded\n\n"
    with RawServer(answer_each([sse_200(body)])) as server:
        with pytest.raises(APIStreamError, match="upstream overloaded"):
            with responses.stream(raw_session(server.url), model="gpt-4o", input="Hi") as events:
                list(events)


# ---------------------------------------------------------------------------
# Webhooks


def test_webhook_nested_too_deeply_is_a_value_error() -> None:
    payload = '{"id": "evt_1", "type": "batch.completed", "data": ' + "[" * 100000 + "]" * 100000 + "}"
    headers = {"webhook-id": "wh_1", "webhook-timestamp": "1700000000"}
    headers["webhook-signature"] = webhooks.sign(payload, webhook_id="wh_1", timestamp=1700000000, secret="s")
    with pytest.raises(ValueError, match="payload"):
        webhooks.unwrap(payload, headers, "s", now=1700000000)
