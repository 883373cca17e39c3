"""The Evals API against FakeOpenAI: evals, runs that move through their statuses, graded items."""

from __future__ import annotations

import json

import pytest

from openai_lite import BadRequestError, NotFoundError, OpenAISession, evals, files, paginate
from openai_lite.testing import FakeOpenAI, finish_eval_run

ITEM_SCHEMA = {
    "type": "object",
    "properties": {"question": {"type": "string"}, "answer": {"type": "string"}},
    "required": ["question", "answer"],
}
EXACT = {
    "type": "string_check",
    "name": "exact",
    "input": "{{sample.output_text}}",
    "reference": "{{item.answer}}",
    "operation": "eq",
}
ROWS = [
    {"item": {"question": "2 + 2?", "answer": "4"}, "sample": {"output_text": "4"}},
    {"item": {"question": "Capital of France?", "answer": "Paris"}, "sample": {"output_text": "Lyon"}},
    {"item": {"question": "3 * 3?", "answer": "9"}, "sample": {"output_text": "9"}},
]


def _eval(session: OpenAISession, **extra: object) -> evals.Eval:
    return evals.create(
        session,
        name="arithmetic",
        data_source_config={"type": "custom", "item_schema": ITEM_SCHEMA, "include_sample_schema": True},
        testing_criteria=[EXACT],
        **extra,  # type: ignore[arg-type]
    ).data


def _jsonl_source(rows: object = ROWS) -> dict:  # type: ignore[type-arg]
    return {"type": "jsonl", "source": {"type": "file_content", "content": rows}}


def test_eval_tour(fake: FakeOpenAI, session: OpenAISession) -> None:
    created = evals.create(
        session,
        name="arithmetic",
        data_source_config={"type": "custom", "item_schema": ITEM_SCHEMA, "include_sample_schema": True},
        testing_criteria=[EXACT],
        metadata={"team": "qa"},
    )

    assert created.status_code == 201
    evaluation = created.data
    assert evaluation.id.startswith("eval_") and evaluation.object == "eval"
    assert (evaluation.name, evaluation.metadata, evaluation.testing_criteria) == (
        "arithmetic",
        {"team": "qa"},
        [EXACT],
    )
    assert evaluation.data_source_config is not None
    assert evaluation.data_source_config["schema"]["properties"]["item"] == ITEM_SCHEMA
    sent = fake.last
    assert (sent.method, sent.path, sent.query) == ("POST", "/v1/evals", {})
    assert sent.json == {
        "data_source_config": {"type": "custom", "item_schema": ITEM_SCHEMA, "include_sample_schema": True},
        "testing_criteria": [EXACT],
        "name": "arithmetic",
        "metadata": {"team": "qa"},
    }

    assert evals.retrieve(session, evaluation.id).data == evaluation
    assert (fake.last.method, fake.last.path, fake.last.body) == ("GET", f"/v1/evals/{evaluation.id}", b"")

    renamed = evals.update(session, evaluation.id, name="sums").data
    assert fake.last.json == {"name": "sums"}
    assert (fake.last.method, fake.last.path) == ("POST", f"/v1/evals/{evaluation.id}")
    assert (renamed.name, renamed.metadata) == ("sums", {"team": "qa"})
    assert evals.update(session, evaluation.id, metadata={}).data.metadata == {}
    assert fake.last.json == {"metadata": {}}

    deleted = evals.delete(session, evaluation.id).data
    assert (deleted.eval_id, deleted.deleted) == (evaluation.id, True)
    assert (fake.last.method, fake.last.path) == ("DELETE", f"/v1/evals/{evaluation.id}")
    gone = evals.retrieve(session, evaluation.id)
    with pytest.raises(NotFoundError, match=evaluation.id):
        gone.data


def test_list_evals_pages(fake: FakeOpenAI, session: OpenAISession) -> None:
    ids = [_eval(session).id for _ in range(3)]
    fake.requests.clear()

    page = evals.list(session, limit=2, order="desc", order_by="created_at").data
    assert fake.last.query == {"limit": ["2"], "order": ["desc"], "order_by": ["created_at"]}
    assert [e.id for e in page.data] == ids[:0:-1] and page.has_more is True
    assert [e.id for e in paginate(evals.list, session, limit=2)] == ids
    assert [r.query.get("after") for r in fake.requests[1:]] == [None, [ids[1]]]


def test_a_run_moves_through_its_statuses_and_grades_its_rows(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    evaluation = _eval(session)

    created = evals.create_run(
        session, evaluation.id, data_source=_jsonl_source(), name="first", metadata={"k": "v"}
    )
    assert created.status_code == 201
    run = created.data
    assert (fake.last.method, fake.last.path) == ("POST", f"/v1/evals/{evaluation.id}/runs")
    assert fake.last.json == {"data_source": _jsonl_source(), "name": "first", "metadata": {"k": "v"}}
    assert run.id.startswith("evalrun_") and (run.eval_id, run.status, run.name) == (
        evaluation.id,
        "queued",
        "first",
    )
    assert run.data_source == _jsonl_source() and run.metadata == {"k": "v"}

    statuses = [evals.retrieve_run(session, evaluation.id, run.id).data.status for _ in range(3)]
    assert statuses == ["in_progress", "completed", "completed"]
    assert (fake.last.method, fake.last.path) == ("GET", f"/v1/evals/{evaluation.id}/runs/{run.id}")
    done = evals.retrieve_run(session, evaluation.id, run.id).data
    assert done.result_counts == evals.EvalRunResultCounts(total=3, passed=2, failed=1, errored=0)
    assert done.per_testing_criteria_results == [evals.EvalRunCriteriaResult("exact", passed=2, failed=1)]

    items = evals.list_output_items(session, evaluation.id, run.id).data
    assert (fake.last.method, fake.last.path) == (
        "GET",
        f"/v1/evals/{evaluation.id}/runs/{run.id}/output_items",
    )
    assert [i.status for i in items.data] == ["pass", "fail", "pass"]
    second = items.data[1]
    assert second.datasource_item == ROWS[1]["item"] and second.datasource_item_id == 1
    assert second.results is not None and second.results[0].name == "exact"
    assert (second.results[0].passed, second.results[0].score) == (False, 0.0)
    assert second.sample is not None and second.sample.output == [{"role": "assistant", "content": "Lyon"}]

    failed = evals.list_output_items(
        session, evaluation.id, run.id, status="fail", order="desc", limit=5
    ).data
    assert fake.last.query == {"limit": ["5"], "order": ["desc"], "status": ["fail"]}
    assert [i.id for i in failed.data] == [second.id]

    one = evals.retrieve_output_item(session, evaluation.id, run.id, second.id).data
    assert fake.last.path == f"/v1/evals/{evaluation.id}/runs/{run.id}/output_items/{second.id}"
    assert one == second
    assert [i.id for i in paginate(evals.list_output_items, session, evaluation.id, run.id, limit=1)] == [
        i.id for i in items.data
    ]


def test_cancel_list_and_delete_runs(fake: FakeOpenAI, session: OpenAISession) -> None:
    evaluation = _eval(session)
    first = evals.create_run(session, evaluation.id, data_source=_jsonl_source()).data
    second = evals.create_run(session, evaluation.id, data_source=_jsonl_source()).data

    cancelled = evals.cancel_run(session, evaluation.id, first.id).data
    assert (fake.last.method, fake.last.path, fake.last.body) == (
        "POST",
        f"/v1/evals/{evaluation.id}/runs/{first.id}",
        b"",
    )
    assert cancelled.status == "canceled"
    assert evals.retrieve_run(session, evaluation.id, first.id).data.status == "canceled"
    again = evals.cancel_run(session, evaluation.id, first.id)
    with pytest.raises(BadRequestError, match="canceled"):
        again.data

    finish_eval_run(fake, evaluation.id, second.id)
    assert evals.retrieve_run(session, evaluation.id, second.id).data.status == "completed"
    with pytest.raises(BadRequestError, match="completed"):
        evals.cancel_run(session, evaluation.id, second.id).data

    listed = evals.list_runs(session, evaluation.id, status="canceled", order="asc", limit=10).data
    assert fake.last.path == f"/v1/evals/{evaluation.id}/runs"
    assert fake.last.query == {"limit": ["10"], "order": ["asc"], "status": ["canceled"]}
    assert [r.id for r in listed.data] == [first.id]
    assert [r.id for r in paginate(evals.list_runs, session, evaluation.id, limit=1)] == [first.id, second.id]

    deleted = evals.delete_run(session, evaluation.id, first.id).data
    assert (deleted.run_id, deleted.deleted) == (first.id, True)
    assert (fake.last.method, fake.last.path) == ("DELETE", f"/v1/evals/{evaluation.id}/runs/{first.id}")
    assert [r.id for r in evals.list_runs(session, evaluation.id).data.data] == [second.id]
    with pytest.raises(NotFoundError, match=first.id):
        evals.retrieve_run(session, evaluation.id, first.id).data


def test_a_completions_run_over_an_uploaded_file_samples_the_model(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    lines = b"".join(json.dumps({"item": row["item"]}).encode() + b"\n" for row in ROWS)
    file_id = files.create(session, file=("rows.jsonl", lines), purpose="user_data").data.id
    evaluation = evals.create(
        session,
        data_source_config={"type": "custom", "item_schema": ITEM_SCHEMA, "include_sample_schema": True},
        testing_criteria=[
            dict(EXACT, operation="ilike"),
            {
                "type": "text_similarity",
                "name": "similar",
                "input": "{{sample.output_text}}",
                "reference": "{{item.answer}}",
                "evaluation_metric": "fuzzy_match",
                "pass_threshold": 0.9,
            },
        ],
    ).data
    data_source = {
        "type": "completions",
        "model": "gpt-4o-mini",
        "input_messages": {
            "type": "template",
            "template": [{"role": "user", "content": {"type": "input_text", "text": "{{item.question}}"}}],
        },
        "source": {"type": "file_id", "id": file_id},
    }

    run = evals.create_run(session, evaluation.id, data_source=data_source).data
    assert run.model == "gpt-4o-mini"
    finish_eval_run(fake, evaluation.id, run.id)

    items = evals.list_output_items(session, evaluation.id, run.id).data.data
    assert [i.datasource_item for i in items] == [row["item"] for row in ROWS]
    capital = items[1]
    assert capital.sample is not None and capital.sample.input == [
        {"role": "user", "content": "Capital of France?"}
    ]
    assert capital.sample.output is not None and "Paris" in capital.sample.output[0]["content"]
    assert capital.results is not None and capital.results[0].passed is True  # "paris" is in the answer
    assert capital.results[1].passed is False and 0 < (capital.results[1].score or 0) < 0.9
    done = evals.retrieve_run(session, evaluation.id, run.id).data
    assert done.per_model_usage is not None and done.per_model_usage[0].invocation_count == 3


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda s: evals.retrieve(s, ""), "eval_id"),
        (lambda s: evals.update(s, "..", name="x"), "eval_id"),
        (lambda s: evals.delete(s, None), "eval_id"),
        (lambda s: evals.create_run(s, "", data_source={}), "eval_id"),
        (lambda s: evals.list_runs(s, ""), "eval_id"),
        (lambda s: evals.retrieve_run(s, "eval_1", ""), "run_id"),
        (lambda s: evals.cancel_run(s, "eval_1", "."), "run_id"),
        (lambda s: evals.delete_run(s, "", "run_1"), "eval_id"),
        (lambda s: evals.list_output_items(s, "eval_1", ""), "run_id"),
        (lambda s: evals.retrieve_output_item(s, "eval_1", "run_1", ""), "output_item_id"),
    ],
)
def test_bad_ids_are_refused_before_sending(
    fake: FakeOpenAI, session: OpenAISession, call, name: str
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=name):
        call(session)
    assert fake.requests == []


def test_bad_arguments_are_refused_before_sending(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(TypeError, match="testing_criteria"):
        evals.create(session, data_source_config={"type": "logs"}, testing_criteria=EXACT)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="data_source_config"):
        evals.create(session, data_source_config="logs", testing_criteria=[EXACT])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="data_source"):
        evals.create_run(session, "eval_1", data_source=[ROWS])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="metadata"):
        evals.update(session, "eval_1", metadata={"n": 1})  # type: ignore[dict-item]
    assert fake.requests == []


def test_ids_are_percent_encoded(fake: FakeOpenAI, session: OpenAISession) -> None:
    answer = evals.retrieve_output_item(session, "eval/1", "run?1", "item#1")
    assert fake.last.path == "/v1/evals/eval%2F1/runs/run%3F1/output_items/item%231"
    assert answer.status_code == 404


# The spec documents this 400 as a bare error object; the API, like the fake, wraps it in "error".
@pytest.mark.off_spec
def test_the_server_checks_the_data_source(fake: FakeOpenAI, session: OpenAISession) -> None:
    evaluation = _eval(session)
    answer = evals.create_run(
        session,
        evaluation.id,
        data_source={"type": "jsonl", "source": {"type": "file_id", "id": "file-missing"}},
    )
    assert answer.status_code == 400
    with pytest.raises(BadRequestError, match="file-missing"):
        answer.data
