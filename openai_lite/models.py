"""The Models API: list, retrieve and delete models.

https://platform.openai.com/docs/api-reference/models
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, List, Optional

import requests

from ._model import Model
from ._request import _request, path_param
from ._response import ApiResponse

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._request import RequestOptions

__all__ = ["OpenAIModel", "ModelList", "ModelDeleted", "list", "retrieve", "delete"]


@dataclass
class OpenAIModel(Model):
    """A model the key may use; ``shutdown_date`` (``"YYYY-MM-DD"``) is set once it is scheduled."""

    id: str
    created: Optional[int] = None
    object: str = "model"
    owned_by: Optional[str] = None
    shutdown_date: Optional[str] = None


@dataclass
class ModelList(Model):
    """The models the key may use."""

    data: List[OpenAIModel]
    object: str = "list"


@dataclass
class ModelDeleted(Model):
    """The answer to deleting a fine-tuned model."""

    id: str
    deleted: bool
    object: str = "model"


def list(session: requests.Session, **options: Unpack[RequestOptions]) -> ApiResponse[ModelList]:
    """List the models the key may use.

    https://platform.openai.com/docs/api-reference/models/list
    """
    return _request(session, "GET", "/models", into=ModelList, **options)


def retrieve(
    session: requests.Session, model: str, **options: Unpack[RequestOptions]
) -> ApiResponse[OpenAIModel]:
    """Retrieve one model.

    https://platform.openai.com/docs/api-reference/models/retrieve
    """
    path = "/models/" + path_param(model, "model")
    return _request(session, "GET", path, into=OpenAIModel, **options)


def delete(
    session: requests.Session, model: str, **options: Unpack[RequestOptions]
) -> ApiResponse[ModelDeleted]:
    """Delete a fine-tuned model that the organization owns.

    https://platform.openai.com/docs/api-reference/models/delete
    """
    path = "/models/" + path_param(model, "model")
    return _request(session, "DELETE", path, into=ModelDeleted, **options)
