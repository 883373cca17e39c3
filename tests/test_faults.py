"""Faults and bad input: every call ends in a correct result or a typed error, within its timeout.

Each test is one case, against FakeOpenAI or a raw-socket server on 127.0.0.1, and asserts
the exact outcome: what the caller got (result, status, retries, error type) and what went
over the wire (how many tries, which bodies).
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import io
import json
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import quote

import pytest
import requests
from rawserver import RawConnection, RawServer
from urllib3.util import Timeout
from urllib3.util.retry import Retry

from openai_lite import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    OpenAIError,
    OpenAIRetry,
    OpenAISession,
    RateLimitError,
    chat,
    files,
    models,
)
from openai_lite._streaming import APIStreamError, SSEDecoder
from openai_lite.testing import FakeOpenAI, Reply, error_reply, json_reply, sse_reply
from openai_lite.testing._server import sse_event

MESSAGES = [{"role": "user", "content": "Hello"}]
MODEL_LIST = {
    "object": "list",
    "data": [{"id": "gpt-4o", "object": "model", "created": 1, "owned_by": "openai"}],
}
COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "gpt-4o",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi"}, "finish_reason": "stop"}],
}


def session_for(url: str, *, retries: int = 2, api_key: str = "sk-fake-key") -> OpenAISession:
    """A session with *retries* retries and millisecond backoff."""
    return OpenAISession(
        api_key=api_key, base_url=url, max_retries=OpenAIRetry.for_tries(retries, backoff_factor=0.001)
    )


def statuses(fake: FakeOpenAI) -> List[int]:
    return [r.reply_status for r in fake.requests]


@pytest.fixture
def upload(tmp_path: Path) -> Path:
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"".join(b'{"prompt": "p%d", "completion": "c"}\n' % i for i in range(5000)))
    return path


# ---------------------------------------------------------------------------
# Retry policy on the wire


def test_429_with_retry_after_seconds_is_retried(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(error_reply(429, "Slow down.", type="rate_limit_error", headers={"Retry-After": "0"}))
    resp = models.list(session)
    assert (resp.status_code, resp.retries) == (200, 1)
    assert statuses(fake) == [429, 200]


def test_429_with_retry_after_http_date_is_retried(fake: FakeOpenAI, session: OpenAISession) -> None:
    now = email.utils.formatdate(time.time(), usegmt=True)
    fake.enqueue(error_reply(429, "Slow down.", type="rate_limit_error", headers={"Retry-After": now}))
    resp = models.list(session)
    assert (resp.status_code, resp.retries) == (200, 1)
    assert statuses(fake) == [429, 200]


def test_429_with_retry_after_ms_waits_that_long(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(error_reply(429, "Slow down.", type="rate_limit_error", headers={"retry-after-ms": "60"}))
    start = time.monotonic()
    resp = models.list(session)
    elapsed = time.monotonic() - start
    assert (resp.status_code, resp.retries) == (200, 1)
    assert 0.06 <= elapsed < 1.0


def test_429_retry_after_ms_wins_over_a_long_retry_after(fake: FakeOpenAI, session: OpenAISession) -> None:
    headers = {"retry-after-ms": "5", "Retry-After": "3600"}
    fake.enqueue(error_reply(429, "Slow down.", type="rate_limit_error", headers=headers))
    start = time.monotonic()
    resp = models.list(session)
    assert (resp.status_code, resp.retries) == (200, 1)
    assert time.monotonic() - start < 1.0


def test_429_asking_more_than_60_seconds_is_returned_at_once(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(
        error_reply(429, "Quota exceeded.", type="insufficient_quota", headers={"Retry-After": "120"})
    )
    start = time.monotonic()
    resp = models.list(session)
    assert time.monotonic() - start < 1.0
    assert (resp.status_code, resp.retries, resp.error and resp.error.message) == (429, 0, "Quota exceeded.")
    assert statuses(fake) == [429]
    with pytest.raises(RateLimitError, match="Quota exceeded"):
        resp.data


def test_429_with_a_far_http_date_is_returned_at_once(fake: FakeOpenAI, session: OpenAISession) -> None:
    later = email.utils.formatdate(time.time() + 3600, usegmt=True)
    fake.enqueue(error_reply(429, "Later.", type="rate_limit_error", headers={"Retry-After": later}))
    resp = models.list(session)
    assert (resp.status_code, resp.retries) == (429, 0)
    assert statuses(fake) == [429]


def test_503_storm_longer_than_max_retries_returns_the_last_503(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    for n in range(1, 6):
        fake.enqueue(error_reply(503, f"Overloaded {n}.", type="server_error"))
    resp = models.list(session)
    assert (resp.status_code, resp.retries) == (503, 2)
    assert resp.error is not None and resp.error.message == "Overloaded 3."
    assert statuses(fake) == [503, 503, 503]
    with pytest.raises(InternalServerError, match="Overloaded 3"):
        resp.raise_for_status()


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 529])
def test_408_409_429_and_5xx_are_retried(fake: FakeOpenAI, session: OpenAISession, status: int) -> None:
    fake.enqueue(error_reply(status, "Try again.", type="server_error"))
    resp = models.list(session)
    assert (resp.status_code, resp.retries) == (200, 1)
    assert statuses(fake) == [status, 200]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_other_4xx_are_returned_at_once(fake: FakeOpenAI, session: OpenAISession, status: int) -> None:
    fake.enqueue(error_reply(status, "No."))
    resp = models.list(session)
    assert (resp.status_code, resp.retries) == (status, 0)
    assert statuses(fake) == [status]


def test_x_should_retry_false_on_a_500_is_not_retried(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(error_reply(500, "Broken.", type="server_error", headers={"x-should-retry": "false"}))
    resp = models.list(session)
    assert (resp.status_code, resp.retries) == (500, 0)
    assert statuses(fake) == [500]


def test_x_should_retry_true_on_a_400_is_retried(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(error_reply(400, "Try again.", headers={"x-should-retry": "true"}))
    resp = models.list(session)
    assert (resp.status_code, resp.retries) == (200, 1)


def test_post_is_retried_and_resends_the_same_json(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(error_reply(500, "Broken.", type="server_error"))
    resp = chat.create(session, model="gpt-4o", messages=MESSAGES)
    assert (resp.status_code, resp.retries) == (200, 1)
    first, second = fake.requests
    assert first.body == second.body and first.json["model"] == "gpt-4o"


def test_max_retries_0_on_the_session_turns_retrying_off(fake: FakeOpenAI) -> None:
    fake.enqueue(error_reply(503, "Overloaded.", type="server_error"), times=3)
    resp = models.list(OpenAISession(api_key=fake.api_key, base_url=fake.url, max_retries=0))
    assert (resp.status_code, resp.retries) == (503, 0)
    assert statuses(fake) == [503]


def test_max_retries_per_call_overrides_the_session(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(error_reply(503, "Overloaded.", type="server_error"), times=10)
    assert models.list(session, max_retries=0).retries == 0
    assert len(fake.requests) == 1
    resp = models.list(session, max_retries=4)
    assert (resp.status_code, resp.retries) == (503, 4)
    assert len(fake.requests) == 6
    assert models.list(session).retries == 2  # the session's own setting again


def test_a_users_own_retry_also_ends_in_the_last_response(fake: FakeOpenAI) -> None:
    policy = Retry(total=2, status_forcelist=[503], allowed_methods=None, backoff_factor=0)
    session = OpenAISession(api_key=fake.api_key, base_url=fake.url, max_retries=policy)
    fake.enqueue(error_reply(503, "Overloaded.", type="server_error"), times=3)
    resp = models.list(session)
    assert (resp.status_code, resp.retries) == (503, 2)
    assert resp.error is not None and resp.error.message == "Overloaded."


# ---------------------------------------------------------------------------
# Uploads that stream and replay


def test_500_then_200_on_a_multipart_upload_resends_the_whole_body(
    fake: FakeOpenAI, session: OpenAISession, upload: Path
) -> None:
    fake.enqueue(error_reply(500, "Broken.", type="server_error"), path="/files")
    resp = files.create(session, file=upload, purpose="fine-tune")
    assert (resp.status_code, resp.retries) == (200, 1)
    assert resp.data.bytes == upload.stat().st_size
    first, second = fake.requests
    assert first.body == second.body
    for sent in (first, second):
        assert int(sent.headers["Content-Length"]) == len(sent.body) and not sent.chunked
        assert sent.files["file"].data == upload.read_bytes()
        assert sent.form == {"purpose": "fine-tune"}


def test_retried_upload_from_an_open_file_restarts_at_its_first_position(
    fake: FakeOpenAI, session: OpenAISession, upload: Path
) -> None:
    fake.enqueue(error_reply(502, "Bad gateway.", type="server_error"), path="/files")
    with upload.open("rb") as handle:
        handle.seek(100)
        resp = files.create(session, file=handle, purpose="fine-tune")
    assert (resp.status_code, resp.retries) == (200, 1)
    expected = upload.read_bytes()[100:]
    assert [r.files["file"].data == expected for r in fake.requests] == [True, True]


def test_upload_of_known_size_sends_content_length(
    fake: FakeOpenAI, session: OpenAISession, upload: Path
) -> None:
    files.create(session, file=upload, purpose="fine-tune")
    files.create(session, file=("t.jsonl", upload.read_bytes()), purpose="fine-tune")
    assert [(r.chunked, int(r.headers["Content-Length"]) == len(r.body)) for r in fake.requests] == [
        (False, True),
        (False, True),
    ]


def test_upload_digest_is_the_same_on_both_tries(
    fake: FakeOpenAI, session: OpenAISession, upload: Path
) -> None:
    fake.enqueue(error_reply(500, "Broken.", type="server_error"), path="/files")
    files.create(session, file=str(upload), purpose="fine-tune")
    digest = hashlib.sha256(upload.read_bytes()).hexdigest()
    assert [hashlib.sha256(r.files["file"].data).hexdigest() for r in fake.requests] == [digest, digest]


def pipe_with(data: bytes) -> io.BufferedReader:
    read_end, write_end = os.pipe()

    def feed() -> None:
        with os.fdopen(write_end, "wb") as out:
            out.write(data)

    threading.Thread(target=feed, daemon=True).start()
    return os.fdopen(read_end, "rb")


def test_upload_from_a_pipe_goes_chunked_and_is_not_retried(
    fake: FakeOpenAI, session: OpenAISession, upload: Path
) -> None:
    fake.enqueue(error_reply(500, "Broken.", type="server_error"), path="/files")
    with pipe_with(upload.read_bytes()) as pipe:
        resp = files.create(session, file=("train.jsonl", pipe), purpose="fine-tune")
    assert (resp.status_code, resp.retries) == (500, 0)
    (sent,) = fake.requests
    assert sent.chunked and "Content-Length" not in sent.headers
    assert sent.files["file"].data == upload.read_bytes()


def test_upload_from_a_pipe_succeeds_chunked(fake: FakeOpenAI, session: OpenAISession, upload: Path) -> None:
    with pipe_with(upload.read_bytes()) as pipe:
        resp = files.create(session, file=("train.jsonl", pipe), purpose="fine-tune")
    assert resp.status_code == 200 and resp.data.bytes == upload.stat().st_size
    assert fake.last.chunked


def test_upload_from_a_generator_goes_chunked_and_is_not_retried(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    def lines() -> Iterator[bytes]:
        for i in range(1000):
            yield b'{"prompt": "p%d", "completion": "c"}\n' % i

    fake.enqueue(error_reply(503, "Overloaded.", type="server_error"), path="/files")
    resp = files.create(session, file=("train.jsonl", lines()), purpose="fine-tune")
    assert (resp.status_code, resp.retries) == (503, 0)
    (sent,) = fake.requests
    assert sent.chunked
    assert sent.files["file"].data == b"".join(lines())
    assert sent.files["file"].filename == "train.jsonl"


# ---------------------------------------------------------------------------
# Connections that fail


def test_connection_refused_raises_api_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    start = time.monotonic()
    with pytest.raises(APIConnectionError, match="Connection error") as caught:
        models.list(session_for(f"http://127.0.0.1:{port}/v1"))
    assert not isinstance(caught.value, APITimeoutError)
    assert time.monotonic() - start < 2.0


def test_reset_before_the_status_line_is_retried(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(Reply(drop="reset"))
    resp = models.list(session)
    assert (resp.status_code, resp.retries) == (200, 1)
    assert statuses(fake) == [0, 200]


def test_post_closed_before_the_status_line_is_retried(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(Reply(drop="before_status"))
    resp = chat.create(session, model="gpt-4o", messages=MESSAGES)
    assert (resp.status_code, resp.retries) == (200, 1)
    assert statuses(fake) == [0, 200]


def test_reset_on_every_try_raises_api_connection_error(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(Reply(drop="reset"), times=3)
    with pytest.raises(APIConnectionError):
        models.list(session)
    assert statuses(fake) == [0, 0, 0]


def test_reset_in_the_middle_of_a_body_raises_api_connection_error(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(
        Reply(200, body=json.dumps(MODEL_LIST).encode(), content_type="application/json", drop="mid_body")
    )
    with pytest.raises(APIConnectionError) as caught:
        models.list(session)
    assert not isinstance(caught.value, APITimeoutError)
    assert len(fake.requests) == 1


def test_chunked_body_cut_mid_stream_raises_api_connection_error(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    body = json.dumps(MODEL_LIST).encode()
    chunks = [body[:10], body[10:20], body[20:30], body[30:]]
    fake.enqueue(Reply(200, chunks=chunks, content_type="application/json", drop="mid_body"))
    with pytest.raises(APIConnectionError):
        models.list(session)


def test_garbage_status_line_raises_api_connection_error_after_the_retries() -> None:
    def handler(conn: RawConnection) -> None:
        conn.read_request()
        conn.send(b"SPDY/9 what\r\n\r\n")
        conn.close()

    with RawServer(handler) as server:
        with pytest.raises(APIConnectionError):
            models.list(session_for(server.url))
        assert len(server.requests) == 3


def test_stall_before_headers_times_out_within_the_read_timeout_and_post_is_not_retried(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(Reply(delay=10, body=json.dumps(COMPLETION).encode(), content_type="application/json"))
    start = time.monotonic()
    with pytest.raises(APITimeoutError):
        chat.create(session, model="gpt-4o", messages=MESSAGES, timeout=(2.0, 0.3))
    assert 0.3 <= time.monotonic() - start < 1.3
    assert len(fake.requests) == 1


def test_stall_before_headers_on_get_is_retried_then_times_out(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(Reply(delay=10), times=2)
    start = time.monotonic()
    with pytest.raises(APITimeoutError):
        models.list(session, timeout=(2.0, 0.2), max_retries=1)
    assert 0.4 <= time.monotonic() - start < 1.5
    assert len(fake.requests) == 2


def test_stall_mid_body_times_out_within_the_read_timeout(fake: FakeOpenAI, session: OpenAISession) -> None:
    body = json.dumps(MODEL_LIST).encode()
    fake.enqueue(Reply(200, chunks=[body[:15], body[15:]], chunk_delay=10, content_type="application/json"))
    start = time.monotonic()
    with pytest.raises(APITimeoutError):
        models.list(session, timeout=(2.0, 0.3))
    assert 0.3 <= time.monotonic() - start < 1.3
    assert len(fake.requests) == 1


# ---------------------------------------------------------------------------
# Bodies that are not what they should be


def test_html_502_gives_internal_server_error_with_a_snippet(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
    fake.enqueue(Reply(502, body=page, content_type="text/html"), times=3)
    resp = models.list(session)
    assert (resp.status_code, resp.retries, resp.error) == (502, 2, None)
    with pytest.raises(InternalServerError) as caught:
        resp.data
    assert caught.value.status_code == 502
    assert "502 Bad Gateway" in str(caught.value) and caught.value.body.startswith("<html>")


def test_truncated_json_gives_a_validation_error(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(Reply(200, body=b'{"object": "list", "data": [{"id": "gpt', content_type="application/json"))
    with pytest.raises(APIResponseValidationError, match="not valid JSON") as caught:
        models.list(session)
    assert caught.value.status_code == 200
    assert '{"object": "list", "data": [{"id": "gpt' in str(caught.value)


def test_empty_200_gives_a_validation_error(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(Reply(200, body=b"", content_type="application/json"))
    with pytest.raises(APIResponseValidationError, match="<empty body>"):
        models.list(session)


def test_200_with_an_html_content_type_gives_a_validation_error(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(
        Reply(200, body=b"<html><body>Please log in to the proxy</body></html>", content_type="text/html")
    )
    with pytest.raises(APIResponseValidationError, match="Please log in to the proxy") as caught:
        models.list(session)
    assert caught.value.status_code == 200


def test_json_of_the_wrong_shape_gives_a_validation_error(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(json_reply({"object": "list", "data": {"id": "not-a-list"}}))
    with pytest.raises(APIResponseValidationError, match="documented shape"):
        models.list(session)


def test_invalid_utf8_in_a_json_body_gives_a_validation_error(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(
        Reply(200, body=b'{"object": "list", "data": [], "x": "\xff\xfe"}', content_type="application/json")
    )
    with pytest.raises(APIResponseValidationError):
        models.list(session)


def test_deeply_nested_json_gives_a_validation_error(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(Reply(200, body=b"[" * 200_000 + b"]" * 200_000, content_type="application/json"))
    with pytest.raises(APIResponseValidationError):
        models.list(session)


def test_gzip_body_is_decoded(fake: FakeOpenAI, session: OpenAISession) -> None:
    body = gzip.compress(json.dumps(MODEL_LIST).encode())
    fake.enqueue(Reply(200, headers={"Content-Encoding": "gzip"}, body=body, content_type="application/json"))
    resp = models.list(session)
    assert [m.id for m in resp.data.data] == ["gpt-4o"]


def test_corrupt_gzip_body_gives_api_connection_error(fake: FakeOpenAI, session: OpenAISession) -> None:
    body = b"\x1f\x8b\x08\x00garbage that is not deflate"
    fake.enqueue(Reply(200, headers={"Content-Encoding": "gzip"}, body=body, content_type="application/json"))
    with pytest.raises(APIConnectionError):
        models.list(session)


def test_huge_error_body_keeps_only_a_snippet(fake: FakeOpenAI, session: OpenAISession) -> None:
    page = b"<html><body>" + b"upstream failure " * 300_000 + b"</body></html>"
    fake.enqueue(Reply(500, headers={"x-should-retry": "false"}, body=page, content_type="text/html"))
    resp = models.list(session)
    assert resp.status_code == 500
    error = resp.exception()
    assert isinstance(error, InternalServerError)
    assert len(error.body) <= 200 and error.body.endswith("...")
    assert len(str(error)) < 300 and len(repr(resp)) < 300


def test_error_body_that_is_not_openai_shaped_keeps_a_snippet(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(json_reply({"detail": "Not here"}, status=404))
    resp = models.list(session)
    assert (resp.status_code, resp.error) == (404, None)
    with pytest.raises(NotFoundError, match='"detail": "Not here"'):
        resp.data


# ---------------------------------------------------------------------------
# Redirects and sharing


def test_redirect_to_another_host_does_not_carry_the_authorization_header(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    with FakeOpenAI(host="127.0.0.2") as elsewhere:
        fake.enqueue(Reply(307, headers={"Location": elsewhere.url + "/models"}))
        resp = models.list(session)
        assert resp.status_code == 401  # the other host never got the key
        assert fake.last.headers["Authorization"] == "Bearer " + fake.api_key
        assert elsewhere.last.path == "/v1/models"
        assert "Authorization" not in elsewhere.last.headers


def test_8_threads_share_one_session_for_500_calls(fake: FakeOpenAI, session: OpenAISession) -> None:
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: models.list(session), range(500)))
    assert [(r.status_code, r.retries) for r in results] == [(200, 0)] * 500
    assert len(fake.requests) == 500
    assert 1 <= fake.connections <= requests.adapters.DEFAULT_POOLSIZE


# ---------------------------------------------------------------------------
# Bad input is refused before anything is sent


def test_missing_required_argument_is_named(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(TypeError, match="'model'"):
        chat.create(session, messages=MESSAGES)  # type: ignore[call-arg]
    assert fake.requests == []


def test_file_path_that_does_not_exist_is_named(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path
) -> None:
    with pytest.raises(FileNotFoundError, match="^file: no such file"):
        files.create(session, file=tmp_path / "missing.jsonl", purpose="fine-tune")
    assert fake.requests == []


def test_file_opened_in_text_mode_is_named(fake: FakeOpenAI, session: OpenAISession, upload: Path) -> None:
    with upload.open("r") as text, pytest.raises(TypeError, match="^file: .*text mode"):
        files.create(session, file=text, purpose="fine-tune")
    with pytest.raises(TypeError, match="^file: .*text mode"):
        files.create(session, file=io.StringIO("abc"), purpose="fine-tune")
    assert fake.requests == []


def test_value_that_is_not_json_is_named(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(TypeError, match="metadata"):
        chat.create(session, model="gpt-4o", messages=MESSAGES, metadata={"when": object()})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="temperature"):
        chat.create(session, model="gpt-4o", messages=MESSAGES, temperature=float("nan"))
    assert fake.requests == []


def test_max_retries_of_the_wrong_type_is_named(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(TypeError, match="max_retries"):
        models.list(session, max_retries="3")  # type: ignore[typeddict-item]
    with pytest.raises(ValueError, match="max_retries"):
        models.list(session, max_retries=-1)
    with pytest.raises(TypeError, match="max_retries"):
        OpenAISession(api_key="sk-x", base_url=fake.url, max_retries="3")  # type: ignore[arg-type]
    assert fake.requests == []


def test_timeout_of_the_wrong_type_is_named(fake: FakeOpenAI, session: OpenAISession) -> None:
    for bad in ("5", (1, 2, 3), ("1", 2), -1):
        with pytest.raises((TypeError, ValueError), match="timeout"):
            models.list(session, timeout=bad)  # type: ignore[typeddict-item]
    assert fake.requests == []


def test_timeout_as_a_urllib3_timeout_is_accepted(fake: FakeOpenAI, session: OpenAISession) -> None:
    assert models.list(session, timeout=Timeout(connect=2.0, read=2.0)).status_code == 200  # type: ignore[typeddict-item]


@pytest.mark.parametrize(
    "model_id", ["../files", "a/b", "x?purpose=batch", "y#top", "%2e%2e", "ft:gpt-4o:acme::1 "]
)
def test_path_parameters_are_percent_encoded(fake: FakeOpenAI, session: OpenAISession, model_id: str) -> None:
    resp = models.retrieve(session, model_id)
    assert resp.status_code == 404 and resp.error is not None
    assert fake.last.path == "/v1/models/" + quote(model_id, safe="")
    assert fake.last.query == {}


@pytest.mark.parametrize("model_id", ["..", ".", ""])
def test_dot_segments_and_empty_ids_are_refused(
    fake: FakeOpenAI, session: OpenAISession, model_id: str
) -> None:
    with pytest.raises(ValueError, match="^model "):
        models.retrieve(session, model_id)
    assert fake.requests == []


# ---------------------------------------------------------------------------
# Streams (server-sent events)


def chunk(content: str) -> Dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-4o",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": None}],
    }


def read_stream(session: OpenAISession, **options: Any) -> Tuple[List[str], Optional[BaseException]]:
    """The contents that arrived, and the error that ended the stream (None: it ended well)."""
    got: List[str] = []
    try:
        with chat.stream(session, model="gpt-4o", messages=MESSAGES, **options) as stream:
            for item in stream:
                got.append(item.choices[0].delta.content or "")
    except OpenAIError as exc:
        return got, exc
    return got, None


def test_sse_cut_mid_event_raises_api_connection_error_after_the_whole_events(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(sse_reply([chunk("Hel"), chunk("lo"), b'data: {"id": "chatcmpl-1", "choi'], done=False))
    got, error = read_stream(session)
    assert got == ["Hel", "lo"]
    assert type(error) is APIConnectionError and "middle of an event" in str(error)


def test_sse_ending_without_done_raises_api_connection_error(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(sse_reply([chunk("Hel"), chunk("lo")], done=False))
    got, error = read_stream(session)
    assert got == ["Hel", "lo"] and type(error) is APIConnectionError


def test_sse_reset_mid_stream_raises_api_connection_error(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(sse_reply([chunk("a"), chunk("b"), chunk("c"), chunk("d")], drop="mid_body"))
    got, error = read_stream(session)
    assert got == ["a", "b"] and type(error) is APIConnectionError


def test_sse_error_event_raises_api_stream_error_after_the_items_before_it(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    error_event = b'event: error\ndata: {"error": {"message": "Overloaded", "type": "server_error"}}\n\n'
    fake.enqueue(sse_reply([chunk("Hi"), error_event, chunk("never")]))
    got, error = read_stream(session)
    assert got == ["Hi"]
    assert (
        isinstance(error, APIStreamError) and error.message == "Overloaded" and error.type == "server_error"
    )
    assert error.request_id is not None and error.request_id.startswith("req_")


def test_sse_events_split_at_every_byte_position(fake: FakeOpenAI, session: OpenAISession) -> None:
    events = [chunk("Bon"), chunk("jour, "), chunk("Zoë ✓ 🐍")]
    whole = b"".join(sse_event(e) for e in events) + b"data: [DONE]\n\n"
    for cut in range(len(whole) + 1):  # two reads, cut at each position
        decoder = SSEDecoder()
        decoded = decoder.feed(whole[:cut]) + decoder.feed(whole[cut:])
        assert [e.json()["choices"][0]["delta"]["content"] for e in decoded[:3]] == [
            "Bon",
            "jour, ",
            "Zoë ✓ 🐍",
        ]
        assert decoded[3].data == "[DONE]" and len(decoded) == 4
    fake.enqueue(sse_reply(events, split=1))  # and over the wire, one byte per HTTP chunk
    got, error = read_stream(session)
    assert (got, error) == (["Bon", "jour, ", "Zoë ✓ 🐍"], None)


def test_sse_invalid_utf8_is_replaced_not_raised(fake: FakeOpenAI, session: OpenAISession) -> None:
    bad = sse_event(chunk("a\udcffb")).replace(b"\\udcff", b"\xff")
    assert b"\xff" in bad
    fake.enqueue(sse_reply([bad, chunk("c")]))
    got, error = read_stream(session)
    assert (got, error) == (["a\ufffdb", "c"], None)


def test_sse_stall_mid_stream_times_out_within_the_read_timeout(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(sse_reply([chunk("a"), chunk("b")], chunk_delay=10))
    start = time.monotonic()
    got, error = read_stream(session, timeout=(2.0, 0.3))
    assert got == ["a"] and type(error) is APITimeoutError
    assert 0.3 <= time.monotonic() - start < 1.3


def test_sse_429_before_the_stream_is_retried(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(error_reply(429, "Slow down.", type="rate_limit_error", headers={"retry-after-ms": "5"}))
    fake.enqueue(sse_reply([chunk("ok")]))
    with chat.stream(session, model="gpt-4o", messages=MESSAGES) as stream:
        assert [c.choices[0].delta.content for c in stream] == ["ok"]
        assert stream.retries == 1


def test_sse_error_status_raises_its_typed_error_at_open(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(error_reply(400, "Bad model.", param="model"))
    with pytest.raises(BadRequestError, match="Bad model") as caught:
        chat.stream(session, model="gpt-4o", messages=MESSAGES)
    assert caught.value.param == "model"


def test_generator_upload_to_a_server_that_never_answers_times_out() -> None:
    def handler(conn: RawConnection) -> None:
        conn.read_request()
        conn.stall(10)

    def lines() -> Iterator[bytes]:
        yield b'{"prompt": "p", "completion": "c"}\n'

    with RawServer(handler) as server:
        start = time.monotonic()
        with pytest.raises(APITimeoutError):
            files.create(
                session_for(server.url), file=("t.jsonl", lines()), purpose="fine-tune", timeout=(1, 0.5)
            )
        assert 0.5 <= time.monotonic() - start < 3
        (sent,) = server.requests
    assert sent.chunked and b'{"prompt": "p", "completion": "c"}\n' in sent.body


def test_generator_upload_to_a_refused_or_reset_connection_is_a_connection_error() -> None:
    def handler(conn: RawConnection) -> None:
        conn.read_request()
        conn.reset()

    def lines() -> Iterator[bytes]:
        yield b'{"prompt": "p", "completion": "c"}\n'

    with RawServer(handler) as server:
        with pytest.raises(APIConnectionError) as reset:
            files.create(session_for(server.url), file=("t.jsonl", lines()), purpose="fine-tune")
        assert len(server.requests) == 1
    with pytest.raises(APIConnectionError) as refused:  # the server is gone: its port refuses
        files.create(session_for(server.url), file=("t.jsonl", lines()), purpose="fine-tune")
    assert type(reset.value) is type(refused.value) is APIConnectionError
