"""Logging: one DEBUG line per request on ``openai_lite``, bodies only when asked, never the key."""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import sys
from typing import Iterator

import pytest

from openai_lite import APIConnectionError, OpenAISession, chat, files, models
from openai_lite._logging import body_logger, configure_from_env, logger
from openai_lite.testing import FakeOpenAI, error_reply

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINE = re.compile(r"^(GET|POST|DELETE) (/\S*) -> (\d{3}) in \d+ ms, request (req_\w+)(, .*)?$")


@pytest.fixture(autouse=True)
def restore_loggers() -> Iterator[None]:
    saved = [(lg, lg.level, list(lg.handlers)) for lg in (logger, body_logger)]
    yield
    for lg, level, handlers in saved:
        lg.setLevel(level)
        lg.handlers[:] = handlers


def test_one_debug_line_per_request(
    fake: FakeOpenAI, session: OpenAISession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="openai_lite")

    listed = models.list(session)
    with fake.off_spec():  # the API knows no query parameter of that name
        missing = models.retrieve(session, "nope", extra_query={"secret": "in-the-query"})

    records = [r for r in caplog.records if r.name == "openai_lite"]
    assert [r.levelno for r in records] == [logging.DEBUG, logging.DEBUG]
    first, second = (LINE.match(r.getMessage()) for r in records)
    assert first and second
    assert first.groups()[:3] == ("GET", "/v1/models", "200")
    assert first.group(4) == listed.request_id
    assert second.groups()[:3] == ("GET", "/v1/models/nope", "404")
    assert second.group(4) == missing.request_id
    assert "in-the-query" not in caplog.text  # the path only, never the query
    assert fake.api_key not in caplog.text
    assert "request body" not in caplog.text  # bodies only when asked


def test_retries_are_counted(
    fake: FakeOpenAI, session: OpenAISession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="openai_lite")
    fake.enqueue(error_reply(429, "Slow down.", type="rate_limit_error", headers={"retry-after-ms": "1"}))
    fake.enqueue(error_reply(503, "Busy.", type="server_error", headers={"retry-after-ms": "1"}))

    resp = models.list(session)

    assert resp.retries == 2
    assert caplog.records[-1].getMessage().endswith(", 2 retries (429, 503)")


def test_connection_errors_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="openai_lite")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    session = OpenAISession(api_key="sk-SECRET-xyz", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)

    with pytest.raises(APIConnectionError):
        models.list(session)

    assert caplog.records[-1].getMessage().startswith("GET /v1/models -> no response: ")
    assert "sk-SECRET-xyz" not in caplog.text


def test_bodies_when_asked(
    fake: FakeOpenAI, session: OpenAISession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="openai_lite")
    caplog.set_level(logging.DEBUG, logger="openai_lite.body")

    chat.create(session, model="gpt-4o-mini", messages=[{"role": "user", "content": "Capital of France?"}])
    files.create(session, file=("a.jsonl", b'{"x": 1}\n'), purpose="batch")

    bodies = [r.getMessage() for r in caplog.records if r.name == "openai_lite.body"]
    assert (
        bodies[0]
        == 'request body: {"messages":[{"role":"user","content":"Capital of France?"}],"model":"gpt-4o-mini"}'
    )
    assert bodies[1].startswith("response body: {") and "The capital of France is Paris." in bodies[1]
    assert re.match(r"request body: <multipart/form-data; boundary=\w+, \d+ bytes>", bodies[2])
    assert fake.api_key not in caplog.text


def test_nothing_is_formatted_when_disabled(
    fake: FakeOpenAI, session: OpenAISession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="openai_lite")
    models.list(session)
    assert caplog.records == []


def test_openai_log_values() -> None:
    logger.setLevel(logging.NOTSET)
    configure_from_env("nonsense")
    assert logger.level == logging.NOTSET
    configure_from_env("info")
    assert logger.level == logging.INFO and body_logger.level == logging.WARNING
    configure_from_env("DEBUG")
    assert logger.level == logging.DEBUG and body_logger.level == logging.WARNING
    configure_from_env("debug-body")
    assert body_logger.level == logging.DEBUG
    assert len(logger.handlers) == 1  # one stderr handler, however often it is called


def test_openai_log_debug_in_a_fresh_process(fake: FakeOpenAI) -> None:
    script = (
        "from openai_lite import OpenAISession, models\n"
        f"s = OpenAISession(api_key={fake.api_key!r}, base_url={fake.url!r})\n"
        "print(models.list(s).status_code)\n"
    )
    env = dict(os.environ, OPENAI_LOG="debug", PYTHONPATH=ROOT)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=60)
    err = done.stderr.decode()
    assert done.stdout.decode().strip() == "200"
    assert re.search(r"\[.* openai_lite DEBUG\] GET /v1/models -> 200 in \d+ ms, request req_\w+$", err, re.M)
    assert fake.api_key not in err
    assert "response body" not in err
