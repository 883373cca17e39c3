"""Stored chat completion routes: list, retrieve, update, delete and list messages.

A chat completion is stored when it was created with ``store: true``: the chat route calls
:func:`remember` with the request body and the completion it answers.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, List, cast

from ._server import (
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


@builtin_seed
def _seed(fake: FakeOpenAI) -> None:
    setattr(fake, "stored_chat_completions", {})  # noqa: B010  (state added by this module)


def stored_chat_completions(fake: FakeOpenAI) -> Dict[str, Dict[str, Any]]:
    """The stored chat completions by id, each ``{"completion": ..., "messages": [...]}``."""
    return cast(Dict[str, Dict[str, Any]], getattr(fake, "stored_chat_completions"))  # noqa: B009


def remember(fake: FakeOpenAI, body: Dict[str, Any], completion: Dict[str, Any]) -> None:
    """Store *completion* and the request's messages if the request asked for ``store: true``."""
    if body.get("store") is not True:
        return
    stored = copy.deepcopy(completion)
    stored["metadata"] = dict(body.get("metadata") or {})
    messages = []
    for index, message in enumerate(body.get("messages") or []):
        content = message.get("content")
        item: Dict[str, Any] = {
            "id": f"{completion['id']}-{index}",
            "role": message.get("role"),
            "content": content if isinstance(content, str) or content is None else None,
            "refusal": None,
            "name": message.get("name"),
            "content_parts": content if isinstance(content, list) else None,
        }
        messages.append(item)
    stored_chat_completions(fake)[completion["id"]] = {"completion": stored, "messages": messages}


def _get(fake: FakeOpenAI, completion_id: str) -> Dict[str, Any]:
    entry = stored_chat_completions(fake).get(completion_id)
    if entry is None:
        raise not_found("chat completion", completion_id, "completion_id")
    return entry


def cursor_page(items: List[Dict[str, Any]], request: RecordedRequest, default_order: str) -> Dict[str, Any]:
    """A cursor page (``after``, ``before``, ``limit``, ``order``) with first_id, last_id and has_more."""
    order = request.query.get("order", [default_order])[-1]
    if order not in ("asc", "desc"):
        raise invalid("order", "expected 'asc' or 'desc'")
    if order == "desc":
        items = items[::-1]
    after = request.query.get("after", [""])[-1]
    if after:
        ids = [item["id"] for item in items]
        if after not in ids:
            raise invalid("after", f"no item with id {after}")
        items = items[ids.index(after) + 1 :]
    before = request.query.get("before", [""])[-1]
    if before:
        ids = [item["id"] for item in items]
        if before not in ids:
            raise invalid("before", f"no item with id {before}")
        items = items[: ids.index(before)]
    try:
        limit = int(request.query.get("limit", ["20"])[-1])
    except ValueError:
        raise invalid("limit", "expected an integer") from None
    if not 1 <= limit <= 100:
        raise invalid("limit", "must be between 1 and 100")
    data = items[:limit]
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else "",
        "last_id": data[-1]["id"] if data else "",
        "has_more": len(items) > limit,
    }


@builtin_route("GET", "/chat/completions")
def list_chat_completions(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """List stored chat completions, oldest first unless ``order=desc``."""
    items: List[Dict[str, Any]] = [e["completion"] for e in stored_chat_completions(fake).values()]
    model = request.query.get("model", [""])[-1]
    if model:
        items = [c for c in items if c["model"] == model]
    for key, values in request.query.items():
        if key.startswith("metadata[") and key.endswith("]"):
            name = key[len("metadata[") : -1]
            items = [c for c in items if c["metadata"].get(name) == values[-1]]
    return json_reply(cursor_page(items, request, "asc"))


@builtin_route("GET", "/chat/completions/{completion_id}")
def retrieve_chat_completion(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Return a stored chat completion."""
    return json_reply(_get(fake, params["completion_id"])["completion"])


@builtin_route("POST", "/chat/completions/{completion_id}")
def update_chat_completion(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Replace the metadata of a stored chat completion."""
    completion = _get(fake, params["completion_id"])["completion"]
    body = json_body(request)
    if "metadata" not in body:
        raise invalid("metadata", "this parameter is required")
    metadata = body["metadata"]
    if metadata is not None and (
        not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values())
    ):
        raise invalid("metadata", "expected an object of strings")
    completion["metadata"] = dict(metadata or {})
    return json_reply(completion)


@builtin_route("DELETE", "/chat/completions/{completion_id}")
def delete_chat_completion(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Forget a stored chat completion."""
    completion_id = _get(fake, params["completion_id"])["completion"]["id"]
    del stored_chat_completions(fake)[completion_id]
    return json_reply({"object": "chat.completion.deleted", "id": completion_id, "deleted": True})


@builtin_route("GET", "/chat/completions/{completion_id}/messages")
def list_chat_completion_messages(
    fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]
) -> Reply:
    """List the messages of the request that created a stored chat completion."""
    entry = _get(fake, params["completion_id"])
    return json_reply(cursor_page(entry["messages"], request, "asc"))
