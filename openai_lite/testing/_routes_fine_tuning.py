"""Fine-tuning job routes: create, list, retrieve, cancel, pause, resume, events and checkpoints.

A job stays where it was created (``validating_files``) until :func:`finish_job` moves
it on. Pausing does not change ``status``, which the spec has no "paused" value for; it is
recorded as an event, and a paused job refuses a second pause.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set

from ._routes_files import paginate
from ._server import (
    ApiError,
    FakeOpenAI,
    RecordedRequest,
    Reply,
    builtin_route,
    builtin_seed,
    invalid,
    json_body,
    json_reply,
    not_found,
    require,
)

_FINISHED = ("succeeded", "failed", "cancelled")
_LIMITS = {"n_epochs": (1, 50), "batch_size": (1, 256)}


def _hyperparameters(given: Any) -> Dict[str, Any]:
    if given is None:
        given = {}
    if not isinstance(given, dict):
        raise invalid("hyperparameters", "expected an object")
    result: Dict[str, Any] = {}
    for name in ("batch_size", "learning_rate_multiplier", "n_epochs"):
        value = given.get(name, "auto")
        param = f"hyperparameters.{name}"
        if value == "auto":
            pass
        elif name in _LIMITS:
            low, high = _LIMITS[name]
            if isinstance(value, bool) or not isinstance(value, int):
                raise invalid(param, "expected 'auto' or an integer")
            if not low <= value <= high:
                raise invalid(param, f"must be between {low} and {high}")
        elif (
            isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0
        ):
            raise invalid(param, "expected 'auto' or a positive number")
        result[name] = value
    return result


def _check_file(fake: FakeOpenAI, body: Dict[str, Any], name: str) -> Optional[str]:
    file_id = body.get(name)
    if file_id is None:
        return None
    if not isinstance(file_id, str) or file_id not in fake.files:
        raise ApiError(400, f"invalid {name}: {file_id}", param=name)
    return file_id


@dataclass
class _State:
    events: Dict[str, List[Dict[str, Any]]] = field(default_factory=dict)
    checkpoints: Dict[str, List[Dict[str, Any]]] = field(default_factory=dict)
    paused: Set[str] = field(default_factory=set)


_STATES: weakref.WeakKeyDictionary[FakeOpenAI, _State] = weakref.WeakKeyDictionary()


@builtin_seed
def _seed(fake: FakeOpenAI) -> None:
    _STATES[fake] = _State()


def _state(fake: FakeOpenAI) -> _State:
    return _STATES.setdefault(fake, _State())


def add_event(
    fake: FakeOpenAI,
    job_id: str,
    message: str,
    *,
    level: str = "info",
    type: str = "message",
    data: Optional[Dict[str, Any]] = None,
) -> Dict[str, Any]:
    """Record an event of a job and return it."""
    event: Dict[str, Any] = {
        "object": "fine_tuning.job.event",
        "id": fake.new_id("ftevent-"),
        "created_at": fake.now(),
        "level": level,
        "message": message,
        "type": type,
        "data": data or {},
    }
    _state(fake).events.setdefault(job_id, []).append(event)
    return event


def finish_job(fake: FakeOpenAI, job_id: str, *, steps: int = 3) -> Dict[str, Any]:
    """Run a job to success at once: *steps* metrics events and checkpoints, then the model."""
    with fake.lock:
        job = _get_job(fake, job_id)
        name = f"ft:{job['model']}:{fake.organization_id}::{job_id[-8:]}"
        for step in range(1, steps + 1):
            loss = round(1.0 / step, 4)
            metrics = {"step": float(step), "train_loss": loss, "train_mean_token_accuracy": 1.0 - loss / 2}
            message = f"Step {step}/{steps}: training loss={loss}"
            add_event(fake, job_id, message, type="metrics", data=metrics)
            checkpoint = {
                "object": "fine_tuning.job.checkpoint",
                "id": fake.new_id("ftckpt_"),
                "created_at": fake.now(),
                "fine_tuned_model_checkpoint": f"{name}:ckpt-step-{step}",
                "fine_tuning_job_id": job_id,
                "metrics": metrics,
                "step_number": step,
            }
            _state(fake).checkpoints.setdefault(job_id, []).append(checkpoint)
        job.update(
            status="succeeded",
            fine_tuned_model=name,
            finished_at=fake.now(),
            trained_tokens=100 * steps,
        )
        add_event(fake, job_id, "The job has successfully completed")
        return job


def _get_job(fake: FakeOpenAI, job_id: str) -> Dict[str, Any]:
    job = fake.fine_tuning_jobs.get(job_id)
    if job is None:
        raise not_found("fine-tuning job", job_id, "fine_tuning_job_id")
    return job


@builtin_route("POST", "/fine_tuning/jobs")
def create_job(
    fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]
) -> Reply:
    """Create a fine-tuning job in the ``validating_files`` state."""
    body = json_body(request)
    model = require(body, "model")
    require(body, "training_file")
    training_file = _check_file(fake, body, "training_file")
    validation_file = _check_file(fake, body, "validation_file")
    method = body.get("method")
    hyper_source = body.get("hyperparameters")
    if isinstance(method, dict) and hyper_source is None:
        inner = method.get(method.get("type") or "supervised")
        if isinstance(inner, dict):
            hyper_source = inner.get("hyperparameters")
    hyperparameters = _hyperparameters(hyper_source)
    if not isinstance(method, dict):
        method = {
            "type": "supervised",
            "supervised": {"hyperparameters": hyperparameters},
        }
    seed = body.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise invalid("seed", "expected an integer")
    job_id = fake.new_id("ftjob-")
    job: Dict[str, Any] = {
        "id": job_id,
        "object": "fine_tuning.job",
        "created_at": fake.now(),
        "model": model,
        "organization_id": fake.organization_id,
        "status": "validating_files",
        "training_file": training_file,
        "validation_file": validation_file,
        "hyperparameters": hyperparameters,
        "method": method,
        "seed": seed if seed is not None else int(job_id[6:14], 16) % 2**31,
        "fine_tuned_model": None,
        "finished_at": None,
        "error": None,
        "result_files": [],
        "trained_tokens": None,
        "estimated_finish": None,
        "integrations": body.get("integrations") or [],
        "metadata": body.get("metadata"),
        "user_provided_suffix": body.get("suffix"),
    }
    fake.fine_tuning_jobs[job_id] = job
    add_event(fake, job_id, f"Created fine-tuning job: {job_id}")
    add_event(fake, job_id, f"Validating training file: {training_file}")
    return json_reply(job)


@builtin_route("GET", "/fine_tuning/jobs")
def list_jobs(
    fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]
) -> Reply:
    """List fine-tuning jobs, newest first."""
    jobs = list(reversed(list(fake.fine_tuning_jobs.values())))
    return json_reply(paginate(jobs, request, 20))


@builtin_route("GET", "/fine_tuning/jobs/{fine_tuning_job_id}")
def retrieve_job(
    fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]
) -> Reply:
    """Retrieve a fine-tuning job."""
    return json_reply(_get_job(fake, params["fine_tuning_job_id"]))


@builtin_route("POST", "/fine_tuning/jobs/{fine_tuning_job_id}/cancel")
def cancel_job(
    fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]
) -> Reply:
    """Cancel a fine-tuning job that has not finished."""
    job = _get_job(fake, params["fine_tuning_job_id"])
    if job["status"] in _FINISHED:
        raise ApiError(
            400, f"Job has already completed: {job['id']}", param="fine_tuning_job_id"
        )
    job["status"] = "cancelled"
    _state(fake).paused.discard(job["id"])
    add_event(fake, job["id"], "Fine-tuning job cancelled")
    return json_reply(job)


@builtin_route("POST", "/fine_tuning/jobs/{fine_tuning_job_id}/pause")
def pause_job(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Pause a job that has not finished."""
    job = _get_job(fake, params["fine_tuning_job_id"])
    paused = _state(fake).paused
    if job["status"] in _FINISHED or job["id"] in paused:
        raise ApiError(400, f"Job cannot be paused: {job['id']}", param="fine_tuning_job_id")
    paused.add(job["id"])
    add_event(fake, job["id"], "Fine-tuning job paused")
    return json_reply(job)


@builtin_route("POST", "/fine_tuning/jobs/{fine_tuning_job_id}/resume")
def resume_job(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Resume a paused job."""
    job = _get_job(fake, params["fine_tuning_job_id"])
    paused = _state(fake).paused
    if job["id"] not in paused:
        raise ApiError(400, f"Job is not paused: {job['id']}", param="fine_tuning_job_id")
    paused.discard(job["id"])
    add_event(fake, job["id"], "Fine-tuning job resumed")
    return json_reply(job)


@builtin_route("GET", "/fine_tuning/jobs/{fine_tuning_job_id}/events")
def list_events(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """List a job's events, newest first."""
    job = _get_job(fake, params["fine_tuning_job_id"])
    events = list(reversed(_state(fake).events.get(job["id"], [])))
    return json_reply(paginate(events, request, 20))


@builtin_route("GET", "/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints")
def list_checkpoints(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """List a job's checkpoints, newest first."""
    job = _get_job(fake, params["fine_tuning_job_id"])
    checkpoints = list(reversed(_state(fake).checkpoints.get(job["id"], [])))
    page = paginate(checkpoints, request, 10)
    page["first_id"] = page["data"][0]["id"] if page["data"] else None
    page["last_id"] = page["data"][-1]["id"] if page["data"] else None
    return json_reply(page)


# -- checkpoint permissions ---------------------------------------------------------

_Permissions = Dict[str, List[Dict[str, Any]]]
_PERMISSIONS: weakref.WeakKeyDictionary[FakeOpenAI, _Permissions] = weakref.WeakKeyDictionary()


@builtin_seed
def _seed_permissions(fake: FakeOpenAI) -> None:
    _PERMISSIONS[fake] = {}


def _permissions(fake: FakeOpenAI, checkpoint: str) -> List[Dict[str, Any]]:
    """The permissions of a checkpoint of a job, oldest first, or a 404 for an unknown checkpoint."""
    known = any(
        c["fine_tuned_model_checkpoint"] == checkpoint for cs in _state(fake).checkpoints.values() for c in cs
    )
    if not known:
        raise not_found("checkpoint", checkpoint, "fine_tuned_model_checkpoint")
    return _PERMISSIONS.setdefault(fake, {}).setdefault(checkpoint, [])


def _permission_page(items: List[Dict[str, Any]], has_more: bool = False) -> Dict[str, Any]:
    return {
        "object": "list",
        "data": items,
        "has_more": has_more,
        "first_id": items[0]["id"] if items else None,
        "last_id": items[-1]["id"] if items else None,
    }


@builtin_route("POST", "/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions")
def create_checkpoint_permission(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Grant projects the use of a checkpoint; answer with the new permissions."""
    permissions = _permissions(fake, params["fine_tuned_model_checkpoint"])
    project_ids = json_body(request).get("project_ids")
    if not isinstance(project_ids, list) or not project_ids or not all(
        isinstance(p, str) and p for p in project_ids
    ):
        raise invalid("project_ids", "expected a non-empty array of project ids")
    granted = {p["project_id"] for p in permissions}
    if granted.intersection(project_ids) or len(set(project_ids)) != len(project_ids):
        raise invalid("project_ids", "a project already has permission")
    now = fake.now()
    created = [
        {"object": "checkpoint.permission", "id": fake.new_id("cp_"), "created_at": now, "project_id": p}
        for p in project_ids
    ]
    permissions.extend(created)
    return json_reply(_permission_page(created))


@builtin_route("GET", "/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions")
def list_checkpoint_permissions(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """List a checkpoint's permissions, newest first unless ``order=ascending``."""
    items = list(_permissions(fake, params["fine_tuned_model_checkpoint"]))
    order = request.query.get("order", ["descending"])[-1]
    if order not in ("ascending", "descending"):
        raise invalid("order", "expected 'ascending' or 'descending'")
    if order == "descending":
        items.reverse()
    project_id = request.query.get("project_id", [""])[-1]
    if project_id:
        items = [p for p in items if p["project_id"] == project_id]
    page = paginate(items, request, 10)
    return json_reply(_permission_page(page["data"], page["has_more"]))


@builtin_route(
    "DELETE", "/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions/{permission_id}"
)
def delete_checkpoint_permission(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Withdraw a permission."""
    permissions = _permissions(fake, params["fine_tuned_model_checkpoint"])
    found = next((p for p in permissions if p["id"] == params["permission_id"]), None)
    if found is None:
        raise not_found("permission", params["permission_id"], "permission_id")
    permissions.remove(found)
    return json_reply({"object": "checkpoint.permission", "id": found["id"], "deleted": True})
