"""The Batch API: run a file of requests asynchronously, within 24 hours, at a lower price.

https://platform.openai.com/docs/api-reference/batch
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, List, Literal, Mapping, Optional, Union

import requests

from ._model import Model
from ._request import _request, body_of, path_param
from ._response import ApiResponse

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._request import RequestOptions

__all__ = [
    "Batch",
    "BatchList",
    "BatchError",
    "BatchErrors",
    "BatchRequestCounts",
    "BatchUsage",
    "BatchInputTokensDetails",
    "BatchOutputTokensDetails",
    "create",
    "retrieve",
    "list",
    "cancel",
]

Endpoint = Literal[
    "/v1/responses",
    "/v1/chat/completions",
    "/v1/embeddings",
    "/v1/completions",
    "/v1/moderations",
    "/v1/images/generations",
    "/v1/images/edits",
    "/v1/videos",
]


@dataclass
class BatchError(Model):
    """A problem found in the input file."""

    code: Optional[str] = None
    message: Optional[str] = None
    param: Optional[str] = None
    line: Optional[int] = None


@dataclass
class BatchErrors(Model):
    """The problems found in the input file."""

    data: Optional[List[BatchError]] = None
    object: Optional[str] = None


@dataclass
class BatchRequestCounts(Model):
    """How many requests of the batch were done, and how many failed."""

    total: int = 0
    completed: int = 0
    failed: int = 0


@dataclass
class BatchInputTokensDetails(Model):
    """A breakdown of the input tokens."""

    cached_tokens: Optional[int] = None


@dataclass
class BatchOutputTokensDetails(Model):
    """A breakdown of the output tokens."""

    reasoning_tokens: Optional[int] = None


@dataclass
class BatchUsage(Model):
    """The tokens used by the batch."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    input_tokens_details: Optional[BatchInputTokensDetails] = None
    output_tokens_details: Optional[BatchOutputTokensDetails] = None


@dataclass
class Batch(Model):
    """A batch; the ``*_at`` fields are Unix times in seconds."""

    id: str
    object: str = "batch"
    endpoint: Optional[str] = None
    model: Optional[str] = None
    errors: Optional[BatchErrors] = None
    input_file_id: Optional[str] = None
    completion_window: Optional[str] = None
    status: Optional[str] = None
    output_file_id: Optional[str] = None
    error_file_id: Optional[str] = None
    created_at: Optional[int] = None
    in_progress_at: Optional[int] = None
    expires_at: Optional[int] = None
    finalizing_at: Optional[int] = None
    completed_at: Optional[int] = None
    failed_at: Optional[int] = None
    expired_at: Optional[int] = None
    cancelling_at: Optional[int] = None
    cancelled_at: Optional[int] = None
    request_counts: Optional[BatchRequestCounts] = None
    usage: Optional[BatchUsage] = None
    metadata: Optional[Dict[str, str]] = None


@dataclass
class BatchList(Model):
    """A page of batches, newest first."""

    data: List[Batch]
    has_more: Optional[bool] = None
    first_id: Optional[str] = None
    last_id: Optional[str] = None
    object: str = "list"


def create(
    session: requests.Session,
    *,
    input_file_id: str,
    endpoint: Union[Endpoint, str],
    completion_window: Literal["24h"],
    metadata: Optional[Mapping[str, str]] = None,
    output_expires_after: Optional[Mapping[str, Union[str, int]]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[Batch]:
    """Create and start a batch from an uploaded JSONL file of requests.

    ``input_file_id`` is a file uploaded with purpose ``"batch"``; ``endpoint`` is the path
    every request of the file goes to. ``output_expires_after`` is ``{"anchor":
    "created_at", "seconds": n}``.

    https://platform.openai.com/docs/api-reference/batch/create
    """
    body = body_of(locals())
    return _request(session, "POST", "/batches", json_body=body, into=Batch, **options)


def retrieve(
    session: requests.Session, batch_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[Batch]:
    """Retrieve a batch.

    https://platform.openai.com/docs/api-reference/batch/retrieve
    """
    path = "/batches/" + path_param(batch_id, "batch_id")
    return _request(session, "GET", path, into=Batch, **options)


def list(
    session: requests.Session,
    *,
    after: Optional[str] = None,
    limit: Optional[int] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[BatchList]:
    """List the organization's batches, newest first.

    ``after`` is the id of the last batch of the previous page; ``limit`` is 1 to 100.
    :func:`openai_lite.paginate` walks every page.

    https://platform.openai.com/docs/api-reference/batch/list
    """
    params = {"after": after, "limit": limit}
    return _request(session, "GET", "/batches", params=params, into=BatchList, **options)


def cancel(
    session: requests.Session, batch_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[Batch]:
    """Cancel a batch: it is ``cancelling`` for up to 10 minutes, then ``cancelled`` with partial results.

    https://platform.openai.com/docs/api-reference/batch/cancel
    """
    path = "/batches/" + path_param(batch_id, "batch_id") + "/cancel"
    return _request(session, "POST", path, into=Batch, **options)
