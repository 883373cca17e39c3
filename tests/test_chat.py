"""Chat completions, replaying the seed's chat tour against FakeOpenAI."""

from __future__ import annotations

import json

import pytest

from openai_lite import OpenAISession, chat
from openai_lite.testing import FakeOpenAI, json_reply

QUESTION = [{"role": "user", "content": "What is the capital of the France?"}]


def test_seed_chat_tour(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = chat.create(session, model="gpt-3.5-turbo", messages=QUESTION, temperature=0.7)

    assert resp.status_code == 200
    assert resp.data.choices[0].message.content == "The capital of France is Paris."
    assert resp.data.choices[0].finish_reason == "stop"
    assert resp.data.usage is not None and resp.data.usage.total_tokens > 0
    assert resp.request_id == resp.headers["x-request-id"]
    sent = fake.last
    assert (sent.method, sent.path) == ("POST", "/v1/chat/completions")
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.headers["User-Agent"].startswith("openai-lite/")
    # Compact JSON, documented fields only, None parameters left out.
    assert sent.body == (
        b'{"messages":[{"role":"user","content":"What is the capital of the France?"}],'
        b'"model":"gpt-3.5-turbo","temperature":0.7}'
    )


def test_tool_call_message_has_null_content(fake: FakeOpenAI, session: OpenAISession) -> None:
    tools = [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
            },
        }
    ]
    resp = chat.create(
        session, model="gpt-4o-mini", messages=QUESTION, tools=tools, tool_choice="required"
    )

    message = resp.data.choices[0].message
    assert message.content is None
    assert message.tool_calls is not None
    assert message.tool_calls[0].type == "function"
    assert message.tool_calls[0].function is not None
    assert message.tool_calls[0].function.name == "get_weather"
    json.loads(message.tool_calls[0].function.arguments or "")
    assert resp.data.choices[0].finish_reason == "tool_calls"
    assert fake.last.json["tools"] == tools
    assert fake.last.json["tool_choice"] == "required"


def test_answer_can_be_sent_back_as_a_message(fake: FakeOpenAI, session: OpenAISession) -> None:
    first = chat.create(session, model="gpt-4o-mini", messages=QUESTION).data.choices[0].message
    served = json.loads(fake.last.reply_body)["choices"][0]["message"]
    follow_up = [*QUESTION, first, {"role": "user", "content": "And of Spain?"}]

    # The spec lists no annotations on a request's assistant message; the answer goes back as it came.
    off_spec = {FakeOpenAI.OFF_SPEC_HEADER: "1"}
    assert chat.create(session, model="gpt-4o-mini", messages=follow_up, extra_headers=off_spec).ok
    assert fake.last.off_spec == "Unknown parameter: 'messages[1].annotations'."
    sent = fake.last.json["messages"][1]
    # Exactly what the server sent: its explicit null included, nothing added.
    assert sent == served == {
        "role": "assistant",
        "content": "The capital of France is Paris.",
        "refusal": None,
        "annotations": [],
    }


def test_response_format_and_extras_go_over_the_wire(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = chat.create(
        session,
        model="gpt-4o-mini",
        messages=QUESTION,
        response_format={"type": "json_object"},
        seed=7,
        stop=["\n"],
        extra_body={"custom_flag": True},
        extra_query={"trace": "on"},
        extra_headers={"X-Trace": "1", FakeOpenAI.OFF_SPEC_HEADER: "1"},
    )

    json.loads(resp.data.choices[0].message.content or "")
    sent = fake.last
    assert sent.json["response_format"] == {"type": "json_object"}
    assert sent.json["seed"] == 7 and sent.json["stop"] == ["\n"]
    assert sent.json["custom_flag"] is True
    assert sent.query == {"trace": ["on"]}
    assert sent.headers["X-Trace"] == "1"


def test_unknown_fields_and_enum_values_pass(fake: FakeOpenAI, session: OpenAISession) -> None:
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "brand_new_field": {"x": 1},
        "choices": [
            {
                "index": 0,
                "finish_reason": "a_new_reason",
                "message": {"role": "assistant", "content": None, "refusal": "I can't.", "new": 1},
            }
        ],
    }
    fake.enqueue(json_reply(body))

    data = chat.create(session, model="m", messages=QUESTION).data

    assert data.choices[0].finish_reason == "a_new_reason"
    assert data.choices[0].message.refusal == "I can't."
    assert data.choices[0].message.content is None
    assert data.usage is None
    assert data.to_dict()["choices"][0]["message"]["refusal"] == "I can't."


def test_missing_required_argument_names_it(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(TypeError, match="model"):
        chat.create(session, messages=QUESTION)  # type: ignore[call-arg]
    assert fake.requests == []


def test_nan_is_refused_before_sending(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(ValueError):
        chat.create(session, model="m", messages=QUESTION, temperature=float("nan"))
    assert fake.requests == []
