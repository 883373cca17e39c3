"""Streamed chat completions over the wire: events, errors, cut streams, timing and connections."""

from __future__ import annotations

import inspect
import json
import socket
import threading
import time
from typing import Any, Dict, Iterator, List, Optional, Union

import pytest
import requests
import urllib3
from conformance import _check, _validator

from openai_lite import (
    APIConnectionError,
    APIResponseValidationError,
    APIStreamError,
    APITimeoutError,
    BadRequestError,
    InternalServerError,
    OpenAIError,
    OpenAIRetry,
    OpenAISession,
    RateLimitError,
    chat,
)
from openai_lite._streaming import ServerSentEvent, Stream, open_stream
from openai_lite.testing import FakeOpenAI, Reply, error_reply, sse_reply

QUESTION = [{"role": "user", "content": "What is the capital of the France?"}]
PARIS = "The capital of France is Paris."


def chunk(content: Optional[str] = None, finish: Optional[str] = None, **delta: Any) -> Dict[str, Any]:
    """A spec-shaped chat completion chunk with one choice."""
    if content is not None:
        delta["content"] = content
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }


def ask(session: requests.Session, **kwargs: Any) -> Stream[chat.ChatCompletionChunk]:
    return chat.stream(session, model="gpt-4o-mini", messages=QUESTION, **kwargs)


def test_seed_chat_tour_streamed(fake: FakeOpenAI, session: OpenAISession) -> None:
    with chat.stream(
        session,
        model="gpt-3.5-turbo",
        messages=QUESTION,
        temperature=0.7,
        stream_options={"include_usage": True},
    ) as stream:
        assert stream.status_code == 200
        assert stream.headers["Content-Type"] == "text/event-stream"
        assert stream.request_id == stream.headers["x-request-id"]
        chunks = list(stream)

    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == PARIS
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert all(c.object == "chat.completion.chunk" and c.id == chunks[0].id for c in chunks)
    sent = fake.last
    assert (sent.method, sent.path) == ("POST", "/v1/chat/completions")
    assert sent.headers["Authorization"] == "Bearer " + fake.api_key
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.json == {
        "messages": QUESTION,
        "model": "gpt-3.5-turbo",
        "temperature": 0.7,
        "stream_options": {"include_usage": True},
        "stream": True,
    }
    # What the fake served is the documented chunk, event by event, and then [DONE].
    events = sent.reply_body.split(b"\n\n")
    assert events[-2:] == [b"data: [DONE]", b""]
    for event in events[:-2]:
        assert event.startswith(b"data: ")
        schema = _validator("/components/schemas/CreateChatCompletionStreamResponse")
        _check(schema, json.loads(event[len(b"data: ") :]), "chunk")


def test_join_gives_what_create_gives(fake: FakeOpenAI, session: OpenAISession) -> None:
    created = chat.create(session, model="gpt-4o-mini", messages=QUESTION).data
    joined = chat.join(ask(session, stream_options={"include_usage": True}))

    assert joined.object == "chat.completion"
    assert joined.choices[0].message.content == PARIS
    assert joined.choices[0].finish_reason == "stop"
    assert joined.usage == created.usage
    assert (joined.model, joined.system_fingerprint, joined.service_tier) == (
        created.model,
        created.system_fingerprint,
        created.service_tier,
    )
    assert chat.join(ask(session)).usage is None


def test_join_assembles_tool_calls_by_index(fake: FakeOpenAI, session: OpenAISession) -> None:
    tools = [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
            },
        }
    ]
    joined = chat.join(ask(session, tools=tools, tool_choice="required"))

    call = joined.choices[0].message.tool_calls
    assert call is not None and len(call) == 1
    assert call[0].id is not None and call[0].id.startswith("call_")
    assert call[0].type == "function" and call[0].function is not None
    assert call[0].function.name == "get_weather"
    assert json.loads(call[0].function.arguments or "") == {"city": "Paris"}
    assert joined.choices[0].message.content is None
    assert joined.choices[0].finish_reason == "tool_calls"


def test_join_of_interleaved_calls_choices_and_refusals() -> None:
    def piece(index: int, **delta: Any) -> chat.ChatCompletionChunk:
        obj = chunk(**delta)
        obj["choices"][0]["index"] = index
        return chat.ChatCompletionChunk.from_dict(obj)

    call = {"id": "call_b", "type": "function", "function": {"name": "b", "arguments": ""}}
    chunks = [
        piece(0, role="assistant", tool_calls=[{"index": 1, **call}]),
        piece(1, role="assistant", refusal="I can"),
        piece(0, tool_calls=[{"index": 0, "id": "call_a", "type": "function", "function": {"name": "a"}}]),
        piece(0, tool_calls=[{"index": 1, "function": {"arguments": '{"x": '}}]),
        piece(1, refusal="not."),
        piece(0, tool_calls=[{"index": 0, "function": {"arguments": "{}"}}]),
        piece(0, tool_calls=[{"index": 1, "function": {"arguments": "1}"}}]),
        piece(0, finish="tool_calls"),
        piece(1, finish="stop"),
    ]

    first, second = chat.join(chunks).choices
    calls = first.message.tool_calls or []
    assert [(c.id, c.function.name, c.function.arguments) for c in calls if c.function] == [
        ("call_a", "a", "{}"),
        ("call_b", "b", '{"x": 1}'),
    ]
    assert (first.finish_reason, second.finish_reason) == ("tool_calls", "stop")
    assert (second.message.refusal, second.message.content) == ("I cannot.", None)
    with pytest.raises(ValueError, match="chunks is empty"):
        chat.join([])


def test_stream_takes_the_parameters_of_create() -> None:
    create = inspect.signature(chat.create).parameters
    stream = dict(inspect.signature(chat.stream).parameters)
    assert stream.pop("stream_options").default is None
    assert list(stream) == list(create)
    # stream also takes a dataclass as response_format (decoded by join), create does not.
    assert stream.pop("response_format").annotation == "Union[None, Mapping[str, Any], type]"
    create = {k: v for k, v in create.items() if k != "response_format"}
    assert [(p.kind, p.default, p.annotation) for p in stream.values()] == [
        (p.kind, p.default, p.annotation) for p in create.values()
    ]


def test_error_status_raises_at_the_call(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(BadRequestError) as caught:
        chat.stream(session, model="gpt-4o-mini", messages=[], timeout=5)

    assert caught.value.status_code == 400
    assert caught.value.param == "messages"
    assert caught.value.code == "empty_array"
    assert caught.value.body["error"]["param"] == "messages"
    assert (caught.value.request_id or "").startswith("req_")
    assert fake.last.json["stream"] is True


def test_error_status_is_retried_like_any_call(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(error_reply(500, "Try again.", type="server_error"))
    fake.enqueue(error_reply(429, "Slow down.", type="rate_limit_error", headers={"retry-after-ms": "1"}))

    with ask(session) as stream:
        assert stream.retries == 2
        assert chat.join(stream).choices[0].message.content == PARIS
    assert [r.reply_status for r in fake.requests] == [500, 429, 200]
    assert fake.connections == 1

    fake.enqueue(error_reply(429, "Slow down.", type="rate_limit_error"), times=3)
    with pytest.raises(RateLimitError) as caught:
        ask(session)
    assert caught.value.type == "rate_limit_error" and caught.value.message == "Slow down."
    fake.enqueue(error_reply(503, "Down."))
    with pytest.raises(InternalServerError):
        ask(session, max_retries=0)


def test_a_long_error_body_is_read_only_in_part(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(Reply(502, body=b"<html>" + b"x" * 300_000 + b"</html>", content_type="text/html"))

    with pytest.raises(InternalServerError) as caught:
        ask(session, max_retries=0)
    assert caught.value.body.startswith("<html>xxx")
    assert chat.create(session, model="gpt-4o-mini", messages=QUESTION).ok
    assert fake.connections == 2  # the unread rest was not left in the pool


def test_error_event_raises_a_typed_error_after_the_events_before_it(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    error = {"message": "The server had an error.", "type": "server_error", "param": None}
    error["code"] = "overloaded"
    fake.enqueue(sse_reply([chunk("The"), {"error": error}, chunk(" rest")], done=True))

    received: List[str] = []
    with pytest.raises(APIStreamError) as caught, ask(session) as stream:
        for piece in stream:
            received.append(piece.choices[0].delta.content or "")
    assert received == ["The"]
    assert isinstance(caught.value, OpenAIError)
    assert (caught.value.message, caught.value.type, caught.value.code, caught.value.param) == (
        "The server had an error.",
        "server_error",
        "overloaded",
        None,
    )
    assert (caught.value.request_id or "").startswith("req_")
    assert caught.value.body == {"error": error}
    assert "server_error" in str(caught.value)


def test_named_error_event(fake: FakeOpenAI, session: OpenAISession) -> None:
    event = 'event: error\ndata: {"type": "error", "message": "Bad thing.", "code": "bad", "param": "x"}\n\n'
    fake.enqueue(sse_reply([event]))

    with pytest.raises(APIStreamError) as caught:
        list(ask(session))
    assert (caught.value.message, caught.value.code, caught.value.param) == ("Bad thing.", "bad", "x")


def test_data_that_is_not_a_chunk(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(sse_reply(["data: {not json\n\n"]))
    with pytest.raises(APIResponseValidationError, match="not valid JSON"):
        list(ask(session))
    fake.enqueue(sse_reply([{"id": "x", "choices": {"no": "list"}}]))
    with pytest.raises(APIResponseValidationError, match="documented shape"):
        list(ask(session))


def test_missing_done_is_a_cut_stream(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(sse_reply([chunk("The"), chunk(" capital")], done=False))

    received: List[str] = []
    with pytest.raises(APIConnectionError, match=r"ended before \[DONE\]"), ask(session) as stream:
        for piece in stream:
            received.append(piece.choices[0].delta.content or "")
    assert received == ["The", " capital"]


def test_events_cut_into_small_http_chunks(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(sse_reply([chunk("The"), chunk(" end", finish="stop")], split=3))

    assert [c.choices[0].delta.content for c in ask(session)] == ["The", " end"]
    assert len(fake.last.reply_body) > 3 * 100


def test_a_stream_ending_mid_event_is_cut(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(sse_reply([chunk("The"), "data: [DONE]"], done=False))
    with pytest.raises(APIConnectionError, match="in the middle of an event"):
        list(ask(session))


def test_connection_dropped_mid_body(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(sse_reply([chunk("a"), chunk("b"), chunk("c"), chunk("d")], drop="mid_body"))

    received: List[str] = []
    with pytest.raises(APIConnectionError) as caught, ask(session) as stream:
        for piece in stream:
            received.append(piece.choices[0].delta.content or "")
    assert received == ["a", "b"]
    assert not isinstance(caught.value, APITimeoutError)
    assert chat.create(session, model="gpt-4o-mini", messages=QUESTION).ok  # the session still works


def test_read_timeout_mid_stream(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(sse_reply([chunk("The"), chunk(" capital")], chunk_delay=2.0))

    received: List[str] = []
    started = time.monotonic()
    with pytest.raises(APITimeoutError), ask(session, timeout=(2.0, 0.2)) as stream:
        for piece in stream:
            received.append(piece.choices[0].delta.content or "")
    assert received == ["The"]
    assert time.monotonic() - started < 1.5


def test_twenty_streams_use_one_connection(fake: FakeOpenAI, session: OpenAISession) -> None:
    for _ in range(20):
        with ask(session) as stream:
            assert chat.join(stream).choices[0].message.content == PARIS
    assert len(fake.requests) == 20
    assert fake.connections == 1


def test_without_with_a_finished_stream_releases_its_connection(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    for _ in range(5):
        assert len(list(ask(session))) == 8
    assert fake.connections == 1


def test_closing_early_reuses_a_connection_whose_body_has_arrived(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    for _ in range(3):
        with ask(session) as stream:
            first = next(stream)
            time.sleep(0.05)  # let the rest of the body arrive: the close waits only 20 ms
        assert first.choices[0].delta.role == "assistant"
        with pytest.raises(StopIteration):
            next(stream)
    ask(session).close()  # closed before reading anything
    assert fake.connections == 1


def test_closing_early_mid_generation_closes_the_connection(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(sse_reply([chunk("The"), chunk(" capital")], chunk_delay=2.0))

    started = time.monotonic()
    with ask(session) as stream:
        assert next(stream).choices[0].delta.content == "The"
    assert time.monotonic() - started < 0.5
    assert chat.create(session, model="gpt-4o-mini", messages=QUESTION).ok
    assert fake.connections == 2


def test_time_to_first_event(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(sse_reply([chunk("The"), chunk(" capital")], chunk_delay=1.0))

    started = time.monotonic()
    with ask(session) as stream:
        first = next(stream)
        elapsed = time.monotonic() - started
    assert first.choices[0].delta.content == "The"
    print(f"time to first event (chunked): {elapsed * 1000:.1f} ms")
    assert elapsed < 0.5


def test_any_requests_session(fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", fake.api_key)
    monkeypatch.setenv("OPENAI_BASE_URL", fake.url)
    with requests.Session() as plain:
        for _ in range(3):
            with ask(plain) as stream:  # type: ignore[arg-type]
                assert chat.join(stream).choices[0].message.content == PARIS
    assert fake.last.headers["Authorization"] == "Bearer " + fake.api_key
    assert fake.connections == 1


def test_stream_is_an_iterator_with_a_repr(fake: FakeOpenAI, session: OpenAISession) -> None:
    stream = ask(session)
    assert iter(stream) is stream
    assert repr(stream) == f"<Stream status_code=200 request_id={stream.request_id!r}>"
    assert stream.response.status_code == 200
    stream.close()
    stream.close()
    assert list(stream) == []


def test_open_stream_with_a_terminal_event(fake: FakeOpenAI, session: OpenAISession) -> None:
    events = [
        'event: response.created\ndata: {"n": 1}\n\n',
        'event: response.completed\ndata: {"n": 2}\n\n',
    ]

    def decode(sse: ServerSentEvent) -> str:
        return f"{sse.event}:{sse.json()['n']}"

    def terminal(sse: ServerSentEvent) -> bool:
        return sse.event == "response.completed"

    for _ in range(3):
        fake.enqueue(sse_reply(events, done=False), path="/custom")
        stream = open_stream(session, "POST", "/custom", json_body={"a": 1}, decode=decode, terminal=terminal)
        assert list(stream) == ["response.created:1", "response.completed:2"]
    assert fake.connections == 1

    fake.enqueue(sse_reply(events[:1], done=False), path="/custom")
    stream = open_stream(session, "POST", "/custom", json_body={}, decode=decode, terminal=terminal)
    with pytest.raises(APIConnectionError, match="before its terminal event"):
        list(stream)


# -- framings other than chunked, from a raw socket server ------------------------------


class RawServer:
    """Answers each request on 127.0.0.1 with scripted pieces: bytes to send, or seconds to wait.

    A script that ends with ``CLOSE`` closes the connection after it.
    """

    CLOSE = "close"

    def __init__(self, scripts: List[List[Union[bytes, float, str]]]) -> None:
        self.scripts = scripts
        self.connections = 0
        self.stopped = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/v1"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while self.scripts and not self.stopped.is_set():
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            with sock, sock.makefile("rb") as rfile:
                while self.scripts and self._read_request(rfile):
                    if not self._play(sock, self.scripts.pop(0)):
                        break

    @staticmethod
    def _read_request(rfile: Any) -> bool:
        length = 0
        line = rfile.readline()
        if not line:
            return False
        while line not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
            line = rfile.readline()
        rfile.read(length)
        return True

    def _play(self, sock: socket.socket, script: List[Union[bytes, float, str]]) -> bool:
        try:
            for step in script:
                if isinstance(step, bytes):
                    sock.sendall(step)
                elif isinstance(step, float) and self.stopped.wait(step):
                    return False
        except OSError:
            return False
        return script[-1:] != [self.CLOSE]

    def close(self) -> None:
        self.stopped.set()
        self.listener.close()


@pytest.fixture
def raw_server() -> Iterator[Any]:
    servers: List[RawServer] = []

    def start(*scripts: List[Union[bytes, float, str]]) -> RawServer:
        servers.append(RawServer(list(scripts)))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def head(length: Optional[int] = None, close: bool = False) -> bytes:
    lines = ["HTTP/1.1 200 OK", "Content-Type: text/event-stream", "x-request-id: req_raw"]
    lines += [f"Content-Length: {length}"] if length is not None else []
    lines += ["Connection: close"] if close else []
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


FIRST = b"data: " + json.dumps(chunk("The")).encode() + b"\n\n"
REST = b"data: " + json.dumps(chunk(" end", finish="stop")).encode() + b"\n\ndata: [DONE]\n\n"


def raw_session(server: RawServer) -> OpenAISession:
    return OpenAISession(api_key="sk-raw", base_url=server.url, max_retries=OpenAIRetry.for_tries(0))


@pytest.mark.parametrize("framing", ["content-length", "close-delimited"])
def test_time_to_first_event_without_chunked_encoding(raw_server: Any, framing: str) -> None:
    size = len(FIRST + REST)
    response = head(size) if framing == "content-length" else head(close=True)
    server = raw_server([response + FIRST, 1.0, REST, RawServer.CLOSE])
    session = raw_session(server)

    started = time.monotonic()
    with ask(session) as stream:
        first = next(stream)
        elapsed = time.monotonic() - started
    assert first.choices[0].delta.content == "The"
    print(f"time to first event ({framing}, urllib3 {urllib3.__version__}): {elapsed * 1000:.1f} ms")
    assert elapsed < 0.5


@pytest.mark.parametrize("framing", ["content-length", "close-delimited"])
def test_whole_stream_without_chunked_encoding(raw_server: Any, framing: str) -> None:
    body = FIRST + REST
    if framing == "content-length":
        scripts = [[head(len(body)) + body[:40], 0.01, body[40:]] for _ in range(3)]
    else:
        scripts = [[head(close=True) + body[:40], 0.01, body[40:], RawServer.CLOSE] for _ in range(3)]
    server = raw_server(*scripts)
    session = raw_session(server)

    for _ in range(3):
        with ask(session) as stream:
            assert stream.request_id == "req_raw"
            assert chat.join(stream).choices[0].message.content == "The end"
    assert server.connections == (1 if framing == "content-length" else 3)


@pytest.mark.parametrize("framing", ["content-length", "close-delimited"])
def test_cut_without_chunked_encoding(raw_server: Any, framing: str) -> None:
    body = FIRST + REST
    response = head(len(body)) if framing == "content-length" else head(close=True)
    server = raw_server([response + FIRST + REST[:30], RawServer.CLOSE])

    received = []
    with pytest.raises(APIConnectionError), ask(raw_session(server)) as stream:
        for piece in stream:
            received.append(piece.choices[0].delta.content)
    assert received == ["The"]


@pytest.mark.parametrize("chunked", [True, False])
def test_gzip_compressed_stream_is_decoded(fake: FakeOpenAI, session: OpenAISession, chunked: bool) -> None:
    import gzip

    body = b"".join(
        b"data: " + json.dumps(c).encode() + b"\n\n" for c in (chunk("The"), chunk(" end", finish="stop"))
    )
    packed = gzip.compress(body + b"data: [DONE]\n\n")
    headers = {"Content-Type": "text/event-stream", "Content-Encoding": "gzip"}
    if chunked:
        fake.enqueue(Reply(headers=headers, chunks=[packed[:20], packed[20:]]))
    else:
        fake.enqueue(Reply(headers=headers, body=packed))

    assert [c.choices[0].delta.content for c in ask(session)] == ["The", " end"]
