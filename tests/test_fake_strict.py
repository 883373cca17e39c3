"""The fake refuses what the API refuses: requests checked against the API's request schemas."""

from __future__ import annotations

import json
import re
from typing import Any, Dict, Iterator, List, Tuple

import pytest
import requests

from openai_lite import OpenAISession, chat, files
from openai_lite.testing import FakeOpenAI, error_reply, json_reply
from openai_lite.testing import _server as server_module
from openai_lite.testing._validate import find_operation

MESSAGES = [{"role": "user", "content": "Hi"}]
CHAT = {"model": "gpt-4o-mini", "messages": MESSAGES}


@pytest.fixture
def http(fake: FakeOpenAI) -> Iterator[requests.Session]:
    with requests.Session() as s:
        s.headers["Authorization"] = f"Bearer {fake.api_key}"
        yield s


def error_of(response: requests.Response) -> Dict[str, Any]:
    assert response.status_code == 400, response.text
    body: Dict[str, Any] = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}
    assert body["error"]["type"] == "invalid_request_error"
    return body["error"]  # type: ignore[no-any-return]


UNKNOWN_JSON: List[Tuple[str, Dict[str, Any]]] = [
    ("/chat/completions", CHAT),
    ("/completions", {"model": "gpt-3.5-turbo-instruct", "prompt": "Hi"}),
    ("/responses", {"model": "gpt-4o-mini", "input": "Hi"}),
    ("/moderations", {"input": "Hi"}),
    ("/images/generations", {"prompt": "a cat"}),
    ("/embeddings", {"model": "text-embedding-3-small", "input": "Hi"}),
    ("/batches", {"input_file_id": "file-1", "endpoint": "/v1/chat/completions", "completion_window": "24h"}),
    ("/fine_tuning/jobs", {"model": "gpt-4o-mini", "training_file": "file-1"}),
    ("/uploads", {"filename": "a.jsonl", "purpose": "batch", "bytes": 3, "mime_type": "text/jsonl"}),
]


@pytest.mark.parametrize(("path", "body"), UNKNOWN_JSON, ids=[p for p, _ in UNKNOWN_JSON])
def test_an_unknown_json_parameter_is_refused_by_name(
    fake: FakeOpenAI, http: requests.Session, path: str, body: Dict[str, Any]
) -> None:
    error = error_of(http.post(fake.url + path, json={**body, "frobnicate": 1}))

    assert error["message"] == "Unrecognized request argument supplied: frobnicate"
    assert error["param"] == "frobnicate" and error["code"] == "unknown_parameter"
    assert fake.last.off_spec == error["message"]


@pytest.mark.parametrize(
    ("extra", "param", "message"),
    [
        ({"max_tokens": "5"}, "max_tokens", "Invalid type for 'max_tokens': expected an integer, but got a"),
        ({"temperature": "hot"}, "temperature", "Invalid type for 'temperature': expected a number"),
        ({"stream": "yes"}, "stream", "Invalid type for 'stream': expected a boolean, but got a string"),
        ({"n": 1.5}, "n", "Invalid type for 'n': expected an integer, but got a decimal number"),
        ({"temperature": 3}, "temperature", "Invalid 'temperature': number above maximum value."),
        ({"reasoning_effort": "extreme"}, "reasoning_effort", "Invalid value: 'extreme'. Supported values"),
        ({"messages": []}, "messages", "Invalid 'messages': empty array."),
        ({"messages": [{"role": "user"}]}, "messages[0].content", "Missing required parameter"),
        ({"messages": [{"role": "robot", "content": "x"}]}, "messages[0].role", "Invalid value: 'robot'."),
        ({"messages": [{"role": "user", "content": "x", "mood": 1}]}, "messages[0].mood", "Unknown param"),
    ],
)
def test_a_mistyped_or_missing_value_is_refused_by_name(
    fake: FakeOpenAI, http: requests.Session, extra: Dict[str, Any], param: str, message: str
) -> None:
    error = error_of(http.post(fake.url + "/chat/completions", json={**CHAT, **extra}))

    assert error["param"] == param
    assert error["message"].startswith(message), error["message"]


def test_a_missing_required_parameter_is_refused(fake: FakeOpenAI, http: requests.Session) -> None:
    error = error_of(http.post(fake.url + "/chat/completions", json={"messages": MESSAGES}))

    assert error == {
        "message": "Missing required parameter: 'model'.",
        "type": "invalid_request_error",
        "param": "model",
        "code": "missing_required_parameter",
    }


@pytest.mark.parametrize(
    ("query", "param", "code"),
    [
        ("purpose=batch&color=red", "color", "unknown_parameter"),
        ("limit=ten", "limit", "invalid_type"),
        ("order=sideways", "order", "invalid_value"),
    ],
)
def test_query_parameters_are_checked(
    fake: FakeOpenAI, http: requests.Session, query: str, param: str, code: str
) -> None:
    error = error_of(http.get(fake.url + "/files?" + query))

    assert (error["param"], error["code"]) == (param, code)
    assert http.get(fake.url + "/files?purpose=batch&limit=2&order=desc").status_code == 200


def test_an_object_query_parameter_is_read_as_the_api_writes_it(
    fake: FakeOpenAI, http: requests.Session
) -> None:
    assert http.get(fake.url + "/chat/completions?metadata[topic]=x&limit=1").status_code == 200
    error = error_of(http.get(fake.url + "/chat/completions?metadat[topic]=x"))
    assert error["param"] == "metadat[topic]"


@pytest.mark.parametrize(
    ("fields", "param", "code"),
    [
        ({"model": "whisper-1", "temperature": "hot"}, "temperature", "invalid_type"),
        ({"model": "whisper-1", "response_format": "mp3"}, "response_format", "invalid_value"),
        ({"model": "whisper-1", "speakers": "2"}, "speakers", "unknown_parameter"),
        ({"temperature": "0.5"}, "model", "missing_required_parameter"),
        ({"model": "whisper-1", "include[]": "secrets"}, "include[0]", "invalid_value"),
    ],
)
def test_form_fields_are_checked(
    fake: FakeOpenAI, http: requests.Session, fields: Dict[str, str], param: str, code: str
) -> None:
    audio = {"file": ("a.mp3", b"ID3\x03", "audio/mpeg")}
    error = error_of(http.post(fake.url + "/audio/transcriptions", data=fields, files=audio))

    assert (error["param"], error["code"]) == (param, code)


def test_a_plain_value_for_a_file_field_is_refused(fake: FakeOpenAI, http: requests.Session) -> None:
    error = error_of(
        http.post(fake.url + "/files", files={"purpose": (None, "batch"), "file": (None, "not a file")})
    )
    assert (error["param"], error["code"]) == ("file", "invalid_type")


def test_a_json_body_where_a_form_is_expected_is_refused(fake: FakeOpenAI, http: requests.Session) -> None:
    error = error_of(http.post(fake.url + "/files", json={"purpose": "batch"}))
    assert error["message"] == "Invalid Content-Type header (application/json), expected multipart/form-data."


def test_a_body_on_an_operation_without_one_is_refused(fake: FakeOpenAI, http: requests.Session) -> None:
    error = error_of(http.post(fake.url + "/batches/batch_1/cancel", json={"now": True}))
    assert error["param"] == "now"
    assert http.post(fake.url + "/batches/batch_1/cancel", json={}).status_code == 404


def test_a_queued_reply_is_only_used_by_a_well_formed_request(
    fake: FakeOpenAI, http: requests.Session
) -> None:
    fake.enqueue(error_reply(429, "Slow down.", type="rate_limit_error"), path="/chat/completions")

    refused = http.post(fake.url + "/chat/completions", json={**CHAT, "max_tokens": "5"})
    served = http.post(fake.url + "/chat/completions", json=CHAT)

    assert error_of(refused)["param"] == "max_tokens" and not fake.requests[0].injected
    assert served.status_code == 429 and fake.requests[1].injected


def test_a_queued_reply_for_an_unknown_path_is_not_checked(fake: FakeOpenAI, http: requests.Session) -> None:
    fake.enqueue(json_reply({"ok": True}))
    assert http.post(fake.url + "/no_such_resource", json={"anything": 1}).json() == {"ok": True}
    assert fake.last.off_spec is None


# -- letting an off-spec request through -----------------------------------------------


def test_the_off_spec_header_lets_one_call_through(fake: FakeOpenAI, session: OpenAISession) -> None:
    off_spec = {FakeOpenAI.OFF_SPEC_HEADER: "1"}
    extra = {"x": 1}
    served = chat.create(session, model="m", messages=MESSAGES, extra_body=extra, extra_headers=off_spec)
    refused = chat.create(session, model="m", messages=MESSAGES, extra_body=extra)

    assert (served.status_code, refused.status_code) == (200, 400)
    assert [r.off_spec for r in fake.requests] == ["Unrecognized request argument supplied: x"] * 2


def test_the_off_spec_block_lets_requests_through_and_ends(fake: FakeOpenAI, http: requests.Session) -> None:
    with fake.off_spec():
        assert http.get(fake.url + "/models?x=1").status_code == 200
        assert not fake.strict
    assert fake.strict
    assert http.get(fake.url + "/models?x=1").status_code == 400
    unknown = "Unrecognized request argument supplied: x"
    assert fake.requests[0].off_spec == fake.requests[1].off_spec == unknown


def test_a_lenient_server_serves_and_records_what_is_off_spec() -> None:
    with FakeOpenAI(strict=False) as lenient, requests.Session() as http:
        http.headers["Authorization"] = f"Bearer {lenient.api_key}"
        url = lenient.url + "/chat/completions"
        assert http.post(url, json={**CHAT, "max_tokens": "5"}).status_code == 200
        assert http.post(lenient.url + "/chat/completions", json=CHAT).status_code == 200
        assert [r.off_spec for r in lenient.requests] == [
            "Invalid type for 'max_tokens': expected an integer, but got a string instead.",
            None,
        ]


def test_well_formed_library_calls_are_not_off_spec(fake: FakeOpenAI, session: OpenAISession) -> None:
    chat.create(session, model="gpt-4o-mini", messages=MESSAGES, max_tokens=5, temperature=0.5)
    files.list(session, purpose="batch", limit=2, order="desc")
    expires = {"anchor": "created_at", "seconds": 3600}
    files.create(session, file=("a.jsonl", b"{}\n"), purpose="batch", expires_after=expires)

    assert [(r.reply_status, r.off_spec) for r in fake.requests] == [(200, None)] * 3


# -- the schemas cover every built-in route --------------------------------------------


def test_every_built_in_route_is_checked() -> None:
    """A route module added without regenerating ``_spec.json`` fails here (see fake_spec.py)."""
    unchecked = []
    for route in server_module._BUILTIN_ROUTES:
        concrete = re.sub(r"\{\w+\}", "x1", route.pattern)
        if find_operation(route.method, concrete) is None:
            unchecked.append(f"{route.method} {route.pattern}")
    assert unchecked == []


def test_the_spec_copy_ships_with_its_license() -> None:
    import openai_lite.testing as testing

    folder = testing.__file__.rsplit("/", 1)[0] if "/" in testing.__file__ else "."
    with open(f"{folder}/_spec.LICENSE", encoding="utf-8") as fh:
        assert fh.read().startswith("The MIT License")
    with open(f"{folder}/_spec.json", encoding="utf-8") as fh:
        assert json.load(fh)["info"]["license"]["name"] == "MIT"

