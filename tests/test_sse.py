"""The server-sent events decoder: the standard's parsing rules, at every byte boundary."""

from __future__ import annotations

from typing import List

import pytest

from openai_lite import OpenAISession, chat
from openai_lite._streaming import ServerSentEvent, SSEDecoder
from openai_lite.testing import FakeOpenAI, Reply

QUESTION = [{"role": "user", "content": "What is the capital of the France?"}]


def decode(*pieces: bytes) -> List[ServerSentEvent]:
    decoder = SSEDecoder()
    return [event for piece in pieces for event in decoder.feed(piece)]


def test_fields_comments_and_multiline_data() -> None:
    stream = (
        b": a comment, ignored\n"
        b"event: greeting\n"
        b"id: 7\n"
        b"retry: 1500\n"
        b"data: first line\n"
        b"data:second line\n"
        b"data:  two spaces keep one\n"
        b"\n"
        b"data\n"
        b"\n"
        b"data: {}\n"
        b"\n"
    )

    assert decode(stream) == [
        ServerSentEvent("greeting", "first line\nsecond line\n two spaces keep one", "7", 1500),
        ServerSentEvent("message", "", "7", None),  # a bare "data" field is an empty line of data
        ServerSentEvent("message", "{}", "7", None),  # the id carries over; retry does not
    ]


def test_events_without_data_are_not_dispatched() -> None:
    assert decode(b"event: ping\n\n: keep-alive\n\nid: 3\n\n\n\ndata: x\n\n") == [
        ServerSentEvent("message", "x", "3")
    ]


def test_unknown_fields_bad_retry_and_ids_with_nul_are_ignored() -> None:
    stream = b"id: 1\ndata: a\n\nid: 2\x003\nretry: 10s\nfoo: bar\ndata: b\n\nid\ndata: c\n\n"

    assert decode(stream) == [
        ServerSentEvent("message", "a", "1"),
        ServerSentEvent("message", "b", "1"),
        ServerSentEvent("message", "c", ""),  # an empty id resets it
    ]


def test_an_unfinished_event_is_not_dispatched() -> None:
    decoder = SSEDecoder()

    assert decoder.feed(b"data: complete\n\ndata: cut") == [ServerSentEvent("message", "complete")]
    assert decoder.pending
    assert decoder.feed(b"\n") == [] and decoder.pending


@pytest.mark.parametrize("eol", [b"\n", b"\r", b"\r\n"])
def test_every_line_end_at_every_split_position(eol: bytes) -> None:
    accented = "data: \u00e9t\u00e9 \u20ac".encode()
    lines = [b"event: a", b"data: 1", b"data: 2", b"", b": note", accented, b""]
    stream = b"".join(line + eol for line in lines)
    expected = [ServerSentEvent("a", "1\n2"), ServerSentEvent("message", "\u00e9t\u00e9 \u20ac")]

    assert decode(stream) == expected
    for i in range(len(stream) + 1):
        assert decode(stream[:i], stream[i:]) == expected, i
    assert decode(*[stream[i : i + 1] for i in range(len(stream))]) == expected


def test_a_crlf_split_between_reads_is_one_line_end() -> None:
    decoder = SSEDecoder()

    assert decoder.feed(b"data: x\r") == []
    assert decoder.feed(b"\n\r") == [ServerSentEvent("message", "x")]  # not two line ends
    assert decoder.feed(b"\ndata: y\r\n\r\n") == [ServerSentEvent("message", "y")]


def test_mixed_line_ends_in_one_stream() -> None:
    assert decode(b"data: a\rdata: b\ndata: c\r\n\rdata: d\n\r\n") == [
        ServerSentEvent("message", "a\nb\nc"),
        ServerSentEvent("message", "d"),
    ]


def test_a_bom_is_dropped_at_the_start_only() -> None:
    bom = b"\xef\xbb\xbf"
    stream = bom + b"data: a\n\ndata: " + bom + b"b\n\n"
    expected = [ServerSentEvent("message", "a"), ServerSentEvent("message", "\ufeffb")]

    assert decode(stream) == expected
    assert decode(stream[:1], stream[1:2], stream[2:]) == expected


def test_invalid_utf8_becomes_replacement_characters() -> None:
    assert decode(b"data: caf\xe9 \xff!\n\n") == [ServerSentEvent("message", "caf\ufffd \ufffd!")]
    # A character split between reads is whole; a cut one at a line end is replaced.
    assert decode(b"data: \xe2\x82", b"\xac\n\n") == [ServerSentEvent("message", "\u20ac")]
    assert decode(b"data: \xe2\x82\n\n") == [ServerSentEvent("message", "\ufffd")]


def test_json_of_an_event() -> None:
    assert ServerSentEvent(data='{"a": [1, 2]}').json() == {"a": [1, 2]}


def _real_stream(fake: FakeOpenAI, session: OpenAISession) -> bytes:
    with chat.stream(session, model="gpt-4o-mini", messages=QUESTION) as stream:
        list(stream)
    return fake.last.reply_body


@pytest.mark.parametrize("eol", ["\n", "\r", "\r\n"])
def test_a_real_stream_split_at_every_byte(fake: FakeOpenAI, session: OpenAISession, eol: str) -> None:
    body = _real_stream(fake, session).replace(b"\n", eol.encode())
    whole = decode(body)
    assert len(whole) == 9 and whole[-1].data == "[DONE]"

    # In memory: two reads, cut at each position in turn.
    for i in range(len(body) + 1):
        assert decode(body[:i], body[i:]) == whole, i

    # Over the wire: HTTP chunks of `size` bytes at a few offsets (with 1-byte chunks every
    # position is a boundary); each response must give the same stream.
    expected = chat.join(chat.stream(session, model="gpt-4o-mini", messages=QUESTION))
    for size in (1, 2, 3, 7, 16, 61, 250):
        for offset in range(min(size, 5)):
            cuts = [0, *range(offset or size, len(body), size), len(body)]
            pieces = [body[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]
            fake.enqueue(Reply(chunks=pieces, content_type="text/event-stream"))
            with chat.stream(session, model="gpt-4o-mini", messages=QUESTION) as stream:
                chunks = list(stream)
            assert len(chunks) == 8, (size, offset)
            assert chat.join(chunks).choices == expected.choices, (size, offset)
    assert fake.connections == 1
