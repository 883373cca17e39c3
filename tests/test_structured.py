"""Structured outputs with dataclasses: schemas, chat.parse, streams, function tools, errors."""

from __future__ import annotations

import dataclasses
import datetime
import json
import pickle
from typing import Any, Dict, List, Optional

import pytest
from structured_types import (
    Address,
    Category,
    Currency,
    LineItem,
    MathAnswer,
    Order,
    Priced,
    Priority,
    Tagged,
    WeatherQuery,
)

from openai_lite import (
    ContentFilterFinishReasonError,
    LengthFinishReasonError,
    OpenAIError,
    OpenAISession,
    OutputValidationError,
    chat,
    errors,
    function_tool,
    json_schema,
)
from openai_lite.testing import FakeOpenAI, queue_answer

MODEL = "gpt-4o-mini"
ASK = [{"role": "user", "content": "Take my order: three croissants, delivered in France."}]
UTC = datetime.timezone.utc

#: What FakeOpenAI answers for Order: the smallest instance of its schema.
FAKE_ORDER = Order(
    customer="Paris",
    items=[LineItem(name="Paris", price=1.0, quantity=1, currency=Currency.EUR)],
    shipping=Address(street="Paris", city="Paris"),
    priority=Priority.LOW,
    channel="web",
    gift=True,
    ordered_at=datetime.datetime(2024, 5, 17, 9, 30, tzinfo=UTC),
    deliver_on=datetime.date(2024, 5, 17),
    notes="Paris",
)

ORDER_SCHEMA: Dict[str, Any] = {
    "type": "object",
    "properties": {
        "customer": {"type": "string"},
        "items": {"type": "array", "items": {"$ref": "#/$defs/LineItem"}},
        "shipping": {"anyOf": [{"$ref": "#/$defs/Address"}, {"type": "null"}]},
        "priority": {"type": "integer", "enum": [1, 2]},
        "channel": {"type": "string", "enum": ["web", "phone"]},
        "gift": {"type": "boolean"},
        "ordered_at": {"type": "string", "format": "date-time"},
        "deliver_on": {"type": ["string", "null"], "format": "date"},
        "notes": {"type": ["string", "null"]},
    },
    "required": [
        "customer",
        "items",
        "shipping",
        "priority",
        "channel",
        "gift",
        "ordered_at",
        "deliver_on",
        "notes",
    ],
    "additionalProperties": False,
    "description": "An order taken from the customer's message.",
    "$defs": {
        "LineItem": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "price": {"type": "number", "description": "Unit price, taxes included"},
                "quantity": {"type": "integer"},
                "currency": {"type": "string", "enum": ["EUR", "USD"]},
            },
            "required": ["name", "price", "quantity", "currency"],
            "additionalProperties": False,
        },
        "Address": {
            "type": "object",
            "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
            "required": ["street", "city"],
            "additionalProperties": False,
        },
    },
}


def order_json(**changes: Any) -> Dict[str, Any]:
    """FAKE_ORDER as the model writes it, with some values changed."""
    value: Dict[str, Any] = {
        "customer": "Ada",
        "items": [
            {"name": "croissant", "price": 1.2, "quantity": 3, "currency": "EUR"},
            {"name": "bread", "price": 2, "quantity": 1, "currency": "EUR"},
            {"name": "jam", "price": 4.5, "quantity": 1, "currency": "USD"},
        ],
        "shipping": None,
        "priority": 2,
        "channel": "phone",
        "gift": False,
        "ordered_at": "2024-05-17T09:30:15.25+02:00",
        "deliver_on": None,
        "notes": None,
    }
    value.update(changes)
    return value


# -- json_schema ---------------------------------------------------------------------


def test_json_schema_of_nested_optional_enum_list_and_date_fields() -> None:
    assert json_schema(Order) == ORDER_SCHEMA


def test_json_schema_of_a_recursive_dataclass_refers_to_the_root() -> None:
    assert json_schema(Category) == {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#"}},
            "parent": {"anyOf": [{"$ref": "#"}, {"type": "null"}]},
        },
        "required": ["name", "children", "parent"],
        "additionalProperties": False,
        "description": "A category of a taxonomy, with its subcategories.",
    }


def test_json_schema_of_a_class_met_twice_defines_it_once() -> None:
    assert json_schema(MathAnswer)["properties"]["steps"] == {
        "type": "array",
        "items": {"$ref": "#/$defs/Step"},
    }
    assert list(json_schema(MathAnswer)["$defs"]) == ["Step"]
    assert json_schema(List[Optional[int]]) == {"type": "array", "items": {"type": ["integer", "null"]}}


@pytest.mark.parametrize(
    ("tp", "message"),
    [
        (Priced, r"^Priced\.prices: Dict\[str, float\] cannot be expressed in a strict JSON schema"),
        (Tagged, r"^Tagged\.tags: Set\[str\] cannot be expressed in a strict JSON schema; use List"),
        (Dict[str, int], r"Dict\[str, int\] cannot be expressed"),
        (Any, r"Any cannot be expressed"),
    ],
)
def test_json_schema_refuses_what_strict_mode_cannot_express_naming_the_field(tp: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        json_schema(tp)


def test_a_refused_type_raises_before_anything_is_sent(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(TypeError, match=r"Priced\.prices"):
        chat.parse(session, model=MODEL, messages=ASK, response_format=Priced)
    with pytest.raises(TypeError, match="response_format must be a dataclass"):
        chat.parse(session, model=MODEL, messages=ASK, response_format=int)
    with pytest.raises(TypeError, match="response_fromat"):
        chat.parse(session, model=MODEL, messages=ASK, response_fromat=Order)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="response_format: a dataclass is decoded by chat.parse"):
        chat.create(session, model=MODEL, messages=ASK, response_format=Order)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"tools\[0\]: wrap .* in openai_lite.function_tool\(\) first"):
        chat.parse(session, model=MODEL, messages=ASK, tools=[len])  # type: ignore[list-item]
    assert fake.requests == []


# -- chat.parse ----------------------------------------------------------------------


def test_chat_parse_sends_the_strict_schema_and_builds_the_dataclass(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    resp = chat.parse(session, model=MODEL, messages=ASK, response_format=Order, temperature=0)

    assert fake.last.json == {
        "messages": ASK,
        "model": MODEL,
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "Order", "schema": ORDER_SCHEMA, "strict": True},
        },
        "temperature": 0,
    }
    message = resp.data.choices[0].message
    assert message.content == json.loads(fake.last.reply_body)["choices"][0]["message"]["content"]
    assert message.parsed == FAKE_ORDER
    assert isinstance(message.parsed.items[0], LineItem) and message.parsed.items[0].currency is Currency.EUR
    assert message.parsed.priority is Priority.LOW


def test_parsed_values_are_never_sent_back(fake: FakeOpenAI, session: OpenAISession) -> None:
    message = chat.parse(session, model=MODEL, messages=ASK, response_format=Order).data.choices[0].message
    answer = json.loads(fake.last.reply_body)["choices"][0]["message"]
    assert message.parsed == FAKE_ORDER
    assert "parsed" not in message.to_dict() and "parsed" not in vars(message)

    chat.create(session, model=MODEL, messages=[*ASK, message, {"role": "user", "content": "Thanks"}])

    assert fake.last.json["messages"][1] == answer
    # Kept by a copy and a pickle, as the rest of the message is.
    assert pickle.loads(pickle.dumps(message)).parsed == FAKE_ORDER


def test_chat_parse_decodes_what_the_model_wrote(fake: FakeOpenAI, session: OpenAISession) -> None:
    queue_answer(fake, content=json.dumps(order_json()))

    parsed = (
        chat.parse(session, model=MODEL, messages=ASK, response_format=Order).data.choices[0].message.parsed
    )

    assert parsed.customer == "Ada" and parsed.shipping is None and parsed.deliver_on is None
    assert [(i.name, i.price, i.currency) for i in parsed.items] == [
        ("croissant", 1.2, Currency.EUR),
        ("bread", 2.0, Currency.EUR),
        ("jam", 4.5, Currency.USD),
    ]
    assert type(parsed.items[1].price) is float
    assert parsed.priority is Priority.HIGH and parsed.channel == "phone" and parsed.gift is False
    tz = datetime.timezone(datetime.timedelta(hours=2))
    assert parsed.ordered_at == datetime.datetime(2024, 5, 17, 9, 30, 15, 250000, tzinfo=tz)


def test_chat_parse_of_a_recursive_dataclass(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = chat.parse(session, model=MODEL, messages=ASK, response_format=Category)

    leaf = Category(name="Paris", children=[], parent=None)
    assert resp.data.choices[0].message.parsed == Category(name="Paris", children=[leaf], parent=leaf)
    assert fake.last.json["response_format"]["json_schema"]["schema"] == json_schema(Category)

    queue_answer(
        fake,
        content='{"name": "a", "parent": null, "children": [{"name": "b", "parent": null,'
        ' "children": [{"name": "c", "parent": null, "children": []}]}]}',
    )
    tree = (
        chat.parse(session, model=MODEL, messages=ASK, response_format=Category)
        .data.choices[0]
        .message.parsed
    )
    assert tree.children[0].children[0].name == "c" and isinstance(tree.children[0].children[0], Category)


def test_a_refusal_leaves_parsed_none(fake: FakeOpenAI, session: OpenAISession) -> None:
    queue_answer(fake, refusal="I'm sorry, I cannot help with that request.")

    resp = chat.parse(session, model=MODEL, messages=ASK, response_format=Order)

    message = resp.data.choices[0].message
    assert (message.content, message.parsed) == (None, None)
    assert message.refusal == "I'm sorry, I cannot help with that request."
    assert json.loads(fake.last.reply_body)["choices"][0]["message"]["refusal"] == message.refusal


def test_an_answer_cut_by_the_token_limit_raises(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(LengthFinishReasonError, match="token limit") as caught:
        chat.parse(session, model=MODEL, messages=ASK, response_format=Order, max_completion_tokens=5)

    assert fake.last.json["max_completion_tokens"] == 5
    choice = caught.value.completion.choices[0]
    assert choice.finish_reason == "length" and choice.message.parsed is None
    assert len((choice.message.content or "").split()) == 5
    assert isinstance(caught.value, OpenAIError) and not isinstance(caught.value, ValueError)
    again = pickle.loads(pickle.dumps(caught.value))
    assert type(again) is LengthFinishReasonError and again.completion.id == caught.value.completion.id


def test_a_content_filter_stop_raises(fake: FakeOpenAI, session: OpenAISession) -> None:
    queue_answer(fake, finish_reason="content_filter")

    with pytest.raises(ContentFilterFinishReasonError) as caught:
        chat.parse(session, model=MODEL, messages=ASK, response_format=Order)

    assert caught.value.completion.choices[0].finish_reason == "content_filter"
    assert isinstance(caught.value, errors.OpenAIError)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            order_json(items=order_json()["items"][:2] + [{**order_json()["items"][2], "price": "cheap"}]),
            "$.items[2].price: expected float, got str",
        ),
        (order_json(priority=True), "$.priority: expected one of 1, 2, got True"),
        (
            order_json(items=[{"name": "x", "price": 1, "quantity": 1.5, "currency": "EUR"}]),
            "$.items[0].quantity: expected int, got float",
        ),
        (
            order_json(items=[{"name": "x", "price": 1, "quantity": 1, "currency": "GBP"}]),
            "$.items[0].currency: expected one of 'EUR', 'USD', got 'GBP'",
        ),
        (order_json(shipping={"street": "Rue de Rivoli"}), "$.shipping.city: missing"),
        (order_json(shipping="home"), "$.shipping: expected an object (Address), got str"),
        (order_json(channel="fax"), "$.channel: expected one of 'web', 'phone', got 'fax'"),
        (order_json(ordered_at="yesterday"), "$.ordered_at: expected a date-time string, got 'yesterday'"),
        (
            order_json(deliver_on="2024-13-01"),
            "$.deliver_on: expected a date string (YYYY-MM-DD), got '2024-13-01'",
        ),
        (order_json(items={"name": "x"}), "$.items: expected a list, got object"),
        ([1, 2], "$: expected an object (Order), got list"),
        ('{"customer": "Ada", "items": [', "$: expected JSON, got text that does not parse"),
    ],
)
def test_json_that_does_not_fit_raises_naming_the_path(
    fake: FakeOpenAI, session: OpenAISession, content: Any, message: str
) -> None:
    text = content if isinstance(content, str) else json.dumps(content)
    queue_answer(fake, content=text)

    with pytest.raises(OutputValidationError) as caught:
        chat.parse(session, model=MODEL, messages=ASK, response_format=Order)

    assert str(caught.value) == message
    assert caught.value.path == message.split(":")[0]
    assert caught.value.content == text
    assert isinstance(caught.value, OpenAIError) and not isinstance(caught.value, ValueError)
    assert pickle.loads(pickle.dumps(caught.value)).path == caught.value.path


# -- function tools ------------------------------------------------------------------


def get_weather(city: str, unit: str, day: Optional[datetime.date]) -> str:
    """Get the weather of a city.

    Only cities with a weather station are known.

    :param city: The city, e.g. Paris
    :param unit: ``c`` or ``f``
    """
    return f"{city}: 21 {unit}"


WEATHER_PARAMETERS = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "description": "The city, e.g. Paris"},
        "unit": {"type": "string", "description": "``c`` or ``f``"},
        "day": {"type": ["string", "null"], "format": "date"},
    },
    "required": ["city", "unit", "day"],
    "additionalProperties": False,
}


def test_function_tool_from_a_typed_function() -> None:
    tool = function_tool(get_weather)

    assert (tool.name, tool.description, tool.parameters) == (
        "get_weather",
        "Get the weather of a city.",
        WEATHER_PARAMETERS,
    )
    assert function_tool(WeatherQuery).parameters == json_schema(WeatherQuery)
    assert function_tool(WeatherQuery).description == "Look up the weather of a city."
    renamed = function_tool(get_weather, name="weather", description="Weather.")
    assert (renamed.name, renamed.description) == ("weather", "Weather.")


def test_function_tool_refuses_what_it_cannot_describe() -> None:
    def star(*cities: str) -> None: ...

    def bare(city) -> None: ...  # type: ignore[no-untyped-def]

    def mapping(prices: Dict[str, float]) -> None: ...

    with pytest.raises(TypeError, match="star: parameter cities must be passable by keyword"):
        function_tool(star)
    with pytest.raises(TypeError, match="bare: parameter city needs a type annotation"):
        function_tool(bare)
    with pytest.raises(TypeError, match=r"mapping\.prices: Dict\[str, float\] cannot be expressed"):
        function_tool(mapping)
    with pytest.raises(TypeError, match="fn must be a function or a dataclass"):
        function_tool("get_weather")


def test_chat_function_tools_on_the_wire_and_their_parsed_arguments(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    strict_dict = {
        "type": "function",
        "function": {"name": "lookup", "parameters": {"type": "object", "properties": {}}, "strict": True},
    }
    tools = [function_tool(get_weather), function_tool(WeatherQuery), strict_dict]
    ask = [{"role": "user", "content": "What is the weather in France?"}]

    resp = chat.parse(session, model=MODEL, messages=ask, tools=tools, tool_choice="required")

    assert fake.last.json["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Get the weather of a city.",
                "parameters": WEATHER_PARAMETERS,
                "strict": True,
            },
        },
        {
            "type": "function",
            "function": {
                "name": "WeatherQuery",
                "description": "Look up the weather of a city.",
                "parameters": json_schema(WeatherQuery),
                "strict": True,
            },
        },
        strict_dict,
    ]
    message = resp.data.choices[0].message
    assert message.parsed is None
    call = (message.tool_calls or [])[0]
    assert call.function is not None and call.function.name == "get_weather"
    arguments = call.function.parsed_arguments
    assert arguments == {"city": "Paris", "unit": "Paris", "day": datetime.date(2024, 5, 17)}
    assert tools[0].fn(**arguments) == "Paris: 21 Paris"  # type: ignore[union-attr]

    # The call goes back as it came, without parsed_arguments.
    answer = json.loads(fake.last.reply_body)["choices"][0]["message"]
    chat.create(session, model=MODEL, messages=[*ask, message], tools=tools)
    assert fake.last.json["messages"][1]["tool_calls"] == answer["tool_calls"]
    assert fake.last.json["tools"][0]["function"]["strict"] is True

    named = {"type": "function", "function": {"name": "WeatherQuery"}}
    resp = chat.parse(session, model=MODEL, messages=ask, tools=tools, tool_choice=named)
    call = (resp.data.choices[0].message.tool_calls or [])[0]
    assert call.function is not None and call.function.parsed_arguments == WeatherQuery(
        city="Paris", unit="c"
    )

    named = {"type": "function", "function": {"name": "lookup"}}
    resp = chat.parse(session, model=MODEL, messages=ask, tools=tools, tool_choice=named)
    call = (resp.data.choices[0].message.tool_calls or [])[0]
    assert call.function is not None and call.function.parsed_arguments == {}


def test_tool_arguments_that_do_not_fit_raise_naming_the_path(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "get_weather", "arguments": '{"city": 3}'},
    }
    completion = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": MODEL,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": None, "refusal": None, "tool_calls": [call]},
                "finish_reason": "tool_calls",
                "logprobs": None,
            }
        ],
    }
    from openai_lite.testing import json_reply

    fake.enqueue(json_reply(completion))
    with pytest.raises(OutputValidationError, match=r"^\$\.city: expected str, got int$"):
        chat.parse(session, model=MODEL, messages=ASK, tools=[function_tool(get_weather)])


# -- streams -------------------------------------------------------------------------


def test_a_stream_joined_carries_the_parsed_dataclass(fake: FakeOpenAI, session: OpenAISession) -> None:
    with chat.stream(session, model=MODEL, messages=ASK, response_format=Order) as stream:
        completion = chat.join(stream)

    assert fake.last.json["stream"] is True
    assert fake.last.json["response_format"]["json_schema"] == {
        "name": "Order",
        "schema": ORDER_SCHEMA,
        "strict": True,
    }
    assert completion.choices[0].message.parsed == FAKE_ORDER
    with chat.stream(session, model=MODEL, messages=ASK, response_format=Order) as stream:
        chunks = list(stream)
    assert len(chunks) > 3
    # Chunks kept while streaming are joined as they are, undecoded.
    joined = chat.join(chunks).choices[0].message
    assert joined.parsed is None and joined.content == completion.choices[0].message.content


def test_a_stream_with_a_refusal_or_a_cut(fake: FakeOpenAI, session: OpenAISession) -> None:
    queue_answer(fake, refusal="I cannot do that.")
    with chat.stream(session, model=MODEL, messages=ASK, response_format=Order) as stream:
        message = chat.join(stream).choices[0].message
    assert (message.refusal, message.content, message.parsed) == ("I cannot do that.", None, None)

    with chat.stream(
        session, model=MODEL, messages=ASK, response_format=Order, max_completion_tokens=3
    ) as stream:
        with pytest.raises(LengthFinishReasonError) as caught:
            chat.join(stream)
    assert caught.value.completion.choices[0].finish_reason == "length"

    with chat.stream(session, model=MODEL, messages=ASK, max_completion_tokens=3) as stream:
        assert chat.join(stream).choices[0].finish_reason == "length"  # no format: no error


def test_a_plain_stream_is_unchanged(fake: FakeOpenAI, session: OpenAISession) -> None:
    fmt = {"type": "json_schema", "json_schema": {"name": "Order", "schema": ORDER_SCHEMA, "strict": True}}
    with chat.stream(session, model=MODEL, messages=ASK, response_format=fmt) as stream:
        message = chat.join(stream).choices[0].message
    assert message.parsed is None and json.loads(message.content or "")["customer"] == "Paris"
    assert dataclasses.asdict(message)["content"] == message.content


def test_an_error_status_is_returned_as_by_create(fake: FakeOpenAI, session: OpenAISession) -> None:
    from openai_lite import RateLimitError
    from openai_lite.testing import error_reply

    fake.enqueue(error_reply(429, "Slow down.", type="rate_limit_error"))

    resp = chat.parse(session, model=MODEL, messages=ASK, response_format=Order, max_retries=0)

    assert resp.status_code == 429 and not resp.ok
    with pytest.raises(RateLimitError, match="Slow down"):
        resp.data
    assert fake.last.json["response_format"]["type"] == "json_schema"
