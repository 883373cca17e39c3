"""The Chat Completions API.

https://platform.openai.com/docs/api-reference/chat
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Mapping, Optional, Sequence, Union

import requests

from ._model import Model
from ._request import _request, body_of
from ._response import ApiResponse

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._request import RequestOptions

__all__ = [
    "ChatCompletion",
    "Choice",
    "ChatCompletionMessage",
    "ToolCall",
    "FunctionCall",
    "Annotation",
    "URLCitation",
    "MessageAudio",
    "ChoiceLogprobs",
    "TokenLogprob",
    "TopLogprob",
    "CompletionUsage",
    "CompletionTokensDetails",
    "PromptTokensDetails",
    "create",
]


@dataclass
class FunctionCall(Model):
    """The function a tool call names, with its arguments as a JSON string."""

    name: Optional[str] = None
    arguments: Optional[str] = None


@dataclass
class ToolCall(Model):
    """A tool call made by the model (``type`` "function", or "custom" with ``custom``)."""

    id: Optional[str] = None
    type: Optional[str] = None
    function: Optional[FunctionCall] = None
    custom: Optional[Dict[str, Any]] = None


@dataclass
class URLCitation(Model):
    """A web page cited by the message."""

    url: Optional[str] = None
    title: Optional[str] = None
    start_index: Optional[int] = None
    end_index: Optional[int] = None


@dataclass
class Annotation(Model):
    """An annotation of the message's content."""

    type: Optional[str] = None
    url_citation: Optional[URLCitation] = None


@dataclass
class MessageAudio(Model):
    """Audio output of a message, when ``modalities`` asked for it."""

    id: Optional[str] = None
    data: Optional[str] = None
    transcript: Optional[str] = None
    expires_at: Optional[int] = None


@dataclass
class ChatCompletionMessage(Model):
    """The assistant's message. ``content`` is None when it only calls tools or refuses."""

    role: str = "assistant"
    content: Optional[str] = None
    refusal: Optional[str] = None
    tool_calls: Optional[List[ToolCall]] = None
    annotations: Optional[List[Annotation]] = None
    audio: Optional[MessageAudio] = None
    function_call: Optional[FunctionCall] = None


@dataclass
class TopLogprob(Model):
    """One of the most likely tokens at a position."""

    token: Optional[str] = None
    logprob: Optional[float] = None
    bytes: Optional[List[int]] = None


@dataclass
class TokenLogprob(Model):
    """A token with its log probability."""

    token: Optional[str] = None
    logprob: Optional[float] = None
    bytes: Optional[List[int]] = None
    top_logprobs: Optional[List[TopLogprob]] = None


@dataclass
class ChoiceLogprobs(Model):
    """Log probabilities of a choice's content and refusal tokens."""

    content: Optional[List[TokenLogprob]] = None
    refusal: Optional[List[TokenLogprob]] = None


@dataclass
class Choice(Model):
    """One completion choice."""

    index: int
    message: ChatCompletionMessage
    finish_reason: Optional[str] = None
    logprobs: Optional[ChoiceLogprobs] = None


@dataclass
class CompletionTokensDetails(Model):
    """A breakdown of the completion tokens."""

    reasoning_tokens: Optional[int] = None
    audio_tokens: Optional[int] = None
    accepted_prediction_tokens: Optional[int] = None
    rejected_prediction_tokens: Optional[int] = None
    text_tokens: Optional[int] = None


@dataclass
class PromptTokensDetails(Model):
    """A breakdown of the prompt tokens."""

    cached_tokens: Optional[int] = None
    audio_tokens: Optional[int] = None
    text_tokens: Optional[int] = None
    image_tokens: Optional[int] = None
    cache_write_tokens: Optional[int] = None


@dataclass
class CompletionUsage(Model):
    """Token counts of a request."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    completion_tokens_details: Optional[CompletionTokensDetails] = None
    prompt_tokens_details: Optional[PromptTokensDetails] = None


@dataclass
class ChatCompletion(Model):
    """A chat completion."""

    id: str
    choices: List[Choice]
    created: Optional[int] = None
    model: Optional[str] = None
    object: str = "chat.completion"
    usage: Optional[CompletionUsage] = None
    service_tier: Optional[str] = None
    system_fingerprint: Optional[str] = None
    metadata: Optional[Dict[str, str]] = None


Message = Union[Mapping[str, Any], ChatCompletionMessage]


def create(
    session: requests.Session,
    *,
    messages: Sequence[Message],
    model: str,
    audio: Optional[Mapping[str, Any]] = None,
    frequency_penalty: Optional[float] = None,
    logit_bias: Optional[Mapping[str, int]] = None,
    logprobs: Optional[bool] = None,
    max_completion_tokens: Optional[int] = None,
    max_tokens: Optional[int] = None,
    metadata: Optional[Mapping[str, str]] = None,
    modalities: Optional[Sequence[Literal["text", "audio"]]] = None,
    n: Optional[int] = None,
    parallel_tool_calls: Optional[bool] = None,
    prediction: Optional[Mapping[str, Any]] = None,
    presence_penalty: Optional[float] = None,
    prompt_cache_key: Optional[str] = None,
    reasoning_effort: Optional[str] = None,
    response_format: Optional[Mapping[str, Any]] = None,
    safety_identifier: Optional[str] = None,
    seed: Optional[int] = None,
    service_tier: Optional[str] = None,
    stop: Union[None, str, Sequence[str]] = None,
    store: Optional[bool] = None,
    temperature: Optional[float] = None,
    tool_choice: Union[None, str, Mapping[str, Any]] = None,
    tools: Optional[Sequence[Mapping[str, Any]]] = None,
    top_logprobs: Optional[int] = None,
    top_p: Optional[float] = None,
    user: Optional[str] = None,
    verbosity: Optional[Literal["low", "medium", "high"]] = None,
    web_search_options: Optional[Mapping[str, Any]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[ChatCompletion]:
    """Create a model response for a conversation.

    A :class:`ChatCompletionMessage` from an earlier answer may be passed back in
    ``messages`` as it is.

    https://platform.openai.com/docs/api-reference/chat/create
    """
    body = body_of(locals())
    return _request(session, "POST", "/chat/completions", json_body=body, into=ChatCompletion, **options)
