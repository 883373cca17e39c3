"""Text to speech: the audio as bytes, and streamed into a file, against FakeOpenAI."""

from __future__ import annotations

from pathlib import Path

import pytest

from openai_lite import APIConnectionError, BadRequestError, OpenAISession, audio
from openai_lite.testing import FakeOpenAI, Reply, error_reply
from openai_lite.testing._routes_audio import SPEECH_CHUNK, speech_audio

TEXT = "Today is a wonderful day to build something people love"


def test_speech_returns_the_audio(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = audio.speech(session, input=TEXT, model="gpt-4o-mini-tts", voice="coral")

    assert resp.status_code == 200
    assert resp.data == speech_audio(TEXT, "mp3") and resp.data.startswith(b"ID3")
    assert resp.headers["Content-Type"] == "audio/mpeg"
    assert resp.headers["Transfer-Encoding"] == "chunked"
    sent = fake.last
    assert (sent.method, sent.path, sent.query) == ("POST", "/v1/audio/speech", {})
    assert sent.headers["Authorization"] == "Bearer " + fake.api_key
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.json == {"input": TEXT, "model": "gpt-4o-mini-tts", "voice": "coral"}


def test_speech_options_go_into_the_body(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = audio.speech(
        session,
        input="Hi",
        model="gpt-4o-mini-tts",
        voice={"id": "voice_123"},
        instructions="Speak cheerfully.",
        response_format="wav",
        speed=1.25,
    )

    assert resp.data == speech_audio("Hi", "wav") and resp.headers["Content-Type"] == "audio/wav"
    assert fake.last.json == {
        "input": "Hi",
        "model": "gpt-4o-mini-tts",
        "voice": {"id": "voice_123"},
        "instructions": "Speak cheerfully.",
        "response_format": "wav",
        "speed": 1.25,
    }


def test_speech_to_file_streams_a_chunked_reply(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path
) -> None:
    target = tmp_path / "speech.mp3"
    target.write_bytes(b"old")
    expected = speech_audio(TEXT)
    assert len(expected) > 4 * SPEECH_CHUNK

    resp = audio.speech_to_file(session, target, input=TEXT, model="tts-1", voice="alloy")

    assert resp.status_code == 200 and resp.data == len(expected)
    assert resp.headers["Transfer-Encoding"] == "chunked"
    assert target.read_bytes() == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["speech.mp3"]
    assert fake.last.json == {"input": TEXT, "model": "tts-1", "voice": "alloy"}


def test_speech_to_file_keeps_the_old_file_when_the_body_is_cut(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path
) -> None:
    target = tmp_path / "speech.mp3"
    target.write_bytes(b"old")
    fake.enqueue(
        Reply(
            200, chunks=[b"ID3", b"a" * 1000, b"b" * 1000, b"c"], drop="mid_body", content_type="audio/mpeg"
        )
    )

    with pytest.raises(APIConnectionError):
        audio.speech_to_file(session, str(target), input="Hi", model="tts-1", voice="alloy")

    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["speech.mp3"]


def test_speech_to_file_writes_nothing_on_an_error(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path
) -> None:
    fake.enqueue(error_reply(400, "Invalid voice.", param="voice"))

    resp = audio.speech_to_file(session, tmp_path / "out.mp3", input="Hi", model="tts-1", voice="nobody")

    assert resp.status_code == 400 and resp.error is not None and resp.error.param == "voice"
    with pytest.raises(BadRequestError):
        resp.data
    assert list(tmp_path.iterdir()) == []


def test_speech_to_file_checks_the_path_first(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path
) -> None:
    with pytest.raises(FileNotFoundError, match="path"):
        audio.speech_to_file(
            session, tmp_path / "nowhere" / "a.mp3", input="Hi", model="tts-1", voice="alloy"
        )
    with pytest.raises(IsADirectoryError, match="path"):
        audio.speech_to_file(session, tmp_path, input="Hi", model="tts-1", voice="alloy")
    with pytest.raises(TypeError, match="path"):
        audio.speech_to_file(session, 3, input="Hi", model="tts-1", voice="alloy")  # type: ignore[arg-type]
    assert fake.requests == []


def test_speech_refused_by_the_fake(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = audio.speech(session, input="Hi", model="tts-1", voice="alloy", speed=9)

    assert resp.status_code == 400 and resp.error is not None and resp.error.param == "speed"
