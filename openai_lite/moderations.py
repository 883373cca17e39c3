"""The Moderations API: classify text and images as potentially harmful.

https://platform.openai.com/docs/api-reference/moderations
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Mapping, Optional, Sequence, Union

import requests

from ._model import Model, json_name
from ._request import _request, body_of
from ._response import ApiResponse

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._request import RequestOptions

__all__ = [
    "Categories",
    "CategoryScores",
    "CategoryAppliedInputTypes",
    "Moderation",
    "ModerationCreateResponse",
    "ModerationResult",
    "ModerationResults",
    "ModerationFailure",
    "create",
]


@dataclass
class Categories(Model):
    """Whether the input is flagged in each category."""

    harassment: Optional[bool] = None
    harassment_threatening: Optional[bool] = field(default=None, metadata=json_name("harassment/threatening"))
    hate: Optional[bool] = None
    hate_threatening: Optional[bool] = field(default=None, metadata=json_name("hate/threatening"))
    illicit: Optional[bool] = None
    illicit_violent: Optional[bool] = field(default=None, metadata=json_name("illicit/violent"))
    self_harm: Optional[bool] = field(default=None, metadata=json_name("self-harm"))
    self_harm_intent: Optional[bool] = field(default=None, metadata=json_name("self-harm/intent"))
    self_harm_instructions: Optional[bool] = field(default=None, metadata=json_name("self-harm/instructions"))
    sexual: Optional[bool] = None
    sexual_minors: Optional[bool] = field(default=None, metadata=json_name("sexual/minors"))
    violence: Optional[bool] = None
    violence_graphic: Optional[bool] = field(default=None, metadata=json_name("violence/graphic"))


@dataclass
class CategoryScores(Model):
    """The model's confidence, from 0 to 1, for each category."""

    harassment: Optional[float] = None
    harassment_threatening: Optional[float] = field(
        default=None, metadata=json_name("harassment/threatening")
    )
    hate: Optional[float] = None
    hate_threatening: Optional[float] = field(default=None, metadata=json_name("hate/threatening"))
    illicit: Optional[float] = None
    illicit_violent: Optional[float] = field(default=None, metadata=json_name("illicit/violent"))
    self_harm: Optional[float] = field(default=None, metadata=json_name("self-harm"))
    self_harm_intent: Optional[float] = field(default=None, metadata=json_name("self-harm/intent"))
    self_harm_instructions: Optional[float] = field(
        default=None, metadata=json_name("self-harm/instructions")
    )
    sexual: Optional[float] = None
    sexual_minors: Optional[float] = field(default=None, metadata=json_name("sexual/minors"))
    violence: Optional[float] = None
    violence_graphic: Optional[float] = field(default=None, metadata=json_name("violence/graphic"))


@dataclass
class CategoryAppliedInputTypes(Model):
    """Which input types (\"text\", \"image\") each category's score was drawn from."""

    harassment: Optional[List[str]] = None
    harassment_threatening: Optional[List[str]] = field(
        default=None, metadata=json_name("harassment/threatening")
    )
    hate: Optional[List[str]] = None
    hate_threatening: Optional[List[str]] = field(default=None, metadata=json_name("hate/threatening"))
    illicit: Optional[List[str]] = None
    illicit_violent: Optional[List[str]] = field(default=None, metadata=json_name("illicit/violent"))
    self_harm: Optional[List[str]] = field(default=None, metadata=json_name("self-harm"))
    self_harm_intent: Optional[List[str]] = field(default=None, metadata=json_name("self-harm/intent"))
    self_harm_instructions: Optional[List[str]] = field(
        default=None, metadata=json_name("self-harm/instructions")
    )
    sexual: Optional[List[str]] = None
    sexual_minors: Optional[List[str]] = field(default=None, metadata=json_name("sexual/minors"))
    violence: Optional[List[str]] = None
    violence_graphic: Optional[List[str]] = field(default=None, metadata=json_name("violence/graphic"))


@dataclass
class Moderation(Model):
    """The classification of one input."""

    flagged: bool
    categories: Categories
    category_scores: CategoryScores
    category_applied_input_types: Optional[CategoryAppliedInputTypes] = None


@dataclass
class ModerationCreateResponse(Model):
    """One :class:`Moderation` per input (a list of multimodal parts is one input)."""

    id: str
    results: List[Moderation]
    model: Optional[str] = None


# -- the moderation of a model's input and output ---------------------------------------------


@dataclass
class ModerationResult(Model):
    """The classification of a model's input or output, by category name as the API sends them.

    It is what ``moderation`` of a chat completion or a response holds, when the request
    asked for it with the ``moderation`` parameter.
    """

    type: Literal["moderation_result"] = "moderation_result"
    model: Optional[str] = None
    flagged: Optional[bool] = None
    categories: Optional[Dict[str, bool]] = None
    category_scores: Optional[Dict[str, float]] = None
    category_applied_input_types: Optional[Dict[str, List[str]]] = None


@dataclass
class ModerationResults(Model):
    """The classifications of a chat completion's input or output, one per moderated part."""

    type: Literal["moderation_results"] = "moderation_results"
    model: Optional[str] = None
    results: Optional[List[ModerationResult]] = None


@dataclass
class ModerationFailure(Model):
    """Why the input or output could not be moderated."""

    type: Literal["error"] = "error"
    code: Optional[str] = None
    message: Optional[str] = None


def create(
    session: requests.Session,
    *,
    input: Union[str, Sequence[str], Sequence[Mapping[str, Any]]],
    model: Optional[str] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[ModerationCreateResponse]:
    """Classify whether text or images are potentially harmful.

    ``input`` is a string, a list of strings, or a list of multimodal parts such as
    ``{"type": "text", "text": ...}`` and ``{"type": "image_url", "image_url": {"url": ...}}``.

    https://platform.openai.com/docs/api-reference/moderations/create
    """
    body = body_of(locals())
    if isinstance(input, (bytes, bytearray)) or not isinstance(input, (str, Sequence)):
        raise TypeError(f"input must be a string or a list of strings or parts, not {type(input).__name__}")
    return _request(session, "POST", "/moderations", json_body=body, into=ModerationCreateResponse, **options)
