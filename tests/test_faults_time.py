"""Faults in time: writes bounded by their own timeout, and a total bound on a whole call.

Each case runs against a raw-socket server on 127.0.0.1 that pauses or trickles, and asserts
the outcome (result or error type) and how much went over the wire, never how long it took.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, List

import pytest
from rawserver import RawConnection, RawServer, http_response

from openai_lite import APITimeoutError, OpenAIRetry, OpenAISession, chat, files, models
from openai_lite.testing import FakeOpenAI

FILE = {"id": "file-1", "object": "file", "bytes": 1, "created_at": 1, "filename": "a", "purpose": "batch"}
MODEL = {"id": "gpt-4o", "object": "model", "created": 1, "owned_by": "openai"}
BIG = 16 << 20  # more than the kernel buffers of a loopback connection hold


def raw_session(url: str, retries: int = 0, **kwargs: Any) -> OpenAISession:
    return OpenAISession(
        api_key="sk-fake-key",
        base_url=url,
        max_retries=OpenAIRetry.for_tries(retries, backoff_factor=0.001),
        **kwargs,
    )


def test_upload_to_a_server_that_pauses_reading_longer_than_the_connect_timeout_succeeds() -> None:
    def handler(conn: RawConnection) -> None:
        conn.stall(0.8)  # longer than the connect timeout, shorter than the read timeout
        conn.read_request(keep_body=False)
        conn.send(http_response(200, json.dumps(FILE), {"Content-Type": "application/json"}))
        conn.close()

    with RawServer(handler) as server:
        session = raw_session(server.url, timeout=(0.2, 10.0))
        resp = files.create(session, file=("big.jsonl", b"x" * BIG), purpose="batch")
    assert resp.data.id == "file-1"
    assert len(server.requests) == 1 and server.requests[0].body_length > BIG
    assert server.connections == 1  # not cut and re-sent


def test_upload_to_a_server_that_stops_reading_raises_api_timeout_error() -> None:
    with RawServer(lambda conn: conn.stall(30)) as server:
        session = raw_session(server.url, timeout=(5.0, 0.3))
        with pytest.raises(APITimeoutError):
            files.create(session, file=("big.jsonl", b"x" * BIG), purpose="batch")
    assert server.connections == 1


def trickle(sent: List[int], head: bytes, length: int) -> Any:
    """A handler that answers one request with *head*, then one body byte each 0.2 s."""

    def handler(conn: RawConnection) -> None:
        conn.read_request(keep_body=False)
        conn.send(head)
        for _ in range(length):
            conn.stall(0.2)
            try:
                conn.send(b" ")
            except OSError:
                return
            sent.append(1)

    return handler


def test_deadline_bounds_a_body_that_trickles_in() -> None:
    sent: List[int] = []
    head = http_response(200, b"", {"Content-Type": "application/json"}, content_length=300)
    with RawServer(trickle(sent, head, 300)) as server:
        with pytest.raises(APITimeoutError, match="deadline of 1 s"):
            models.retrieve(raw_session(server.url, timeout=1.0), "gpt-4o", deadline=1.0)
    assert len(sent) < 100  # the call did not wait for the 300 bytes (a minute at this pace)


def test_session_deadline_bounds_every_call() -> None:
    sent: List[int] = []
    head = http_response(200, b"", {"Content-Type": "application/json"}, content_length=300)
    with RawServer(trickle(sent, head, 300)) as server:
        session = raw_session(server.url, timeout=1.0, deadline=1.0)
        assert session.deadline == 1.0
        with pytest.raises(APITimeoutError):
            models.retrieve(session, "gpt-4o")
    assert len(sent) < 100


def test_deadline_bounds_a_download_and_leaves_no_file(tmp_path: Path) -> None:
    sent: List[int] = []
    head = http_response(200, b"", {"Content-Type": "application/octet-stream"}, content_length=300)
    with RawServer(trickle(sent, head, 300)) as server:
        with pytest.raises(APITimeoutError):
            files.download(raw_session(server.url, timeout=1.0), "file-1", tmp_path / "a", deadline=1.0)
    assert len(sent) < 100
    assert list(tmp_path.iterdir()) == []


def test_deadline_does_not_wait_for_a_retry_after_it_would_outlast() -> None:
    def handler(conn: RawConnection) -> None:
        while conn.read_request() is not None:
            conn.send(http_response(429, b'{"error": {"message": "slow down"}}', {"Retry-After": "30"}))

    with RawServer(handler) as server:
        with pytest.raises(APITimeoutError):
            models.retrieve(raw_session(server.url, retries=2), "gpt-4o", deadline=1.0)
    assert len(server.requests) == 1  # no 30 s wait, no second try


def test_deadline_stops_the_retries() -> None:
    calls = threading.Event()

    def handler(conn: RawConnection) -> None:
        while conn.read_request() is not None:
            calls.set()
            conn.stall(0.3)
            conn.send(http_response(500, b'{"error": {"message": "down"}}'))

    with RawServer(handler) as server:
        with pytest.raises(APITimeoutError):
            models.retrieve(raw_session(server.url, retries=50), "gpt-4o", deadline=1.0)
    assert calls.is_set() and len(server.requests) < 10


def test_call_within_its_deadline_is_untouched_and_keeps_its_connection(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    messages = [{"role": "user", "content": "Hi"}]
    for _ in range(3):
        assert chat.create(session, model="gpt-4o", messages=messages, deadline=30).ok
    assert len({r.connection_id for r in fake.requests}) == 1


@pytest.mark.parametrize(
    "value, error",
    [("1", TypeError), (True, TypeError), (0, ValueError), (-1.0, ValueError), (float("inf"), ValueError)],
)
def test_deadline_of_the_wrong_type_or_value_is_refused_before_sending(
    fake: FakeOpenAI, session: OpenAISession, value: Any, error: type
) -> None:
    with pytest.raises(error, match="deadline must be"):
        models.retrieve(session, "gpt-4o", deadline=value)
    with pytest.raises(error, match="deadline must be"):
        OpenAISession(api_key="sk-x", base_url=fake.url, deadline=value)
    assert fake.requests == []
