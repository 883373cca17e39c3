"""Shared fixtures: a FakeOpenAI server on 127.0.0.1 and sessions pointed at it.

Every exchange a test has with the ``fake`` fixture's built-in routes is checked against the
official OpenAPI document when the test ends, those a test cleared included: the query
string, the headers the API defines and the JSON or multipart body the library sent; the
JSON, the stream events (each against the stream event schema) or the kind of binary body
the fake served. A request the fake found
off-spec (and refused, or let through because the test asked it to) is not checked again; the
replies of a test marked ``off_spec`` (where the fake answers what the spec misdescribes) are
not checked.
"""

from __future__ import annotations

import json
import os
from typing import Iterator

import pytest
from conformance import (
    find_operation,
    validate_binary,
    validate_headers,
    validate_multipart,
    validate_query,
    validate_request,
    validate_response,
    validate_stream,
)

from openai_lite import OpenAIRetry, OpenAISession
from openai_lite.testing import FakeOpenAI, RecordedRequest

# A test must never reach the real API, whatever the developer's shell exports.
for _name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_LOG"):
    os.environ.pop(_name, None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "off_spec: the fake serves replies the spec does not describe")


#: Operations that stream the events of another without the spec saying so.
STREAM_EVENTS_OF = {("GET", "/responses/{response_id}"): ("POST", "/responses")}


def check_conformance(request: RecordedRequest, replies: bool = True) -> None:
    """Validate one exchange that a built-in route answered (its reply too if *replies*)."""
    try:
        find_operation(request.method, request.route_path)
    except LookupError:
        return  # a custom route, or a 404/405 for an unknown path
    if request.off_spec is None:
        check_request(request)
    status, media = request.reply_status, (request.reply_content_type or "").split(";")[0].strip()
    if not replies or not status or request.reply_headers is None:
        return  # not asked for, or dropped before a status
    if media == "application/json":
        body = json.loads(request.reply_body)
        if request.route_path == "/embeddings" and (request.json or {}).get("encoding_format") == "base64":
            # The spec types every embedding as a list of numbers; base64 answers are strings.
            for item in body.get("data", []):
                item["embedding"] = [0.0]
        validate_response(request.method, request.route_path, status, body)
    elif media == "text/event-stream":
        op = find_operation(request.method, request.route_path)
        events_of = STREAM_EVENTS_OF.get((op.method, op.template))
        validate_stream(request.method, request.route_path, status, request.reply_body, events_of)
    elif media == "text/plain" and request.form.get("response_format") in ("text", "srt", "vtt"):
        pass  # the spec documents only the JSON formats of a transcription or translation
    elif media and 200 <= status < 300:
        validate_binary(request.method, request.route_path, status, media)


def check_request(request: RecordedRequest) -> None:
    """Validate what the library sent: query string, defined headers and body."""
    validate_query(request.method, request.route_path, request.query)
    validate_headers(request.method, request.route_path, request.headers)
    content_type = request.headers.get("Content-Type", "")
    if content_type.startswith("multipart/form-data"):
        fields = {p.name: p.text if p.filename is None else p.data for p in request.parts}
        files = {p.name for p in request.parts if p.filename is not None}
        validate_multipart(request.method, request.route_path, fields, files)
    elif request.body and content_type.startswith("application/json"):
        validate_request(request.method, request.route_path, request.json)


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeOpenAI]:
    """A started FakeOpenAI, stopped after the test, whose exchanges must follow the spec."""
    with FakeOpenAI() as server:
        yield server
    replies = request.node.get_closest_marker("off_spec") is None
    for exchange in server.history:
        # A queued reply or a 401 is the test's own doing: only what the library sent is checked.
        check_conformance(exchange, replies and not exchange.injected and exchange.reply_status != 401)


@pytest.fixture
def session(fake: FakeOpenAI) -> Iterator[OpenAISession]:
    """An OpenAISession on the fake server, retrying twice with millisecond backoff."""
    with OpenAISession(
        api_key=fake.api_key,
        base_url=fake.url,
        max_retries=OpenAIRetry.for_tries(2, backoff_factor=0.001),
    ) as s:
        yield s
