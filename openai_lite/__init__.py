"""A small synchronous client for the OpenAI REST API, built on requests.

::

    from openai_lite import OpenAISession, chat

    session = OpenAISession()
    resp = chat.create(session, model="gpt-4o-mini",
                       messages=[{"role": "user", "content": "Hello"}])
    print(resp.status_code, resp.data.choices[0].message.content)

Resource modules (``chat``, ``embeddings``, ``files``, ...) are imported on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    OpenAIError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from ._response import ApiResponse, ErrorObject
from ._retry import OpenAIRetry
from ._session import OpenAISession
from ._version import __version__

if TYPE_CHECKING:
    from . import (
        audio,
        chat,
        embeddings,
        errors,
        files,
        fine_tuning,
        images,
        models,
        moderations,
    )

_MODULES = frozenset(
    {
        "audio",
        "chat",
        "embeddings",
        "errors",
        "files",
        "fine_tuning",
        "images",
        "models",
        "moderations",
        "testing",
    }
)

__all__ = [
    "__version__",
    "OpenAISession",
    "OpenAIRetry",
    "ApiResponse",
    "ErrorObject",
    "OpenAIError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "audio",
    "chat",
    "embeddings",
    "errors",
    "files",
    "fine_tuning",
    "images",
    "models",
    "moderations",
]


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _MODULES)
