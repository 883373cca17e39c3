"""FakeOpenAI's batch lifecycle and rate limits, over the wire."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest

from openai_lite import OpenAISession, batches, chat, embeddings, files
from openai_lite.testing import FakeOpenAI, RateLimits, batch_settings


class Clock:
    """A clock a test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def line(custom_id: str, content: str = "Hi", url: str = "/v1/chat/completions") -> Dict[str, Any]:
    body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": content}]}
    return {"custom_id": custom_id, "method": "POST", "url": url, "body": body}


def upload(session: OpenAISession, lines: List[Dict[str, Any]]) -> str:
    data = b"".join(json.dumps(x).encode() + b"\n" for x in lines)
    return files.create(session, file=("in.jsonl", data), purpose="batch").data.id


def create(session: OpenAISession, file_id: str) -> str:
    return batches.create(
        session, input_file_id=file_id, endpoint="/v1/chat/completions", completion_window="24h"
    ).data.id


def lines_of(session: OpenAISession, file_id: str) -> List[Dict[str, Any]]:
    return [json.loads(x) for x in files.content(session, file_id).data.splitlines()]


@pytest.fixture
def clock(fake: FakeOpenAI) -> Clock:
    clock = Clock()
    fake.clock = clock
    settings = batch_settings(fake)
    settings.validating, settings.in_progress, settings.finalizing = 10.0, 100.0, 10.0
    return clock


def test_a_batch_goes_through_its_lifecycle(fake: FakeOpenAI, session: OpenAISession, clock: Clock) -> None:
    batch_settings(fake).fail_lines["b"] = 503
    file_id = upload(session, [line("a", "What is the capital of France?"), line("b"), line("c")])
    batch_id = create(session, file_id)

    seen = []
    for step in (0, 10, 60, 110, 120):
        clock.now = 1_700_000_000.0 + step
        resp = batches.retrieve(session, batch_id)
        b = resp.data
        assert b.request_counts is not None
        seen.append((b.status, b.request_counts.completed, resp.headers.get("openai-poll-after-ms")))
    assert seen == [
        ("validating", 0, "10001"),
        ("in_progress", 0, "100001"),
        ("in_progress", 1, "50001"),
        ("finalizing", 3, "10001"),
        ("completed", 2, None),
    ]
    done = batches.retrieve(session, batch_id).data
    assert done.request_counts is not None and done.request_counts.failed == 1
    assert (done.in_progress_at, done.finalizing_at, done.completed_at) == (
        1_700_000_010,
        1_700_000_110,
        1_700_000_120,
    )
    assert done.output_file_id and done.error_file_id
    out = lines_of(session, done.output_file_id)
    assert [x["custom_id"] for x in out] == ["a", "c"]
    assert out[0]["error"] is None and out[0]["id"].startswith("batch_req_")
    response = out[0]["response"]
    assert response["status_code"] == 200 and response["request_id"].startswith("req_")
    assert response["body"]["object"] == "chat.completion"
    assert response["body"]["choices"][0]["message"]["content"] == "The capital of France is Paris."
    err = lines_of(session, done.error_file_id)
    assert [(x["custom_id"], x["response"]["status_code"]) for x in err] == [("b", 503)]
    assert err[0]["response"]["body"]["error"]["type"] == "server_error"
    info = files.retrieve(session, done.output_file_id).data
    assert info.purpose == "batch_output" and info.filename == f"{batch_id}_output.jsonl"
    assert "b" not in batch_settings(fake).fail_lines  # an injected failure happens once


def test_validation_failures_and_injected_failures(
    fake: FakeOpenAI, session: OpenAISession, clock: Clock
) -> None:
    bad = [line("a"), line("a"), line("b", url="/v1/embeddings")]
    bad_id = create(session, upload(session, bad))
    batch_settings(fake).fail_next = 1
    injected_id = create(session, upload(session, [line("x")]))
    fine_id = create(session, upload(session, [line("y")]))
    clock.now += 10
    listed = {b.id: b for b in batches.list(session).data.data}

    failed = listed[bad_id]
    assert failed.status == "failed" and failed.failed_at == int(clock.now)
    assert failed.errors is not None and failed.errors.data is not None
    assert [(e.code, e.line) for e in failed.errors.data] == [
        ("duplicate_custom_id", 2),
        ("mismatched_endpoint", 3),
    ]
    injected = listed[injected_id]
    assert injected.status == "failed" and injected.errors is not None and injected.errors.data
    assert injected.errors.data[0].code == "token_limit_exceeded"
    assert listed[fine_id].status == "in_progress"
    assert failed.output_file_id is None and failed.error_file_id is None


def test_a_batch_expires_after_running_part_of_its_requests(
    fake: FakeOpenAI, session: OpenAISession, clock: Clock
) -> None:
    batch_settings(fake).expire_after = 2
    batch_id = create(session, upload(session, [line(c) for c in "pqrs"]))
    clock.now += 200
    b = batches.retrieve(session, batch_id).data
    assert b.status == "expired" and b.expired_at == int(clock.now)
    assert b.request_counts is not None and (b.request_counts.completed, b.request_counts.failed) == (2, 0)
    assert b.output_file_id and b.error_file_id
    assert [x["custom_id"] for x in lines_of(session, b.output_file_id)] == ["p", "q"]
    expired = lines_of(session, b.error_file_id)
    assert [(x["custom_id"], x["response"], x["error"]["code"]) for x in expired] == [
        ("r", None, "batch_expired"),
        ("s", None, "batch_expired"),
    ]


def test_cancelling_keeps_the_results_of_what_ran(
    fake: FakeOpenAI, session: OpenAISession, clock: Clock
) -> None:
    batch_id = create(session, upload(session, [line(c) for c in "abcd"]))
    clock.now += 60  # half-way through in_progress: 2 of 4 done
    cancelling = batches.cancel(session, batch_id).data
    assert cancelling.status == "cancelling"
    clock.now += 5
    assert batches.retrieve(session, batch_id).data.status == "cancelling"
    clock.now += 5
    b = batches.retrieve(session, batch_id).data
    assert b.status == "cancelled" and b.cancelled_at == int(clock.now)
    assert b.output_file_id and b.error_file_id
    assert [x["custom_id"] for x in lines_of(session, b.output_file_id)] == ["a", "b"]
    assert [x["error"]["code"] for x in lines_of(session, b.error_file_id)] == ["batch_cancelled"] * 2
    assert batches.cancel(session, batch_id).status_code == 400


def test_speed_scales_every_step(fake: FakeOpenAI, session: OpenAISession, clock: Clock) -> None:
    batch_settings(fake).speed = 1000  # 120 s of steps in 0.12 s of the clock
    batch_id = create(session, upload(session, [line("a")]))
    clock.now += 0.121
    assert batches.retrieve(session, batch_id).data.status == "completed"


def test_rate_limits_send_the_headers_and_429(fake: FakeOpenAI, session: OpenAISession) -> None:
    clock = Clock()
    fake.rate_limits = RateLimits(requests_per_minute=2, tokens_per_minute=1000, clock=clock)
    messages = [{"role": "user", "content": "one two three"}]
    first = chat.create(session, model="gpt-4o-mini", messages=messages, max_tokens=100, max_retries=0)
    assert first.ok
    assert first.headers["x-ratelimit-limit-requests"] == "2"
    assert first.headers["x-ratelimit-limit-tokens"] == "1000"
    assert first.headers["x-ratelimit-remaining-requests"] == "1"
    assert first.headers["x-ratelimit-remaining-tokens"] == "897"  # 3 prompt tokens + max_tokens
    assert first.headers["x-ratelimit-reset-requests"] == "30s"
    assert first.headers["x-ratelimit-reset-tokens"] == "6.18s"
    clock.now += 0.5
    second = embeddings.create(session, model="text-embedding-3-small", input="a b", max_retries=0)
    # 897 + 8.3 refilled in 0.5 s - 2 (an embedding has no completion cap)
    assert second.ok and second.headers["x-ratelimit-remaining-tokens"] == "903"
    third = chat.create(session, model="gpt-4o-mini", messages=messages, max_retries=0)
    assert third.status_code == 429
    assert third.headers["retry-after-ms"] == "29500" and third.headers["retry-after"] == "30"
    assert third.error is not None and third.error.code == "rate_limit_exceeded"
    assert third.error.type == "requests"
    assert third.error.message is not None and "Please try again in 29.5s." in third.error.message
    assert "Limit 2, Used 2, Requested 1" in third.error.message
    assert fake.rate_limits.admitted == 2 and fake.rate_limits.limited == 1
    clock.now += 29.5
    assert chat.create(session, model="gpt-4o-mini", messages=messages, max_retries=0).ok
    assert files.list(session).headers.get("x-ratelimit-limit-requests") is None  # only model routes


def test_the_token_bucket_can_be_the_short_one(fake: FakeOpenAI, session: OpenAISession) -> None:
    clock = Clock()
    fake.rate_limits = RateLimits(tokens_per_minute=600, start=0.05, clock=clock)
    resp = chat.create(
        session,
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "hello"}],
        max_tokens=40,
        max_retries=0,
    )
    assert resp.status_code == 429 and resp.error is not None and resp.error.type == "tokens"
    assert resp.headers["retry-after-ms"] == "1100"  # 41 tokens wanted, 30 there, 10 a second
    assert "x-ratelimit-limit-requests" not in resp.headers
    assert resp.error.message is not None and "(TPM): Limit 600, Used 570, Requested 41" in resp.error.message


def test_rate_limits_need_a_limit() -> None:
    with pytest.raises(ValueError, match="requests_per_minute"):
        RateLimits()
