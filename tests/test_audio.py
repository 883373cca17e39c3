"""Tests of openai_lite.audio against FakeOpenAI."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Callable, List, Tuple

import pytest
from conformance import validate_response

from openai_lite import BadRequestError, NotFoundError, OpenAISession, audio
from openai_lite.audio import (
    Transcription,
    TranscriptionDiarized,
    TranscriptionSegment,
    TranscriptionUsageDuration,
    TranscriptionUsageTokens,
    TranscriptionVerbose,
    TranscriptionWord,
    Translation,
    TranslationVerbose,
)
from openai_lite.testing import FakeOpenAI, RecordedRequest, Reply, error_reply, json_reply

# An MP3 frame header followed by bytes that are not valid UTF-8.
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x64" + bytes(range(256)) + b"\r\n--\r\n"
TRANSCRIPT = "Hello, world. This is a fake transcription."
TRANSLATION = "Hello, world. This is a fake translation."


@pytest.fixture
def mp3(tmp_path: Path) -> Path:
    path = tmp_path / "HalloWereld.mp3"
    path.write_bytes(MP3)
    return path


def parts_of(request: RecordedRequest) -> List[Tuple[str, Any]]:
    """(name, filename or text) of each part, in order."""
    return [(p.name, p.filename if p.filename is not None else p.text) for p in request.parts]


def check_upload(request: RecordedRequest, fake: FakeOpenAI, path: str) -> None:
    assert (request.method, request.route_path, request.query) == ("POST", path, {})
    assert request.headers["Authorization"] == "Bearer " + fake.api_key
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    part = request.files["file"]
    assert (part.filename, part.content_type, part.data) == ("HalloWereld.mp3", "audio/mpeg", MP3)


# -- the seed tours ------------------------------------------------------------


def test_translate_seed_tour(fake: FakeOpenAI, session: OpenAISession, mp3: Path) -> None:
    resp = audio.translate(session, file=str(mp3), model="whisper-1")

    check_upload(fake.last, fake, "/audio/translations")
    assert parts_of(fake.last) == [("file", "HalloWereld.mp3"), ("model", "whisper-1")]
    assert resp.status_code == 200
    assert resp.data == Translation(text=TRANSLATION)


def test_transcribe_seed_tour(fake: FakeOpenAI, session: OpenAISession, mp3: Path) -> None:
    resp = audio.transcribe(session, file=mp3, model="whisper-1")

    check_upload(fake.last, fake, "/audio/transcriptions")
    assert parts_of(fake.last) == [("file", "HalloWereld.mp3"), ("model", "whisper-1")]
    assert resp.status_code == 200
    data = resp.data
    assert isinstance(data, Transcription)
    assert data.text == TRANSCRIPT
    assert data.usage == TranscriptionUsageDuration(seconds=3.5)


# -- response formats ----------------------------------------------------------

# The spec gives these responses as a oneOf whose branches overlap (a verbose body is also a
# valid plain JSON body), so a strict oneOf check rejects every verbose answer.
overlapping_one_of = pytest.mark.off_spec

SRT = "1\n00:00:00,000 --> 00:00:01,000\nHello, world.\n\n2\n00:00:01,000 --> 00:00:03,500\n"


@pytest.mark.parametrize("function", [audio.transcribe, audio.translate], ids=["transcribe", "translate"])
@pytest.mark.parametrize("response_format", ["text", "srt", "vtt"])
def test_text_formats_return_str(
    fake: FakeOpenAI, session: OpenAISession, mp3: Path, function: Callable[..., Any], response_format: str
) -> None:
    resp = function(session, file=mp3, model="whisper-1", response_format=response_format)
    assert fake.last.form["response_format"] == response_format
    assert resp.status_code == 200
    assert isinstance(resp.data, str)
    assert resp.data == fake.last.reply_body.decode("utf-8")
    expected = TRANSCRIPT if function is audio.transcribe else TRANSLATION
    if response_format == "text":
        assert resp.data == expected + "\n"
    elif response_format == "srt":
        assert resp.data.startswith(SRT)
    else:
        assert resp.data.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello, world.\n")


def test_text_body_is_decoded_as_utf8(fake: FakeOpenAI, session: OpenAISession, mp3: Path) -> None:
    text = "1\n00:00:00,000 --> 00:00:02,000\nHallo wereld, café — ☕\n"
    fake.enqueue(Reply(200, body=text.encode("utf-8"), content_type="text/plain"))
    resp = audio.transcribe(session, file=mp3, model="whisper-1", response_format="srt")
    assert resp.data == text


@overlapping_one_of
def test_transcribe_verbose_json_with_word_and_segment_timestamps(
    fake: FakeOpenAI, session: OpenAISession, mp3: Path
) -> None:
    resp = audio.transcribe(
        session,
        file=mp3,
        model="whisper-1",
        response_format="verbose_json",
        timestamp_granularities=["word", "segment"],
        language="fr",
    )

    req = fake.last
    check_upload(req, fake, "/audio/transcriptions")
    assert parts_of(req) == [
        ("file", "HalloWereld.mp3"),
        ("model", "whisper-1"),
        ("language", "fr"),
        ("response_format", "verbose_json"),
        ("timestamp_granularities[]", "word"),
        ("timestamp_granularities[]", "segment"),
    ]
    data = resp.data
    assert isinstance(data, TranscriptionVerbose)
    assert (data.text, data.language, data.duration) == (TRANSCRIPT, "french", 3.5)
    assert data.usage == TranscriptionUsageDuration(seconds=3.5)
    assert data.segments is not None and len(data.segments) == 2
    first = data.segments[0]
    assert isinstance(first, TranscriptionSegment)
    assert (first.id, first.start, first.end, first.text) == (0, 0.0, 1.0, " Hello, world.")
    assert first.tokens == [50364, 50365]
    assert first.no_speech_prob == 0.01
    assert data.words is not None and len(data.words) == 7
    assert data.words[0] == TranscriptionWord(word="Hello", start=0.0, end=0.5)


@overlapping_one_of
def test_translate_verbose_json(fake: FakeOpenAI, session: OpenAISession, mp3: Path) -> None:
    resp = audio.translate(session, file=mp3, model="whisper-1", response_format="verbose_json")
    data = resp.data
    assert isinstance(data, TranslationVerbose)
    assert (data.text, data.language, data.duration) == (TRANSLATION, "english", 3.5)
    assert data.segments is not None
    assert [s.text for s in data.segments] == [" Hello, world.", " This is a fake translation."]


@overlapping_one_of
def test_response_format_as_plain_str_picks_the_type(
    fake: FakeOpenAI, session: OpenAISession, mp3: Path
) -> None:
    formats: List[str] = ["json", "verbose_json", "vtt"]
    kinds = [
        type(audio.transcribe(session, file=mp3, model="whisper-1", response_format=f).data) for f in formats
    ]
    assert kinds == [Transcription, TranscriptionVerbose, str]


def test_diarized_json(fake: FakeOpenAI, session: OpenAISession, mp3: Path) -> None:
    body = {
        "task": "transcribe",
        "duration": 12.8,
        "text": "Agent: Thanks for calling.\nCustomer: Hi.",
        "segments": [
            {
                "type": "transcript.text.segment",
                "id": "seg_001",
                "start": 0.0,
                "end": 5.2,
                "text": "Thanks for calling.",
                "speaker": "agent",
            },
            {
                "type": "transcript.text.segment",
                "id": "seg_002",
                "start": 5.2,
                "end": 12.8,
                "text": "Hi.",
                "speaker": "A",
            },
        ],
        "usage": {
            "type": "tokens",
            "input_tokens": 14,
            "input_token_details": {"text_tokens": 10, "audio_tokens": 4},
            "output_tokens": 101,
            "total_tokens": 115,
        },
    }
    fake.enqueue(json_reply(body))

    resp = audio.transcribe(
        session,
        file=mp3,
        model="gpt-4o-transcribe-diarize",
        response_format="diarized_json",
        chunking_strategy="auto",
        known_speaker_names=["agent"],
        known_speaker_references=["data:audio/wav;base64,AAAA"],
    )

    assert parts_of(fake.last)[1:] == [
        ("model", "gpt-4o-transcribe-diarize"),
        ("chunking_strategy", "auto"),
        ("known_speaker_names[]", "agent"),
        ("known_speaker_references[]", "data:audio/wav;base64,AAAA"),
        ("response_format", "diarized_json"),
    ]
    data = resp.data
    assert isinstance(data, TranscriptionDiarized)
    assert (data.task, data.duration, data.text) == ("transcribe", 12.8, body["text"])
    assert [(s.id, s.speaker, s.start, s.end) for s in data.segments] == [
        ("seg_001", "agent", 0.0, 5.2),
        ("seg_002", "A", 5.2, 12.8),
    ]
    assert isinstance(data.usage, TranscriptionUsageTokens)
    assert data.usage.total_tokens == 115
    assert data.usage.input_token_details is not None
    assert data.usage.input_token_details.audio_tokens == 4


def test_transcribe_json_with_logprobs_and_token_usage(
    fake: FakeOpenAI, session: OpenAISession, mp3: Path
) -> None:
    body = {
        "text": "Hallo.",
        "logprobs": [{"token": "Hallo", "logprob": -0.01, "bytes": [72, 97, 108, 108, 111]}],
        "usage": {"type": "tokens", "input_tokens": 5, "output_tokens": 2, "total_tokens": 7},
    }
    validate_response("POST", "/audio/transcriptions", 200, body)
    fake.enqueue(json_reply(body))

    resp = audio.transcribe(session, file=mp3, model="gpt-4o-transcribe", include=["logprobs"])

    assert ("include[]", "logprobs") in parts_of(fake.last)
    data = resp.data
    assert data.text == "Hallo."
    assert data.logprobs is not None
    assert (data.logprobs[0].token, data.logprobs[0].logprob) == ("Hallo", -0.01)
    assert data.logprobs[0].bytes == [72, 97, 108, 108, 111]
    assert data.usage == TranscriptionUsageTokens(input_tokens=5, output_tokens=2, total_tokens=7)


# -- the form ------------------------------------------------------------------


def test_transcribe_sends_every_parameter(fake: FakeOpenAI, session: OpenAISession, mp3: Path) -> None:
    audio.transcribe(
        session,
        file=mp3,
        model="gpt-transcribe",
        chunking_strategy={"type": "server_vad", "threshold": 0.5},
        keywords=["OpenAI", "Whisper"],
        languages=["nl", "en"],
        language="nl",
        prompt="Hallo wereld",
        temperature=0.2,
    )
    assert parts_of(fake.last) == [
        ("file", "HalloWereld.mp3"),
        ("model", "gpt-transcribe"),
        ("chunking_strategy[type]", "server_vad"),
        ("chunking_strategy[threshold]", "0.5"),
        ("keywords[]", "OpenAI"),
        ("keywords[]", "Whisper"),
        ("language", "nl"),
        ("languages[]", "nl"),
        ("languages[]", "en"),
        ("prompt", "Hallo wereld"),
        ("temperature", "0.2"),
    ]


def test_translate_sends_every_parameter(fake: FakeOpenAI, session: OpenAISession, mp3: Path) -> None:
    audio.translate(
        session,
        file=mp3,
        model="whisper-1",
        prompt="Hallo wereld",
        response_format="json",
        temperature=0,
        extra_body={"a_new_field": "x"},
        extra_headers={FakeOpenAI.OFF_SPEC_HEADER: "1"},  # a field the spec does not know
    )
    assert parts_of(fake.last) == [
        ("file", "HalloWereld.mp3"),
        ("model", "whisper-1"),
        ("prompt", "Hallo wereld"),
        ("response_format", "json"),
        ("temperature", "0"),
        ("a_new_field", "x"),
    ]


@pytest.mark.parametrize(
    "make, filename, content_type",
    [
        (lambda p: p, "HalloWereld.mp3", "audio/mpeg"),
        (lambda p: str(p), "HalloWereld.mp3", "audio/mpeg"),
        (lambda p: p.read_bytes(), "file", "application/octet-stream"),
        (lambda p: bytearray(p.read_bytes()), "file", "application/octet-stream"),
        (lambda p: ("speech.wav", p.read_bytes()), "speech.wav", "audio/x-wav"),
        (lambda p: ("speech", p.read_bytes(), "audio/mpeg"), "speech", "audio/mpeg"),
        (lambda p: ("other.mp3", str(p)), "other.mp3", "audio/mpeg"),
        (lambda p: io.BytesIO(p.read_bytes()), "file", "application/octet-stream"),
        (lambda p: ("speech.mp3", io.BytesIO(p.read_bytes())), "speech.mp3", "audio/mpeg"),
    ],
    ids=["pathlib", "str", "bytes", "bytearray", "tuple", "tuple-type", "tuple-path", "bytesio", "tuple-io"],
)
def test_file_forms(
    fake: FakeOpenAI,
    session: OpenAISession,
    mp3: Path,
    make: Callable[[Path], Any],
    filename: str,
    content_type: str,
) -> None:
    resp = audio.transcribe(session, file=make(mp3), model="whisper-1")
    assert resp.status_code == 200
    part = fake.last.files["file"]
    assert part.filename == filename
    assert part.content_type in (content_type, "audio/wav")  # mimetypes differs between Pythons
    assert part.data == MP3
    assert fake.last.headers["Content-Length"] == str(len(fake.last.body))


def test_open_binary_file_from_its_position(fake: FakeOpenAI, session: OpenAISession, mp3: Path) -> None:
    with open(mp3, "rb") as f:
        f.read(3)
        audio.translate(session, file=f, model="whisper-1")
        assert not f.closed
    part = fake.last.files["file"]
    assert (part.filename, part.content_type, part.data) == ("HalloWereld.mp3", "audio/mpeg", MP3[3:])


def test_retry_resends_the_whole_file(fake: FakeOpenAI, session: OpenAISession, mp3: Path) -> None:
    fake.enqueue(error_reply(503, "Overloaded.", type="server_error"))
    with open(mp3, "rb") as f:
        resp = audio.transcribe(session, file=f, model="whisper-1")
    assert (resp.status_code, resp.retries) == (200, 1)
    assert [r.files["file"].data for r in fake.requests] == [MP3, MP3]


# -- bad input and errors ------------------------------------------------------


def test_missing_file_raises_before_sending(fake: FakeOpenAI, session: OpenAISession, tmp_path: Path) -> None:
    missing = tmp_path / "missing.mp3"
    with pytest.raises(FileNotFoundError, match="^file: .*missing.mp3"):
        audio.transcribe(session, file=missing, model="whisper-1")
    with pytest.raises(FileNotFoundError, match="^file: "):
        audio.translate(session, file=str(missing), model="whisper-1")
    assert fake.requests == []


def test_text_mode_file_raises_type_error(fake: FakeOpenAI, session: OpenAISession, mp3: Path) -> None:
    with open(mp3, encoding="latin-1") as f:
        with pytest.raises(TypeError, match="^file: .*text mode"):
            audio.transcribe(session, file=f, model="whisper-1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^file: .*text mode"):
        audio.translate(session, file=io.StringIO("x"), model="whisper-1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^file: expected a path"):
        audio.translate(session, file=3.5, model="whisper-1")  # type: ignore[call-overload]
    assert fake.requests == []


def test_bad_response_format_is_a_400(fake: FakeOpenAI, session: OpenAISession, mp3: Path) -> None:
    resp = audio.translate(session, file=mp3, model="whisper-1", response_format="xml")
    assert resp.status_code == 400
    assert resp.error is not None and resp.error.param == "response_format"
    with pytest.raises(BadRequestError):
        _ = resp.data


def test_unknown_model_is_a_404(fake: FakeOpenAI, session: OpenAISession, mp3: Path) -> None:
    fake.enqueue(error_reply(404, "The model 'whisper-9' does not exist.", code="model_not_found"))
    resp = audio.transcribe(session, file=mp3, model="whisper-9", response_format="text")
    assert resp.status_code == 404
    assert resp.error is not None and resp.error.code == "model_not_found"
    with pytest.raises(NotFoundError) as info:
        _ = resp.data
    assert info.value.code == "model_not_found"
    assert fake.last.form["model"] == "whisper-9"
