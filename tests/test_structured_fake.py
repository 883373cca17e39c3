"""FakeOpenAI's structured answers: values that validate against the schema sent, and queued answers."""

from __future__ import annotations

import json
from typing import Any, Dict

import jsonschema
import pytest
import requests
from structured_types import Category, MathAnswer, Order

from openai_lite import json_schema
from openai_lite.testing import FakeOpenAI, example_value, queue_answer

CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER

SCHEMAS: Dict[str, Dict[str, Any]] = {
    "order": json_schema(Order),
    "recursive": json_schema(Category),
    "math": json_schema(MathAnswer),
    "defs chain": {
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/A"}},
        "required": ["a"],
        "additionalProperties": False,
        "$defs": {
            "A": {"type": "object", "properties": {"b": {"$ref": "#/$defs/B"}}, "required": ["b"]},
            "B": {"type": "array", "items": {"$ref": "#/$defs/A"}, "minItems": 0},
        },
    },
    "mutual recursion through anyOf": {
        "$defs": {
            "Expr": {
                "anyOf": [
                    {"$ref": "#/$defs/Sum"},
                    {"type": "object", "properties": {"n": {"type": "number"}}, "required": ["n"]},
                ]
            },
            "Sum": {
                "type": "object",
                "properties": {"left": {"$ref": "#/$defs/Expr"}, "right": {"$ref": "#/$defs/Expr"}},
                "required": ["left", "right"],
            },
        },
        "$ref": "#/$defs/Expr",
    },
    "formats and enums": {
        "type": "object",
        "properties": {
            "when": {"type": "string", "format": "date-time"},
            "day": {"type": ["string", "null"], "format": "date"},
            "mail": {"type": "string", "format": "email"},
            "id": {"type": "string", "format": "uuid"},
            "level": {"enum": [3, 4]},
            "mode": {"const": "fast"},
            "ratio": {"type": "number", "minimum": 5},
        },
        "required": ["when", "day", "mail", "id", "level", "mode", "ratio"],
        "additionalProperties": False,
    },
}


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_example_value_validates_against_the_schema(name: str) -> None:
    schema = SCHEMAS[name]
    value = example_value(schema)
    jsonschema.validate(value, schema, format_checker=CHECKER)


def test_example_value_stops_recursion_on_the_branch_that_ends() -> None:
    assert example_value(SCHEMAS["mutual recursion through anyOf"]) == {"n": 1}
    assert example_value(SCHEMAS["defs chain"]) == {"a": {"b": []}}


def post(fake: FakeOpenAI, path: str, body: Dict[str, Any]) -> Dict[str, Any]:
    headers = {"Authorization": f"Bearer {fake.api_key}"}
    reply = requests.post(fake.url + path, json=body, headers=headers, timeout=5)
    assert reply.status_code == 200, reply.text
    return reply.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", list(SCHEMAS)[:3])
def test_chat_and_responses_answer_with_json_that_validates(fake: FakeOpenAI, name: str) -> None:
    schema = SCHEMAS[name]
    messages = [{"role": "user", "content": "Hello"}]
    fmt = {"type": "json_schema", "json_schema": {"name": "x", "schema": schema, "strict": True}}
    answer = post(fake, "/chat/completions", {"model": "m", "messages": messages, "response_format": fmt})
    jsonschema.validate(
        json.loads(answer["choices"][0]["message"]["content"]), schema, format_checker=CHECKER
    )

    text = {"format": {"type": "json_schema", "name": "x", "schema": schema, "strict": True}}
    answer = post(fake, "/responses", {"model": "m", "input": "Hello", "text": text})
    jsonschema.validate(json.loads(answer["output"][0]["content"][0]["text"]), schema, format_checker=CHECKER)

    tool = {"type": "function", "name": "f", "parameters": schema, "strict": True}
    answer = post(
        fake, "/responses", {"model": "m", "input": "Hello", "tools": [tool], "tool_choice": "required"}
    )
    jsonschema.validate(json.loads(answer["output"][0]["arguments"]), schema, format_checker=CHECKER)


def test_queued_answers_come_first_in_first_out_for_either_route(fake: FakeOpenAI) -> None:
    queue_answer(fake, refusal="No.")
    queue_answer(fake, content="Cut in half", finish_reason="length")
    messages = [{"role": "user", "content": "Hello"}]

    chat = post(fake, "/chat/completions", {"model": "m", "messages": messages})
    response = post(fake, "/responses", {"model": "m", "input": "Hello"})
    normal = post(fake, "/chat/completions", {"model": "m", "messages": messages})

    assert chat["choices"][0]["message"] == {
        "role": "assistant",
        "content": None,
        "refusal": "No.",
        "annotations": [],
    }
    assert response["status"] == "incomplete" and response["incomplete_details"] == {
        "reason": "max_output_tokens"
    }
    assert (
        response["output"][0]["content"][0]["text"] == "Cut i"
        and response["output"][0]["status"] == "incomplete"
    )
    assert normal["choices"][0]["finish_reason"] == "stop"

    with pytest.raises(ValueError, match="finish_reason must be one of"):
        queue_answer(fake, finish_reason="tool_calls")
    with pytest.raises(ValueError, match="content and refusal cannot both be given"):
        queue_answer(fake, content="{}", refusal="No.")
    queue_answer(fake, refusal="No.")
    fake.reset()
    assert (
        post(fake, "/chat/completions", {"model": "m", "messages": messages})["choices"][0]["message"][
            "refusal"
        ]
        is None
    )
