"""OpenAI-compatible servers (Ollama, vLLM, llama.cpp, LM Studio): any base URL, any path prefix."""

from __future__ import annotations

from typing import Iterator

import pytest
from conftest import check_conformance

from openai_lite import OpenAISession, chat, embeddings, models
from openai_lite.testing import FakeOpenAI


@pytest.fixture(params=["/compat/v1", ""], ids=["prefix", "root"])
def compatible(request: pytest.FixtureRequest) -> Iterator[FakeOpenAI]:
    """A fake served under a non-default prefix, or at the root, as local servers are."""
    with FakeOpenAI(prefix=request.param, api_key="ollama") as fake:
        yield fake
    for exchange in fake.requests:
        check_conformance(exchange)


def test_chat_embeddings_and_models_on_a_compatible_server(compatible: FakeOpenAI) -> None:
    # Local servers are documented with a trailing slash, e.g. http://localhost:11434/v1/
    session = OpenAISession(base_url=compatible.url + "/", api_key="ollama")
    prefix = compatible.prefix

    answer = chat.create(
        session, model="gpt-4o-mini", messages=[{"role": "user", "content": "Capital of France?"}]
    )
    vector = embeddings.create(
        session, input="hello", model="text-embedding-3-small", encoding_format="float"
    )
    listed = models.list(session)
    one = models.retrieve(session, "gpt-4o-mini")

    assert answer.data.choices[0].message.content == "The capital of France is Paris."
    assert len(vector.data.data[0].embedding) == 1536
    assert "gpt-4o-mini" in [m.id for m in listed.data.data]
    assert one.data.id == "gpt-4o-mini"
    assert [(r.method, r.path) for r in compatible.requests] == [
        ("POST", prefix + "/chat/completions"),
        ("POST", prefix + "/embeddings"),
        ("GET", prefix + "/models"),
        ("GET", prefix + "/models/gpt-4o-mini"),
    ]
    assert all(r.headers["Authorization"] == "Bearer ollama" for r in compatible.requests)


def test_base_url_from_the_environment(compatible: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", compatible.url)
    monkeypatch.setenv("OPENAI_API_KEY", "ollama")
    assert models.list(OpenAISession()).status_code == 200
    assert compatible.last.path == compatible.prefix + "/models"


def test_the_retrying_adapter_covers_the_prefix(compatible: FakeOpenAI) -> None:
    from openai_lite._session import RetryingAdapter
    from openai_lite.testing import error_reply

    session = OpenAISession(base_url=compatible.url, api_key="ollama")
    assert isinstance(session.get_adapter(compatible.url + "/models"), RetryingAdapter)
    compatible.enqueue(
        error_reply(503, "Loading model.", type="server_error", headers={"retry-after-ms": "1"})
    )
    resp = models.list(session)
    assert (resp.status_code, resp.retries) == (200, 1)
