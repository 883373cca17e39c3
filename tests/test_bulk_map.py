"""bulk.map: a thread pool over one session, paced at the rate limits, against FakeOpenAI."""

from __future__ import annotations

import json
import time
from typing import Any, Dict, List, Optional, Tuple

import pytest

from openai_lite import BadRequestError, OpenAISession, bulk, chat, embeddings
from openai_lite._ratelimit import estimate_prompt_tokens, parse_duration, retry_wait
from openai_lite.testing import FakeOpenAI, RateLimits, RecordedRequest, error_reply
from openai_lite.testing._routes_embeddings import create_embeddings

MODEL = "text-embedding-3-small"


def texts(n: int) -> List[Dict[str, Any]]:
    return [{"input": f"text number {i}"} for i in range(n)]


def embedding_calls(fake: FakeOpenAI) -> List[RecordedRequest]:
    return [r for r in fake.requests if r.route_path == "/embeddings"]


def timed_embeddings(fake: FakeOpenAI) -> List[float]:
    """Serve the embeddings route through a custom route that notes when each call arrives."""
    arrivals: List[float] = []

    @fake.route("POST", "/embeddings")
    def noted(f: FakeOpenAI, r: RecordedRequest, p: Dict[str, str]) -> Any:
        arrivals.append(time.monotonic())
        return create_embeddings(f, r, p)

    return arrivals


def test_results_in_input_order_with_the_arguments_merged(fake: FakeOpenAI, session: OpenAISession) -> None:
    items = (item for item in texts(20))
    results = list(bulk.map(session, embeddings.create, items, workers=12, model=MODEL, dimensions=3))

    assert [r.index for r in results] == list(range(20))
    assert all(r.ok and r.error is None for r in results)
    assert results[7].item == {"input": "text number 7"}
    assert results[7].response.status_code == 200
    assert len(results[7].response.data.data[0].embedding) == 3
    sent = sorted((r.json for r in embedding_calls(fake)), key=lambda b: int(b["input"].split()[-1]))
    assert [{k: b[k] for k in ("model", "dimensions", "input")} for b in sent] == [
        {"model": MODEL, "dimensions": 3, "input": f"text number {i}"} for i in range(20)
    ]
    # One session, its pool sized to the workers.
    assert session.get_adapter(fake.url + "/")._pool_maxsize == 12  # type: ignore[attr-defined]
    assert fake.connections <= 12


def test_unordered_results_come_as_they_finish(fake: FakeOpenAI, session: OpenAISession) -> None:
    results = list(bulk.map(session, embeddings.create, texts(15), workers=3, ordered=False, model=MODEL))
    assert sorted(r.index for r in results) == list(range(15))


def test_an_item_overrides_the_shared_arguments(fake: FakeOpenAI, session: OpenAISession) -> None:
    items = [{"input": "a"}, {"input": "b", "model": "text-embedding-3-large"}]
    list(bulk.map(session, embeddings.create, items, model=MODEL))
    assert sorted(r.json["model"] for r in embedding_calls(fake)) == ["text-embedding-3-large", MODEL]


def test_a_429_pauses_the_whole_pool_for_the_wait_asked(fake: FakeOpenAI, session: OpenAISession) -> None:
    arrivals = timed_embeddings(fake)
    fake.enqueue(
        error_reply(429, "Slow down.", code="rate_limit_exceeded", headers={"retry-after-ms": "300"})
    )
    started = time.monotonic()
    results = list(bulk.map(session, embeddings.create, texts(8), workers=4, model=MODEL))

    assert all(r.ok for r in results)
    calls = embedding_calls(fake)
    assert len(calls) == 9 and calls[0].reply_status == 429  # the first call, tried again
    # Nobody called while the pool was paused (the session's own retry is off for these calls).
    assert len(arrivals) == 8 and min(arrivals) >= started + 0.3


def test_errors_are_results_and_only_retryable_ones_are_retried(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(error_reply(500, "Oops.", type="server_error"))
    first = list(bulk.map(session, embeddings.create, texts(1), model=MODEL))
    assert first[0].ok and len(embedding_calls(fake)) == 2

    fake.requests.clear()
    fake.enqueue(error_reply(400, "Bad input.", param="input"))
    [bad] = bulk.map(session, embeddings.create, texts(1), model=MODEL)
    assert not bad.ok and isinstance(bad.error, BadRequestError)
    assert bad.response.status_code == 400 and "Bad input." in str(bad.error)
    assert len(embedding_calls(fake)) == 1

    fake.requests.clear()
    fake.enqueue(error_reply(503, "Down.", type="server_error"), times=5)
    [down] = bulk.map(session, embeddings.create, texts(1), model=MODEL, max_attempts=2)
    assert down.error is not None and down.response.status_code == 503 and len(embedding_calls(fake)) == 2


def test_pacing_from_the_rate_limit_headers_avoids_429s(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.rate_limits = RateLimits(requests_per_minute=1200, tokens_per_minute=10**6, start=0.01)
    results = list(bulk.map(session, embeddings.create, texts(30), workers=8, model=MODEL))
    assert all(r.ok for r in results)
    assert (fake.rate_limits.admitted, fake.rate_limits.limited) == (30, 0)


def test_pacing_by_tokens_charges_max_tokens(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.rate_limits = RateLimits(requests_per_minute=10**5, tokens_per_minute=60_000, start=0.01)
    items = [{"messages": [{"role": "user", "content": f"say something about {i}"}]} for i in range(30)]
    results = list(bulk.map(session, chat.create, items, workers=8, model="gpt-4o-mini", max_tokens=40))
    assert all(r.ok for r in results)
    assert (fake.rate_limits.admitted, fake.rate_limits.limited) == (30, 0)
    assert fake.rate_limits.tokens_charged == 30 * (4 + 40)


def test_our_own_cap_paces_when_the_server_sends_no_limits(fake: FakeOpenAI, session: OpenAISession) -> None:
    arrivals = timed_embeddings(fake)
    started = time.monotonic()
    list(bulk.map(session, embeddings.create, texts(5), workers=4, model=MODEL, max_requests_per_minute=600))
    # 600 a minute, from an empty bucket: the n-th call waits n tenths of a second at least.
    assert [a - started >= 0.1 * (n + 1) - 0.01 for n, a in enumerate(sorted(arrivals))] == [True] * 5


def test_output_file_resumes_and_yields_only_new_results(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Any
) -> None:
    out = tmp_path / "done.jsonl"
    fake.enqueue(error_reply(400, "Bad input.", param="input"), path="/embeddings")
    first = bulk.map(session, embeddings.create, texts(10), workers=2, model=MODEL, dimensions=2, output=out)
    got = [next(first).index for _ in range(3)]
    first.close()  # stop early: items in flight finish and are written
    assert got == [0, 1, 2]
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    done = {x["index"] for x in lines}
    assert {0, 1, 2} <= done and len(done) == len(lines) < 10
    bad = [x for x in lines if x["status_code"] == 400]
    assert len(bad) == 1 and bad[0]["body"]["error"]["message"] == "Bad input."
    assert bad[0]["error"] == {
        "message": "Bad input.",
        "type": "invalid_request_error",
        "param": "input",
        "code": None,
    }
    good = next(x for x in lines if x["status_code"] == 200)
    assert good["error"] is None and good["body"]["model"] == MODEL  # the body as it came
    with open(out, "a") as f:
        f.write('{"index": 9, "status_co')  # a line cut by a crash

    calls = len(embedding_calls(fake))
    rest = list(bulk.map(session, embeddings.create, texts(10), workers=2, model=MODEL, output=out))
    assert [r.index for r in rest] == sorted(set(range(10)) - done)
    assert len(embedding_calls(fake)) == calls + len(rest)
    final = [json.loads(x)["index"] for x in out.read_text().splitlines()]
    assert sorted(final) == list(range(10))


def test_progress_and_bad_arguments(fake: FakeOpenAI, session: OpenAISession) -> None:
    seen: List[Tuple[int, Optional[int]]] = []
    list(
        bulk.map(session, embeddings.create, texts(3), model=MODEL, progress=lambda d, t: seen.append((d, t)))
    )
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
    with pytest.raises(ValueError, match="workers must be an integer of at least 1"):
        bulk.map(session, embeddings.create, texts(1), workers=0)
    with pytest.raises(TypeError, match="fn must be a function"):
        bulk.map(session, "embeddings", texts(1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_tokens_per_minute must be a positive integer"):
        bulk.map(session, embeddings.create, texts(1), max_tokens_per_minute=0)
    with pytest.raises(TypeError, match="item 1 must be a dict"):
        list(bulk.map(session, embeddings.create, [{"input": "a"}, "b"], model=MODEL))  # type: ignore[list-item]


def test_a_wrapper_without_options_is_called_as_it_is(fake: FakeOpenAI, session: OpenAISession) -> None:
    def embed(session: OpenAISession, text: str) -> Any:
        return embeddings.create(session, model=MODEL, input=text)

    results = list(bulk.map(session, embed, [{"text": "x"}, {"text": "y"}]))
    assert [r.response.data.data[0].index for r in results] == [0, 0]


def test_reading_the_limits() -> None:
    assert parse_duration("1s") == 1.0 and parse_duration("6m0s") == 360.0
    assert parse_duration("20ms") == 0.02 and parse_duration("1h2m3.5s") == 3723.5
    assert parse_duration("0.5") == 0.5 and parse_duration("soon") is None
    assert retry_wait({"retry-after-ms": "250"}, None) == 0.25
    assert retry_wait({"retry-after": "2"}, None) == 2.0
    assert retry_wait({}, "Limit 3, Used 3, Requested 1. Please try again in 1m2s.") == 62.0
    assert retry_wait({}, "Slow down.") is None
    exhausted = {"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1m30s"}
    assert retry_wait(dict(exhausted, **{"x-ratelimit-remaining-tokens": "5"}), "Slow down.") == 90.0
    call = {"messages": [{"role": "user", "content": "x" * 40}], "model": "gpt-4o-mini"}
    assert estimate_prompt_tokens(call) == 11
