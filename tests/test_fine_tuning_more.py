"""Fine-tuning job events, checkpoints, pause and resume, against FakeOpenAI."""

from __future__ import annotations

import pytest

from openai_lite import BadRequestError, NotFoundError, OpenAISession, files, fine_tuning, paginate
from openai_lite.testing import FakeOpenAI, finish_fine_tuning_job


@pytest.fixture
def job_id(fake: FakeOpenAI, session: OpenAISession) -> str:
    training = files.create(session, file=("mydata.jsonl", b'{"messages": []}\n'), purpose="fine-tune")
    job = fine_tuning.create_job(session, model="gpt-4o-mini-2024-07-18", training_file=training.data.id)
    fake.requests.clear()
    return job.data.id


def test_list_events_newest_first(fake: FakeOpenAI, session: OpenAISession, job_id: str) -> None:
    resp = fine_tuning.list_events(session, job_id)

    assert resp.status_code == 200
    page = resp.data
    assert page.has_more is False and page.object == "list"
    assert [e.message for e in page.data] == [
        "Validating training file: " + fake.fine_tuning_jobs[job_id]["training_file"],
        f"Created fine-tuning job: {job_id}",
    ]
    event = page.data[0]
    assert (event.object, event.level, event.type) == ("fine_tuning.job.event", "info", "message")
    assert event.id.startswith("ftevent-") and isinstance(event.created_at, int)
    sent = fake.last
    assert (sent.method, sent.path, sent.query, sent.body) == (
        "GET",
        f"/v1/fine_tuning/jobs/{job_id}/events",
        {},
        b"",
    )
    assert sent.headers["Authorization"] == "Bearer " + fake.api_key


def test_list_events_sends_after_and_limit(fake: FakeOpenAI, session: OpenAISession, job_id: str) -> None:
    first = fine_tuning.list_events(session, job_id, limit=1).data
    assert first.has_more is True and fake.last.query == {"limit": ["1"]}

    rest = fine_tuning.list_events(session, job_id, after=first.data[0].id, limit=5).data

    assert fake.last.query == {"after": [first.data[0].id], "limit": ["5"]}
    assert [e.message for e in rest.data] == [f"Created fine-tuning job: {job_id}"] and rest.has_more is False


def test_metrics_events_and_checkpoints(fake: FakeOpenAI, session: OpenAISession, job_id: str) -> None:
    finish_fine_tuning_job(fake, job_id, steps=3)

    metrics = [e for e in paginate(fine_tuning.list_events, session, job_id) if e.type == "metrics"]
    resp = fine_tuning.list_checkpoints(session, job_id, limit=2)

    assert [e.data["step"] for e in metrics if e.data] == [3.0, 2.0, 1.0]
    assert resp.status_code == 200
    page = resp.data
    assert fake.last.path == f"/v1/fine_tuning/jobs/{job_id}/checkpoints" and fake.last.query == {
        "limit": ["2"]
    }
    assert [c.step_number for c in page.data] == [3, 2] and page.has_more is True
    checkpoint = page.data[0]
    assert checkpoint.object == "fine_tuning.job.checkpoint" and checkpoint.fine_tuning_job_id == job_id
    assert checkpoint.fine_tuned_model_checkpoint is not None
    assert checkpoint.fine_tuned_model_checkpoint.endswith(":ckpt-step-3")
    assert checkpoint.metrics is not None and checkpoint.metrics.train_loss == pytest.approx(1 / 3, abs=1e-4)
    assert (page.first_id, page.last_id) == (page.data[0].id, page.data[1].id)
    rest = fine_tuning.list_checkpoints(session, job_id, after=page.last_id).data
    assert [c.step_number for c in rest.data] == [1] and rest.has_more is False
    assert fine_tuning.retrieve_job(session, job_id).data.status == "succeeded"


def test_pause_and_resume(fake: FakeOpenAI, session: OpenAISession, job_id: str) -> None:
    paused = fine_tuning.pause_job(session, job_id)

    assert paused.status_code == 200 and paused.data.id == job_id
    assert (fake.last.method, fake.last.path, fake.last.body) == (
        "POST",
        f"/v1/fine_tuning/jobs/{job_id}/pause",
        b"",
    )
    again = fine_tuning.pause_job(session, job_id)
    assert again.status_code == 400
    with pytest.raises(BadRequestError):
        again.data

    resumed = fine_tuning.resume_job(session, job_id)

    assert resumed.status_code == 200 and resumed.data.id == job_id
    assert (fake.last.method, fake.last.path) == ("POST", f"/v1/fine_tuning/jobs/{job_id}/resume")
    assert fine_tuning.resume_job(session, job_id).status_code == 400
    messages = [e.message for e in fine_tuning.list_events(session, job_id, limit=2).data.data]
    assert messages == ["Fine-tuning job resumed", "Fine-tuning job paused"]


def test_a_finished_job_cannot_be_paused(fake: FakeOpenAI, session: OpenAISession, job_id: str) -> None:
    fine_tuning.cancel_job(session, job_id)

    resp = fine_tuning.pause_job(session, job_id)

    assert resp.status_code == 400 and resp.error is not None
    assert resp.error.param == "fine_tuning_job_id"


def test_unknown_jobs_and_encoded_ids(fake: FakeOpenAI, session: OpenAISession) -> None:
    calls = [
        (fine_tuning.list_events, "events"),
        (fine_tuning.list_checkpoints, "checkpoints"),
        (fine_tuning.pause_job, "pause"),
        (fine_tuning.resume_job, "resume"),
    ]
    for call, tail in calls:
        resp = call(session, "ftjob-a/b?c")  # type: ignore[operator]
        assert resp.status_code == 404 and fake.last.path == f"/v1/fine_tuning/jobs/ftjob-a%2Fb%3Fc/{tail}"
        with pytest.raises(NotFoundError):
            resp.data
    with pytest.raises(ValueError, match="fine_tuning_job_id"):
        fine_tuning.list_events(session, "")
    with pytest.raises(ValueError, match="fine_tuning_job_id"):
        fine_tuning.pause_job(session, "..")
