"""Every Responses output item, input item and stream event type of the spec decodes to a class."""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Dict, List, Type, Union, get_args, get_origin, get_type_hints

import pytest
from conformance import _check, _validator
from response_examples import ENDINGS, EVENTS, INPUT_PARTS, OTHER_ITEMS, TYPED_ITEMS, response

from openai_lite import APIResponseValidationError, APIStreamError, OpenAISession, responses
from openai_lite._model import JSONObject, Model
from openai_lite.responses import (
    AnnotationContainerFileCitation,
    AnnotationFileCitation,
    AnnotationFilePath,
    AnnotationUrlCitation,
    CodeInterpreterOutputImage,
    CodeInterpreterOutputLogs,
    ComputerAction,
    LocalShellExecAction,
    McpToolCallError,
    ReasoningSummaryText,
    ResponseCodeInterpreterCallCodeDeltaEvent,
    ResponseCodeInterpreterCallCodeDoneEvent,
    ResponseCodeInterpreterCallEvent,
    ResponseCodeInterpreterToolCall,
    ResponseComputerToolCall,
    ResponseComputerToolCallOutput,
    ResponseContentPartEvent,
    ResponseCustomToolCall,
    ResponseCustomToolCallInputDeltaEvent,
    ResponseCustomToolCallInputDoneEvent,
    ResponseCustomToolCallOutput,
    ResponseFileSearchCallEvent,
    ResponseFileSearchToolCall,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseFunctionToolCall,
    ResponseFunctionToolCallOutput,
    ResponseFunctionWebSearch,
    ResponseImageGenCallEvent,
    ResponseImageGenCallPartialImageEvent,
    ResponseImageGenerationCall,
    ResponseInputFile,
    ResponseInputImage,
    ResponseInputMessage,
    ResponseInputText,
    ResponseLifecycleEvent,
    ResponseLocalShellCall,
    ResponseLocalShellCallOutput,
    ResponseMcpApprovalRequest,
    ResponseMcpApprovalResponse,
    ResponseMcpCall,
    ResponseMcpCallArgumentsDeltaEvent,
    ResponseMcpCallArgumentsDoneEvent,
    ResponseMcpCallEvent,
    ResponseMcpListTools,
    ResponseMcpListToolsEvent,
    ResponseOtherAnnotation,
    ResponseOtherContent,
    ResponseOtherEvent,
    ResponseOtherItem,
    ResponseOutputItemEvent,
    ResponseOutputMessage,
    ResponseOutputRefusal,
    ResponseOutputText,
    ResponseOutputTextAnnotationAddedEvent,
    ResponseReasoningItem,
    ResponseReasoningSummaryPartEvent,
    ResponseReasoningSummaryTextDeltaEvent,
    ResponseReasoningSummaryTextDoneEvent,
    ResponseReasoningText,
    ResponseReasoningTextDeltaEvent,
    ResponseReasoningTextDoneEvent,
    ResponseRefusalDeltaEvent,
    ResponseRefusalDoneEvent,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
    ResponseWebSearchCallEvent,
    ToolCallCaller,
    WebSearchAction,
)
from openai_lite.testing import (
    FakeOpenAI,
    json_reply,
    response_events,
    response_events_reply,
    response_stream_reply,
)

#: The class of each output item type; the others are ResponseOtherItem.
ITEM_CLASSES: Dict[str, type] = {
    "message": ResponseOutputMessage,
    "function_call": ResponseFunctionToolCall,
    "function_call_output": ResponseFunctionToolCallOutput,
    "custom_tool_call": ResponseCustomToolCall,
    "custom_tool_call_output": ResponseCustomToolCallOutput,
    "reasoning": ResponseReasoningItem,
    "web_search_call": ResponseFunctionWebSearch,
    "file_search_call": ResponseFileSearchToolCall,
    "image_generation_call": ResponseImageGenerationCall,
    "code_interpreter_call": ResponseCodeInterpreterToolCall,
    "mcp_call": ResponseMcpCall,
    "mcp_list_tools": ResponseMcpListTools,
    "mcp_approval_request": ResponseMcpApprovalRequest,
    "mcp_approval_response": ResponseMcpApprovalResponse,
    "computer_call": ResponseComputerToolCall,
    "computer_call_output": ResponseComputerToolCallOutput,
    "local_shell_call": ResponseLocalShellCall,
    "local_shell_call_output": ResponseLocalShellCallOutput,
}

#: The class of each event type; the others are ResponseOtherEvent.
EVENT_CLASSES: Dict[str, type] = {
    **dict.fromkeys(
        [
            "response.queued",
            "response.created",
            "response.in_progress",
            "response.completed",
            "response.incomplete",
            "response.failed",
        ],
        ResponseLifecycleEvent,
    ),
    "response.output_item.added": ResponseOutputItemEvent,
    "response.output_item.done": ResponseOutputItemEvent,
    "response.content_part.added": ResponseContentPartEvent,
    "response.content_part.done": ResponseContentPartEvent,
    "response.output_text.delta": ResponseTextDeltaEvent,
    "response.output_text.done": ResponseTextDoneEvent,
    "response.output_text.annotation.added": ResponseOutputTextAnnotationAddedEvent,
    "response.refusal.delta": ResponseRefusalDeltaEvent,
    "response.refusal.done": ResponseRefusalDoneEvent,
    "response.function_call_arguments.delta": ResponseFunctionCallArgumentsDeltaEvent,
    "response.function_call_arguments.done": ResponseFunctionCallArgumentsDoneEvent,
    "response.custom_tool_call_input.delta": ResponseCustomToolCallInputDeltaEvent,
    "response.custom_tool_call_input.done": ResponseCustomToolCallInputDoneEvent,
    "response.reasoning_summary_part.added": ResponseReasoningSummaryPartEvent,
    "response.reasoning_summary_part.done": ResponseReasoningSummaryPartEvent,
    "response.reasoning_summary_text.delta": ResponseReasoningSummaryTextDeltaEvent,
    "response.reasoning_summary_text.done": ResponseReasoningSummaryTextDoneEvent,
    "response.reasoning_text.delta": ResponseReasoningTextDeltaEvent,
    "response.reasoning_text.done": ResponseReasoningTextDoneEvent,
    **dict.fromkeys(
        [
            "response.web_search_call.in_progress",
            "response.web_search_call.searching",
            "response.web_search_call.completed",
        ],
        ResponseWebSearchCallEvent,
    ),
    **dict.fromkeys(
        [
            "response.file_search_call.in_progress",
            "response.file_search_call.searching",
            "response.file_search_call.completed",
        ],
        ResponseFileSearchCallEvent,
    ),
    **dict.fromkeys(
        [
            "response.code_interpreter_call.in_progress",
            "response.code_interpreter_call.interpreting",
            "response.code_interpreter_call.completed",
        ],
        ResponseCodeInterpreterCallEvent,
    ),
    "response.code_interpreter_call_code.delta": ResponseCodeInterpreterCallCodeDeltaEvent,
    "response.code_interpreter_call_code.done": ResponseCodeInterpreterCallCodeDoneEvent,
    **dict.fromkeys(
        [
            "response.image_generation_call.in_progress",
            "response.image_generation_call.generating",
            "response.image_generation_call.completed",
        ],
        ResponseImageGenCallEvent,
    ),
    "response.image_generation_call.partial_image": ResponseImageGenCallPartialImageEvent,
    **dict.fromkeys(
        ["response.mcp_call.in_progress", "response.mcp_call.completed", "response.mcp_call.failed"],
        ResponseMcpCallEvent,
    ),
    "response.mcp_call_arguments.delta": ResponseMcpCallArgumentsDeltaEvent,
    "response.mcp_call_arguments.done": ResponseMcpCallArgumentsDoneEvent,
    **dict.fromkeys(
        [
            "response.mcp_list_tools.in_progress",
            "response.mcp_list_tools.completed",
            "response.mcp_list_tools.failed",
        ],
        ResponseMcpListToolsEvent,
    ),
}

#: The classes standing for any type this library does not model.
GENERIC = (ResponseOtherItem, ResponseOtherContent, ResponseOtherAnnotation, ResponseOtherEvent)

_SPEC = json.load(open("tests/openapi/openapi.trimmed.json"))["components"]["schemas"]


def _spec_tags(union: str) -> List[str]:
    """The ``type`` of each member of a union schema of the spec."""
    members = _SPEC[union].get("oneOf") or _SPEC[union]["anyOf"]
    return [_properties(m["$ref"].split("/")[-1])["type"]["enum"][0] for m in members]


def _check_event(event: Dict[str, Any]) -> None:
    """Validate *event* against the spec's schema of its type."""
    members = [m["$ref"] for m in _SPEC["ResponseStreamEvent"]["anyOf"]]
    schema = next(r for r in members if _properties(r.split("/")[-1])["type"]["enum"] == [event["type"]])
    _check(_validator(schema[1:]), event, event["type"])


def _properties(name: str) -> Dict[str, Any]:
    """The properties of a schema of the spec, those of its ``allOf`` parts included."""
    schema = _SPEC[name]
    found = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        found.update(_properties(part["$ref"].split("/")[-1]) if "$ref" in part else part["properties"])
    return found


def _reachable(obj: Any, value: Any, path: str) -> None:
    """Assert that every key of the JSON *value* is an attribute of *obj* with that value.

    A hand-written class must declare every key it is given; a generic one keeps them all.
    """
    if isinstance(obj, JSONObject):
        assert obj.to_dict() == value, path
    elif isinstance(obj, Model):
        assert isinstance(value, dict), path
        if not isinstance(obj, GENERIC):
            undeclared = set(value) - {f.name for f in dataclasses.fields(obj)}
            assert not undeclared, f"{type(obj).__name__} does not declare {path}.{sorted(undeclared)}"
        for key, item in value.items():
            _reachable(getattr(obj, key), item, f"{path}.{key}")
    elif isinstance(value, list):
        assert isinstance(obj, list) and len(obj) == len(value), path
        for n, (got, item) in enumerate(zip(obj, value)):
            _reachable(got, item, f"{path}[{n}]")
    else:
        assert obj == value, path


def _free_form(hint: Any) -> bool:
    """Tell whether a field's type lets a dict through: ``Any``, ``Dict[...]``, or a union of one."""
    if hint is Any or get_origin(hint) in (dict, Dict):
        return True
    return get_origin(hint) is Union and any(_free_form(a) for a in get_args(hint))


def _no_bare_dict(obj: Any, path: str, hint: Any = Any) -> None:
    """Assert that no dict stands where the classes declare a dataclass."""
    if isinstance(obj, Model):
        hints = get_type_hints(type(obj))
        for f in dataclasses.fields(obj):
            _no_bare_dict(getattr(obj, f.name), f"{path}.{f.name}", hints[f.name])
    elif isinstance(obj, list):
        lists = [a for a in (hint, *get_args(hint)) if get_origin(a) in (list, List)]
        item = get_args(lists[0])[0] if lists else Any
        for n, element in enumerate(obj):
            _no_bare_dict(element, f"{path}[{n}]", item)
    elif isinstance(obj, dict):
        assert _free_form(hint), f"a bare dict at {path}"


def test_every_output_item_type_of_the_spec_decodes_to_a_class(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    body = response(TYPED_ITEMS + OTHER_ITEMS)
    _check(_validator("/components/schemas/Response"), body, "example response")
    fake.enqueue(json_reply(body))

    data = responses.retrieve(session, "resp_1").data

    assert fake.last.path == "/v1/responses/resp_1"
    assert {i["type"] for i in body["output"]} == set(_spec_tags("OutputItem"))
    assert len(data.output) == len(body["output"])
    for item, sent in zip(data.output, body["output"]):
        assert type(item) is ITEM_CLASSES.get(sent["type"], ResponseOtherItem), sent["type"]
        _reachable(item, sent, sent["type"])
        assert item.to_dict() == sent
    _no_bare_dict(data, "response")


def test_hand_written_items_read_naturally(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(json_reply(response(TYPED_ITEMS)))

    output = responses.retrieve(session, "resp_1").data.output
    by_id = {getattr(item, "id", None): item for item in output}

    message = by_id["msg_1"]
    assert isinstance(message, ResponseOutputMessage) and message.phase == "final_answer"
    text, refusal = message.content
    assert isinstance(text, ResponseOutputText) and isinstance(refusal, ResponseOutputRefusal)
    assert text.annotations is not None
    assert [type(a) for a in text.annotations] == [
        AnnotationFileCitation,
        AnnotationUrlCitation,
        AnnotationContainerFileCitation,
        AnnotationFilePath,
    ]
    citation = text.annotations[1]
    assert isinstance(citation, AnnotationUrlCitation) and citation.url == "https://example.com"
    assert text.logprobs is not None and text.logprobs[0].top_logprobs is not None
    assert text.logprobs[0].top_logprobs[0].bytes == [83, 101, 101]

    call = by_id["fc_1"]
    assert isinstance(call, ResponseFunctionToolCall) and call.namespace == "weather"
    assert call.caller == ToolCallCaller(type="direct")
    output = by_id["fco_1"]
    assert isinstance(output, ResponseFunctionToolCallOutput) and isinstance(output.output, list)
    assert [type(p) for p in output.output] == [ResponseInputText, ResponseInputImage, ResponseInputFile]

    reasoning = by_id["rs_1"]
    assert isinstance(reasoning, ResponseReasoningItem)
    assert reasoning.summary == [ReasoningSummaryText(text="Thinking.")]
    assert reasoning.content == [ResponseReasoningText(text="Step one.")]

    search = by_id["ws_2"]
    assert isinstance(search, ResponseFunctionWebSearch)
    assert search.action == WebSearchAction(type="find_in_page", url="https://example.com", pattern="rain")

    code = by_id["ci_1"]
    assert isinstance(code, ResponseCodeInterpreterToolCall) and code.outputs is not None
    assert code.outputs == [
        CodeInterpreterOutputLogs(logs="1\n"),
        CodeInterpreterOutputImage(url="https://example.com/p.png"),
    ]

    mcp = by_id["mcp_1"]
    assert isinstance(mcp, ResponseMcpCall)
    assert mcp.error == McpToolCallError(type="http_error", code=502, message="Bad gateway")
    listing = by_id["mcpl_1"]
    assert isinstance(listing, ResponseMcpListTools) and listing.tools is not None
    assert listing.tools[0].input_schema == {"type": "object", "properties": {"q": {"type": "string"}}}

    computer = by_id["cu_1"]
    assert isinstance(computer, ResponseComputerToolCall) and computer.actions is not None
    assert computer.action == ComputerAction(type="click", button="left", x=10, y=20, keys=["SHIFT"])
    drag = computer.actions[0]
    assert drag.path is not None and (drag.path[1].x, drag.path[1].y) == (3, 4)
    screenshot = by_id["cuo_1"]
    assert isinstance(screenshot, ResponseComputerToolCallOutput) and screenshot.output is not None
    assert screenshot.output.file_id == "file_4"

    shell = by_id["ls_1"]
    assert isinstance(shell, ResponseLocalShellCall) and isinstance(shell.action, LocalShellExecAction)
    assert shell.action.command == ["ls", "-l"] and shell.action.env == {"LANG": "C"}


def test_every_input_item_type_decodes_to_a_class(fake: FakeOpenAI, session: OpenAISession) -> None:
    user = {"type": "message", "id": "msg_0", "role": "user", "status": "completed", "content": INPUT_PARTS}
    page = {
        "object": "list",
        "data": [user, *TYPED_ITEMS, *OTHER_ITEMS],
        "has_more": False,
        "first_id": "msg_0",
        "last_id": OTHER_ITEMS[-1]["id"],
    }
    _check(_validator("/components/schemas/ResponseItemList"), page, "example input items")
    fake.enqueue(json_reply(page))

    items = responses.list_input_items(session, "resp_1", order="asc").data.data

    assert (fake.last.path, fake.last.query) == ("/v1/responses/resp_1/input_items", {"order": ["asc"]})
    classes = dict(ITEM_CLASSES, message=ResponseInputMessage)
    for item, sent in zip(items, page["data"]):
        assert type(item) is classes.get(sent["type"], ResponseOtherItem), sent["type"]
        _reachable(item, sent, sent["type"])
        assert item.to_dict() == sent
    assert len(items) == len(page["data"])
    first = items[0]
    assert isinstance(first, ResponseInputMessage) and first.role == "user"
    assert [type(p) for p in first.content] == [ResponseInputText, ResponseInputImage, ResponseInputFile]
    _no_bare_dict(items, "data", List[Any])


def test_the_example_events_follow_the_spec() -> None:
    for event in [*EVENTS, *ENDINGS.values()]:
        _check_event(dict(event, sequence_number=0))
    assert {e["type"] for e in EVENTS} | set(ENDINGS) == set(_spec_tags("ResponseStreamEvent"))


@pytest.mark.parametrize("ending", sorted(ENDINGS))
def test_every_stream_event_type_of_the_spec_decodes_to_a_class(
    fake: FakeOpenAI, session: OpenAISession, ending: str
) -> None:
    sent = [*EVENTS, ENDINGS[ending]]
    fake.enqueue(response_events_reply(sent))
    received: List[Any] = []

    stream = responses.stream(session, model="gpt-4o-mini", input="Hi")
    if ending == "error":
        with pytest.raises(APIStreamError) as caught:
            received.extend(stream)
        assert (caught.value.code, caught.value.message) == ("server_error", "Boom.")
    else:
        received.extend(stream)

    expected = sent[:-1] if ending == "error" else sent
    assert [e.type for e in received] == [e["type"] for e in expected]
    assert [e.sequence_number for e in received] == list(range(len(expected)))
    for event, data in zip(received, expected):
        assert type(event) is EVENT_CLASSES.get(data["type"], ResponseOtherEvent), data["type"]
        whole = dict(data, sequence_number=event.sequence_number)
        _reachable(event, whole, data["type"])
        _no_bare_dict(event, data["type"])
        assert event.to_dict() == whole
        if isinstance(event, ResponseOtherEvent):
            assert event.data == whole


def test_stream_events_read_naturally(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(response_events_reply([*EVENTS, ENDINGS["response.completed"]]))

    events = list(responses.stream(session, model="gpt-4o-mini", input="Hi"))

    summary = "".join(e.delta for e in events if isinstance(e, ResponseReasoningSummaryTextDeltaEvent))
    assert summary == "Think"
    part = next(e for e in events if isinstance(e, ResponseReasoningSummaryPartEvent))
    assert part.part == ReasoningSummaryText(text="") and part.summary_index == 0
    added = [e for e in events if isinstance(e, ResponseOutputTextAnnotationAddedEvent)]
    assert [e.annotation_index for e in added] == [0, 1, 2, 3]
    assert isinstance(added[3].annotation, AnnotationFilePath) and added[3].annotation.file_id == "file_2"
    searching = [e.type for e in events if isinstance(e, ResponseWebSearchCallEvent)]
    assert searching[1] == "response.web_search_call.searching"
    image = next(e for e in events if isinstance(e, ResponseImageGenCallPartialImageEvent))
    assert (image.partial_image_b64, image.output_format) == ("aGk=", "png")
    parts = [e.part for e in events if isinstance(e, ResponseContentPartEvent)]
    assert [type(p) for p in parts] == [ResponseOutputText, ResponseOutputRefusal, ResponseReasoningText]
    audio = next(e for e in events if e.type == "response.audio.delta")
    assert isinstance(audio, ResponseOtherEvent) and audio.delta == audio.data["delta"] == "UklGRg=="
    shell = next(e for e in events if e.type == "response.shell_call_output_content.done")
    assert shell.output[0].outcome.exit_code == 0
    done = [e.item for e in events if isinstance(e, ResponseOutputItemEvent) and e.type.endswith("done")]
    assert [type(i) for i in done[: len(TYPED_ITEMS)]] == [ITEM_CLASSES[i["type"]] for i in TYPED_ITEMS]
    final = events[-1]
    assert isinstance(final, ResponseLifecycleEvent) and final.response.output_text == "See the guide."
    assert fake.last.reply_body.startswith(b"event: response.queued\ndata: {")


def test_types_newer_than_the_library_decode_to_generic_classes(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    text = {
        "type": "output_text",
        "text": "Hi",
        "annotations": [{"type": "page_citation", "page": 3}],
        "logprobs": [],
    }
    message = {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "status": "completed",
        "content": [text, {"type": "output_hologram", "frames": 3}],
    }
    code = {
        "type": "code_interpreter_call",
        "id": "ci_1",
        "status": "completed",
        "container_id": "cntr_1",
        "code": "plot()",
        "outputs": [{"type": "audio", "url": "https://example.com/a.wav"}],
    }
    output = {
        "type": "function_call_output",
        "id": "fco_1",
        "call_id": "c",
        "output": [{"type": "input_video"}],
    }
    future = {"type": "teleport_call", "id": "tp_1", "destination": "Mars"}
    fake.enqueue(json_reply(response([message, code, output, future])))

    data = responses.retrieve(session, "resp_1").data

    got_message, got_code, got_output, got_future = data.output
    assert isinstance(got_message, ResponseOutputMessage)
    got_text, hologram = got_message.content
    assert isinstance(got_text, ResponseOutputText) and got_text.annotations is not None
    annotation = got_text.annotations[0]
    assert isinstance(annotation, ResponseOtherAnnotation) and annotation.type == "page_citation"
    assert annotation.page == 3 and annotation.model_extra == {"page": 3}
    assert isinstance(hologram, ResponseOtherContent) and hologram.type == "output_hologram"
    assert hologram.frames == 3
    assert isinstance(got_code, ResponseCodeInterpreterToolCall) and got_code.outputs is not None
    assert isinstance(got_code.outputs[0], ResponseOtherContent) and got_code.outputs[0].type == "audio"
    assert isinstance(got_output, ResponseFunctionToolCallOutput) and isinstance(got_output.output, list)
    assert isinstance(got_output.output[0], ResponseOtherContent)
    assert isinstance(got_future, ResponseOtherItem) and got_future.type == "teleport_call"
    assert (got_future.id, got_future.destination) == ("tp_1", "Mars")
    assert got_future.to_dict() == future
    assert data.output_text == "Hi"
    _no_bare_dict(data, "response")


#: The spec's schemas of each hand-written class (the output form, and the listed input form).
SCHEMAS: Dict[Type[Model], List[str]] = {
    ResponseOutputMessage: ["OutputMessage"],
    ResponseInputMessage: ["InputMessageResource"],
    ResponseOutputText: ["OutputTextContent"],
    ResponseOutputRefusal: ["RefusalContent"],
    ResponseReasoningText: ["ReasoningTextContent"],
    ReasoningSummaryText: ["SummaryTextContent"],
    ResponseInputText: ["InputTextContent"],
    ResponseInputImage: ["InputImageContent"],
    ResponseInputFile: ["InputFileContent"],
    AnnotationFileCitation: ["FileCitationBody"],
    AnnotationUrlCitation: ["UrlCitationBody"],
    AnnotationContainerFileCitation: ["ContainerFileCitationBody"],
    AnnotationFilePath: ["FilePath"],
    ResponseFunctionToolCall: ["FunctionToolCall", "FunctionToolCallResource"],
    ResponseFunctionToolCallOutput: ["FunctionToolCallOutputResource"],
    ResponseCustomToolCall: ["CustomToolCall", "CustomToolCallResource"],
    ResponseCustomToolCallOutput: ["CustomToolCallOutputResource"],
    ResponseReasoningItem: ["ReasoningItem"],
    ResponseFunctionWebSearch: ["WebSearchToolCall"],
    WebSearchAction: ["WebSearchActionSearch", "WebSearchActionOpenPage", "WebSearchActionFind"],
    ResponseFileSearchToolCall: ["FileSearchToolCall"],
    ResponseImageGenerationCall: ["ImageGenToolCall"],
    ResponseCodeInterpreterToolCall: ["CodeInterpreterToolCall"],
    CodeInterpreterOutputLogs: ["CodeInterpreterOutputLogs"],
    CodeInterpreterOutputImage: ["CodeInterpreterOutputImage"],
    ResponseMcpCall: ["MCPToolCall"],
    McpToolCallError: ["MCPProtocolError", "MCPToolExecutionError", "HTTPError"],
    ResponseMcpListTools: ["MCPListTools"],
    ResponseMcpApprovalRequest: ["MCPApprovalRequest"],
    ResponseMcpApprovalResponse: ["MCPApprovalResponseResource"],
    ResponseComputerToolCall: ["ComputerToolCall"],
    ComputerAction: [
        "ClickParam",
        "DoubleClickAction",
        "DragParam",
        "KeyPressAction",
        "MoveParam",
        "ScreenshotParam",
        "ScrollParam",
        "TypeParam",
        "WaitParam",
    ],
    ResponseComputerToolCallOutput: ["ComputerToolCallOutputResource"],
    ResponseLocalShellCall: ["LocalShellToolCall"],
    LocalShellExecAction: ["LocalShellExecAction"],
    ResponseLocalShellCallOutput: ["LocalShellToolCallOutput"],
    ToolCallCaller: ["DirectToolCallCaller", "ProgramToolCallCaller"],
}


@pytest.mark.parametrize("cls", list(SCHEMAS), ids=lambda cls: cls.__name__)
def test_hand_written_classes_declare_every_field_of_the_spec(cls: Type[Model]) -> None:
    declared = {f.name for f in dataclasses.fields(cls)}
    for name in SCHEMAS[cls]:
        fields = set(_properties(name)) | set(_SPEC[name].get("required", []))
        assert fields <= declared, f"{name}: {sorted(fields - declared)}"


def test_every_event_class_is_one_of_the_stream_union() -> None:
    from openai_lite.response_events import ResponseStreamEvent

    assert set(EVENT_CLASSES.values()) | {ResponseOtherEvent} <= set(get_args(ResponseStreamEvent))


def test_every_item_passed_back_as_input_is_sent_as_it_came(fake: FakeOpenAI, session: OpenAISession) -> None:
    body = response(TYPED_ITEMS + OTHER_ITEMS)
    fake.enqueue(json_reply(body))
    fake.enqueue(json_reply(response([])))
    previous = responses.retrieve(session, "resp_1").data

    responses.create(
        session, model="gpt-4o-mini", input=[*previous.output, {"role": "user", "content": "Go on."}]
    )

    sent = fake.last.json["input"]
    assert sent[:-1] == body["output"]
    assert sent[-1] == {"role": "user", "content": "Go on."}


def test_fake_streams_any_response_as_the_api_would(fake: FakeOpenAI, session: OpenAISession) -> None:
    body = response(TYPED_ITEMS + OTHER_ITEMS)
    fake.enqueue(response_stream_reply(body))

    events = list(responses.stream(session, model="gpt-4o-mini", input="Hi"))

    sent = [
        json.loads(block.split("data: ", 1)[1]) for block in fake.last.reply_body.decode().split("\n\n")[:-1]
    ]
    assert sent == [dict(e, sequence_number=n) for n, e in enumerate(response_events(body))]
    for event, data in zip(events, sent):
        _check_event(data)
        assert type(event) is EVENT_CLASSES.get(data["type"], ResponseOtherEvent), data["type"]
        assert event.to_dict() == data
        _no_bare_dict(event, data["type"])
    assert len(events) == len(sent)
    kinds = {e.type for e in events}
    assert {"response.reasoning_summary_text.delta", "response.output_text.annotation.added"} <= kinds
    assert {"response.mcp_call.failed", "response.image_generation_call.partial_image"} <= kinds
    added = [e.item for e in events if isinstance(e, ResponseOutputItemEvent) and e.type.endswith("added")]
    assert [i.type for i in added] == [i["type"] for i in body["output"]]
    message = added[0]
    assert isinstance(message, ResponseOutputMessage) and (message.status, message.content) == (
        "in_progress",
        [],
    )
    summary = "".join(e.delta for e in events if isinstance(e, ResponseReasoningSummaryTextDeltaEvent))
    assert summary == "Thinking."
    code = "".join(e.delta for e in events if isinstance(e, ResponseCodeInterpreterCallCodeDeltaEvent))
    assert code == "print(1)"
    final = events[-1]
    assert isinstance(final, ResponseLifecycleEvent) and final.type == "response.completed"
    assert final.response.to_dict() == body


def test_fake_reasons_when_asked_for_a_summary(fake: FakeOpenAI, session: OpenAISession) -> None:
    with responses.stream(
        session,
        model="o4-mini",
        input="Why is the sky blue?",
        reasoning={"effort": "low", "summary": "auto"},
        include=["reasoning.encrypted_content"],
    ) as stream:
        events = list(stream)

    assert fake.last.json["reasoning"] == {"effort": "low", "summary": "auto"}
    parts = [e for e in events if isinstance(e, ResponseReasoningSummaryPartEvent)]
    assert [p.type for p in parts] == [
        "response.reasoning_summary_part.added",
        "response.reasoning_summary_part.done",
    ]
    deltas = [e for e in events if isinstance(e, ResponseReasoningSummaryTextDeltaEvent)]
    done = next(e for e in events if isinstance(e, ResponseReasoningSummaryTextDoneEvent))
    assert len(deltas) > 1 and "".join(d.delta for d in deltas) == done.text == parts[1].part.text
    assert "Why is the sky blue?" in done.text
    final = events[-1]
    assert isinstance(final, ResponseLifecycleEvent)
    reasoning, message = final.response.output
    assert isinstance(reasoning, ResponseReasoningItem) and reasoning.id == done.item_id
    assert reasoning.summary == [ReasoningSummaryText(text=done.text)] and reasoning.encrypted_content
    assert (
        isinstance(message, ResponseOutputMessage) and final.response.output_text == message.content[0].text
    )
    usage = final.response.usage
    assert usage is not None and usage.output_tokens_details is not None
    assert usage.output_tokens_details.reasoning_tokens == len(done.text.split())

    for block in fake.last.reply_body.decode().split("\n\n")[:-1]:
        _check_event(json.loads(block.split("data: ", 1)[1]))

    answer = responses.create(session, model="o4-mini", input="Hi", reasoning={"summary": "concise"}).data
    assert [type(i) for i in answer.output] == [ResponseReasoningItem, ResponseOutputMessage]
    assert answer.output[0].to_dict() == json.loads(fake.last.reply_body)["output"][0]
    assert "encrypted_content" not in json.loads(fake.last.reply_body)["output"][0]
    plain = responses.create(session, model="o4-mini", input="Why is the sky blue?").data
    assert [type(i) for i in plain.output] == [ResponseOutputMessage]


@pytest.mark.parametrize("kind", ["message", "reasoning", "mcp_call", "computer_call"])
def test_an_item_without_its_id_is_refused_at_the_call(
    fake: FakeOpenAI, session: OpenAISession, kind: str
) -> None:
    item = {k: v for k, v in next(i for i in TYPED_ITEMS if i["type"] == kind).items() if k != "id"}
    fake.enqueue(json_reply(response([item])))

    with pytest.raises(APIResponseValidationError, match="id") as caught:
        responses.retrieve(session, "resp_1")

    assert "missing required field(s) id" in str(caught.value)
    assert caught.value.body.startswith(b'{"id": "resp_1"')
