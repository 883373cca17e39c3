"""Replies of the right status but the wrong shape: only results or the library's typed errors."""

from __future__ import annotations

import json

import pytest

from openai_lite import APIResponseValidationError, OpenAISession, chat, embeddings, models, responses
from openai_lite.testing import FakeOpenAI, Reply, json_reply, sse_reply


def test_null_item_where_an_object_belongs(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(json_reply({"object": "list", "model": "m", "data": [None], "usage": None}))

    with pytest.raises(APIResponseValidationError, match=r"CreateEmbeddingResponse.data: .*null item"):
        embeddings.create(session, input="x", model="m", encoding_format="float")


def test_null_choice_in_a_stream(fake: FakeOpenAI, session: OpenAISession) -> None:
    chunk = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [None]}
    fake.enqueue(sse_reply([chunk]))

    with pytest.raises(APIResponseValidationError), chat.stream(
        session, model="m", messages=[{"role": "user", "content": "Hi"}]
    ) as stream:
        list(stream)


def test_deeply_nested_response_event(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(sse_reply([b"data: " + b"[" * 100_000 + b"]" * 100_000 + b"\n\n"], done=False))

    with pytest.raises(APIResponseValidationError):
        with responses.stream(session, model="m", input="Hi") as events:
            list(events)


def test_chunked_reply_with_a_content_length_beside_it(fake: FakeOpenAI, session: OpenAISession) -> None:
    body = json.dumps({"object": "list", "data": [{"id": "m1", "object": "model"}]}).encode()
    # Chunked framing wins over Content-Length (RFC 9112, 6.3); the body is whole.
    fake.enqueue(Reply(headers={"Content-Length": "999", "Content-Type": "application/json"}, chunks=[body]))

    assert [m.id for m in models.list(session).data.data] == ["m1"]


def test_a_huge_page_is_not_kept_whole_by_the_error(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(Reply(body=b"<html>" + b"x" * 1_000_000, content_type="text/html"))

    with pytest.raises(APIResponseValidationError) as caught:
        models.list(session)
    assert len(caught.value.body) <= 1000
    assert len(str(caught.value)) < 300
