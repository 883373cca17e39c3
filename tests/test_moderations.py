"""Tests of openai_lite.moderations against the fake server."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from openai_lite import NotFoundError, OpenAISession, moderations
from openai_lite.moderations import (
    Categories,
    CategoryAppliedInputTypes,
    CategoryScores,
    Moderation,
    ModerationCreateResponse,
)
from openai_lite.testing import FakeOpenAI, error_reply, json_reply

SLASH_NAMES = [
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
]


def test_seed_tour(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = moderations.create(session, input="I want to hit my dog.")

    assert resp.status_code == 200
    req = fake.last
    assert (req.method, req.route_path) == ("POST", "/moderations")
    assert req.headers["Authorization"] == "Bearer " + fake.api_key
    assert req.headers["Content-Type"] == "application/json"
    assert req.json == {"input": "I want to hit my dog."}
    data = resp.data
    assert isinstance(data, ModerationCreateResponse)
    assert data.id.startswith("modr-") and data.model == "omni-moderation-latest"
    [result] = data.results
    assert isinstance(result, Moderation) and result.flagged is True
    assert isinstance(result.categories, Categories)
    assert result.categories.violence is True
    assert result.categories.self_harm is False and result.categories.sexual_minors is False
    assert isinstance(result.category_scores, CategoryScores)
    assert result.category_scores.violence is not None and result.category_scores.violence > 0.5
    assert isinstance(result.category_applied_input_types, CategoryAppliedInputTypes)
    assert result.category_applied_input_types.violence == ["text"]


def test_every_category_is_decoded_and_written_back_under_its_json_name(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    resp = moderations.create(session, input="I will kill them", model="omni-moderation-2024-09-26")

    assert fake.last.json == {"input": "I will kill them", "model": "omni-moderation-2024-09-26"}
    result = resp.data.results[0]
    wire = resp.raw.json()["results"][0]
    for part in ("categories", "category_scores", "category_applied_input_types"):
        written = getattr(result, part).to_dict()
        assert sorted(written) == sorted(SLASH_NAMES)
        assert written == wire[part]
    assert result.categories.harassment_threatening is True
    assert result.categories.violence_graphic is False
    assert result.to_dict()["categories"]["harassment/threatening"] is True


def test_list_of_strings_gives_one_result_each(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = moderations.create(session, input=["hello there", "I want to hit my dog."])

    assert fake.last.json == {"input": ["hello there", "I want to hit my dog."]}
    assert [r.flagged for r in resp.data.results] == [False, True]


def test_multimodal_parts_are_one_input(fake: FakeOpenAI, session: OpenAISession) -> None:
    parts: List[Dict[str, Any]] = [
        {"type": "text", "text": "I want to hit my dog."},
        {"type": "image_url", "image_url": {"url": "https://example.com/dog.png"}},
    ]
    resp = moderations.create(session, input=parts, model="omni-moderation-latest")

    assert fake.last.json == {"input": parts, "model": "omni-moderation-latest"}
    [result] = resp.data.results
    assert result.categories.violence is True
    applied = result.category_applied_input_types
    assert applied is not None
    assert applied.violence == ["text", "image"] and applied.hate == ["text"]


def test_older_answers_without_newer_categories(fake: FakeOpenAI, session: OpenAISession) -> None:
    result = {"flagged": False, "categories": {"hate": False}, "category_scores": {"hate": 0.01}}
    fake.enqueue(json_reply({"id": "modr-1", "model": "text-moderation-stable", "results": [result]}))

    [got] = moderations.create(session, input="hi").data.results

    assert got.categories.hate is False and got.categories.illicit is None
    assert got.category_applied_input_types is None


def test_error_status_is_returned(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(error_reply(404, "The model `nope` does not exist", code="model_not_found", param="model"))

    resp = moderations.create(session, input="hi", model="nope")

    assert resp.status_code == 404
    assert resp.error is not None and resp.error.code == "model_not_found"
    with pytest.raises(NotFoundError):
        _ = resp.data


def test_fake_rejects_unknown_part_type(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = moderations.create(session, input=[{"type": "audio"}])

    assert resp.status_code == 400
    assert resp.error is not None and resp.error.param == "input[0].type"
    assert resp.error.message == "Invalid value: 'audio'. Supported values are: 'image_url', 'text'."


@pytest.mark.parametrize("bad", [b"bytes", 42, None])
def test_bad_input_raises_before_sending(fake: FakeOpenAI, session: OpenAISession, bad: Any) -> None:
    with pytest.raises(TypeError, match="input"):
        moderations.create(session, input=bad)
    assert fake.requests == []
