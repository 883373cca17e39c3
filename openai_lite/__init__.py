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
    APIStreamError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ContentFilterFinishReasonError,
    InternalServerError,
    LengthFinishReasonError,
    NotFoundError,
    OpenAIError,
    OutputValidationError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from ._model import JSONObject
from ._multipart import Progress
from ._pagination import paginate
from ._request import request
from ._response import ApiResponse, ErrorObject
from ._retry import OpenAIRetry
from ._session import OpenAISession, RetryingAdapter
from ._version import __version__

if TYPE_CHECKING:
    from . import (
        audio,
        azure,
        batches,
        bulk,
        chat,
        completions,
        containers,
        conversations,
        embeddings,
        errors,
        evals,
        files,
        fine_tuning,
        images,
        models,
        moderations,
        realtime,
        responses,
        uploads,
        vector_stores,
        webhooks,
    )
    from ._schema import FunctionTool, function_tool, json_schema

__all__ = [
    "__version__",
    "OpenAISession",
    "RetryingAdapter",
    "OpenAIRetry",
    "Progress",
    "ApiResponse",
    "ErrorObject",
    "JSONObject",
    "OpenAIError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "APIStreamError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "LengthFinishReasonError",
    "ContentFilterFinishReasonError",
    "OutputValidationError",
    "request",
    "paginate",
    "json_schema",
    "function_tool",
    "FunctionTool",
    "audio",
    "azure",
    "batches",
    "bulk",
    "chat",
    "completions",
    "containers",
    "conversations",
    "embeddings",
    "errors",
    "evals",
    "files",
    "fine_tuning",
    "images",
    "models",
    "moderations",
    "realtime",
    "responses",
    "uploads",
    "vector_stores",
    "webhooks",
]

# Names imported when first used: the structured-output helpers, and the resource modules
# named above (and ``testing``).
_SCHEMA = frozenset({"json_schema", "function_tool", "FunctionTool"})
_MODULES = frozenset(name for name in __all__ if name not in globals() and name not in _SCHEMA) | {"testing"}


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _SCHEMA:
        return getattr(importlib.import_module(f"{__name__}._schema"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _MODULES | _SCHEMA)
