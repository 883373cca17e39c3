"""Shared fixtures: a FakeOpenAI server on 127.0.0.1 and sessions pointed at it.

Every exchange a test has with the ``fake`` fixture's built-in routes is checked against the
official OpenAPI document when the test ends, those a test cleared included: the JSON or
multipart request the library built, and the JSON the fake served. A request the fake found
off-spec (and refused, or let through because the test asked it to) is not checked again; a
test that serves something off-spec on purpose is marked ``off_spec``.
"""

from __future__ import annotations

import json
import os
from typing import Iterator

import pytest
from conformance import find_operation, validate_multipart, validate_request, validate_response

from openai_lite import OpenAIRetry, OpenAISession
from openai_lite.testing import FakeOpenAI, RecordedRequest

# A test must never reach the real API, whatever the developer's shell exports.
for _name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_LOG"):
    os.environ.pop(_name, None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "off_spec: the test sends or serves off-spec bodies on purpose")


def check_conformance(request: RecordedRequest) -> None:
    """Validate one exchange that a built-in route answered."""
    try:
        find_operation(request.method, request.route_path)
    except LookupError:
        return  # a custom route, or a 404/405 for an unknown path
    content_type = request.headers.get("Content-Type", "")
    if request.off_spec is not None:
        pass
    elif content_type.startswith("multipart/form-data"):
        fields = {p.name: p.text if p.filename is None else p.data for p in request.parts}
        files = {p.name for p in request.parts if p.filename is not None}
        validate_multipart(request.method, request.route_path, fields, files)
    elif request.body and content_type.startswith("application/json"):
        validate_request(request.method, request.route_path, request.json)
    if (request.reply_content_type or "").startswith("application/json") and request.reply_status:
        body = json.loads(request.reply_body)
        if request.route_path == "/embeddings" and (request.json or {}).get("encoding_format") == "base64":
            # The spec types every embedding as a list of numbers; base64 answers are strings.
            for item in body.get("data", []):
                item["embedding"] = [0.0]
        validate_response(request.method, request.route_path, request.reply_status, body)


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeOpenAI]:
    """A started FakeOpenAI, stopped after the test, whose exchanges must follow the spec."""
    with FakeOpenAI() as server:
        yield server
    if request.node.get_closest_marker("off_spec") is None:
        for exchange in server.history:
            if not exchange.injected and exchange.reply_status != 401:
                check_conformance(exchange)


@pytest.fixture
def session(fake: FakeOpenAI) -> Iterator[OpenAISession]:
    """An OpenAISession on the fake server, retrying twice with millisecond backoff."""
    with OpenAISession(
        api_key=fake.api_key,
        base_url=fake.url,
        max_retries=OpenAIRetry.for_tries(2, backoff_factor=0.001),
    ) as s:
        yield s
