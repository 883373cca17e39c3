"""Typed streams: a background response resumed, images, transcripts and speech."""

from __future__ import annotations

import base64
import io
import json
from typing import Any, List

import pytest
from conformance import _check, _validator

from openai_lite import (
    APIConnectionError,
    APIStreamError,
    BadRequestError,
    NotFoundError,
    OpenAISession,
    audio,
    images,
    responses,
)
from openai_lite.audio import (
    SpeechAudioDeltaEvent,
    SpeechAudioDoneEvent,
    SpeechOtherEvent,
    SpeechUsage,
    TranscriptionUsageTokens,
    TranscriptOtherEvent,
    TranscriptTextDeltaEvent,
    TranscriptTextDoneEvent,
    TranscriptTextSegmentEvent,
)
from openai_lite.images import ImageCompletedEvent, ImageOtherEvent, ImagePartialImageEvent
from openai_lite.response_events import ResponseLifecycleEvent, ResponseTextDeltaEvent
from openai_lite.testing import FakeOpenAI, sse_reply
from openai_lite.testing._routes_audio import SENTENCES, speech_audio
from openai_lite.testing._routes_images import PNG
from openai_lite.testing._server import count_tokens

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt "
SAID = "Hello there, and welcome to the show."


def served_events(fake: FakeOpenAI, index: int = -1) -> List[Any]:
    """The JSON data of each event the fake sent in its *index*-th reply."""
    body = fake.requests[index].reply_body.decode("utf-8")
    blocks = [b for b in body.split("\n\n") if b.strip()]
    return [json.loads(b.split("data: ", 1)[1]) for b in blocks]


def check_served(fake: FakeOpenAI, schema: str, index: int = -1) -> None:
    """The fake's events follow the spec's schema of the stream."""
    validator = _validator("/components/schemas/" + schema)
    for event in served_events(fake, index):
        _check(validator, event, "stream event")


# -- a background response, resumed ---------------------------------------------------------


def test_background_stream_resumes_after_the_last_event_received(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    with responses.stream(session, model="gpt-4o-mini", input="Hi", background=True) as first:
        received = [next(first) for _ in range(4)]
    assert [e.type for e in received[:2]] == ["response.created", "response.queued"]
    assert fake.last.json["background"] is True and fake.last.json["stream"] is True
    response_id = received[0].response.id  # type: ignore[union-attr]
    last = received[-1].sequence_number
    assert last == 3

    with responses.retrieve_stream(session, response_id, starting_after=last) as rest:
        resumed = list(rest)

    req = fake.last
    assert (req.method, req.route_path) == ("GET", f"/responses/{response_id}")
    assert req.query == {"stream": ["true"], "starting_after": ["3"]}
    assert req.body == b""
    assert [e.sequence_number for e in resumed] == list(range(4, 4 + len(resumed)))
    assert isinstance(resumed[-1], ResponseLifecycleEvent) and resumed[-1].type == "response.completed"
    text = "".join(e.delta for e in received + resumed if isinstance(e, ResponseTextDeltaEvent))
    assert text == resumed[-1].response.output_text != ""
    check_served(fake, "ResponseStreamEvent")
    check_served(fake, "ResponseStreamEvent", 0)


def test_retrieve_stream_from_the_start_with_its_options(fake: FakeOpenAI, session: OpenAISession) -> None:
    created = responses.create(session, model="gpt-4o-mini", input="Hi", background=True).data
    with responses.retrieve_stream(
        session, created.id, include=["message.output_text.logprobs"], include_obfuscation=False
    ) as events:
        types = [e.type for e in events]
    assert fake.last.query == {
        "include[]": ["message.output_text.logprobs"],
        "include_obfuscation": ["false"],
        "stream": ["true"],
    }
    assert types[:3] == ["response.created", "response.queued", "response.in_progress"]
    assert types[-1] == "response.completed"
    assert fake.connections == 1


def test_retrieve_stream_of_a_cut_stream_raises(fake: FakeOpenAI, session: OpenAISession) -> None:
    delta = {"type": "response.output_text.delta", "delta": "Hi", "sequence_number": 7}
    fake.enqueue(sse_reply([delta], done=False))
    with responses.retrieve_stream(session, "resp_1", starting_after=6) as events:
        first = next(events)
        with pytest.raises(APIConnectionError):
            next(events)
    assert isinstance(first, ResponseTextDeltaEvent) and (first.delta, first.sequence_number) == ("Hi", 7)


def test_retrieve_stream_refuses_bad_arguments_before_sending(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    with pytest.raises(TypeError, match="starting_after"):
        responses.retrieve_stream(session, "resp_1", starting_after="3")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="starting_after"):
        responses.retrieve_stream(session, "resp_1", starting_after=True)
    with pytest.raises(ValueError, match="response_id"):
        responses.retrieve_stream(session, "")
    assert fake.requests == []


def test_retrieve_stream_of_an_unknown_response_raises_when_opened(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    with pytest.raises(NotFoundError) as caught:
        responses.retrieve_stream(session, "resp_unknown")
    assert caught.value.param == "response_id"


# -- images ----------------------------------------------------------------------------------


def test_generate_stream_yields_partial_and_completed_images(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    with images.generate_stream(
        session, prompt="A river otter", model="gpt-image-1", n=2, partial_images=2, size="1024x1024"
    ) as stream:
        events = list(stream)

    assert fake.last.json == {
        "prompt": "A river otter",
        "model": "gpt-image-1",
        "n": 2,
        "partial_images": 2,
        "size": "1024x1024",
        "stream": True,
    }
    assert [type(e) for e in events] == [ImagePartialImageEvent] * 2 + [ImageCompletedEvent] + (
        [ImagePartialImageEvent] * 2 + [ImageCompletedEvent]
    )
    partial, done = events[1], events[2]
    assert isinstance(partial, ImagePartialImageEvent) and partial.partial_image_index == 1
    assert isinstance(done, ImageCompletedEvent) and done.type == "image_generation.completed"
    assert base64.b64decode(done.b64_json or "") == PNG
    assert done.usage is not None and done.usage.total_tokens == 282
    assert done.usage.input_tokens_details is not None and done.usage.input_tokens_details.text_tokens == 10
    assert (done.size, done.quality, done.output_format) == ("1024x1024", "low", "png")
    check_served(fake, "ImageGenStreamEvent")


def test_edit_stream_sends_a_form_and_yields_edit_events(fake: FakeOpenAI, session: OpenAISession) -> None:
    with images.edit_stream(
        session, image=("otter.png", PNG, "image/png"), prompt="Add a hat", partial_images=1
    ) as stream:
        events = list(stream)

    req = fake.last
    assert req.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert req.form == {"prompt": "Add a hat", "partial_images": "1", "stream": "true"}
    assert req.files["image"].data == PNG and req.files["image"].filename == "otter.png"
    assert [e.type for e in events] == ["image_edit.partial_image", "image_edit.completed"]
    check_served(fake, "ImageEditStreamEvent")


def test_image_stream_keeps_unknown_events_and_reports_errors(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(
        sse_reply(
            [
                {"type": "image_generation.progress", "percent": 50},
                {"type": "image_generation.completed", "b64_json": "AA==", "created_at": 1},
            ],
            done=False,
        )
    )
    events = list(images.generate_stream(session, prompt="p", model="gpt-image-1"))
    assert isinstance(events[0], ImageOtherEvent) and events[0].type == "image_generation.progress"
    assert events[0].model_extra == {"percent": 50}
    assert [e.to_dict() for e in events] == served_events(fake)
    assert isinstance(events[1], ImageCompletedEvent) and events[1].b64_json == "AA=="

    fake.enqueue(
        sse_reply([{"type": "error", "error": {"message": "Blocked.", "code": "moderation_blocked"}}])
    )
    with pytest.raises(APIStreamError) as caught:
        list(images.generate_stream(session, prompt="p", model="gpt-image-1"))
    assert caught.value.code == "moderation_blocked"


def test_image_stream_cut_before_its_last_image_raises(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(sse_reply([{"type": "image_generation.completed", "b64_json": "AA=="}], done=False))
    with pytest.raises(APIConnectionError):
        list(images.generate_stream(session, prompt="p", model="gpt-image-1", n=2))


def test_image_stream_of_dall_e_is_refused_by_the_fake(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(BadRequestError):
        images.generate_stream(session, prompt="p", model="dall-e-3")


# -- transcripts ---------------------------------------------------------------------------


def test_transcribe_stream_yields_deltas_then_the_transcript(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    seen: List[Any] = []
    with audio.transcribe_stream(
        session,
        file=("hello.wav", io.BytesIO(WAV)),
        model="gpt-4o-transcribe",
        include=["logprobs"],
        language="en",
        progress=lambda done, total: seen.append((done, total)),
    ) as stream:
        events = list(stream)

    req = fake.last
    assert req.form == {
        "model": "gpt-4o-transcribe",
        "include[]": "logprobs",
        "language": "en",
        "stream": "true",
    }
    assert req.files["file"].data == WAV
    assert seen and seen[-1][0] == len(WAV)
    *deltas, done = events
    assert all(isinstance(e, TranscriptTextDeltaEvent) for e in deltas)
    assert isinstance(done, TranscriptTextDoneEvent)
    text = " ".join(SENTENCES["transcribe"])
    assert "".join(e.delta for e in deltas) == done.text == text  # type: ignore[union-attr]
    assert isinstance(done.usage, TranscriptionUsageTokens) and done.usage.total_tokens > 0
    check_served(fake, "CreateTranscriptionResponseStreamEvent")


def test_transcribe_stream_decodes_segments_and_logprobs(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(
        sse_reply(
            [
                {
                    "type": "transcript.text.delta",
                    "delta": "Hi",
                    "segment_id": "seg_0",
                    "logprobs": [{"token": "Hi", "logprob": -0.1, "bytes": [72, 105]}],
                },
                {
                    "type": "transcript.text.segment",
                    "id": "seg_0",
                    "start": 0.0,
                    "end": 0.5,
                    "text": "Hi",
                    "speaker": "A",
                },
                {"type": "transcript.text.later", "x": 1},
                {"type": "transcript.text.done", "text": "Hi", "languages": [{"code": "en"}]},
            ],
            done=False,
        )
    )
    delta, segment, other, done = audio.transcribe_stream(
        session, file=("a.wav", WAV), model="gpt-4o-transcribe-diarize"
    )
    assert isinstance(delta, TranscriptTextDeltaEvent) and delta.segment_id == "seg_0"
    assert delta.logprobs is not None and delta.logprobs[0].bytes == [72, 105]
    assert segment == TranscriptTextSegmentEvent(
        type="transcript.text.segment", id="seg_0", start=0.0, end=0.5, text="Hi", speaker="A"
    )
    assert isinstance(other, TranscriptOtherEvent) and other.type == "transcript.text.later"
    assert other.model_extra == {"x": 1}
    assert [e.to_dict() for e in (delta, segment, other, done)] == served_events(fake)
    assert isinstance(done, TranscriptTextDoneEvent) and done.languages is not None
    assert done.languages[0].code == "en"


def test_whisper_does_not_stream(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(ValueError, match="whisper-1"):
        audio.transcribe_stream(session, file=("a.wav", WAV), model="whisper-1")
    assert fake.requests == []
    # The API ignores stream=true for whisper-1, and so does the fake.
    form = {"model": "whisper-1", "stream": "true"}
    resp = audio.transcribe(session, file=("a.wav", WAV), model="whisper-1", extra_body={"stream": True})
    assert fake.last.form == form and fake.last.reply_content_type == "application/json"
    assert resp.data.text == " ".join(SENTENCES["transcribe"])


# -- speech --------------------------------------------------------------------------------


def test_speech_stream_yields_the_audio_in_pieces(fake: FakeOpenAI, session: OpenAISession) -> None:
    with audio.speech_stream(
        session, input=SAID, model="gpt-4o-mini-tts", voice="coral", response_format="wav"
    ) as stream:
        events = list(stream)

    assert fake.last.json == {
        "input": SAID,
        "model": "gpt-4o-mini-tts",
        "voice": "coral",
        "response_format": "wav",
        "stream_format": "sse",
    }
    *pieces, done = events
    assert len(pieces) > 1 and all(isinstance(p, SpeechAudioDeltaEvent) for p in pieces)
    data = b"".join(base64.b64decode(p.audio) for p in pieces)  # type: ignore[union-attr]
    assert data == speech_audio(SAID, "wav")
    assert isinstance(done, SpeechAudioDoneEvent)
    tokens = count_tokens(SAID)
    assert done.usage == SpeechUsage(
        input_tokens=tokens, output_tokens=len(pieces), total_tokens=tokens + len(pieces)
    )
    check_served(fake, "CreateSpeechResponseStreamEvent")


def test_speech_stream_keeps_unknown_events(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(
        sse_reply(
            [
                {"type": "speech.audio.marker", "at": 1},
                {
                    "type": "speech.audio.done",
                    "usage": {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3},
                },
            ],
            done=False,
        )
    )
    other, done = audio.speech_stream(session, input="Hi", model="gpt-4o-mini-tts", voice="coral")
    assert isinstance(other, SpeechOtherEvent) and other.type == "speech.audio.marker"
    assert other.model_extra == {"at": 1}
    assert isinstance(done, SpeechAudioDoneEvent) and done.usage is not None and done.usage.total_tokens == 3


def test_speech_stream_of_tts_1_is_refused_by_the_fake(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(BadRequestError) as caught:
        audio.speech_stream(session, input="Hi", model="tts-1", voice="alloy")
    assert caught.value.param == "stream_format"
