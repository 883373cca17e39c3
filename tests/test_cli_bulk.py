"""openai-lite bulk: a Batch API job from the command line, against FakeOpenAI."""

from __future__ import annotations

import io
import json
from typing import Any, List, Tuple

import pytest

from openai_lite import cli
from openai_lite.testing import FakeOpenAI, batch_settings

CHAT = "/v1/chat/completions"


@pytest.fixture
def api(fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    monkeypatch.setenv("OPENAI_API_KEY", fake.api_key)
    monkeypatch.setenv("OPENAI_BASE_URL", fake.url)
    batch_settings(fake).speed = 1000
    return fake


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> Tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def jsonl(text: str) -> List[Any]:
    return [json.loads(line) for line in text.splitlines()]


def bodies(n: int) -> str:
    return "".join(
        json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"q{i}"}]}) + "\n"
        for i in range(n)
    )


def test_run_reads_stdin_and_prints_results(
    api: FakeOpenAI, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(bodies(3)))
    state = str(tmp_path / "job")
    code, out, err = run(
        capsys, "bulk", "run", state, "-e", CHAT, "--max-lines", "2", "--poll-interval", "0.002"
    )
    assert code == 0
    results = jsonl(out)
    assert [(r["custom_id"], r["status_code"], r["error"]) for r in results] == [
        ("request-0", 200, None),
        ("request-1", 200, None),
        ("request-2", 200, None),
    ]
    assert results[0]["body"]["object"] == "chat.completion"
    assert "3 requests in 2 parts" in err.splitlines()[-1] and "3 completed" in err.splitlines()[-1]
    assert len([r for r in api.requests if r.route_path == "/batches" and r.method == "POST"]) == 2


def test_submit_status_wait_results_cancel(
    api: FakeOpenAI, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(bodies(2))
    state = str(tmp_path / "job")
    batch_settings(api).speed = 20
    code, out, _ = run(capsys, "bulk", "submit", state, str(source), "-e", CHAT, "--metadata", "team=ml")
    assert code == 0
    submitted = json.loads(out)
    assert submitted["requests"] == 2 and submitted["counts"] == {"validating": 2} and not submitted["done"]
    created = [r for r in api.requests if r.route_path == "/batches" and r.method == "POST"]
    assert created[0].json["metadata"]["team"] == "ml"

    code, out, _ = run(capsys, "bulk", "results", state, "--no-wait")
    assert code == 2 and out == ""
    code, out, _ = run(capsys, "bulk", "status", state)
    assert code == 0 and json.loads(out)["parts"][0]["status"] in ("validating", "in_progress")

    code, out, err = run(capsys, "bulk", "wait", state, "--poll-interval", "0.01", "--no-progress")
    assert code == 0 and json.loads(out)["done"] and err == ""
    code, out, _ = run(capsys, "bulk", "results", state, "--no-wait")
    assert [r["custom_id"] for r in jsonl(out)] == ["request-0", "request-1"]
    code, out, _ = run(capsys, "bulk", "cancel", state)
    assert code == 0 and json.loads(out)["cancelled"] is True


def test_usage_errors(api: FakeOpenAI, capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    code, _, err = run(capsys, "bulk", "status", str(tmp_path / "none"))
    assert code == 2 and "no bulk job" in err
    code, _, err = run(capsys, "bulk", "submit", str(tmp_path / "job"), "-e", CHAT, "--metadata", "oops")
    assert code == 2
    code, _, err = run(capsys, "bulk", "run", str(tmp_path / "job"))
    assert code == 2 and "--endpoint" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"custom_id": "a", "body": {}}\n{"custom_id": "a", "body": {}}\n')
    code, _, err = run(capsys, "bulk", "submit", str(tmp_path / "job"), str(bad), "-e", CHAT)
    assert code == 2 and "duplicate" in err
    assert api.requests == []
