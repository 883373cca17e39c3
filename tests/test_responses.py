"""The Responses API against FakeOpenAI: create, retrieve, delete, cancel, input items, stream."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest
from conformance import _check, _validator

from openai_lite import APIConnectionError, APIStreamError, NotFoundError, OpenAISession, responses
from openai_lite.responses import (
    Response,
    ResponseContentPartEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseFunctionToolCall,
    ResponseInputMessage,
    ResponseInputText,
    ResponseLifecycleEvent,
    ResponseMcpCall,
    ResponseOtherContent,
    ResponseOtherEvent,
    ResponseOtherItem,
    ResponseOutputItemEvent,
    ResponseOutputMessage,
    ResponseOutputRefusal,
    ResponseOutputText,
    ResponseReasoningItem,
    ResponseRefusalDeltaEvent,
    ResponseRefusalDoneEvent,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
)
from openai_lite.testing import FakeOpenAI, Reply, json_reply, sse_reply

WEATHER_TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "Current weather in a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    "strict": True,
}


def test_create_sends_the_documented_body_and_reads_the_answer(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    resp = responses.create(
        session,
        model="gpt-4o-mini",
        input="What is the capital of France?",
        instructions="Answer briefly.",
        temperature=0.2,
        metadata={"team": "geo"},
        include=["message.output_text.logprobs"],
        truncation="disabled",
    )

    assert resp.status_code == 200
    sent = fake.last
    assert (sent.method, sent.path, sent.query) == ("POST", "/v1/responses", {})
    assert sent.headers["Authorization"] == "Bearer " + fake.api_key
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.json == {
        "model": "gpt-4o-mini",
        "input": "What is the capital of France?",
        "instructions": "Answer briefly.",
        "temperature": 0.2,
        "metadata": {"team": "geo"},
        "include": ["message.output_text.logprobs"],
        "truncation": "disabled",
    }
    data = resp.data
    assert isinstance(data, Response)
    assert data.id.startswith("resp_") and data.object == "response" and data.status == "completed"
    assert data.output_text == "The capital of France is Paris."
    message = data.output[0]
    assert isinstance(message, ResponseOutputMessage) and message.role == "assistant"
    assert isinstance(message.content[0], ResponseOutputText)
    assert (data.instructions, data.temperature, data.metadata) == ("Answer briefly.", 0.2, {"team": "geo"})
    assert (
        data.usage is not None
        and data.usage.total_tokens == data.usage.input_tokens + data.usage.output_tokens
    )
    assert data.usage.input_tokens_details is not None and data.usage.input_tokens_details.cached_tokens == 0
    assert data.store is True and data.error is None and data.incomplete_details is None


def test_function_call_output_and_follow_up(fake: FakeOpenAI, session: OpenAISession) -> None:
    first = responses.create(
        session,
        model="gpt-4o-mini",
        input=[{"role": "user", "content": "Weather in Paris?"}],
        tools=[WEATHER_TOOL],
        tool_choice={"type": "function", "name": "get_weather"},
    ).data

    call = first.output[0]
    assert isinstance(call, ResponseFunctionToolCall)
    assert call.name == "get_weather" and json.loads(call.arguments) == {"city": "example"}
    assert call.call_id and first.output_text == ""
    assert first.tool_choice == {"type": "function", "name": "get_weather"}
    assert first.tools is not None and first.tools[0]["name"] == "get_weather"

    second = responses.create(
        session,
        model="gpt-4o-mini",
        previous_response_id=first.id,
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": "18C and sunny"}],
    ).data
    assert fake.last.json["previous_response_id"] == first.id
    assert second.previous_response_id == first.id
    assert second.output_text == "The tool returned: 18C and sunny"


def test_output_union_decodes_unknown_items_into_generic_classes(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    body: Dict[str, Any] = {
        "id": "resp_1",
        "object": "response",
        "created_at": 1741476542,
        "status": "completed",
        "model": "o4-mini",
        "output": [
            {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "Thinking."}]},
            {"type": "hologram_call", "id": "hg_1", "status": "completed", "result": "aGk="},
            {
                "type": "message",
                "id": "msg_1",
                "role": "assistant",
                "status": "completed",
                "content": [
                    {"type": "output_text", "text": "Hello, ", "annotations": []},
                    {"type": "refusal", "refusal": "No."},
                    {"type": "output_audio", "data": "xyz"},
                    {"type": "output_text", "text": "world.", "annotations": []},
                ],
            },
        ],
    }
    fake.enqueue(json_reply(body))

    data = responses.retrieve(session, "resp_1").data

    reasoning, unknown, message = data.output
    assert isinstance(reasoning, ResponseReasoningItem) and reasoning.summary[0].text == "Thinking."
    assert isinstance(unknown, ResponseOtherItem) and unknown.type == "hologram_call"
    assert isinstance(message, ResponseOutputMessage)
    assert [type(p) for p in message.content] == [
        ResponseOutputText,
        ResponseOutputRefusal,
        ResponseOtherContent,
        ResponseOutputText,
    ]
    assert message.content[2].type == "output_audio"
    assert data.output_text == "Hello, world."


def test_retrieve_delete_and_404(fake: FakeOpenAI, session: OpenAISession) -> None:
    created = responses.create(session, model="gpt-4o-mini", input="Hi").data

    got = responses.retrieve(session, created.id, include=["reasoning.encrypted_content"])
    assert got.data == created
    assert fake.last.path == f"/v1/responses/{created.id}"
    assert fake.last.query == {"include[]": ["reasoning.encrypted_content"]}

    deleted = responses.delete(session, created.id)
    assert (deleted.status_code, deleted.data) == (200, None)
    assert (fake.last.method, fake.last.path) == ("DELETE", f"/v1/responses/{created.id}")

    missing = responses.retrieve(session, created.id)
    assert missing.status_code == 404 and missing.error is not None
    assert missing.error.param == "response_id"
    with pytest.raises(NotFoundError):
        missing.data


def test_store_false_is_not_kept(fake: FakeOpenAI, session: OpenAISession) -> None:
    created = responses.create(session, model="gpt-4o-mini", input="Hi", store=False).data

    assert created.store is False and fake.last.json["store"] is False
    assert responses.retrieve(session, created.id).status_code == 404


def test_ids_are_percent_encoded(fake: FakeOpenAI, session: OpenAISession) -> None:
    responses.retrieve(session, "a/b?c")
    responses.list_input_items(session, "../x")

    assert [r.path for r in fake.requests] == ["/v1/responses/a%2Fb%3Fc", "/v1/responses/..%2Fx/input_items"]
    assert [r.reply_status for r in fake.requests] == [404, 404]


def test_cancel_background_response(fake: FakeOpenAI, session: OpenAISession) -> None:
    queued = responses.create(session, model="gpt-4o-mini", input="Hi", background=True).data
    assert queued.status == "queued" and queued.background is True and queued.output == []

    cancelled = responses.cancel(session, queued.id)

    assert (fake.last.method, fake.last.path, fake.last.body) == (
        "POST",
        f"/v1/responses/{queued.id}/cancel",
        b"",
    )
    assert cancelled.status_code == 200 and cancelled.data.status == "cancelled"
    assert responses.retrieve(session, queued.id).data.status == "cancelled"


def test_background_response_completes(fake: FakeOpenAI, session: OpenAISession) -> None:
    queued = responses.create(session, model="gpt-4o-mini", input="Hi", background=True).data

    done = responses.retrieve(session, queued.id).data

    assert done.status == "completed" and done.output_text.startswith("Hello!")
    assert responses.cancel(session, queued.id).status_code == 400


def test_cancel_needs_a_background_response(fake: FakeOpenAI, session: OpenAISession) -> None:
    created = responses.create(session, model="gpt-4o-mini", input="Hi").data

    resp = responses.cancel(session, created.id)

    assert resp.status_code == 400 and resp.error is not None
    assert "background" in (resp.error.message or "")


@pytest.mark.off_spec  # the spec documents the inner error object as the 404 body of cancel
def test_cancel_unknown_response(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = responses.cancel(session, "resp_missing")

    assert resp.status_code == 404 and resp.error is not None and resp.error.param == "response_id"


def test_list_input_items_pages(fake: FakeOpenAI, session: OpenAISession) -> None:
    created = responses.create(
        session,
        model="gpt-4o-mini",
        input=[
            {"role": "developer", "content": "Be brief."},
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello!"},
            {"role": "user", "content": "What is the capital of France?"},
        ],
    ).data

    first = responses.list_input_items(session, created.id, limit=3, include=["file_search_call.results"])
    assert fake.last.path == f"/v1/responses/{created.id}/input_items"
    assert fake.last.query == {"limit": ["3"], "include[]": ["file_search_call.results"]}
    page = first.data
    assert page.has_more is True and len(page.data) == 3
    newest = page.data[0]
    assert isinstance(newest, ResponseInputMessage) and newest.role == "user"
    assert newest.content == [ResponseInputText(text="What is the capital of France?")]
    assert isinstance(page.data[1], ResponseInputMessage)
    assert page.data[1].content == [ResponseOutputText(text="Hello!", annotations=[], logprobs=[])]
    assert (page.first_id, page.last_id) == (newest.id, page.data[-1].id)  # type: ignore[union-attr]

    rest = responses.list_input_items(session, created.id, after=page.last_id, limit=3).data
    assert fake.last.query == {"after": [page.last_id], "limit": ["3"]}
    assert rest.has_more is False and len(rest.data) == 1
    assert rest.data[0].role == "developer"  # type: ignore[union-attr]

    ascending = responses.list_input_items(session, created.id, order="asc").data
    assert [i.role for i in ascending.data] == ["developer", "user", "assistant", "user"]  # type: ignore[union-attr]


def test_bad_arguments_are_refused_before_sending(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(TypeError, match="input"):
        responses.create(session, model="gpt-4o-mini", input={"role": "user", "content": "Hi"})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="include"):
        responses.retrieve(session, "resp_1", include="reasoning.encrypted_content")
    with pytest.raises(TypeError, match="include"):
        responses.create(session, model="gpt-4o-mini", input="Hi", include="file_search_call.results")
    with pytest.raises(ValueError, match="response_id"):
        responses.delete(session, "")
    with pytest.raises(ValueError, match="response_id"):
        responses.cancel(session, "..")
    assert fake.requests == []


def test_unknown_previous_response_is_an_error(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = responses.create(session, model="gpt-4o-mini", input="Hi", previous_response_id="resp_nope")

    assert resp.status_code == 404 and resp.error is not None
    assert resp.error.code == "previous_response_not_found"
    with pytest.raises(NotFoundError):
        resp.data


def test_extra_options_reach_the_wire(fake: FakeOpenAI, session: OpenAISession) -> None:
    responses.create(
        session,
        model="gpt-4o-mini",
        input="Hi",
        extra_body={"prompt_cache_retention": "24h"},
        extra_headers={"X-Trace": "1"},
    )

    assert fake.last.json == {"model": "gpt-4o-mini", "input": "Hi", "prompt_cache_retention": "24h"}
    assert fake.last.headers["X-Trace"] == "1"


# -- streaming ------------------------------------------------------------------------


def _sse(kind: str, number: int, **fields: Any) -> bytes:
    return (
        f"event: {kind}\ndata: {json.dumps(dict(type=kind, sequence_number=number, **fields))}\n\n".encode()
    )


def _response(status: str, **fields: Any) -> Dict[str, Any]:
    return dict(
        id="resp_s", object="response", created_at=1, status=status, model="gpt-4o-mini", output=[], **fields
    )


def _sse_reply(*events: bytes, drop: Any = None) -> Reply:
    return sse_reply(list(events), done=False, drop=drop)


def test_stream_text_events(fake: FakeOpenAI, session: OpenAISession) -> None:
    with responses.stream(session, model="gpt-4o-mini", input="What is the capital of France?") as stream:
        events = list(stream)

    sent = fake.last
    assert (sent.method, sent.path) == ("POST", "/v1/responses")
    assert sent.json == {"model": "gpt-4o-mini", "input": "What is the capital of France?", "stream": True}
    assert stream.status_code == 200 and stream.headers["Content-Type"] == "text/event-stream"
    assert [e.sequence_number for e in events] == list(range(len(events)))
    kinds = [e.type for e in events]
    assert kinds[:4] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]
    assert kinds[-4:] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    deltas = [e for e in events if isinstance(e, ResponseTextDeltaEvent)]
    assert len(deltas) > 1
    assert "".join(d.delta for d in deltas) == "The capital of France is Paris."
    done = next(e for e in events if isinstance(e, ResponseTextDoneEvent))
    assert done.text == "The capital of France is Paris." and done.item_id == deltas[0].item_id
    assert isinstance(events[3], ResponseContentPartEvent) and isinstance(events[3].part, ResponseOutputText)
    added = events[2]
    assert isinstance(added, ResponseOutputItemEvent) and isinstance(added.item, ResponseOutputMessage)
    final = events[-1]
    assert isinstance(final, ResponseLifecycleEvent) and final.response.status == "completed"
    assert final.response.output_text == "The capital of France is Paris."
    assert isinstance(events[0], ResponseLifecycleEvent) and events[0].response.output == []
    # The streamed response was stored like any other.
    assert responses.retrieve(session, final.response.id).data.output_text == final.response.output_text


def test_stream_function_call_arguments(fake: FakeOpenAI, session: OpenAISession) -> None:
    stream = responses.stream(
        session, model="gpt-4o-mini", input="Weather in Paris?", tools=[WEATHER_TOOL], tool_choice="required"
    )
    events = list(stream)

    deltas = [e.delta for e in events if isinstance(e, ResponseFunctionCallArgumentsDeltaEvent)]
    done = next(e for e in events if isinstance(e, ResponseFunctionCallArgumentsDoneEvent))
    assert "".join(deltas) == done.arguments == '{"city": "example"}' and done.name == "get_weather"
    final = events[-1]
    assert isinstance(final, ResponseLifecycleEvent)
    call = final.response.output[0]
    assert isinstance(call, ResponseFunctionToolCall) and call.arguments == done.arguments


def test_fake_stream_events_follow_the_spec(fake: FakeOpenAI, session: OpenAISession) -> None:
    list(responses.stream(session, model="gpt-4o-mini", input="Hi", metadata={"k": "v"}))
    list(
        responses.stream(
            session, model="gpt-4o-mini", input="Hi", tools=[WEATHER_TOOL], tool_choice="required"
        )
    )

    validator = _validator("/components/schemas/ResponseStreamEvent")
    for exchange in fake.requests:
        assert exchange.reply_content_type == "text/event-stream"
        for block in exchange.reply_body.decode().split("\n\n")[:-1]:
            _check(validator, json.loads(block.split("data: ", 1)[1]), "stream event")


def test_stream_reuses_the_connection(fake: FakeOpenAI, session: OpenAISession) -> None:
    for _ in range(3):
        with responses.stream(session, model="gpt-4o-mini", input="Hi") as stream:
            assert list(stream)[-1].type == "response.completed"
    assert responses.create(session, model="gpt-4o-mini", input="Hi").status_code == 200

    assert len(fake.requests) == 4 and fake.connections == 1


def test_cut_stream_raises_after_the_events_that_arrived(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(
        _sse_reply(
            _sse("response.created", 0, response=_response("in_progress")),
            _sse(
                "response.output_text.delta", 1, item_id="msg_1", output_index=0, content_index=0, delta="Hel"
            ),
        )
    )
    received: List[Any] = []

    with pytest.raises(APIConnectionError, match="before its terminal event"):
        for event in responses.stream(session, model="gpt-4o-mini", input="Hi"):
            received.append(event)

    assert [e.type for e in received] == ["response.created", "response.output_text.delta"]


def test_dropped_stream_raises_connection_error(fake: FakeOpenAI, session: OpenAISession) -> None:
    chunks = [_sse("response.created", 0, response=_response("in_progress"))] * 3
    fake.enqueue(
        _sse_reply(*chunks, _sse("response.completed", 3, response=_response("completed")), drop="mid_body")
    )

    stream = responses.stream(session, model="gpt-4o-mini", input="Hi")
    assert next(stream).type == "response.created"
    with pytest.raises(APIConnectionError):
        list(stream)


def test_error_event_raises_a_typed_error(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(
        _sse_reply(
            _sse("response.created", 0, response=_response("in_progress")),
            _sse("error", 1, code="rate_limit_exceeded", message="Slow down.", param=None),
        )
    )
    stream = responses.stream(session, model="gpt-4o-mini", input="Hi")

    assert next(stream).type == "response.created"
    with pytest.raises(APIStreamError) as caught:
        next(stream)
    assert (caught.value.message, caught.value.code, caught.value.param) == (
        "Slow down.",
        "rate_limit_exceeded",
        None,
    )
    assert caught.value.request_id == stream.request_id is not None


@pytest.mark.parametrize("kind", ["response.failed", "response.incomplete"])
def test_failed_and_incomplete_end_the_stream(fake: FakeOpenAI, session: OpenAISession, kind: str) -> None:
    final = _response(
        kind.split(".")[1],
        error={"code": "server_error", "message": "Boom."} if kind == "response.failed" else None,
        incomplete_details={"reason": "max_output_tokens"} if kind == "response.incomplete" else None,
    )
    fake.enqueue(
        _sse_reply(
            _sse("response.created", 0, response=_response("in_progress")), _sse(kind, 1, response=final)
        )
    )

    events = list(responses.stream(session, model="gpt-4o-mini", input="Hi"))

    last = events[-1]
    assert [e.type for e in events] == ["response.created", kind]
    assert isinstance(last, ResponseLifecycleEvent) and last.response.status == final["status"]
    if kind == "response.failed":
        assert last.response.error is not None and last.response.error.code == "server_error"
    else:
        assert last.response.incomplete_details is not None
        assert last.response.incomplete_details.reason == "max_output_tokens"


def test_unknown_events_keep_their_data(fake: FakeOpenAI, session: OpenAISession) -> None:
    summary = {"item_id": "hg_1", "output_index": 0, "frame_index": 0, "delta": "Thinking"}
    item = {"type": "mcp_call", "id": "mcp_1", "name": "search", "server_label": "docs", "arguments": "{}"}
    fake.enqueue(
        _sse_reply(
            _sse("response.hologram_call.delta", 0, **summary),
            _sse("response.output_item.added", 1, output_index=1, item=item),
            _sse("response.refusal.delta", 2, item_id="m", output_index=2, content_index=0, delta="No"),
            _sse("response.refusal.done", 3, item_id="m", output_index=2, content_index=0, refusal="No"),
            _sse("response.completed", 4, response=_response("completed")),
        )
    )

    other, added, refusal_delta, refusal_done, completed = list(
        responses.stream(session, model="gpt-4o-mini", input="Hi")
    )

    assert isinstance(other, ResponseOtherEvent) and other.type == "response.hologram_call.delta"
    assert other.data == {"type": other.type, "sequence_number": 0, **summary} and other.sequence_number == 0
    assert isinstance(added, ResponseOutputItemEvent) and isinstance(added.item, ResponseMcpCall)
    assert (added.item.id, added.item.name, added.item.server_label) == ("mcp_1", "search", "docs")
    assert isinstance(refusal_delta, ResponseRefusalDeltaEvent) and refusal_delta.delta == "No"
    assert isinstance(refusal_done, ResponseRefusalDoneEvent) and refusal_done.refusal == "No"
    assert completed.type == "response.completed"


def test_stream_error_status_raises_when_opened(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(NotFoundError) as caught:
        responses.stream(session, model="gpt-4o-mini", input="Hi", previous_response_id="resp_nope")

    assert caught.value.code == "previous_response_not_found"
    assert fake.last.json["stream"] is True


def test_stream_refuses_bad_input_before_sending(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(TypeError, match="input"):
        responses.stream(session, model="gpt-4o-mini", input=b"Hi")  # type: ignore[arg-type]
    assert fake.requests == []
