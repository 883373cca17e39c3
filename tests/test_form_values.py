"""Plain multipart form values: what goes over the wire, and what is refused before anything is sent."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Tuple

import pytest

from openai_lite import OpenAISession, audio, files, images
from openai_lite.testing import FakeOpenAI

MP3 = ("a.mp3", b"ID3\x03\x00\x00\x00\x00\x00\x00")
PNG = ("a.png", b"\x89PNG\r\n\x1a\n")


def plain_parts(fake: FakeOpenAI) -> List[Tuple[str, str]]:
    return [(p.name, p.text) for p in fake.last.parts if p.filename is None]


@pytest.mark.parametrize(
    ("field", "call"),
    [
        (
            "temperature",
            lambda s: audio.transcribe(s, file=MP3, model="whisper-1", temperature=float("nan")),
        ),
        ("temperature", lambda s: audio.translate(s, file=MP3, model="whisper-1", temperature=float("inf"))),
        ("n", lambda s: images.create_variation(s, image=PNG, n=object())),
        (
            "chunking_strategy[x]",
            lambda s: audio.transcribe(s, file=MP3, model="m", chunking_strategy={"x": ()}),
        ),
        ("include", lambda s: audio.transcribe(s, file=MP3, model="m", include=[float("-inf")])),
        ("include", lambda s: audio.transcribe(s, file=MP3, model="m", include=[{"x": float("nan")}])),
        ("note", lambda s: files.create(s, file=PNG, purpose="vision", extra_body={"note": float("nan")})),
        ("meta[k]", lambda s: files.create(s, file=PNG, purpose="vision", extra_body={"meta": {"k": b"x"}})),
    ],
)
def test_a_value_json_cannot_carry_is_refused_before_sending(
    fake: FakeOpenAI, session: OpenAISession, field: str, call: Callable[[OpenAISession], Any]
) -> None:
    with pytest.raises((TypeError, ValueError)) as caught:
        call(session)
    assert str(caught.value).startswith(f"{field}: ")
    assert "object at 0x" not in str(caught.value)
    assert fake.requests == []


def test_plain_values_are_rendered_as_the_api_expects(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = audio.transcribe(
        session,
        file=MP3,
        model="whisper-1",
        temperature=0.25,
        include=["logprobs"],
        chunking_strategy={"type": "server_vad", "threshold": 0.5},
    )
    assert resp.status_code == 200
    assert plain_parts(fake) == [
        ("model", "whisper-1"),
        ("chunking_strategy[type]", "server_vad"),
        ("chunking_strategy[threshold]", "0.5"),
        ("include[]", "logprobs"),
        ("temperature", "0.25"),
    ]
    assert images.create_variation(session, image=PNG, n=2).status_code == 200
    assert plain_parts(fake) == [("n", "2")]


def test_extra_body_on_a_form_follows_the_form_rules(fake: FakeOpenAI, session: OpenAISession) -> None:
    extra: Dict[str, Any] = {"tags": ["a", "b"], "meta": {"k": "v", "n": 3, "gone": None}, "note": None}
    refused = files.create(session, file=("a.jsonl", b"{}\n"), purpose="batch", extra_body=extra)
    assert refused.status_code == 400 and refused.error is not None and refused.error.param == "tags[]"
    off_spec = {FakeOpenAI.OFF_SPEC_HEADER: "1"}  # tags and meta are not fields of the endpoint
    resp = files.create(
        session, file=("a.jsonl", b"{}\n"), purpose="batch", extra_body=extra, extra_headers=off_spec
    )
    assert resp.status_code == 200
    assert plain_parts(fake) == [
        ("purpose", "batch"),
        ("tags[]", "a"),
        ("tags[]", "b"),
        ("meta[k]", "v"),
        ("meta[n]", "3"),
    ]
