"""The command line under bad input: one line on stderr and a documented exit code, never a traceback."""

from __future__ import annotations

import io
import sys
from typing import List

import pytest

from openai_lite import cli
from openai_lite.testing import FakeOpenAI


@pytest.fixture
def api(fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    monkeypatch.setenv("OPENAI_API_KEY", fake.api_key)
    monkeypatch.setenv("OPENAI_BASE_URL", fake.url)
    return fake


def one_line_error(capsys: pytest.CaptureFixture[str], argv: List[str], code: int) -> str:
    assert cli.main(argv) == code
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("openai-lite: error: ") and err.endswith("\n") and err.count("\n") == 1, err
    return err


def test_stdin_that_is_not_utf8_is_a_usage_error(
    api: FakeOpenAI, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"caf\xe9 au lait\n"), encoding="utf-8"))
    err = one_line_error(capsys, ["chat"], cli.EXIT_USAGE)
    assert "not UTF-8" in err
    assert api.requests == []


def test_argument_that_is_not_utf8_is_a_usage_error(
    api: FakeOpenAI, capsys: pytest.CaptureFixture[str]
) -> None:
    arg = b"caf\xe9".decode("utf-8", "surrogateescape")  # how Python hands over such an argument
    err = one_line_error(capsys, ["chat", arg], cli.EXIT_USAGE)
    assert "messages" in err
    assert api.requests == []


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999/v1", "http://[::1/v1", "not a url"])
def test_bad_base_url_is_a_usage_error(api: FakeOpenAI, capsys: pytest.CaptureFixture[str], url: str) -> None:
    err = one_line_error(capsys, ["--base-url", url, "models", "list"], cli.EXIT_USAGE)
    assert "base_url" in err
    assert api.requests == []


@pytest.mark.parametrize(
    "argv, name",
    [
        (["files", "download", ".."], "file_id"),
        (["files", "download", "."], "file_id"),
        (["models", "get", ""], "model"),
        (["models", "delete", ".."], "model"),
        (["fine-tuning", "get", ".."], "job_id"),
    ],
)
def test_id_that_cannot_be_a_path_segment_is_a_usage_error(
    api: FakeOpenAI, capsys: pytest.CaptureFixture[str], argv: List[str], name: str
) -> None:
    err = one_line_error(capsys, argv, cli.EXIT_USAGE)
    assert name in err
    assert api.requests == []


def test_header_value_with_a_line_break_is_a_usage_error(
    api: FakeOpenAI, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ORG_ID", "org-1\r\nX-Injected: 1")
    err = one_line_error(capsys, ["models", "list"], cli.EXIT_USAGE)
    assert "OPENAI_ORG_ID" in err
    assert api.requests == []


def test_api_error_after_good_input_is_still_exit_1(
    api: FakeOpenAI, capsys: pytest.CaptureFixture[str]
) -> None:
    err = one_line_error(capsys, ["models", "get", "no-such-model"], cli.EXIT_API_ERROR)
    assert "404" in err
