"""Property-based tests of the response decoders and the SSE decoder.

Whatever bytes or JSON come back, a decoder gives a result or one of the library's typed
errors, never another exception. The default run tries a few hundred cases per property;
``HYPOTHESIS_PROFILE=fuzz`` (``tox -e fuzz``) tries 10,000, from a fixed seed.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import os
from typing import Any, List, Tuple, Type

import pytest
import requests
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict

from openai_lite import ApiResponse, APIResponseValidationError, APIStatusError, APIStreamError, ErrorObject
from openai_lite._model import Model
from openai_lite._request import _error_object, _wrap, decode_json
from openai_lite._streaming import ServerSentEvent, SSEDecoder, event_decoder

settings.register_profile(
    "quick",
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    max_examples=10_000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))
SEED = 20261125

RESOURCES = ("chat", "models", "files", "embeddings", "moderations", "fine_tuning", "images", "audio")


def _models() -> List[Type[Model]]:
    found = []
    for name in RESOURCES:
        module = importlib.import_module(f"openai_lite.{name}")
        found += [
            cls
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, Model) and cls is not Model and cls.__module__ == module.__name__
        ]
    return sorted(set(found), key=lambda cls: (cls.__module__, cls.__name__))


MODELS = _models()
#: Every JSON key the models know, so that random objects look like the real ones.
KEYS = sorted({f.name for cls in MODELS for f in dataclasses.fields(cls)} | {"type", "error", "object"})
TAGS = ["function", "custom", "text", "image_url", "url_citation", "message", "error", "list"]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(TAGS)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=6)
    ),
    max_leaves=16,
)
#: Objects whose keys are the model's own, with values of any type.
shaped = st.sampled_from(MODELS).flatmap(
    lambda cls: st.tuples(
        st.just(cls),
        st.fixed_dictionaries(
            {},
            optional={f.name: json_values for f in dataclasses.fields(cls)},  # type: ignore[arg-type]
        ),
    )
)


def response(status: int, body: bytes, content_type: str = "application/json") -> requests.Response:
    resp = requests.Response()
    resp.status_code = status
    resp._content = body
    resp.headers = CaseInsensitiveDict({"Content-Type": content_type, "x-request-id": "req_fuzz"})
    resp.reason = "Fuzz"
    return resp


def encode(value: Any) -> bytes:
    return json.dumps(value).encode("utf-8")


def check_decoded(cls: Type[Model], body: bytes) -> None:
    try:
        result = decode_json(response(200, body), cls)
    except APIResponseValidationError as exc:
        assert exc.status_code == 200 and str(exc)
    else:
        assert isinstance(result, cls)


# ---------------------------------------------------------------------------
# Response decoders


@settings(PROFILE)
@seed(SEED)
@given(shaped)
def test_model_shaped_json_with_random_field_types_decodes_or_fails_typed(
    case: Tuple[Type[Model], Any],
) -> None:
    cls, value = case
    check_decoded(cls, encode(value))


@settings(PROFILE)
@seed(SEED)
@given(st.sampled_from(MODELS), json_values)
def test_any_json_decodes_or_fails_typed(cls: Type[Model], value: Any) -> None:
    check_decoded(cls, encode(value))


@settings(PROFILE)
@seed(SEED)
@given(
    st.sampled_from(MODELS),
    st.binary(max_size=200)
    | shaped.map(lambda c: encode(c[1])).flatmap(
        lambda body: st.integers(0, len(body)).map(lambda cut: body[:cut])
    ),
)
def test_any_bytes_or_truncated_json_decode_or_fail_typed(cls: Type[Model], body: bytes) -> None:
    check_decoded(cls, body)


@settings(PROFILE)
@seed(SEED)
@given(
    st.integers(200, 599),
    st.binary(max_size=100) | json_values.map(encode) | shaped.map(lambda c: encode({"error": c[1]})),
    st.sampled_from(["application/json", "text/html", "text/plain", ""]),
    st.sampled_from([dict, str, bytes, None] + MODELS),
)
def test_any_status_and_body_give_a_response_or_a_typed_error(
    status: int, body: bytes, content_type: str, into: Any
) -> None:
    try:
        resp = _wrap(response(status, body, content_type), into)
    except APIResponseValidationError:
        assert 200 <= status < 300 and into not in (str, bytes, None)
        return
    assert isinstance(resp, ApiResponse) and resp.status_code == status
    assert repr(resp)
    if resp.ok:
        return
    error = resp.exception()
    assert isinstance(error, APIStatusError) and error.status_code == status
    assert str(error) and len(str(error)) < 100_000
    with pytest.raises(APIStatusError):
        resp.data


@settings(PROFILE)
@seed(SEED)
@given(st.binary(max_size=100) | json_values.map(encode) | json_values.map(lambda v: encode({"error": v})))
def test_error_bodies_give_an_error_object_or_none(body: bytes) -> None:
    result = _error_object(response(500, body))
    assert result is None or isinstance(result, ErrorObject)


# ---------------------------------------------------------------------------
# SSE decoder

field_text = st.text(st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)), max_size=20)
sse_events = st.lists(
    st.tuples(st.none() | field_text.filter(bool), st.lists(field_text, min_size=1, max_size=3)),
    max_size=6,
)
line_ends = st.sampled_from(["\n", "\r\n", "\r"])


def feed_in_pieces(data: bytes, cuts: List[int]) -> List[ServerSentEvent]:
    decoder = SSEDecoder()
    events: List[ServerSentEvent] = []
    start = 0
    for cut in sorted(set(cuts)) + [len(data)]:
        events += decoder.feed(data[start:cut])
        start = cut
    return events


@settings(PROFILE)
@seed(SEED)
@given(sse_events, line_ends, st.booleans(), st.data())
def test_sse_events_split_anywhere_decode_to_what_was_sent(
    events: List[Tuple[Any, List[str]]], end: str, comments: bool, data: st.DataObject
) -> None:
    text = ""
    for name, lines in events:
        if comments:
            text += ": keep-alive" + end
        if name is not None:
            text += "event: " + name + end
        text += "".join("data: " + line + end for line in lines) + end
    raw = text.encode("utf-8")
    cuts = data.draw(st.lists(st.integers(0, len(raw)), max_size=8))
    got = feed_in_pieces(raw, cuts)
    assert [(e.event, e.data) for e in got] == [
        (name or "message", "\n".join(lines)) for name, lines in events
    ]


@settings(PROFILE)
@seed(SEED)
@given(st.binary(max_size=300), st.data())
def test_sse_any_bytes_split_anywhere_give_the_same_events_as_whole(raw: bytes, data: st.DataObject) -> None:
    cuts = data.draw(st.lists(st.integers(0, len(raw)), max_size=10))
    whole = SSEDecoder().feed(raw)
    assert feed_in_pieces(raw, cuts) == whole
    assert all(isinstance(e, ServerSentEvent) and isinstance(e.data, str) for e in whole)


decode_chunk = event_decoder(importlib.import_module("openai_lite.chat").ChatCompletionChunk)


@settings(PROFILE)
@seed(SEED)
@given(
    st.sampled_from(["message", "error", "done"]),
    json_values.map(json.dumps) | field_text | shaped.map(lambda c: json.dumps(c[1])),
)
def test_sse_event_data_gives_an_item_or_a_typed_error(event: str, payload: str) -> None:
    try:
        decode_chunk(ServerSentEvent(event, payload))
    except (APIStreamError, APIResponseValidationError) as exc:
        assert str(exc)
