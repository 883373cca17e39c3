"""The Chat Completions API.

https://platform.openai.com/docs/api-reference/chat
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Literal, Mapping, Optional, Sequence, Union

import requests

from ._errors import APIResponseValidationError
from ._model import DecodeError, Model
from ._request import _request, body_of, path_param, string_map
from ._response import ApiResponse
from ._schema import FunctionTool
from ._streaming import Stream, event_decoder, open_stream
from ._structured import chat_request
from .moderations import ModerationFailure, ModerationResults

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
    "ChatCompletionModeration",
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
        try:  # an unset slot: None, without a detour through the undeclared keys
            return object.__getattribute__(self, "_parsed_arguments")
        except AttributeError:
            return None


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
        try:  # an unset slot: None, without a detour through the undeclared keys
            return object.__getattribute__(self, "_parsed")
        except AttributeError:
            return None


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
class ChatCompletionModeration(Model):
    """The moderation of the conversation (``input``) and of the answer (``output``).

    Each side is a :class:`~openai_lite.moderations.ModerationResults`, or a
    :class:`~openai_lite.moderations.ModerationFailure` when it could not be moderated.
    """

    input: Union[ModerationResults, ModerationFailure, None] = None
    output: Union[ModerationResults, ModerationFailure, None] = None


@dataclass
class ChatCompletion(Model):
    """A chat completion; ``moderation`` is there when the request asked for it."""

    id: str
    choices: List[Choice]
    created: Optional[int] = None
    model: Optional[str] = None
    object: str = "chat.completion"
    usage: Optional[CompletionUsage] = None
    service_tier: Optional[str] = None
    system_fingerprint: Optional[str] = None
    metadata: Optional[Dict[str, str]] = None
    moderation: Optional[ChatCompletionModeration] = None


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
    moderation: Optional[Mapping[str, Any]] = None,
    n: Optional[int] = None,
    parallel_tool_calls: Optional[bool] = None,
    prediction: Optional[Mapping[str, Any]] = None,
    presence_penalty: Optional[float] = None,
    prompt_cache_key: Optional[str] = None,
    prompt_cache_options: Optional[Mapping[str, Any]] = None,
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
    ``messages`` as it is. ``moderation`` (``{"model": "omni-moderation-latest"}``) asks
    for the moderation of the conversation and the answer, returned in the completion's
    ``moderation``; ``prompt_cache_options`` (``{"mode": "explicit"}``) sets how the
    prompt is cached.

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
    moderation: Optional[ChatCompletionModeration] = None


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
    moderation: Optional[Mapping[str, Any]] = None,
    n: Optional[int] = None,
    parallel_tool_calls: Optional[bool] = None,
    prediction: Optional[Mapping[str, Any]] = None,
    presence_penalty: Optional[float] = None,
    prompt_cache_key: Optional[str] = None,
    prompt_cache_options: Optional[Mapping[str, Any]] = None,
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


_list = list  # the builtin, before this module's own list() is defined

# Keys of a delta that name or number a piece rather than add to it: the last one given wins.
_NOT_ADDED = frozenset({"index", "type", "id", "role", "name"})
# Keys whose text join() itself relies on: anything but text there is a bad reply.
_TEXT = frozenset({"content", "refusal", "arguments"})


def _bad_chunk(why: str) -> APIResponseValidationError:
    return APIResponseValidationError(f"A chat stream chunk cannot be joined: {why}", status_code=200)


def _add_delta(into: Dict[str, Any], delta: Mapping[str, Any], where: str) -> None:
    """Add one delta object to what the earlier ones built: text is appended, lists are
    extended (items with an ``index`` merged by it), objects merged, other values replaced."""
    for key, value in delta.items():
        old = into.get(key)
        if key in _TEXT and value is not None and not isinstance(value, str):
            raise _bad_chunk(f"{where}.{key} is {type(value).__name__}, not text")
        if value is None:
            into.setdefault(key, None)
        elif old is None or key in _NOT_ADDED:
            into[key] = _fresh(value, f"{where}.{key}")
        elif isinstance(old, str) and isinstance(value, str):
            into[key] = old + value
        elif isinstance(old, dict) and isinstance(value, dict):
            _add_delta(old, value, f"{where}.{key}")
        elif isinstance(old, _list) and isinstance(value, _list):
            _add_items(old, value, f"{where}.{key}")
        else:
            into[key] = _fresh(value, f"{where}.{key}")


def _fresh(value: Any, where: str) -> Any:
    """A copy of a first delta value that later deltas can add to without touching the chunk."""
    if isinstance(value, dict):
        fresh: Dict[str, Any] = {}
        _add_delta(fresh, value, where)
        return fresh
    if isinstance(value, _list):
        items: List[Any] = []
        _add_items(items, value, where)
        return items
    return value


def _add_items(into: List[Any], items: List[Any], where: str) -> None:
    for item in items:
        index = item.get("index") if isinstance(item, dict) else None
        if index is None:
            into.append(_fresh(item, where))
            continue
        if not isinstance(index, int) or isinstance(index, bool):
            raise _bad_chunk(f"{where}[].index is {index!r}, not a number")
        same = next((old for old in into if isinstance(old, dict) and old.get("index") == index), None)
        if same is None:
            into.append(_fresh(item, f"{where}[{index}]"))
        else:
            _add_delta(same, item, f"{where}[{index}]")


def join(chunks: Iterable[ChatCompletionChunk]) -> ChatCompletion:
    """Assemble the chunks of a chat stream into the :class:`ChatCompletion` they stand for.

    Per choice, the deltas are added up into the message: ``content``, ``refusal`` and
    tool-call ``arguments`` (and any other text) are concatenated, tool calls are merged by
    their ``index``, lists are extended, and the finish reason is the last one given. Keys
    this library does not model are kept the same way, at every level. ``usage`` comes from
    the last chunk of ``stream_options={"include_usage": True}`` (None without it). *chunks*
    may be a :class:`~openai_lite._streaming.Stream` or chunks kept while streaming them.

    :raises ValueError: when a list of chunks is empty.
    :raises APIResponseValidationError: when a stream had no chunk, or its deltas cannot
        be added up (text that is not text, an ``index`` that is not a number).
    :raises LengthFinishReasonError: (and the other errors of :func:`parse`) for a stream of
        :func:`stream` with a dataclass as ``response_format``, whose completion carries
        ``message.parsed``.
    """
    completion: Dict[str, Any] = {}
    choices: Dict[int, Dict[str, Any]] = {}
    for chunk in chunks:
        obj = chunk.to_dict()
        for key, value in obj.items():
            if key in ("choices", "object", "obfuscation"):
                continue
            if key not in completion or (value is not None and key not in ("id", "created", "model")):
                completion[key] = value
        for part in obj.get("choices") or ():
            index, delta = part.get("index"), part.get("delta")
            if not isinstance(index, int) or isinstance(index, bool) or not isinstance(delta, dict):
                raise _bad_chunk("a choice without a numeric index and a delta object")
            choice = choices.get(index)
            if choice is None:
                choice = choices[index] = {"index": index, "message": {}, "finish_reason": None}
            _add_delta(choice["message"], delta, f"choices[{index}].delta")
            for key, value in part.items():
                if key == "logprobs" and isinstance(value, dict):  # token lists: extended
                    old = choice.get("logprobs")
                    if isinstance(old, dict):
                        _add_delta(old, value, f"choices[{index}].logprobs")
                    else:
                        choice["logprobs"] = _fresh(value, f"choices[{index}].logprobs")
                elif key not in ("index", "delta") and (value is not None or key not in choice):
                    choice[key] = value
    if not completion:
        if isinstance(chunks, Stream):
            raise APIResponseValidationError("The chat stream ended without a chunk", status_code=200)
        raise ValueError("chunks is empty: there is nothing to join")
    for choice in choices.values():
        message = choice["message"]
        message["role"] = message.get("role") or "assistant"
        calls = message.get("tool_calls")
        if isinstance(calls, _list) and all(isinstance(call, dict) for call in calls):
            calls.sort(key=lambda call: call.get("index") or 0)
        for call in calls or ():
            if isinstance(call, dict):
                call.pop("index", None)
                call["type"] = call.get("type") or "function"
                function = call.get("function")
                if isinstance(function, dict):
                    function["arguments"] = function.get("arguments") or ""
    completion = {"object": "chat.completion", **completion}
    completion["choices"] = [choices[index] for index in sorted(choices)]
    try:
        joined = ChatCompletion.from_dict(completion)
    except (DecodeError, RecursionError) as exc:
        raise _bad_chunk(str(exc)) from None
    finish = getattr(chunks, "finish", None)
    return finish(joined) if finish is not None else joined


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
