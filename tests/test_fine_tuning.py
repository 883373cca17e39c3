"""The Fine-tuning API, replaying the seed's fine-tuning tour against FakeOpenAI.

The ``fake`` fixture checks every exchange with a built-in route against the OpenAPI
document; the tests with scripted replies check what they need themselves.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

import pytest
from conformance import validate_response

from openai_lite import BadRequestError, NotFoundError, OpenAISession, files, fine_tuning
from openai_lite.fine_tuning import FineTuningJob, Hyperparameters
from openai_lite.testing import FakeOpenAI, json_reply

TRAINING_DATA = (
    b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}\n'
)


def upload(session: OpenAISession, name: str = "mydata.jsonl") -> str:
    resp = files.create(session, file=(name, TRAINING_DATA), purpose="fine-tune")
    assert resp.status_code == 200
    return resp.data.id


def test_fine_tuning_tour(fake: FakeOpenAI, session: OpenAISession, tmp_path: Path) -> None:
    listed = fine_tuning.list_jobs(session, limit=200)
    assert listed.status_code == 200
    count = len(listed.data.data)
    sent = fake.last
    assert (sent.method, sent.path, sent.body) == ("GET", "/v1/fine_tuning/jobs", b"")
    assert sent.query == {"limit": ["200"]}
    assert sent.headers["Authorization"] == "Bearer " + fake.api_key

    mydata = tmp_path / "mydata.jsonl"
    mydata.write_bytes(TRAINING_DATA)
    uploaded = files.create(session, file=mydata, purpose="fine-tune")
    assert uploaded.status_code == 200 and uploaded.data.bytes == len(TRAINING_DATA)
    assert fake.last.files["file"].filename == "mydata.jsonl"
    assert fake.last.form == {"purpose": "fine-tune"}
    training_file = uploaded.data.id

    created = fine_tuning.create_job(session, training_file=training_file, model="gpt-3.5-turbo")

    assert created.status_code == 200
    job = created.data
    assert job.id.startswith("ftjob-") and job.object == "fine_tuning.job"
    assert (job.model, job.training_file, job.status) == ("gpt-3.5-turbo", training_file, "validating_files")
    assert (job.fine_tuned_model, job.finished_at, job.error, job.validation_file) == (None, None, None, None)
    assert job.hyperparameters == Hyperparameters(
        n_epochs="auto", batch_size="auto", learning_rate_multiplier="auto"
    )
    assert job.result_files == [] and isinstance(job.seed, int) and isinstance(job.created_at, int)
    sent = fake.last
    assert (sent.method, sent.path, sent.query) == ("POST", "/v1/fine_tuning/jobs", {})
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.json == {"model": "gpt-3.5-turbo", "training_file": training_file}

    assert len(fine_tuning.list_jobs(session, limit=200).data.data) == count + 1
    assert fake.last.query == {"limit": ["200"]}

    retrieved = fine_tuning.retrieve_job(session, job.id)

    assert retrieved.status_code == 200 and retrieved.data == job
    sent = fake.last
    assert (sent.method, sent.path, sent.body) == ("GET", "/v1/fine_tuning/jobs/" + job.id, b"")

    cancelled = fine_tuning.cancel_job(session, job.id)

    assert cancelled.status_code == 200
    assert (cancelled.data.id, cancelled.data.status) == (job.id, "cancelled")
    sent = fake.last
    assert (sent.method, sent.path, sent.body) == ("POST", f"/v1/fine_tuning/jobs/{job.id}/cancel", b"")
    assert "Content-Type" not in sent.headers
    assert fine_tuning.retrieve_job(session, job.id).data.status == "cancelled"


def test_create_job_sends_every_parameter(fake: FakeOpenAI, session: OpenAISession) -> None:
    training_file, validation_file = upload(session, "train.jsonl"), upload(session, "valid.jsonl")
    method = {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 2, "batch_size": 8}}}
    integrations = [{"type": "wandb", "wandb": {"project": "my-project", "tags": ["t1"]}}]

    resp = fine_tuning.create_job(
        session,
        model="gpt-4o-mini",
        training_file=training_file,
        integrations=integrations,
        metadata={"team": "search"},
        method=method,
        seed=42,
        suffix="custom-name",
        validation_file=validation_file,
    )

    assert resp.status_code == 200
    assert fake.last.json == {
        "model": "gpt-4o-mini",
        "training_file": training_file,
        "integrations": integrations,
        "metadata": {"team": "search"},
        "method": method,
        "seed": 42,
        "suffix": "custom-name",
        "validation_file": validation_file,
    }
    job = resp.data
    assert (job.seed, job.validation_file, job.metadata) == (42, validation_file, {"team": "search"})
    assert job.hyperparameters == Hyperparameters(n_epochs=2, batch_size=8, learning_rate_multiplier="auto")
    assert job.method is not None and job.method.type == "supervised"
    assert job.method.supervised is not None and job.method.supervised.hyperparameters is not None
    assert job.method.supervised.hyperparameters.n_epochs == 2
    assert job.integrations is not None and job.integrations[0].type == "wandb"
    assert job.integrations[0].wandb is not None
    assert (job.integrations[0].wandb.project, job.integrations[0].wandb.tags) == ("my-project", ["t1"])


@pytest.mark.parametrize(
    "given, sent, parsed",
    [
        (
            Hyperparameters(n_epochs=3),
            {"n_epochs": 3},
            Hyperparameters(n_epochs=3, batch_size="auto", learning_rate_multiplier="auto"),
        ),
        (
            {"n_epochs": "auto", "batch_size": 4, "learning_rate_multiplier": 0.5},
            {"n_epochs": "auto", "batch_size": 4, "learning_rate_multiplier": 0.5},
            Hyperparameters(n_epochs="auto", batch_size=4, learning_rate_multiplier=0.5),
        ),
    ],
)
def test_hyperparameters_auto_or_number(
    fake: FakeOpenAI, session: OpenAISession, given: Any, sent: Dict[str, Any], parsed: Hyperparameters
) -> None:
    resp = fine_tuning.create_job(
        session, model="gpt-3.5-turbo", training_file=upload(session), hyperparameters=given
    )

    assert fake.last.json["hyperparameters"] == sent
    assert resp.data.hyperparameters == parsed


def test_job_fields_follow_the_spec(fake: FakeOpenAI, session: OpenAISession) -> None:
    body = {
        "object": "fine_tuning.job",
        "id": "ftjob-abc123",
        "model": "gpt-4o-mini-2024-07-18",
        "created_at": 1721764800,
        "finished_at": 1721765800,
        "fine_tuned_model": None,
        "organization_id": "org-123",
        "result_files": ["file-res1"],
        "status": "failed",
        "validation_file": None,
        "training_file": "file-abc123",
        "hyperparameters": {"n_epochs": 4, "batch_size": 1, "learning_rate_multiplier": 1.8},
        "trained_tokens": 5768,
        "error": {"code": "invalid_training_file", "message": "Too few examples.", "param": "training_file"},
        "integrations": [{"type": "wandb", "wandb": {"project": "p", "name": None, "entity": None}}],
        "seed": 7,
        "estimated_finish": None,
        "method": {"type": "dpo", "dpo": {"hyperparameters": {"beta": 0.1, "n_epochs": "auto"}}},
        "metadata": {"key": "value"},
        "user_provided_suffix": "newer-field",
    }
    validate_response("GET", "/fine_tuning/jobs/ftjob-abc123", 200, body)
    fake.enqueue(json_reply(body), method="GET", path="/fine_tuning/jobs/{fine_tuning_job_id}")

    job = fine_tuning.retrieve_job(session, "ftjob-abc123").data

    assert isinstance(job, FineTuningJob)
    assert job.hyperparameters == Hyperparameters(n_epochs=4, batch_size=1, learning_rate_multiplier=1.8)
    assert job.error == fine_tuning.FineTuningJobError(
        code="invalid_training_file", message="Too few examples.", param="training_file"
    )
    assert (job.status, job.trained_tokens, job.result_files, job.finished_at) == (
        "failed",
        5768,
        ["file-res1"],
        1721765800,
    )
    assert (job.organization_id, job.seed, job.estimated_finish) == ("org-123", 7, None)
    assert job.metadata == {"key": "value"}
    assert job.method is not None and job.method.dpo is not None
    assert job.method.dpo.hyperparameters is not None
    assert (job.method.type, job.method.dpo.hyperparameters.beta) == ("dpo", 0.1)
    assert job.method.dpo.hyperparameters.n_epochs == "auto"
    assert job.integrations is not None and job.integrations[0].wandb is not None
    assert job.integrations[0].wandb.project == "p"


def test_list_jobs_sends_metadata_as_deep_object(fake: FakeOpenAI, session: OpenAISession) -> None:
    training_file = upload(session)
    first = fine_tuning.create_job(session, model="gpt-3.5-turbo", training_file=training_file).data.id
    second = fine_tuning.create_job(session, model="gpt-3.5-turbo", training_file=training_file).data.id

    page = fine_tuning.list_jobs(session, limit=1, metadata={"team": "search", "stage": "a b&c"})

    assert fake.last.query == {"limit": ["1"], "metadata[team]": ["search"], "metadata[stage]": ["a b&c"]}
    assert [j.id for j in page.data.data] == [second]
    assert (page.data.has_more, page.data.object) == (True, "list")

    rest = fine_tuning.list_jobs(session, after=second)

    assert fake.last.query == {"after": [second]}
    assert [j.id for j in rest.data.data] == [first] and rest.data.has_more is False


@pytest.mark.parametrize("call", ["retrieve_job", "cancel_job"])
def test_unknown_job_is_404(fake: FakeOpenAI, session: OpenAISession, call: str) -> None:
    resp = getattr(fine_tuning, call)(session, "ftjob-missing")

    assert resp.status_code == 404 and not resp.ok
    assert resp.error is not None
    assert resp.error.message == "No such fine-tuning job: ftjob-missing"
    assert (resp.error.type, resp.error.param) == ("invalid_request_error", "fine_tuning_job_id")
    assert fake.last.path.startswith("/v1/fine_tuning/jobs/ftjob-missing")
    with pytest.raises(NotFoundError) as caught:
        _ = resp.data
    assert caught.value.status_code == 404 and caught.value.param == "fine_tuning_job_id"


def test_cancelling_a_cancelled_job_is_400(fake: FakeOpenAI, session: OpenAISession) -> None:
    job_id = fine_tuning.create_job(session, model="gpt-3.5-turbo", training_file=upload(session)).data.id
    assert fine_tuning.cancel_job(session, job_id).data.status == "cancelled"

    resp = fine_tuning.cancel_job(session, job_id)

    assert resp.status_code == 400
    with pytest.raises(BadRequestError, match="Job has already completed"):
        _ = resp.data


def test_unknown_training_file_is_400(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = fine_tuning.create_job(session, model="gpt-3.5-turbo", training_file="file-missing")

    assert resp.status_code == 400
    assert resp.error is not None and resp.error.param == "training_file"


@pytest.mark.parametrize(
    "job_id, path",
    [
        ("../../files", "/v1/fine_tuning/jobs/..%2F..%2Ffiles/cancel"),
        ("ftjob-1/cancel", "/v1/fine_tuning/jobs/ftjob-1%2Fcancel/cancel"),
        ("ftjob-1?limit=1", "/v1/fine_tuning/jobs/ftjob-1%3Flimit%3D1/cancel"),
    ],
)
def test_job_ids_cannot_leave_their_endpoint(
    fake: FakeOpenAI, session: OpenAISession, job_id: str, path: str
) -> None:
    resp = fine_tuning.cancel_job(session, job_id)

    assert (fake.last.method, fake.last.path, fake.last.query) == ("POST", path, {})
    assert resp.status_code == 404
    assert resp.error is not None and resp.error.message == "No such fine-tuning job: " + job_id


@pytest.mark.parametrize("bad", ["", None, 7, ".."])
@pytest.mark.parametrize("call", ["retrieve_job", "cancel_job"])
def test_bad_job_id_is_refused_before_sending(
    fake: FakeOpenAI, session: OpenAISession, call: str, bad: object
) -> None:
    with pytest.raises(ValueError, match="fine_tuning_job_id must"):
        getattr(fine_tuning, call)(session, bad)
    assert fake.requests == []


@pytest.mark.parametrize("bad", [{"team": 1}, [("team", "x")], "team=x"])
def test_bad_metadata_filter_is_refused_before_sending(
    fake: FakeOpenAI, session: OpenAISession, bad: Any
) -> None:
    with pytest.raises(TypeError, match="metadata must be a mapping of strings to strings"):
        fine_tuning.list_jobs(session, metadata=bad)
    assert fake.requests == []


def test_create_job_body_is_compact_json(fake: FakeOpenAI, session: OpenAISession) -> None:
    training_file = upload(session)
    fine_tuning.create_job(session, model="gpt-3.5-turbo", training_file=training_file, seed=0)

    assert fake.last.body == json.dumps(
        {"model": "gpt-3.5-turbo", "training_file": training_file, "seed": 0}, separators=(",", ":")
    ).encode()
