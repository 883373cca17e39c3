"""Legacy completions, plain and streamed, against FakeOpenAI."""

from __future__ import annotations

import inspect
import json

import pytest
from conformance import _check, _validator

from openai_lite import APIConnectionError, NotFoundError, OpenAISession, chat, completions
from openai_lite.testing import FakeOpenAI, error_reply, sse_reply


def test_create(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = completions.create(
        session, model="gpt-3.5-turbo-instruct", prompt="Say this is a test", max_tokens=7, temperature=0
    )

    assert resp.status_code == 200
    completion = resp.data
    assert completion.object == "text_completion" and completion.id.startswith("cmpl-")
    assert completion.model == "gpt-3.5-turbo-instruct"
    assert completion.choices[0].text == "This is indeed a test."
    assert completion.choices[0].finish_reason == "stop" and completion.choices[0].index == 0
    assert isinstance(completion.usage, chat.CompletionUsage) and completion.usage.total_tokens == 10
    sent = fake.last
    assert (sent.method, sent.path) == ("POST", "/v1/completions")
    assert sent.headers["Authorization"] == "Bearer " + fake.api_key
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.body == (
        b'{"model":"gpt-3.5-turbo-instruct","prompt":"Say this is a test","max_tokens":7,"temperature":0}'
    )


def test_prompts_n_echo_stop_and_logprobs(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = completions.create(
        session,
        model="davinci-002",
        prompt=["Say this is a test", "Hi"],
        n=2,
        echo=True,
        stop=["."],
        logprobs=1,
        max_tokens=5,
    )

    texts = [(c.index, c.text) for c in resp.data.choices]
    assert texts == [
        (0, "Say this is a testThis is indeed a test"),
        (1, "Say this is a testThis is indeed a test"),
        (2, "Hi Hello from the fake completions"),
        (3, "Hi Hello from the fake completions"),
    ]
    assert [c.finish_reason for c in resp.data.choices] == ["stop", "stop", "length", "length"]
    logprobs = resp.data.choices[0].logprobs
    assert logprobs is not None and logprobs.tokens is not None
    assert "".join(logprobs.tokens) == texts[0][1]
    assert logprobs.text_offset == [0, 3, 8, 11, 13, 22, 25, 32, 34]
    assert logprobs.top_logprobs is not None and logprobs.top_logprobs[0] == {"Say": -0.25}
    assert fake.last.json["prompt"] == ["Say this is a test", "Hi"] and fake.last.json["n"] == 2


def test_error_status(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(error_reply(404, "The model 'nope' does not exist", code="model_not_found"))

    resp = completions.create(session, model="nope", prompt="x")
    assert resp.status_code == 404 and resp.error is not None
    assert resp.error.code == "model_not_found"
    with pytest.raises(NotFoundError):
        resp.data

    fake.enqueue(error_reply(404, "The model 'nope' does not exist", code="model_not_found"))
    with pytest.raises(NotFoundError) as caught:
        completions.stream(session, model="nope", prompt="x")
    assert caught.value.code == "model_not_found"


def test_stream(fake: FakeOpenAI, session: OpenAISession) -> None:
    with completions.stream(
        session,
        model="gpt-3.5-turbo-instruct",
        prompt="Say this is a test",
        stream_options={"include_usage": True},
    ) as stream:
        pieces = list(stream)

    assert "".join(p.choices[0].text for p in pieces if p.choices) == "This is indeed a test."
    assert [p.choices[0].finish_reason for p in pieces if p.choices][-1] == "stop"
    assert pieces[-1].choices == [] and pieces[-1].usage is not None and pieces[-1].usage.total_tokens == 10
    assert all(p.object == "text_completion" and p.id == pieces[0].id for p in pieces)
    assert fake.last.json == {
        "model": "gpt-3.5-turbo-instruct",
        "prompt": "Say this is a test",
        "stream_options": {"include_usage": True},
        "stream": True,
    }
    events = fake.last.reply_body.split(b"\n\n")
    assert events[-2:] == [b"data: [DONE]", b""]
    for event in events[:-2]:
        obj = json.loads(event[len(b"data: ") :])
        for choice in obj["choices"]:
            # The API streams finish_reason null until the end, which the shared schema omits.
            choice["finish_reason"] = choice["finish_reason"] or "stop"
        _check(_validator("/components/schemas/CreateCompletionResponse"), obj, "completion chunk")


def test_streams_reuse_one_connection(fake: FakeOpenAI, session: OpenAISession) -> None:
    for _ in range(5):
        assert len(list(completions.stream(session, model="babbage-002", prompt="Hi"))) == 7
    assert fake.connections == 1


def test_cut_stream(fake: FakeOpenAI, session: OpenAISession) -> None:
    piece = {"id": "cmpl-1", "object": "text_completion", "created": 1, "model": "m", "choices": []}
    fake.enqueue(sse_reply([piece], done=False))

    with pytest.raises(APIConnectionError), completions.stream(session, model="m", prompt="x") as stream:
        assert next(stream).id == "cmpl-1"
        next(stream)


def test_stream_takes_the_parameters_of_create() -> None:
    create = inspect.signature(completions.create).parameters
    stream = dict(inspect.signature(completions.stream).parameters)
    assert stream.pop("stream_options").default is None
    assert [(n, p.kind, p.default, p.annotation) for n, p in stream.items()] == [
        (n, p.kind, p.default, p.annotation) for n, p in create.items()
    ]


def test_missing_prompt_is_a_type_error(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(TypeError, match="prompt"):
        completions.create(session, model="m")  # type: ignore[call-arg]
    assert fake.requests == []
