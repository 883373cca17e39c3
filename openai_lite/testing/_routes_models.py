"""Model routes: list, retrieve and delete."""

from __future__ import annotations

from typing import Dict

from ._server import (
    ApiError,
    FakeOpenAI,
    RecordedRequest,
    Reply,
    builtin_route,
    builtin_seed,
    json_reply,
)

FINE_TUNED_MODEL = "ft:gpt-3.5-turbo:acme::abc123"

_SEED_MODELS = [
    ("gpt-4o-mini", 1721172741, "system"),
    ("gpt-3.5-turbo", 1677610602, "openai"),
    ("text-embedding-3-small", 1705948997, "system"),
    ("whisper-1", 1677532384, "openai-internal"),
    ("dall-e-2", 1698798177, "system"),
]


@builtin_seed
def _seed(fake: FakeOpenAI) -> None:
    for model_id, created, owner in _SEED_MODELS:
        fake.models[model_id] = {
            "id": model_id,
            "object": "model",
            "created": created,
            "owned_by": owner,
        }
    fake.models[FINE_TUNED_MODEL] = {
        "id": FINE_TUNED_MODEL,
        "object": "model",
        "created": 1700000000,
        "owned_by": fake.organization_id,
    }


def _get(fake: FakeOpenAI, model_id: str) -> Dict[str, object]:
    model = fake.models.get(model_id)
    if model is None:
        raise ApiError(
            404,
            f"The model '{model_id}' does not exist",
            param="model",
            code="model_not_found",
        )
    return model


@builtin_route("GET", "/models")
def list_models(
    fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]
) -> Reply:
    """List the models."""
    return json_reply({"object": "list", "data": list(fake.models.values())})


@builtin_route("GET", "/models/{model}")
def retrieve_model(
    fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]
) -> Reply:
    """Retrieve one model."""
    return json_reply(_get(fake, params["model"]))


@builtin_route("DELETE", "/models/{model}")
def delete_model(
    fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]
) -> Reply:
    """Delete a fine-tuned model owned by the organisation."""
    model = _get(fake, params["model"])
    if model["owned_by"] != fake.organization_id:
        raise ApiError(
            403,
            "You have insufficient permissions for this operation. "
            "Only fine-tuned models owned by your organization can be deleted.",
            param="model",
            code="insufficient_permissions",
        )
    del fake.models[params["model"]]
    return json_reply({"id": params["model"], "object": "model", "deleted": True})
