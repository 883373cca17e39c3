"""The Conversations API: a stored, growing list of items that responses read and extend.

Pass a conversation's id as ``responses.create(conversation=...)``: the response's input and
output items are added to it.

https://platform.openai.com/docs/api-reference/conversations
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Mapping, Optional, Sequence

import requests

from ._errors import APIResponseValidationError
from ._model import DecodeError, Model, decoder_for
from ._request import _request, body_of, path_param, string_map, strings
from ._response import ApiResponse
from .response_items import ResponseItem

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._request import RequestOptions

__all__ = [
    "Conversation",
    "ConversationDeleted",
    "ConversationItem",
    "ConversationItemList",
    "create",
    "retrieve",
    "update",
    "delete",
    "create_items",
    "list_items",
    "retrieve_item",
    "delete_item",
]

#: An item of a conversation: the Responses item classes, told apart by ``type``; an item
#: of a type that this library does not model is a ``ResponseOtherItem``.
ConversationItem = ResponseItem


@dataclass
class Conversation(Model):
    """A conversation; ``created_at`` is a Unix time in seconds."""

    id: str
    object: str = "conversation"
    created_at: Optional[int] = None
    metadata: Optional[Dict[str, Any]] = None


@dataclass
class ConversationDeleted(Model):
    """The answer to :func:`delete`."""

    id: str
    object: str = "conversation.deleted"
    deleted: Optional[bool] = None


@dataclass
class ConversationItemList(Model):
    """A page of a conversation's items."""

    data: List[ConversationItem]
    has_more: Optional[bool] = None
    first_id: Optional[str] = None
    last_id: Optional[str] = None
    object: str = "list"


def create(
    session: requests.Session,
    *,
    items: Optional[Sequence[Mapping[str, Any]]] = None,
    metadata: Optional[Mapping[str, str]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[Conversation]:
    """Create a conversation, with up to 20 initial ``items`` (input items, as for a response).

    https://platform.openai.com/docs/api-reference/conversations/create
    """
    body = body_of(locals())
    _check_items(items, required=False)
    string_map(metadata, "metadata")
    return _request(session, "POST", "/conversations", json_body=body, into=Conversation, **options)


def retrieve(
    session: requests.Session, conversation_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[Conversation]:
    """Retrieve a conversation (its items come from :func:`list_items`).

    https://platform.openai.com/docs/api-reference/conversations/retrieve
    """
    path = "/conversations/" + path_param(conversation_id, "conversation_id")
    return _request(session, "GET", path, into=Conversation, **options)


def update(
    session: requests.Session,
    conversation_id: str,
    *,
    metadata: Mapping[str, str],
    **options: Unpack[RequestOptions],
) -> ApiResponse[Conversation]:
    """Replace a conversation's metadata.

    https://platform.openai.com/docs/api-reference/conversations/update
    """
    path = "/conversations/" + path_param(conversation_id, "conversation_id")
    if string_map(metadata, "metadata") is None:
        raise TypeError("metadata must be a mapping of strings to strings, not None")
    body = {"metadata": metadata}
    return _request(session, "POST", path, json_body=body, into=Conversation, **options)


def delete(
    session: requests.Session, conversation_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[ConversationDeleted]:
    """Delete a conversation; its items are not deleted.

    https://platform.openai.com/docs/api-reference/conversations/delete
    """
    path = "/conversations/" + path_param(conversation_id, "conversation_id")
    return _request(session, "DELETE", path, into=ConversationDeleted, **options)


def create_items(
    session: requests.Session,
    conversation_id: str,
    *,
    items: Sequence[Mapping[str, Any]],
    include: Optional[Sequence[str]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[ConversationItemList]:
    """Add up to 20 items to a conversation; the answer lists them as stored, with their ids.

    https://platform.openai.com/docs/api-reference/conversations/create-items
    """
    path = _items_path(conversation_id)
    _check_items(items, required=True)
    params = {"include[]": strings(include, "include")}
    body = {"items": list(items)}
    return _request(
        session, "POST", path, params=params, json_body=body, into=ConversationItemList, **options
    )


def list_items(
    session: requests.Session,
    conversation_id: str,
    *,
    after: Optional[str] = None,
    include: Optional[Sequence[str]] = None,
    limit: Optional[int] = None,
    order: Optional[Literal["asc", "desc"]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[ConversationItemList]:
    """List a conversation's items, newest first unless ``order="asc"``.

    ``after`` is the ``last_id`` of the previous page; :func:`openai_lite.paginate` walks
    every page.

    https://platform.openai.com/docs/api-reference/conversations/list-items
    """
    path = _items_path(conversation_id)
    params = {"after": after, "limit": limit, "order": order, "include[]": strings(include, "include")}
    return _request(session, "GET", path, params=params, into=ConversationItemList, **options)


def retrieve_item(
    session: requests.Session,
    conversation_id: str,
    item_id: str,
    *,
    include: Optional[Sequence[str]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[ConversationItem]:
    """Retrieve one item of a conversation.

    https://platform.openai.com/docs/api-reference/conversations/get-item
    """
    path = _items_path(conversation_id) + "/" + path_param(item_id, "item_id")
    params = {"include[]": strings(include, "include")}
    resp = _request(session, "GET", path, params=params, into=dict, **options)
    if not resp.ok:
        return resp
    try:
        item = _decode_item(resp.data)
    except DecodeError as exc:
        raise APIResponseValidationError(
            f"The response does not have the documented shape ({exc})",
            status_code=resp.status_code,
            body=resp.raw.content,
            request_id=resp.request_id,
        ) from None
    return dataclasses.replace(resp, _data=item)


def delete_item(
    session: requests.Session, conversation_id: str, item_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[Conversation]:
    """Delete one item of a conversation; the answer is the conversation.

    https://platform.openai.com/docs/api-reference/conversations/delete-item
    """
    path = _items_path(conversation_id) + "/" + path_param(item_id, "item_id")
    return _request(session, "DELETE", path, into=Conversation, **options)


# -- helpers ----------------------------------------------------------------------


def _items_path(conversation_id: str) -> str:
    return "/conversations/" + path_param(conversation_id, "conversation_id") + "/items"


def _check_items(items: Any, *, required: bool) -> None:
    if items is None and not required:
        return
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Sequence):
        raise TypeError(f"items must be a list of input items, not {type(items).__name__}")
    if not all(isinstance(item, Mapping) for item in items):
        raise TypeError("items must be a list of input items (mappings)")
    if len(items) > 20:
        raise ValueError(f"items: at most 20 items can be added at once, not {len(items)}")



@dataclass
class _ItemHolder(Model):
    """A field of the item union, so that one item is decoded as list items are."""

    item: ConversationItem


def _decode_item(value: Any) -> ConversationItem:
    if not isinstance(value, dict):
        raise DecodeError(f"ConversationItem: expected an object, got {type(value).__name__}")
    holder: _ItemHolder = decoder_for(_ItemHolder)({"item": value})
    return holder.item
