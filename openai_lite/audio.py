"""The Audio API: transcribe audio, translate it into English, or make speech from text.

The type of ``data`` follows ``response_format``: a dataclass for ``json`` (the default),
``verbose_json`` and ``diarized_json``, the body as a ``str`` for ``text``, ``srt`` and ``vtt``.

https://platform.openai.com/docs/api-reference/audio
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Mapping, Optional, Sequence, Union, overload

import requests

from ._model import Model
from ._multipart import FileInput, Progress
from ._request import _download, _request, body_of, form_of
from ._response import ApiResponse
from ._streaming import Stream, ends_with, open_stream, tagged_event_decoder

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._request import RequestOptions

    # The keyword arguments of the overloads below besides file, model and response_format;
    # mypy checks that the implementations accept every one of them.
    class _TranscribeOptions(RequestOptions, total=False):
        chunking_strategy: Union[Literal["auto"], Dict[str, Any], None]
        include: Optional[Sequence[Literal["logprobs"]]]
        keywords: Optional[Sequence[str]]
        known_speaker_names: Optional[Sequence[str]]
        known_speaker_references: Optional[Sequence[str]]
        language: Optional[str]
        languages: Optional[Sequence[str]]
        prompt: Optional[str]
        temperature: Optional[float]
        timestamp_granularities: Optional[Sequence[Literal["word", "segment"]]]
        progress: Optional[Progress]

    class _TranslateOptions(RequestOptions, total=False):
        prompt: Optional[str]
        temperature: Optional[float]
        progress: Optional[Progress]


__all__ = [
    "Transcription",
    "TranscriptionVerbose",
    "TranscriptionDiarized",
    "TranscriptionSegment",
    "TranscriptionDiarizedSegment",
    "TranscriptionWord",
    "TranscriptionLogprob",
    "TranscriptionLanguage",
    "TranscriptionUsage",
    "TranscriptionUsageTokens",
    "TranscriptionUsageInputDetails",
    "TranscriptionUsageDuration",
    "Translation",
    "TranslationVerbose",
    "TranscriptTextDeltaEvent",
    "TranscriptTextDoneEvent",
    "TranscriptTextSegmentEvent",
    "TranscriptOtherEvent",
    "TranscriptStreamEvent",
    "SpeechAudioDeltaEvent",
    "SpeechAudioDoneEvent",
    "SpeechUsage",
    "SpeechOtherEvent",
    "SpeechStreamEvent",
    "transcribe",
    "transcribe_stream",
    "translate",
    "speech",
    "speech_stream",
    "speech_to_file",
]


@dataclass
class TranscriptionUsageInputDetails(Model):
    """A breakdown of the input tokens."""

    text_tokens: Optional[int] = None
    audio_tokens: Optional[int] = None


@dataclass
class TranscriptionUsageTokens(Model):
    """Usage of a model billed by tokens."""

    type: Literal["tokens"] = "tokens"
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    input_token_details: Optional[TranscriptionUsageInputDetails] = None


@dataclass
class TranscriptionUsageDuration(Model):
    """Usage of a model billed by the duration of the audio."""

    type: Literal["duration"] = "duration"
    seconds: Optional[float] = None


#: Either kind of usage, told apart by ``type``.
TranscriptionUsage = Union[TranscriptionUsageTokens, TranscriptionUsageDuration]


@dataclass
class TranscriptionLogprob(Model):
    """A token of the transcript with its log probability."""

    token: Optional[str] = None
    logprob: Optional[float] = None
    bytes: Optional[List[int]] = None


@dataclass
class TranscriptionLanguage(Model):
    """A language detected in the audio."""

    code: str


@dataclass
class Transcription(Model):
    """The transcript (``response_format="json"``)."""

    text: str
    usage: Optional[TranscriptionUsage] = None
    logprobs: Optional[List[TranscriptionLogprob]] = None
    languages: Optional[List[TranscriptionLanguage]] = None


@dataclass
class TranscriptionSegment(Model):
    """A segment of the transcript, with timestamps in seconds and decoding details."""

    id: int
    seek: Optional[int] = None
    start: Optional[float] = None
    end: Optional[float] = None
    text: Optional[str] = None
    tokens: Optional[List[int]] = None
    temperature: Optional[float] = None
    avg_logprob: Optional[float] = None
    compression_ratio: Optional[float] = None
    no_speech_prob: Optional[float] = None


@dataclass
class TranscriptionWord(Model):
    """A word of the transcript, with timestamps in seconds."""

    word: str
    start: Optional[float] = None
    end: Optional[float] = None


@dataclass
class TranscriptionVerbose(Model):
    """The transcript with its language, duration and timestamps (``response_format="verbose_json"``).

    ``segments`` and ``words`` are there as ``timestamp_granularities`` asked (segments by default).
    """

    text: str
    language: Optional[str] = None
    duration: Optional[float] = None
    segments: Optional[List[TranscriptionSegment]] = None
    words: Optional[List[TranscriptionWord]] = None
    usage: Optional[TranscriptionUsageDuration] = None


@dataclass
class TranscriptionDiarizedSegment(Model):
    """A segment of the transcript said by one speaker."""

    id: str
    type: str = "transcript.text.segment"
    start: Optional[float] = None
    end: Optional[float] = None
    text: Optional[str] = None
    speaker: Optional[str] = None


@dataclass
class TranscriptionDiarized(Model):
    """The transcript annotated with speakers (``response_format="diarized_json"``)."""

    text: str
    segments: List[TranscriptionDiarizedSegment]
    task: str = "transcribe"
    duration: Optional[float] = None
    usage: Optional[TranscriptionUsage] = None


@dataclass
class Translation(Model):
    """The English translation (``response_format="json"``)."""

    text: str


@dataclass
class TranslationVerbose(Model):
    """The translation with its language, duration and segments (``response_format="verbose_json"``)."""

    text: str
    language: Optional[str] = None
    duration: Optional[float] = None
    segments: Optional[List[TranscriptionSegment]] = None


_TRANSCRIPTIONS: Dict[Optional[str], type] = {
    None: Transcription,
    "json": Transcription,
    "verbose_json": TranscriptionVerbose,
    "diarized_json": TranscriptionDiarized,
}
_TRANSLATIONS: Dict[Optional[str], type] = {
    None: Translation,
    "json": Translation,
    "verbose_json": TranslationVerbose,
}
_TextFormat = Literal["text", "srt", "vtt"]


@overload
def transcribe(
    session: requests.Session,
    *,
    file: FileInput,
    model: str,
    response_format: Optional[Literal["json"]] = None,
    **options: Unpack[_TranscribeOptions],
) -> ApiResponse[Transcription]: ...
@overload
def transcribe(
    session: requests.Session,
    *,
    file: FileInput,
    model: str,
    response_format: Literal["verbose_json"],
    **options: Unpack[_TranscribeOptions],
) -> ApiResponse[TranscriptionVerbose]: ...
@overload
def transcribe(
    session: requests.Session,
    *,
    file: FileInput,
    model: str,
    response_format: Literal["diarized_json"],
    **options: Unpack[_TranscribeOptions],
) -> ApiResponse[TranscriptionDiarized]: ...
@overload
def transcribe(
    session: requests.Session,
    *,
    file: FileInput,
    model: str,
    response_format: _TextFormat,
    **options: Unpack[_TranscribeOptions],
) -> ApiResponse[str]: ...
@overload
def transcribe(
    session: requests.Session,
    *,
    file: FileInput,
    model: str,
    response_format: str,
    **options: Unpack[_TranscribeOptions],
) -> ApiResponse[Union[Transcription, TranscriptionVerbose, TranscriptionDiarized, str]]: ...
def transcribe(
    session: requests.Session,
    *,
    file: FileInput,
    model: str,
    chunking_strategy: Union[Literal["auto"], Dict[str, Any], None] = None,
    include: Optional[Sequence[Literal["logprobs"]]] = None,
    keywords: Optional[Sequence[str]] = None,
    known_speaker_names: Optional[Sequence[str]] = None,
    known_speaker_references: Optional[Sequence[str]] = None,
    language: Optional[str] = None,
    languages: Optional[Sequence[str]] = None,
    prompt: Optional[str] = None,
    response_format: Optional[str] = None,
    temperature: Optional[float] = None,
    timestamp_granularities: Optional[Sequence[Literal["word", "segment"]]] = None,
    progress: Optional[Progress] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[Any]:
    """Transcribe audio (flac, m4a, mp3, mp4, mpeg, mpga, ogg, wav or webm) into text.

    ``file`` is a path, an open binary file, bytes, or a ``(filename, content[,
    content_type])`` tuple; the API tells the format by the file name's extension. Lists
    are sent as repeated ``name[]`` fields. ``progress(done, total)`` follows the upload
    of the file as for :func:`openai_lite.files.create`.

    https://platform.openai.com/docs/api-reference/audio/createTranscription
    """
    form = form_of(locals(), files=("file",))
    into = _TRANSCRIPTIONS.get(response_format, str)
    return _request(
        session, "POST", "/audio/transcriptions", form=form, into=into, progress=progress, **options
    )


@overload
def translate(
    session: requests.Session,
    *,
    file: FileInput,
    model: str,
    response_format: Optional[Literal["json"]] = None,
    **options: Unpack[_TranslateOptions],
) -> ApiResponse[Translation]: ...
@overload
def translate(
    session: requests.Session,
    *,
    file: FileInput,
    model: str,
    response_format: Literal["verbose_json"],
    **options: Unpack[_TranslateOptions],
) -> ApiResponse[TranslationVerbose]: ...
@overload
def translate(
    session: requests.Session,
    *,
    file: FileInput,
    model: str,
    response_format: _TextFormat,
    **options: Unpack[_TranslateOptions],
) -> ApiResponse[str]: ...
@overload
def translate(
    session: requests.Session,
    *,
    file: FileInput,
    model: str,
    response_format: str,
    **options: Unpack[_TranslateOptions],
) -> ApiResponse[Union[Translation, TranslationVerbose, str]]: ...
def translate(
    session: requests.Session,
    *,
    file: FileInput,
    model: str,
    prompt: Optional[str] = None,
    response_format: Optional[str] = None,
    temperature: Optional[float] = None,
    progress: Optional[Progress] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[Any]:
    """Translate audio into English text.

    ``file`` and ``progress`` are taken as by :func:`transcribe`.

    https://platform.openai.com/docs/api-reference/audio/createTranslation
    """
    form = form_of(locals(), files=("file",))
    into = _TRANSLATIONS.get(response_format, str)
    return _request(
        session, "POST", "/audio/translations", form=form, into=into, progress=progress, **options
    )


Voice = Union[
    Literal[
        "alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer", "verse",
        "marin", "cedar",
    ],
    str,
    Mapping[str, str],
]
AudioFormat = Literal["mp3", "opus", "aac", "flac", "wav", "pcm"]


def speech(
    session: requests.Session,
    *,
    input: str,
    model: str,
    voice: Voice,
    instructions: Optional[str] = None,
    response_format: Optional[AudioFormat] = None,
    speed: Optional[float] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[bytes]:
    """Make speech from text (at most 4096 characters); ``data`` is the audio file's bytes.

    ``voice`` is a built-in voice's name or ``{"id": "voice_..."}`` for a custom voice;
    ``response_format`` is mp3 unless given. :func:`speech_to_file` writes the audio to a
    file as it arrives instead.

    https://platform.openai.com/docs/api-reference/audio/createSpeech
    """
    body = body_of(locals())
    return _request(session, "POST", "/audio/speech", json_body=body, into=bytes, **options)


def speech_to_file(
    session: requests.Session,
    path: Union[str, os.PathLike[str]],
    *,
    input: str,
    model: str,
    voice: Voice,
    instructions: Optional[str] = None,
    response_format: Optional[AudioFormat] = None,
    speed: Optional[float] = None,
    progress: Optional[Progress] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[int]:
    """Make speech from text and stream the audio into the file *path*; ``data`` is its size.

    Takes the arguments of :func:`speech`. The audio is written to a temporary file next
    to *path*, renamed to *path* once complete: a failed call leaves no partial file, and
    an existing file is replaced only by a complete one. ``progress(done, total)`` is
    called as by :func:`openai_lite.files.download` (the total is None when the audio is
    streamed without a length).

    https://platform.openai.com/docs/api-reference/audio/createSpeech
    """
    body = body_of(locals())
    del body["path"]
    return _download(session, "POST", "/audio/speech", to=path, json_body=body, progress=progress, **options)


# -- streaming -------------------------------------------------------------------------


@dataclass
class TranscriptTextDeltaEvent(Model):
    """A piece of the transcript; ``segment_id`` names its segment in a diarized transcript."""

    type: Literal["transcript.text.delta"]
    delta: str
    logprobs: Optional[List[TranscriptionLogprob]] = None
    segment_id: Optional[str] = None


@dataclass
class TranscriptTextSegmentEvent(Model):
    """A finished segment of a diarized transcript, said by one speaker."""

    type: Literal["transcript.text.segment"]
    id: str
    start: Optional[float] = None
    end: Optional[float] = None
    text: Optional[str] = None
    speaker: Optional[str] = None


@dataclass
class TranscriptTextDoneEvent(Model):
    """The whole transcript, the last event of the stream."""

    type: Literal["transcript.text.done"]
    text: str
    logprobs: Optional[List[TranscriptionLogprob]] = None
    languages: Optional[List[TranscriptionLanguage]] = None
    usage: Optional[TranscriptionUsage] = None


@dataclass
class TranscriptOtherEvent(Model):
    """An event of a type this library does not know."""

    type: str


#: The events of a transcription stream, told apart by ``type``.
TranscriptStreamEvent = Union[
    TranscriptTextDeltaEvent, TranscriptTextSegmentEvent, TranscriptTextDoneEvent, TranscriptOtherEvent
]

_decode_transcript_event = tagged_event_decoder(
    (TranscriptTextDeltaEvent, TranscriptTextSegmentEvent, TranscriptTextDoneEvent), TranscriptOtherEvent
)


def transcribe_stream(
    session: requests.Session,
    *,
    file: FileInput,
    model: str,
    chunking_strategy: Union[Literal["auto"], Dict[str, Any], None] = None,
    include: Optional[Sequence[Literal["logprobs"]]] = None,
    keywords: Optional[Sequence[str]] = None,
    known_speaker_names: Optional[Sequence[str]] = None,
    known_speaker_references: Optional[Sequence[str]] = None,
    language: Optional[str] = None,
    languages: Optional[Sequence[str]] = None,
    prompt: Optional[str] = None,
    response_format: Optional[str] = None,
    temperature: Optional[float] = None,
    timestamp_granularities: Optional[Sequence[Literal["word", "segment"]]] = None,
    progress: Optional[Progress] = None,
    **options: Unpack[RequestOptions],
) -> Stream[TranscriptStreamEvent]:
    """Transcribe audio, streaming the transcript as it is made (not with ``whisper-1``).

    Takes the arguments of :func:`transcribe`. :class:`TranscriptTextDeltaEvent` pieces
    (and :class:`TranscriptTextSegmentEvent` for ``response_format="diarized_json"``) come
    before the :class:`TranscriptTextDoneEvent` that ends the stream.

    :raises ValueError: for ``whisper-1``, which answers with the whole transcript instead.

    https://platform.openai.com/docs/api-reference/audio/transcript-text-delta-event
    """
    if model == "whisper-1":
        raise ValueError("model: whisper-1 does not stream; use transcribe()")
    form = form_of(locals(), files=("file",))
    form.append(("stream", "true"))
    return open_stream(
        session,
        "POST",
        "/audio/transcriptions",
        form=form,
        progress=progress,
        decode=_decode_transcript_event,
        terminal=ends_with("transcript.text.done"),
        **options,
    )


@dataclass
class SpeechAudioDeltaEvent(Model):
    """A piece of the audio, base64-encoded: ``base64.b64decode(event.audio)``."""

    type: Literal["speech.audio.delta"]
    audio: str


@dataclass
class SpeechUsage(Model):
    """Token counts of a speech request."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0


@dataclass
class SpeechAudioDoneEvent(Model):
    """The end of the audio, with the token counts."""

    type: Literal["speech.audio.done"]
    usage: Optional[SpeechUsage] = None


@dataclass
class SpeechOtherEvent(Model):
    """An event of a type this library does not know."""

    type: str


#: The events of a speech stream, told apart by ``type``.
SpeechStreamEvent = Union[SpeechAudioDeltaEvent, SpeechAudioDoneEvent, SpeechOtherEvent]

_decode_speech_event = tagged_event_decoder((SpeechAudioDeltaEvent, SpeechAudioDoneEvent), SpeechOtherEvent)


def speech_stream(
    session: requests.Session,
    *,
    input: str,
    model: str,
    voice: Voice,
    instructions: Optional[str] = None,
    response_format: Optional[AudioFormat] = None,
    speed: Optional[float] = None,
    **options: Unpack[RequestOptions],
) -> Stream[SpeechStreamEvent]:
    """Make speech from text, streamed as server-sent events (``stream_format="sse"``).

    Takes the arguments of :func:`speech`. :class:`SpeechAudioDeltaEvent` pieces of audio
    come before the :class:`SpeechAudioDoneEvent` that ends the stream. Not for ``tts-1``
    and ``tts-1-hd``; :func:`speech_to_file` streams the audio of any model to a file.

    https://platform.openai.com/docs/api-reference/audio/speech-audio-delta-event
    """
    body = body_of(locals())
    body["stream_format"] = "sse"
    return open_stream(
        session,
        "POST",
        "/audio/speech",
        json_body=body,
        decode=_decode_speech_event,
        terminal=ends_with("speech.audio.done"),
        **options,
    )
