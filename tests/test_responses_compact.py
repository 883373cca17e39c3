"""Responses: counting input tokens and compacting a conversation, against FakeOpenAI."""

from __future__ import annotations

import pytest

from openai_lite import BadRequestError, NotFoundError, OpenAISession, conversations, responses
from openai_lite.response_items import ResponseInputMessage, ResponseInputText
from openai_lite.testing import FakeOpenAI

TOOL = {
    "type": "function",
    "name": "get_weather",
    "strict": True,
    "parameters": {"type": "object", "properties": {}, "required": [], "additionalProperties": False},
}


def test_count_input_tokens(fake: FakeOpenAI, session: OpenAISession) -> None:
    counted = responses.count_input_tokens(
        session,
        model="gpt-4o-mini",
        input=[{"role": "user", "content": "one two three"}],
        instructions="be brief",
        tools=[TOOL],
        tool_choice="auto",
        truncation="auto",
    )

    sent = fake.last
    assert (sent.method, sent.path, sent.query) == ("POST", "/v1/responses/input_tokens", {})
    assert sent.json == {
        "model": "gpt-4o-mini",
        "input": [{"role": "user", "content": "one two three"}],
        "instructions": "be brief",
        "tool_choice": "auto",
        "tools": [TOOL],
        "truncation": "auto",
    }
    assert counted.data == responses.InputTokenCount(input_tokens=5, object="response.input_tokens")


def test_count_input_tokens_reads_the_previous_response_and_the_conversation(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    first = responses.create(session, model="gpt-4o-mini", input="What is the capital of France?").data
    follow_up = responses.count_input_tokens(session, input="And Italy?", previous_response_id=first.id).data
    assert fake.last.json == {"input": "And Italy?", "previous_response_id": first.id}
    expected = len("What is the capital of France?".split()) + len(first.output_text.split()) + 2
    assert follow_up.input_tokens == expected

    conversation = conversations.create(session, items=[{"role": "user", "content": "a b c d"}]).data
    in_conversation = responses.count_input_tokens(session, input="e", conversation=conversation.id).data
    assert in_conversation.input_tokens == 5

    missing = responses.count_input_tokens(session, previous_response_id="resp_missing")
    with pytest.raises(NotFoundError, match="resp_missing"):
        missing.data


def test_compact(fake: FakeOpenAI, session: OpenAISession) -> None:
    first = responses.create(session, model="gpt-4o-mini", input="What is the capital of France?").data

    compacted = responses.compact(
        session,
        model="gpt-4o-mini",
        previous_response_id=first.id,
        input=[{"role": "user", "content": "And of Italy?"}],
        instructions="Keep the facts.",
        prompt_cache_key="geo",
    ).data

    sent = fake.last
    assert (sent.method, sent.path) == ("POST", "/v1/responses/compact")
    assert sent.json == {
        "model": "gpt-4o-mini",
        "input": [{"role": "user", "content": "And of Italy?"}],
        "instructions": "Keep the facts.",
        "previous_response_id": first.id,
        "prompt_cache_key": "geo",
    }
    assert compacted.id.startswith("resp_") and compacted.object == "response.compaction"
    assert isinstance(compacted.created_at, int)
    kept = [item for item in compacted.output if isinstance(item, ResponseInputMessage)]
    assert [m.content for m in kept] == [
        [ResponseInputText(text="What is the capital of France?")],
        [ResponseInputText(text="And of Italy?")],
    ]
    last = compacted.output[-1]
    compaction = last if isinstance(last, dict) else last.to_dict()
    assert compaction["type"] == "compaction" and compaction["encrypted_content"]
    assert compacted.usage is not None and compacted.usage.total_tokens > 0


def test_compact_needs_something_to_compact(fake: FakeOpenAI, session: OpenAISession) -> None:
    answer = responses.compact(session, model="gpt-4o-mini")
    assert fake.last.json == {"model": "gpt-4o-mini"}
    with pytest.raises(BadRequestError, match="input"):
        answer.data


def test_bad_input_is_refused_before_sending(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(TypeError, match="input"):
        responses.count_input_tokens(session, input={"role": "user", "content": "Hi"})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="input"):
        responses.compact(session, model="gpt-4o-mini", input=b"Hi")  # type: ignore[arg-type]
    assert fake.requests == []
