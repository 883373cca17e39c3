"""Moderation, prompt cache options, context management and the other fields the spec added."""

from __future__ import annotations

import inspect

import pytest
from conformance import _check, _validator

from openai_lite import BadRequestError, OpenAISession, chat, models, realtime, responses
from openai_lite.chat import ChatCompletionModeration
from openai_lite.moderations import ModerationFailure, ModerationResult, ModerationResults
from openai_lite.responses import PromptCacheOptions, ResponseModeration
from openai_lite.testing import FakeOpenAI, json_reply, ring_realtime_call

HELLO = [{"role": "user", "content": "Hello"}]


def test_chat_moderation_and_prompt_cache_options_go_over_the_wire(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    resp = chat.create(
        session,
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "Should I hit the road?"}],
        moderation={"model": "omni-moderation-latest", "policy": {"input": {"mode": "score"}}},
        prompt_cache_options={"mode": "explicit", "ttl": "30m"},
    )

    assert fake.last.json["moderation"] == {
        "model": "omni-moderation-latest",
        "policy": {"input": {"mode": "score"}},
    }
    assert fake.last.json["prompt_cache_options"] == {"mode": "explicit", "ttl": "30m"}
    moderation = resp.data.moderation
    assert isinstance(moderation, ChatCompletionModeration)
    assert isinstance(moderation.input, ModerationResults) and isinstance(
        moderation.output, ModerationResults
    )
    sent = resp.raw.json()["moderation"]
    assert moderation.to_dict() == sent
    assert moderation.input.model == sent["input"]["model"] == "omni-moderation-latest"
    verdict = moderation.input.results[0] if moderation.input.results else None
    assert isinstance(verdict, ModerationResult)
    assert (
        verdict.flagged is True and verdict.categories is not None and verdict.categories["violence"] is True
    )
    assert verdict.category_scores == sent["input"]["results"][0]["category_scores"]
    assert verdict.category_applied_input_types is not None
    assert verdict.category_applied_input_types["violence"] == ["text"]
    assert moderation.output.results is not None and moderation.output.results[0].flagged is False


def test_chat_without_moderation_has_none(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = chat.create(session, model="gpt-4o-mini", messages=HELLO)
    assert "moderation" not in fake.last.json and "prompt_cache_options" not in fake.last.json
    assert resp.data.moderation is None


def test_chat_moderation_error_is_typed(fake: FakeOpenAI, session: OpenAISession) -> None:
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hi", "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "moderation": {
            "input": {"type": "error", "code": "moderation_unavailable", "message": "Try again."},
            "output": {"type": "moderation_results", "model": "omni-moderation-latest", "results": []},
        },
    }
    fake.enqueue(json_reply(body))
    moderation = chat.create(session, model="gpt-4o-mini", messages=HELLO).data.moderation
    assert moderation is not None
    assert moderation.input == ModerationFailure(code="moderation_unavailable", message="Try again.")
    assert moderation.output == ModerationResults(model="omni-moderation-latest", results=[])


def test_responses_moderation_cache_options_and_context_management(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    resp = responses.create(
        session,
        model="gpt-5",
        input="How do I kill a process?",
        context_management=[{"type": "compaction", "compact_threshold": 200000}],
        moderation={"model": "omni-moderation-latest"},
        prompt_cache_options={"mode": "explicit"},
    )

    sent = fake.last.json
    assert sent["context_management"] == [{"type": "compaction", "compact_threshold": 200000}]
    assert sent["moderation"] == {"model": "omni-moderation-latest"}
    assert sent["prompt_cache_options"] == {"mode": "explicit"}
    data = resp.data
    assert data.prompt_cache_options == PromptCacheOptions(ttl="30m", mode="explicit")
    assert isinstance(data.moderation, ResponseModeration)
    said, answer = data.moderation.input, data.moderation.output
    assert isinstance(said, ModerationResult) and isinstance(answer, ModerationResult)
    assert said.flagged is True and said.model == "omni-moderation-latest"
    assert said.categories == resp.raw.json()["moderation"]["input"]["categories"]
    assert data.moderation.to_dict() == resp.raw.json()["moderation"]
    assert answer.flagged is False


def test_responses_stream_takes_the_new_parameters(fake: FakeOpenAI, session: OpenAISession) -> None:
    with responses.stream(
        session,
        model="gpt-5",
        input="Hi",
        context_management=[{"type": "compaction"}],
        moderation={"model": "omni-moderation-latest"},
        prompt_cache_options={"ttl": "30m"},
    ) as events:
        final = list(events)[-1]
    sent = fake.last.json
    assert sent["stream"] is True and sent["context_management"] == [{"type": "compaction"}]
    assert sent["prompt_cache_options"] == {"ttl": "30m"}
    assert final.type == "response.completed"
    assert final.response.moderation is not None  # type: ignore[union-attr]


@pytest.mark.off_spec
def test_bad_context_management_is_refused_by_the_fake(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = responses.create(session, model="gpt-5", input="Hi", context_management=[])
    assert fake.last.json["context_management"] == []
    assert resp.status_code == 400 and resp.error is not None
    assert resp.error.param == "context_management"
    with pytest.raises(BadRequestError):
        resp.data


@pytest.mark.parametrize("module", [chat, responses])
def test_create_and_stream_still_take_the_same_parameters(module: object) -> None:
    create = inspect.signature(module.create).parameters  # type: ignore[attr-defined]
    stream = inspect.signature(module.stream).parameters  # type: ignore[attr-defined]
    assert set(create) <= set(stream)
    for name in ("moderation", "prompt_cache_options"):
        assert name in create and name in stream
    names = [n for n in create if n not in ("session", "options", "messages", "model", "input")]
    assert names == sorted(names)


def test_new_response_fields_decode(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(
        json_reply(
            {
                "id": "gpt-4-0613",
                "object": "model",
                "created": 1,
                "owned_by": "openai",
                "shutdown_date": "2026-10-01",
            }
        )
    )
    assert models.retrieve(session, "gpt-4-0613").data.shutdown_date == "2026-10-01"

    body = responses.create(session, model="gpt-5", input="Hi").raw.json()
    body["reasoning"] = {"effort": "high", "summary": None, "mode": "pro", "context": "all_turns"}
    body["usage"]["input_tokens_details"]["cache_write_tokens"] = 12
    fake.enqueue(json_reply(body))
    data = responses.retrieve(session, body["id"]).data
    assert data.reasoning is not None and (data.reasoning.mode, data.reasoning.context) == (
        "pro",
        "all_turns",
    )
    assert data.usage is not None and data.usage.input_tokens_details is not None
    assert data.usage.input_tokens_details.cache_write_tokens == 12


def test_parameters_found_in_newer_operations_go_over_the_wire(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    first = responses.create(session, model="gpt-4o-mini", input="Hi").data
    compacted = responses.compact(
        session,
        model="gpt-4o-mini",
        previous_response_id=first.id,
        prompt_cache_options={"mode": "implicit"},
        service_tier="flex",
    )
    assert fake.last.json == {
        "model": "gpt-4o-mini",
        "previous_response_id": first.id,
        "prompt_cache_options": {"mode": "implicit"},
        "service_tier": "flex",
    }
    assert compacted.status_code == 200

    counted = responses.count_input_tokens(
        session, model="gpt-5", input="Hello there", personality="friendly"
    )
    assert fake.last.json == {"model": "gpt-5", "input": "Hello there", "personality": "friendly"}
    assert counted.data.input_tokens > 0

    call_id = ring_realtime_call(fake)
    accepted = realtime.accept_call(session, call_id, model="gpt-realtime", parallel_tool_calls=False)
    assert accepted.status_code == 200
    assert fake.last.json == {"model": "gpt-realtime", "parallel_tool_calls": False, "type": "realtime"}


def test_chat_stream_carries_moderation_on_its_last_chunk(fake: FakeOpenAI, session: OpenAISession) -> None:
    with chat.stream(
        session,
        model="gpt-4o-mini",
        messages=HELLO,
        moderation={"model": "omni-moderation-latest"},
        prompt_cache_options={"mode": "implicit"},
    ) as stream:
        chunks = list(stream)
    assert fake.last.json["moderation"] == {"model": "omni-moderation-latest"}
    assert fake.last.json["prompt_cache_options"] == {"mode": "implicit"} and fake.last.json["stream"] is True
    assert [c.moderation is not None for c in chunks] == [False] * (len(chunks) - 1) + [True]
    last = chunks[-1].moderation
    assert isinstance(last, ChatCompletionModeration) and isinstance(last.output, ModerationResults)
    joined = chat.join(chunks)
    assert joined.moderation == last and joined.moderation.to_dict() == last.to_dict()
    validator = _validator("/components/schemas/CreateChatCompletionStreamResponse")
    for chunk in chunks:
        _check(validator, chunk.to_dict(), "chat stream chunk")
