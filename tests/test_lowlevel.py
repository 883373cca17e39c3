"""openai_lite.request: the low-level call for endpoints the library does not model."""

from __future__ import annotations

from typing import Dict

import pytest

from openai_lite import (
    APIResponseValidationError,
    NotFoundError,
    OpenAISession,
    RateLimitError,
    files,
    request,
)
from openai_lite.testing import FakeOpenAI, RecordedRequest, Reply, error_reply, json_reply


def test_get_with_a_query_returns_the_json(fake: FakeOpenAI, session: OpenAISession) -> None:
    created = files.create(session, file=("a.jsonl", b"{}\n"), purpose="batch").data

    resp = request(session, "get", "/files", params={"purpose": "batch", "limit": 10, "after": None})

    assert resp.status_code == 200
    assert resp.data["object"] == "list" and [f["id"] for f in resp.data["data"]] == [created.id]
    sent = fake.last
    assert (sent.method, sent.path, sent.body) == ("GET", "/v1/files", b"")
    assert sent.query == {"purpose": ["batch"], "limit": ["10"]}
    assert sent.headers["Authorization"] == "Bearer " + fake.api_key


def test_post_json_to_an_unmodelled_endpoint(fake: FakeOpenAI, session: OpenAISession) -> None:
    @fake.route("POST", "/assistants")
    def create_assistant(fake: FakeOpenAI, sent: RecordedRequest, params: Dict[str, str]) -> Reply:
        return json_reply({"id": "asst_1", "object": "assistant", "name": sent.json["name"]})

    resp = request(
        session,
        "POST",
        "/assistants",
        json={"name": "Support FAQ", "model": "gpt-4o-mini"},
        extra_headers={"OpenAI-Beta": "assistants=v2"},
        extra_query={"trace": True},
    )

    assert resp.data == {"id": "asst_1", "object": "assistant", "name": "Support FAQ"}
    sent = fake.last
    assert (sent.method, sent.path, sent.query) == ("POST", "/v1/assistants", {"trace": ["true"]})
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.headers["OpenAI-Beta"] == "assistants=v2"
    assert sent.json == {"name": "Support FAQ", "model": "gpt-4o-mini"}


def test_a_multipart_form(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = request(
        session, "POST", "/files", form={"purpose": "fine-tune"}, files={"file": ("data.jsonl", b"{}\n")}
    )

    assert resp.status_code == 200 and resp.data["filename"] == "data.jsonl" and resp.data["bytes"] == 3
    sent = fake.last
    assert sent.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert [(p.name, p.filename, p.data) for p in sent.parts] == [
        ("purpose", None, b"fine-tune"),
        ("file", "data.jsonl", b"{}\n"),
    ]


def test_a_binary_answer_is_bytes_and_an_empty_one_none(fake: FakeOpenAI, session: OpenAISession) -> None:
    file_id = files.create(session, file=("a.bin", b"\x00\x01\x02"), purpose="user_data").data.id

    assert request(session, "GET", f"/files/{file_id}/content").data == b"\x00\x01\x02"

    fake.enqueue(Reply(204))
    empty = request(session, "DELETE", "/assistants/asst_1")
    assert empty.status_code == 204 and empty.data is None


def test_errors_and_retries_work_as_everywhere(fake: FakeOpenAI, session: OpenAISession) -> None:
    missing = request(session, "GET", "/assistants/asst_1")
    assert missing.status_code == 404
    with pytest.raises(NotFoundError):
        missing.data

    fake.enqueue(error_reply(429, "Slow down.", type="rate_limit_error", code="rate_limit_exceeded"))
    retried = request(session, "GET", "/models")
    assert retried.status_code == 200 and retried.retries == 1

    fake.enqueue(error_reply(429, "Slow down.", code="rate_limit_exceeded"))
    refused = request(session, "GET", "/models", max_retries=0)
    assert refused.error is not None and refused.error.code == "rate_limit_exceeded"
    with pytest.raises(RateLimitError):
        refused.data


def test_json_that_does_not_parse(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(Reply(200, body=b"{not json", content_type="application/json"))

    with pytest.raises(APIResponseValidationError):
        request(session, "GET", "/models")


def test_bad_arguments_send_nothing(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(ValueError, match="path"):
        request(session, "GET", "files")
    with pytest.raises(ValueError, match="path"):
        request(session, "GET", "https://example.com/v1/files")
    with pytest.raises(ValueError, match="method"):
        request(session, " ", "/files")
    with pytest.raises(ValueError, match="json"):
        request(session, "POST", "/files", json={}, form={"purpose": "batch"})
    with pytest.raises(FileNotFoundError, match="file"):
        request(session, "POST", "/files", files={"file": "/no/such/file.jsonl"})
    assert fake.requests == []
