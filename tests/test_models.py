"""The Models API, replaying the seed's models tour against FakeOpenAI."""

from __future__ import annotations

import pytest

from openai_lite import NotFoundError, OpenAISession, models
from openai_lite.testing import FakeOpenAI


def test_list_models(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = models.list(session)

    assert resp.status_code == 200 and resp.ok
    ids = [m.id for m in resp.data.data]
    assert "gpt-3.5-turbo" in ids
    assert all(m.object == "model" for m in resp.data.data)
    sent = fake.last
    assert (sent.method, sent.path, sent.query, sent.body) == ("GET", "/v1/models", {}, b"")
    assert sent.headers["Authorization"] == "Bearer " + fake.api_key


def test_retrieve_model(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = models.retrieve(session, "gpt-3.5-turbo")

    assert resp.status_code == 200
    assert resp.data.id == "gpt-3.5-turbo"
    assert isinstance(resp.data.created, int)
    assert fake.last.path == "/v1/models/gpt-3.5-turbo"


def test_delete_unknown_model_returns_404_without_raising(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = models.delete(session, "unknownName")

    assert resp.status_code == 404 and not resp.ok
    assert resp.error is not None and resp.error.code == "model_not_found"
    assert (fake.last.method, fake.last.path) == ("DELETE", "/v1/models/unknownName")
    with pytest.raises(NotFoundError) as caught:
        resp.data
    assert caught.value.status_code == 404
    assert caught.value.code == "model_not_found"
    assert caught.value.request_id == resp.request_id is not None
    assert str(caught.value).startswith(f"404 Not Found (request {resp.request_id}): ")


def test_delete_fine_tuned_model(fake: FakeOpenAI, session: OpenAISession) -> None:
    name = "ft:gpt-3.5-turbo:acme::abc123"
    resp = models.delete(session, name)

    assert resp.status_code == 200
    assert resp.data.deleted is True and resp.data.id == name
    assert fake.last.path == "/v1/models/ft%3Agpt-3.5-turbo%3Aacme%3A%3Aabc123"
    assert models.retrieve(session, name).status_code == 404


@pytest.mark.parametrize(
    "name, path",
    [
        ("../files", "/v1/models/..%2Ffiles"),
        ("a?b#c", "/v1/models/a%3Fb%23c"),
        ("with space", "/v1/models/with%20space"),
    ],
)
def test_model_names_cannot_leave_their_endpoint(
    fake: FakeOpenAI, session: OpenAISession, name: str, path: str
) -> None:
    resp = models.retrieve(session, name)

    assert fake.last.path == path
    assert fake.last.query == {}
    assert resp.status_code == 404


@pytest.mark.parametrize("bad", ["", None, 42, ".", ".."])
def test_bad_model_name_is_refused_before_sending(
    fake: FakeOpenAI, session: OpenAISession, bad: object
) -> None:
    with pytest.raises(ValueError, match="model must"):
        models.retrieve(session, bad)  # type: ignore[arg-type]
    assert fake.requests == []
