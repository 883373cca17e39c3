"""Examples of every Responses output item and stream event type of the spec, with all fields."""

from __future__ import annotations

from typing import Any, Dict, List

ANNOTATIONS: List[Dict[str, Any]] = [
    {"type": "file_citation", "file_id": "file_1", "filename": "guide.pdf", "index": 3},
    {
        "type": "url_citation",
        "url": "https://example.com",
        "title": "Example",
        "start_index": 0,
        "end_index": 8,
    },
    {
        "type": "container_file_citation",
        "container_id": "cntr_1",
        "file_id": "cfile_1",
        "filename": "plot.png",
        "start_index": 9,
        "end_index": 17,
    },
    {"type": "file_path", "file_id": "file_2", "index": 5},
]

LOGPROB: Dict[str, Any] = {
    "token": "See",
    "logprob": -0.25,
    "bytes": [83, 101, 101],
    "top_logprobs": [{"token": "See", "logprob": -0.25, "bytes": [83, 101, 101]}],
}

INPUT_PARTS: List[Dict[str, Any]] = [
    {"type": "input_text", "text": "18C", "prompt_cache_breakpoint": {"mode": "explicit"}},
    {"type": "input_image", "image_url": "https://example.com/a.png", "file_id": None, "detail": "auto"},
    {
        "type": "input_file",
        "file_id": "file_3",
        "filename": "weather.csv",
        "file_data": "YSxi",
        "file_url": "https://example.com/weather.csv",
        "detail": "high",
    },
]

#: One item of each type that has a class of its own.
TYPED_ITEMS: List[Dict[str, Any]] = [
    {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "status": "completed",
        "phase": "final_answer",
        "content": [
            {
                "type": "output_text",
                "text": "See the guide.",
                "annotations": ANNOTATIONS,
                "logprobs": [LOGPROB],
            },
            {"type": "refusal", "refusal": "No."},
        ],
    },
    {
        "type": "function_call",
        "id": "fc_1",
        "call_id": "call_1",
        "name": "get_weather",
        "arguments": '{"city": "Paris"}',
        "status": "completed",
        "namespace": "weather",
        "caller": {"type": "direct"},
    },
    {
        "type": "function_call_output",
        "id": "fco_1",
        "call_id": "call_1",
        "name": "get_weather",
        "namespace": "weather",
        "caller": {"type": "program", "caller_id": "prog_1"},
        "output": INPUT_PARTS,
        "status": "completed",
        "created_by": "user_1",
    },
    {
        "type": "custom_tool_call",
        "id": "ctc_1",
        "call_id": "call_2",
        "caller": {"type": "direct"},
        "namespace": "db",
        "name": "run_sql",
        "input": "SELECT 1",
        "status": "completed",
        "created_by": "user_1",
    },
    {
        "type": "custom_tool_call_output",
        "id": "ctco_1",
        "call_id": "call_2",
        "caller": None,
        "output": "1",
        "status": "completed",
        "created_by": "user_1",
    },
    {
        "type": "reasoning",
        "id": "rs_1",
        "encrypted_content": "gAAAAB",
        "summary": [{"type": "summary_text", "text": "Thinking."}],
        "content": [{"type": "reasoning_text", "text": "Step one."}],
        "status": "completed",
    },
    {
        "type": "web_search_call",
        "id": "ws_1",
        "status": "completed",
        "action": {
            "type": "search",
            "query": "weather paris",
            "queries": ["weather paris"],
            "sources": [{"type": "url", "url": "https://example.com"}],
        },
    },
    {
        "type": "web_search_call",
        "id": "ws_2",
        "status": "completed",
        "action": {"type": "find_in_page", "url": "https://example.com", "pattern": "rain"},
    },
    {
        "type": "file_search_call",
        "id": "fs_1",
        "status": "completed",
        "queries": ["rain"],
        "results": [
            {
                "file_id": "file_1",
                "text": "It rains.",
                "filename": "guide.pdf",
                "attributes": {"author": "Ann", "year": 2024},
                "score": 0.5,
            }
        ],
    },
    {"type": "image_generation_call", "id": "ig_1", "status": "completed", "result": "aGk="},
    {
        "type": "code_interpreter_call",
        "id": "ci_1",
        "status": "completed",
        "container_id": "cntr_1",
        "code": "print(1)",
        "outputs": [{"type": "logs", "logs": "1\n"}, {"type": "image", "url": "https://example.com/p.png"}],
    },
    {
        "type": "mcp_call",
        "id": "mcp_1",
        "server_label": "docs",
        "name": "search",
        "arguments": '{"q": "rain"}',
        "output": None,
        "error": {"type": "http_error", "code": 502, "message": "Bad gateway"},
        "status": "failed",
        "approval_request_id": "mcpr_1",
    },
    {
        "type": "mcp_list_tools",
        "id": "mcpl_1",
        "server_label": "docs",
        "tools": [
            {
                "name": "search",
                "description": "Search the docs.",
                "input_schema": {"type": "object", "properties": {"q": {"type": "string"}}},
                "annotations": {"readOnlyHint": True},
            }
        ],
        "error": None,
    },
    {
        "type": "mcp_approval_request",
        "id": "mcpr_1",
        "server_label": "docs",
        "name": "delete",
        "arguments": "{}",
    },
    {
        "type": "mcp_approval_response",
        "id": "mcpa_1",
        "approval_request_id": "mcpr_1",
        "approve": False,
        "reason": "Not now.",
        "request_id": "mcpr_1",
    },
    {
        "type": "computer_call",
        "id": "cu_1",
        "call_id": "call_3",
        "action": {"type": "click", "button": "left", "x": 10, "y": 20, "keys": ["SHIFT"]},
        "actions": [
            {"type": "drag", "path": [{"x": 1, "y": 2}, {"x": 3, "y": 4}], "keys": None},
            {"type": "scroll", "x": 1, "y": 2, "scroll_x": 0, "scroll_y": 5, "keys": None},
            {"type": "keypress", "keys": ["CTRL", "C"]},
            {"type": "type", "text": "hi"},
        ],
        "pending_safety_checks": [{"id": "sc_1", "code": "malicious_instructions", "message": "Careful."}],
        "status": "completed",
    },
    {
        "type": "computer_call_output",
        "id": "cuo_1",
        "call_id": "call_3",
        "acknowledged_safety_checks": [{"id": "sc_1", "code": None, "message": None}],
        "output": {
            "type": "computer_screenshot",
            "image_url": "data:image/png;base64,aGk=",
            "file_id": "file_4",
        },
        "status": "completed",
        "created_by": "user_1",
    },
    {
        "type": "local_shell_call",
        "id": "ls_1",
        "call_id": "call_4",
        "action": {
            "type": "exec",
            "command": ["ls", "-l"],
            "timeout_ms": 1000,
            "working_directory": "/tmp",
            "env": {"LANG": "C"},
            "user": "me",
        },
        "status": "completed",
    },
    {
        "type": "local_shell_call_output",
        "id": "lso_1",
        "call_id": "call_4",
        "output": "total 0",
        "status": "completed",
    },
]

#: One item of each type that decodes as ``ResponseOtherItem``.
OTHER_ITEMS: List[Dict[str, Any]] = [
    {"type": "program", "id": "prog_1", "call_id": "call_5", "code": "x = 1", "fingerprint": "fp_1"},
    {"type": "program_output", "id": "po_1", "call_id": "call_5", "result": "1", "status": "completed"},
    {
        "type": "tool_search_call",
        "id": "tsc_1",
        "call_id": None,
        "execution": "server",
        "arguments": {"query": "weather"},
        "status": "completed",
    },
    {
        "type": "tool_search_output",
        "id": "tso_1",
        "call_id": None,
        "execution": "server",
        "tools": [],
        "status": "completed",
    },
    {"type": "additional_tools", "id": "at_1", "role": "developer", "tools": []},
    {"type": "compaction", "id": "cmp_1", "encrypted_content": "gAAAAB"},
    {
        "type": "shell_call",
        "id": "sh_1",
        "call_id": "call_6",
        "action": {"commands": ["ls"], "timeout_ms": None, "max_output_length": None},
        "status": "completed",
        "environment": {"type": "local"},
    },
    {
        "type": "shell_call_output",
        "id": "sho_1",
        "call_id": "call_6",
        "status": "completed",
        "output": [{"stdout": "a\n", "stderr": "", "outcome": {"type": "exit", "exit_code": 0}}],
        "max_output_length": None,
    },
    {
        "type": "apply_patch_call",
        "id": "ap_1",
        "call_id": "call_7",
        "status": "completed",
        "operation": {"type": "create_file", "path": "a.txt", "diff": "+a\n"},
    },
    {
        "type": "apply_patch_call_output",
        "id": "apo_1",
        "call_id": "call_7",
        "status": "completed",
        "output": None,
    },
]


def response(output: List[Dict[str, Any]], status: str = "completed") -> Dict[str, Any]:
    """A response object holding *output*."""
    return {
        "id": "resp_1",
        "object": "response",
        "created_at": 1741476542,
        "status": status,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "model": "gpt-4o-mini",
        "output": output,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "metadata": {},
        "temperature": 1.0,
        "top_p": 1.0,
    }


def _at(**fields: Any) -> Dict[str, Any]:
    return {"item_id": "item_1", "output_index": 0, **fields}


#: One event of every type of the spec that does not end a stream, in an order a stream could have.
EVENTS: List[Dict[str, Any]] = [
    {"type": "response.queued", "response": response([], "queued")},
    {"type": "response.created", "response": response([], "in_progress")},
    {"type": "response.in_progress", "response": response([], "in_progress")},
    *(
        {"type": "response.output_item.added", "output_index": 0, "item": i}
        for i in TYPED_ITEMS + OTHER_ITEMS
    ),
    {
        "type": "response.content_part.added",
        **_at(content_index=0),
        "part": {"type": "output_text", "text": "", "annotations": [], "logprobs": []},
    },
    {"type": "response.output_text.delta", **_at(content_index=0), "delta": "See", "logprobs": [LOGPROB]},
    *(
        {
            "type": "response.output_text.annotation.added",
            **_at(content_index=0, annotation_index=n),
            "annotation": a,
        }
        for n, a in enumerate(ANNOTATIONS)
    ),
    {"type": "response.output_text.done", **_at(content_index=0), "text": "See", "logprobs": [LOGPROB]},
    {
        "type": "response.content_part.done",
        **_at(content_index=1),
        "part": {"type": "refusal", "refusal": "No."},
    },
    {"type": "response.refusal.delta", **_at(content_index=1), "delta": "No"},
    {"type": "response.refusal.done", **_at(content_index=1), "refusal": "No."},
    {"type": "response.function_call_arguments.delta", **_at(), "delta": '{"city"'},
    {"type": "response.function_call_arguments.done", **_at(), "name": "get_weather", "arguments": "{}"},
    {"type": "response.custom_tool_call_input.delta", **_at(), "delta": "SELECT"},
    {"type": "response.custom_tool_call_input.done", **_at(), "input": "SELECT 1"},
    {
        "type": "response.reasoning_summary_part.added",
        **_at(summary_index=0),
        "part": {"type": "summary_text", "text": ""},
    },
    {"type": "response.reasoning_summary_text.delta", **_at(summary_index=0), "delta": "Think"},
    {"type": "response.reasoning_summary_text.done", **_at(summary_index=0), "text": "Thinking."},
    {
        "type": "response.reasoning_summary_part.done",
        **_at(summary_index=0),
        "status": "incomplete",
        "part": {"type": "summary_text", "text": "Thinking."},
    },
    {
        "type": "response.content_part.added",
        **_at(content_index=0),
        "part": {"type": "reasoning_text", "text": ""},
    },
    {"type": "response.reasoning_text.delta", **_at(content_index=0), "delta": "Step"},
    {"type": "response.reasoning_text.done", **_at(content_index=0), "text": "Step one."},
    {"type": "response.web_search_call.in_progress", **_at()},
    {"type": "response.web_search_call.searching", **_at()},
    {"type": "response.web_search_call.completed", **_at()},
    {"type": "response.file_search_call.in_progress", **_at()},
    {"type": "response.file_search_call.searching", **_at()},
    {"type": "response.file_search_call.completed", **_at()},
    {"type": "response.code_interpreter_call.in_progress", **_at()},
    {"type": "response.code_interpreter_call_code.delta", **_at(), "delta": "print("},
    {"type": "response.code_interpreter_call_code.done", **_at(), "code": "print(1)"},
    {"type": "response.code_interpreter_call.interpreting", **_at()},
    {"type": "response.code_interpreter_call.completed", **_at()},
    {"type": "response.image_generation_call.in_progress", **_at()},
    {"type": "response.image_generation_call.generating", **_at()},
    {
        "type": "response.image_generation_call.partial_image",
        **_at(),
        "partial_image_index": 0,
        "partial_image_b64": "aGk=",
        "size": "1024x1024",
        "quality": "low",
        "background": "opaque",
        "output_format": "png",
    },
    {"type": "response.image_generation_call.completed", **_at()},
    {"type": "response.mcp_list_tools.in_progress", **_at()},
    {"type": "response.mcp_list_tools.failed", **_at()},
    {"type": "response.mcp_list_tools.completed", **_at()},
    {"type": "response.mcp_call.in_progress", **_at()},
    {"type": "response.mcp_call_arguments.delta", **_at(), "delta": '{"q"'},
    {"type": "response.mcp_call_arguments.done", **_at(), "arguments": '{"q": "rain"}'},
    {"type": "response.mcp_call.failed", **_at()},
    {"type": "response.mcp_call.completed", **_at()},
    {"type": "response.audio.delta", "delta": "UklGRg=="},
    {"type": "response.audio.done", "response_id": "resp_1"},
    {"type": "response.audio.transcript.delta", "response_id": "resp_1", "delta": "Hel"},
    {"type": "response.audio.transcript.done", "response_id": "resp_1"},
    {"type": "response.shell_call_command.added", "output_index": 0, "command_index": 0, "command": ""},
    {
        "type": "response.shell_call_command.delta",
        "output_index": 0,
        "command_index": 0,
        "delta": "ls",
        "obfuscation": "xy",
    },
    {"type": "response.shell_call_command.done", "output_index": 0, "command_index": 0, "command": "ls"},
    {
        "type": "response.shell_call_output_content.delta",
        **_at(command_index=0),
        "delta": {"stdout": "a", "stderr": ""},
    },
    {
        "type": "response.shell_call_output_content.done",
        **_at(command_index=0),
        "output": [{"stdout": "a\n", "stderr": "", "outcome": {"type": "exit", "exit_code": 0}}],
    },
    *({"type": "response.output_item.done", "output_index": 0, "item": i} for i in TYPED_ITEMS + OTHER_ITEMS),
]

#: The events that can end a stream, one of which follows :data:`EVENTS`.
ENDINGS: Dict[str, Dict[str, Any]] = {
    "response.completed": {"type": "response.completed", "response": response(TYPED_ITEMS + OTHER_ITEMS)},
    "response.incomplete": {
        "type": "response.incomplete",
        "response": response(TYPED_ITEMS + OTHER_ITEMS, "incomplete"),
    },
    "response.failed": {"type": "response.failed", "response": response(TYPED_ITEMS + OTHER_ITEMS, "failed")},
    "error": {"type": "error", "code": "server_error", "message": "Boom.", "param": None},
}
