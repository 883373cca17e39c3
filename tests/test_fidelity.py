"""Everything the API sends is kept, and what came in is what goes out.

Each body here carries keys this library does not declare, at every level: the top, nested
objects, list items, union members, stream chunks and events. Decoding keeps them (as
attributes and in ``model_extra``), ``to_dict()`` gives the body back, and an object passed
back as input goes over the wire exactly as it came.
"""

from __future__ import annotations

import copy
import json
import logging
import pickle
from typing import Any, Dict, List

import pytest

from openai_lite import (
    APIResponseValidationError,
    APIStreamError,
    JSONObject,
    OpenAISession,
    chat,
    models,
    request,
    responses,
)
from openai_lite.response_items import ResponseFunctionToolCall, ResponseOutputMessage
from openai_lite.testing import FakeOpenAI, json_reply, sse_reply

QUESTION = [{"role": "user", "content": "What is the capital of France?"}]

COMPLETION: Dict[str, Any] = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "gpt-4o-mini",
    "safety_review": {"flagged": False, "categories": {"violence": False}},
    "choices": [
        {
            "index": 0,
            "finish_reason": "stop",
            "logprobs": None,
            "routing": "primary",
            "message": {
                "role": "assistant",
                "content": "Paris.",
                "refusal": None,
                "annotations": [
                    {
                        "type": "url_citation",
                        "url_citation": {"url": "https://example.org", "title": "x", "start_index": 0},
                        "confidence": 0.9,
                    },
                    {"type": "map_pin", "lat": 48.85, "lon": 2.35},
                ],
                "phase": "final",
            },
        }
    ],
    "usage": {
        "prompt_tokens": 10,
        "completion_tokens": 2,
        "total_tokens": 12,
        "prompt_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 10},
    },
    "system_fingerprint": None,
}


def test_a_completion_keeps_every_key_at_every_depth(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(json_reply(COMPLETION))

    data = chat.create(session, model="gpt-4o-mini", messages=QUESTION).data

    assert data.to_dict() == COMPLETION
    assert json.loads(data.to_json()) == COMPLETION
    assert data.safety_review.flagged is False and data.safety_review.categories.violence is False
    assert data.model_extra == {"safety_review": COMPLETION["safety_review"]}
    choice = data.choices[0]
    assert choice.routing == "primary" and choice.message.phase == "final"
    assert data.usage is not None and data.usage.prompt_tokens_details is not None
    assert data.usage.prompt_tokens_details.cache_write_tokens == 10
    first, second = choice.message.annotations or []
    assert first.confidence == 0.9 and first.model_extra == {"confidence": 0.9}
    assert second.lat == 48.85 and second.to_dict() == COMPLETION["choices"][0]["message"]["annotations"][1]
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        data.nope  # noqa: B018


def test_an_answer_goes_back_as_it_came_with_its_nulls_and_unknown_keys(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(json_reply(COMPLETION))
    message = chat.create(session, model="gpt-4o-mini", messages=QUESTION).data.choices[0].message

    chat.create(
        session, model="gpt-4o-mini", messages=[*QUESTION, message, {"role": "user", "content": "Why?"}]
    )

    assert fake.last.json["messages"][1] == COMPLETION["choices"][0]["message"]


def test_changes_to_a_decoded_object_are_sent_and_nothing_else(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(json_reply(COMPLETION))
    message = chat.create(session, model="gpt-4o-mini", messages=QUESTION).data.choices[0].message
    message.content = "Paris, France."
    message.model_extra["phase"] = "commentary"

    chat.create(session, model="gpt-4o-mini", messages=[message])

    expected = dict(COMPLETION["choices"][0]["message"], content="Paris, France.", phase="commentary")
    assert fake.last.json["messages"] == [expected]


def test_pickle_and_copy_keep_the_unknown_keys() -> None:
    data = chat.ChatCompletion.from_dict(copy.deepcopy(COMPLETION))
    for again in (pickle.loads(pickle.dumps(data)), copy.deepcopy(data), copy.copy(data)):
        assert again.to_dict() == COMPLETION and again == data


def test_an_object_built_in_python_sends_its_fields_that_are_set() -> None:
    message = chat.ChatCompletionMessage(role="assistant", content="Hi")
    assert message.to_dict() == {"role": "assistant", "content": "Hi"}
    assert message.model_extra == {}


OPTIONAL_OF_ANOTHER_SHAPE: Dict[str, Any] = {
    "id": "chatcmpl-2",
    "object": "chat.completion",
    "choices": [
        {
            "index": 0,
            "finish_reason": "stop",
            "message": {
                "role": "assistant",
                "content": "Hi",
                "annotations": {"kind": "grouped", "items": []},
            },
            "logprobs": "none",
        }
    ],
    "usage": [1, 2, 3],
}


def test_an_optional_field_of_another_shape_is_kept_as_it_came(
    fake: FakeOpenAI, session: OpenAISession, caplog: pytest.LogCaptureFixture
) -> None:
    fake.enqueue(json_reply(OPTIONAL_OF_ANOTHER_SHAPE))

    with caplog.at_level(logging.DEBUG, logger="openai_lite"):
        data = chat.create(session, model="gpt-4o-mini", messages=QUESTION).data

    assert data.choices[0].message.annotations == {"kind": "grouped", "items": []}
    assert data.choices[0].logprobs == "none" and data.usage == [1, 2, 3]
    assert data.to_dict() == OPTIONAL_OF_ANOTHER_SHAPE
    assert "ChatCompletionMessage.annotations: kept as it came" in caplog.text


@pytest.mark.parametrize(
    "body, where",
    [
        ({"object": "chat.completion", "choices": []}, "missing required field.*id"),
        ({"id": "c", "choices": None}, "choices"),
        ({"id": "c", "choices": {"0": {}}}, "expected a list"),
        ({"id": "c", "choices": ["Paris"]}, "expected an object, got str"),
        ({"id": "c", "choices": [None]}, "null item"),
        ({"id": 7, "choices": []}, "ChatCompletion.id: expected a string, got int"),
        ({"id": "c", "choices": [{"index": "0", "message": {}}]}, "Choice.index: expected an integer"),
        ({"id": "c", "choices": [{"index": 0}]}, "missing required field.*message"),
    ],
)
def test_the_backbone_is_checked_at_the_call(
    fake: FakeOpenAI, session: OpenAISession, body: Dict[str, Any], where: str
) -> None:
    fake.enqueue(json_reply(body))

    with pytest.raises(APIResponseValidationError, match=where):
        chat.create(session, model="gpt-4o-mini", messages=QUESTION)


def test_a_model_keeps_its_shutdown_date(fake: FakeOpenAI, session: OpenAISession) -> None:
    body = {
        "id": "gpt-x",
        "object": "model",
        "created": 1,
        "owned_by": "openai",
        "shutdown_date": "2027-01-01",
    }
    fake.enqueue(json_reply(body))

    model = models.retrieve(session, "gpt-x").data

    assert model.shutdown_date == "2027-01-01" and model.to_dict() == body


# -- the Responses API ---------------------------------------------------------------

OUTPUT: List[Dict[str, Any]] = [
    {
        "type": "reasoning",
        "id": "rs_1",
        "summary": [{"type": "summary_text", "text": "Think.", "tokens": 3}],
        "encrypted_content": None,
        "mode": "deep",
    },
    {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "status": "completed",
        "phase": "final_answer",
        "content": [
            {"type": "output_text", "text": "Calling.", "annotations": [], "logprobs": [], "audience": "all"}
        ],
    },
    {
        "type": "function_call",
        "id": "fc_1",
        "call_id": "call_1",
        "name": "lookup",
        "arguments": "{}",
        "status": "completed",
        "namespace": "weather",
        "caller": {"type": "agent", "id": "ag_1"},
    },
    {"type": "hologram", "id": "hg_1", "frames": [{"n": 1}]},
]

RESPONSE: Dict[str, Any] = {
    "id": "resp_1",
    "object": "response",
    "created_at": 1700000000,
    "status": "completed",
    "model": "gpt-5",
    "output": OUTPUT,
    "moderation": {"flagged": False},
    "reasoning": {"effort": "high", "summary": None, "mode": "auto", "context": "keep"},
    "usage": {
        "input_tokens": 5,
        "output_tokens": 7,
        "total_tokens": 12,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 5},
        "output_tokens_details": {"reasoning_tokens": 2},
    },
}


@pytest.mark.off_spec  # the items carry keys newer than the project's copy of the spec, on purpose
def test_a_response_keeps_every_key_and_its_output_goes_back_whole(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(json_reply(RESPONSE))
    data = responses.create(session, model="gpt-5", input="Weather?").data

    assert data.to_dict() == RESPONSE
    assert data.moderation.flagged is False and data.reasoning is not None
    assert (data.reasoning.mode, data.reasoning.context) == ("auto", "keep")
    assert data.usage is not None and data.usage.input_tokens_details is not None
    assert data.usage.input_tokens_details.cache_write_tokens == 5
    reasoning, message, call, unknown = data.output
    assert isinstance(message, ResponseOutputMessage) and message.phase == "final_answer"
    assert isinstance(call, ResponseFunctionToolCall) and call.namespace == "weather"
    assert call.caller.id == "ag_1"
    assert unknown == OUTPUT[3] or unknown.to_dict() == OUTPUT[3]  # an item type newer than the library
    assert data.output_text == "Calling."

    follow_up = [*data.output, {"type": "function_call_output", "call_id": "call_1", "output": "sunny"}]
    responses.create(session, model="gpt-5", input=follow_up)

    assert fake.last.json["input"] == [*OUTPUT, follow_up[-1]]


def test_output_text_refuses_content_that_is_not_a_list(fake: FakeOpenAI, session: OpenAISession) -> None:
    body = dict(RESPONSE, output=[{"type": "message", "id": "m", "role": "assistant", "content": "Hi"}])
    fake.enqueue(json_reply(body))
    data = responses.create(session, model="gpt-5", input="Hi").data

    assert data.to_dict() == body
    with pytest.raises(APIResponseValidationError, match="content is not a list"):
        data.output_text  # noqa: B018


# -- streams ---------------------------------------------------------------------------

CHUNKS: List[Dict[str, Any]] = [
    {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "delta": {"role": "assistant", "content": "", "reasoning_content": "Let me"},
                "lane": 1,
            }
        ],
        "obfuscation": "abc",
    },
    {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": {"content": "Par", "reasoning_content": " think."}}],
    },
    {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "delta": {
                    "content": "is.",
                    "annotations": [{"type": "url_citation", "url_citation": {"url": "https://x.org"}}],
                },
                "finish_reason": "stop",
            }
        ],
        "moderation": {"flagged": False},
    },
]


def test_stream_chunks_keep_their_keys_and_join_adds_them_up(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(sse_reply(CHUNKS))

    with chat.stream(session, model="gpt-4o-mini", messages=QUESTION) as stream:
        chunks = list(stream)

    assert [c.to_dict() for c in chunks] == CHUNKS
    assert chunks[0].choices[0].lane == 1 and chunks[1].choices[0].delta.reasoning_content == " think."
    joined = chat.join(chunks)
    assert joined.moderation.flagged is False
    message = joined.choices[0].message
    assert (message.content, message.reasoning_content) == ("Paris.", "Let me think.")
    assert message.annotations is not None and message.annotations[0].url_citation is not None
    assert joined.choices[0].lane == 1 and joined.choices[0].finish_reason == "stop"
    assert joined.to_dict()["choices"][0]["message"] == {
        "role": "assistant",
        "content": "Paris.",
        "reasoning_content": "Let me think.",
        "annotations": [{"type": "url_citation", "url_citation": {"url": "https://x.org"}}],
    }


@pytest.mark.parametrize(
    "delta, why",
    [
        ({"content": ["Par"]}, r"choices\[0\].delta.content is list, not text"),
        ({"tool_calls": [{"index": "a", "function": {"arguments": "{"}}]}, "index is 'a', not a number"),
        ({"tool_calls": [{"index": 0, "function": {"arguments": 5}}]}, "arguments is int, not text"),
    ],
)
def test_join_refuses_deltas_it_cannot_add_up(
    fake: FakeOpenAI, session: OpenAISession, delta: Dict[str, Any], why: str
) -> None:
    chunk = {"id": "c", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta}]}
    fake.enqueue(sse_reply([chunk]))

    with chat.stream(session, model="gpt-4o-mini", messages=QUESTION) as stream:
        with pytest.raises(APIResponseValidationError, match=why):
            chat.join(stream)


def test_join_of_a_stream_without_chunks_is_a_validation_error(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(sse_reply([]))

    with chat.stream(session, model="gpt-4o-mini", messages=QUESTION) as stream:
        with pytest.raises(APIResponseValidationError, match="without a chunk"):
            chat.join(stream)


def test_response_events_keep_their_keys(fake: FakeOpenAI, session: OpenAISession) -> None:
    delta = {
        "type": "response.output_text.delta",
        "item_id": "msg_1",
        "output_index": 0,
        "content_index": 0,
        "delta": "Hi",
        "sequence_number": 1,
        "obfuscation": "xyz",
        "logprobs": [],
    }
    done = {"type": "response.completed", "sequence_number": 2, "response": RESPONSE}
    fake.enqueue(sse_reply([delta, done], done=False))

    with responses.stream(session, model="gpt-5", input="Hi") as stream:
        first, last = list(stream)

    assert first.to_dict() == delta and first.obfuscation == "xyz"
    assert last.to_dict() == done and last.response.moderation.flagged is False


# -- request(): the escape hatch ---------------------------------------------------------


def test_request_streams_events_with_attribute_access(fake: FakeOpenAI, session: OpenAISession) -> None:
    events = [
        {"type": "thing.created", "thing": {"id": "t1", "parts": [{"n": 1}]}},
        {"type": "thing.delta", "delta": "ab"},
    ]
    fake.enqueue(sse_reply(events, done=False), method="POST", path="/things")

    with request(session, "POST", "/things", json={"stream": True}, params={"v": 2}, stream=True) as stream:
        got = list(stream)

    assert all(isinstance(e, JSONObject) for e in got)
    assert got[0].thing.id == "t1" and got[0].thing.parts[0].n == 1 and got[1].delta == "ab"
    assert [e.to_dict() for e in got] == events
    assert got[0] == JSONObject(events[0]) and got[0] != got[1]
    assert (fake.last.method, fake.last.path, fake.last.query, fake.last.json) == (
        "POST",
        "/v1/things",
        {"v": ["2"]},
        {"stream": True},
    )


def test_request_stream_ends_at_done_and_raises_error_events(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(sse_reply([{"n": 1}, {"n": 2}]), path="/things")
    fake.enqueue(sse_reply([{"n": 1}, b'event: error\ndata: {"error": {"message": "boom"}}\n\n']))

    assert [e.n for e in request(session, "GET", "/things", stream=True)] == [1, 2]
    stream = request(session, "GET", "/things", stream=True)
    assert next(stream).n == 1
    with pytest.raises(APIStreamError, match="boom"):
        next(stream)


@pytest.mark.parametrize("upload_id", ["", ".."])
def test_an_upload_id_that_cannot_go_in_a_path_stops_the_upload(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Any, upload_id: str
) -> None:
    from openai_lite import uploads

    source = tmp_path / "data.jsonl"
    source.write_bytes(b"{}\n")
    upload = {"id": upload_id, "object": "upload", "bytes": 3, "filename": "data.jsonl", "purpose": "batch"}
    fake.enqueue(json_reply(upload), method="POST", path="/uploads")

    with pytest.raises(APIResponseValidationError, match="upload id is not a usable id"):
        uploads.upload_file(session, str(source), purpose="batch")
    assert [r.route_path for r in fake.requests] == ["/uploads"]
