"""A file's contents: into memory, and streamed into a file atomically, against FakeOpenAI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from openai_lite import APIConnectionError, NotFoundError, OpenAISession, files
from openai_lite.testing import FakeOpenAI, Reply

CONTENT = b'{"custom_id": "1", "response": {"status_code": 200}}\n' * 2000


@pytest.fixture
def file_id(fake: FakeOpenAI, session: OpenAISession) -> str:
    file_id = files.create(session, file=("results.jsonl", CONTENT), purpose="batch").data.id
    fake.requests.clear()
    return file_id


def test_content_returns_the_bytes(fake: FakeOpenAI, session: OpenAISession, file_id: str) -> None:
    resp = files.content(session, file_id)

    assert resp.status_code == 200 and resp.data == CONTENT
    sent = fake.last
    assert (sent.method, sent.path, sent.query, sent.body) == ("GET", f"/v1/files/{file_id}/content", {}, b"")
    assert sent.headers["Authorization"] == "Bearer " + fake.api_key


def test_content_of_an_unknown_file(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = files.content(session, "file-a/b")

    assert resp.status_code == 404 and resp.error is not None and resp.error.param == "file_id"
    assert fake.last.path == "/v1/files/file-a%2Fb/content"
    with pytest.raises(NotFoundError):
        resp.data


def test_a_cut_body_is_a_connection_error(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(Reply(200, body=b"x" * 1000, drop="mid_body", content_type="application/octet-stream"))

    with pytest.raises(APIConnectionError):
        files.content(session, "file-abc")


def test_download_writes_the_file(
    fake: FakeOpenAI, session: OpenAISession, file_id: str, tmp_path: Path
) -> None:
    target = tmp_path / "results.jsonl"

    resp = files.download(session, file_id, target)

    assert resp.status_code == 200 and resp.data == len(CONTENT)
    assert target.read_bytes() == CONTENT
    assert os.listdir(tmp_path) == ["results.jsonl"]
    assert (fake.last.method, fake.last.path) == ("GET", f"/v1/files/{file_id}/content")


def test_download_replaces_an_existing_file(
    fake: FakeOpenAI, session: OpenAISession, file_id: str, tmp_path: Path
) -> None:
    target = tmp_path / "results.jsonl"
    target.write_bytes(b"old results")

    files.download(session, file_id, str(target))

    assert target.read_bytes() == CONTENT


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, body=b"0123456789" * 1000, drop="mid_body", content_type="application/octet-stream"),
        Reply(
            200, chunks=[b"0123456789" * 100] * 8, drop="mid_body", content_type="application/octet-stream"
        ),
    ],
    ids=["content-length", "chunked"],
)
def test_a_cut_download_leaves_no_file(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path, reply: Reply
) -> None:
    fake.enqueue(reply)
    target = tmp_path / "results.jsonl"
    target.write_bytes(b"old results")

    with pytest.raises(APIConnectionError):
        files.download(session, "file-abc", target)

    assert target.read_bytes() == b"old results"
    assert os.listdir(tmp_path) == ["results.jsonl"]


def test_a_failed_download_writes_nothing(fake: FakeOpenAI, session: OpenAISession, tmp_path: Path) -> None:
    resp = files.download(session, "file-missing", tmp_path / "out.jsonl")

    assert resp.status_code == 404
    with pytest.raises(NotFoundError):
        resp.data
    assert os.listdir(tmp_path) == []


def test_download_checks_its_arguments_first(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path
) -> None:
    with pytest.raises(FileNotFoundError, match="path"):
        files.download(session, "file-abc", tmp_path / "missing" / "out.jsonl")
    with pytest.raises(ValueError, match="file_id"):
        files.download(session, "..", tmp_path / "out.jsonl")
    assert fake.requests == []
