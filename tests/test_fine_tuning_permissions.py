"""Fine-tuning checkpoint permissions against FakeOpenAI: grant, list, withdraw."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from openai_lite import BadRequestError, NotFoundError, OpenAISession, files, fine_tuning, paginate
from openai_lite.testing import FakeOpenAI, finish_fine_tuning_job


@pytest.fixture
def checkpoint(fake: FakeOpenAI, session: OpenAISession) -> str:
    training = files.create(session, file=("mydata.jsonl", b'{"messages": []}\n'), purpose="fine-tune")
    job = fine_tuning.create_job(session, model="gpt-4o-mini-2024-07-18", training_file=training.data.id)
    finish_fine_tuning_job(fake, job.data.id, steps=2)
    name = fine_tuning.list_checkpoints(session, job.data.id).data.data[0].fine_tuned_model_checkpoint
    assert name is not None and name.startswith("ft:") and ":ckpt-step-" in name
    fake.requests.clear()
    return name


def test_grant_list_and_withdraw(fake: FakeOpenAI, session: OpenAISession, checkpoint: str) -> None:
    path = "/v1/fine_tuning/checkpoints/" + quote(checkpoint, safe="") + "/permissions"

    created = fine_tuning.create_checkpoint_permission(session, checkpoint, project_ids=["proj_a", "proj_b"])

    sent = fake.last
    assert (sent.method, sent.path, sent.query) == ("POST", path, {})
    assert "%3A" in sent.path  # the colons of the checkpoint name are encoded
    assert sent.json == {"project_ids": ["proj_a", "proj_b"]}
    granted = created.data.data
    assert [(p.object, p.project_id) for p in granted] == [
        ("checkpoint.permission", "proj_a"),
        ("checkpoint.permission", "proj_b"),
    ]
    assert all(p.id.startswith("cp_") and isinstance(p.created_at, int) for p in granted)
    assert created.data.has_more is False

    listed = fine_tuning.list_checkpoint_permissions(session, checkpoint).data
    assert (fake.last.method, fake.last.path, fake.last.query) == ("GET", path, {})
    assert [p.project_id for p in listed.data] == ["proj_b", "proj_a"]  # newest first
    assert (listed.first_id, listed.last_id) == (granted[1].id, granted[0].id)

    only_a = fine_tuning.list_checkpoint_permissions(session, checkpoint, project_id="proj_a").data
    assert fake.last.query == {"project_id": ["proj_a"]}
    assert [p.id for p in only_a.data] == [granted[0].id]

    deleted = fine_tuning.delete_checkpoint_permission(session, checkpoint, granted[0].id).data
    assert (fake.last.method, fake.last.path) == ("DELETE", f"{path}/{granted[0].id}")
    assert (deleted.id, deleted.object, deleted.deleted) == (granted[0].id, "checkpoint.permission", True)
    remaining = fine_tuning.list_checkpoint_permissions(session, checkpoint).data.data
    assert [p.project_id for p in remaining] == ["proj_b"]

    again = fine_tuning.delete_checkpoint_permission(session, checkpoint, granted[0].id)
    with pytest.raises(NotFoundError, match=granted[0].id):
        again.data


def test_list_pages_in_either_order(fake: FakeOpenAI, session: OpenAISession, checkpoint: str) -> None:
    projects = [f"proj_{n}" for n in range(5)]
    ids = [
        p.id
        for p in fine_tuning.create_checkpoint_permission(session, checkpoint, project_ids=projects).data.data
    ]

    first = fine_tuning.list_checkpoint_permissions(session, checkpoint, limit=2, order="ascending").data
    assert fake.last.query == {"limit": ["2"], "order": ["ascending"]}
    assert [p.id for p in first.data] == ids[:2] and first.has_more is True
    second = fine_tuning.list_checkpoint_permissions(
        session, checkpoint, after=ids[1], limit=2, order="ascending"
    )
    assert fake.last.query == {"after": [ids[1]], "limit": ["2"], "order": ["ascending"]}
    assert [p.id for p in second.data.data] == ids[2:4]

    fake.requests.clear()
    walked = paginate(fine_tuning.list_checkpoint_permissions, session, checkpoint, limit=2)
    assert [p.id for p in walked] == ids[::-1]
    assert len(fake.requests) == 3


def test_the_server_refuses_a_project_granted_twice(
    fake: FakeOpenAI, session: OpenAISession, checkpoint: str
) -> None:
    fine_tuning.create_checkpoint_permission(session, checkpoint, project_ids=["proj_a"]).raise_for_status()
    again = fine_tuning.create_checkpoint_permission(session, checkpoint, project_ids=["proj_a"])
    with pytest.raises(BadRequestError, match="project_ids"):
        again.data


def test_an_unknown_checkpoint_is_not_found(fake: FakeOpenAI, session: OpenAISession) -> None:
    answer = fine_tuning.list_checkpoint_permissions(session, "ft:gpt-4o-mini:acme::none:ckpt-step-1")
    with pytest.raises(NotFoundError, match="checkpoint"):
        answer.data


def test_bad_arguments_are_refused_before_sending(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(ValueError, match="fine_tuned_model_checkpoint"):
        fine_tuning.list_checkpoint_permissions(session, "")
    with pytest.raises(ValueError, match="fine_tuned_model_checkpoint"):
        fine_tuning.create_checkpoint_permission(session, "..", project_ids=["proj_a"])
    with pytest.raises(ValueError, match="permission_id"):
        fine_tuning.delete_checkpoint_permission(session, "ft:x:ckpt-step-1", "")
    with pytest.raises(ValueError, match="fine_tuned_model_checkpoint"):
        fine_tuning.delete_checkpoint_permission(session, None, "cp_1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="project_ids"):
        fine_tuning.create_checkpoint_permission(session, "ft:x:ckpt-step-1", project_ids="proj_a")
    with pytest.raises(TypeError, match="project_ids"):
        fine_tuning.create_checkpoint_permission(session, "ft:x:ckpt-step-1", project_ids=[""])
    assert fake.requests == []
