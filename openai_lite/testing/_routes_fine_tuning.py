"""Fine-tuning job routes: create, list, retrieve and cancel."""

from __future__ import annotations

from typing import Any, Dict, Optional

from ._routes_files import paginate
from ._server import (
    ApiError,
    FakeOpenAI,
    RecordedRequest,
    Reply,
    builtin_route,
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
    return json_reply(job)
