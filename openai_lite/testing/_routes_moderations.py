"""Moderation route: flags text that mentions killing or hitting as violent."""

from __future__ import annotations

import hashlib
import re
from typing import Any, Dict, List, Tuple

from ._server import (
    FakeOpenAI,
    RecordedRequest,
    Reply,
    builtin_route,
    invalid,
    json_body,
    json_reply,
    require,
)

DEFAULT_MODEL = "omni-moderation-latest"
# Category name and whether it also applies to images.
CATEGORIES: List[Tuple[str, bool]] = [
    ("harassment", False),
    ("harassment/threatening", False),
    ("hate", False),
    ("hate/threatening", False),
    ("illicit", False),
    ("illicit/violent", False),
    ("self-harm", True),
    ("self-harm/instructions", True),
    ("self-harm/intent", True),
    ("sexual", True),
    ("sexual/minors", False),
    ("violence", True),
    ("violence/graphic", True),
]
# Matched at the start of a word ("hit", "hitting", not "white").
_TRIGGERS = {"kill": ("violence", "harassment/threatening"), "hit": ("violence",)}


def _split_input(value: Any) -> List[Tuple[str, bool]]:
    """Return (text, has image) per input; multimodal parts form one input."""
    if isinstance(value, str):
        return [(value, False)]
    if not isinstance(value, list) or not value:
        raise invalid("input", "expected a string or a non-empty array")
    if all(isinstance(v, str) for v in value):
        return [(v, False) for v in value]
    texts: List[str] = []
    has_image = False
    for part in value:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text" and isinstance(part.get("text"), str):
            texts.append(part["text"])
        elif kind == "image_url" and isinstance(part.get("image_url"), dict):
            has_image = True
        else:
            raise invalid("input", "expected strings or text/image_url parts")
    return [(" ".join(texts), has_image)]


def moderate(text: str, has_image: bool, has_text: bool = True) -> Dict[str, Any]:
    """Build a deterministic moderation result."""
    lowered = text.lower()
    hits = {
        c
        for word, cats in _TRIGGERS.items()
        if re.search(r"\b" + word, lowered)
        for c in cats
    }
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    categories: Dict[str, Any] = {}
    scores: Dict[str, float] = {}
    applied: Dict[str, List[str]] = {}
    for i, (name, images) in enumerate(CATEGORIES):
        categories[name] = name in hits
        scores[name] = 0.9 + digest[i] / 2560.0 if name in hits else digest[i] / 2.56e7
        applied[name] = (["text"] if has_text else []) + (
            ["image"] if images and has_image else []
        )
    return {
        "flagged": bool(hits),
        "categories": categories,
        "category_scores": scores,
        "category_applied_input_types": applied,
    }


def moderation_param(body: Dict[str, Any]) -> Any:
    """The model of a request's ``moderation`` parameter, or None when it is absent."""
    param = body.get("moderation")
    if param is None:
        return None
    if not isinstance(param, dict) or not isinstance(param.get("model"), str):
        raise invalid("moderation", "expected an object with a 'model'")
    return param["model"]


def moderation_result(model: str, text: str) -> Dict[str, Any]:
    """The moderation of a model's input or output, as chat completions and responses carry it."""
    return {"type": "moderation_result", "model": model, **moderate(text, False)}


@builtin_route("POST", "/moderations")
def create_moderation(
    fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]
) -> Reply:
    """Classify each input; a list of multimodal parts is one input."""
    body = json_body(request)
    if "input" not in body:
        require(body, "input")
    model = body.get("model") or DEFAULT_MODEL
    if not isinstance(model, str):
        raise invalid("model", "expected a string")
    results = [
        moderate(text, image, has_text=bool(text) or not image)
        for text, image in _split_input(body["input"])
    ]
    return json_reply({"id": fake.new_id("modr-"), "model": model, "results": results})
