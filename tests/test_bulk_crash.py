"""A bulk job killed with SIGKILL at every step boundary, then resumed: nothing twice, nothing lost.

It is run with one round, and with a retry round for a request that failed with a 500.

A forked child runs the job and kills itself at the k-th step: right after a state write,
or right after an upload or a batch create has been answered but before the state says so.
The parent then runs the same job again and checks what reached the server and what came
back.
"""

from __future__ import annotations

import collections
import json
import os
import signal
from typing import Any, Dict, List

import pytest

from openai_lite import OpenAISession, _bulk_batch, batches, bulk, files
from openai_lite.testing import FakeOpenAI, batch_settings

CHAT = "/v1/chat/completions"
BODIES = [{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"q {i}"}]} for i in range(4)]
OPTIONS: Dict[str, Any] = {"endpoint": CHAT, "max_lines": 2, "poll_interval": 0.002}


def child(fake: FakeOpenAI, state: str, kill_at: int, count_to: str, options: Dict[str, Any]) -> None:
    """In the forked child: run the job, dying at step *kill_at* (never, if 0)."""
    steps = [0]

    def step() -> None:
        steps[0] += 1
        if steps[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    def after(fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            out = fn(*args, **kwargs)
            step()
            return out

        return wrapper

    _bulk_batch.write_state = after(_bulk_batch.write_state)  # type: ignore[assignment]
    files.create = after(files.create)  # type: ignore[assignment]
    batches.create = after(batches.create)  # type: ignore[assignment]
    with OpenAISession(api_key=fake.api_key, base_url=fake.url) as session:
        list(bulk.run(session, iter(BODIES), state=state, **options))
    with open(count_to, "w") as f:
        f.write(str(steps[0]))


def run_child(fake: FakeOpenAI, state: str, kill_at: int, count_to: str, options: Dict[str, Any]) -> int:
    pid = os.fork()
    if pid == 0:  # pragma: no cover  (the child)
        try:
            child(fake, state, kill_at, count_to, options)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return status


def uploaded_ids(fake: FakeOpenAI) -> List[str]:
    ids = []
    for file_id, info in list(fake.files.items()):
        if info["purpose"] == "batch":
            ids += [json.loads(line)["custom_id"] for line in fake.file_contents[file_id].splitlines()]
    return ids


def prepare(fake: FakeOpenAI, retry: bool) -> None:
    fake.reset()
    settings = batch_settings(fake)
    settings.speed = 1000
    settings.fail_lines.clear()
    if retry:
        settings.fail_lines["request-1"] = 500  # once: it succeeds in the retry round


@pytest.mark.parametrize("retry", [False, True], ids=["one round", "with a retry round"])
def test_killed_at_every_step_then_resumed(fake: FakeOpenAI, tmp_path: Any, retry: bool) -> None:
    options = dict(OPTIONS, retry_failed=1 if retry else 0)
    count_to = str(tmp_path / "steps")
    prepare(fake, retry)
    assert run_child(fake, str(tmp_path / "whole"), 0, count_to, options) == 0
    total = int(open(count_to).read())
    assert total >= (19 if retry else 13)  # each part written, uploaded and created (with marks), ended

    expected = [f"request-{i}" for i in range(len(BODIES))]
    order = ["request-0", "request-2", "request-3", "request-1"] if retry else expected
    for kill_at in range(1, total + 1):
        prepare(fake, retry)
        state = str(tmp_path / f"job-{kill_at}")
        status = run_child(fake, state, kill_at, count_to, options)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, kill_at

        with OpenAISession(api_key=fake.api_key, base_url=fake.url) as session:
            results = list(bulk.run(session, iter(BODIES), state=state, **options))

        # Every request was uploaded once (the retried one once more) and has one result.
        assert sorted(uploaded_ids(fake)) == sorted(expected + (["request-1"] if retry else [])), kill_at
        created = [
            r for r in fake.requests if (r.method, r.route_path, r.reply_status) == ("POST", "/batches", 200)
        ]
        parts = collections.Counter(r.json["metadata"]["openai_lite_part"] for r in created)
        assert parts == ({"0": 1, "1": 1, "2": 1} if retry else {"0": 1, "1": 1}), kill_at
        assert [r.custom_id for r in results] == order, kill_at
        assert all(r.ok for r in results), kill_at
