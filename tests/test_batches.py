"""The Batch API against FakeOpenAI: create, retrieve, list, cancel."""

from __future__ import annotations

import pytest

from openai_lite import BadRequestError, NotFoundError, OpenAISession, batches, files, paginate
from openai_lite.testing import FakeOpenAI

REQUESTS = (
    b'{"custom_id": "r1", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "m"}}\n'
    b'{"custom_id": "r2", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "m"}}\n'
)


@pytest.fixture
def input_file_id(fake: FakeOpenAI, session: OpenAISession) -> str:
    file_id = files.create(session, file=("batch.jsonl", REQUESTS), purpose="batch").data.id
    fake.requests.clear()
    return file_id


def test_batch_tour(fake: FakeOpenAI, session: OpenAISession, input_file_id: str) -> None:
    created = batches.create(
        session,
        input_file_id=input_file_id,
        endpoint="/v1/chat/completions",
        completion_window="24h",
        metadata={"customer_id": "user_123456789"},
        output_expires_after={"anchor": "created_at", "seconds": 86400},
    )

    assert created.status_code == 200
    batch = created.data
    assert (batch.object, batch.status, batch.endpoint, batch.input_file_id) == (
        "batch",
        "validating",
        "/v1/chat/completions",
        input_file_id,
    )
    assert batch.id.startswith("batch_") and batch.metadata == {"customer_id": "user_123456789"}
    assert batch.request_counts is not None and batch.request_counts.total == 2
    assert batch.created_at is not None and batch.expires_at == batch.created_at + 86400
    sent = fake.last
    assert (sent.method, sent.path, sent.query) == ("POST", "/v1/batches", {})
    assert sent.headers["Authorization"] == "Bearer " + fake.api_key
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.json == {
        "input_file_id": input_file_id,
        "endpoint": "/v1/chat/completions",
        "completion_window": "24h",
        "metadata": {"customer_id": "user_123456789"},
        "output_expires_after": {"anchor": "created_at", "seconds": 86400},
    }

    retrieved = batches.retrieve(session, batch.id)
    assert retrieved.data == batch
    assert (fake.last.method, fake.last.path, fake.last.body) == ("GET", f"/v1/batches/{batch.id}", b"")

    listed = batches.list(session)
    assert [b.id for b in listed.data.data] == [batch.id]
    assert listed.data.has_more is False and listed.data.first_id == listed.data.last_id == batch.id

    cancelled = batches.cancel(session, batch.id)
    assert cancelled.data.status == "cancelling" and isinstance(cancelled.data.cancelling_at, int)
    assert (fake.last.method, fake.last.path, fake.last.body) == (
        "POST",
        f"/v1/batches/{batch.id}/cancel",
        b"",
    )

    again = batches.cancel(session, batch.id)
    assert again.status_code == 400
    with pytest.raises(BadRequestError, match="cancelling"):
        again.data


def test_list_pages_with_after_and_limit(
    fake: FakeOpenAI, session: OpenAISession, input_file_id: str
) -> None:
    ids = [
        batches.create(
            session, input_file_id=input_file_id, endpoint="/v1/embeddings", completion_window="24h"
        ).data.id
        for _ in range(5)
    ]
    fake.requests.clear()

    seen = [b.id for b in paginate(batches.list, session, limit=2)]

    assert seen == ids[::-1]
    assert [r.query for r in fake.requests] == [
        {"limit": ["2"]},
        {"limit": ["2"], "after": [ids[3]]},
        {"limit": ["2"], "after": [ids[1]]},
    ]
    page = batches.list(session, after=ids[4], limit=1).data
    assert [b.id for b in page.data] == [ids[3]] and page.has_more is True


def test_a_file_of_another_purpose_is_refused(fake: FakeOpenAI, session: OpenAISession) -> None:
    other = files.create(session, file=("x.jsonl", REQUESTS), purpose="fine-tune").data.id

    resp = batches.create(
        session, input_file_id=other, endpoint="/v1/chat/completions", completion_window="24h"
    )

    assert resp.status_code == 400 and resp.error is not None and resp.error.param == "input_file_id"


def test_unknown_batch_and_encoded_ids(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = batches.retrieve(session, "batch_a/b")

    assert resp.status_code == 404 and fake.last.path == "/v1/batches/batch_a%2Fb"
    with pytest.raises(NotFoundError):
        resp.data
    assert batches.cancel(session, "batch_x y").status_code == 404
    assert fake.last.path == "/v1/batches/batch_x%20y/cancel"
    with pytest.raises(ValueError, match="batch_id"):
        batches.retrieve(session, "")
    with pytest.raises(ValueError, match="batch_id"):
        batches.cancel(session, None)  # type: ignore[arg-type]
