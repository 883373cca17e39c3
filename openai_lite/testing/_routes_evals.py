"""Eval routes: evals, their runs, and the runs' graded output items.

A run is ``queued`` when created; each read of it (``GET /evals/{eval_id}/runs/{run_id}``)
moves it one step, to ``in_progress`` and then ``completed``, and :func:`finish_run` completes
it at once. It can be cancelled (``canceled``) until it completes. On completion every row of
a ``jsonl`` source (inline ``file_content`` rows, or the lines of an uploaded file) is graded:
a ``completions`` or ``responses`` source first samples the fake model, whose answer is the
chat route's. ``string_check`` and ``text_similarity`` graders compare their rendered
templates (``{{item.x}}``, ``{{sample.output_text}}``); the other graders always pass.
"""

from __future__ import annotations

import difflib
import json
import re
import weakref
from typing import Any, Dict, List, Optional, Tuple

from ._replies import metadata_param
from ._routes_chat import DEFAULT_REPLY, PARIS
from ._routes_chat_store import cursor_page
from ._server import (
    ApiError,
    FakeOpenAI,
    RecordedRequest,
    Reply,
    builtin_route,
    builtin_seed,
    count_tokens,
    invalid,
    json_body,
    json_reply,
    not_found,
    require,
)

_CONFIGS = ("custom", "logs", "stored_completions")
_SOURCES = ("jsonl", "completions", "responses")
_GRADERS = ("label_model", "string_check", "text_similarity", "python", "score_model")
_RUNNING = ("queued", "in_progress")
_TEMPLATE = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")
#: The spec types a run's ``error`` as an object, never null: an empty one means none.
_NO_ERROR = {"code": "", "message": ""}

_EVALS: weakref.WeakKeyDictionary[FakeOpenAI, Dict[str, Dict[str, Any]]] = weakref.WeakKeyDictionary()


@builtin_seed
def _seed(fake: FakeOpenAI) -> None:
    _EVALS[fake] = {}


def evals_of(fake: FakeOpenAI) -> Dict[str, Dict[str, Any]]:
    """The evals stored by *fake* by id, each ``{"eval": ..., "runs": {run_id: {...}}}``."""
    return _EVALS.setdefault(fake, {})


def _get_eval(fake: FakeOpenAI, eval_id: str) -> Dict[str, Any]:
    entry = evals_of(fake).get(eval_id)
    if entry is None:
        raise not_found("eval", eval_id, "eval_id")
    return entry


def _get_run(fake: FakeOpenAI, params: Dict[str, str]) -> Dict[str, Any]:
    run: Optional[Dict[str, Any]] = _get_eval(fake, params["eval_id"])["runs"].get(params["run_id"])
    if run is None:
        raise not_found("eval run", params["run_id"], "run_id")
    return run


def _config(given: Any) -> Dict[str, Any]:
    """The stored form of a ``data_source_config``: the JSON schema of the rows."""
    if not isinstance(given, dict) or given.get("type") not in _CONFIGS:
        raise invalid("data_source_config", "expected an object of type " + ", ".join(_CONFIGS))
    if given["type"] == "custom":
        item_schema = given.get("item_schema")
        if not isinstance(item_schema, dict):
            raise invalid("data_source_config.item_schema", "expected a JSON schema object")
        properties: Dict[str, Any] = {"item": item_schema}
        if given.get("include_sample_schema"):
            properties["sample"] = {"type": "object"}
        schema = {"type": "object", "properties": properties, "required": sorted(properties)}
        return {"type": "custom", "schema": schema}
    schema = {"type": "object", "properties": {"item": {"type": "object"}, "sample": {"type": "object"}}}
    return {"type": given["type"], "schema": schema, "metadata": given.get("metadata") or {}}


def _criteria(given: Any) -> List[Dict[str, Any]]:
    if not isinstance(given, list) or not given:
        raise invalid("testing_criteria", "expected a non-empty array of graders")
    for index, grader in enumerate(given):
        if not isinstance(grader, dict) or grader.get("type") not in _GRADERS:
            raise invalid(f"testing_criteria[{index}]", "expected a grader of type " + ", ".join(_GRADERS))
        if not isinstance(grader.get("name"), str):
            raise invalid(f"testing_criteria[{index}].name", "expected a string")
    return [dict(grader) for grader in given]


@builtin_route("POST", "/evals")
def create_eval(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Create an eval."""
    body = json_body(request)
    name = body.get("name", "")
    if not isinstance(name, str):
        raise invalid("name", "expected a string")
    evaluation: Dict[str, Any] = {
        "object": "eval",
        "id": fake.new_id("eval_", 32),
        "name": name,
        "created_at": fake.now(),
        "data_source_config": _config(body.get("data_source_config")),
        "testing_criteria": _criteria(body.get("testing_criteria")),
        "metadata": metadata_param(body.get("metadata")),
    }
    evals_of(fake)[evaluation["id"]] = {"eval": evaluation, "runs": {}}
    return json_reply(evaluation, status=201)


@builtin_route("GET", "/evals")
def list_evals(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """List evals, oldest first unless ``order=desc``."""
    if request.query.get("order_by", ["created_at"])[-1] not in ("created_at", "updated_at"):
        raise invalid("order_by", "expected 'created_at' or 'updated_at'")
    items = [entry["eval"] for entry in evals_of(fake).values()]
    return json_reply(cursor_page(items, request, "asc"))


@builtin_route("GET", "/evals/{eval_id}")
def retrieve_eval(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Return an eval."""
    return json_reply(_get_eval(fake, params["eval_id"])["eval"])


@builtin_route("POST", "/evals/{eval_id}")
def update_eval(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Rename an eval or replace its metadata."""
    evaluation = _get_eval(fake, params["eval_id"])["eval"]
    body = json_body(request)
    if "name" in body:
        if not isinstance(body["name"], str):
            raise invalid("name", "expected a string")
        evaluation["name"] = body["name"]
    if "metadata" in body:
        evaluation["metadata"] = metadata_param(body["metadata"])
    return json_reply(evaluation)


@builtin_route("DELETE", "/evals/{eval_id}")
def delete_eval(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Forget an eval and its runs."""
    eval_id = _get_eval(fake, params["eval_id"])["eval"]["id"]
    del evals_of(fake)[eval_id]
    return json_reply({"object": "eval.deleted", "deleted": True, "eval_id": eval_id})


# -- runs ---------------------------------------------------------------------------


def _rows(fake: FakeOpenAI, data_source: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The rows of a data source, each ``{"item": {...}}`` and maybe ``"sample"``."""
    source = data_source.get("source")
    if not isinstance(source, dict):
        raise invalid("data_source.source", "expected an object")
    if source.get("type") == "file_content":
        rows = source.get("content")
        if not isinstance(rows, list) or not all(
            isinstance(r, dict) and isinstance(r.get("item"), dict)
            for r in rows
        ):
            raise invalid("data_source.source.content", "expected an array of {item: {...}} rows")
        return rows
    if source.get("type") == "file_id":
        file_id = source.get("id")
        if not isinstance(file_id, str) or file_id not in fake.files:
            raise invalid("data_source.source.id", f"no such file: {file_id}")
        rows = []
        for number, line in enumerate(fake.file_contents.get(file_id, b"").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                raise invalid("data_source.source.id", f"line {number} of the file is not JSON") from None
            if not isinstance(row, dict):
                raise invalid("data_source.source.id", f"line {number} of the file is not an object")
            rows.append(row if isinstance(row.get("item"), dict) else {"item": row})
        return rows
    if data_source["type"] == "jsonl":
        raise invalid("data_source.source.type", "expected 'file_content' or 'file_id'")
    return []  # stored completions or responses: the fake has none to read


def _lookup(path: str, scope: Dict[str, Any]) -> str:
    value: Any = scope
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def _render(template: Any, scope: Dict[str, Any]) -> str:
    return _TEMPLATE.sub(lambda m: _lookup(m.group(1), scope), template if isinstance(template, str) else "")


def _grade(grader: Dict[str, Any], scope: Dict[str, Any]) -> Tuple[float, bool]:
    given, reference = _render(grader.get("input"), scope), _render(grader.get("reference"), scope)
    if grader["type"] == "string_check":
        operation = grader.get("operation")
        if operation == "ne":
            passed = given != reference
        elif operation == "like":
            passed = reference in given
        elif operation == "ilike":
            passed = reference.lower() in given.lower()
        else:
            passed = given == reference
        return (1.0 if passed else 0.0), passed
    if grader["type"] == "text_similarity":
        score = round(difflib.SequenceMatcher(None, given, reference).ratio(), 4)
        return score, score >= float(grader.get("pass_threshold", 1.0))
    return 1.0, True


def _text(content: Any) -> str:
    """The text of a message's content: a string, a part (``input_text``) or a list of parts."""
    parts = content if isinstance(content, list) else [content]
    texts = [p if isinstance(p, str) else p.get("text") if isinstance(p, dict) else None for p in parts]
    return " ".join(t for t in texts if isinstance(t, str))


def _sample(data_source: Dict[str, Any], row: Dict[str, Any], model: str) -> Dict[str, Any]:
    """What the model said for *row*: sampled from the fake model, or the row's own sample."""
    if data_source["type"] == "jsonl":
        given = row.get("sample")
        text = given.get("output_text", "") if isinstance(given, dict) else ""
        messages: List[Dict[str, Any]] = []
    else:
        template = (data_source.get("input_messages") or {}).get("template") or []
        scope = {"item": row["item"]}
        messages = [
            {"role": str(m.get("role", "user")), "content": _render(_text(m.get("content")), scope)}
            for m in template
            if isinstance(m, dict)
        ]
        prompt = " ".join(m["content"] for m in messages)
        text = PARIS if "france" in prompt.lower() else DEFAULT_REPLY
    prompt_tokens = sum(count_tokens(m["content"]) for m in messages)
    completion_tokens = count_tokens(str(text))
    return {
        "input": messages,
        "output": [{"role": "assistant", "content": str(text)}],
        "output_text": str(text),
        "finish_reason": "stop",
        "model": model,
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "cached_tokens": 0,
        },
        "error": dict(_NO_ERROR),
        "temperature": 1.0,
        "max_completion_tokens": 2048,
        "top_p": 1.0,
        "seed": 42,
    }


def finish_run(fake: FakeOpenAI, eval_id: str, run_id: str) -> Dict[str, Any]:
    """Grade every row of a queued or running eval run and mark it ``completed``; return the run."""
    with fake.lock:
        evaluation = _get_eval(fake, eval_id)
        entry = _get_run(fake, {"eval_id": eval_id, "run_id": run_id})
        run = entry["run"]
        if run["status"] not in _RUNNING:
            return dict(run)
        criteria = evaluation["eval"]["testing_criteria"]
        counts = {grader["name"]: [0, 0] for grader in criteria}
        for index, row in enumerate(entry["rows"]):
            sample = _sample(run["data_source"], row, run["model"])
            scope = {"item": row["item"], "sample": sample}
            results = []
            for grader in criteria:
                score, passed = _grade(grader, scope)
                counts[grader["name"]][0 if passed else 1] += 1
                result = {"name": grader["name"], "type": grader["type"], "score": score}
                results.append(dict(result, passed=passed, sample=None))
            sample.pop("output_text")
            entry["items"].append(
                {
                    "object": "eval.run.output_item",
                    "id": fake.new_id("outputitem_", 32),
                    "run_id": run["id"],
                    "eval_id": eval_id,
                    "created_at": fake.now(),
                    "status": "pass" if all(r["passed"] for r in results) else "fail",
                    "datasource_item_id": index,
                    "datasource_item": row["item"],
                    "results": results,
                    "sample": sample,
                }
            )
        passing = sum(1 for item in entry["items"] if item["status"] == "pass")
        run["result_counts"] = {
            "total": len(entry["items"]),
            "errored": 0,
            "failed": len(entry["items"]) - passing,
            "passed": passing,
        }
        run["per_testing_criteria_results"] = [
            {"testing_criteria": name, "passed": good, "failed": bad} for name, (good, bad) in counts.items()
        ]
        if run["data_source"]["type"] != "jsonl" and entry["items"]:
            usage = [item["sample"]["usage"] for item in entry["items"]]
            run["per_model_usage"] = [
                {
                    "model_name": run["model"],
                    "invocation_count": len(usage),
                    **{k: sum(u[k] for u in usage) for k in usage[0]},
                }
            ]
        run["status"] = "completed"
        return dict(run)


@builtin_route("POST", "/evals/{eval_id}/runs")
def create_run(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Queue a run of an eval over a data source."""
    entry = _get_eval(fake, params["eval_id"])
    body = json_body(request)
    data_source = require(body, "data_source", dict)
    if data_source.get("type") not in _SOURCES:
        raise invalid("data_source.type", "expected one of " + ", ".join(_SOURCES))
    rows = _rows(fake, data_source)
    model = data_source.get("model", "")
    name = body.get("name", "")
    if not isinstance(name, str) or not isinstance(model, str):
        raise invalid("name" if not isinstance(name, str) else "data_source.model", "expected a string")
    run_id = fake.new_id("evalrun_", 32)
    run = {
        "object": "eval.run",
        "id": run_id,
        "eval_id": params["eval_id"],
        "status": "queued",
        "model": model,
        "name": name,
        "created_at": fake.now(),
        "report_url": f"https://platform.openai.com/evaluation/evals/{params['eval_id']}?run_id={run_id}",
        "result_counts": {"total": 0, "errored": 0, "failed": 0, "passed": 0},
        "per_model_usage": [],
        "per_testing_criteria_results": [],
        "data_source": data_source,
        "metadata": metadata_param(body.get("metadata")),
        "error": dict(_NO_ERROR),
    }
    entry["runs"][run_id] = {"run": run, "rows": rows, "items": []}
    return json_reply(run, status=201)


@builtin_route("GET", "/evals/{eval_id}/runs")
def list_runs(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """List an eval's runs, oldest first unless ``order=desc``; ``status`` filters them."""
    runs = [entry["run"] for entry in _get_eval(fake, params["eval_id"])["runs"].values()]
    status = request.query.get("status", [""])[-1]
    if status:
        runs = [run for run in runs if run["status"] == status]
    return json_reply(cursor_page(runs, request, "asc"))


@builtin_route("GET", "/evals/{eval_id}/runs/{run_id}")
def retrieve_run(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Return a run, moving it one step on: queued, in_progress, completed."""
    run = _get_run(fake, params)["run"]
    if run["status"] == "queued":
        run["status"] = "in_progress"
    elif run["status"] == "in_progress":
        finish_run(fake, params["eval_id"], params["run_id"])
    return json_reply(run)


@builtin_route("POST", "/evals/{eval_id}/runs/{run_id}")
def cancel_run(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Cancel a run that has not finished."""
    run = _get_run(fake, params)["run"]
    if run["status"] not in _RUNNING:
        raise ApiError(400, f"Cannot cancel a run with status '{run['status']}'.", param="run_id")
    run["status"] = "canceled"
    return json_reply(run)


@builtin_route("DELETE", "/evals/{eval_id}/runs/{run_id}")
def delete_run(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Forget a run."""
    run_id = _get_run(fake, params)["run"]["id"]
    del _get_eval(fake, params["eval_id"])["runs"][run_id]
    return json_reply({"object": "eval.run.deleted", "deleted": True, "run_id": run_id})


@builtin_route("GET", "/evals/{eval_id}/runs/{run_id}/output_items")
def list_output_items(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """List a run's graded items, oldest first unless ``order=desc``; ``status`` is pass or fail."""
    items = _get_run(fake, params)["items"]
    status = request.query.get("status", [""])[-1]
    if status and status not in ("pass", "fail"):
        raise invalid("status", "expected 'pass' or 'fail'")
    if status:
        items = [item for item in items if item["status"] == status]
    return json_reply(cursor_page(items, request, "asc"))


@builtin_route("GET", "/evals/{eval_id}/runs/{run_id}/output_items/{output_item_id}")
def retrieve_output_item(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Return one graded item of a run."""
    items = _get_run(fake, params)["items"]
    found = next((item for item in items if item["id"] == params["output_item_id"]), None)
    if found is None:
        raise not_found("output item", params["output_item_id"], "output_item_id")
    return json_reply(found)
