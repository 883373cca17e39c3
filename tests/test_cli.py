"""The openai-lite command line, through main(argv) against FakeOpenAI, and once as a real process."""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

from openai_lite import cli
from openai_lite._logging import body_logger, logger
from openai_lite.testing import FakeOpenAI, error_reply

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOUR_HEADINGS = [
    "== 1. Chat completion",
    "== 2. Image variations",
    "== 3. Audio translation",
    "== 4. Audio transcription",
    "== 5. Moderation",
    "== 6. Image creation",
    "== 7. File management",
    "== 8. Fine-tuning",
    "== 9. Models",
    "== 10. Embeddings",
]


@pytest.fixture
def api(fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    """The fake, configured through the environment as a user's shell would."""
    monkeypatch.setenv("OPENAI_API_KEY", fake.api_key)
    monkeypatch.setenv("OPENAI_BASE_URL", fake.url)
    return fake


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> Tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- chat and embeddings ------------------------------------------------------------------------


def test_chat_prompt(api: FakeOpenAI, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "chat", "What is the capital of the France?")
    assert (code, out, err) == (0, "The capital of France is Paris.\n", "")
    assert api.last.method == "POST" and api.last.route_path == "/chat/completions"
    assert api.last.json == {
        "messages": [{"role": "user", "content": "What is the capital of the France?"}],
        "model": "gpt-4o-mini",
    }
    assert api.last.headers["Authorization"] == "Bearer " + api.api_key


def test_chat_from_stdin_with_options(
    api: FakeOpenAI, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("Tell me about France.\n"))
    code, out, _ = run(
        capsys, "chat", "-m", "gpt-3.5-turbo", "-s", "Be brief.", "-t", "0.2", "--max-tokens", "50"
    )
    assert code == 0 and "Paris" in out
    assert api.last.json == {
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Tell me about France."},
        ],
        "model": "gpt-3.5-turbo",
        "temperature": 0.2,
        "max_completion_tokens": 50,
    }


def test_chat_json(api: FakeOpenAI, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "chat", "--json", "Hello")
    assert code == 0
    parsed = json.loads(out)
    assert parsed["object"] == "chat.completion"
    assert parsed["choices"][0]["message"]["content"]


def test_chat_needs_a_prompt(
    api: FakeOpenAI, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, out, err = run(capsys, "chat")
    assert (code, out) == (2, "")
    assert err == "openai-lite: error: the prompt on stdin is empty\n"
    assert api.requests == []


def test_embed(api: FakeOpenAI, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "embed", "The food was delicious", "The service was slow", "--dimensions", "8")
    assert code == 0
    lines = out.splitlines()
    assert [line.split("[")[0] for line in lines] == ["0: 8 dimensions ", "1: 8 dimensions "]
    assert api.last.json["input"] == ["The food was delicious", "The service was slow"]
    assert api.last.json["model"] == "text-embedding-3-small" and api.last.json["dimensions"] == 8

    code, out, _ = run(capsys, "embed", "--json", "x", "--dimensions", "4")
    assert len(json.loads(out)["data"][0]["embedding"]) == 4


def test_chat_stream(api: FakeOpenAI, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "chat", "--stream", "What is the capital of France?")
    assert (code, out, err) == (0, "The capital of France is Paris.\n", "")
    assert api.last.json["stream"] is True
    assert api.last.reply_content_type.startswith("text/event-stream")


# -- models, files, fine-tuning ------------------------------------------------------------------


def test_models_and_files_alone_list_them(api: FakeOpenAI, capsys: pytest.CaptureFixture[str]) -> None:
    listed = run(capsys, "models", "list")
    assert run(capsys, "models") == listed and listed[0] == 0 and "whisper-1" in listed[1]
    alone, listing = run(capsys, "models", "--json")[1], run(capsys, "models", "list", "--json")[1]
    assert json.loads(alone) == json.loads(listing)
    assert [(r.method, r.path) for r in api.requests] == [("GET", "/v1/models")] * 4
    run(capsys, "files", "upload", __file__, "-p", "user_data")
    listed = run(capsys, "files", "list")
    assert run(capsys, "files") == listed and listed[0] == 0 and "test_cli.py" in listed[1]
    assert api.last.query == {}


def test_models(api: FakeOpenAI, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "models", "list")
    assert code == 0 and "gpt-4o-mini\tsystem" in out.splitlines()
    code, out, _ = run(capsys, "models", "get", "whisper-1")
    assert (code, out.split("\t")[0]) == (0, "whisper-1")
    code, out, _ = run(capsys, "models", "get", "--json", "whisper-1")
    assert json.loads(out)["owned_by"] == "openai-internal"
    fine_tuned = next(m for m in api.models if m.startswith("ft:"))
    code, out, _ = run(capsys, "models", "delete", fine_tuned)
    assert (code, out) == (0, f"deleted {fine_tuned}\n")
    assert api.last.method == "DELETE"


def test_http_error_is_one_line_and_exit_1(api: FakeOpenAI, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "models", "delete", "unknownName")
    request_id = api.last.headers.get("x-request-id")  # not sent by us
    assert request_id is None
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("openai-lite: error: 404 Not Found (request req_")
    assert "unknownName" in err and err.rstrip().endswith("[invalid_request_error]")


def test_files(api: FakeOpenAI, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = os.path.join(str(tmp_path), "mydata.jsonl")
    with open(data, "w") as f:
        f.write(
            '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}\n'
        )

    code, out, _ = run(capsys, "files", "upload", data, "--purpose", "fine-tune")
    file_id, size, purpose, name = out.strip().split("\t")
    assert (code, size, purpose, name) == (0, str(os.path.getsize(data)), "fine-tune", "mydata.jsonl")
    assert api.last.files["file"].filename == "mydata.jsonl" and api.last.form == {"purpose": "fine-tune"}

    code, out, _ = run(capsys, "files", "list", "--purpose", "fine-tune")
    assert out.split("\t")[0] == file_id
    assert api.last.query == {"purpose": ["fine-tune"]}
    code, out, _ = run(capsys, "files", "delete", file_id)
    assert (code, out) == (0, f"deleted {file_id}\n")
    code, out, _ = run(capsys, "files", "list", "--json")
    assert json.loads(out)["data"] == []


def test_missing_file_is_exit_2_before_sending(api: FakeOpenAI, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["files", "upload", "nope.jsonl", "-p", "batch"], ["transcribe", "nope.mp3"]):
        code, out, err = run(capsys, *argv)
        assert (code, out, err) == (
            2,
            "",
            f"openai-lite: error: no such file: {argv[2 if argv[0] == 'files' else 1]}\n",
        )
    assert api.requests == []


def test_fine_tuning(api: FakeOpenAI, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "fine-tuning", "list", "--limit", "200")
    assert (code, out) == (0, "")
    assert api.last.query == {"limit": ["200"]}
    _, out, _ = run(capsys, "files", "upload", __file__, "-p", "fine-tune")
    training = out.split("\t")[0]

    code, out, _ = run(capsys, "fine-tuning", "create", "--training-file", training, "-m", "gpt-3.5-turbo")
    job_id, status, model, _ = out.strip().split("\t")
    assert (code, model) == (0, "gpt-3.5-turbo")
    assert api.last.json == {"model": "gpt-3.5-turbo", "training_file": training}
    code, out, _ = run(capsys, "fine-tuning", "get", job_id)
    assert out.split("\t")[:2] == [job_id, status]
    code, out, _ = run(capsys, "fine-tuning", "cancel", job_id)
    assert out.split("\t")[1] == "cancelled"
    code, out, _ = run(capsys, "fine-tuning", "list", "--json")
    assert [j["id"] for j in json.loads(out)["data"]] == [job_id]


def test_files_download(api: FakeOpenAI, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = os.path.join(str(tmp_path), "batch.jsonl")
    with open(source, "wb") as f:
        f.write(b'{"custom_id": "1"}\n' * 100)
    _, out, _ = run(capsys, "files", "upload", source, "-p", "batch")
    file_id = out.split("\t")[0]
    target = os.path.join(str(tmp_path), "copy.jsonl")

    code, out, _ = run(capsys, "files", "download", file_id, "-o", target)

    assert (code, out) == (0, f"{target}\t1900 bytes\n")
    assert (api.last.method, api.last.route_path) == ("GET", f"/files/{file_id}/content")
    with open(target, "rb") as f:
        assert f.read() == b'{"custom_id": "1"}\n' * 100
    missing = os.path.join(str(tmp_path), "missing.jsonl")
    code, out, err = run(capsys, "files", "download", "file-nope", "-o", missing)
    assert (code, out) == (1, "") and err.startswith("openai-lite: error: 404 Not Found")
    assert not os.path.exists(missing)


def test_progress_bars(
    api: FakeOpenAI,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    pytest.importorskip("tqdm")
    monkeypatch.setattr(cli, "_stderr_is_tty", lambda: True)
    source = os.path.join(str(tmp_path), "big.jsonl")
    content = b'{"prompt": "x"}\n' * 20000  # several read blocks
    with open(source, "wb") as f:
        f.write(content)

    code, out, err = run(capsys, "files", "upload", source, "-p", "batch")

    assert code == 0 and out.split("\t")[1] == str(len(content))
    assert api.last.files["file"].filename == "big.jsonl"
    assert api.last.files["file"].data == content
    assert err.startswith("\rupload:") and "100%|" in err and "312k/312k" in err
    file_id = out.split("\t")[0]
    code, _, err = run(capsys, "files", "upload", source, "-p", "batch", "--no-progress")
    assert (code, err) == (0, "")

    target = os.path.join(str(tmp_path), "copy.jsonl")
    code, out, err = run(capsys, "files", "download", file_id, "-o", target)
    assert (code, out) == (0, f"{target}\t{len(content)} bytes\n")
    assert err.startswith("\rdownload:") and "100%|" in err and "312k/312k" in err
    with open(target, "rb") as f:
        assert f.read() == content
    code, _, err = run(capsys, "files", "download", file_id, "-o", target, "--no-progress")
    assert (code, err) == (0, "")
    code, _, err = run(capsys, "files", "download", "file-nope", "-o", target)
    assert code == 1 and err.startswith("openai-lite: error: 404 Not Found")  # and no bar

    speech = os.path.join(str(tmp_path), "hello.mp3")
    code, out, err = run(capsys, "speak", "Hallo", "wereld", "-o", speech)
    assert (code, out) == (0, f"{speech}\t{os.path.getsize(speech)} bytes\n")
    assert err.startswith("\rspeech:") and "%" not in err  # streamed: no total, a byte count
    assert run(capsys, "speak", "Hallo", "-o", speech, "--no-progress")[::2] == (0, "")


def test_no_progress_bar_without_a_terminal(
    api: FakeOpenAI, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = os.path.join(str(tmp_path), "small.jsonl")
    with open(source, "wb") as f:
        f.write(b'{"prompt": "x"}\n' * 100)

    code, out, err = run(capsys, "files", "upload", source, "-p", "batch")
    assert (code, err) == (0, "")
    code, _, err = run(capsys, "files", "download", out.split("\t")[0], "-o", source + ".copy")
    assert (code, err) == (0, "")
    code, _, err = run(capsys, "speak", "Hallo", "-o", os.path.join(str(tmp_path), "hello.mp3"))
    assert (code, err) == (0, "")


# -- audio and images ---------------------------------------------------------------------------


def test_transcribe_and_translate(
    api: FakeOpenAI, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    audio = os.path.join(str(tmp_path), "HalloWereld.mp3")
    with open(audio, "wb") as f:
        f.write(b"ID3\x03\x00fake mp3")

    code, out, _ = run(capsys, "transcribe", audio, "-l", "nl")
    assert (code, out) == (0, "Hello, world. This is a fake transcription.\n")
    assert api.last.form == {"model": "whisper-1", "language": "nl"}
    assert api.last.files["file"].data == b"ID3\x03\x00fake mp3"
    code, out, _ = run(capsys, "translate", audio, "-f", "srt")
    assert code == 0 and out.startswith("1\n00:00:00,000 --> ")
    assert api.last.route_path == "/audio/translations" and api.last.form["response_format"] == "srt"


def test_speak(
    api: FakeOpenAI,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    target = os.path.join(str(tmp_path), "hello.wav")
    code, out, _ = run(capsys, "speak", "Hallo", "wereld", "-o", target, "--voice", "coral")
    size = os.path.getsize(target)
    assert (code, out) == (0, f"{target}\t{size} bytes\n")
    assert api.last.json == {
        "input": "Hallo wereld",
        "model": "gpt-4o-mini-tts",
        "voice": "coral",
        "response_format": "wav",
    }
    with open(target, "rb") as f:
        assert f.read(4) == b"RIFF"

    monkeypatch.setattr(sys, "stdin", io.StringIO("From stdin."))
    target = os.path.join(str(tmp_path), "speech.out")
    assert run(capsys, "speak", "-o", target)[0] == 0
    assert api.last.json == {"input": "From stdin.", "model": "gpt-4o-mini-tts", "voice": "alloy"}


def test_images_generate(api: FakeOpenAI, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(
        capsys, "images", "generate", "A cute baby sea otter", "-n", "2", "--size", "1024x1024"
    )
    assert code == 0 and len(out.splitlines()) == 2 and out.startswith("https://")
    assert api.last.json == {"prompt": "A cute baby sea otter", "n": 2, "size": "1024x1024"}

    folder = str(tmp_path)
    code, out, _ = run(
        capsys, "images", "generate", "otter", "--response-format", "b64_json", "--output-dir", folder
    )
    assert out == os.path.join(folder, "image-1.png") + "\n"
    with open(out.strip(), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


# -- errors and options -------------------------------------------------------------------------


def test_missing_key_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "models", "list")
    assert (code, out) == (2, "")
    assert err == "openai-lite: error: No API key: pass api_key= to OpenAISession or set OPENAI_API_KEY.\n"


def test_connection_refused_is_exit_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-SECRET-cli")
    code, _, err = run(
        capsys, "--base-url", f"http://127.0.0.1:{closed_port()}/v1", "--max-retries", "0", "models", "list"
    )
    assert code == 3 and err.startswith("openai-lite: error: Connection error: ") and err.count("\n") == 1
    assert "sk-SECRET-cli" not in err


def test_retries_and_timeout_options(api: FakeOpenAI, capsys: pytest.CaptureFixture[str]) -> None:
    api.enqueue(error_reply(500, "Oops.", type="server_error", headers={"retry-after-ms": "1"}), times=2)
    code, _, err = run(capsys, "--max-retries", "1", "--timeout", "5", "models", "list")
    assert code == 1 and err.startswith("openai-lite: error: 500 Internal Server Error (request ")
    assert len(api.requests) == 2


def test_usage_errors_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["models", "frobnicate"]) == 2
    assert "usage: openai-lite models" in capsys.readouterr().err
    assert cli.main(["frobnicate"]) == 2
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("openai-lite ")
    assert cli.main(["--help"]) == 0
    help_text = capsys.readouterr().out
    for command in (
        "chat",
        "embed",
        "models",
        "files",
        "transcribe",
        "translate",
        "images",
        "fine-tuning",
        "demo",
    ):
        assert command in help_text


@pytest.fixture
def quiet_loggers() -> Iterator[None]:
    saved = [(lg, lg.level, list(lg.handlers)) for lg in (logger, body_logger)]
    yield
    for lg, level, handlers in saved:
        lg.setLevel(level)
        lg.handlers[:] = handlers


def test_verbose_logs_requests_to_stderr(
    api: FakeOpenAI, capsys: pytest.CaptureFixture[str], quiet_loggers: None
) -> None:
    logger.handlers[:] = []
    code, _, err = run(capsys, "-v", "models", "get", "gpt-4o-mini")
    assert code == 0 and logger.level == logging.DEBUG
    assert "openai_lite DEBUG] GET /v1/models/gpt-4o-mini -> 200 in " in err
    assert api.api_key not in err


# -- the demo -----------------------------------------------------------------------------------


def assert_offline_tour(out: str) -> None:
    lines = out.splitlines()
    assert lines[0].startswith(
        "(no OPENAI_API_KEY: running against the bundled FakeOpenAI at http://127.0.0.1:"
    )
    assert [line for line in lines if line.startswith("== ")] == TOUR_HEADINGS
    for expected in (
        "The capital of France is Paris.",
        "Number of new items created 2",
        "Translated text Hello, world. This is a fake translation.",
        "Actual text Hello, world. This is a fake transcription.",
        "Flagged True, violence True",
        "Number of files 1",
        "Number of fine-tuning jobs 1",
        "Returned response status code 404 for deleting unknownName",
        "Vector length 1536",
    ):
        assert expected in lines, expected
    assert sum(line.startswith("Returned response status code 200") for line in lines) == 14


def test_demo_offline(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "demo")
    assert (code, err) == (0, "")
    assert_offline_tour(out)


def test_demo_with_a_key_but_without_live_stays_offline(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-real-key-not-to-be-used")
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{closed_port()}/v1")
    code, out, _ = run(capsys, "demo")
    assert code == 0 and out.startswith("(no --live given: running against the bundled FakeOpenAI")


def test_demo_live_runs_only_the_cheap_read_only_steps(
    api: FakeOpenAI, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "demo", "--live")
    assert (code, err) == (0, "")
    assert [line for line in out.splitlines() if line.startswith("== ")] == TOUR_HEADINGS
    assert out.count("(skipped with --live") == 4
    sent: List[Tuple[str, str]] = [(r.method, r.route_path) for r in api.requests]
    assert sent == [
        ("POST", "/chat/completions"),
        ("POST", "/moderations"),
        ("GET", "/files"),
        ("GET", "/fine_tuning/jobs"),
        ("GET", "/models"),
        ("GET", "/models/gpt-4o-mini"),
        ("DELETE", "/models/unknownName"),
        ("POST", "/embeddings"),
    ]


def test_demo_live_needs_a_key(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "demo", "--live")
    assert (code, out, err) == (2, "", "openai-lite: error: demo --live needs OPENAI_API_KEY\n")


def test_real_process(fake: FakeOpenAI) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env["PYTHONPATH"] = ROOT
    demo = subprocess.run(
        [sys.executable, "-m", "openai_lite", "demo"],
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert (demo.returncode, demo.stderr) == (0, b"")
    assert_offline_tour(demo.stdout.decode())

    failing = subprocess.run(
        [sys.executable, "-m", "openai_lite", "models", "get", "unknownName"],
        env=dict(env, OPENAI_API_KEY=fake.api_key, OPENAI_BASE_URL=fake.url),
        capture_output=True,
        timeout=60,
    )
    assert failing.returncode == 1 and failing.stdout == b""
    assert failing.stderr.decode().startswith("openai-lite: error: 404 Not Found (request req_")
    assert failing.stderr.count(b"\n") == 1


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["--timeout", "0"], "--timeout"),
        (["--timeout", "-5"], "--timeout"),
        (["--timeout", "nan"], "--timeout"),
        (["--timeout", "inf"], "--timeout"),
        (["--max-retries", "-1"], "--max-retries"),
    ],
)
def test_bad_timeout_or_retries_is_a_usage_error_without_a_traceback(
    api: FakeOpenAI, capsys: pytest.CaptureFixture[str], argv: List[str], option: str
) -> None:
    code, out, err = run(capsys, *argv, "models", "list")
    assert (code, out) == (2, "")
    assert err.splitlines()[-1].startswith(f"openai-lite: error: argument {option}: ")
    assert "Traceback" not in err
    assert api.requests == []


def test_error_event_in_a_stream_is_exit_1(api: FakeOpenAI, capsys: pytest.CaptureFixture[str]) -> None:
    from openai_lite.testing import sse_reply

    api.enqueue(sse_reply([{"error": {"message": "Overloaded", "type": "server_error"}}], done=False))
    code, _, err = run(capsys, "chat", "--stream", "hi")
    assert code == 1
    assert err.startswith("openai-lite: error: Error in the stream") and err.count("\n") == 1
    assert "[server_error]: Overloaded" in err


def test_chat_reply_without_choices_is_exit_1(api: FakeOpenAI, capsys: pytest.CaptureFixture[str]) -> None:
    from openai_lite.testing import json_reply

    empty = {"id": "c", "object": "chat.completion", "created": 1, "model": "m", "choices": []}
    api.enqueue(json_reply(empty))
    code, out, err = run(capsys, "chat", "hi")
    assert (code, out, err) == (1, "", "openai-lite: error: the response has no choices\n")
    api.enqueue(json_reply(empty))
    code, out, err = run(capsys, "chat", "--json", "hi")
    assert (code, json.loads(out)["choices"], err) == (0, [], "")
