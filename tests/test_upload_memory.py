"""A 200 MB upload streams from disk: the client process grows by less than 16 MiB.

The client runs in a fresh subprocess so that its peak RSS (``ru_maxrss``) measures the
upload alone; the server is a raw-socket sink in this process that counts and hashes the
body and throws it away. The file is sparse, so the test costs no disk space.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, Iterator

import pytest
from rawserver import RawConnection, RawServer, http_response

SIZE = 200 * 1024 * 1024
LIMIT = 16 * 1024 * 1024

CLIENT = textwrap.dedent(
    """
    import json, resource, sys
    from openai_lite import OpenAISession, files

    url, path, how = sys.argv[1:4]
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB elsewhere
    session = OpenAISession(api_key="sk-sink", base_url=url, max_retries=0)
    files.create(session, file=("warm-up.jsonl", b"{}"), purpose="fine-tune")  # imports, pool
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    if how == "path":
        resp = files.create(session, file=path, purpose="fine-tune")
    elif how == "requests":  # the control: requests' own files= reads the file whole
        with open(path, "rb") as handle:
            raw = session.post(url + "/files", files={"file": handle}, data={"purpose": "fine-tune"})
        resp = type("Resp", (), {"status_code": raw.status_code, "data": type("D", (), raw.json())})
    else:
        with open(path, "rb") as handle:
            resp = files.create(session, file=handle, purpose="fine-tune")
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    print(json.dumps({"status": resp.status_code, "bytes": resp.data.bytes, "growth": after - before}))
    """
)


@pytest.fixture(scope="module")
def sink() -> Iterator[RawServer]:
    """Answers every upload with a file object whose ``bytes`` is the body's length."""

    def handler(conn: RawConnection) -> None:
        while True:
            request = conn.read_request(keep_body=False)
            if request is None:
                return
            declared = int(request.headers.get("content-length", "-1"))
            answer = {
                "id": "file-sink",
                "object": "file",
                "bytes": request.body_length if declared == request.body_length else -1,
                "created_at": 1,
                "filename": "upload",
                "purpose": "fine-tune",
                "status": "processed",
            }
            conn.send(http_response(200, json.dumps(answer), {"Content-Type": "application/json"}))

    with RawServer(handler) as server:
        yield server


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("upload") / "big.jsonl"
    with path.open("wb") as handle:
        handle.truncate(SIZE)
    return path


def upload_in_a_subprocess(sink: RawServer, path: Path, how: str) -> Dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", CLIENT, sink.url, str(path), how],
        check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    result: Dict[str, int] = json.loads(done.stdout)
    print(f"200 MB upload from {how}: peak RSS grew by {result['growth'] / 2**20:.1f} MiB")
    return result


@pytest.mark.skipif(sys.platform == "win32", reason="resource.getrusage is POSIX")
@pytest.mark.parametrize("how", ["path", "open file"])
def test_200_mb_upload_grows_memory_by_less_than_16_mib(sink: RawServer, big_file: Path, how: str) -> None:
    result = upload_in_a_subprocess(sink, big_file, how.split()[0])
    assert result["status"] == 200
    assert result["bytes"] > SIZE  # the whole multipart body arrived, as long as announced
    assert result["growth"] < LIMIT
    last = sink.requests[-1]
    assert not last.chunked and last.body_length == int(last.headers["content-length"])


@pytest.mark.skipif(sys.platform == "win32", reason="resource.getrusage is POSIX")
def test_the_measure_sees_requests_own_files_reading_the_whole_file(sink: RawServer, big_file: Path) -> None:
    result = upload_in_a_subprocess(sink, big_file, "requests")
    assert result["status"] == 200
    # requests holds the file (and at least part of a copy) in memory; far above LIMIT either way.
    assert result["growth"] > SIZE // 2
