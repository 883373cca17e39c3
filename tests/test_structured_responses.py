"""Structured outputs with the Responses API: responses.parse, its stream, function tools."""

from __future__ import annotations

import json
import pickle
from typing import Any, Dict, List

import pytest
from structured_types import Category, Order, WeatherQuery
from test_structured import FAKE_ORDER, ORDER_SCHEMA, get_weather, order_json

from openai_lite import (
    ContentFilterFinishReasonError,
    LengthFinishReasonError,
    OpenAISession,
    OutputValidationError,
    function_tool,
    json_schema,
    responses,
)
from openai_lite.response_events import ResponseLifecycleEvent, ResponseOutputItemEvent
from openai_lite.responses import ResponseFunctionToolCall, ResponseOutputMessage, ResponseOutputRefusal
from openai_lite.testing import FakeOpenAI, queue_answer

MODEL = "gpt-4o-mini"
ASK = "Take my order: three croissants, delivered in France."
ORDER_FORMAT = {"type": "json_schema", "name": "Order", "schema": ORDER_SCHEMA, "strict": True}


def test_parse_sends_the_format_in_text_and_builds_the_dataclass(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    resp = responses.parse(session, model=MODEL, input=ASK, text_format=Order, text={"verbosity": "low"})

    assert fake.last.json == {
        "input": ASK,
        "model": MODEL,
        "text": {"verbosity": "low", "format": ORDER_FORMAT},
    }
    assert resp.data.output_parsed == FAKE_ORDER
    assert resp.data.output_text == json.loads(fake.last.reply_body)["output"][0]["content"][0]["text"]
    assert "output_parsed" not in resp.data.to_dict() and "output_parsed" not in vars(resp.data)
    assert pickle.loads(pickle.dumps(resp.data)).output_parsed == FAKE_ORDER


def test_parse_of_a_recursive_dataclass_and_of_given_json(fake: FakeOpenAI, session: OpenAISession) -> None:
    leaf = Category(name="Paris", children=[], parent=None)
    parsed = responses.parse(session, model=MODEL, input=ASK, text_format=Category).data.output_parsed
    assert parsed == Category(name="Paris", children=[leaf], parent=leaf)

    queue_answer(fake, content=json.dumps(order_json(customer=None)))
    with pytest.raises(OutputValidationError, match=r"^\$\.customer: expected str, got null$"):
        responses.parse(session, model=MODEL, input=ASK, text_format=Order)


def test_parse_checks_its_arguments_before_sending(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(ValueError, match="text_format and text\\['format'\\] both give the format"):
        responses.parse(session, model=MODEL, input=ASK, text_format=Order, text={"format": {"type": "text"}})
    with pytest.raises(TypeError, match="text_format must be a dataclass"):
        responses.parse(session, model=MODEL, input=ASK, text_format=dict)
    with pytest.raises(TypeError, match="text_fromat"):
        responses.parse(session, model=MODEL, input=ASK, text_fromat=Order)  # type: ignore[call-arg]
    assert fake.requests == []


def test_a_refusal_leaves_output_parsed_none(fake: FakeOpenAI, session: OpenAISession) -> None:
    queue_answer(fake, refusal="I cannot help with that.")

    resp = responses.parse(session, model=MODEL, input=ASK, text_format=Order)

    assert resp.data.output_parsed is None and resp.data.status == "completed"
    message = resp.data.output[0]
    assert isinstance(message, ResponseOutputMessage)
    assert message.content == [ResponseOutputRefusal(refusal="I cannot help with that.")]


def test_incomplete_by_max_output_tokens_raises(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(LengthFinishReasonError) as caught:
        responses.parse(session, model=MODEL, input=ASK, text_format=Order, max_output_tokens=16)

    assert fake.last.json["max_output_tokens"] == 16
    response = caught.value.completion
    assert response.status == "incomplete" and response.incomplete_details.reason == "max_output_tokens"
    assert len(response.output_text.split()) == 16 and response.output_parsed is None
    # Without a format to decode, an incomplete response is returned as it is.
    plain = responses.create(
        session, model=MODEL, input=ASK, max_output_tokens=16, text={"format": ORDER_FORMAT}
    )
    assert plain.data.status == "incomplete"


def test_a_content_filter_stop_raises(fake: FakeOpenAI, session: OpenAISession) -> None:
    queue_answer(fake, finish_reason="content_filter")

    with pytest.raises(ContentFilterFinishReasonError) as caught:
        responses.parse(session, model=MODEL, input=ASK, text_format=Order)

    assert caught.value.completion.incomplete_details.reason == "content_filter"


def test_function_tools_on_the_wire_and_their_parsed_arguments(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    strict_dict = {
        "type": "function",
        "name": "lookup",
        "description": None,
        "parameters": {"type": "object", "properties": {}, "required": [], "additionalProperties": False},
        "strict": True,
    }
    tools: List[Any] = [function_tool(get_weather), function_tool(WeatherQuery), strict_dict]

    resp = responses.parse(session, model=MODEL, input=ASK + " Weather?", tools=tools, tool_choice="required")

    assert fake.last.json["tools"] == [
        {
            "type": "function",
            "name": "get_weather",
            "description": "Get the weather of a city.",
            "parameters": function_tool(get_weather).parameters,
            "strict": True,
        },
        {
            "type": "function",
            "name": "WeatherQuery",
            "description": "Look up the weather of a city.",
            "parameters": json_schema(WeatherQuery),
            "strict": True,
        },
        strict_dict,
    ]
    call = resp.data.output[0]
    assert isinstance(call, ResponseFunctionToolCall) and call.name == "get_weather"
    assert call.parsed_arguments is not None and call.parsed_arguments["city"] == "Paris"
    assert resp.data.output_parsed is None

    # The call goes back as it came, without parsed_arguments.
    sent_back = json.loads(fake.last.reply_body)["output"][0]
    output = {"type": "function_call_output", "call_id": call.call_id, "output": "21 C"}
    responses.create(session, model=MODEL, input=[call, output], tools=tools)  # type: ignore[list-item]
    assert fake.last.json["input"][0] == sent_back
    assert fake.last.json["tools"][1]["name"] == "WeatherQuery"

    choice = {"type": "function", "name": "WeatherQuery"}
    resp = responses.parse(session, model=MODEL, input=ASK, tools=tools, tool_choice=choice)
    call = resp.data.output[0]
    assert isinstance(call, ResponseFunctionToolCall)
    assert call.parsed_arguments == WeatherQuery(city="Paris", unit="c")


def test_a_stream_carries_output_parsed_on_the_completed_response(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    with responses.stream(session, model=MODEL, input=ASK, text_format=Order) as stream:
        events = list(stream)

    assert fake.last.json["text"] == {"format": ORDER_FORMAT} and fake.last.json["stream"] is True
    last = events[-1]
    assert isinstance(last, ResponseLifecycleEvent) and last.type == "response.completed"
    assert last.response.output_parsed == FAKE_ORDER
    deltas = [e.delta for e in events if getattr(e, "type", "") == "response.output_text.delta"]
    assert len(deltas) > 3 and json.loads("".join(deltas))["customer"] == "Paris"


def test_a_stream_of_a_function_tool_and_a_cut_stream(fake: FakeOpenAI, session: OpenAISession) -> None:
    tools = [function_tool(WeatherQuery)]
    with responses.stream(
        session, model=MODEL, input=ASK, text_format=Order, tools=tools, tool_choice="required"
    ) as stream:
        events = list(stream)
    assert fake.last.json["tools"][0]["strict"] is True
    done = [
        e for e in events if isinstance(e, ResponseOutputItemEvent) and e.type == "response.output_item.done"
    ]
    assert isinstance(done[0].item, ResponseFunctionToolCall)
    assert done[0].item.parsed_arguments == WeatherQuery(city="Paris", unit="c")
    final = events[-1]
    assert isinstance(final, ResponseLifecycleEvent)
    assert final.response.output[0].parsed_arguments == WeatherQuery(city="Paris", unit="c")  # type: ignore[union-attr]

    seen: List[str] = []
    with responses.stream(session, model=MODEL, input=ASK, text_format=Order, max_output_tokens=16) as stream:
        with pytest.raises(LengthFinishReasonError) as caught:
            for event in stream:
                seen.append(event.type)
    assert "response.output_text.done" in seen and caught.value.completion.status == "incomplete"


def test_stream_without_text_format_is_unchanged(fake: FakeOpenAI, session: OpenAISession) -> None:
    body: Dict[str, Any] = {"format": ORDER_FORMAT}
    with responses.stream(session, model=MODEL, input=ASK, text=body, max_output_tokens=16) as stream:
        events = list(stream)
    final = events[-1]
    assert isinstance(final, ResponseLifecycleEvent) and final.type == "response.incomplete"
    assert final.response.output_parsed is None
