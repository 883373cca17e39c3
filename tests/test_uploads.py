"""The Uploads API and the upload_file helper, against FakeOpenAI over real HTTP."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from openai_lite import BadRequestError, NotFoundError, OpenAISession, uploads
from openai_lite.testing import FakeOpenAI, RecordedRequest, error_reply

PART_PATH = "/uploads/{upload_id}/parts"


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "train.jsonl"
    path.write_bytes(os.urandom(10_000))
    return path


def part_requests(fake: FakeOpenAI) -> List[RecordedRequest]:
    return [r for r in fake.requests if r.route_path.endswith("/parts")]


def test_upload_file_sends_slices_in_order_with_md5(
    fake: FakeOpenAI, session: OpenAISession, data_file: Path
) -> None:
    content = data_file.read_bytes()

    resp = uploads.upload_file(session, data_file, purpose="fine-tune", part_size=4096)

    assert resp.status_code == 200
    upload = resp.data
    assert (upload.status, upload.bytes, upload.filename, upload.purpose) == (
        "completed",
        10_000,
        "train.jsonl",
        "fine-tune",
    )
    assert upload.file is not None and upload.file.bytes == 10_000
    assert fake.file_contents[upload.file.id] == content

    created = fake.requests[0]
    assert (created.method, created.path) == ("POST", "/v1/uploads")
    assert created.headers["Authorization"] == "Bearer " + fake.api_key
    assert created.headers["Content-Type"] == "application/json"
    assert created.json == {
        "bytes": 10_000,
        "filename": "train.jsonl",
        "mime_type": "text/jsonl",
        "purpose": "fine-tune",
    }
    parts = part_requests(fake)
    assert [r.path for r in parts] == [f"/v1/uploads/{upload.id}/parts"] * 3
    slices = [content[0:4096], content[4096:8192], content[8192:]]
    for sent, expected in zip(parts, slices):
        assert sent.headers["Content-Type"].startswith("multipart/form-data; boundary=")
        assert int(sent.headers["Content-Length"]) == len(sent.body) and not sent.chunked
        assert [(p.name, p.filename, p.content_type) for p in sent.parts] == [
            ("data", "train.jsonl", "application/octet-stream")
        ]
        assert sent.parts[0].data == expected
    part_ids = [json.loads(r.reply_body)["id"] for r in parts]
    completed = fake.requests[-1]
    assert (completed.method, completed.path) == ("POST", f"/v1/uploads/{upload.id}/complete")
    assert completed.json == {"part_ids": part_ids, "md5": hashlib.md5(content).hexdigest()}
    assert len(fake.requests) == 5


def test_upload_file_with_an_exact_multiple_and_options(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path
) -> None:
    path = tmp_path / "pics.bin"
    path.write_bytes(b"a" * 2048 + b"b" * 2048)

    resp = uploads.upload_file(
        session,
        str(path),
        purpose="vision",
        mime_type="image/png",
        filename="pic.png",
        part_size=2048,
        expires_after={"anchor": "created_at", "seconds": 3600},
        extra_headers={"X-Trace": "1"},
    )

    assert resp.data.file is not None and resp.data.file.filename == "pic.png"
    assert fake.requests[0].json == {
        "bytes": 4096,
        "filename": "pic.png",
        "mime_type": "image/png",
        "purpose": "vision",
        "expires_after": {"anchor": "created_at", "seconds": 3600},
    }
    assert [p.parts[0].data for p in part_requests(fake)] == [b"a" * 2048, b"b" * 2048]
    assert all(r.headers["X-Trace"] == "1" for r in fake.requests)


def test_a_retried_part_is_hashed_once(fake: FakeOpenAI, session: OpenAISession, data_file: Path) -> None:
    fake.enqueue(error_reply(500, "Try again.", type="server_error"), path=PART_PATH)

    resp = uploads.upload_file(session, data_file, purpose="fine-tune", part_size=4096)

    assert resp.status_code == 200
    parts = part_requests(fake)
    assert [r.reply_status for r in parts] == [500, 200, 200, 200]
    assert parts[0].parts[0].data == parts[1].parts[0].data
    assert fake.requests[-1].json["md5"] == hashlib.md5(data_file.read_bytes()).hexdigest()


def test_a_failed_part_cancels_the_upload(fake: FakeOpenAI, session: OpenAISession, data_file: Path) -> None:
    fake.enqueue(error_reply(400, "Bad part.", param="data"), path=PART_PATH)

    resp = uploads.upload_file(session, data_file, purpose="fine-tune", part_size=4096)

    assert resp.status_code == 400 and not resp.ok
    assert resp.error is not None and resp.error.param == "data"
    with pytest.raises(BadRequestError):
        resp.data
    upload_id = json.loads(fake.requests[0].reply_body)["id"]
    assert [(r.method, r.route_path) for r in fake.requests[1:]] == [
        ("POST", f"/uploads/{upload_id}/parts"),
        ("POST", f"/uploads/{upload_id}/cancel"),
    ]
    assert json.loads(fake.last.reply_body)["status"] == "cancelled"


def test_a_failed_creation_sends_no_part(fake: FakeOpenAI, session: OpenAISession, data_file: Path) -> None:
    fake.enqueue(error_reply(400, "Unsupported mime type.", param="mime_type"))

    resp = uploads.upload_file(session, data_file, purpose="fine-tune", mime_type="x/y")

    assert resp.status_code == 400 and resp.error is not None and resp.error.param == "mime_type"
    assert len(fake.requests) == 1


def test_bad_arguments_send_nothing(fake: FakeOpenAI, session: OpenAISession, data_file: Path) -> None:
    with pytest.raises(FileNotFoundError, match="path"):
        uploads.upload_file(session, data_file.with_name("missing.jsonl"), purpose="fine-tune")
    for size in (0, -1, uploads.PART_SIZE + 1, True, 1.5):
        with pytest.raises(ValueError, match="part_size"):
            uploads.upload_file(session, data_file, purpose="fine-tune", part_size=size)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="part_ids"):
        uploads.complete(session, "upload_1", part_ids="part_1")
    with pytest.raises(ValueError, match="upload_id"):
        uploads.cancel(session, "")
    assert fake.requests == []


def test_the_single_steps(fake: FakeOpenAI, session: OpenAISession) -> None:
    created = uploads.create(session, bytes=6, filename="a.txt", mime_type="text/plain", purpose="assistants")
    upload_id = created.data.id
    assert (created.data.status, created.data.object) == ("pending", "upload")
    assert isinstance(created.data.expires_at, int)

    second = uploads.add_part(session, upload_id, data=("b.txt", b"def"))
    first = uploads.add_part(session, upload_id, data=b"abc")
    assert (first.data.object, first.data.upload_id) == ("upload.part", upload_id)
    assert [p.data for p in fake.last.parts] == [b"abc"]

    done = uploads.complete(session, upload_id, part_ids=(first.data.id, second.data.id))

    assert fake.last.json == {"part_ids": [first.data.id, second.data.id]}
    assert done.data.file is not None
    assert fake.file_contents[done.data.file.id] == b"abcdef"
    late = uploads.add_part(session, upload_id, data=b"x")
    assert late.status_code == 400
    with pytest.raises(BadRequestError):
        late.data


def test_cancel_and_unknown_upload(fake: FakeOpenAI, session: OpenAISession) -> None:
    upload_id = uploads.create(
        session, bytes=1, filename="a.txt", mime_type="text/plain", purpose="assistants"
    ).data.id

    cancelled = uploads.cancel(session, upload_id)

    assert cancelled.data.status == "cancelled"
    assert (fake.last.method, fake.last.path, fake.last.body) == (
        "POST",
        f"/v1/uploads/{upload_id}/cancel",
        b"",
    )
    missing = uploads.cancel(session, "upload/../x")
    assert missing.status_code == 404 and fake.last.path == "/v1/uploads/upload%2F..%2Fx/cancel"
    with pytest.raises(NotFoundError):
        missing.data


def test_a_wrong_md5_is_refused(fake: FakeOpenAI, session: OpenAISession) -> None:
    upload_id = uploads.create(
        session, bytes=3, filename="a.txt", mime_type="text/plain", purpose="assistants"
    ).data.id
    part = uploads.add_part(session, upload_id, data=b"abc").data.id

    resp = uploads.complete(session, upload_id, part_ids=[part], md5="0" * 32)

    assert resp.status_code == 400 and resp.error is not None and resp.error.param == "md5"


_CHILD = """
import json, resource, sys, tracemalloc
from openai_lite import OpenAISession, files, uploads
url, key, path, part_size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
session = OpenAISession(api_key=key, base_url=url)
files.list(session)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
resp = uploads.upload_file(session, path, purpose="fine-tune", part_size=part_size)
peak = tracemalloc.get_traced_memory()[1]
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"status": resp.status_code, "file_id": resp.data.file.id, "peak": peak, "rss_kib": grown}))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="resource is POSIX only")
def test_memory_does_not_grow_with_the_file(fake: FakeOpenAI, tmp_path: Path) -> None:
    """Upload a sparse file from a child process, and measure that process's memory.

    OPENAI_LITE_BIG_UPLOAD=1 uses 50 MB in 8 MiB parts; the default is 16 MB in 4 MiB parts.
    """
    big = os.environ.get("OPENAI_LITE_BIG_UPLOAD") == "1"
    size, part_size = (50_000_000, 8 * 1024 * 1024) if big else (16_000_000, 4 * 1024 * 1024)
    path = tmp_path / "sparse.jsonl"
    with open(path, "wb") as f:
        f.truncate(size)
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}

    out = subprocess.run(
        [sys.executable, "-c", _CHILD, fake.url, fake.api_key, str(path), str(part_size)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )

    result = json.loads(out.stdout)
    assert result["status"] == 200
    assert fake.file_contents[result["file_id"]] == b"\0" * size
    assert len(part_requests(fake)) == -(-size // part_size)
    # Python objects: a few blocks of the body at a time, never a part, let alone the file.
    assert result["peak"] < 2 * 1024 * 1024, result
    assert result["rss_kib"] < 16 * 1024, result
