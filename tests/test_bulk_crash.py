"""A bulk job killed with SIGKILL at every step boundary, then resumed: nothing twice, nothing lost.

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

from openai_lite import OpenAISession, _bulk_batch, batches, bulk, files
from openai_lite.testing import FakeOpenAI, batch_settings

CHAT = "/v1/chat/completions"
BODIES = [{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"q {i}"}]} for i in range(4)]
OPTIONS: Dict[str, Any] = {"endpoint": CHAT, "max_lines": 2, "poll_interval": 0.002}


def child(fake: FakeOpenAI, state: str, kill_at: int, count_to: str) -> None:
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
        list(bulk.run(session, iter(BODIES), state=state, **OPTIONS))
    with open(count_to, "w") as f:
        f.write(str(steps[0]))


def run_child(fake: FakeOpenAI, state: str, kill_at: int, count_to: str) -> int:
    pid = os.fork()
    if pid == 0:  # pragma: no cover  (the child)
        try:
            child(fake, state, kill_at, count_to)
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


def test_killed_at_every_step_then_resumed(fake: FakeOpenAI, tmp_path: Any) -> None:
    batch_settings(fake).speed = 1000
    count_to = str(tmp_path / "steps")
    assert run_child(fake, str(tmp_path / "whole"), 0, count_to) == 0
    total = int(open(count_to).read())
    assert total >= 13  # 2 parts: written, uploaded and created (each with its marks), then ended

    expected = [f"request-{i}" for i in range(len(BODIES))]
    for kill_at in range(1, total + 1):
        fake.reset()
        batch_settings(fake).speed = 1000
        state = str(tmp_path / f"job-{kill_at}")
        status = run_child(fake, state, kill_at, count_to)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, kill_at

        with OpenAISession(api_key=fake.api_key, base_url=fake.url) as session:
            results = list(bulk.run(session, iter(BODIES), state=state, **OPTIONS))

        # Every request was uploaded once and put in one batch, and has one result.
        assert sorted(uploaded_ids(fake)) == expected, kill_at
        created = [
            r for r in fake.requests if (r.method, r.route_path, r.reply_status) == ("POST", "/batches", 200)
        ]
        parts = collections.Counter(r.json["metadata"]["openai_lite_part"] for r in created)
        assert parts == {"0": 1, "1": 1}, kill_at
        assert [r.custom_id for r in results] == expected, kill_at
        assert all(r.ok for r in results), kill_at
