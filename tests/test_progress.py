"""The ``progress(done, total)`` callbacks of uploads and downloads, against FakeOpenAI over real HTTP."""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional, Tuple

import pytest

from openai_lite import APIStatusError, OpenAISession, audio, files, uploads
from openai_lite.testing import FakeOpenAI, error_reply

Calls = List[Tuple[int, Optional[int]]]


class Recorder:
    """A progress callback that keeps its calls."""

    def __init__(self) -> None:
        self.calls: Calls = []

    def __call__(self, done: int, total: Optional[int]) -> None:
        self.calls.append((done, total))


def attempts(calls: Calls) -> List[Calls]:
    """Split the calls where the count starts again from 0."""
    out: List[Calls] = []
    for call in calls:
        if call[0] == 0:
            out.append([])
        out[-1].append(call)
    return out


def rising(calls: Calls) -> bool:
    return all(a[0] < b[0] for a, b in zip(calls, calls[1:]))


@pytest.fixture
def big(tmp_path: Path) -> Path:
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b'{"custom_id": "request-1"}\n' * 8000)  # 216000 bytes: several blocks
    return path


def test_upload_from_path_reports_the_file_bytes(
    fake: FakeOpenAI, session: OpenAISession, big: Path
) -> None:
    content = big.read_bytes()
    progress = Recorder()

    resp = files.create(session, file=big, purpose="batch", progress=progress)

    assert resp.status_code == 200 and resp.data.bytes == len(content)
    sent = fake.last
    assert sent.files["file"].data == content and sent.form == {"purpose": "batch"}
    body_size = int(sent.headers["Content-Length"])
    assert body_size > len(content)  # the total counts the file, not the form around it
    calls = progress.calls
    assert calls[0] == (0, len(content)) and calls[-1] == (len(content), len(content))
    assert len(calls) > 3 and rising(calls)
    assert {total for _, total in calls} == {len(content)}


def test_transcribe_reports_an_upload_of_bytes(fake: FakeOpenAI, session: OpenAISession) -> None:
    progress = Recorder()

    audio.transcribe(session, file=("hello.mp3", b"ID3" + bytes(997)), model="whisper-1", progress=progress)

    assert progress.calls == [(0, 1000), (1000, 1000)]
    assert fake.last.files["file"].data == b"ID3" + bytes(997)
    assert "progress" not in fake.last.form


def test_upload_from_a_pipe_has_no_total(fake: FakeOpenAI, session: OpenAISession) -> None:
    content = os.urandom(20_000)
    read_end, write_end = os.pipe()
    os.write(write_end, content)  # less than a pipe's buffer
    os.close(write_end)
    progress = Recorder()

    with open(read_end, "rb") as pipe:
        resp = files.create(session, file=("data.jsonl", pipe), purpose="batch", progress=progress)

    assert resp.status_code == 200
    assert fake.last.headers.get("Transfer-Encoding") == "chunked"
    assert fake.last.files["file"].data == content
    calls = progress.calls
    assert calls[0] == (0, None) and calls[-1] == (len(content), None)
    assert rising(calls) and {total for _, total in calls} == {None}


def test_a_retried_upload_counts_again_from_zero(
    fake: FakeOpenAI, session: OpenAISession, big: Path
) -> None:
    size = big.stat().st_size
    fake.enqueue(error_reply(500, "The server had an error", type="server_error"), path="/files")
    progress = Recorder()

    resp = files.create(session, file=big, purpose="batch", progress=progress)

    assert (resp.status_code, resp.retries, len(fake.requests)) == (200, 1, 2)
    assert [r.files["file"].data == big.read_bytes() for r in fake.requests] == [True, True]
    first, second = attempts(progress.calls)
    assert first == second  # the whole file, sent twice
    assert first[0] == (0, size) and first[-1] == (size, size) and rising(first)


def test_download_reports_bytes_written_of_content_length(
    fake: FakeOpenAI, session: OpenAISession, big: Path, tmp_path: Path
) -> None:
    content = big.read_bytes()
    file_id = files.create(session, file=big, purpose="batch").data.id
    target = tmp_path / "copy.jsonl"
    progress = Recorder()

    resp = files.download(session, file_id, target, progress=progress)

    assert fake.last.path == f"/v1/files/{file_id}/content"
    assert resp.data == len(content) == int(resp.headers["Content-Length"])
    assert target.read_bytes() == content
    calls = progress.calls
    assert calls[0] == (0, len(content)) and calls[-1] == (resp.data, len(content))
    assert len(calls) > 2 and rising(calls)


def test_failed_download_reports_nothing(fake: FakeOpenAI, session: OpenAISession, tmp_path: Path) -> None:
    progress = Recorder()

    resp = files.download(session, "file-missing", tmp_path / "out", progress=progress)

    assert resp.status_code == 404 and progress.calls == []


def test_raising_in_the_callback_stops_a_download(
    fake: FakeOpenAI, session: OpenAISession, big: Path, tmp_path: Path
) -> None:
    file_id = files.create(session, file=big, purpose="batch").data.id

    def stop(done: int, total: Optional[int]) -> None:
        if done:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        files.download(session, file_id, tmp_path / "copy.jsonl", progress=stop)
    assert os.listdir(tmp_path) == ["batch.jsonl"]  # neither the file nor a partial one


def test_speech_to_file_streamed_without_a_length(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path
) -> None:
    target = tmp_path / "speech.mp3"
    progress = Recorder()

    resp = audio.speech_to_file(
        session, target, input="Hello world " * 50, model="tts-1", voice="alloy", progress=progress
    )

    assert fake.last.json == {"input": "Hello world " * 50, "model": "tts-1", "voice": "alloy"}
    assert resp.headers.get("Transfer-Encoding") == "chunked"
    assert resp.data == target.stat().st_size > 0
    calls = progress.calls
    assert calls[0] == (0, None) and calls[-1] == (resp.data, None) and rising(calls)


def test_upload_file_reports_the_whole_file_across_parts(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path
) -> None:
    path = tmp_path / "train.jsonl"
    path.write_bytes(os.urandom(10_000))
    progress = Recorder()

    resp = uploads.upload_file(session, path, purpose="fine-tune", part_size=4096, progress=progress)

    assert resp.data.status == "completed"
    parts = [r for r in fake.requests if r.route_path.endswith("/parts")]
    assert [len(r.files["data"].data) for r in parts] == [4096, 4096, 1808]
    calls = progress.calls
    assert calls[0] == (0, 10_000) and calls[-1] == (10_000, 10_000)
    assert rising(calls) and {total for _, total in calls} == {10_000}
    assert {4096, 8192} <= {done for done, _ in calls}


def test_upload_file_with_a_retried_part(fake: FakeOpenAI, session: OpenAISession, tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    path.write_bytes(os.urandom(10_000))
    fake.enqueue(error_reply(500, "The server had an error", type="server_error"), path="/uploads/{id}/parts")
    progress = Recorder()

    resp = uploads.upload_file(session, path, purpose="fine-tune", part_size=4096, progress=progress)

    assert resp.data.status == "completed"
    first, second = attempts(progress.calls)
    assert first[0] == (0, 10_000) and first[-1] == (4096, 10_000)  # the first part, refused
    assert second[0] == (0, 10_000) and second[-1] == (10_000, 10_000) and rising(second)


def test_add_part_reports_the_part(fake: FakeOpenAI, session: OpenAISession) -> None:
    upload = uploads.create(
        session, bytes=3, filename="a.jsonl", mime_type="text/jsonl", purpose="batch"
    ).data
    progress = Recorder()

    uploads.add_part(session, upload.id, data=b"abc", progress=progress)

    assert progress.calls == [(0, 3), (3, 3)]
    assert fake.last.files["data"].data == b"abc"


def test_an_error_reply_still_reports_what_was_sent(
    fake: FakeOpenAI, session: OpenAISession, big: Path
) -> None:
    fake.enqueue(error_reply(400, "bad file", param="file"), path="/files")
    progress = Recorder()

    resp = files.create(session, file=big, purpose="batch", progress=progress)

    assert resp.status_code == 400
    with pytest.raises(APIStatusError):
        resp.data
    assert progress.calls[-1] == (big.stat().st_size, big.stat().st_size)


def test_a_progress_that_cannot_be_called_is_refused_before_sending(
    fake: FakeOpenAI, session: OpenAISession, big: Path, tmp_path: Path
) -> None:
    with pytest.raises(TypeError, match="progress must be a callable"):
        files.create(session, file=big, purpose="batch", progress=True)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="progress must be a callable"):
        files.download(session, "file-abc", tmp_path / "out", progress="bar")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="progress must be a callable"):
        uploads.upload_file(session, big, purpose="batch", progress=1)  # type: ignore[arg-type]
    assert fake.requests == []
