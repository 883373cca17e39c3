"""Audio routes: transcriptions and translations of a fixed transcript, and fake speech."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any, Dict, List, Tuple

from ._response_stream import encode_event
from ._server import (
    ApiError,
    FakeOpenAI,
    RecordedRequest,
    Reply,
    builtin_route,
    count_tokens,
    invalid,
    json_body,
    json_reply,
    require,
    sse_reply,
)

SENTENCES = {
    "transcribe": ["Hello, world.", "This is a fake transcription."],
    "translate": ["Hello, world.", "This is a fake translation."],
}
WORD_SECONDS = 0.5
FORMATS = ("json", "text", "srt", "verbose_json", "vtt")
_LANGUAGES = {"en": "english", "fr": "french", "de": "german", "es": "spanish"}


def _segments(task: str) -> List[Tuple[float, float, str]]:
    out: List[Tuple[float, float, str]] = []
    start = 0.0
    for sentence in SENTENCES[task]:
        end = start + WORD_SECONDS * len(sentence.split())
        out.append((start, end, sentence))
        start = end
    return out


def _timestamp(seconds: float, sep: str) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3600000)
    minutes, rest = divmod(rest, 60000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}{sep}{rest % 1000:03d}"


def _verbose(task: str, language: str, granularities: List[str]) -> Dict[str, Any]:
    segments = _segments(task)
    result: Dict[str, Any] = {
        "task": task,
        "language": language,
        "duration": segments[-1][1],
        "text": " ".join(s[2] for s in segments),
    }
    if "segment" in granularities:
        result["segments"] = [
            {
                "id": i,
                "seek": 0,
                "start": start,
                "end": end,
                "text": " " + text,
                "tokens": [50364 + 7 * i + j for j in range(len(text.split()))],
                "temperature": 0.0,
                "avg_logprob": -0.25,
                "compression_ratio": 1.0,
                "no_speech_prob": 0.01,
            }
            for i, (start, end, text) in enumerate(segments)
        ]
    if "word" in granularities:
        words = [w for s in segments for w in s[2].split()]
        result["words"] = [
            {
                "word": w.strip(",."),
                "start": i * WORD_SECONDS,
                "end": (i + 1) * WORD_SECONDS,
            }
            for i, w in enumerate(words)
        ]
    return result


def _subtitles(task: str, vtt: bool) -> str:
    blocks: List[str] = []
    for i, (start, end, text) in enumerate(_segments(task)):
        sep = "." if vtt else ","
        times = f"{_timestamp(start, sep)} --> {_timestamp(end, sep)}"
        cue = f"{times}\n{text}\n"
        blocks.append(cue if vtt else f"{i + 1}\n{cue}")
    return ("WEBVTT\n\n" if vtt else "") + "\n".join(blocks)


def _audio(task: str, request: RecordedRequest) -> Reply:
    if "file" not in request.files:
        raise ApiError(400, "Missing required parameter: 'file'.", param="file")
    form = request.form
    if not form.get("model"):
        raise ApiError(400, "Missing required parameter: 'model'.", param="model")
    fmt = form.get("response_format") or "json"
    if fmt not in FORMATS:
        raise invalid("response_format", "expected one of " + ", ".join(FORMATS))
    try:
        float(form.get("temperature") or "0")
    except ValueError:
        raise invalid("temperature", "expected a number") from None
    granularities = [
        p.text for p in request.parts if p.name == "timestamp_granularities[]"
    ]
    if any(g not in ("word", "segment") for g in granularities):
        raise invalid("timestamp_granularities", "expected 'word' or 'segment'")
    code = (form.get("language") or "en") if task == "transcribe" else "en"
    verbose = _verbose(task, _LANGUAGES.get(code, code), granularities or ["segment"])
    if task == "transcribe" and form.get("stream") == "true" and form["model"] != "whisper-1":
        return _transcript_stream(verbose["text"])
    if fmt in ("srt", "vtt"):
        body = _subtitles(task, fmt == "vtt")
    elif fmt == "text":
        body = verbose["text"] + "\n"
    else:
        if fmt == "json":
            verbose = {"text": verbose["text"]}
        if task == "transcribe":
            verbose["usage"] = {"type": "duration", "seconds": _segments(task)[-1][1]}
        return json_reply(verbose)
    return Reply(
        200, body=body.encode("utf-8"), content_type="text/plain; charset=utf-8"
    )


def _sse(events: List[Dict[str, Any]]) -> Reply:
    """Events named by their type, ending with the last one (no ``[DONE]``)."""
    return sse_reply([encode_event(e) for e in events], done=False)


def _transcript_stream(text: str) -> Reply:
    """The transcript word by word, then the whole of it (whisper-1 does not stream)."""
    pieces = re.findall(r"\s*\S+", text)
    events: List[Dict[str, Any]] = [{"type": "transcript.text.delta", "delta": piece} for piece in pieces]
    tokens = count_tokens(text)
    usage = {"type": "tokens", "input_tokens": 50, "output_tokens": tokens, "total_tokens": 50 + tokens}
    events.append({"type": "transcript.text.done", "text": text, "usage": usage})
    return _sse(events)


@builtin_route("POST", "/audio/transcriptions")
def transcribe(
    fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]
) -> Reply:
    """Transcribe uploaded audio (always the same transcript)."""
    return _audio("transcribe", request)


@builtin_route("POST", "/audio/translations")
def translate(
    fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]
) -> Reply:
    """Translate uploaded audio into English (always the same text)."""
    return _audio("translate", request)


SPEECH_FORMATS = {
    "mp3": ("audio/mpeg", b"ID3\x04\x00\x00\x00\x00\x00\x00"),
    "opus": ("audio/opus", b"OggS\x00\x02"),
    "aac": ("audio/aac", b"\xff\xf1\x50\x80"),
    "flac": ("audio/flac", b"fLaC"),
    "wav": ("audio/wav", b"RIFF\xff\xff\xff\xffWAVEfmt "),
    "pcm": ("audio/pcm", b""),
}
#: Bytes of fake audio per word of the input, and per chunk of the reply.
SPEECH_BYTES_PER_WORD = 2000
SPEECH_CHUNK = 4096


def speech_audio(text: str, response_format: str = "mp3") -> bytes:
    """The fake audio of *text*: the format's magic bytes, then bytes derived from each word."""
    out = [SPEECH_FORMATS[response_format][1]]
    for word in text.split():
        seed = hashlib.sha256(word.encode("utf-8")).digest()
        out.append((seed * (SPEECH_BYTES_PER_WORD // len(seed) + 1))[:SPEECH_BYTES_PER_WORD])
    return b"".join(out)


@builtin_route("POST", "/audio/speech")
def speech(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Make fake audio of the input, sent in chunks as the API streams it."""
    body = json_body(request)
    require(body, "model")
    text = require(body, "input")
    if len(text) > 4096:
        raise invalid("input", "at most 4096 characters")
    voice = body.get("voice")
    if voice is None:
        require(body, "voice")
    if not isinstance(voice, str) and not (isinstance(voice, dict) and isinstance(voice.get("id"), str)):
        raise invalid("voice", "expected a voice name or an object with an 'id'")
    fmt = body.get("response_format") or "mp3"
    if fmt not in SPEECH_FORMATS:
        raise invalid("response_format", "expected one of " + ", ".join(SPEECH_FORMATS))
    speed = body.get("speed", 1.0)
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not 0.25 <= speed <= 4.0:
        raise invalid("speed", "expected a number from 0.25 to 4.0")
    audio = speech_audio(text, fmt)
    chunks = [audio[i : i + SPEECH_CHUNK] for i in range(0, len(audio), SPEECH_CHUNK)] or [b""]
    stream_format = body.get("stream_format") or "audio"
    if stream_format not in ("audio", "sse"):
        raise invalid("stream_format", "expected 'audio' or 'sse'")
    if stream_format == "sse":
        if body["model"] in ("tts-1", "tts-1-hd"):
            raise invalid("stream_format", "'sse' is not supported for tts-1 and tts-1-hd")
        pieces = [base64.b64encode(chunk).decode("ascii") for chunk in chunks]
        events: List[Dict[str, Any]] = [{"type": "speech.audio.delta", "audio": piece} for piece in pieces]
        tokens = count_tokens(text)
        usage = {"input_tokens": tokens, "output_tokens": len(chunks), "total_tokens": tokens + len(chunks)}
        events.append({"type": "speech.audio.done", "usage": usage})
        return _sse(events)
    return Reply(200, chunks=chunks, content_type=SPEECH_FORMATS[fmt][0])
