"""The Fine-tuning API: create, list, follow, pause, resume and cancel fine-tuning jobs.

https://platform.openai.com/docs/api-reference/fine-tuning
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Mapping, Optional, Sequence, Union

import requests

from ._model import Model
from ._request import _request, body_of, path_param, string_map
from ._response import ApiResponse

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._request import RequestOptions

__all__ = [
    "FineTuningJob",
    "FineTuningJobList",
    "FineTuningJobError",
    "Hyperparameters",
    "FineTuningIntegration",
    "WandbIntegration",
    "FineTuneMethod",
    "SupervisedMethod",
    "DpoMethod",
    "DpoHyperparameters",
    "ReinforcementMethod",
    "FineTuningJobEvent",
    "FineTuningJobEventList",
    "FineTuningJobCheckpoint",
    "FineTuningJobCheckpointList",
    "CheckpointMetrics",
    "list_jobs",
    "create_job",
    "retrieve_job",
    "cancel_job",
    "pause_job",
    "resume_job",
    "list_events",
    "list_checkpoints",
]


@dataclass
class Hyperparameters(Model):
    """Training hyperparameters; each is ``"auto"`` or a number.

    May also be passed to :func:`create_job` (fields left None are not sent).
    """

    n_epochs: Union[str, int, None] = None
    batch_size: Union[str, int, None] = None
    learning_rate_multiplier: Union[str, float, None] = None


@dataclass
class DpoHyperparameters(Hyperparameters):
    """Hyperparameters of a DPO job; ``beta`` is ``"auto"`` or a number."""

    beta: Union[str, float, None] = None


@dataclass
class SupervisedMethod(Model):
    """The settings of the supervised method."""

    hyperparameters: Optional[Hyperparameters] = None


@dataclass
class DpoMethod(Model):
    """The settings of the DPO method."""

    hyperparameters: Optional[DpoHyperparameters] = None


@dataclass
class ReinforcementMethod(Model):
    """The settings of the reinforcement method; ``grader`` and ``hyperparameters`` as sent."""

    grader: Optional[Dict[str, Any]] = None
    hyperparameters: Optional[Dict[str, Any]] = None


@dataclass
class FineTuneMethod(Model):
    """The fine-tuning method: ``type`` names which of the other fields is set."""

    type: Optional[str] = None
    supervised: Optional[SupervisedMethod] = None
    dpo: Optional[DpoMethod] = None
    reinforcement: Optional[ReinforcementMethod] = None


@dataclass
class WandbIntegration(Model):
    """Where Weights and Biases receives the job's metrics."""

    project: Optional[str] = None
    name: Optional[str] = None
    entity: Optional[str] = None
    tags: Optional[List[str]] = None


@dataclass
class FineTuningIntegration(Model):
    """An integration enabled for a job (``type`` "wandb")."""

    type: Optional[str] = None
    wandb: Optional[WandbIntegration] = None


@dataclass
class FineTuningJobError(Model):
    """Why a job failed."""

    code: Optional[str] = None
    message: Optional[str] = None
    param: Optional[str] = None


@dataclass
class FineTuningJob(Model):
    """A fine-tuning job."""

    id: str
    created_at: Optional[int] = None
    error: Optional[FineTuningJobError] = None
    fine_tuned_model: Optional[str] = None
    finished_at: Optional[int] = None
    hyperparameters: Optional[Hyperparameters] = None
    model: Optional[str] = None
    object: str = "fine_tuning.job"
    organization_id: Optional[str] = None
    result_files: Optional[List[str]] = None
    status: Optional[str] = None
    trained_tokens: Optional[int] = None
    training_file: Optional[str] = None
    validation_file: Optional[str] = None
    integrations: Optional[List[FineTuningIntegration]] = None
    seed: Optional[int] = None
    estimated_finish: Optional[int] = None
    method: Optional[FineTuneMethod] = None
    metadata: Optional[Dict[str, str]] = None


@dataclass
class FineTuningJobList(Model):
    """A page of fine-tuning jobs, newest first."""

    data: List[FineTuningJob]
    has_more: Optional[bool] = None
    object: str = "list"


@dataclass
class FineTuningJobEvent(Model):
    """A status update of a job (``type`` "message"), or its training metrics (``type`` "metrics")."""

    id: str
    created_at: Optional[int] = None
    level: Optional[str] = None
    message: Optional[str] = None
    object: str = "fine_tuning.job.event"
    type: Optional[str] = None
    data: Optional[Dict[str, Any]] = None


@dataclass
class FineTuningJobEventList(Model):
    """A page of a job's events, newest first."""

    data: List[FineTuningJobEvent]
    has_more: Optional[bool] = None
    object: str = "list"


@dataclass
class CheckpointMetrics(Model):
    """The training metrics at a checkpoint's step."""

    step: Optional[float] = None
    train_loss: Optional[float] = None
    train_mean_token_accuracy: Optional[float] = None
    valid_loss: Optional[float] = None
    valid_mean_token_accuracy: Optional[float] = None
    full_valid_loss: Optional[float] = None
    full_valid_mean_token_accuracy: Optional[float] = None


@dataclass
class FineTuningJobCheckpoint(Model):
    """A checkpoint of a job: a model that can be used like the final one."""

    id: str
    created_at: Optional[int] = None
    fine_tuned_model_checkpoint: Optional[str] = None
    fine_tuning_job_id: Optional[str] = None
    metrics: Optional[CheckpointMetrics] = None
    object: str = "fine_tuning.job.checkpoint"
    step_number: Optional[int] = None


@dataclass
class FineTuningJobCheckpointList(Model):
    """A page of a job's checkpoints, newest first."""

    data: List[FineTuningJobCheckpoint]
    has_more: Optional[bool] = None
    first_id: Optional[str] = None
    last_id: Optional[str] = None
    object: str = "list"


def list_jobs(
    session: requests.Session,
    *,
    after: Optional[str] = None,
    limit: Optional[int] = None,
    metadata: Optional[Mapping[str, str]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[FineTuningJobList]:
    """List the organization's fine-tuning jobs.

    ``after`` is the id of the last job of the previous page. ``metadata`` keeps the jobs
    whose metadata has all the given pairs; it is sent as ``metadata[key]=value``. To list
    only jobs without metadata, pass ``extra_query={"metadata": "null"}``.

    https://platform.openai.com/docs/api-reference/fine-tuning/list
    """
    params = {"after": after, "limit": limit, "metadata": string_map(metadata, "metadata")}
    return _request(session, "GET", "/fine_tuning/jobs", params=params, into=FineTuningJobList, **options)


def create_job(
    session: requests.Session,
    *,
    model: str,
    training_file: str,
    hyperparameters: Union[None, Hyperparameters, Mapping[str, Any]] = None,
    integrations: Optional[Sequence[Mapping[str, Any]]] = None,
    metadata: Optional[Mapping[str, str]] = None,
    method: Union[None, FineTuneMethod, Mapping[str, Any]] = None,
    seed: Optional[int] = None,
    suffix: Optional[str] = None,
    validation_file: Optional[str] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[FineTuningJob]:
    """Create a job that fine-tunes a model on an uploaded file.

    ``training_file`` and ``validation_file`` are ids of files uploaded with purpose
    ``"fine-tune"``. ``hyperparameters`` is deprecated by the API in favour of
    ``method={"type": "supervised", "supervised": {"hyperparameters": {...}}}``.

    https://platform.openai.com/docs/api-reference/fine-tuning/create
    """
    body = body_of(locals())
    return _request(session, "POST", "/fine_tuning/jobs", json_body=body, into=FineTuningJob, **options)


def retrieve_job(
    session: requests.Session, fine_tuning_job_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[FineTuningJob]:
    """Retrieve a fine-tuning job.

    https://platform.openai.com/docs/api-reference/fine-tuning/retrieve
    """
    path = "/fine_tuning/jobs/" + path_param(fine_tuning_job_id, "fine_tuning_job_id")
    return _request(session, "GET", path, into=FineTuningJob, **options)


def cancel_job(
    session: requests.Session, fine_tuning_job_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[FineTuningJob]:
    """Cancel a fine-tuning job that has not finished.

    https://platform.openai.com/docs/api-reference/fine-tuning/cancel
    """
    path = "/fine_tuning/jobs/" + path_param(fine_tuning_job_id, "fine_tuning_job_id") + "/cancel"
    return _request(session, "POST", path, into=FineTuningJob, **options)


def pause_job(
    session: requests.Session, fine_tuning_job_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[FineTuningJob]:
    """Pause a running job; :func:`resume_job` goes on with it.

    https://platform.openai.com/docs/api-reference/fine-tuning/pause
    """
    path = "/fine_tuning/jobs/" + path_param(fine_tuning_job_id, "fine_tuning_job_id") + "/pause"
    return _request(session, "POST", path, into=FineTuningJob, **options)


def resume_job(
    session: requests.Session, fine_tuning_job_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[FineTuningJob]:
    """Resume a paused job.

    https://platform.openai.com/docs/api-reference/fine-tuning/resume
    """
    path = "/fine_tuning/jobs/" + path_param(fine_tuning_job_id, "fine_tuning_job_id") + "/resume"
    return _request(session, "POST", path, into=FineTuningJob, **options)


def list_events(
    session: requests.Session,
    fine_tuning_job_id: str,
    *,
    after: Optional[str] = None,
    limit: Optional[int] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[FineTuningJobEventList]:
    """List a job's status updates and metrics, newest first.

    ``after`` is the id of the last event of the previous page; :func:`openai_lite.paginate`
    walks every page.

    https://platform.openai.com/docs/api-reference/fine-tuning/list-events
    """
    path = "/fine_tuning/jobs/" + path_param(fine_tuning_job_id, "fine_tuning_job_id") + "/events"
    params = {"after": after, "limit": limit}
    return _request(session, "GET", path, params=params, into=FineTuningJobEventList, **options)


def list_checkpoints(
    session: requests.Session,
    fine_tuning_job_id: str,
    *,
    after: Optional[str] = None,
    limit: Optional[int] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[FineTuningJobCheckpointList]:
    """List a job's checkpoints, newest first.

    ``after`` is the id of the last checkpoint of the previous page;
    :func:`openai_lite.paginate` walks every page.

    https://platform.openai.com/docs/api-reference/fine-tuning/list-checkpoints
    """
    path = "/fine_tuning/jobs/" + path_param(fine_tuning_job_id, "fine_tuning_job_id") + "/checkpoints"
    params = {"after": after, "limit": limit}
    return _request(session, "GET", path, params=params, into=FineTuningJobCheckpointList, **options)


# -- checkpoint permissions -------------------------------------------------------

__all__ += [
    "CheckpointPermission",
    "CheckpointPermissionList",
    "CheckpointPermissionDeleted",
    "create_checkpoint_permission",
    "list_checkpoint_permissions",
    "delete_checkpoint_permission",
]


@dataclass
class CheckpointPermission(Model):
    """A project's permission to use a fine-tuned model checkpoint."""

    id: str
    object: str = "checkpoint.permission"
    created_at: Optional[int] = None
    project_id: Optional[str] = None


@dataclass
class CheckpointPermissionList(Model):
    """A page of a checkpoint's permissions."""

    data: List[CheckpointPermission]
    has_more: Optional[bool] = None
    first_id: Optional[str] = None
    last_id: Optional[str] = None
    object: str = "list"


@dataclass
class CheckpointPermissionDeleted(Model):
    """The answer to :func:`delete_checkpoint_permission`."""

    id: str
    object: str = "checkpoint.permission"
    deleted: Optional[bool] = None


def create_checkpoint_permission(
    session: requests.Session,
    fine_tuned_model_checkpoint: str,
    *,
    project_ids: Sequence[str],
    **options: Unpack[RequestOptions],
) -> ApiResponse[CheckpointPermissionList]:
    """Let other projects of the organization use a checkpoint; the answer lists the new permissions.

    ``fine_tuned_model_checkpoint`` is the checkpoint's model name (``ft:...:ckpt-step-N``).
    The permission endpoints need an admin API key.

    https://platform.openai.com/docs/api-reference/fine-tuning/create-permission
    """
    path = _permissions_path(fine_tuned_model_checkpoint)
    if isinstance(project_ids, str) or not all(isinstance(p, str) and p for p in project_ids):
        raise TypeError(f"project_ids must be a list of project ids, not {project_ids!r}")
    body = {"project_ids": list(project_ids)}
    return _request(session, "POST", path, json_body=body, into=CheckpointPermissionList, **options)


def list_checkpoint_permissions(
    session: requests.Session,
    fine_tuned_model_checkpoint: str,
    *,
    after: Optional[str] = None,
    limit: Optional[int] = None,
    order: Optional[Literal["ascending", "descending"]] = None,
    project_id: Optional[str] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[CheckpointPermissionList]:
    """List the permissions of a checkpoint, newest first unless ``order="ascending"``.

    ``project_id`` keeps that project's permission only; :func:`openai_lite.paginate` walks
    every page.

    https://platform.openai.com/docs/api-reference/fine-tuning/list-permissions
    """
    path = _permissions_path(fine_tuned_model_checkpoint)
    params = {"after": after, "limit": limit, "order": order, "project_id": project_id}
    return _request(session, "GET", path, params=params, into=CheckpointPermissionList, **options)


def delete_checkpoint_permission(
    session: requests.Session,
    fine_tuned_model_checkpoint: str,
    permission_id: str,
    **options: Unpack[RequestOptions],
) -> ApiResponse[CheckpointPermissionDeleted]:
    """Withdraw a project's permission to use a checkpoint.

    https://platform.openai.com/docs/api-reference/fine-tuning/delete-permission
    """
    path = _permissions_path(fine_tuned_model_checkpoint) + "/" + path_param(permission_id, "permission_id")
    return _request(session, "DELETE", path, into=CheckpointPermissionDeleted, **options)


def _permissions_path(checkpoint: str) -> str:
    checkpoint = path_param(checkpoint, "fine_tuned_model_checkpoint")
    return "/fine_tuning/checkpoints/" + checkpoint + "/permissions"
