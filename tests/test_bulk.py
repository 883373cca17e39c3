"""bulk.submit, wait, results, run, cancel and status against FakeOpenAI's batches."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any, Dict, List

import pytest

from openai_lite import APITimeoutError, BadRequestError, OpenAIError, OpenAISession, bulk
from openai_lite._bulk_state import JobLock
from openai_lite.testing import FakeOpenAI, RecordedRequest, batch_settings, error_reply

CHAT = "/v1/chat/completions"


def body(i: int) -> Dict[str, Any]:
    return {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"question {i}"}]}


@pytest.fixture
def fast(fake: FakeOpenAI) -> FakeOpenAI:
    batch_settings(fake).speed = 1000  # a batch ends in 14 ms
    return fake


@pytest.fixture
def state(tmp_path: Any) -> str:
    return str(tmp_path / "job.state")


def sent(fake: FakeOpenAI, method: str, path: str) -> List[RecordedRequest]:
    return [r for r in fake.requests if r.method == method and r.route_path == path]


def uploaded_lines(fake: FakeOpenAI) -> List[Dict[str, Any]]:
    out = []
    for r in sent(fake, "POST", "/files"):
        out += [json.loads(x) for x in r.files["file"].data.splitlines()]
    return out


def run(session: OpenAISession, requests: Any, state: str, **kw: Any) -> List[bulk.Result]:
    return list(bulk.run(session, requests, endpoint=CHAT, state=state, poll_interval=0.002, **kw))


def test_run_splits_uploads_creates_and_joins_the_results(
    fast: FakeOpenAI, session: OpenAISession, state: str
) -> None:
    lazy = (body(i) for i in range(25))
    results = run(session, lazy, state, max_lines=10, metadata={"project": "labels"})

    assert [r.custom_id for r in results] == [f"request-{i}" for i in range(25)]
    assert all(r.ok and r.status_code == 200 and r.error is None for r in results)
    assert results[3].body is not None and results[3].body["object"] == "chat.completion"
    assert results[3].request_id is not None and results[3].request_id.startswith("req_")

    job = json.load(open(state))["job"]
    uploads = sent(fast, "POST", "/files")
    assert [u.form["purpose"] for u in uploads] == ["batch"] * 3
    assert [u.files["file"].filename for u in uploads] == [f"{job}-part-{i:05d}.jsonl" for i in range(3)]
    assert [len(u.files["file"].data.splitlines()) for u in uploads] == [10, 10, 5]
    lines = uploaded_lines(fast)
    assert lines[0] == {"custom_id": "request-0", "method": "POST", "url": CHAT, "body": body(0)}
    creates = sent(fast, "POST", "/batches")
    assert [c.json["metadata"] for c in creates] == [
        {"project": "labels", "openai_lite_job": job, "openai_lite_part": str(i)} for i in range(3)
    ]
    assert all(c.json["endpoint"] == CHAT and c.json["completion_window"] == "24h" for c in creates)
    file_ids = [json.loads(u.reply_body)["id"] for u in uploads]
    assert [c.json["input_file_id"] for c in creates] == file_ids
    # Only the output files were downloaded, once each (none of the batches had errors).
    downloads = [r.route_path for r in fast.requests if r.route_path.endswith("/content")]
    assert len(downloads) == 3 and len(set(downloads)) == 3

    status = bulk.status(session, state)
    assert status.done and status.requests == 25 and status.completed == 25 and status.failed == 0
    assert status.counts == {"completed": 25}
    assert [(p.part, p.round, p.requests, p.status) for p in status.parts] == [
        (0, 0, 10, "completed"),
        (1, 0, 10, "completed"),
        (2, 0, 5, "completed"),
    ]


def test_inputs_lines_full_lines_and_a_jsonl_path(
    fast: FakeOpenAI, session: OpenAISession, tmp_path: Any
) -> None:
    given = [
        {"custom_id": "a", "body": body(1)},
        {"custom_id": "b", "method": "POST", "url": CHAT, "body": body(2)},
    ]
    assert [r.custom_id for r in run(session, given, str(tmp_path / "one"))] == ["a", "b"]
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(given[1]) + "\n\n" + json.dumps(body(3)) + "\n")
    results = run(session, str(path), str(tmp_path / "two"))
    assert [r.custom_id for r in results] == ["b", "request-1"]
    assert uploaded_lines(fast)[2:] == [
        {"custom_id": "b", "method": "POST", "url": CHAT, "body": body(2)},
        {"custom_id": "request-1", "method": "POST", "url": CHAT, "body": body(3)},
    ]


@pytest.mark.parametrize(
    "requests, error, match",
    [
        (
            [body(0), {"custom_id": "request-0", "body": body(1)}],
            ValueError,
            "'request-0' of item 1 is a duplicate",
        ),
        ([{"custom_id": "x", "body": body(0)}, {"custom_id": "x", "body": body(1)}], ValueError, "duplicate"),
        ([{"custom_id": "request-1", "body": body(0)}, body(1)], ValueError, "'request-1' of item 1"),
        ([{"custom_id": "x", "url": "/v1/embeddings", "body": {}}], ValueError, "not a POST to the job's"),
        ([body(0), "text"], TypeError, "item 1 must be a dict"),
        ([], ValueError, "there are no requests"),
        ({"model": "m"}, TypeError, "requests must be an iterable"),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(
    fake: FakeOpenAI, session: OpenAISession, state: str, requests: Any, error: type, match: str
) -> None:
    with pytest.raises(error, match=match):
        bulk.submit(session, requests, endpoint=CHAT, state=state)
    assert fake.requests == []
    assert not os.path.exists(state) and not os.path.exists(state + ".d")


def test_bad_arguments_are_refused(session: OpenAISession, state: str) -> None:
    with pytest.raises(ValueError, match="max_lines must be an integer between 1 and 50000"):
        bulk.submit(session, [body(0)], endpoint=CHAT, state=state, max_lines=50001)
    with pytest.raises(ValueError, match="endpoint must be an API path"):
        bulk.submit(session, [body(0)], endpoint="chat", state=state)
    with pytest.raises(TypeError, match="state must be a file path"):
        bulk.status(session, 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="poll_interval"):
        bulk.wait(session, state, poll_interval=0)
    with pytest.raises(FileNotFoundError, match="no bulk job"):
        bulk.status(session, state)


def test_parts_respect_max_bytes(fast: FakeOpenAI, session: OpenAISession, state: str) -> None:
    one = (
        len(json.dumps({"custom_id": "request-0", "method": "POST", "url": CHAT, "body": body(0)}).encode())
        + 1
    )
    bulk.submit(session, [body(i) for i in range(5)], endpoint=CHAT, state=state, max_bytes=2 * one + 5)
    sizes = [len(u.files["file"].data) for u in sent(fast, "POST", "/files")]
    assert len(sizes) == 3 and max(sizes) <= 2 * one + 5
    with pytest.raises(ValueError, match="over max_bytes=10"):
        bulk.submit(session, [body(0)], endpoint=CHAT, state=state + "2", max_bytes=10)


def test_submit_wait_results_step_by_step(fast: FakeOpenAI, session: OpenAISession, state: str) -> None:
    batch_settings(fast).speed = 50  # 0.28 s
    job = bulk.submit(session, [body(i) for i in range(4)], endpoint=CHAT, state=state)
    assert not job.done and job.counts == {"validating": 4} and len(job.parts) == 1
    with pytest.raises(OpenAIError, match="have not ended"):
        bulk.results(session, state, wait=False)

    seen: List[bulk.JobStatus] = []
    job = bulk.wait(session, state, progress=seen.append, poll_interval=0.01)
    assert job.done and job.completed == 4 and seen[-1] == job
    assert any(not s.done for s in seen)
    assert "4 requests in 1 parts (4 completed); 4 completed, 0 failed" in str(job)

    again = bulk.submit(session, [body(i) for i in range(4)], endpoint=CHAT, state=state)
    assert again.done
    assert len(sent(fast, "POST", "/files")) == len(sent(fast, "POST", "/batches")) == 1  # nothing twice
    results = list(bulk.results(session, state, wait=False))
    assert [r.custom_id for r in results] == [f"request-{i}" for i in range(4)]
    assert list(bulk.results(session, state, wait=False)) == results  # read again from the files on disk
    assert sum(r.route_path.endswith("/content") for r in fast.requests) == 1


def test_wait_follows_the_poll_after_hint(fast: FakeOpenAI, session: OpenAISession, state: str) -> None:
    bulk.submit(session, [body(0)], endpoint=CHAT, state=state)
    # Without the server's hint the first pause would be a minute, and the wait time out.
    job = bulk.wait(session, state, poll_interval=60, timeout=30)
    assert job.done


def test_wait_times_out(fake: FakeOpenAI, session: OpenAISession, state: str) -> None:
    bulk.submit(session, [body(0)], endpoint=CHAT, state=state)
    with pytest.raises(APITimeoutError, match="has not ended after 0.05 s"):
        bulk.wait(session, state, timeout=0.05, poll_interval=0.01)


def test_line_errors_and_retry_rounds(fast: FakeOpenAI, session: OpenAISession, state: str) -> None:
    settings = batch_settings(fast)
    settings.fail_lines.update({"request-1": 500, "request-3": 400})
    settings.expire_after = 2  # each batch runs two requests, then expires

    results = run(session, [body(i) for i in range(6)], state, max_lines=3, retry_failed=2)

    # The first round's final results, then those of each retry round, in input order.
    order = [r.custom_id for r in results]
    assert order == ["request-0", "request-3", "request-4", "request-1", "request-2", "request-5"]
    final = {r.custom_id: r for r in results}
    assert final["request-3"].status_code == 400 and final["request-3"].error is not None
    assert final["request-3"].error["message"] == "Injected failure (400)."
    assert all(final[c].ok for c in order if c != "request-3")
    # Each round sent exactly the requests left to retry, once each.
    ids = [line["custom_id"] for line in uploaded_lines(fast)]
    assert ids == [f"request-{i}" for i in range(6)] + ["request-1", "request-2", "request-5", "request-5"]
    status = bulk.status(session, state)
    assert [(p.round, p.requests, p.status, p.completed, p.failed) for p in status.parts] == [
        (0, 3, "expired", 1, 1),
        (0, 3, "expired", 1, 1),
        (1, 3, "expired", 2, 0),
        (2, 1, "completed", 1, 0),
    ]


def test_without_retries_failures_are_final(fast: FakeOpenAI, session: OpenAISession, state: str) -> None:
    batch_settings(fast).expire_after = 1
    batch_settings(fast).fail_lines["request-0"] = 503
    results = run(session, [body(0), body(1)], state)
    assert [(r.custom_id, r.status_code) for r in results] == [("request-0", 503), ("request-1", None)]
    assert results[1].error == {
        "code": "batch_expired",
        "message": "This request could not be executed before the completion window expired.",
    }
    assert results[0].error is not None and results[0].error["type"] == "server_error"


def test_a_failed_batch_is_retried(fast: FakeOpenAI, session: OpenAISession, state: str) -> None:
    batch_settings(fast).fail_next = 1
    first = run(session, [body(0), body(1)], state)
    assert [r.status_code for r in first] == [None, None]
    assert first[0].error is not None and first[0].error["code"] == "token_limit_exceeded"

    batch_settings(fast).fail_next = 1
    again = run(session, [body(0), body(1)], state + "2", retry_failed=2)
    assert [(r.custom_id, r.status_code) for r in again] == [("request-0", 200), ("request-1", 200)]


def test_cancel_stops_running_batches_and_parts_not_yet_submitted(
    fake: FakeOpenAI, session: OpenAISession, state: str
) -> None:
    from openai_lite.testing._routes_batches import create_batch

    creates: List[int] = []

    @fake.route("POST", "/batches")
    def first_only(f: FakeOpenAI, r: RecordedRequest, p: Dict[str, str]) -> Any:
        creates.append(1)
        return create_batch(f, r, p) if len(creates) == 1 else error_reply(400, "No more batches today.")

    with pytest.raises(BadRequestError, match="No more batches"):
        bulk.submit(session, [body(i) for i in range(4)], endpoint=CHAT, state=state, max_lines=2)
    job = bulk.cancel(session, state)
    assert job.cancelled and [p.status for p in job.parts] == ["cancelling", "skipped"]
    assert job.parts[1].file_id is not None and job.parts[1].batch_id is None
    cancels = sent(fake, "POST", f"/batches/{job.parts[0].batch_id}/cancel")
    assert len(cancels) == 1

    batch_settings(fake).speed = 1000
    again = bulk.submit(session, [body(i) for i in range(4)], endpoint=CHAT, state=state)
    assert len(creates) == 2 and [p.status for p in again.parts] == ["cancelling", "skipped"]
    results = list(bulk.results(session, state, poll_interval=0.002))
    assert [(r.custom_id, r.status_code) for r in results] == [(f"request-{i}", None) for i in range(4)]
    assert [r.error["code"] for r in results if r.error] == ["batch_cancelled"] * 4
    assert results[3].error is not None and "before this request was submitted" in results[3].error["message"]
    assert bulk.status(session, state).counts == {"cancelled": 2, "skipped": 2}


def test_a_second_process_is_refused_and_a_dead_ones_lock_taken_over(
    fast: FakeOpenAI, session: OpenAISession, state: str
) -> None:
    bulk.submit(session, [body(0)], endpoint=CHAT, state=state)
    code = (
        "import sys, time; from openai_lite._bulk_state import JobLock\n"
        "with JobLock(sys.argv[1]):\n    print('held', flush=True); sys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, state], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(bulk.JobLockedError, match=f"in use by process {holder.pid}"):
            bulk.wait(session, state)
        with pytest.raises(bulk.JobLockedError):
            bulk.cancel(session, state)
        assert bulk.status(session, state).requests == 1  # reading needs no lock
    finally:
        holder.kill()
        holder.wait()
    assert open(state + ".lock").read() == str(holder.pid)  # left behind by the killed process
    assert bulk.wait(session, state, poll_interval=0.002).done


def test_one_process_cannot_hold_a_job_twice(session: OpenAISession, state: str) -> None:
    with JobLock(state):
        with pytest.raises(bulk.JobLockedError, match="wait for it to end"):
            bulk.submit(session, [body(0)], endpoint=CHAT, state=state)


def test_the_state_file_is_checked(session: OpenAISession, state: str) -> None:
    with open(state, "w") as f:
        f.write("{}")
    with pytest.raises(OpenAIError, match="is not a bulk job's state file"):
        bulk.status(session, state)
    with open(state, "w") as f:
        f.write("nope")
    with pytest.raises(OpenAIError, match="is not a bulk job's state file"):
        bulk.submit(session, [body(0)], endpoint=CHAT, state=state)


def test_a_resumed_job_keeps_its_endpoint(fast: FakeOpenAI, session: OpenAISession, state: str) -> None:
    bulk.submit(session, [body(0)], endpoint=CHAT, state=state)
    with pytest.raises(ValueError, match="is not the job's"):
        bulk.submit(session, [body(0)], endpoint="/v1/embeddings", state=state)


def test_progress_bars_on_stderr(
    fast: FakeOpenAI, session: OpenAISession, state: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from openai_lite import embeddings

    job = bulk.submit(session, [body(i) for i in range(3)], endpoint=CHAT, state=state)
    bulk.wait(session, state, poll_interval=0.002, progress=True)
    err = capsys.readouterr().err
    assert job.job in err and "3/3" in err and "3 completed" in err
    items = [{"input": "a"}, {"input": "b"}]
    list(bulk.map(session, embeddings.create, items, model="text-embedding-3-small", progress=True))
    assert "2/2" in capsys.readouterr().err
    with pytest.raises(TypeError, match="progress must be a callable"):
        bulk.wait(session, state, progress="yes")  # type: ignore[arg-type]
