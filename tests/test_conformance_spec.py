"""Tests of the OpenAPI conformance validator in ``conformance.py``."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conformance import (
    SPEC_FILE,
    ConformanceError,
    find_operation,
    load_spec,
    operations,
    validate_binary,
    validate_multipart,
    validate_query,
    validate_request,
    validate_response,
    validate_stream,
)

TRIM_SCRIPT = Path(__file__).resolve().parent / "openapi" / "trim.py"


def _kept_operations() -> list[str]:
    """Read ``KEEP`` from trim.py without importing it (it needs PyYAML)."""
    tree = ast.parse(TRIM_SCRIPT.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "KEEP":
            assert node.value is not None
            pairs = ast.literal_eval(node.value)
            return sorted(f"{method.upper()} {path}" for path, method in pairs)
    raise AssertionError("KEEP not found in trim.py")


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            elif key not in ("enum", "const", "default"):
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _chat_completion() -> dict[str, Any]:
    return {
        "id": "chatcmpl-123",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello!", "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11},
    }


# -- the document ------------------------------------------------------------


def test_document_holds_exactly_the_kept_operations() -> None:
    found = sorted(f"{op.method} {op.template}" for op in operations())
    assert found == _kept_operations()
    assert all(op.operation_id for op in operations())


def test_document_is_self_contained_and_valid_2020_12() -> None:
    spec = load_spec()
    for ref in set(_refs(spec)):
        assert ref.startswith("#/components/"), ref
        section, name = ref.split("/")[2:]
        assert name in spec["components"][section], ref
    for schema in spec["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_document_has_no_documentation_noise() -> None:
    text = SPEC_FILE.read_text(encoding="utf-8")
    assert '"x-' not in text
    assert "nullable" not in text
    assert "$recursiveRef" not in text
    assert "x-oaiMeta" not in text
    json.loads(text)


# -- path matching -----------------------------------------------------------


@pytest.mark.parametrize(
    "method, path, template",
    [
        ("POST", "/chat/completions", "/chat/completions"),
        ("get", "/chat/completions", "/chat/completions"),
        ("GET", "/chat/completions/chatcmpl-1", "/chat/completions/{completion_id}"),
        (
            "GET",
            "/chat/completions/chatcmpl-1/messages",
            "/chat/completions/{completion_id}/messages",
        ),
        ("GET", "/files/file-abc123", "/files/{file_id}"),
        ("GET", "/files/file-abc123/content", "/files/{file_id}/content"),
        (
            "POST",
            "/fine_tuning/jobs/ftjob-1/cancel",
            "/fine_tuning/jobs/{fine_tuning_job_id}/cancel",
        ),
        ("GET", "/models/ft%3Agpt-4o-mini%3Aacme%3Asuffix%3Aabc123", "/models/{model}"),
        ("DELETE", "/models/ft:gpt-4o-mini:acme::abc123", "/models/{model}"),
        ("POST", "/uploads/upload_1/parts", "/uploads/{upload_id}/parts"),
        (
            "GET",
            "/responses/resp_1/input_items",
            "/responses/{response_id}/input_items",
        ),
        ("GET", "/v1/models?limit=2", "/models"),
    ],
)
def test_find_operation(method: str, path: str, template: str) -> None:
    op = find_operation(method, path)
    assert op.template == template
    assert op.method == method.upper()


def test_path_params_are_decoded() -> None:
    path = "/models/ft%3Agpt-4o-mini%3Aacme%2Fx%3Aabc"
    op = find_operation("GET", path)
    assert op.path_params(path) == {"model": "ft:gpt-4o-mini:acme/x:abc"}
    assert str(op) == "GET /models/{model} (retrieveModel)"


@pytest.mark.parametrize(
    "method, path, fragment",
    [
        ("GET", "/assistants", "no operation"),
        ("GET", "/models/ft:gpt/extra", "no operation"),  # unencoded "/" in an id
        ("GET", "/models/has space", "no operation"),
        ("GET", "/files/", "no operation"),
        ("PUT", "/files/file-1", "only allows DELETE, GET"),
        ("DELETE", "/batches/batch_1", "only allows GET"),
    ],
)
def test_find_operation_lookup_error(method: str, path: str, fragment: str) -> None:
    with pytest.raises(LookupError, match=fragment):
        find_operation(method, path)


# -- JSON request bodies -----------------------------------------------------


@pytest.mark.parametrize(
    "path, body",
    [
        (
            "/chat/completions",
            {
                "model": "gpt-4o-mini",
                "messages": [
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
                ],
                "temperature": 0.2,
                "stream": None,
            },
        ),
        ("/embeddings", {"model": "text-embedding-3-small", "input": ["a", "b"]}),
        (
            "/embeddings",
            {"model": "text-embedding-3-small", "input": "a", "dimensions": 8},
        ),
        (
            "/fine_tuning/jobs",
            {
                "model": "gpt-4o-mini",
                "training_file": "file-abc",
                "validation_file": None,
                "hyperparameters": {"n_epochs": 3, "learning_rate_multiplier": 0.5},
            },
        ),
    ],
)
def test_valid_request(path: str, body: dict[str, Any]) -> None:
    validate_request("POST", path, body)


@pytest.mark.parametrize(
    "path, body, fragment",
    [
        (
            "/chat/completions",
            {"model": "gpt-4o-mini"},
            "'messages' is a required property",
        ),
        (
            "/chat/completions",
            {"model": "gpt-4o-mini", "messages": [{"role": "robot", "content": "x"}]},
            r"\$\.messages\[0\]",
        ),
        (
            "/embeddings",
            {"model": "text-embedding-3-small", "input": "a", "extra": 1},
            "extra",
        ),
        ("/embeddings", {"model": "text-embedding-3-small", "input": []}, r"\$\.input"),
        (
            "/fine_tuning/jobs",
            {"model": "gpt-4o-mini"},
            "'training_file' is a required",
        ),
        (
            "/fine_tuning/jobs",
            {
                "model": "gpt-4o-mini",
                "training_file": "file-abc",
                "hyperparameters": {"learning_rate_multiplier": 0},
            },
            "learning_rate_multiplier",
        ),
    ],
)
def test_invalid_request(path: str, body: dict[str, Any], fragment: str) -> None:
    with pytest.raises(jsonschema.ValidationError, match=fragment) as info:
        validate_request("POST", path, body)
    assert f"POST {path}" in str(info.value)


def test_conformance_error_is_an_assertion_error() -> None:
    with pytest.raises(AssertionError):
        validate_request("POST", "/embeddings", {})
    assert issubclass(ConformanceError, jsonschema.ValidationError)


def test_request_without_body() -> None:
    validate_request("POST", "/fine_tuning/jobs/ftjob-1/cancel", None)
    validate_request("POST", "/fine_tuning/jobs/ftjob-1/cancel", {})
    with pytest.raises(ConformanceError, match="takes no request body"):
        validate_request("POST", "/fine_tuning/jobs/ftjob-1/cancel", {"x": 1})
    with pytest.raises(ConformanceError, match="request body is required"):
        validate_request("POST", "/embeddings", None)


def test_json_check_of_multipart_operation_is_refused() -> None:
    with pytest.raises(ConformanceError, match="multipart/form-data"):
        validate_request("POST", "/files", {"purpose": "batch"})


# -- JSON responses ----------------------------------------------------------


def test_valid_responses() -> None:
    model = {
        "id": "gpt-4o-mini",
        "object": "model",
        "created": 1686935002,
        "owned_by": "openai",
    }
    validate_response("GET", "/models", 200, {"object": "list", "data": [model]})
    validate_response("GET", "/models/gpt-4o-mini", 200, model)
    validate_response("POST", "/chat/completions", 200, _chat_completion())


@pytest.mark.parametrize(
    "path, body, fragment",
    [
        ("/models", {"object": "list"}, "'data' is a required property"),
        (
            "/models",
            {
                "object": "list",
                "data": [
                    {"id": "m", "object": "model", "created": "x", "owned_by": "o"}
                ],
            },
            r"\$\.data\[0\]\.created",
        ),
        ("/models", {"object": "page", "data": []}, r"\$\.object"),
    ],
)
def test_invalid_models_response(
    path: str, body: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(ConformanceError, match=fragment) as info:
        validate_response("GET", path, 200, body)
    assert "GET /models (listModels) response 200" in str(info.value)


@pytest.mark.parametrize(
    "change, fragment",
    [
        (lambda body: body.pop("choices"), "'choices' is a required property"),
        (lambda body: body.update(object="chat.completion.chunk"), r"\$\.object"),
        (
            lambda body: body["choices"][0].update(finish_reason="done"),
            r"\$\.choices\[0\]\.finish_reason",
        ),
        (
            lambda body: body["choices"][0]["message"].pop("content"),
            "'content' is a required property",
        ),
    ],
)
def test_invalid_chat_completion_response(change: Any, fragment: str) -> None:
    body = _chat_completion()
    change(body)
    with pytest.raises(ConformanceError, match=fragment):
        validate_response("POST", "/chat/completions", 200, body)


def test_error_responses() -> None:
    error = {
        "error": {
            "message": "nope",
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        }
    }
    validate_response("POST", "/chat/completions", 429, error)  # documented
    validate_response("GET", "/models/nope", 404, error)  # ErrorResponse fallback
    with pytest.raises(ConformanceError, match="'error' is a required property"):
        validate_response("GET", "/models/nope", 404, {"message": "nope"})
    with pytest.raises(ConformanceError, match="status not documented"):
        validate_response("GET", "/models", 302, {})


def test_non_json_response_is_refused() -> None:
    with pytest.raises(ConformanceError, match="application/octet-stream"):
        validate_response("POST", "/audio/speech", 200, {})


def test_response_documented_without_content_is_not_checked() -> None:
    deleted = {"id": "resp_1", "object": "response", "deleted": True}
    validate_response("DELETE", "/responses/resp_1", 200, deleted)


# -- multipart forms ---------------------------------------------------------


def test_multipart_transcription() -> None:
    validate_multipart(
        "POST",
        "/audio/transcriptions",
        {
            "model": "whisper-1",
            "response_format": "verbose_json",
            "temperature": "0.2",
            "timestamp_granularities[]": ["word", "segment"],
        },
        {"file"},
    )
    validate_multipart(
        "POST", "/audio/transcriptions", {"model": "custom-model"}, {"file"}
    )


@pytest.mark.parametrize(
    "fields, files, fragment",
    [
        ({"model": "whisper-1"}, set(), "missing required form field 'file'"),
        ({}, {"file"}, "missing required form field 'model'"),
        (
            {"model": "whisper-1", "colour": "red"},
            {"file"},
            "unknown form field 'colour'",
        ),
        (
            {"model": "whisper-1", "response_format": "xml"},
            {"file"},
            "'xml' is not one of",
        ),
        (
            {"model": "whisper-1", "timestamp_granularities[]": ["word", "char"]},
            {"file"},
            "'char' is not one of segment, word",
        ),
        ({"model": "whisper-1", "prompt[]": "x"}, {"file"}, "does not fit the schema"),
        ({"model": "whisper-1", "file": "abc"}, set(), "sent as a plain value"),
        ({}, {"file", "model"}, "'model' is sent as a file"),
    ],
)
def test_multipart_transcription_problems(
    fields: dict[str, object], files: set[str], fragment: str
) -> None:
    with pytest.raises(ConformanceError, match=fragment) as info:
        validate_multipart("POST", "/audio/transcriptions", fields, files)
    assert str(info.value).startswith(
        "POST /audio/transcriptions (createTranscription)"
    )


def test_multipart_files() -> None:
    validate_multipart("POST", "/files", {"purpose": "fine-tune"}, {"file"})
    validate_multipart(
        "POST",
        "/files",
        {
            "purpose": "batch",
            "expires_after[anchor]": "created_at",
            "expires_after[seconds]": 3600,
        },
        {"file"},
    )
    with pytest.raises(ConformanceError, match="'training' is not one of"):
        validate_multipart("POST", "/files", {"purpose": "training"}, {"file"})
    with pytest.raises(ConformanceError, match="expires_after\\[days\\]"):
        validate_multipart(
            "POST", "/files", {"purpose": "batch", "expires_after[days]": 1}, {"file"}
        )
    with pytest.raises(ConformanceError) as info:
        validate_multipart("POST", "/files", {"name": "x"}, set())
    message = str(info.value)
    for part in (
        "unknown form field 'name'",
        "missing required form field 'file'",
        "'purpose'",
    ):
        assert part in message


def test_multipart_image_variations() -> None:
    validate_multipart(
        "POST",
        "/images/variations",
        {"model": "dall-e-2", "n": 2, "size": "512x512", "response_format": "b64_json"},
        {"image"},
    )
    with pytest.raises(ConformanceError, match="'300x300' is not one of"):
        validate_multipart("POST", "/images/variations", {"size": "300x300"}, {"image"})
    with pytest.raises(ConformanceError, match="missing required form field 'image'"):
        validate_multipart("POST", "/images/variations", {"n": 1}, set())
    with pytest.raises(ConformanceError, match="unknown form field 'prompt'"):
        validate_multipart("POST", "/images/variations", {"prompt": "x"}, {"image"})


def test_multipart_image_edit_accepts_file_arrays() -> None:
    validate_multipart("POST", "/images/edits", {"prompt": "x"}, {"image[]", "mask"})


def test_multipart_check_of_json_operation_is_refused() -> None:
    with pytest.raises(
        ConformanceError, match="application/json, not multipart/form-data"
    ):
        validate_multipart("POST", "/embeddings", {"model": "m"}, set())


# -- query strings, headers, streams and binary bodies ----------------------------------


def test_valid_queries() -> None:
    validate_query("GET", "/files", {"purpose": ["batch"], "limit": ["2"], "order": ["desc"]})
    validate_query("GET", "/chat/completions", {"metadata[topic]": ["x"], "limit": ["1"]})
    include = ["message.output_text.logprobs"]
    validate_query("GET", "/responses/resp_1", {"include[]": include, "stream": ["true"]})
    validate_query("GET", "/models", {"api-version": ["2024-10-21"]})


@pytest.mark.parametrize(
    ("path", "query", "fragment"),
    [
        ("/files", {"color": ["red"]}, "unknown query parameter 'color'"),
        ("/files", {"limit": ["ten"]}, "query parameter 'limit': 'ten' is not of type 'integer'"),
        ("/files", {"order": ["sideways"]}, "'sideways' is not one of"),
        ("/responses/resp_1", {"stream": ["yes"]}, "query parameter 'stream'"),
        ("/responses/resp_1", {"include[]": ["secrets"]}, "query parameter 'include'"),
        ("/models", {"limit": ["1"]}, "unknown query parameter 'limit'"),
    ],
)
def test_invalid_queries(path: str, query: dict[str, list[str]], fragment: str) -> None:
    with pytest.raises(ConformanceError, match=fragment.replace("[", r"\[")):
        validate_query("GET", path, query)


def _chunk(**change: Any) -> dict[str, Any]:
    event = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": None}],
    }
    event.update(change)
    return event


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_stream_events_are_checked_one_by_one(eol: str) -> None:
    events = [json.dumps(_chunk()), json.dumps(_chunk()), "[DONE]"]
    body = "".join(f"data: {e}{eol}{eol}" for e in events).encode()
    assert validate_stream("POST", "/chat/completions", 200, body) == 2

    bad = f"data: {json.dumps(_chunk())}{eol}{eol}data: {json.dumps(_chunk(object='x'))}{eol}{eol}".encode()
    with pytest.raises(ConformanceError, match="stream event 2"):
        validate_stream("POST", "/chat/completions", 200, bad)


def test_a_stream_error_event_is_checked_as_an_error() -> None:
    error = {"error": {"message": "Boom.", "type": "server_error", "param": None, "code": None}}
    assert validate_stream("POST", "/chat/completions", 200, f"data: {json.dumps(error)}\n\n".encode()) == 1
    with pytest.raises(ConformanceError, match="stream event 1"):
        validate_stream("POST", "/chat/completions", 200, b'data: {"error": {"message": 1}}\n\n')


def test_a_stream_where_none_is_documented_is_checked_as_pieces_of_the_response() -> None:
    piece = {
        "id": "cmpl-1",
        "object": "text_completion",
        "created": 1,
        "model": "m",
        "choices": [{"text": "Hi", "index": 0, "logprobs": None, "finish_reason": None}],
    }
    assert validate_stream("POST", "/completions", 200, f"data: {json.dumps(piece)}\n\n".encode()) == 1
    with pytest.raises(ConformanceError, match="stream event 1"):
        validate_stream("POST", "/completions", 200, b'data: {"id": 1}\n\n')
    with pytest.raises(ConformanceError, match="not JSON"):
        validate_stream("POST", "/completions", 200, b"data: {\n\n")


def test_binary_bodies_must_be_documented() -> None:
    validate_binary("POST", "/audio/speech", 200, "audio/mpeg")
    validate_binary("GET", "/files/file-1/content", 200, "application/octet-stream")
    with pytest.raises(ConformanceError, match="audio/mpeg is not documented"):
        validate_binary("GET", "/models", 200, "audio/mpeg")
