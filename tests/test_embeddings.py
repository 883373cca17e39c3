"""Tests of openai_lite.embeddings against the fake server."""

from __future__ import annotations

import base64
import json
import struct
from typing import Any, List

import pytest
import requests
from conformance import validate_request

from openai_lite import APIResponseValidationError, NotFoundError, OpenAISession, embeddings
from openai_lite.embeddings import CreateEmbeddingResponse, Embedding, EmbeddingUsage
from openai_lite.testing import FakeOpenAI, error_reply, json_reply
from openai_lite.testing._routes_embeddings import embed


def _close(got: List[float], want: List[float]) -> None:
    assert len(got) == len(want)
    assert all(type(x) is float for x in got)
    # The fake's vectors are float32 values: the round trip is exact to float32 precision.
    assert max(abs(a - b) for a, b in zip(got, want)) < 1e-7


def _sent_per_spec(fake: FakeOpenAI) -> None:
    for exchange in fake.requests:
        validate_request("POST", "/embeddings", exchange.json)


def _b64(values: List[float]) -> str:
    return base64.b64encode(struct.pack(f"<{len(values)}f", *values)).decode("ascii")


def test_seed_tour(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = embeddings.create(session, input="The food was delicious", model="text-embedding-ada-002")

    assert resp.status_code == 200
    req = fake.last
    assert (req.method, req.route_path) == ("POST", "/embeddings")
    assert req.headers["Authorization"] == "Bearer " + fake.api_key
    assert req.headers["Content-Type"] == "application/json"
    assert req.json == {
        "input": "The food was delicious",
        "model": "text-embedding-ada-002",
        "encoding_format": "base64",
    }
    assert isinstance(json.loads(req.reply_body)["data"][0]["embedding"], str)
    data = resp.data
    assert isinstance(data, CreateEmbeddingResponse)
    assert (data.object, data.model) == ("list", "text-embedding-ada-002")
    assert isinstance(data.usage, EmbeddingUsage)
    assert data.usage.total_tokens and data.usage.prompt_tokens == data.usage.total_tokens
    [item] = data.data
    assert isinstance(item, Embedding) and (item.index, item.object) == (0, "embedding")
    assert isinstance(item.embedding, list) and len(item.embedding) == 1536
    _close(item.embedding, embed("text-embedding-ada-002", "The food was delicious", 1536))
    _sent_per_spec(fake)


def test_lists_of_strings_and_tokens(fake: FakeOpenAI, session: OpenAISession) -> None:
    cases: List[Any] = [["a cat", "a dog"], [1212, 318, 257], [[1212, 318], [13]]]
    for value in cases:
        resp = embeddings.create(
            session, input=value, model="text-embedding-3-small", dimensions=8, user="u-1"
        )
        assert fake.last.json == {
            "input": value,
            "model": "text-embedding-3-small",
            "dimensions": 8,
            "user": "u-1",
            "encoding_format": "base64",
        }
        items = value if isinstance(value[0], (str, list)) else [value]
        assert [e.index for e in resp.data.data] == list(range(len(items)))
        for e, item in zip(resp.data.data, items):
            assert isinstance(e.embedding, list)
            _close(e.embedding, embed("text-embedding-3-small", item, 8))
    _sent_per_spec(fake)


def test_explicit_float_is_sent_and_returned_as_is(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = embeddings.create(session, input="hi", model="m", dimensions=4, encoding_format="float")

    assert fake.last.json["encoding_format"] == "float"
    assert resp.data.data[0].embedding == embed("m", "hi", 4)


def test_explicit_base64_is_returned_as_the_string(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = embeddings.create(session, input="hi", model="m", dimensions=4, encoding_format="base64")

    assert fake.last.json["encoding_format"] == "base64"
    assert resp.data.data[0].embedding == _b64(embed("m", "hi", 4))
    _sent_per_spec(fake)


def test_float_answer_to_a_base64_request_is_kept(fake: FakeOpenAI, session: OpenAISession) -> None:
    # A compatible server that ignores encoding_format answers with floats.
    body = {"object": "list", "model": "m", "data": [{"index": 0, "embedding": [0.5, -1.0]}]}
    fake.enqueue(json_reply(body))

    resp = embeddings.create(session, input="hi", model="m")

    assert resp.data.data[0].embedding == [0.5, -1.0]
    assert resp.data.usage is None


@pytest.mark.parametrize("bad", ["not base64!", "AAA=", 12])
def test_invalid_base64_raises_validation_error(fake: FakeOpenAI, session: OpenAISession, bad: Any) -> None:
    body = {"object": "list", "model": "m", "data": [{"index": 0, "embedding": bad}]}
    fake.enqueue(json_reply(body, headers={"x-request-id": "req_1"}))

    with pytest.raises(APIResponseValidationError) as info:
        embeddings.create(session, input="hi", model="m")

    assert info.value.status_code == 200
    assert info.value.request_id == "req_1"
    assert "Embedding 0" in str(info.value)


def test_error_status_is_returned_not_decoded(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(error_reply(404, "The model `nope` does not exist", code="model_not_found", param="model"))

    resp = embeddings.create(session, input="hi", model="nope")

    assert resp.status_code == 404 and not resp.ok
    assert resp.error is not None and resp.error.code == "model_not_found"
    with pytest.raises(NotFoundError) as info:
        _ = resp.data
    assert info.value.code == "model_not_found"


def test_fake_rejects_bad_dimensions(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = embeddings.create(session, input="hi", model="m", dimensions=0)

    assert resp.status_code == 400
    assert resp.error is not None and resp.error.param == "dimensions"


def test_plain_requests_session(fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", fake.api_key)
    monkeypatch.setenv("OPENAI_BASE_URL", fake.url)
    with requests.Session() as plain:
        resp = embeddings.create(plain, input="hi", model="m", dimensions=3)
    assert fake.last.headers["Authorization"] == "Bearer " + fake.api_key
    vector = resp.data.data[0].embedding
    assert isinstance(vector, list)
    _close(vector, embed("m", "hi", 3))
    _sent_per_spec(fake)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"input": b"bytes"}, TypeError, "input"),
        ({"input": 42}, TypeError, "input"),
        ({"input": ""}, ValueError, "input"),
        ({"input": []}, ValueError, "input"),
        ({"input": "x", "encoding_format": "int8"}, ValueError, "encoding_format"),
    ],
)
def test_bad_arguments_raise_before_sending(
    fake: FakeOpenAI, session: OpenAISession, kwargs: Any, error: type, words: str
) -> None:
    with pytest.raises(error, match=words):
        embeddings.create(session, model="m", **kwargs)
    assert fake.requests == []
