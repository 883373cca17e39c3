"""The items of the Responses API: output items, input items and their content parts.

https://platform.openai.com/docs/api-reference/responses/object
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Literal, Optional, Union

from ._model import Model

__all__ = [
    "ResponseOutputItem",
    "ResponseOutputMessage",
    "ResponseOutputText",
    "ResponseOutputRefusal",
    "ResponseFunctionToolCall",
    "ResponseFunctionToolCallOutput",
    "ResponseReasoningItem",
    "ReasoningSummaryText",
    "ResponseFunctionWebSearch",
    "ResponseFileSearchToolCall",
    "FileSearchResult",
    "ResponseInputMessage",
    "ResponseInputText",
    "ResponseItem",
    "ResponseItemList",
]

# -- content and output items -------------------------------------------------


@dataclass
class ResponseOutputText(Model):
    """Text written by the model; ``annotations`` (citations) and ``logprobs`` as sent."""

    type: Literal["output_text"] = "output_text"
    text: str = ""
    annotations: Optional[List[Dict[str, Any]]] = None
    logprobs: Optional[List[Dict[str, Any]]] = None


@dataclass
class ResponseOutputRefusal(Model):
    """The model's refusal to answer."""

    type: Literal["refusal"] = "refusal"
    refusal: str = ""


@dataclass
class ResponseInputText(Model):
    """Text given to the model."""

    type: Literal["input_text"] = "input_text"
    text: str = ""


#: A part of an output message; a part type newer than this library stays a dict.
OutputContent = Union[ResponseOutputText, ResponseOutputRefusal, Dict[str, Any]]


@dataclass
class ResponseOutputMessage(Model):
    """A message written by the model."""

    type: Literal["message"] = "message"
    id: Optional[str] = None
    role: str = "assistant"
    status: Optional[str] = None
    content: List[OutputContent] = field(default_factory=list)


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
    """The output of a function call, as given back in the input."""

    type: Literal["function_call_output"] = "function_call_output"
    id: Optional[str] = None
    call_id: Optional[str] = None
    output: Union[None, str, List[Dict[str, Any]]] = None
    status: Optional[str] = None


@dataclass
class ReasoningSummaryText(Model):
    """One paragraph of a reasoning summary."""

    type: Optional[str] = None
    text: str = ""


@dataclass
class ResponseReasoningItem(Model):
    """The model's reasoning: a summary, and its content when the API shares it."""

    type: Literal["reasoning"] = "reasoning"
    id: Optional[str] = None
    summary: List[ReasoningSummaryText] = field(default_factory=list)
    content: Optional[List[Dict[str, Any]]] = None
    encrypted_content: Optional[str] = None
    status: Optional[str] = None


@dataclass
class ResponseFunctionWebSearch(Model):
    """A web search made by the built-in tool; ``action`` says what it did."""

    type: Literal["web_search_call"] = "web_search_call"
    id: Optional[str] = None
    status: Optional[str] = None
    action: Optional[Dict[str, Any]] = None


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
    """A search of vector stores made by the built-in tool."""

    type: Literal["file_search_call"] = "file_search_call"
    id: Optional[str] = None
    status: Optional[str] = None
    queries: List[str] = field(default_factory=list)
    results: Optional[List[FileSearchResult]] = None


#: An item of ``Response.output``, told apart by ``type``; other types stay dicts.
ResponseOutputItem = Union[
    ResponseOutputMessage,
    ResponseFunctionToolCall,
    ResponseReasoningItem,
    ResponseFunctionWebSearch,
    ResponseFileSearchToolCall,
    Dict[str, Any],
]


@dataclass
class ResponseInputMessage(Model):
    """A message of a response's input (an assistant message holds output parts)."""

    type: Literal["message"] = "message"
    id: Optional[str] = None
    role: Optional[str] = None
    status: Optional[str] = None
    content: List[Union[ResponseInputText, ResponseOutputText, ResponseOutputRefusal, Dict[str, Any]]] = (
        field(default_factory=list)
    )


#: An item of a response's input, told apart by ``type``; other types stay dicts.
ResponseItem = Union[
    ResponseInputMessage,
    ResponseFunctionToolCall,
    ResponseFunctionToolCallOutput,
    ResponseReasoningItem,
    ResponseFunctionWebSearch,
    ResponseFileSearchToolCall,
    Dict[str, Any],
]


@dataclass
class ResponseItemList(Model):
    """A page of a response's input items."""

    data: List[ResponseItem]
    has_more: Optional[bool] = None
    first_id: Optional[str] = None
    last_id: Optional[str] = None
    object: str = "list"
