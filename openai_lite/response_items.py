"""The items of the Responses API: output items, input items and the lists they come in.

Messages, function and custom tool calls, their outputs and reasoning are here; the calls
of built-in tools are in :mod:`openai_lite.response_tool_calls`, and content parts in
:mod:`openai_lite.response_content`. :mod:`openai_lite.responses` re-exports them all. An
item of a type this library does not model decodes as :class:`ResponseOtherItem`, with its
fields as attributes.

https://platform.openai.com/docs/api-reference/responses/object
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, List, Literal, Optional, Union

from ._model import Model
from .response_content import (
    OutputContent,
    ReasoningSummaryText,
    ResponseInputContent,
    ResponseInputText,
    ResponseMessageContent,
    ResponseOutputRefusal,
    ResponseOutputText,
    ResponseReasoningText,
)
from .response_tool_calls import (
    FileSearchResult,
    ResponseCodeInterpreterToolCall,
    ResponseComputerToolCall,
    ResponseComputerToolCallOutput,
    ResponseFileSearchToolCall,
    ResponseFunctionWebSearch,
    ResponseImageGenerationCall,
    ResponseLocalShellCall,
    ResponseLocalShellCallOutput,
    ResponseMcpApprovalRequest,
    ResponseMcpApprovalResponse,
    ResponseMcpCall,
    ResponseMcpListTools,
)

__all__ = [
    "ResponseOutputItem",
    "ResponseOutputMessage",
    "ToolCallCaller",
    "ResponseFunctionToolCall",
    "ResponseFunctionToolCallOutput",
    "ResponseCustomToolCall",
    "ResponseCustomToolCallOutput",
    "ResponseReasoningItem",
    "ResponseOtherItem",
    "ResponseInputMessage",
    "ResponseItem",
    "ResponseItemList",
    # Defined in response_content and response_tool_calls; kept importable from here.
    "ResponseOutputText",
    "ResponseOutputRefusal",
    "ReasoningSummaryText",
    "ResponseInputText",
    "ResponseFunctionWebSearch",
    "ResponseFileSearchToolCall",
    "FileSearchResult",
]

# -- messages ------------------------------------------------------------------------


@dataclass
class ResponseOutputMessage(Model):
    """A message written by the model.

    ``phase`` (``commentary`` or ``final_answer``) is to be sent back with the message
    when it is passed as input again.
    """

    id: str
    type: Literal["message"] = "message"
    role: str = "assistant"
    status: Optional[str] = None
    content: List[OutputContent] = field(default_factory=list)
    phase: Optional[str] = None


@dataclass
class ResponseInputMessage(Model):
    """A message of a response's input (an assistant message holds output parts)."""

    id: str
    type: Literal["message"] = "message"
    role: Optional[str] = None
    status: Optional[str] = None
    content: List[ResponseMessageContent] = field(default_factory=list)
    phase: Optional[str] = None


# -- function and custom tool calls ---------------------------------------------------


@dataclass
class ToolCallCaller(Model):
    """What made a tool call: ``direct`` (the model), or ``program`` (with ``caller_id``)."""

    type: Optional[str] = None
    caller_id: Optional[str] = None


@dataclass
class ResponseFunctionToolCall(Model):
    """A call of a function tool; ``arguments`` is a JSON string. Answer it with ``call_id``."""

    __slots__ = ("_parsed_arguments",)  # kept out of the fields: never sent back

    type: Literal["function_call"] = "function_call"
    id: Optional[str] = None
    call_id: Optional[str] = None
    name: Optional[str] = None
    arguments: str = ""
    status: Optional[str] = None
    namespace: Optional[str] = None
    caller: Optional[ToolCallCaller] = None
    created_by: Optional[str] = None

    @property
    def parsed_arguments(self) -> Any:
        """The arguments of a strict function tool, decoded by ``responses.parse`` (None otherwise).

        A dict, or the dataclass instance for a tool made from one by
        :func:`~openai_lite.function_tool`.
        """
        try:  # an unset slot: None, without a detour through the undeclared keys
            return object.__getattribute__(self, "_parsed_arguments")
        except AttributeError:
            return None


@dataclass
class ResponseFunctionToolCallOutput(Model):
    """The output of a function call, as given back in the input: a string or content parts."""

    id: str
    type: Literal["function_call_output"] = "function_call_output"
    call_id: Optional[str] = None
    output: Union[None, str, List[ResponseInputContent]] = None
    status: Optional[str] = None
    name: Optional[str] = None
    namespace: Optional[str] = None
    caller: Optional[ToolCallCaller] = None
    created_by: Optional[str] = None


@dataclass
class ResponseCustomToolCall(Model):
    """A call of a custom tool, with its free-form ``input``. Answer it with ``call_id``."""

    type: Literal["custom_tool_call"] = "custom_tool_call"
    id: Optional[str] = None
    call_id: Optional[str] = None
    name: Optional[str] = None
    input: Optional[str] = None
    status: Optional[str] = None
    namespace: Optional[str] = None
    caller: Optional[ToolCallCaller] = None
    created_by: Optional[str] = None


@dataclass
class ResponseCustomToolCallOutput(Model):
    """The output of a custom tool call, as given back in the input."""

    id: str
    type: Literal["custom_tool_call_output"] = "custom_tool_call_output"
    call_id: Optional[str] = None
    output: Union[None, str, List[ResponseInputContent]] = None
    status: Optional[str] = None
    caller: Optional[ToolCallCaller] = None
    created_by: Optional[str] = None


# -- reasoning -----------------------------------------------------------------------


@dataclass
class ResponseReasoningItem(Model):
    """The model's reasoning: a summary, and its content when the API shares it.

    ``encrypted_content`` is there when the request's ``include`` asks for
    ``reasoning.encrypted_content``; pass the item back as input to carry the reasoning over.
    """

    id: str
    type: Literal["reasoning"] = "reasoning"
    summary: List[ReasoningSummaryText] = field(default_factory=list)
    content: Optional[List[ResponseReasoningText]] = None
    encrypted_content: Optional[str] = None
    status: Optional[str] = None


# -- any other item, and the unions -------------------------------------------------


@dataclass
class ResponseOtherItem(Model):
    """An item of a type this library does not model; its fields are attributes.

    Among them: ``program``, ``program_output``, ``tool_search_call``,
    ``tool_search_output``, ``additional_tools``, ``compaction``, ``shell_call``,
    ``shell_call_output``, ``apply_patch_call`` and ``apply_patch_call_output``.
    """

    type: str


#: An item of ``Response.output``, told apart by ``type``.
ResponseOutputItem = Union[
    ResponseOutputMessage,
    ResponseFunctionToolCall,
    ResponseFunctionToolCallOutput,
    ResponseCustomToolCall,
    ResponseCustomToolCallOutput,
    ResponseReasoningItem,
    ResponseFunctionWebSearch,
    ResponseFileSearchToolCall,
    ResponseImageGenerationCall,
    ResponseCodeInterpreterToolCall,
    ResponseMcpCall,
    ResponseMcpListTools,
    ResponseMcpApprovalRequest,
    ResponseMcpApprovalResponse,
    ResponseComputerToolCall,
    ResponseComputerToolCallOutput,
    ResponseLocalShellCall,
    ResponseLocalShellCallOutput,
    ResponseOtherItem,
]

#: An item of a response's input, told apart by ``type``.
ResponseItem = Union[
    ResponseInputMessage,
    ResponseFunctionToolCall,
    ResponseFunctionToolCallOutput,
    ResponseCustomToolCall,
    ResponseCustomToolCallOutput,
    ResponseReasoningItem,
    ResponseFunctionWebSearch,
    ResponseFileSearchToolCall,
    ResponseImageGenerationCall,
    ResponseCodeInterpreterToolCall,
    ResponseMcpCall,
    ResponseMcpListTools,
    ResponseMcpApprovalRequest,
    ResponseMcpApprovalResponse,
    ResponseComputerToolCall,
    ResponseComputerToolCallOutput,
    ResponseLocalShellCall,
    ResponseLocalShellCallOutput,
    ResponseOtherItem,
]


@dataclass
class ResponseItemList(Model):
    """A page of a response's input items."""

    data: List[ResponseItem]
    has_more: Optional[bool] = None
    first_id: Optional[str] = None
    last_id: Optional[str] = None
    object: str = "list"
