"""The Vector Stores API against FakeOpenAI: stores, their files, file batches, search and polling.

The ``fake`` fixture checks every exchange with a built-in route against the OpenAPI document.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

from openai_lite import APITimeoutError, BadRequestError, NotFoundError, OpenAISession, files, paginate
from openai_lite import vector_stores as vs
from openai_lite.testing import (
    ApiError,
    FakeOpenAI,
    RecordedRequest,
    Reply,
    error_reply,
    finish_vector_store_files,
    json_reply,
    vector_store_settings,
)
from openai_lite.testing._routes_files import upload_file

CATS = b"Cats purr when they are content.\n\nA cat sleeps sixteen hours a day."
DOGS = b"Dogs bark at the mail carrier.\n\nA dog digs holes in the garden."

Calls = List[Tuple[int, Optional[int]]]


class Recorder:
    """A progress callback that keeps its calls."""

    def __init__(self) -> None:
        self.calls: Calls = []

    def __call__(self, done: int, total: Optional[int]) -> None:
        self.calls.append((done, total))


def sent(fake: FakeOpenAI) -> List[Tuple[str, str]]:
    return [(r.method, r.path) for r in fake.requests]


def _reply_id(request: RecordedRequest) -> str:
    found: str = json.loads(request.reply_body)["id"]
    return found


def upload(session: OpenAISession, name: str, content: bytes) -> str:
    return files.create(session, file=(name, content), purpose="assistants").data.id


@pytest.fixture
def store_id(fake: FakeOpenAI, session: OpenAISession) -> str:
    store = vs.create(session, name="Support FAQ").data.id
    fake.requests.clear()
    return store


# -- stores ------------------------------------------------------------------


def test_store_create_retrieve_update_delete(fake: FakeOpenAI, session: OpenAISession) -> None:
    file_id = upload(session, "cats.txt", CATS)
    vector_store_settings(fake).processing_polls = 0

    created = vs.create(
        session,
        name="Support FAQ",
        file_ids=[file_id],
        description="Answers for the help desk",
        expires_after={"anchor": "last_active_at", "days": 7},
        chunking_strategy={"type": "auto"},
        metadata={"team": "support"},
    )

    store = created.data
    assert (fake.last.method, fake.last.path) == ("POST", "/v1/vector_stores")
    assert fake.last.json == {
        "name": "Support FAQ",
        "file_ids": [file_id],
        "description": "Answers for the help desk",
        "expires_after": {"anchor": "last_active_at", "days": 7},
        "chunking_strategy": {"type": "auto"},
        "metadata": {"team": "support"},
    }
    assert isinstance(store, vs.VectorStore) and store.id.startswith("vs_")
    assert (store.name, store.status, store.metadata) == ("Support FAQ", "completed", {"team": "support"})
    assert store.file_counts == vs.FileCounts(in_progress=0, completed=1, failed=0, cancelled=0, total=1)
    assert store.usage_bytes == len(CATS)
    assert store.expires_after == vs.VectorStoreExpiresAfter(anchor="last_active_at", days=7)
    assert store.created_at is not None and store.expires_at == store.created_at + 7 * 86400

    got = vs.retrieve(session, store.id)
    assert (fake.last.method, fake.last.path, fake.last.body) == ("GET", f"/v1/vector_stores/{store.id}", b"")
    assert got.data.id == store.id and got.data.name == "Support FAQ"

    updated = vs.update(session, store.id, name="FAQ", metadata={"team": "sales"})
    assert (fake.last.method, fake.last.path) == ("POST", f"/v1/vector_stores/{store.id}")
    assert fake.last.json == {"name": "FAQ", "metadata": {"team": "sales"}}
    assert (updated.data.name, updated.data.metadata) == ("FAQ", {"team": "sales"})

    deleted = vs.delete(session, store.id)
    assert (fake.last.method, fake.last.path) == ("DELETE", f"/v1/vector_stores/{store.id}")
    assert deleted.data == vs.VectorStoreDeleted(id=store.id, deleted=True, object="vector_store.deleted")
    assert files.retrieve(session, file_id).data.id == file_id  # the File is kept
    with pytest.raises(NotFoundError):
        vs.retrieve(session, store.id).data


def test_list_pages_through_every_store(fake: FakeOpenAI, session: OpenAISession) -> None:
    ids = [vs.create(session, name=f"store {i}").data.id for i in range(5)]
    fake.requests.clear()

    found = [s.id for s in paginate(vs.list, session, limit=2, order="asc")]

    assert found == ids
    assert [r.query for r in fake.requests] == [
        {"limit": ["2"], "order": ["asc"]},
        {"limit": ["2"], "order": ["asc"], "after": [ids[1]]},
        {"limit": ["2"], "order": ["asc"], "after": [ids[3]]},
    ]
    assert all(r.path == "/v1/vector_stores" for r in fake.requests)

    newest_first = vs.list(session, before=ids[1])
    assert fake.last.query == {"before": [ids[1]]}
    assert [s.id for s in newest_first.data.data] == ids[:1:-1]
    assert newest_first.data.has_more is False and newest_first.data.first_id == ids[4]


def test_unknown_files_are_refused_and_nothing_is_kept(fake: FakeOpenAI, session: OpenAISession) -> None:
    file_id = upload(session, "cats.txt", CATS)

    refused = vs.create(session, name="x", file_ids=[file_id, "file-missing"])

    assert refused.status_code == 400 and refused.error is not None and refused.error.param == "file_ids"
    assert vs.list(session).data.data == []
    store_id = vs.create(session, name="y").data.id
    batch = vs.create_file_batch(session, store_id, file_ids=[file_id, "file-missing"])
    assert batch.status_code == 400 and vs.list_files(session, store_id).data.data == []
    static = {"type": "static", "static": {"max_chunk_size_tokens": 200, "chunk_overlap_tokens": 150}}
    overlapping = vs.create_file(session, store_id, file_id=file_id, chunking_strategy=static)
    assert overlapping.status_code == 400 and overlapping.error is not None
    assert overlapping.error.param == "chunking_strategy"


def test_search_ranks_the_chunks_by_the_query_words(
    fake: FakeOpenAI, session: OpenAISession, store_id: str
) -> None:
    cats = upload(session, "cats.txt", CATS)
    dogs = upload(session, "dogs.txt", DOGS)
    vs.create_file(session, store_id, file_id=cats, attributes={"animal": "cat", "legs": 4})
    vs.create_file(session, store_id, file_id=dogs, attributes={"animal": "dog", "legs": 4})
    finish_vector_store_files(fake, store_id)

    resp = vs.search(session, store_id, query="Where does a dog dig holes?", max_num_results=5)

    assert (fake.last.method, fake.last.path) == ("POST", f"/v1/vector_stores/{store_id}/search")
    assert fake.last.json == {"query": "Where does a dog dig holes?", "max_num_results": 5}
    page = resp.data
    assert page.search_query == ["Where does a dog dig holes?"]
    assert [r.file_id for r in page.data] == [dogs, cats]  # "a" is in both; "dog", "holes" only in one
    best = page.data[0]
    assert (best.filename, best.attributes) == ("dogs.txt", {"animal": "dog", "legs": 4})
    assert best.content == [vs.ContentPart(type="text", text="A dog digs holes in the garden.")]
    assert best.score is not None and page.data[1].score is not None and best.score > page.data[1].score

    only_cats = vs.search(
        session,
        store_id,
        query=["cat", "dog"],
        filters={"type": "and", "filters": [{"type": "eq", "key": "animal", "value": "cat"}]},
        ranking_options={"score_threshold": 0.1},
        rewrite_query=False,
    )
    assert fake.last.json == {
        "query": ["cat", "dog"],
        "filters": {"type": "and", "filters": [{"type": "eq", "key": "animal", "value": "cat"}]},
        "ranking_options": {"score_threshold": 0.1},
        "rewrite_query": False,
    }
    assert [r.file_id for r in only_cats.data.data] == [cats]

    nothing = vs.search(session, store_id, query="zebra")
    assert nothing.data.data == [] and nothing.data.has_more is False


def test_search_refuses_a_query_that_is_not_text(session: OpenAISession, fake: FakeOpenAI) -> None:
    with pytest.raises(TypeError, match="query"):
        vs.search(session, "vs_1", query=[1, 2])  # type: ignore[list-item]
    assert fake.requests == []


# -- files -------------------------------------------------------------------


def test_a_file_is_in_progress_until_looked_at_enough(
    fake: FakeOpenAI, session: OpenAISession, store_id: str
) -> None:
    settings = vector_store_settings(fake)
    settings.processing_polls, settings.poll_after_ms = 2, 250
    file_id = upload(session, "cats.txt", CATS)

    created = vs.create_file(
        session,
        store_id,
        file_id=file_id,
        attributes={"year": 2024, "public": True},
        chunking_strategy={
            "type": "static",
            "static": {"max_chunk_size_tokens": 400, "chunk_overlap_tokens": 100},
        },
    )

    assert (fake.last.method, fake.last.path) == ("POST", f"/v1/vector_stores/{store_id}/files")
    assert fake.last.json == {
        "file_id": file_id,
        "attributes": {"year": 2024, "public": True},
        "chunking_strategy": {
            "type": "static",
            "static": {"max_chunk_size_tokens": 400, "chunk_overlap_tokens": 100},
        },
    }
    assert created.headers["openai-poll-after-ms"] == "250"
    file = created.data
    assert (file.id, file.status, file.vector_store_id, file.last_error) == (
        file_id,
        "in_progress",
        store_id,
        None,
    )
    assert file.attributes == {"year": 2024, "public": True}
    assert file.chunking_strategy == vs.ChunkingStrategy(
        type="static", static=vs.StaticChunking(max_chunk_size_tokens=400, chunk_overlap_tokens=100)
    )
    assert vs.retrieve(session, store_id).data.status == "in_progress"  # the first look

    looked = vs.retrieve_file(session, store_id, file_id)

    assert (fake.last.method, fake.last.path) == ("GET", f"/v1/vector_stores/{store_id}/files/{file_id}")
    assert looked.data.status == "completed" and looked.data.usage_bytes == len(CATS)
    store = vs.retrieve(session, store_id).data
    assert store.status == "completed" and store.file_counts is not None
    assert (store.file_counts.completed, store.file_counts.in_progress, store.file_counts.total) == (1, 0, 1)


def test_update_file_replaces_or_clears_the_attributes(
    fake: FakeOpenAI, session: OpenAISession, store_id: str
) -> None:
    file_id = upload(session, "cats.txt", CATS)
    vs.create_file(session, store_id, file_id=file_id, attributes={"animal": "cat"})

    updated = vs.update_file(session, store_id, file_id, attributes={"animal": "lion", "wild": True})

    assert (fake.last.method, fake.last.path) == ("POST", f"/v1/vector_stores/{store_id}/files/{file_id}")
    assert fake.last.json == {"attributes": {"animal": "lion", "wild": True}}
    assert updated.data.attributes == {"animal": "lion", "wild": True}

    cleared = vs.update_file(session, store_id, file_id, attributes=None)

    assert fake.last.json == {"attributes": None}
    assert cleared.data.attributes == {}


def test_delete_file_keeps_the_file(fake: FakeOpenAI, session: OpenAISession, store_id: str) -> None:
    file_id = upload(session, "cats.txt", CATS)
    vs.create_file(session, store_id, file_id=file_id)

    deleted = vs.delete_file(session, store_id, file_id)

    assert (fake.last.method, fake.last.path) == ("DELETE", f"/v1/vector_stores/{store_id}/files/{file_id}")
    assert deleted.data == vs.VectorStoreFileDeleted(
        id=file_id, deleted=True, object="vector_store.file.deleted"
    )
    assert vs.list_files(session, store_id).data.data == []
    assert files.retrieve(session, file_id).status_code == 200
    assert vs.retrieve_file(session, store_id, file_id).status_code == 404


def test_list_files_filters_and_pages(fake: FakeOpenAI, session: OpenAISession, store_id: str) -> None:
    vector_store_settings(fake).processing_polls = 0
    done = [upload(session, f"doc{i}.txt", b"text %d" % i) for i in range(3)]
    for file_id in done:
        vs.create_file(session, store_id, file_id=file_id)
    vector_store_settings(fake).processing_polls = 5
    pending = upload(session, "late.txt", b"later")
    vs.create_file(session, store_id, file_id=pending)
    fake.requests.clear()

    found = [f.id for f in paginate(vs.list_files, session, store_id, limit=2, filter="completed")]

    assert found == done[::-1]  # newest first
    assert [r.query for r in fake.requests] == [
        {"limit": ["2"], "filter": ["completed"]},
        {"limit": ["2"], "filter": ["completed"], "after": [done[1]]},
    ]
    assert all(r.path == f"/v1/vector_stores/{store_id}/files" for r in fake.requests)
    in_progress = vs.list_files(session, store_id, filter="in_progress", order="asc")
    assert [f.id for f in in_progress.data.data] == [pending]
    assert fake.last.query == {"filter": ["in_progress"], "order": ["asc"]}


def test_file_content_is_the_parsed_text(fake: FakeOpenAI, session: OpenAISession, store_id: str) -> None:
    file_id = upload(session, "dogs.txt", DOGS)
    vs.create_file(session, store_id, file_id=file_id)
    finish_vector_store_files(fake)

    resp = vs.file_content(session, store_id, file_id)

    assert (fake.last.method, fake.last.path) == (
        "GET",
        f"/v1/vector_stores/{store_id}/files/{file_id}/content",
    )
    assert [part.text for part in resp.data.data] == [
        "Dogs bark at the mail carrier.",
        "A dog digs holes in the garden.",
    ]
    assert resp.data.has_more is False and resp.data.next_page is None


# -- file batches --------------------------------------------------------------


def test_file_batch_create_retrieve_list_cancel(
    fake: FakeOpenAI, session: OpenAISession, store_id: str
) -> None:
    vector_store_settings(fake).processing_polls = 3
    ids = [upload(session, f"doc{i}.txt", b"text %d" % i) for i in range(3)]

    created = vs.create_file_batch(session, store_id, file_ids=ids, attributes={"source": "wiki"})

    assert (fake.last.method, fake.last.path) == ("POST", f"/v1/vector_stores/{store_id}/file_batches")
    assert fake.last.json == {"file_ids": ids, "attributes": {"source": "wiki"}}
    batch = created.data
    assert batch.id.startswith("vsfb_") and (batch.vector_store_id, batch.status) == (store_id, "in_progress")
    assert batch.file_counts == vs.FileCounts(in_progress=3, completed=0, failed=0, cancelled=0, total=3)
    assert created.headers["openai-poll-after-ms"] == "5"

    looked = vs.retrieve_file_batch(session, store_id, batch.id)
    path = f"/v1/vector_stores/{store_id}/file_batches/{batch.id}"
    assert (fake.last.method, fake.last.path) == ("GET", path)
    assert looked.data.status == "in_progress"

    listed = [
        f for f in paginate(vs.list_file_batch_files, session, store_id, batch.id, limit=2, order="asc")
    ]
    assert [f.id for f in listed] == ids
    assert all(f.attributes == {"source": "wiki"} for f in listed)
    assert fake.last.path == path + "/files"
    assert fake.last.query == {"limit": ["2"], "order": ["asc"], "after": [ids[1]]}

    cancelled = vs.cancel_file_batch(session, store_id, batch.id)
    assert (fake.last.method, fake.last.path, fake.last.body) == ("POST", path + "/cancel", b"")
    assert cancelled.data.status == "cancelled"
    assert cancelled.data.file_counts == vs.FileCounts(
        in_progress=0, completed=0, failed=0, cancelled=3, total=3
    )
    again = vs.cancel_file_batch(session, store_id, batch.id)
    with pytest.raises(BadRequestError):
        again.data


def test_file_batch_with_one_object_per_file(fake: FakeOpenAI, session: OpenAISession, store_id: str) -> None:
    a, b = upload(session, "a.txt", b"alpha"), upload(session, "b.txt", b"beta")

    vs.create_file_batch(
        session,
        store_id,
        files=[{"file_id": a, "attributes": {"n": 1}}, {"file_id": b, "chunking_strategy": {"type": "auto"}}],
    )

    assert fake.last.json == {
        "files": [
            {"file_id": a, "attributes": {"n": 1}},
            {"file_id": b, "chunking_strategy": {"type": "auto"}},
        ]
    }
    attributes = {f.id: f.attributes for f in vs.list_files(session, store_id).data.data}
    assert attributes == {a: {"n": 1}, b: {}}


def test_file_batch_takes_file_ids_or_files(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(ValueError, match="file_ids or files"):
        vs.create_file_batch(session, "vs_1")
    with pytest.raises(ValueError, match="file_ids or files"):
        vs.create_file_batch(session, "vs_1", file_ids=["file-1"], files=[{"file_id": "file-2"}])
    with pytest.raises(TypeError, match="file_ids"):
        vs.create_file_batch(session, "vs_1", file_ids="file-1")
    with pytest.raises(TypeError, match="files"):
        vs.create_file_batch(session, "vs_1", files=["file-1"])  # type: ignore[list-item]
    assert fake.requests == []


# -- ids -----------------------------------------------------------------------

CALLS: Dict[str, Callable[..., Any]] = {
    "retrieve": lambda s, a, b: vs.retrieve(s, a),
    "update": lambda s, a, b: vs.update(s, a, name="x"),
    "delete": lambda s, a, b: vs.delete(s, a),
    "search": lambda s, a, b: vs.search(s, a, query="x"),
    "create_file": lambda s, a, b: vs.create_file(s, a, file_id="file-1"),
    "retrieve_file": lambda s, a, b: vs.retrieve_file(s, a, b),
    "update_file": lambda s, a, b: vs.update_file(s, a, b, attributes=None),
    "delete_file": lambda s, a, b: vs.delete_file(s, a, b),
    "list_files": lambda s, a, b: vs.list_files(s, a),
    "file_content": lambda s, a, b: vs.file_content(s, a, b),
    "create_file_batch": lambda s, a, b: vs.create_file_batch(s, a, file_ids=["file-1"]),
    "retrieve_file_batch": lambda s, a, b: vs.retrieve_file_batch(s, a, b),
    "cancel_file_batch": lambda s, a, b: vs.cancel_file_batch(s, a, b),
    "list_file_batch_files": lambda s, a, b: vs.list_file_batch_files(s, a, b),
    "create_file_and_poll": lambda s, a, b: vs.create_file_and_poll(s, a, file_id=b),
    "upload_and_poll": lambda s, a, b: vs.upload_and_poll(s, a, files=[b"x"]),
}


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("bad", ["", "..", None, 7])
def test_bad_ids_are_refused_before_sending(
    fake: FakeOpenAI, session: OpenAISession, name: str, bad: Any
) -> None:
    call = CALLS[name]
    with pytest.raises(ValueError, match="vector_store_id"):
        call(session, bad, "x-1")
    if name in ("retrieve_file", "update_file", "delete_file", "file_content", "create_file_and_poll"):
        with pytest.raises(ValueError, match="file_id"):
            call(session, "vs_1", bad)
    elif "batch" in name and name != "create_file_batch":
        with pytest.raises(ValueError, match="batch_id"):
            call(session, "vs_1", bad)
    assert fake.requests == []


def test_ids_are_one_encoded_path_segment(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = vs.retrieve_file(session, "vs_1/files", "file-1?x=1")

    assert fake.last.path == "/v1/vector_stores/vs_1%2Ffiles/files/file-1%3Fx%3D1" and fake.last.query == {}
    assert resp.status_code == 404 and resp.error is not None and resp.error.param == "vector_store_id"


# -- waiting for the processing ----------------------------------------------------


def test_upload_and_poll_uploads_attaches_and_waits(
    fake: FakeOpenAI, session: OpenAISession, store_id: str, tmp_path: Path
) -> None:
    settings = vector_store_settings(fake)
    settings.processing_polls, settings.poll_after_ms = 3, 1
    path = tmp_path / "cats.txt"
    path.write_bytes(CATS)
    progress, upload_progress = Recorder(), Recorder()

    resp = vs.upload_and_poll(
        session,
        store_id,
        files=[path, ("dogs.md", DOGS), ("empty.txt", b"")],
        attributes={"lang": "en"},
        progress=progress,
        upload_progress=upload_progress,
        poll_interval=60,
    )

    batch = resp.data
    assert batch.status == "completed"
    assert batch.file_counts == vs.FileCounts(in_progress=0, completed=2, failed=1, cancelled=0, total=3)
    uploads, attach, looks = fake.requests[:3], fake.requests[3], fake.requests[4:]
    assert [(r.method, r.path) for r in uploads] == [("POST", "/v1/files")] * 3
    assert [(p.name, p.filename, p.data) for p in uploads[1].parts] == [
        ("file", "dogs.md", DOGS),
        ("purpose", None, b"assistants"),
    ]
    assert uploads[0].files["file"].filename == "cats.txt" and uploads[0].files["file"].data == CATS
    file_ids = [_reply_id(r) for r in uploads]
    assert (attach.method, attach.path) == ("POST", f"/v1/vector_stores/{store_id}/file_batches")
    assert attach.json == {"file_ids": file_ids, "attributes": {"lang": "en"}}
    assert [(r.method, r.path) for r in looks] == [
        ("GET", f"/v1/vector_stores/{store_id}/file_batches/{batch.id}")
    ] * 3
    assert progress.calls == [(0, 3), (0, 3), (0, 3), (3, 3)]
    total = len(CATS) + len(DOGS)
    assert upload_progress.calls[0] == (0, total) and upload_progress.calls[-1] == (total, total)
    assert (len(CATS), total) in upload_progress.calls
    assert all(a[0] <= b[0] for a, b in zip(upload_progress.calls, upload_progress.calls[1:]))
    statuses = {f.id: f.status for f in vs.list_files(session, store_id).data.data}
    assert statuses == dict(zip(file_ids, ["completed", "completed", "failed"]))
    failed = vs.retrieve_file(session, store_id, file_ids[2]).data
    assert failed.last_error is not None and failed.last_error.code == "invalid_file"


def test_upload_and_poll_honours_the_poll_after_header(
    fake: FakeOpenAI, session: OpenAISession, store_id: str
) -> None:
    """The server asks for 1 ms; waiting the hour of poll_interval instead would miss the deadline."""
    settings = vector_store_settings(fake)
    settings.processing_polls, settings.poll_after_ms = 2, 1

    resp = vs.upload_and_poll(
        session, store_id, files=[("a.txt", b"alpha")], poll_interval=3600, poll_timeout=600
    )

    assert resp.data.status == "completed"
    assert sent(fake)[-2:] == [("GET", f"/v1/vector_stores/{store_id}/file_batches/{resp.data.id}")] * 2


def test_a_wait_past_the_deadline_is_not_slept(
    fake: FakeOpenAI, session: OpenAISession, store_id: str
) -> None:
    """The server asks for a minute, the timeout is 30 s: give up at once, without a look."""
    settings = vector_store_settings(fake)
    settings.processing_polls, settings.poll_after_ms = 2, 60_000

    with pytest.raises(APITimeoutError, match=r"30 s: file batch vsfb_\w+ \(1 of 1 files in progress\)"):
        vs.upload_and_poll(session, store_id, files=[("a.txt", b"alpha")], poll_interval=0, poll_timeout=30)

    assert [m for m, _ in sent(fake)] == ["POST", "POST"]  # the upload and the batch, no look
    assert vs.list_files(session, store_id).data.data[0].status == "in_progress"  # still attached


def test_the_poll_timeout_raises(fake: FakeOpenAI, session: OpenAISession, store_id: str) -> None:
    settings = vector_store_settings(fake)
    settings.processing_polls, settings.poll_after_ms = 1_000_000, 1
    progress = Recorder()

    with pytest.raises(APITimeoutError, match="file batch"):
        vs.upload_and_poll(
            session, store_id, files=[("a.txt", b"alpha")], poll_timeout=0.2, progress=progress
        )

    looks = [r for r in fake.requests if r.method == "GET"]
    assert looks and all("/file_batches/" in r.path for r in looks)
    assert progress.calls == [(0, 1)] * (len(looks) + 1)


def test_create_file_and_poll(fake: FakeOpenAI, session: OpenAISession, store_id: str) -> None:
    settings = vector_store_settings(fake)
    settings.processing_polls, settings.poll_after_ms = 2, 1
    file_id = upload(session, "cats.txt", CATS)
    fake.requests.clear()
    progress = Recorder()

    resp = vs.create_file_and_poll(
        session,
        store_id,
        file_id=file_id,
        attributes={"animal": "cat"},
        progress=progress,
        poll_interval=3600,
    )

    assert (resp.data.id, resp.data.status, resp.data.attributes) == (file_id, "completed", {"animal": "cat"})
    assert (
        sent(fake)
        == [("POST", f"/v1/vector_stores/{store_id}/files")]
        + [("GET", f"/v1/vector_stores/{store_id}/files/{file_id}")] * 2
    )
    assert fake.requests[0].json == {"file_id": file_id, "attributes": {"animal": "cat"}}
    assert progress.calls == [(0, 1), (0, 1), (1, 1)]


def test_create_file_and_poll_returns_a_failed_attach(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = vs.create_file_and_poll(session, "vs_missing", file_id="file-1")

    assert resp.status_code == 404
    with pytest.raises(NotFoundError):
        resp.data
    assert len(fake.requests) == 1


def test_extra_body_goes_to_the_batch_only(fake: FakeOpenAI, session: OpenAISession, store_id: str) -> None:
    vector_store_settings(fake).poll_after_ms = 1

    vs.upload_and_poll(
        session,
        store_id,
        files=[("a.txt", b"alpha")],
        extra_headers={"X-Trace": "t-1"},
        extra_body={"chunking_strategy": {"type": "auto"}},
    )

    assert all(r.headers["X-Trace"] == "t-1" for r in fake.requests)
    upload_request, attach = fake.requests[0], fake.requests[1]
    assert upload_request.form == {"purpose": "assistants"}
    assert attach.json is not None and attach.json["chunking_strategy"] == {"type": "auto"}


def test_a_failed_upload_deletes_the_files_already_uploaded(
    fake: FakeOpenAI, session: OpenAISession, store_id: str
) -> None:
    seen: List[str] = []

    @fake.route("POST", "/files")
    def second_upload_fails(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
        seen.append(request.files["file"].filename or "")
        if len(seen) == 2:
            raise ApiError(400, "File type not supported.", param="file")
        return upload_file(fake, request, params)

    resp = vs.upload_and_poll(
        session, store_id, files=[("a.txt", b"alpha"), ("b.exe", b"MZ"), ("c.txt", b"c")]
    )

    assert resp.status_code == 400
    with pytest.raises(BadRequestError, match="not supported"):
        resp.data
    first = _reply_id(fake.requests[0])
    assert sent(fake) == [("POST", "/v1/files"), ("POST", "/v1/files"), ("DELETE", f"/v1/files/{first}")]
    assert seen == ["a.txt", "b.exe"] and fake.files == {}


def test_a_refused_batch_deletes_the_uploaded_files(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = vs.upload_and_poll(session, "vs_missing", files=[("a.txt", b"alpha"), ("b.txt", b"beta")])

    assert resp.status_code == 404 and resp.error is not None and resp.error.param == "vector_store_id"
    assert [m for m, _ in sent(fake)] == ["POST", "POST", "POST", "DELETE", "DELETE"]
    assert fake.files == {}


class BlockReader(io.RawIOBase):
    """A file that refuses to be read whole: only blocks of at most 1 MiB."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.name = "big.txt"
        self.mode = "rb"

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._data.seek(offset, whence)

    def tell(self) -> int:
        return self._data.tell()

    def read(self, size: int = -1) -> bytes:
        assert 0 <= size <= 1 << 20, f"read({size}): the file is read whole"
        return self._data.read(size)


def test_an_open_file_is_streamed_in_blocks(fake: FakeOpenAI, session: OpenAISession, store_id: str) -> None:
    vector_store_settings(fake).poll_after_ms = 1
    data = b"word " * 400_000  # 2 MB

    resp = vs.upload_and_poll(session, store_id, files=[BlockReader(data)])

    assert resp.data.file_counts is not None and resp.data.file_counts.completed == 1
    assert (
        fake.requests[0].files["file"].data == data and fake.requests[0].files["file"].filename == "big.txt"
    )


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"files": "a.txt"}, TypeError, "files"),
        ({"files": []}, TypeError, "files"),
        ({"files": [b"x", "/no/such/file.txt"]}, FileNotFoundError, r"files\[1\]"),
        ({"files": [b"x"], "poll_timeout": 0}, ValueError, "poll_timeout"),
        ({"files": [b"x"], "poll_interval": -1}, ValueError, "poll_interval"),
        ({"files": [b"x"], "poll_interval": "1"}, TypeError, "poll_interval"),
        ({"files": [b"x"], "progress": 3}, TypeError, "progress"),
        ({"files": [b"x"], "upload_progress": "x"}, TypeError, "progress"),
    ],
)
def test_upload_and_poll_checks_everything_before_sending(
    fake: FakeOpenAI, session: OpenAISession, kwargs: Dict[str, Any], error: type, match: str
) -> None:
    with pytest.raises(error, match=match):
        vs.upload_and_poll(session, "vs_1", **kwargs)
    assert fake.requests == []


def test_an_unreadable_poll_header_falls_back_to_poll_interval(
    fake: FakeOpenAI, session: OpenAISession, store_id: str
) -> None:
    file_id = upload(session, "cats.txt", CATS)
    in_progress = {
        "id": file_id,
        "object": "vector_store.file",
        "usage_bytes": 0,
        "created_at": 1700000000,
        "vector_store_id": store_id,
        "status": "in_progress",
        "last_error": None,
    }
    looks = f"/vector_stores/{store_id}/files/{file_id}"
    fake.enqueue(json_reply(in_progress, headers={"openai-poll-after-ms": "soon"}), method="GET", path=looks)

    resp = vs.create_file_and_poll(session, store_id, file_id=file_id, poll_interval=0, poll_timeout=600)

    assert resp.data.status == "completed"  # after one look of its own, as the fake's settings say
    assert [r.injected for r in fake.requests[1:]] == [False, True, False]


def test_a_failed_look_is_returned(fake: FakeOpenAI, session: OpenAISession, store_id: str) -> None:
    settings = vector_store_settings(fake)
    settings.processing_polls, settings.poll_after_ms = 5, 1
    fake.enqueue(error_reply(404, "No such file batch.", param="batch_id"), method="GET")

    resp = vs.upload_and_poll(session, store_id, files=[("a.txt", b"alpha")])

    assert resp.status_code == 404 and resp.error is not None and resp.error.param == "batch_id"
    with pytest.raises(NotFoundError):
        resp.data
    assert [m for m, _ in sent(fake)] == ["POST", "POST", "GET"]
