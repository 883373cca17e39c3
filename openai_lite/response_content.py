"""The content parts of Responses API items, and the annotations of output text.

A part or annotation of a type this library does not model decodes as
:class:`ResponseOtherContent` or :class:`ResponseOtherAnnotation`, whose ``type`` says what
it is; its other fields are attributes too.

https://platform.openai.com/docs/api-reference/responses/object
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Literal, Optional, Union

from ._model import Model

__all__ = [
    "AnnotationFileCitation",
    "AnnotationUrlCitation",
    "AnnotationContainerFileCitation",
    "AnnotationFilePath",
    "ResponseOtherAnnotation",
    "ResponseAnnotation",
    "ResponseTopLogprob",
    "ResponseLogprob",
    "ResponseOutputText",
    "ResponseOutputRefusal",
    "ResponseReasoningText",
    "ReasoningSummaryText",
    "ResponseInputText",
    "ResponseInputImage",
    "ResponseInputFile",
    "ResponseOtherContent",
    "OutputContent",
    "ResponseOutputContent",
    "ResponseInputContent",
    "ResponseMessageContent",
]

# -- annotations of output text --------------------------------------------------


@dataclass
class AnnotationFileCitation(Model):
    """A citation of a file; ``index`` is where it applies in the text."""

    type: Literal["file_citation"] = "file_citation"
    file_id: Optional[str] = None
    filename: Optional[str] = None
    index: Optional[int] = None


@dataclass
class AnnotationUrlCitation(Model):
    """A citation of a web page, for the text between ``start_index`` and ``end_index``."""

    type: Literal["url_citation"] = "url_citation"
    url: Optional[str] = None
    title: Optional[str] = None
    start_index: Optional[int] = None
    end_index: Optional[int] = None


@dataclass
class AnnotationContainerFileCitation(Model):
    """A citation of a file in a code interpreter's container."""

    type: Literal["container_file_citation"] = "container_file_citation"
    container_id: Optional[str] = None
    file_id: Optional[str] = None
    filename: Optional[str] = None
    start_index: Optional[int] = None
    end_index: Optional[int] = None


@dataclass
class AnnotationFilePath(Model):
    """The path of a file the model wrote (with the code interpreter)."""

    type: Literal["file_path"] = "file_path"
    file_id: Optional[str] = None
    index: Optional[int] = None


@dataclass
class ResponseOtherAnnotation(Model):
    """An annotation of a type this library does not model; its fields are attributes."""

    type: str


#: An annotation of output text, told apart by ``type``.
ResponseAnnotation = Union[
    AnnotationFileCitation,
    AnnotationUrlCitation,
    AnnotationContainerFileCitation,
    AnnotationFilePath,
    ResponseOtherAnnotation,
]

# -- content parts --------------------------------------------------------------------


@dataclass
class ResponseTopLogprob(Model):
    """One of the likeliest tokens at a position of the output."""

    token: Optional[str] = None
    logprob: Optional[float] = None
    bytes: Optional[List[int]] = None


@dataclass
class ResponseLogprob(Model):
    """The log probability of an output token, with the likeliest alternatives."""

    token: Optional[str] = None
    logprob: Optional[float] = None
    bytes: Optional[List[int]] = None
    top_logprobs: Optional[List[ResponseTopLogprob]] = None


@dataclass
class ResponseOutputText(Model):
    """Text written by the model, with its citations and (when asked for) its logprobs."""

    type: Literal["output_text"] = "output_text"
    text: str = ""
    annotations: Optional[List[ResponseAnnotation]] = None
    logprobs: Optional[List[ResponseLogprob]] = None


@dataclass
class ResponseOutputRefusal(Model):
    """The model's refusal to answer."""

    type: Literal["refusal"] = "refusal"
    refusal: str = ""


@dataclass
class ResponseReasoningText(Model):
    """A part of a reasoning item's content (the model's reasoning as text)."""

    type: Literal["reasoning_text"] = "reasoning_text"
    text: Optional[str] = None


@dataclass
class ReasoningSummaryText(Model):
    """One paragraph of a reasoning summary."""

    type: Literal["summary_text"] = "summary_text"
    text: str = ""


@dataclass
class ResponseInputText(Model):
    """Text given to the model."""

    type: Literal["input_text"] = "input_text"
    text: str = ""
    prompt_cache_breakpoint: Optional[Dict[str, Any]] = None


@dataclass
class ResponseInputImage(Model):
    """An image given to the model, by URL (or data URL) or by file id."""

    type: Literal["input_image"] = "input_image"
    image_url: Optional[str] = None
    file_id: Optional[str] = None
    detail: Optional[str] = None
    prompt_cache_breakpoint: Optional[Dict[str, Any]] = None


@dataclass
class ResponseInputFile(Model):
    """A file given to the model, by id, URL or content (``file_data``)."""

    type: Literal["input_file"] = "input_file"
    file_id: Optional[str] = None
    filename: Optional[str] = None
    file_data: Optional[str] = None
    file_url: Optional[str] = None
    detail: Optional[str] = None
    prompt_cache_breakpoint: Optional[Dict[str, Any]] = None


@dataclass
class ResponseOtherContent(Model):
    """A content part or tool output of a type this library does not model.

    Its fields are attributes; ``type`` says what it is.
    """

    type: str


#: A part of an output message, told apart by ``type``.
OutputContent = Union[ResponseOutputText, ResponseOutputRefusal, ResponseOtherContent]

#: A part announced by ``response.content_part.*`` events (reasoning text included).
ResponseOutputContent = Union[
    ResponseOutputText, ResponseOutputRefusal, ResponseReasoningText, ResponseOtherContent
]

#: A part of an input message, or of a tool call's output given back to the model.
ResponseInputContent = Union[ResponseInputText, ResponseInputImage, ResponseInputFile, ResponseOtherContent]

#: A part of a message in a response's input: an assistant message holds output parts.
ResponseMessageContent = Union[
    ResponseInputText,
    ResponseInputImage,
    ResponseInputFile,
    ResponseOutputText,
    ResponseOutputRefusal,
    ResponseOtherContent,
]
