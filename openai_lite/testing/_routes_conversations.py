"""Conversation routes: create, retrieve, update, delete, and add, list, read and delete items.

A conversation's items are the ones added: at creation, through the items route, and by
``POST /responses`` with ``conversation`` set, which appends the response's input and output
items (see :func:`append_items`).
"""

from __future__ import annotations

import weakref
from typing import Any, Dict, List, Optional

from ._replies import metadata_param
from ._routes_chat_store import cursor_page
from ._routes_responses import _input_items
from ._server import (
    ApiError,
    FakeOpenAI,
    RecordedRequest,
    Reply,
    builtin_route,
    builtin_seed,
    invalid,
    json_body,
    json_reply,
    not_found,
)

_MAX_ITEMS = 20

_CONVERSATIONS: weakref.WeakKeyDictionary[FakeOpenAI, Dict[str, Dict[str, Any]]] = weakref.WeakKeyDictionary()


@builtin_seed
def _seed(fake: FakeOpenAI) -> None:
    _CONVERSATIONS[fake] = {}


def conversations_of(fake: FakeOpenAI) -> Dict[str, Dict[str, Any]]:
    """The conversations stored by *fake* by id, each ``{"conversation": ..., "items": [...]}``."""
    return _CONVERSATIONS.setdefault(fake, {})


def _get(fake: FakeOpenAI, conversation_id: str, param: str = "conversation_id") -> Dict[str, Any]:
    entry = conversations_of(fake).get(conversation_id)
    if entry is None:
        raise not_found("conversation", conversation_id, param)
    return entry


def conversation_id_of(value: Any) -> str:
    """The id in a ``conversation`` parameter: a string, or an object with an ``id``."""
    found = value.get("id") if isinstance(value, dict) else value
    if not isinstance(found, str) or not found:
        raise invalid("conversation", "expected a conversation id or an object with an id")
    return found


def check_conversation(fake: FakeOpenAI, value: Any) -> None:
    """Raise a 404 unless the ``conversation`` parameter names a stored conversation."""
    _get(fake, conversation_id_of(value), "conversation")


def append_items(fake: FakeOpenAI, value: Any, items: List[Dict[str, Any]]) -> None:
    """Append *items* (with ids already) to the conversation named by a ``conversation`` parameter."""
    _get(fake, conversation_id_of(value), "conversation")["items"].extend(dict(item) for item in items)


def _new_items(fake: FakeOpenAI, given: Any, required: bool) -> List[Dict[str, Any]]:
    if given is None and not required:
        return []
    if not isinstance(given, list) or (required and not given):
        raise invalid("items", "expected a non-empty array of input items")
    if len(given) > _MAX_ITEMS:
        raise invalid("items", f"at most {_MAX_ITEMS} items can be added at once")
    try:
        items = _input_items(fake, given)
    except ApiError:  # the error names "input"; here the parameter is "items"
        raise invalid("items", "expected an array of input items, each message with a role") from None
    for item in items:
        if item["type"] == "function_call":
            item.setdefault("status", "completed")
    return items


def _page_of(items: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {
        "object": "list",
        "data": items,
        "first_id": items[0]["id"] if items else "",
        "last_id": items[-1]["id"] if items else "",
        "has_more": False,
    }


@builtin_route("POST", "/conversations")
def create_conversation(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Create a conversation, with its initial items."""
    body = json_body(request)
    metadata = metadata_param(body.get("metadata"))
    items = _new_items(fake, body.get("items"), required=False)
    conversation: Dict[str, Any] = {
        "id": fake.new_id("conv_", 48),
        "object": "conversation",
        "created_at": fake.now(),
        "metadata": metadata,
    }
    conversations_of(fake)[conversation["id"]] = {"conversation": conversation, "items": items}
    return json_reply(conversation)


@builtin_route("GET", "/conversations/{conversation_id}")
def retrieve_conversation(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Return a conversation."""
    return json_reply(_get(fake, params["conversation_id"])["conversation"])


@builtin_route("POST", "/conversations/{conversation_id}")
def update_conversation(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Replace a conversation's metadata."""
    conversation = _get(fake, params["conversation_id"])["conversation"]
    body = json_body(request)
    if "metadata" not in body:
        raise invalid("metadata", "this parameter is required")
    conversation["metadata"] = metadata_param(body["metadata"])
    return json_reply(conversation)


@builtin_route("DELETE", "/conversations/{conversation_id}")
def delete_conversation(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Forget a conversation."""
    conversation_id = _get(fake, params["conversation_id"])["conversation"]["id"]
    del conversations_of(fake)[conversation_id]
    return json_reply({"id": conversation_id, "object": "conversation.deleted", "deleted": True})


@builtin_route("POST", "/conversations/{conversation_id}/items")
def create_items(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Append items to a conversation; answer with them as stored."""
    entry = _get(fake, params["conversation_id"])
    items = _new_items(fake, json_body(request).get("items"), required=True)
    entry["items"].extend(items)
    return json_reply(_page_of(items))


@builtin_route("GET", "/conversations/{conversation_id}/items")
def list_items(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """List a conversation's items, newest first unless ``order=asc``."""
    entry = _get(fake, params["conversation_id"])
    return json_reply(cursor_page(entry["items"], request, "desc"))


def _find_item(entry: Dict[str, Any], item_id: str) -> Dict[str, Any]:
    found: Optional[Dict[str, Any]] = next((item for item in entry["items"] if item["id"] == item_id), None)
    if found is None:
        raise not_found("item", item_id, "item_id")
    return found


@builtin_route("GET", "/conversations/{conversation_id}/items/{item_id}")
def retrieve_item(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Return one item of a conversation."""
    return json_reply(_find_item(_get(fake, params["conversation_id"]), params["item_id"]))


@builtin_route("DELETE", "/conversations/{conversation_id}/items/{item_id}")
def delete_item(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Remove one item of a conversation; answer with the conversation."""
    entry = _get(fake, params["conversation_id"])
    entry["items"].remove(_find_item(entry, params["item_id"]))
    return json_reply(entry["conversation"])
