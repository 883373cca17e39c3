"""Faults in data and framing: files that change while sent, bodies cut at a clean boundary,
bodiless answers, the mode of a replaced file, and local arguments checked before sending.

Each case runs over the wire, against FakeOpenAI or a raw-socket server on 127.0.0.1.
"""

from __future__ import annotations

import gzip
import json
import os
import stat
from pathlib import Path
from typing import Any, List, Optional

import pytest
from rawserver import RawConnection, RawServer, http_response

from openai_lite import (
    APIConnectionError,
    FileChangedError,
    OpenAIRetry,
    OpenAISession,
    audio,
    chat,
    files,
    request,
)
from openai_lite.testing import FakeOpenAI

FILE = {
    "id": "file-1",
    "object": "file",
    "bytes": 3,
    "created_at": 1,
    "filename": "a.jsonl",
    "purpose": "batch",
    "status": "processed",
}
#: Text that compresses to a gzip stream of many deflate blocks.
CONTENT = b"".join(b'{"custom_id": "r%d", "body": {"n": %d}}\n' % (i, i * 7919 % 10007) for i in range(40000))


def raw_session(url: str, retries: int = 0) -> OpenAISession:
    return OpenAISession(
        api_key="sk-fake-key", base_url=url, max_retries=OpenAIRetry.for_tries(retries, backoff_factor=0.001)
    )


def answer_each(replies: List[bytes]) -> Any:
    """A raw handler that reads requests on one connection and answers each with the next reply."""

    def handler(conn: RawConnection) -> None:
        while replies:
            if conn.read_request() is None:
                return
            conn.send(replies.pop(0))
        conn.close()

    return handler


# ---------------------------------------------------------------------------
# A file that changes size while it is sent


def upload_and_change(session: OpenAISession, path: Path, change: Any) -> None:
    def progress(done: int, total: Optional[int]) -> None:
        if done == 0:  # the request is built and its Content-Length set: change the file now
            change(path)

    files.create(session, file=path, purpose="batch", progress=progress)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda p: p.open("ab").write(b'{"late": true}\n' * 1000), id="grows"),
        pytest.param(lambda p: os.truncate(p, 1000), id="shrinks"),
    ],
)
def test_upload_of_a_file_that_changes_size_while_sent_stops_and_the_connection_stays_sane(
    tmp_path: Path, change: Any
) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_bytes(CONTENT[:200000])
    replies = [http_response(200, json.dumps(FILE), {"Content-Type": "application/json"})] * 2
    with RawServer(answer_each(replies)) as server:
        session = raw_session(server.url)
        with pytest.raises(FileChangedError, match="batch.jsonl"):
            upload_and_change(session, path, change)
        # The next call goes out whole, on a fresh connection: no stray bytes before it.
        assert files.create(session, file=b'{"a": 1}\n', purpose="batch").data.id == "file-1"
    assert [(r.method, r.target) for r in server.requests] == [("POST", "/v1/files")]
    assert b'{"a": 1}' in server.requests[0].body
    assert server.connections == 2


@pytest.mark.parametrize("as_path", [True, False], ids=["path", "open-file"])
def test_upload_of_a_file_the_system_cannot_size_sends_all_of_it(
    fake: FakeOpenAI, session: OpenAISession, as_path: bool
) -> None:
    proc = "/proc/self/cmdline"
    assert os.path.getsize(proc) == 0  # the system reports no size for it
    expected = Path(proc).read_bytes()
    if as_path:
        resp = files.create(session, file=("cmdline.jsonl", proc), purpose="batch")
    else:
        with open(proc, "rb") as stream:
            resp = files.create(session, file=("cmdline.jsonl", stream), purpose="batch")
    assert resp.ok
    sent = fake.requests[-1]
    assert int(sent.headers["Content-Length"]) == len(sent.body)
    assert sent.files["file"].data == expected != b""
    assert resp.data.bytes == len(expected)


# ---------------------------------------------------------------------------
# A compressed body cut at a clean boundary


def cut_gzip(chunked: bool) -> bytes:
    whole = gzip.compress(CONTENT)
    half = whole[: len(whole) // 2]
    head = {"Content-Type": "application/octet-stream", "Content-Encoding": "gzip"}
    if not chunked:
        return http_response(200, half, head)
    head["Transfer-Encoding"] = "chunked"
    lines = "".join(f"{k}: {v}\r\n" for k, v in head.items())
    return f"HTTP/1.1 200 OK\r\n{lines}\r\n".encode() + b"%x\r\n" % len(half) + half + b"\r\n0\r\n\r\n"


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_gzip_body_cut_at_a_clean_boundary_is_not_taken_as_whole(chunked: bool) -> None:
    with RawServer(answer_each([cut_gzip(chunked)])) as server:
        with pytest.raises(APIConnectionError, match="compressed"):
            files.content(raw_session(server.url), "file-1")


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_gzip_download_cut_at_a_clean_boundary_fails_and_leaves_no_file(
    tmp_path: Path, chunked: bool
) -> None:
    target = tmp_path / "out.jsonl"
    with RawServer(answer_each([cut_gzip(chunked)])) as server:
        with pytest.raises(APIConnectionError, match="compressed"):
            files.download(raw_session(server.url), "file-1", target)
    assert list(tmp_path.iterdir()) == []


def test_whole_gzip_download_is_saved_decoded(tmp_path: Path) -> None:
    body = gzip.compress(CONTENT)
    reply = http_response(200, body, {"Content-Type": "application/octet-stream", "Content-Encoding": "gzip"})
    with RawServer(answer_each([reply])) as server:
        size = files.download(raw_session(server.url), "file-1", tmp_path / "out.jsonl").data
    assert size == len(CONTENT)
    assert (tmp_path / "out.jsonl").read_bytes() == CONTENT


# ---------------------------------------------------------------------------
# Answers without a body


def test_head_answer_with_a_content_length_is_not_a_cut_connection() -> None:
    reply = http_response(200, b"", {"Content-Type": "application/json"}, content_length=512)
    with RawServer(answer_each([reply, reply])) as server:
        session = raw_session(server.url)
        resp = request(session, "HEAD", "/models")
        again = request(session, "HEAD", "/models")
    assert (resp.status_code, resp.data, again.status_code) == (200, None, 200)
    assert [r.method for r in server.requests] == ["HEAD", "HEAD"]
    assert server.connections == 1  # the connection was whole, and kept


def test_304_with_a_content_length_is_returned_not_reported_as_cut() -> None:
    reply = http_response(304, b"", {"ETag": '"v1"'}, content_length=2048)
    with RawServer(answer_each([reply])) as server:
        resp = request(
            raw_session(server.url), "GET", "/files/file-1/content", extra_headers={"If-None-Match": '"v1"'}
        )
    assert (resp.status_code, resp.ok) == (304, False)
    assert server.requests[0].headers["if-none-match"] == '"v1"'


# ---------------------------------------------------------------------------
# Replacing a file


def test_download_over_an_existing_file_keeps_its_mode(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path
) -> None:
    file_id = files.create(session, file=("a.jsonl", CONTENT[:1000]), purpose="batch").data.id
    target = tmp_path / "secret.jsonl"
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    assert files.download(session, file_id, target).data == 1000
    assert target.read_bytes() == CONTENT[:1000]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_speech_over_an_existing_file_keeps_its_mode(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path
) -> None:
    target = tmp_path / "hello.mp3"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    size = audio.speech_to_file(session, target, input="Hello", model="gpt-4o-mini-tts", voice="alloy").data
    assert size == target.stat().st_size > 3
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


# ---------------------------------------------------------------------------
# Local arguments are checked before anything is sent


def bad_targets(tmp_path: Path) -> List[Any]:
    (tmp_path / "dir").mkdir()
    os.mkfifo(tmp_path / "fifo")
    return [
        ("", ValueError),
        (str(tmp_path / "dir"), IsADirectoryError),
        (str(tmp_path / "new") + os.sep, ValueError),
        (str(tmp_path / "missing" / "a.mp3"), FileNotFoundError),
        (str(tmp_path / "fifo"), ValueError),
        (b"/tmp/a.mp3", TypeError),
        (None, TypeError),
    ]


def test_speech_to_file_refuses_a_bad_path_before_sending(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path
) -> None:
    for target, error in bad_targets(tmp_path):
        with pytest.raises(error, match="path"):
            audio.speech_to_file(session, target, input="Hi", model="gpt-4o-mini-tts", voice="alloy")
    assert fake.requests == []


def test_download_refuses_a_bad_path_before_sending(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path
) -> None:
    for target, error in bad_targets(tmp_path):
        with pytest.raises(error, match="path"):
            files.download(session, "file-1", target)
    assert fake.requests == []


def test_closed_file_is_refused_before_sending(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path
) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"{}\n")
    with open(path, "rb") as stream:
        pass
    with pytest.raises(ValueError, match="file: the file is closed"):
        files.create(session, file=stream, purpose="batch")
    assert fake.requests == []


def test_text_that_is_not_unicode_is_refused_before_sending(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(ValueError, match="messages: .*not valid Unicode"):
        chat.create(session, model="gpt-4o", messages=[{"role": "user", "content": "bad \udcff byte"}])
    assert fake.requests == []


def test_upload_file_refuses_a_path_that_is_not_one_before_sending(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    from openai_lite import uploads

    with pytest.raises(TypeError, match="path must be a file path"):
        uploads.upload_file(session, None, purpose="batch")  # type: ignore[arg-type]
    assert fake.requests == []
