"""The Containers API against FakeOpenAI: containers, and files written into them and read back.

The ``fake`` fixture checks every exchange with a built-in route against the OpenAPI document.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

from openai_lite import APIConnectionError, NotFoundError, OpenAISession, containers, files, paginate
from openai_lite.testing import FakeOpenAI, Reply, write_container_file

CHART = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 400  # about 100 KB, several blocks


class Recorder:
    """A progress callback that keeps its calls."""

    def __init__(self) -> None:
        self.calls: List[Tuple[int, Optional[int]]] = []

    def __call__(self, done: int, total: Optional[int]) -> None:
        self.calls.append((done, total))


@pytest.fixture
def container_id(fake: FakeOpenAI, session: OpenAISession) -> str:
    found = containers.create(session, name="analysis").data.id
    fake.requests.clear()
    return found


def test_create_retrieve_delete(fake: FakeOpenAI, session: OpenAISession) -> None:
    file_id = files.create(session, file=("data.csv", b"a,b\n1,2\n"), purpose="user_data").data.id

    created = containers.create(
        session,
        name="analysis",
        file_ids=[file_id],
        expires_after={"anchor": "last_active_at", "minutes": 30},
        memory_limit="4g",
        network_policy={"type": "allowlist", "allowed_domains": ["pypi.org"]},
    )

    assert (fake.last.method, fake.last.path) == ("POST", "/v1/containers")
    assert fake.last.json == {
        "name": "analysis",
        "file_ids": [file_id],
        "expires_after": {"anchor": "last_active_at", "minutes": 30},
        "memory_limit": "4g",
        "network_policy": {"type": "allowlist", "allowed_domains": ["pypi.org"]},
    }
    box = created.data
    assert isinstance(box, containers.Container) and box.id.startswith("cntr_")
    assert (box.name, box.status, box.memory_limit) == ("analysis", "running", "4g")
    assert box.expires_after == containers.ContainerExpiresAfter(anchor="last_active_at", minutes=30)
    assert box.network_policy == containers.NetworkPolicy(type="allowlist", allowed_domains=["pypi.org"])
    copied = containers.list_files(session, box.id).data.data
    assert [(f.path, f.bytes, f.source) for f in copied] == [("/mnt/data/data.csv", 8, "user")]

    got = containers.retrieve(session, box.id)
    assert (fake.last.method, fake.last.path, fake.last.body) == ("GET", f"/v1/containers/{box.id}", b"")
    assert got.data == box

    deleted = containers.delete(session, box.id)
    assert (fake.last.method, fake.last.path) == ("DELETE", f"/v1/containers/{box.id}")
    assert deleted.data == containers.ContainerDeleted(id=box.id, deleted=True, object="container.deleted")
    with pytest.raises(NotFoundError):
        containers.retrieve(session, box.id).data


def test_create_sends_only_the_name_by_default(fake: FakeOpenAI, session: OpenAISession) -> None:
    box = containers.create(session, name="scratch").data

    assert fake.last.json == {"name": "scratch"}
    assert (box.memory_limit, box.network_policy) == ("1g", None)
    assert box.expires_after == containers.ContainerExpiresAfter(anchor="last_active_at", minutes=20)


def test_list_pages_and_filters_by_name(fake: FakeOpenAI, session: OpenAISession) -> None:
    ids = [containers.create(session, name="job" if i % 2 else "other").data.id for i in range(6)]
    fake.requests.clear()

    found = [c.id for c in paginate(containers.list, session, limit=2, name="job")]

    assert found == [ids[5], ids[3], ids[1]]  # newest first
    assert [r.query for r in fake.requests] == [
        {"limit": ["2"], "name": ["job"]},
        {"limit": ["2"], "name": ["job"], "after": [ids[3]]},
    ]
    oldest = containers.list(session, order="asc", limit=1)
    assert fake.last.query == {"order": ["asc"], "limit": ["1"]}
    assert [c.id for c in oldest.data.data] == ids[:1] and oldest.data.has_more is True


def test_create_file_uploads_a_local_file(
    fake: FakeOpenAI, session: OpenAISession, container_id: str, tmp_path: Path
) -> None:
    path = tmp_path / "chart.png"
    path.write_bytes(CHART)
    progress = Recorder()

    resp = containers.create_file(session, container_id, file=path, progress=progress)

    sent = fake.last
    assert (sent.method, sent.path, sent.query) == ("POST", f"/v1/containers/{container_id}/files", {})
    assert sent.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert [(p.name, p.filename, p.content_type, p.data) for p in sent.parts] == [
        ("file", "chart.png", "image/png", CHART)
    ]
    file = resp.data
    assert file.id.startswith("cfile_") and (file.container_id, file.bytes) == (container_id, len(CHART))
    assert (file.path, file.source, file.object) == ("/mnt/data/chart.png", "user", "container.file")
    assert progress.calls[0] == (0, len(CHART)) and progress.calls[-1] == (len(CHART), len(CHART))


def test_create_file_copies_an_uploaded_file(
    fake: FakeOpenAI, session: OpenAISession, container_id: str
) -> None:
    file_id = files.create(session, file=("notes.txt", b"remember"), purpose="user_data").data.id

    resp = containers.create_file(session, container_id, file_id=file_id)

    assert (fake.last.method, fake.last.path) == ("POST", f"/v1/containers/{container_id}/files")
    assert fake.last.headers["Content-Type"] == "application/json" and fake.last.json == {"file_id": file_id}
    assert (resp.data.path, resp.data.bytes) == ("/mnt/data/notes.txt", 8)
    assert containers.file_content(session, container_id, resp.data.id).data == b"remember"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({}, "either file .* or file_id"),
        ({"file": b"x", "file_id": "file-1"}, "either file .* or file_id"),
        ({"file_id": "file-1", "progress": print}, "progress"),
        ({"file_id": ".."}, "file_id"),
        ({"file": "/no/such/file.txt"}, "file"),
    ],
)
def test_create_file_checks_its_arguments_first(
    fake: FakeOpenAI, session: OpenAISession, kwargs: Dict[str, Any], match: str
) -> None:
    with pytest.raises((ValueError, FileNotFoundError), match=match):
        containers.create_file(session, "cntr_1", **kwargs)
    assert fake.requests == []


def test_files_list_retrieve_delete(fake: FakeOpenAI, session: OpenAISession, container_id: str) -> None:
    ids = [
        containers.create_file(session, container_id, file=(f"f{i}.txt", b"%d" % i)).data.id for i in range(3)
    ]
    fake.requests.clear()

    found = [f.id for f in paginate(containers.list_files, session, container_id, limit=2, order="asc")]

    assert found == ids
    assert [r.query for r in fake.requests] == [
        {"limit": ["2"], "order": ["asc"]},
        {"limit": ["2"], "order": ["asc"], "after": [ids[1]]},
    ]
    assert all(r.path == f"/v1/containers/{container_id}/files" for r in fake.requests)

    got = containers.retrieve_file(session, container_id, ids[1])
    assert (fake.last.method, fake.last.path) == ("GET", f"/v1/containers/{container_id}/files/{ids[1]}")
    assert (got.data.id, got.data.path, got.data.bytes) == (ids[1], "/mnt/data/f1.txt", 1)

    deleted = containers.delete_file(session, container_id, ids[1])
    assert (fake.last.method, fake.last.path) == ("DELETE", f"/v1/containers/{container_id}/files/{ids[1]}")
    assert deleted.data == containers.ContainerFileDeleted(
        id=ids[1], deleted=True, object="container.file.deleted"
    )
    assert [f.id for f in containers.list_files(session, container_id).data.data] == [ids[2], ids[0]]


def test_file_content_into_memory(fake: FakeOpenAI, session: OpenAISession, container_id: str) -> None:
    written = write_container_file(fake, container_id, "chart.png", CHART)

    resp = containers.file_content(session, container_id, written["id"])

    assert resp.data == CHART
    assert (fake.last.method, fake.last.path, fake.last.body) == (
        "GET",
        f"/v1/containers/{container_id}/files/{written['id']}/content",
        b"",
    )
    listed = containers.list_files(session, container_id).data.data
    assert [(f.path, f.source) for f in listed] == [("/mnt/data/chart.png", "assistant")]


def test_file_content_streamed_to_a_path(
    fake: FakeOpenAI, session: OpenAISession, container_id: str, tmp_path: Path
) -> None:
    file_id = write_container_file(fake, container_id, "chart.png", CHART)["id"]
    target = tmp_path / "chart.png"
    target.write_bytes(b"an older chart")
    progress = Recorder()

    resp = containers.file_content(session, container_id, file_id, path=target, progress=progress)

    assert resp.status_code == 200 and resp.data == len(CHART)
    assert target.read_bytes() == CHART and os.listdir(tmp_path) == ["chart.png"]
    assert fake.last.path == f"/v1/containers/{container_id}/files/{file_id}/content"
    assert progress.calls[0] == (0, len(CHART)) and progress.calls[-1] == (len(CHART), len(CHART))


def test_a_cut_download_leaves_the_old_file(fake: FakeOpenAI, session: OpenAISession, tmp_path: Path) -> None:
    fake.enqueue(Reply(200, body=CHART, drop="mid_body", content_type="application/octet-stream"))
    target = tmp_path / "chart.png"
    target.write_bytes(b"an older chart")

    with pytest.raises(APIConnectionError):
        containers.file_content(session, "cntr_1", "cfile_1", path=str(target))

    assert target.read_bytes() == b"an older chart" and os.listdir(tmp_path) == ["chart.png"]


def test_a_missing_file_writes_nothing(
    fake: FakeOpenAI, session: OpenAISession, container_id: str, tmp_path: Path
) -> None:
    resp = containers.file_content(session, container_id, "cfile_missing", path=tmp_path / "out.bin")

    assert resp.status_code == 404 and resp.error is not None and resp.error.param == "file_id"
    with pytest.raises(NotFoundError):
        resp.data
    assert os.listdir(tmp_path) == []


def test_file_content_checks_its_arguments_first(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path
) -> None:
    with pytest.raises(FileNotFoundError, match="path"):
        containers.file_content(session, "cntr_1", "cfile_1", path=tmp_path / "missing" / "out.bin")
    with pytest.raises(ValueError, match="progress"):
        containers.file_content(session, "cntr_1", "cfile_1", progress=print)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="progress"):
        containers.file_content(session, "cntr_1", "cfile_1", path=tmp_path / "o", progress=3)  # type: ignore
    assert fake.requests == []


CALLS: Dict[str, Callable[..., Any]] = {
    "retrieve": lambda s, a, b: containers.retrieve(s, a),
    "delete": lambda s, a, b: containers.delete(s, a),
    "create_file": lambda s, a, b: containers.create_file(s, a, file_id="file-1"),
    "list_files": lambda s, a, b: containers.list_files(s, a),
    "retrieve_file": lambda s, a, b: containers.retrieve_file(s, a, b),
    "delete_file": lambda s, a, b: containers.delete_file(s, a, b),
    "file_content": lambda s, a, b: containers.file_content(s, a, b),
}


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("bad", ["", "..", None, 7])
def test_bad_ids_are_refused_before_sending(
    fake: FakeOpenAI, session: OpenAISession, name: str, bad: Any
) -> None:
    call = CALLS[name]
    with pytest.raises(ValueError, match="container_id"):
        call(session, bad, "cfile_1")
    if name in ("retrieve_file", "delete_file", "file_content"):
        with pytest.raises(ValueError, match="file_id"):
            call(session, "cntr_1", bad)
    assert fake.requests == []


def test_ids_are_one_encoded_path_segment(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = containers.file_content(session, "cntr_1/files", "cfile_1#x")

    assert fake.last.path == "/v1/containers/cntr_1%2Ffiles/files/cfile_1%23x/content"
    assert resp.status_code == 404 and resp.error is not None and resp.error.param == "container_id"
