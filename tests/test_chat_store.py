"""Stored chat completions against FakeOpenAI: retrieve, list, update, delete, list messages."""

from __future__ import annotations

from typing import List

import pytest

from openai_lite import NotFoundError, OpenAISession, chat
from openai_lite.chat import ChatCompletion, StoredChatCompletionMessage
from openai_lite.testing import FakeOpenAI


def _store(
    session: OpenAISession, text: str, *, model: str = "gpt-4o-mini", **metadata: str
) -> ChatCompletion:
    return chat.create(
        session,
        model=model,
        messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": text}],
        store=True,
        metadata=metadata or None,
    ).data


def test_retrieve_a_stored_completion(fake: FakeOpenAI, session: OpenAISession) -> None:
    created = _store(session, "What is the capital of the France?", team="geo")

    resp = chat.retrieve(session, created.id)

    assert resp.status_code == 200
    assert (fake.last.method, fake.last.path, fake.last.body) == (
        "GET",
        f"/v1/chat/completions/{created.id}",
        b"",
    )
    assert fake.last.headers["Authorization"] == "Bearer " + fake.api_key
    assert resp.data.id == created.id and resp.data.metadata == {"team": "geo"}
    assert resp.data.choices[0].message.content == "The capital of France is Paris."


def test_unstored_completion_is_not_found(fake: FakeOpenAI, session: OpenAISession) -> None:
    created = chat.create(session, model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}]).data

    resp = chat.retrieve(session, created.id)

    assert resp.status_code == 404 and resp.error is not None and resp.error.param == "completion_id"
    with pytest.raises(NotFoundError):
        resp.data


def test_list_filters_and_pages(fake: FakeOpenAI, session: OpenAISession) -> None:
    a = _store(session, "one", team="geo")
    b = _store(session, "two", model="gpt-4.1", team="geo")
    c = _store(session, "three", team="geo", tier="gold")
    _store(session, "four", team="ops")

    page = chat.list(session, metadata={"team": "geo"}, limit=2)
    assert fake.last.path == "/v1/chat/completions"
    assert fake.last.query == {"metadata[team]": ["geo"], "limit": ["2"]}
    assert [x.id for x in page.data.data] == [a.id, b.id]
    assert (page.data.first_id, page.data.last_id, page.data.has_more) == (a.id, b.id, True)

    rest = chat.list(session, metadata={"team": "geo"}, after=page.data.last_id, limit=2).data
    assert [x.id for x in rest.data] == [c.id] and rest.has_more is False

    assert [x.id for x in chat.list(session, model="gpt-4.1").data.data] == [b.id]
    assert fake.last.query == {"model": ["gpt-4.1"]}
    newest = chat.list(session, order="desc", metadata={"team": "geo", "tier": "gold"}).data
    assert fake.last.query == {"order": ["desc"], "metadata[team]": ["geo"], "metadata[tier]": ["gold"]}
    assert [x.id for x in newest.data] == [c.id]


def test_update_metadata(fake: FakeOpenAI, session: OpenAISession) -> None:
    created = _store(session, "Hi", team="geo")

    resp = chat.update(session, created.id, metadata={"team": "ops", "done": "yes"})

    assert (fake.last.method, fake.last.path) == ("POST", f"/v1/chat/completions/{created.id}")
    assert fake.last.headers["Content-Type"] == "application/json"
    assert fake.last.json == {"metadata": {"team": "ops", "done": "yes"}}
    assert resp.data.metadata == {"team": "ops", "done": "yes"}
    assert chat.retrieve(session, created.id).data.metadata == {"team": "ops", "done": "yes"}

    cleared = chat.update(session, created.id, metadata=None)
    assert fake.last.json == {"metadata": None}
    assert cleared.data.metadata == {}


def test_delete(fake: FakeOpenAI, session: OpenAISession) -> None:
    created = _store(session, "Hi")

    resp = chat.delete(session, created.id)

    assert (fake.last.method, fake.last.path) == ("DELETE", f"/v1/chat/completions/{created.id}")
    assert resp.status_code == 200
    assert (resp.data.id, resp.data.deleted, resp.data.object) == (
        created.id,
        True,
        "chat.completion.deleted",
    )
    assert chat.retrieve(session, created.id).status_code == 404
    assert chat.delete(session, created.id).status_code == 404


# The spec types every listed message as an assistant message; the API lists the request's messages.
@pytest.mark.off_spec
def test_list_messages(fake: FakeOpenAI, session: OpenAISession) -> None:
    created = chat.create(
        session,
        model="gpt-4o-mini",
        messages=[
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
            {"role": "user", "content": "And again"},
        ],
        store=True,
    ).data

    first = chat.list_messages(session, created.id, limit=2)
    assert fake.last.path == f"/v1/chat/completions/{created.id}/messages"
    assert fake.last.query == {"limit": ["2"]}
    messages: List[StoredChatCompletionMessage] = first.data.data
    assert [(m.id, m.role, m.content) for m in messages] == [
        (f"{created.id}-0", "system", "Be brief."),
        (f"{created.id}-1", "user", None),
    ]
    assert messages[1].content_parts == [{"type": "text", "text": "Hi"}]
    assert first.data.has_more is True and first.data.last_id == f"{created.id}-1"

    rest = chat.list_messages(session, created.id, after=first.data.last_id, order="asc").data
    assert fake.last.query == {"after": [f"{created.id}-1"], "order": ["asc"]}
    assert [m.content for m in rest.data] == ["And again"] and rest.has_more is False

    newest = chat.list_messages(session, created.id, order="desc", limit=1).data
    assert newest.data[0].id == f"{created.id}-2"


def test_ids_are_percent_encoded(fake: FakeOpenAI, session: OpenAISession) -> None:
    chat.retrieve(session, "a/b")
    chat.list_messages(session, "x?y")
    chat.update(session, "..%", metadata={})

    assert [r.path for r in fake.requests] == [
        "/v1/chat/completions/a%2Fb",
        "/v1/chat/completions/x%3Fy/messages",
        "/v1/chat/completions/..%25",
    ]
    assert [r.reply_status for r in fake.requests] == [404, 404, 404]


def test_bad_arguments_are_refused_before_sending(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(TypeError, match="metadata"):
        chat.list(session, metadata={"n": 1})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="completion_id"):
        chat.retrieve(session, "")
    with pytest.raises(ValueError, match="completion_id"):
        chat.delete(session, "..")
    assert fake.requests == []
