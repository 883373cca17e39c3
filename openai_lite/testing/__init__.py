"""A fake OpenAI API server for tests, speaking real HTTP/1.1 on localhost.

Example::

    from openai_lite.testing import FakeOpenAI, error_reply

    with FakeOpenAI() as fake:
        fake.enqueue(error_reply(429, "Slow down.", type="rate_limit_error"))
        ...  # point a client at fake.url with fake.api_key
        assert fake.last.reply_status == 429

The chat and responses routes answer a structured output request with JSON that fits the
schema sent; :func:`queue_answer` scripts the next answer instead (a refusal, a cut by the
token limit, a content filter stop, or given content).

A file attached to a vector store stays ``in_progress`` for a few looks, as
:func:`vector_store_settings` says, or until :func:`finish_vector_store_files`;
:func:`write_container_file` puts a file in a container as code running there would.
"""

from __future__ import annotations

from . import (  # noqa: F401  (imported to register the built-in routes)
    _routes_audio,
    _routes_batches,
    _routes_chat,
    _routes_chat_store,
    _routes_completions,
    _routes_containers,
    _routes_conversations,
    _routes_embeddings,
    _routes_evals,
    _routes_files,
    _routes_fine_tuning,
    _routes_images,
    _routes_models,
    _routes_moderations,
    _routes_realtime,
    _routes_responses,
    _routes_uploads,
    _routes_vector_stores,
)
from ._answers import example_value, queue_answer
from ._ratelimit import RateLimits
from ._response_stream import (
    response_events,
    response_events_reply,
    response_stream_reply,
)
from ._routes_batches import BatchSettings, batch_settings
from ._routes_containers import write_container_file
from ._routes_evals import finish_run as finish_eval_run
from ._routes_fine_tuning import finish_job as finish_fine_tuning_job
from ._routes_realtime import ring as ring_realtime_call
from ._routes_vector_stores import VectorStoreSettings, finish_vector_store_files, vector_store_settings
from ._server import (
    ApiError,
    FakeOpenAI,
    Headers,
    Part,
    RecordedRequest,
    Reply,
    error_reply,
    json_reply,
    sse_reply,
)

__all__ = [
    "ApiError",
    "FakeOpenAI",
    "Headers",
    "Part",
    "RecordedRequest",
    "Reply",
    "error_reply",
    "json_reply",
    "sse_reply",
    "finish_fine_tuning_job",
    "VectorStoreSettings",
    "vector_store_settings",
    "finish_vector_store_files",
    "write_container_file",
    "finish_eval_run",
    "ring_realtime_call",
    "response_events",
    "response_events_reply",
    "response_stream_reply",
    "queue_answer",
    "example_value",
    "BatchSettings",
    "batch_settings",
    "RateLimits",
]
