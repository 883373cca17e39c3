"""The Evals API: define an evaluation, run it against a data source, read the graded items.

https://platform.openai.com/docs/api-reference/evals
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Mapping, Optional, Sequence

import requests

from ._model import Model
from ._request import _request, body_of, path_param, string_map
from ._response import ApiResponse

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._request import RequestOptions

__all__ = [
    "Eval",
    "EvalList",
    "EvalDeleted",
    "EvalRun",
    "EvalRunList",
    "EvalRunDeleted",
    "EvalRunError",
    "EvalRunResultCounts",
    "EvalRunModelUsage",
    "EvalRunCriteriaResult",
    "EvalRunOutputItem",
    "EvalRunOutputItemList",
    "EvalRunOutputItemResult",
    "EvalRunOutputItemSample",
    "create",
    "retrieve",
    "update",
    "delete",
    "list",
    "create_run",
    "retrieve_run",
    "list_runs",
    "delete_run",
    "cancel_run",
    "list_output_items",
    "retrieve_output_item",
]

Order = Literal["asc", "desc"]

# -- evals ------------------------------------------------------------------------


@dataclass
class Eval(Model):
    """An evaluation: its data source config and its graders (``testing_criteria``), as sent."""

    id: str
    object: str = "eval"
    name: Optional[str] = None
    created_at: Optional[int] = None
    data_source_config: Optional[Dict[str, Any]] = None
    testing_criteria: Optional[List[Dict[str, Any]]] = None
    metadata: Optional[Dict[str, Any]] = None


@dataclass
class EvalList(Model):
    """A page of evals."""

    data: List[Eval]
    has_more: Optional[bool] = None
    first_id: Optional[str] = None
    last_id: Optional[str] = None
    object: str = "list"


@dataclass
class EvalDeleted(Model):
    """The answer to :func:`delete`."""

    eval_id: str
    object: Optional[str] = None
    deleted: Optional[bool] = None


# -- runs -------------------------------------------------------------------------


@dataclass
class EvalRunError(Model):
    """Why a run (or the sampling of one item) failed."""

    code: Optional[str] = None
    message: Optional[str] = None


@dataclass
class EvalRunResultCounts(Model):
    """How many items of a run passed, failed or errored."""

    total: int = 0
    passed: int = 0
    failed: int = 0
    errored: int = 0


@dataclass
class EvalRunModelUsage(Model):
    """The tokens one model used during a run."""

    model_name: Optional[str] = None
    invocation_count: Optional[int] = None
    prompt_tokens: Optional[int] = None
    completion_tokens: Optional[int] = None
    total_tokens: Optional[int] = None
    cached_tokens: Optional[int] = None


@dataclass
class EvalRunCriteriaResult(Model):
    """How many items passed and failed one grader."""

    testing_criteria: Optional[str] = None
    passed: Optional[int] = None
    failed: Optional[int] = None


@dataclass
class EvalRun(Model):
    """A run of an eval; ``status`` goes from ``queued`` to ``completed``, ``failed`` or ``canceled``."""

    id: str
    object: str = "eval.run"
    eval_id: Optional[str] = None
    name: Optional[str] = None
    status: Optional[str] = None
    model: Optional[str] = None
    created_at: Optional[int] = None
    data_source: Optional[Dict[str, Any]] = None
    error: Optional[EvalRunError] = None
    report_url: Optional[str] = None
    result_counts: Optional[EvalRunResultCounts] = None
    per_model_usage: Optional[List[EvalRunModelUsage]] = None
    per_testing_criteria_results: Optional[List[EvalRunCriteriaResult]] = None
    metadata: Optional[Dict[str, Any]] = None


@dataclass
class EvalRunList(Model):
    """A page of an eval's runs."""

    data: List[EvalRun]
    has_more: Optional[bool] = None
    first_id: Optional[str] = None
    last_id: Optional[str] = None
    object: str = "list"


@dataclass
class EvalRunDeleted(Model):
    """The answer to :func:`delete_run`."""

    run_id: Optional[str] = None
    object: Optional[str] = None
    deleted: Optional[bool] = None


@dataclass
class EvalRunOutputItemResult(Model):
    """The verdict of one grader on one item."""

    name: Optional[str] = None
    type: Optional[str] = None
    score: Optional[float] = None
    passed: Optional[bool] = None
    sample: Optional[Dict[str, Any]] = None


@dataclass
class EvalRunOutputItemSample(Model):
    """What the model was asked and answered for one item; messages as sent."""

    input: Optional[List[Dict[str, Any]]] = None
    output: Optional[List[Dict[str, Any]]] = None
    finish_reason: Optional[str] = None
    model: Optional[str] = None
    usage: Optional[Dict[str, Any]] = None
    error: Optional[EvalRunError] = None
    temperature: Optional[float] = None
    max_completion_tokens: Optional[int] = None
    top_p: Optional[float] = None
    seed: Optional[int] = None


@dataclass
class EvalRunOutputItem(Model):
    """One item of a run's data source, with its sample and the graders' results."""

    id: str
    object: str = "eval.run.output_item"
    eval_id: Optional[str] = None
    run_id: Optional[str] = None
    created_at: Optional[int] = None
    status: Optional[str] = None
    datasource_item_id: Optional[int] = None
    datasource_item: Optional[Dict[str, Any]] = None
    results: Optional[List[EvalRunOutputItemResult]] = None
    sample: Optional[EvalRunOutputItemSample] = None


@dataclass
class EvalRunOutputItemList(Model):
    """A page of a run's output items."""

    data: List[EvalRunOutputItem]
    has_more: Optional[bool] = None
    first_id: Optional[str] = None
    last_id: Optional[str] = None
    object: str = "list"


# -- functions --------------------------------------------------------------------


def create(
    session: requests.Session,
    *,
    data_source_config: Mapping[str, Any],
    testing_criteria: Sequence[Mapping[str, Any]],
    name: Optional[str] = None,
    metadata: Optional[Mapping[str, str]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[Eval]:
    """Create an eval.

    ``data_source_config`` describes the items (``{"type": "custom", "item_schema": {...}}``,
    or ``logs``); ``testing_criteria`` is a list of graders (``string_check``,
    ``label_model``, ``text_similarity``, ``python``, ``score_model``), whose templates
    refer to ``{{item.field}}`` and ``{{sample.output_text}}``.

    https://platform.openai.com/docs/api-reference/evals/create
    """
    body = body_of(locals())
    if not isinstance(data_source_config, Mapping):
        raise TypeError(f"data_source_config must be a mapping, not {type(data_source_config).__name__}")
    _mappings(testing_criteria, "testing_criteria")
    string_map(metadata, "metadata")
    return _request(session, "POST", "/evals", json_body=body, into=Eval, **options)


def retrieve(session: requests.Session, eval_id: str, **options: Unpack[RequestOptions]) -> ApiResponse[Eval]:
    """Retrieve an eval.

    https://platform.openai.com/docs/api-reference/evals/get
    """
    return _request(session, "GET", _eval_path(eval_id), into=Eval, **options)


def update(
    session: requests.Session,
    eval_id: str,
    *,
    name: Optional[str] = None,
    metadata: Optional[Mapping[str, str]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[Eval]:
    """Rename an eval or replace its metadata; what is left None is not changed.

    https://platform.openai.com/docs/api-reference/evals/update
    """
    body = body_of(locals())
    del body["eval_id"]
    path = _eval_path(eval_id)
    string_map(metadata, "metadata")
    return _request(session, "POST", path, json_body=body, into=Eval, **options)


def delete(
    session: requests.Session, eval_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[EvalDeleted]:
    """Delete an eval and its runs.

    https://platform.openai.com/docs/api-reference/evals/delete
    """
    return _request(session, "DELETE", _eval_path(eval_id), into=EvalDeleted, **options)


def list(
    session: requests.Session,
    *,
    after: Optional[str] = None,
    limit: Optional[int] = None,
    order: Optional[Order] = None,
    order_by: Optional[Literal["created_at", "updated_at"]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[EvalList]:
    """List the project's evals, oldest first unless ``order="desc"``.

    :func:`openai_lite.paginate` walks every page.

    https://platform.openai.com/docs/api-reference/evals/list
    """
    params = {"after": after, "limit": limit, "order": order, "order_by": order_by}
    return _request(session, "GET", "/evals", params=params, into=EvalList, **options)


def create_run(
    session: requests.Session,
    eval_id: str,
    *,
    data_source: Mapping[str, Any],
    name: Optional[str] = None,
    metadata: Optional[Mapping[str, str]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[EvalRun]:
    """Start a run of an eval over ``data_source``; it is ``queued`` at first.

    ``data_source`` is ``{"type": "jsonl", "source": {"type": "file_id", "id": ...}}`` (or
    ``file_content`` with the rows inline), or a ``completions`` or ``responses`` source that
    samples a model first.

    https://platform.openai.com/docs/api-reference/evals/createRun
    """
    body = body_of(locals())
    del body["eval_id"]
    path = _eval_path(eval_id) + "/runs"
    if not isinstance(data_source, Mapping):
        raise TypeError(f"data_source must be a mapping, not {type(data_source).__name__}")
    string_map(metadata, "metadata")
    return _request(session, "POST", path, json_body=body, into=EvalRun, **options)


def retrieve_run(
    session: requests.Session, eval_id: str, run_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[EvalRun]:
    """Retrieve a run: poll it until its ``status`` is final.

    https://platform.openai.com/docs/api-reference/evals/getRun
    """
    return _request(session, "GET", _run_path(eval_id, run_id), into=EvalRun, **options)


def list_runs(
    session: requests.Session,
    eval_id: str,
    *,
    after: Optional[str] = None,
    limit: Optional[int] = None,
    order: Optional[Order] = None,
    status: Optional[Literal["queued", "in_progress", "completed", "canceled", "failed"]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[EvalRunList]:
    """List an eval's runs, oldest first unless ``order="desc"``.

    :func:`openai_lite.paginate` walks every page.

    https://platform.openai.com/docs/api-reference/evals/getRuns
    """
    path = _eval_path(eval_id) + "/runs"
    params = {"after": after, "limit": limit, "order": order, "status": status}
    return _request(session, "GET", path, params=params, into=EvalRunList, **options)


def delete_run(
    session: requests.Session, eval_id: str, run_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[EvalRunDeleted]:
    """Delete a run.

    https://platform.openai.com/docs/api-reference/evals/deleteRun
    """
    return _request(session, "DELETE", _run_path(eval_id, run_id), into=EvalRunDeleted, **options)


def cancel_run(
    session: requests.Session, eval_id: str, run_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[EvalRun]:
    """Cancel a run that has not finished; it becomes ``canceled``.

    https://platform.openai.com/docs/api-reference/evals/cancelRun
    """
    return _request(session, "POST", _run_path(eval_id, run_id), into=EvalRun, **options)


def list_output_items(
    session: requests.Session,
    eval_id: str,
    run_id: str,
    *,
    after: Optional[str] = None,
    limit: Optional[int] = None,
    order: Optional[Order] = None,
    status: Optional[Literal["pass", "fail"]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[EvalRunOutputItemList]:
    """List a run's graded items, oldest first unless ``order="desc"``; ``status`` filters them.

    :func:`openai_lite.paginate` walks every page.

    https://platform.openai.com/docs/api-reference/evals/getRunOutputItems
    """
    path = _run_path(eval_id, run_id) + "/output_items"
    params = {"after": after, "limit": limit, "order": order, "status": status}
    return _request(session, "GET", path, params=params, into=EvalRunOutputItemList, **options)


def retrieve_output_item(
    session: requests.Session,
    eval_id: str,
    run_id: str,
    output_item_id: str,
    **options: Unpack[RequestOptions],
) -> ApiResponse[EvalRunOutputItem]:
    """Retrieve one graded item of a run.

    https://platform.openai.com/docs/api-reference/evals/getRunOutputItem
    """
    path = _run_path(eval_id, run_id) + "/output_items/" + path_param(output_item_id, "output_item_id")
    return _request(session, "GET", path, into=EvalRunOutputItem, **options)


# -- helpers ----------------------------------------------------------------------


def _eval_path(eval_id: str) -> str:
    return "/evals/" + path_param(eval_id, "eval_id")


def _run_path(eval_id: str, run_id: str) -> str:
    return _eval_path(eval_id) + "/runs/" + path_param(run_id, "run_id")


def _mappings(value: Any, name: str) -> None:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list of mappings, not {type(value).__name__}")
    if not all(isinstance(item, Mapping) for item in value):
        raise TypeError(f"{name} must be a list of mappings")
