"""The Chat Completions API.

https://platform.openai.com/docs/api-reference/chat
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Literal, Mapping, Optional, Sequence, Union

import requests

from ._model import Model
from ._request import _request, body_of, path_param, string_map
from ._response import ApiResponse
from ._schema import FunctionTool
from ._streaming import Stream, event_decoder, open_stream
from ._structured import chat_request

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
    "parse",
]


@dataclass
class FunctionCall(Model):
    """The function a tool call names, with its arguments as a JSON string."""

    __slots__ = ("_parsed_arguments",)  # kept out of the fields: never sent back

    name: Optional[str] = None
    arguments: Optional[str] = None

    @property
    def parsed_arguments(self) -> Any:
        """The arguments of a strict function tool, decoded by :func:`parse` (None otherwise).

        A dict, or the dataclass instance for a tool made from one by
        :func:`~openai_lite.function_tool`.
        """
        return getattr(self, "_parsed_arguments", None)


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

    __slots__ = ("_parsed",)  # kept out of the fields: never sent back

    role: str = "assistant"
    content: Optional[str] = None
    refusal: Optional[str] = None
    tool_calls: Optional[List[ToolCall]] = None
    annotations: Optional[List[Annotation]] = None
    audio: Optional[MessageAudio] = None
    function_call: Optional[FunctionCall] = None

    @property
    def parsed(self) -> Any:
        """The content decoded into the ``response_format`` dataclass of :func:`parse`.

        None without one, and on a refusal (then ``refusal`` says why).
        """
        return getattr(self, "_parsed", None)


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
#: A tool: its JSON object, or a :class:`~openai_lite.FunctionTool`.
Tool = Union[Mapping[str, Any], FunctionTool]


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
    tools: Optional[Sequence[Tool]] = None,
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
    chat_request(body, parse=False)
    return _request(session, "POST", "/chat/completions", json_body=body, into=ChatCompletion, **options)


def parse(
    session: requests.Session,
    *,
    response_format: Optional[type] = None,
    tools: Optional[Sequence[Tool]] = None,
    **kwargs: Any,
) -> ApiResponse[ChatCompletion]:
    """Create a chat completion whose answer is decoded into the ``response_format`` dataclass.

    It takes the parameters of :func:`create`. ``message.parsed`` is the dataclass
    instance (None on a refusal); the calls of strict function tools (made by
    :func:`~openai_lite.function_tool`, or dicts with ``"strict": True``) carry
    ``function.parsed_arguments``.

    :raises LengthFinishReasonError: when a choice was cut by the token limit.
    :raises ContentFilterFinishReasonError: when the content filter stopped a choice.
    :raises OutputValidationError: when the JSON does not fit the type, naming the path.

    https://platform.openai.com/docs/guides/structured-outputs
    """
    args: Dict[str, Any] = {"response_format": response_format, "tools": tools}
    parser = chat_request(args, parse=True)
    resp = create(session, **kwargs, **args)
    if resp.ok and parser is not None:
        parser(resp.data)
    return resp



# -- streaming -------------------------------------------------------------------------

__all__ += [
    "ChatCompletionChunk",
    "ChunkChoice",
    "ChoiceDelta",
    "ChoiceDeltaToolCall",
    "stream",
    "join",
]


@dataclass
class ChoiceDeltaToolCall(Model):
    """A piece of a tool call; the pieces of one call share its ``index``."""

    index: int
    id: Optional[str] = None
    type: Optional[str] = None
    function: Optional[FunctionCall] = None


@dataclass
class ChoiceDelta(Model):
    """What a chunk adds to a choice's message."""

    role: Optional[str] = None
    content: Optional[str] = None
    refusal: Optional[str] = None
    tool_calls: Optional[List[ChoiceDeltaToolCall]] = None
    function_call: Optional[FunctionCall] = None


@dataclass
class ChunkChoice(Model):
    """One choice's part of a chunk."""

    index: int
    delta: ChoiceDelta
    finish_reason: Optional[str] = None
    logprobs: Optional[ChoiceLogprobs] = None


@dataclass
class ChatCompletionChunk(Model):
    """One event of a streamed chat completion.

    With ``stream_options={"include_usage": True}`` the last chunk has no choices and
    carries ``usage``.
    """

    id: str
    choices: List[ChunkChoice]
    created: Optional[int] = None
    model: Optional[str] = None
    object: str = "chat.completion.chunk"
    usage: Optional[CompletionUsage] = None
    service_tier: Optional[str] = None
    system_fingerprint: Optional[str] = None
    obfuscation: Optional[str] = None


_decode_chunk = event_decoder(ChatCompletionChunk)


def stream(
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
    response_format: Union[None, Mapping[str, Any], type] = None,
    safety_identifier: Optional[str] = None,
    seed: Optional[int] = None,
    service_tier: Optional[str] = None,
    stop: Union[None, str, Sequence[str]] = None,
    store: Optional[bool] = None,
    temperature: Optional[float] = None,
    tool_choice: Union[None, str, Mapping[str, Any]] = None,
    tools: Optional[Sequence[Tool]] = None,
    top_logprobs: Optional[int] = None,
    top_p: Optional[float] = None,
    user: Optional[str] = None,
    verbosity: Optional[Literal["low", "medium", "high"]] = None,
    web_search_options: Optional[Mapping[str, Any]] = None,
    stream_options: Optional[Mapping[str, Any]] = None,
    **options: Unpack[RequestOptions],
) -> Stream[ChatCompletionChunk]:
    """Create a model response for a conversation, streamed as :class:`ChatCompletionChunk` items.

    It takes the parameters of :func:`create`. An error status raises its typed
    :class:`~openai_lite.APIStatusError` here; a stream cut before ``data: [DONE]`` raises
    :class:`~openai_lite.APIConnectionError` while iterating. Use it as a context manager,
    or close it, to give the connection back; :func:`join` assembles the chunks. With a
    dataclass as ``response_format``, the completion that :func:`join` assembles from this
    stream is decoded as by :func:`parse`.

    https://platform.openai.com/docs/api-reference/chat/create
    """
    body = body_of(locals())
    body["stream"] = True
    parser = chat_request(body, parse=isinstance(response_format, type))
    path = "/chat/completions"
    opened = open_stream(session, "POST", path, json_body=body, decode=_decode_chunk, **options)
    opened.finish = parser
    return opened


class _JoinedChoice:
    """The pieces of one choice, gathered from the chunks."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.role: Optional[str] = None
        self.content: Optional[List[str]] = None
        self.refusal: Optional[List[str]] = None
        self.calls: Dict[int, ToolCall] = {}
        self.arguments: Dict[int, List[str]] = {}
        self.function_call: Optional[FunctionCall] = None
        self.finish_reason: Optional[str] = None
        self.logprobs: Optional[ChoiceLogprobs] = None

    def add(self, choice: ChunkChoice) -> None:
        delta = choice.delta
        self.role = delta.role or self.role
        if delta.content is not None:
            self.content = self.content or []
            self.content.append(delta.content)
        if delta.refusal is not None:
            self.refusal = self.refusal or []
            self.refusal.append(delta.refusal)
        for piece in delta.tool_calls or ():
            self._add_call(piece)
        if delta.function_call is not None:
            self.function_call = _joined_function(self.function_call, delta.function_call)
        self.finish_reason = choice.finish_reason or self.finish_reason
        if choice.logprobs is not None:
            logprobs = self.logprobs = self.logprobs or ChoiceLogprobs()
            if choice.logprobs.content is not None:
                logprobs.content = logprobs.content or []
                logprobs.content.extend(choice.logprobs.content)
            if choice.logprobs.refusal is not None:
                logprobs.refusal = logprobs.refusal or []
                logprobs.refusal.extend(choice.logprobs.refusal)

    def _add_call(self, piece: ChoiceDeltaToolCall) -> None:
        call = self.calls.get(piece.index)
        if call is None:
            call = self.calls[piece.index] = ToolCall(function=FunctionCall())
            self.arguments[piece.index] = []
        call.id = piece.id or call.id
        call.type = piece.type or call.type
        if piece.function is not None and call.function is not None:
            call.function.name = call.function.name or piece.function.name
            if piece.function.arguments:
                self.arguments[piece.index].append(piece.function.arguments)

    def choice(self) -> Choice:
        calls = []
        for index in sorted(self.calls):
            call = self.calls[index]
            if call.function is not None:
                call.function.arguments = "".join(self.arguments[index])
            call.type = call.type or "function"
            calls.append(call)
        message = ChatCompletionMessage(
            role=self.role or "assistant",
            content=None if self.content is None else "".join(self.content),
            refusal=None if self.refusal is None else "".join(self.refusal),
            tool_calls=calls or None,
            function_call=self.function_call,
        )
        return Choice(self.index, message, finish_reason=self.finish_reason, logprobs=self.logprobs)


def _joined_function(old: Optional[FunctionCall], piece: FunctionCall) -> FunctionCall:
    if old is None:
        return FunctionCall(name=piece.name, arguments=piece.arguments or "")
    arguments = (old.arguments or "") + (piece.arguments or "")
    return FunctionCall(name=old.name or piece.name, arguments=arguments)


def join(chunks: Iterable[ChatCompletionChunk]) -> ChatCompletion:
    """Assemble the chunks of a chat stream into the :class:`ChatCompletion` they stand for.

    Per choice, ``content`` and ``refusal`` are concatenated (None when no chunk had any),
    tool-call arguments are concatenated by the call's ``index``, and the finish reason
    is the last one given. ``usage`` comes from the last chunk of
    ``stream_options={"include_usage": True}`` (None without it). *chunks* may be a
    :class:`~openai_lite._streaming.Stream` or chunks kept while streaming them.

    :raises ValueError: when there are no chunks.
    :raises LengthFinishReasonError: (and the other errors of :func:`parse`) for a stream of
        :func:`stream` with a dataclass as ``response_format``, whose completion carries
        ``message.parsed``.
    """
    first: Optional[ChatCompletionChunk] = None
    usage: Optional[CompletionUsage] = None
    service_tier: Optional[str] = None
    fingerprint: Optional[str] = None
    choices: Dict[int, _JoinedChoice] = {}
    for chunk in chunks:
        first = first or chunk
        usage = chunk.usage or usage
        service_tier = chunk.service_tier or service_tier
        fingerprint = chunk.system_fingerprint or fingerprint
        for part in chunk.choices:
            joined = choices.get(part.index)
            if joined is None:
                joined = choices[part.index] = _JoinedChoice(part.index)
            joined.add(part)
    if first is None:
        raise ValueError("chunks is empty: there is nothing to join")
    completion = ChatCompletion(
        id=first.id,
        choices=[choices[index].choice() for index in sorted(choices)],
        created=first.created,
        model=first.model,
        usage=usage,
        service_tier=service_tier,
        system_fingerprint=fingerprint,
    )
    finish = getattr(chunks, "finish", None)
    return finish(completion) if finish is not None else completion


# -- stored chat completions ---------------------------------------------------------

__all__ += [
    "StoredChatCompletionMessage",
    "ChatCompletionList",
    "ChatCompletionMessageList",
    "ChatCompletionDeleted",
    "retrieve",
    "list",
    "update",
    "delete",
    "list_messages",
]


@dataclass
class StoredChatCompletionMessage(ChatCompletionMessage):
    """A message of the request that created a stored chat completion.

    ``role`` is the sender's; ``content_parts`` holds the parts of a multimodal message.
    """

    id: Optional[str] = None
    name: Optional[str] = None
    content_parts: Optional[List[Dict[str, Any]]] = None


@dataclass
class ChatCompletionList(Model):
    """A page of stored chat completions."""

    data: List[ChatCompletion]
    has_more: Optional[bool] = None
    first_id: Optional[str] = None
    last_id: Optional[str] = None
    object: str = "list"


@dataclass
class ChatCompletionMessageList(Model):
    """A page of the messages of a stored chat completion."""

    data: List[StoredChatCompletionMessage]
    has_more: Optional[bool] = None
    first_id: Optional[str] = None
    last_id: Optional[str] = None
    object: str = "list"


@dataclass
class ChatCompletionDeleted(Model):
    """The answer to deleting a stored chat completion."""

    id: str
    deleted: bool
    object: str = "chat.completion.deleted"


def retrieve(
    session: requests.Session, completion_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[ChatCompletion]:
    """Retrieve a chat completion that was created with ``store=True``.

    https://platform.openai.com/docs/api-reference/chat/get
    """
    path = "/chat/completions/" + path_param(completion_id, "completion_id")
    return _request(session, "GET", path, into=ChatCompletion, **options)


def list(
    session: requests.Session,
    *,
    after: Optional[str] = None,
    limit: Optional[int] = None,
    metadata: Optional[Mapping[str, str]] = None,
    model: Optional[str] = None,
    order: Optional[Literal["asc", "desc"]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[ChatCompletionList]:
    """List the stored chat completions (oldest first unless ``order="desc"``).

    ``after`` is the ``last_id`` of the previous page. ``metadata`` keeps the completions
    whose metadata has all the given pairs; it is sent as ``metadata[key]=value``.

    https://platform.openai.com/docs/api-reference/chat/list
    """
    metadata = string_map(metadata, "metadata")
    params = {"after": after, "limit": limit, "metadata": metadata, "model": model, "order": order}
    return _request(session, "GET", "/chat/completions", params=params, into=ChatCompletionList, **options)


def update(
    session: requests.Session,
    completion_id: str,
    *,
    metadata: Optional[Mapping[str, str]],
    **options: Unpack[RequestOptions],
) -> ApiResponse[ChatCompletion]:
    """Replace the metadata of a stored chat completion; None clears it.

    https://platform.openai.com/docs/api-reference/chat/update
    """
    # metadata is required and may be null, so it is always sent.
    body = {"metadata": None if metadata is None else dict(metadata)}
    path = "/chat/completions/" + path_param(completion_id, "completion_id")
    return _request(session, "POST", path, json_body=body, into=ChatCompletion, **options)


def delete(
    session: requests.Session, completion_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[ChatCompletionDeleted]:
    """Delete a stored chat completion.

    https://platform.openai.com/docs/api-reference/chat/delete
    """
    path = "/chat/completions/" + path_param(completion_id, "completion_id")
    return _request(session, "DELETE", path, into=ChatCompletionDeleted, **options)


def list_messages(
    session: requests.Session,
    completion_id: str,
    *,
    after: Optional[str] = None,
    limit: Optional[int] = None,
    order: Optional[Literal["asc", "desc"]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[ChatCompletionMessageList]:
    """List the messages of the request that created a stored chat completion.

    https://platform.openai.com/docs/api-reference/chat/getMessages
    """
    path = "/chat/completions/" + path_param(completion_id, "completion_id") + "/messages"
    params = {"after": after, "limit": limit, "order": order}
    return _request(session, "GET", path, params=params, into=ChatCompletionMessageList, **options)
