"""Tests of the fake OpenAI server itself, over real sockets."""

from __future__ import annotations

import base64
import json
import math
import socket
import struct
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
import requests

from openai_lite.testing import (
    FakeOpenAI,
    RecordedRequest,
    Reply,
    error_reply,
    json_reply,
)

KEY = "sk-fake-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]}


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.headers.update(AUTH)
        yield session


def post(http: requests.Session, fake: FakeOpenAI, path: str, **kwargs: Any) -> Any:
    response = http.post(fake.url + path, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


if TYPE_CHECKING:
    RawRequest = Callable[[bytes], socket.socket]


@pytest.fixture
def raw(fake: FakeOpenAI) -> Iterator[RawRequest]:
    """Send bytes on a fresh socket to the server; sockets close at teardown."""
    opened: list[socket.socket] = []

    def send(data: bytes) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", fake.port), timeout=2)
        opened.append(sock)
        sock.sendall(data)
        return sock

    yield send
    for sock in opened:
        sock.close()


def read_all(sock: socket.socket) -> bytes:
    out = b""
    while True:
        data = sock.recv(65536)
        if not data:
            return out
        out += data


def read_head(sock: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, data
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


# -- wire ---------------------------------------------------------------------


def test_keep_alive_reuses_one_connection(
    fake: FakeOpenAI, http: requests.Session
) -> None:
    for _ in range(3):
        assert http.get(fake.url + "/models").status_code == 200
    assert fake.connections == 1
    assert {r.connection_id for r in fake.requests} == {fake.requests[0].connection_id}
    http.get(fake.url + "/models", headers={"Connection": "close"})
    http.get(fake.url + "/models")
    assert fake.connections == 2
    assert fake.requests[3].connection_id == fake.requests[0].connection_id
    assert fake.requests[4].connection_id != fake.requests[0].connection_id


def test_pipelined_requests_and_connection_close(
    fake: FakeOpenAI, raw: RawRequest
) -> None:
    get = f"GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\n"
    sock = raw((get + "\r\n" + get + "Connection: close\r\n\r\n").encode())
    data = read_all(sock)
    assert data.count(b"HTTP/1.1 200 OK\r\n") == 2
    assert b"Connection: close" in data
    assert fake.connections == 1 and len(fake.requests) == 2


def test_chunked_request_body(fake: FakeOpenAI, raw: RawRequest) -> None:
    body = json.dumps({"model": "text-embedding-3-small", "input": "hi"}).encode()
    chunks = b"".join(
        b"%x;ext=1\r\n%s\r\n" % (len(body[i : i + 7]), body[i : i + 7])
        for i in range(0, len(body), 7)
    )
    head = (
        "POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-fake-key\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    data = read_all(raw(head.encode() + chunks + b"0\r\nX-Trailer: 1\r\n\r\n"))
    assert data.startswith(b"HTTP/1.1 200 OK")
    assert fake.last.chunked and fake.last.body == body
    assert fake.last.json == {"model": "text-embedding-3-small", "input": "hi"}


def test_chunked_body_from_requests_generator(
    fake: FakeOpenAI, http: requests.Session
) -> None:
    parts = [
        b'{"model": "gpt-4o-mini", ',
        b'"messages": [{"role": "user", "content": "hi"}]}',
    ]
    headers = {"Content-Type": "application/json"}
    response = http.post(
        fake.url + "/chat/completions", data=iter(parts), headers=headers
    )
    assert response.status_code == 200
    assert fake.last.chunked and fake.last.json["model"] == "gpt-4o-mini"


def test_request_record_fields(fake: FakeOpenAI, http: requests.Session) -> None:
    with fake.off_spec():
        http.get(fake.url + "/files?purpose=batch&after=&x=1&x=2", headers={"X-Test": "a"})
    record = fake.last
    assert record.off_spec == "Unrecognized request argument supplied: x"
    assert record.method == "GET" and record.path == "/v1/files"
    assert record.route_path == "/files"
    assert record.query == {"purpose": ["batch"], "after": [""], "x": ["1", "2"]}
    assert (
        record.headers["x-test"] == "a"
        and record.headers["AUTHORIZATION"] == f"Bearer {KEY}"
    )
    assert ("X-Test", "a") in record.raw_headers
    assert (
        record.reply_status == 200 and record.reply_content_type == "application/json"
    )
    assert json.loads(record.reply_body)["object"] == "list"
    assert not record.injected and record.json is None


def test_stop_closes_idle_connections(fake: FakeOpenAI, raw: RawRequest) -> None:
    get = f"GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\n\r\n"
    sock = raw(get.encode())
    head, rest = read_head(sock)
    length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    while len(rest) < length:
        rest += sock.recv(65536)
    started = time.monotonic()
    fake.stop()
    assert sock.recv(10) == b""
    assert time.monotonic() - started < 0.5
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", fake.port), timeout=0.5)


def test_prefix_variants() -> None:
    with FakeOpenAI(prefix="/openai/v1/") as fake, requests.Session() as http:
        assert fake.url == f"http://127.0.0.1:{fake.port}/openai/v1"
        assert http.get(fake.url + "/models", headers=AUTH).status_code == 200
        assert (
            fake.last.path == "/openai/v1/models" and fake.last.route_path == "/models"
        )
        assert (
            http.get(
                f"http://127.0.0.1:{fake.port}/v1/models", headers=AUTH
            ).status_code
            == 404
        )
    with FakeOpenAI(prefix="", api_key="sk-other") as fake:
        assert fake.url == f"http://127.0.0.1:{fake.port}"
        response = requests.get(
            fake.url + "/models", headers={"Authorization": "Bearer sk-other"}
        )
        assert response.status_code == 200 and fake.last.route_path == "/models"


# -- multipart ------------------------------------------------------------------


def test_multipart_parsing(fake: FakeOpenAI, http: requests.Session) -> None:
    binary = bytes(range(256)) * 4 + b"\r\n--not-a-boundary\r\n"
    files: list[Any] = [
        ("file", ('my "song"; take 2.mp3', binary, "audio/mpeg")),
        ("model", (None, "whisper-1")),
        ("timestamp_granularities[]", (None, "word")),
        ("timestamp_granularities[]", (None, "segment")),
        ("response_format", (None, "verbose_json")),
    ]
    http.post(fake.url + "/audio/transcriptions", files=files)
    record = fake.last
    assert [p.name for p in record.parts] == [
        "file",
        "model",
        "timestamp_granularities[]",
        "timestamp_granularities[]",
        "response_format",
    ]
    upload = record.files["file"]
    assert upload.data == binary and upload.content_type == "audio/mpeg"
    assert upload.filename is not None and "take 2.mp3" in upload.filename
    assert record.form == {
        "model": "whisper-1",
        "timestamp_granularities[]": "segment",
        "response_format": "verbose_json",
    }
    assert [p.text for p in record.parts if p.name.startswith("timestamp")] == [
        "word",
        "segment",
    ]


def test_multipart_raw_quoting(fake: FakeOpenAI, raw: RawRequest) -> None:
    body = (
        b"--b0undary\r\n"
        b'Content-Disposition: form-data; name="file"; filename="a\\"b;c.jsonl"\r\n'
        b"Content-Type: application/jsonl\r\n\r\n"
        b'{"a": 1}\n\r\n'
        b"--b0undary\r\n"
        b"Content-Disposition: form-data; name=purpose\r\n\r\n"
        b"batch\r\n"
        b"--b0undary--\r\n"
    )
    head = (
        f"POST /v1/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\n"
        f'Content-Type: multipart/form-data; boundary="b0undary"\r\n'
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    assert read_all(raw(head.encode() + body)).startswith(b"HTTP/1.1 200")
    part = fake.last.files["file"]
    assert part.filename == 'a"b;c.jsonl' and part.data == b'{"a": 1}\n'
    assert part.headers["content-type"] == "application/jsonl"
    assert fake.last.form == {"purpose": "batch"}


# -- errors ---------------------------------------------------------------------


def test_auth_required(fake: FakeOpenAI) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer sk-wrong-secret"},
        {"Authorization": KEY},
    ):
        response = requests.get(fake.url + "/models", headers=headers)
        assert response.status_code == 401
        assert response.json() == {
            "error": {
                "message": "Incorrect API key provided.",
                "type": "invalid_request_error",
                "param": None,
                "code": "invalid_api_key",
            }
        }
        assert b"sk-wrong" not in response.content


def test_unknown_path_and_method(fake: FakeOpenAI, http: requests.Session) -> None:
    response = http.get(fake.url + "/nope")
    assert response.status_code == 404 and "error" in response.json()
    assert http.get(f"http://127.0.0.1:{fake.port}/models").status_code == 404
    response = http.put(fake.url + "/files")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "POST"}
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_unknown_ids(fake: FakeOpenAI, http: requests.Session) -> None:
    error = http.get(fake.url + "/files/file-xyz").json()["error"]
    assert error == {
        "message": "No such File object: file-xyz",
        "type": "invalid_request_error",
        "param": "file_id",
        "code": None,
    }
    response = http.get(fake.url + "/models/gpt-9")
    assert (
        response.status_code == 404
        and response.json()["error"]["code"] == "model_not_found"
    )
    assert http.post(fake.url + "/fine_tuning/jobs/ftjob-x/cancel").status_code == 404


def test_bad_json_and_missing_parameters(
    fake: FakeOpenAI, http: requests.Session
) -> None:
    response = http.post(
        fake.url + "/chat/completions",
        data=b"{",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    response = http.post(fake.url + "/chat/completions", json={"messages": []})
    assert response.status_code == 400 and response.json()["error"]["param"] == "model"


def test_handler_exception_becomes_500(
    fake: FakeOpenAI, http: requests.Session
) -> None:
    @fake.route("GET", "/boom")
    def boom(
        fake: FakeOpenAI, request: RecordedRequest, params: dict[str, str]
    ) -> Reply:
        raise RuntimeError("kaput")

    response = http.get(fake.url + "/boom")
    assert (
        response.status_code == 500 and "kaput" in response.json()["error"]["message"]
    )
    assert isinstance(fake.errors[0], RuntimeError)


def test_malformed_request_line(fake: FakeOpenAI, raw: RawRequest) -> None:
    assert read_all(raw(b"NONSENSE\r\n\r\n")).startswith(b"HTTP/1.1 400")


# -- fault injection ---------------------------------------------------------------


def test_enqueue_status_and_headers(fake: FakeOpenAI, http: requests.Session) -> None:
    fake.enqueue(
        error_reply(
            429, "Slow down.", type="rate_limit_error", headers={"Retry-After": "0"}
        ),
        times=2,
        path="/chat/completions",
    )
    fake.enqueue(json_reply({"ok": True}, headers={"X-A": "1"}), method="get")
    assert http.get(fake.url + "/nowhere").json() == {"ok": True}
    assert fake.last.injected and fake.last.reply_status == 200
    assert http.get(fake.url + "/models").status_code == 200
    for _ in range(2):
        response = http.post(fake.url + "/chat/completions", json=CHAT)
        assert response.status_code == 429 and response.headers["Retry-After"] == "0"
        assert response.json()["error"]["type"] == "rate_limit_error"
    assert fake.last.injected and fake.last.reply_status == 429
    response = http.post(fake.url + "/chat/completions", json={})
    assert response.status_code == 400 and not fake.last.injected


def test_enqueue_applies_before_auth_and_is_fifo(fake: FakeOpenAI) -> None:
    fake.enqueue(Reply(503, [("X-N", "1"), ("X-N", "2")], b"first"))
    fake.enqueue(Reply(202, body=b"second", content_type="text/plain"))
    first = requests.get(fake.url + "/models")
    assert first.status_code == 503 and first.content == b"first"
    assert first.raw.headers.getlist("X-N") == ["1", "2"]
    second = requests.get(fake.url + "/models")
    assert second.status_code == 202 and second.headers["Content-Type"] == "text/plain"
    assert requests.get(fake.url + "/models").status_code == 401


def test_enqueue_delay(fake: FakeOpenAI, http: requests.Session) -> None:
    fake.enqueue(Reply(204, delay=0.2))
    started = time.monotonic()
    assert http.get(fake.url + "/models").status_code == 204
    assert time.monotonic() - started >= 0.2
    with pytest.raises(requests.exceptions.ReadTimeout):
        fake.enqueue(Reply(200, delay=0.3))
        http.get(fake.url + "/models", timeout=0.05)


def test_drop_before_status(fake: FakeOpenAI, http: requests.Session) -> None:
    fake.enqueue(Reply(drop="before_status"))
    with pytest.raises(requests.exceptions.ConnectionError):
        http.post(fake.url + "/chat/completions", json=CHAT)
    assert fake.last.reply_status == 0 and fake.last.json == CHAT
    assert http.get(fake.url + "/models").status_code == 200


def test_drop_mid_body(fake: FakeOpenAI, raw: RawRequest) -> None:
    fake.enqueue(Reply(body=b"0123456789", drop="mid_body"))
    sock = raw(b"GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n")
    head, rest = read_head(sock)
    assert b"Content-Length: 10" in head
    assert rest + read_all(sock) == b"01234"
    assert fake.last.reply_body == b"01234"


def test_drop_mid_body_with_requests(fake: FakeOpenAI, http: requests.Session) -> None:
    fake.enqueue(json_reply({"data": "x" * 100}, headers={}), times=1)
    fake.enqueue(Reply(body=b'{"data": "' + b"x" * 100 + b'"}', drop="mid_body"))
    assert http.get(fake.url + "/models").status_code == 200
    # urllib3 2.x raises on the short body; urllib3 1.26 returns it short.
    try:
        short = http.get(fake.url + "/models")
    except requests.exceptions.RequestException:
        return
    assert len(short.content) < int(short.headers["Content-Length"])


def test_drop_mid_stream_chunks(fake: FakeOpenAI, raw: RawRequest) -> None:
    fake.enqueue(Reply(chunks=[b"a", b"b", b"c", b"d"], drop="mid_body"))
    sock = raw(b"GET /v1/x HTTP/1.1\r\nHost: x\r\n\r\n")
    head, rest = read_head(sock)
    assert b"Transfer-Encoding: chunked" in head
    assert rest + read_all(sock) == b"1\r\na\r\n1\r\nb\r\n"


def test_drop_reset(fake: FakeOpenAI, raw: RawRequest) -> None:
    fake.enqueue(Reply(drop="reset"))
    sock = raw(b"GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n")
    with pytest.raises(ConnectionResetError):
        read_all(sock)
    assert fake.last.reply_status == 0


def test_chunks_arrive_incrementally(fake: FakeOpenAI, http: requests.Session) -> None:
    events = [b"data: %d\n\n" % i for i in range(3)] + [b"data: [DONE]\n\n"]
    fake.enqueue(
        Reply(chunks=events, chunk_delay=0.15, content_type="text/event-stream")
    )
    started = time.monotonic()
    response = http.post(
        fake.url + "/chat/completions", json={**CHAT, "stream": True}, stream=True
    )
    assert response.headers["Transfer-Encoding"] == "chunked"
    arrivals = [
        (time.monotonic() - started, c) for c in response.iter_content(chunk_size=None)
    ]
    assert [c for _, c in arrivals] == events
    assert arrivals[0][0] < 0.14 and arrivals[-1][0] >= 0.45
    assert fake.last.reply_body == b"".join(events)


# -- custom routes and reset ----------------------------------------------------------


def test_custom_route(fake: FakeOpenAI, http: requests.Session) -> None:
    @fake.route("GET", "/widgets/{id}/parts/{part_id}")
    def get_widget_part(
        fake: FakeOpenAI, request: RecordedRequest, params: dict[str, str]
    ) -> Reply:
        return json_reply({"params": params, "q": request.query})

    @fake.route("GET", "/models")
    def override(
        fake: FakeOpenAI, request: RecordedRequest, params: dict[str, str]
    ) -> Reply:
        return json_reply({"object": "list", "data": []})

    body = http.get(fake.url + "/widgets/w%2F1/parts/part-a?x=1").json()
    assert body == {"params": {"id": "w/1", "part_id": "part-a"}, "q": {"x": ["1"]}}
    assert fake.last.path == "/v1/widgets/w%2F1/parts/part-a"
    assert http.get(fake.url + "/models").json()["data"] == []
    assert http.delete(fake.url + "/widgets/1/parts/2").status_code == 405
    assert requests.get(fake.url + "/widgets/1/parts/2").status_code == 401


def test_reset(fake: FakeOpenAI, http: requests.Session) -> None:
    file_id = post(
        http, fake, "/files", files={"file": ("a.txt", b"x")}, data={"purpose": "batch"}
    )["id"]
    assert (
        http.delete(fake.url + "/models/ft:gpt-3.5-turbo:acme::abc123").status_code
        == 200
    )
    fake.enqueue(Reply(500), times=5)
    fake.reset()
    assert fake.requests == [] and fake.files == {} and fake.connections == 0
    assert "ft:gpt-3.5-turbo:acme::abc123" in fake.models
    assert http.get(fake.url + "/models").status_code == 200
    again = post(
        http, fake, "/files", files={"file": ("a.txt", b"x")}, data={"purpose": "batch"}
    )
    assert again["id"] == file_id
    with pytest.raises(LookupError):
        assert FakeOpenAI().last is None


# -- seed routes ------------------------------------------------------------------------


def chat(http: requests.Session, fake: FakeOpenAI, **body: Any) -> Any:
    body.setdefault("model", "gpt-4o-mini")
    body.setdefault(
        "messages", [{"role": "user", "content": "What is the capital of France?"}]
    )
    return post(http, fake, "/chat/completions", json=body)


def test_chat_completion(fake: FakeOpenAI, http: requests.Session) -> None:
    result = chat(http, fake, n=2)
    assert result["object"] == "chat.completion" and result["id"].startswith(
        "chatcmpl-"
    )
    assert isinstance(result["created"], int) and len(result["choices"]) == 2
    message = result["choices"][1]["message"]
    assert message == {
        "role": "assistant",
        "content": "The capital of France is Paris.",
        "refusal": None,
        "annotations": [],
    }
    assert result["choices"][1]["finish_reason"] == "stop"
    usage = result["usage"]
    assert (
        usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0
    )
    other = chat(
        http,
        fake,
        messages=[{"role": "user", "content": [{"type": "text", "text": "Hi"}]}],
    )
    assert other["choices"][0]["message"]["content"]
    assert chat(http, fake, max_tokens=2)["choices"][0]["finish_reason"] == "length"


def test_chat_tool_calls(fake: FakeOpenAI, http: requests.Session) -> None:
    tools = [
        {
            "type": "function",
            "function": {"name": "lookup", "parameters": {"type": "object"}},
        },
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "city": {"type": "string"},
                        "unit": {"enum": ["c", "f"]},
                    },
                    "required": ["city", "unit"],
                },
            },
        },
    ]
    named = {"type": "function", "function": {"name": "get_weather"}}
    choice = chat(http, fake, tools=tools, tool_choice=named)["choices"][0]
    assert (
        choice["finish_reason"] == "tool_calls" and choice["message"]["content"] is None
    )
    call = choice["message"]["tool_calls"][0]
    assert call["type"] == "function" and call["id"].startswith("call_")
    assert call["function"]["name"] == "get_weather"
    assert json.loads(call["function"]["arguments"]) == {"city": "Paris", "unit": "c"}
    required = chat(http, fake, tools=tools, tool_choice="required")["choices"][0]
    assert required["message"]["tool_calls"][0]["function"]["name"] == "lookup"
    assert chat(http, fake, tools=tools)["choices"][0]["finish_reason"] == "stop"
    messages = [
        {"role": "user", "content": "Use get_weather please"},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": call["id"], "content": "sunny"},
    ]
    auto = chat(http, fake, tools=tools, messages=messages[:1])["choices"][0]
    assert auto["finish_reason"] == "tool_calls"
    final = chat(http, fake, tools=tools, messages=messages)["choices"][0]
    assert final["message"]["content"] == "The tool returned: sunny"


def test_chat_json_formats(fake: FakeOpenAI, http: requests.Session) -> None:
    content = chat(http, fake, response_format={"type": "json_object"})["choices"][0][
        "message"
    ]["content"]
    assert json.loads(content) == {"answer": "The capital of France is Paris."}
    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "population": {"type": "integer"},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
    }
    response_format = {
        "type": "json_schema",
        "json_schema": {"name": "c", "schema": schema},
    }
    content = chat(http, fake, response_format=response_format)["choices"][0][
        "message"
    ]["content"]
    assert json.loads(content) == {"city": "Paris", "population": 1, "tags": ["Paris"]}


def test_embeddings(fake: FakeOpenAI, http: requests.Session) -> None:
    result = post(
        http,
        fake,
        "/embeddings",
        json={"model": "text-embedding-3-small", "input": "hello world"},
    )
    vector = result["data"][0]["embedding"]
    assert result["object"] == "list" and len(vector) == 1536
    assert math.isclose(sum(x * x for x in vector), 1.0, rel_tol=1e-5)
    assert result["usage"] == {"prompt_tokens": 2, "total_tokens": 2}
    again = post(
        http,
        fake,
        "/embeddings",
        json={"model": "text-embedding-3-small", "input": ["hello world", "x"]},
    )
    assert again["data"][0]["embedding"] == vector and again["data"][1]["index"] == 1
    b64 = post(
        http,
        fake,
        "/embeddings",
        json={
            "model": "text-embedding-3-small",
            "input": "hello world",
            "dimensions": 8,
            "encoding_format": "base64",
        },
    )["data"][0]["embedding"]
    floats = list(struct.unpack("<8f", base64.b64decode(b64)))
    small = post(
        http,
        fake,
        "/embeddings",
        json={
            "model": "text-embedding-3-small",
            "input": "hello world",
            "dimensions": 8,
        },
    )
    assert floats == small["data"][0]["embedding"]
    tokens = post(
        http, fake, "/embeddings", json={"model": "m", "input": [[1, 2, 3], [4]]}
    )
    assert len(tokens["data"]) == 2 and tokens["usage"]["prompt_tokens"] == 4
    assert (
        len(
            post(http, fake, "/embeddings", json={"model": "m", "input": [1, 2]})[
                "data"
            ]
        )
        == 1
    )
    assert (
        http.post(
            fake.url + "/embeddings", json={"model": "m", "input": ""}
        ).status_code
        == 400
    )


def test_moderations(fake: FakeOpenAI, http: requests.Session) -> None:
    result = post(
        http, fake, "/moderations", json={"input": ["I will kill it", "hello"]}
    )
    assert (
        result["id"].startswith("modr-") and result["model"] == "omni-moderation-latest"
    )
    flagged, clean = result["results"]
    assert flagged["flagged"] and flagged["categories"]["violence"]
    assert not clean["flagged"] and len(clean["categories"]) == 13
    assert set(clean["category_scores"]) == set(clean["categories"])
    assert clean["category_applied_input_types"]["violence"] == ["text"]
    parts = [
        {"type": "text", "text": "hello"},
        {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
    ]
    multi = post(
        http,
        fake,
        "/moderations",
        json={"input": parts, "model": "omni-moderation-latest"},
    )
    applied = multi["results"][0]["category_applied_input_types"]
    assert len(multi["results"]) == 1
    assert applied["violence"] == ["text", "image"] and applied["hate"] == ["text"]
    assert len(post(http, fake, "/moderations", json={"input": "x"})["results"]) == 1


def test_images(fake: FakeOpenAI, http: requests.Session) -> None:
    result = post(http, fake, "/images/generations", json={"prompt": "a cat", "n": 2})
    assert isinstance(result["created"], int) and len(result["data"]) == 2
    assert result["data"][0]["url"].startswith("https://")
    b64 = post(
        http,
        fake,
        "/images/generations",
        json={"prompt": "a cat", "response_format": "b64_json"},
    )
    assert base64.b64decode(b64["data"][0]["b64_json"]).startswith(PNG_MAGIC)
    files = {"image": ("cat.png", PNG_MAGIC, "image/png")}
    variation = post(
        http,
        fake,
        "/images/variations",
        files=files,
        data={"n": "3", "response_format": "b64_json"},
    )
    assert len(variation["data"]) == 3 and "b64_json" in variation["data"][0]
    response = http.post(fake.url + "/images/variations", files={"n": (None, "1")})
    assert response.status_code == 400 and response.json()["error"]["param"] == "image"


def transcribe(
    http: requests.Session,
    fake: FakeOpenAI,
    path: str = "/audio/transcriptions",
    **form: Any,
) -> requests.Response:
    fields: list[Any] = [
        ("file", ("a.mp3", b"ID3fake", "audio/mpeg")),
        ("model", (None, "whisper-1")),
    ]
    for name, value in form.items():
        for item in value if isinstance(value, list) else [value]:
            fields.append((name.replace("__", "[]"), (None, item)))
    return http.post(fake.url + path, files=fields)


def test_audio_formats(fake: FakeOpenAI, http: requests.Session) -> None:
    plain = transcribe(http, fake).json()
    assert plain["text"] == "Hello, world. This is a fake transcription."
    verbose = transcribe(
        http,
        fake,
        response_format="verbose_json",
        timestamp_granularities__=["word", "segment"],
        language="fr",
    ).json()
    assert verbose["language"] == "french" and verbose["duration"] > 0
    assert len(verbose["segments"]) == 2 and verbose["words"][0] == {
        "word": "Hello",
        "start": 0.0,
        "end": 0.5,
    }
    words_only = transcribe(
        http, fake, response_format="verbose_json", timestamp_granularities__="word"
    ).json()
    assert "segments" not in words_only and words_only["words"]
    text = transcribe(http, fake, response_format="text")
    assert (
        text.headers["Content-Type"].startswith("text/plain")
        and text.text == plain["text"] + "\n"
    )
    srt = transcribe(http, fake, response_format="srt").text
    assert srt.startswith("1\n00:00:00,000 --> 00:00:01,000\nHello, world.\n\n2\n")
    vtt = transcribe(http, fake, response_format="vtt").text
    assert vtt.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello, world.\n")
    translation = transcribe(
        http, fake, "/audio/translations", response_format="verbose_json"
    ).json()
    assert translation["language"] == "english" and "translation" in translation["text"]
    missing = http.post(
        fake.url + "/audio/transcriptions", files={"model": (None, "whisper-1")}
    )
    assert missing.status_code == 400 and missing.json()["error"]["param"] == "file"
    assert transcribe(http, fake, response_format="mp3").status_code == 400


def test_files(fake: FakeOpenAI, http: requests.Session) -> None:
    ids = []
    for i, purpose in enumerate(["fine-tune", "batch", "fine-tune"]):
        upload = post(
            http,
            fake,
            "/files",
            files={"file": (f"f{i}.jsonl", b"{}\n" * (i + 1))},
            data={"purpose": purpose},
        )
        assert upload["object"] == "file" and upload["bytes"] == 3 * (i + 1)
        assert upload["filename"] == f"f{i}.jsonl" and upload["status"] == "processed"
        assert upload["id"].startswith("file-") and len(upload["id"]) == 29
        ids.append(upload["id"])
    listing = http.get(fake.url + "/files").json()
    assert [f["id"] for f in listing["data"]] == ids[::-1] and not listing["has_more"]
    page = http.get(
        fake.url + "/files",
        params={"limit": "1", "order": "asc", "purpose": "fine-tune"},
    ).json()
    assert [f["id"] for f in page["data"]] == [ids[0]] and page["has_more"]
    assert page["first_id"] == page["last_id"] == ids[0]
    page = http.get(
        fake.url + "/files", params={"after": ids[0], "order": "asc"}
    ).json()
    assert [f["id"] for f in page["data"]] == ids[1:]
    assert http.get(fake.url + f"/files/{ids[1]}").json()["purpose"] == "batch"
    content = http.get(fake.url + f"/files/{ids[2]}/content")
    assert (
        content.content == b"{}\n" * 3
        and content.headers["Content-Type"] == "application/octet-stream"
    )
    assert http.delete(fake.url + f"/files/{ids[1]}").json() == {
        "id": ids[1],
        "object": "file",
        "deleted": True,
    }
    assert http.get(fake.url + f"/files/{ids[1]}").status_code == 404
    assert http.post(fake.url + "/files", data={"purpose": "batch"}).status_code == 400
    bad = http.post(
        fake.url + "/files", files={"file": ("a", b"x")}, data={"purpose": "nope"}
    )
    assert bad.status_code == 400


def test_fine_tuning(fake: FakeOpenAI, http: requests.Session) -> None:
    training = post(
        http,
        fake,
        "/files",
        files={"file": ("t.jsonl", b"{}\n")},
        data={"purpose": "fine-tune"},
    )["id"]
    body = {
        "model": "gpt-4o-mini",
        "training_file": training,
        "hyperparameters": {"n_epochs": 3},
        "suffix": "x",
    }
    job = post(http, fake, "/fine_tuning/jobs", json=body)
    assert job["object"] == "fine_tuning.job" and job["id"].startswith("ftjob-")
    assert job["status"] == "validating_files" and job["training_file"] == training
    assert job["hyperparameters"] == {
        "batch_size": "auto",
        "learning_rate_multiplier": "auto",
        "n_epochs": 3,
    }
    assert job["validation_file"] is None and isinstance(job["seed"], int)
    second = post(
        http,
        fake,
        "/fine_tuning/jobs",
        json={"model": "gpt-4o-mini", "training_file": training, "seed": 7},
    )
    assert second["seed"] == 7
    listing = http.get(fake.url + "/fine_tuning/jobs", params={"limit": 1}).json()
    assert [j["id"] for j in listing["data"]] == [second["id"]] and listing["has_more"]
    listing = http.get(
        fake.url + "/fine_tuning/jobs", params={"after": second["id"]}
    ).json()
    assert [j["id"] for j in listing["data"]] == [job["id"]] and not listing["has_more"]
    assert http.get(fake.url + f"/fine_tuning/jobs/{job['id']}").json() == job
    cancelled = post(http, fake, f"/fine_tuning/jobs/{job['id']}/cancel")
    assert cancelled["status"] == "cancelled"
    assert (
        http.post(fake.url + f"/fine_tuning/jobs/{job['id']}/cancel").status_code == 400
    )
    unknown = http.post(
        fake.url + "/fine_tuning/jobs",
        json={"model": "m", "training_file": "file-nope"},
    )
    assert (
        unknown.status_code == 400
        and unknown.json()["error"]["param"] == "training_file"
    )
    bad = http.post(
        fake.url + "/fine_tuning/jobs",
        json={**body, "hyperparameters": {"n_epochs": "many"}},
    )
    assert bad.status_code == 400


def test_models(fake: FakeOpenAI, http: requests.Session) -> None:
    listing = http.get(fake.url + "/models").json()
    ids = {m["id"] for m in listing["data"]}
    assert {"gpt-4o-mini", "whisper-1", "ft:gpt-3.5-turbo:acme::abc123"} <= ids
    model = http.get(fake.url + "/models/gpt-3.5-turbo").json()
    assert (
        model["object"] == "model"
        and isinstance(model["created"], int)
        and model["owned_by"]
    )
    assert http.delete(fake.url + "/models/gpt-3.5-turbo").status_code == 403
    deleted = http.delete(
        fake.url + "/models/ft%3Agpt-3.5-turbo%3Aacme%3A%3Aabc123"
    ).json()
    assert deleted == {
        "id": "ft:gpt-3.5-turbo:acme::abc123",
        "object": "model",
        "deleted": True,
    }
    assert (
        http.delete(fake.url + "/models/ft:gpt-3.5-turbo:acme::abc123").status_code
        == 404
    )
