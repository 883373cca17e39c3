"""The calls of built-in tools in Responses API items: search, images, code, MCP, computer, shell.

https://platform.openai.com/docs/guides/tools
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Literal, Optional, Union

from ._model import Model
from .response_content import ResponseOtherContent

__all__ = [
    "FileSearchResult",
    "ResponseFileSearchToolCall",
    "WebSearchSource",
    "WebSearchAction",
    "ResponseFunctionWebSearch",
    "ResponseImageGenerationCall",
    "CodeInterpreterOutputLogs",
    "CodeInterpreterOutputImage",
    "CodeInterpreterOutput",
    "ResponseCodeInterpreterToolCall",
    "McpToolCallError",
    "ResponseMcpCall",
    "McpListToolsTool",
    "ResponseMcpListTools",
    "ResponseMcpApprovalRequest",
    "ResponseMcpApprovalResponse",
    "ComputerPoint",
    "ComputerAction",
    "ComputerSafetyCheck",
    "ComputerScreenshot",
    "ResponseComputerToolCall",
    "ResponseComputerToolCallOutput",
    "LocalShellExecAction",
    "ResponseLocalShellCall",
    "ResponseLocalShellCallOutput",
]

# -- file search and web search ------------------------------------------------------


@dataclass
class FileSearchResult(Model):
    """A chunk found by the file search tool."""

    file_id: Optional[str] = None
    filename: Optional[str] = None
    score: Optional[float] = None
    text: Optional[str] = None
    attributes: Optional[Dict[str, Any]] = None


@dataclass
class ResponseFileSearchToolCall(Model):
    """A search of vector stores made by the built-in tool.

    ``results`` is there when the request's ``include`` asks for
    ``file_search_call.results``.
    """

    id: str
    type: Literal["file_search_call"] = "file_search_call"
    status: Optional[str] = None
    queries: List[str] = field(default_factory=list)
    results: Optional[List[FileSearchResult]] = None


@dataclass
class WebSearchSource(Model):
    """A source the web search consulted (``type`` is ``"url"``)."""

    type: Optional[str] = None
    url: Optional[str] = None


@dataclass
class WebSearchAction(Model):
    """What a web search did, told apart by ``type``.

    ``search`` sets ``query`` (and ``queries``, ``sources``); ``open_page`` sets ``url``;
    ``find_in_page`` sets ``url`` and ``pattern``.
    """

    type: Optional[str] = None
    query: Optional[str] = None
    queries: Optional[List[str]] = None
    sources: Optional[List[WebSearchSource]] = None
    url: Optional[str] = None
    pattern: Optional[str] = None


@dataclass
class ResponseFunctionWebSearch(Model):
    """A web search made by the built-in tool; ``action`` says what it did."""

    id: str
    type: Literal["web_search_call"] = "web_search_call"
    status: Optional[str] = None
    action: Optional[WebSearchAction] = None


# -- image generation and code interpreter --------------------------------------------


@dataclass
class ResponseImageGenerationCall(Model):
    """An image made by the built-in tool; ``result`` is the image, base64-encoded."""

    id: str
    type: Literal["image_generation_call"] = "image_generation_call"
    status: Optional[str] = None
    result: Optional[str] = None


@dataclass
class CodeInterpreterOutputLogs(Model):
    """What the code printed."""

    type: Literal["logs"] = "logs"
    logs: Optional[str] = None


@dataclass
class CodeInterpreterOutputImage(Model):
    """An image the code made, at ``url``."""

    type: Literal["image"] = "image"
    url: Optional[str] = None


#: An output of a code interpreter call, told apart by ``type``.
CodeInterpreterOutput = Union[CodeInterpreterOutputLogs, CodeInterpreterOutputImage, ResponseOtherContent]


@dataclass
class ResponseCodeInterpreterToolCall(Model):
    """Code run by the built-in tool in ``container_id``.

    ``outputs`` is there when the request's ``include`` asks for
    ``code_interpreter_call.outputs``.
    """

    id: str
    type: Literal["code_interpreter_call"] = "code_interpreter_call"
    status: Optional[str] = None
    container_id: Optional[str] = None
    code: Optional[str] = None
    outputs: Optional[List[CodeInterpreterOutput]] = None


# -- MCP -----------------------------------------------------------------------------


@dataclass
class McpToolCallError(Model):
    """Why an MCP call failed, told apart by ``type``.

    ``mcp_protocol_error`` and ``http_error`` set ``code`` and ``message``;
    ``mcp_tool_execution_error`` sets ``content``.
    """

    type: Optional[str] = None
    code: Optional[int] = None
    message: Optional[str] = None
    content: Any = None


@dataclass
class ResponseMcpCall(Model):
    """A call of a tool on an MCP server; ``arguments`` and ``output`` are strings."""

    id: str
    type: Literal["mcp_call"] = "mcp_call"
    server_label: Optional[str] = None
    name: Optional[str] = None
    arguments: Optional[str] = None
    output: Optional[str] = None
    error: Optional[McpToolCallError] = None
    status: Optional[str] = None
    approval_request_id: Optional[str] = None


@dataclass
class McpListToolsTool(Model):
    """A tool offered by an MCP server; ``input_schema`` is its JSON schema."""

    name: Optional[str] = None
    description: Optional[str] = None
    input_schema: Optional[Dict[str, Any]] = None
    annotations: Optional[Dict[str, Any]] = None


@dataclass
class ResponseMcpListTools(Model):
    """The tools an MCP server offers; ``error`` when they could not be listed."""

    id: str
    type: Literal["mcp_list_tools"] = "mcp_list_tools"
    server_label: Optional[str] = None
    tools: Optional[List[McpListToolsTool]] = None
    error: Optional[str] = None


@dataclass
class ResponseMcpApprovalRequest(Model):
    """A request for approval of an MCP call: answer it with an ``mcp_approval_response``."""

    id: str
    type: Literal["mcp_approval_request"] = "mcp_approval_request"
    server_label: Optional[str] = None
    name: Optional[str] = None
    arguments: Optional[str] = None


@dataclass
class ResponseMcpApprovalResponse(Model):
    """The answer to an MCP approval request."""

    id: str
    type: Literal["mcp_approval_response"] = "mcp_approval_response"
    approval_request_id: Optional[str] = None
    approve: Optional[bool] = None
    reason: Optional[str] = None
    request_id: Optional[str] = None


# -- computer use ------------------------------------------------------------------


@dataclass
class ComputerPoint(Model):
    """A point on the screen, in pixels."""

    x: Optional[int] = None
    y: Optional[int] = None


@dataclass
class ComputerAction(Model):
    """An action on the computer, told apart by ``type``.

    ``click`` (``button``, ``x``, ``y``), ``double_click``, ``move``, ``drag`` (``path``),
    ``keypress`` (``keys``), ``scroll`` (``scroll_x``, ``scroll_y``), ``type`` (``text``),
    ``screenshot`` and ``wait``. ``keys`` are the keys held during a pointer action.
    """

    type: Optional[str] = None
    button: Optional[str] = None
    x: Optional[int] = None
    y: Optional[int] = None
    path: Optional[List[ComputerPoint]] = None
    keys: Optional[List[str]] = None
    scroll_x: Optional[int] = None
    scroll_y: Optional[int] = None
    text: Optional[str] = None


@dataclass
class ComputerSafetyCheck(Model):
    """A safety check on a computer call, to acknowledge when giving back its output."""

    id: str
    code: Optional[str] = None
    message: Optional[str] = None


@dataclass
class ComputerScreenshot(Model):
    """A screenshot, by URL (or data URL) or by file id."""

    type: Literal["computer_screenshot"] = "computer_screenshot"
    image_url: Optional[str] = None
    file_id: Optional[str] = None


@dataclass
class ResponseComputerToolCall(Model):
    """An action for the computer use tool to perform: ``action``, or a batch in ``actions``."""

    id: str
    type: Literal["computer_call"] = "computer_call"
    call_id: Optional[str] = None
    action: Optional[ComputerAction] = None
    actions: Optional[List[ComputerAction]] = None
    pending_safety_checks: Optional[List[ComputerSafetyCheck]] = None
    status: Optional[str] = None


@dataclass
class ResponseComputerToolCallOutput(Model):
    """The screenshot taken after a computer call, as given back in the input."""

    id: str
    type: Literal["computer_call_output"] = "computer_call_output"
    call_id: Optional[str] = None
    output: Optional[ComputerScreenshot] = None
    acknowledged_safety_checks: Optional[List[ComputerSafetyCheck]] = None
    status: Optional[str] = None
    created_by: Optional[str] = None


# -- local shell ---------------------------------------------------------------------


@dataclass
class LocalShellExecAction(Model):
    """A command for the local shell tool to run."""

    type: Literal["exec"] = "exec"
    command: Optional[List[str]] = None
    timeout_ms: Optional[int] = None
    working_directory: Optional[str] = None
    env: Optional[Dict[str, str]] = None
    user: Optional[str] = None


@dataclass
class ResponseLocalShellCall(Model):
    """A command for the local shell tool; answer it with ``call_id``."""

    id: str
    type: Literal["local_shell_call"] = "local_shell_call"
    call_id: Optional[str] = None
    action: Optional[LocalShellExecAction] = None
    status: Optional[str] = None


@dataclass
class ResponseLocalShellCallOutput(Model):
    """What a local shell command printed, as given back in the input."""

    id: str
    type: Literal["local_shell_call_output"] = "local_shell_call_output"
    call_id: Optional[str] = None
    output: Optional[str] = None
    status: Optional[str] = None
