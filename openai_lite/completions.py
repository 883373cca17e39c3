"""The legacy Completions API (a prompt in, text out), plain and streamed.

https://platform.openai.com/docs/api-reference/completions
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, List, Mapping, Optional, Sequence, Union

import requests

from ._model import Model
from ._request import _request, body_of
from ._response import ApiResponse
from ._streaming import Stream, event_decoder, open_stream
from .chat import CompletionUsage

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._request import RequestOptions

__all__ = ["Completion", "CompletionChoice", "CompletionLogprobs", "CompletionUsage", "create", "stream"]

#: A prompt: a string, strings, a list of token ids, or lists of token ids.
Prompt = Union[str, Sequence[str], Sequence[int], Sequence[Sequence[int]]]


@dataclass
class CompletionLogprobs(Model):
    """Log probabilities of the tokens of a choice, when ``logprobs`` asked for them."""

    tokens: Optional[List[str]] = None
    token_logprobs: Optional[List[float]] = None
    top_logprobs: Optional[List[Dict[str, float]]] = None
    text_offset: Optional[List[int]] = None


@dataclass
class CompletionChoice(Model):
    """One completion choice."""

    index: int
    text: str
    finish_reason: Optional[str] = None
    logprobs: Optional[CompletionLogprobs] = None


@dataclass
class Completion(Model):
    """A completion, or (when streamed) one piece of it: the choices carry the new text."""

    id: str
    choices: List[CompletionChoice]
    created: Optional[int] = None
    model: Optional[str] = None
    object: str = "text_completion"
    usage: Optional[CompletionUsage] = None
    system_fingerprint: Optional[str] = None


def create(
    session: requests.Session,
    *,
    model: str,
    prompt: Prompt,
    best_of: Optional[int] = None,
    echo: Optional[bool] = None,
    frequency_penalty: Optional[float] = None,
    logit_bias: Optional[Mapping[str, int]] = None,
    logprobs: Optional[int] = None,
    max_tokens: Optional[int] = None,
    n: Optional[int] = None,
    presence_penalty: Optional[float] = None,
    seed: Optional[int] = None,
    stop: Union[None, str, Sequence[str]] = None,
    suffix: Optional[str] = None,
    temperature: Optional[float] = None,
    top_p: Optional[float] = None,
    user: Optional[str] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[Completion]:
    """Complete a prompt (``gpt-3.5-turbo-instruct``, ``davinci-002``, ``babbage-002``).

    https://platform.openai.com/docs/api-reference/completions/create
    """
    body = body_of(locals())
    return _request(session, "POST", "/completions", json_body=body, into=Completion, **options)


_decode_completion = event_decoder(Completion)


def stream(
    session: requests.Session,
    *,
    model: str,
    prompt: Prompt,
    best_of: Optional[int] = None,
    echo: Optional[bool] = None,
    frequency_penalty: Optional[float] = None,
    logit_bias: Optional[Mapping[str, int]] = None,
    logprobs: Optional[int] = None,
    max_tokens: Optional[int] = None,
    n: Optional[int] = None,
    presence_penalty: Optional[float] = None,
    seed: Optional[int] = None,
    stop: Union[None, str, Sequence[str]] = None,
    suffix: Optional[str] = None,
    temperature: Optional[float] = None,
    top_p: Optional[float] = None,
    user: Optional[str] = None,
    stream_options: Optional[Mapping[str, bool]] = None,
    **options: Unpack[RequestOptions],
) -> Stream[Completion]:
    """Complete a prompt, streamed as :class:`Completion` pieces.

    It takes the parameters of :func:`create`. An error status raises its typed
    :class:`~openai_lite.APIStatusError` here; a stream cut before ``data: [DONE]`` raises
    :class:`~openai_lite.APIConnectionError` while iterating. With
    ``stream_options={"include_usage": True}`` the last piece has no choices and carries
    ``usage``.

    https://platform.openai.com/docs/api-reference/completions/create
    """
    body = body_of(locals())
    body["stream"] = True
    return open_stream(session, "POST", "/completions", json_body=body, decode=_decode_completion, **options)
