"""The Files API, replaying the seed's file-management tour against FakeOpenAI.

The ``fake`` fixture checks every exchange with a built-in route against the OpenAPI
document; the test with a scripted reply checks its form itself.
"""

from __future__ import annotations

import io
import mimetypes
from pathlib import Path
from typing import List, Optional, Tuple

import pytest
from conformance import validate_multipart

from openai_lite import NotFoundError, OpenAISession, files
from openai_lite.testing import FakeOpenAI, RecordedRequest, json_reply

TRAINING_DATA = (
    b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}\n'
    b'{"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye!"}]}\n'
)


@pytest.fixture
def mydata(tmp_path: Path) -> Path:
    path = tmp_path / "mydata.jsonl"
    path.write_bytes(TRAINING_DATA)
    return path


def parts_of(sent: RecordedRequest) -> List[Tuple[str, Optional[str], Optional[str], bytes]]:
    return [(p.name, p.filename, p.content_type, p.data) for p in sent.parts]


def assert_multipart_upload(sent: RecordedRequest, api_key: str) -> None:
    assert (sent.method, sent.path, sent.query) == ("POST", "/v1/files", {})
    assert sent.headers["Authorization"] == "Bearer " + api_key
    assert sent.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert not sent.chunked and int(sent.headers["Content-Length"]) == len(sent.body)


def test_file_management_tour(fake: FakeOpenAI, session: OpenAISession, mydata: Path) -> None:
    listed = files.list(session)
    assert listed.status_code == 200
    count = len(listed.data.data)
    sent = fake.last
    assert (sent.method, sent.path, sent.query, sent.body) == ("GET", "/v1/files", {}, b"")
    assert sent.headers["Authorization"] == "Bearer " + fake.api_key

    created = files.create(session, file=mydata, purpose="fine-tune")

    assert created.status_code == 200
    uploaded = created.data
    assert uploaded.bytes == mydata.stat().st_size == len(TRAINING_DATA)
    assert (uploaded.filename, uploaded.purpose, uploaded.object) == ("mydata.jsonl", "fine-tune", "file")
    assert uploaded.id.startswith("file-") and isinstance(uploaded.created_at, int)
    sent = fake.last
    assert_multipart_upload(sent, fake.api_key)
    content_type = mimetypes.guess_type("mydata.jsonl")[0] or "application/octet-stream"
    assert parts_of(sent) == [
        ("file", "mydata.jsonl", content_type, TRAINING_DATA),
        ("purpose", None, None, b"fine-tune"),
    ]

    after_upload = files.list(session).data.data
    assert len(after_upload) == count + 1
    assert uploaded.id in [f.id for f in after_upload]

    deleted = files.delete(session, uploaded.id)

    assert deleted.status_code == 200
    assert (deleted.data.id, deleted.data.deleted, deleted.data.object) == (uploaded.id, True, "file")
    sent = fake.last
    assert (sent.method, sent.path, sent.body) == ("DELETE", "/v1/files/" + uploaded.id, b"")

    assert len(files.list(session).data.data) == count


def test_list_sends_its_query_parameters(fake: FakeOpenAI, session: OpenAISession) -> None:
    ids = [
        files.create(session, file=(f"f{i}.jsonl", b"{}\n"), purpose="fine-tune").data.id for i in range(3)
    ]
    files.create(session, file=("b.jsonl", b"{}\n"), purpose="batch")

    page = files.list(session, purpose="fine-tune", limit=2, order="asc")

    assert fake.last.query == {"purpose": ["fine-tune"], "limit": ["2"], "order": ["asc"]}
    assert [f.id for f in page.data.data] == ids[:2]
    assert (page.data.first_id, page.data.last_id, page.data.has_more) == (ids[0], ids[1], True)

    rest = files.list(session, purpose="fine-tune", limit=2, order="asc", after=page.data.last_id)

    assert fake.last.query == {"purpose": ["fine-tune"], "limit": ["2"], "order": ["asc"], "after": [ids[1]]}
    assert [f.id for f in rest.data.data] == ids[2:]
    assert rest.data.has_more is False


def test_retrieve(fake: FakeOpenAI, session: OpenAISession) -> None:
    file_id = files.create(session, file=("a.jsonl", b"{}\n"), purpose="batch").data.id

    resp = files.retrieve(session, file_id)

    assert resp.status_code == 200
    assert (resp.data.id, resp.data.bytes, resp.data.filename, resp.data.purpose) == (
        file_id,
        3,
        "a.jsonl",
        "batch",
    )
    assert resp.data.status == "processed"
    assert (fake.last.method, fake.last.path, fake.last.body) == ("GET", "/v1/files/" + file_id, b"")


def test_expires_after_is_sent_as_bracketed_fields(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(
        json_reply(
            {
                "id": "file-abc123",
                "object": "file",
                "bytes": 3,
                "created_at": 1677610602,
                "expires_at": 1677614202,
                "filename": "batch.jsonl",
                "purpose": "batch",
                "status": "uploaded",
                "status_details": None,
            }
        ),
        method="POST",
        path="/files",
    )

    resp = files.create(
        session,
        file=("batch.jsonl", b"{}\n"),
        purpose="batch",
        expires_after={"anchor": "created_at", "seconds": 3600},
    )

    assert parts_of(fake.last)[1:] == [
        ("purpose", None, None, b"batch"),
        ("expires_after[anchor]", None, None, b"created_at"),
        ("expires_after[seconds]", None, None, b"3600"),
    ]
    validate_multipart("POST", "/files", fake.last.form, fake.last.files)
    assert resp.data.expires_at == 1677614202
    assert (resp.data.status, resp.data.status_details) == ("uploaded", None)


def test_upload_from_an_open_binary_file(fake: FakeOpenAI, session: OpenAISession, mydata: Path) -> None:
    with open(mydata, "rb") as fh:
        resp = files.create(session, file=fh, purpose="fine-tune")
        assert not fh.closed

    assert resp.status_code == 200 and resp.data.bytes == len(TRAINING_DATA)
    assert_multipart_upload(fake.last, fake.api_key)
    assert fake.last.files["file"].filename == "mydata.jsonl"
    assert fake.last.files["file"].data == TRAINING_DATA


def test_upload_from_bytes(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = files.create(session, file=TRAINING_DATA, purpose="user_data")

    assert resp.status_code == 200
    assert (resp.data.bytes, resp.data.filename) == (len(TRAINING_DATA), "file")
    assert resp.data.purpose == "user_data"
    assert_multipart_upload(fake.last, fake.api_key)
    assert parts_of(fake.last)[0] == ("file", "file", "application/octet-stream", TRAINING_DATA)


def test_upload_from_a_tuple_with_content_type(fake: FakeOpenAI, session: OpenAISession) -> None:
    content = io.BytesIO(TRAINING_DATA)
    resp = files.create(session, file=("train.jsonl", content, "application/jsonl"), purpose="fine-tune")

    assert resp.status_code == 200 and resp.data.filename == "train.jsonl"
    assert parts_of(fake.last)[0] == ("file", "train.jsonl", "application/jsonl", TRAINING_DATA)


@pytest.mark.parametrize("call", ["retrieve", "delete"])
def test_unknown_file_is_404(fake: FakeOpenAI, session: OpenAISession, call: str) -> None:
    resp = getattr(files, call)(session, "file-missing")

    assert resp.status_code == 404 and not resp.ok
    assert resp.error is not None
    assert resp.error.message == "No such File object: file-missing"
    assert (resp.error.type, resp.error.param) == ("invalid_request_error", "file_id")
    assert fake.last.path == "/v1/files/file-missing"
    with pytest.raises(NotFoundError) as caught:
        _ = resp.data
    assert caught.value.status_code == 404 and caught.value.param == "file_id"


@pytest.mark.parametrize(
    "file_id, path",
    [
        ("../models/x", "/v1/files/..%2Fmodels%2Fx"),
        ("a/..", "/v1/files/a%2F.."),
        ("file-1?purpose=batch", "/v1/files/file-1%3Fpurpose%3Dbatch"),
        ("file 1#x", "/v1/files/file%201%23x"),
    ],
)
def test_file_ids_cannot_leave_their_endpoint(
    fake: FakeOpenAI, session: OpenAISession, file_id: str, path: str
) -> None:
    resp = files.delete(session, file_id)

    assert (fake.last.method, fake.last.path, fake.last.route_path) == ("DELETE", path, path[3:])
    assert fake.last.query == {}
    assert resp.status_code == 404
    assert resp.error is not None and resp.error.message == "No such File object: " + file_id


@pytest.mark.parametrize("bad", ["", None, 42, ".", ".."])
@pytest.mark.parametrize("call", ["retrieve", "delete"])
def test_bad_file_id_is_refused_before_sending(
    fake: FakeOpenAI, session: OpenAISession, call: str, bad: object
) -> None:
    with pytest.raises(ValueError, match="file_id must"):
        getattr(files, call)(session, bad)
    assert fake.requests == []


def test_missing_path_is_refused_before_sending(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path
) -> None:
    missing = tmp_path / "nope.jsonl"
    with pytest.raises(FileNotFoundError, match="file: no such file"):
        files.create(session, file=missing, purpose="fine-tune")
    with pytest.raises(FileNotFoundError, match="file: no such file"):
        files.create(session, file=str(missing), purpose="fine-tune")
    assert fake.requests == []


def test_bad_file_arguments_are_refused_before_sending(
    fake: FakeOpenAI, session: OpenAISession, mydata: Path
) -> None:
    with open(mydata, encoding="utf-8") as text:
        with pytest.raises(TypeError, match="file: the file is open in text mode"):
            files.create(session, file=text, purpose="fine-tune")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="file: expected a path"):
        files.create(session, file=42, purpose="fine-tune")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expires_after must be a mapping"):
        files.create(session, file=b"{}", purpose="batch", expires_after=3600)  # type: ignore[arg-type]
    assert fake.requests == []
