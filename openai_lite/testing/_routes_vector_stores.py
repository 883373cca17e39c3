"""Vector store routes: stores, their files, file batches, parsed content and search.

A file attached to a store is ``in_progress`` for :attr:`VectorStoreSettings.processing_polls`
looks (a retrieval of the file, of a batch holding it, or of its store), then ``completed``;
an empty file ``failed``. :func:`finish_vector_store_files` completes them at once. Polled
objects are answered with the ``openai-poll-after-ms`` header. The text of a file is split
into chunks at blank lines; search scores a chunk by the share of the query's words it holds.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from ._routes_chat_store import cursor_page
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
    require,
)

_DEFAULT_CHUNKING = {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}}
_STATUSES = ("in_progress", "completed", "failed", "cancelled")
_WORD = re.compile(r"\w+")


@dataclass
class VectorStoreSettings:
    """How a :class:`FakeOpenAI` processes vector store files; change it in a test."""

    #: How many looks a file stays ``in_progress`` (0: completed when attached).
    processing_polls: int = 1
    #: The ``openai-poll-after-ms`` header sent with vector stores, their files and batches.
    poll_after_ms: int = 5


@dataclass
class _Processing:
    """What the fake keeps of a file attached to a store."""

    looks: int
    chunks: List[str]
    filename: str
    size: int


@dataclass
class _State:
    settings: VectorStoreSettings = field(default_factory=VectorStoreSettings)
    stores: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    #: store id -> file id -> the vector store file object
    files: Dict[str, Dict[str, Dict[str, Any]]] = field(default_factory=dict)
    #: (store id, file id) -> its processing
    processing: Dict[Tuple[str, str], _Processing] = field(default_factory=dict)
    #: batch id -> (batch object, file ids)
    batches: Dict[str, Tuple[Dict[str, Any], List[str]]] = field(default_factory=dict)


_STATES: weakref.WeakKeyDictionary[FakeOpenAI, _State] = weakref.WeakKeyDictionary()


@builtin_seed
def _seed(fake: FakeOpenAI) -> None:
    _STATES[fake] = _State()


def _state(fake: FakeOpenAI) -> _State:
    return _STATES.setdefault(fake, _State())


def vector_store_settings(fake: FakeOpenAI) -> VectorStoreSettings:
    """The processing settings of *fake*'s vector stores (reset by :meth:`FakeOpenAI.reset`)."""
    return _state(fake).settings


def finish_vector_store_files(fake: FakeOpenAI, vector_store_id: Optional[str] = None) -> int:
    """Complete at once the files in progress (of one store, or of all); return how many."""
    with fake.lock:
        state = _state(fake)
        count = 0
        for store_id, files in state.files.items():
            if vector_store_id is None or store_id == vector_store_id:
                for file in files.values():
                    if file["status"] == "in_progress":
                        state.processing[(store_id, file["id"])].looks = 0
                        _advance(fake, store_id, file)
                        count += 1
        return count


def _advance(fake: FakeOpenAI, store_id: str, file: Dict[str, Any]) -> None:
    """Count one look at an in-progress file; complete it when no look is left."""
    if file["status"] != "in_progress":
        return
    processing = _state(fake).processing[(store_id, file["id"])]
    processing.looks -= 1
    if processing.looks <= 0:
        if not processing.chunks:
            file["status"] = "failed"
            file["last_error"] = {"code": "invalid_file", "message": "The file has no text to index."}
        else:
            file["status"] = "completed"
            file["usage_bytes"] = processing.size


def _polled(obj: Dict[str, Any], fake: FakeOpenAI) -> Reply:
    headers = {"openai-poll-after-ms": str(_state(fake).settings.poll_after_ms)}
    return json_reply(obj, headers=headers)


def _counts(files: List[Dict[str, Any]]) -> Dict[str, int]:
    counts = {status: 0 for status in _STATUSES}
    for file in files:
        counts[file["status"]] += 1
    counts["total"] = len(files)
    return counts


def _get_store(fake: FakeOpenAI, store_id: str) -> Dict[str, Any]:
    store = _state(fake).stores.get(store_id)
    if store is None:
        raise not_found("vector store", store_id, "vector_store_id")
    files = list(_state(fake).files[store_id].values())
    store["file_counts"] = _counts(files)
    store["status"] = "in_progress" if store["file_counts"]["in_progress"] else "completed"
    store["usage_bytes"] = sum(f["usage_bytes"] for f in files)
    return store


def _get_file(fake: FakeOpenAI, store_id: str, file_id: str) -> Dict[str, Any]:
    _get_store(fake, store_id)
    file = _state(fake).files[store_id].get(file_id)
    if file is None:
        raise not_found("vector store file", file_id, "file_id")
    return file


def _get_batch(fake: FakeOpenAI, store_id: str, batch_id: str) -> Dict[str, Any]:
    _get_store(fake, store_id)
    found = _state(fake).batches.get(batch_id)
    if found is None or found[0]["vector_store_id"] != store_id:
        raise not_found("file batch", batch_id, "batch_id")
    batch, file_ids = found
    files = _state(fake).files[store_id]
    batch["file_counts"] = _counts([files[i] for i in file_ids if i in files])
    if batch["status"] == "in_progress" and not batch["file_counts"]["in_progress"]:
        batch["status"] = "completed"
    return batch


def _batch_files(fake: FakeOpenAI, batch: Dict[str, Any]) -> List[Dict[str, Any]]:
    files = _state(fake).files[batch["vector_store_id"]]
    return [files[i] for i in _state(fake).batches[batch["id"]][1] if i in files]


def _attributes(value: Any) -> Dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > 16:
        raise invalid("attributes", "expected an object of at most 16 pairs")
    for key, item in value.items():
        if len(key) > 64 or not isinstance(item, (str, int, float, bool)):
            raise invalid("attributes", "expected keys of up to 64 characters; strings, numbers or booleans")
    return dict(value)


def _chunks(text: str) -> List[str]:
    return [piece.strip() for piece in re.split(r"\n\s*\n", text) if piece.strip()]


def _chunking(value: Any) -> Dict[str, Any]:
    if value is None or value == {"type": "auto"}:
        return _DEFAULT_CHUNKING
    static = value.get("static") if isinstance(value, dict) and value.get("type") == "static" else None
    size = static.get("max_chunk_size_tokens") if isinstance(static, dict) else None
    overlap = static.get("chunk_overlap_tokens") if isinstance(static, dict) else None
    if not isinstance(size, int) or not isinstance(overlap, int) or not 100 <= size <= 4096:
        raise invalid(
            "chunking_strategy", "expected type 'auto', or 'static' with 100 to 4096 tokens a chunk"
        )
    if not 0 <= overlap <= size // 2:
        raise invalid("chunking_strategy", "the overlap must not exceed half the chunk size")
    return {"type": "static", "static": {"max_chunk_size_tokens": size, "chunk_overlap_tokens": overlap}}


_Entry = Tuple[str, Dict[str, Any], Dict[str, Any]]


def _entries(fake: FakeOpenAI, entries: List[Any], param: str) -> List[_Entry]:
    """Check files to attach, given as objects with ``file_id``, ``attributes`` and ``chunking_strategy``."""
    checked = []
    for entry in entries:
        file_id = entry.get("file_id") if isinstance(entry, dict) else None
        if not isinstance(file_id, str) or file_id not in fake.files:
            raise ApiError(400, f"Invalid '{param}': no file with id {file_id!r}.", param=param)
        checked.append(
            (file_id, _attributes(entry.get("attributes")), _chunking(entry.get("chunking_strategy")))
        )
    return checked


def _attach(fake: FakeOpenAI, store_id: str, entries: List[_Entry]) -> List[Dict[str, Any]]:
    """Attach checked files to a store, in progress for the looks the settings ask for."""
    state = _state(fake)
    attached = []
    for file_id, attributes, chunking in entries:
        content = fake.file_contents.get(file_id, b"")
        file: Dict[str, Any] = {
            "id": file_id,
            "object": "vector_store.file",
            "usage_bytes": 0,
            "created_at": fake.now(),
            "vector_store_id": store_id,
            "status": "in_progress",
            "last_error": None,
            "chunking_strategy": chunking,
            "attributes": attributes,
        }
        state.files[store_id][file_id] = file
        state.processing[(store_id, file_id)] = _Processing(
            state.settings.processing_polls + 1,
            _chunks(content.decode("utf-8", "replace")),
            fake.files[file_id].get("filename", ""),
            len(content),
        )
        _advance(fake, store_id, file)  # completes it at once when no look is asked for
        attached.append(file)
    return attached


def _filtered(files: List[Dict[str, Any]], request: RecordedRequest) -> List[Dict[str, Any]]:
    wanted = request.query.get("filter", [""])[-1]
    if wanted and wanted not in _STATUSES:
        raise invalid("filter", "expected one of " + ", ".join(_STATUSES))
    return [f for f in files if f["status"] == wanted] if wanted else files


@builtin_route("POST", "/vector_stores")
def create_store(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Create a vector store, attaching ``file_ids``."""
    body = json_body(request)
    file_ids = body.get("file_ids") or []
    if not isinstance(file_ids, list):
        raise invalid("file_ids", "expected an array of file ids")
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise invalid("metadata", "expected an object")
    chunking = body.get("chunking_strategy")
    entries = _entries(fake, [{"file_id": f, "chunking_strategy": chunking} for f in file_ids], "file_ids")
    now = fake.now()
    store: Dict[str, Any] = {
        "id": fake.new_id("vs_"),
        "object": "vector_store",
        "created_at": now,
        "name": body.get("name") or "",
        "usage_bytes": 0,
        "status": "completed",
        "last_active_at": now,
        "metadata": metadata or {},
    }
    expires_after = body.get("expires_after")
    if expires_after is not None:
        store["expires_after"] = _expiry(expires_after)
        store["expires_at"] = now + 86400 * expires_after["days"]
    _state(fake).stores[store["id"]] = store
    _state(fake).files[store["id"]] = {}
    _attach(fake, store["id"], entries)
    return _polled(_get_store(fake, store["id"]), fake)


def _expiry(value: Any) -> Dict[str, Any]:
    if (
        not isinstance(value, dict)
        or value.get("anchor") != "last_active_at"
        or not isinstance(value.get("days"), int)
        or not 1 <= value["days"] <= 365
    ):
        raise invalid("expires_after", "expected anchor 'last_active_at' and 1 to 365 days")
    return {"anchor": "last_active_at", "days": value["days"]}


@builtin_route("GET", "/vector_stores")
def list_stores(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """List vector stores."""
    stores = [_get_store(fake, store_id) for store_id in _state(fake).stores]
    return json_reply(cursor_page(stores, request, "desc"))


@builtin_route("GET", "/vector_stores/{vector_store_id}")
def retrieve_store(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Retrieve a vector store: a look at each of its files in progress."""
    store_id = _get_store(fake, params["vector_store_id"])["id"]
    for file in list(_state(fake).files[store_id].values()):
        _advance(fake, store_id, file)
    return _polled(_get_store(fake, store_id), fake)


@builtin_route("POST", "/vector_stores/{vector_store_id}")
def update_store(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Change a vector store's name, expiry or metadata."""
    store = _get_store(fake, params["vector_store_id"])
    body = json_body(request)
    if "name" in body:
        store["name"] = body["name"] or ""
    if "metadata" in body:
        if body["metadata"] is not None and not isinstance(body["metadata"], dict):
            raise invalid("metadata", "expected an object")
        store["metadata"] = body["metadata"] or {}
    if "expires_after" in body:
        if body["expires_after"] is None:
            store.pop("expires_after", None)
            store.pop("expires_at", None)
        else:
            store["expires_after"] = _expiry(body["expires_after"])
            store["expires_at"] = store["last_active_at"] + 86400 * store["expires_after"]["days"]
    return _polled(store, fake)


@builtin_route("DELETE", "/vector_stores/{vector_store_id}")
def delete_store(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Delete a vector store; the Files stay."""
    store_id = _get_store(fake, params["vector_store_id"])["id"]
    state = _state(fake)
    del state.stores[store_id]
    for file_id in state.files.pop(store_id):
        state.processing.pop((store_id, file_id), None)
    for batch_id in [b for b, (batch, _) in state.batches.items() if batch["vector_store_id"] == store_id]:
        del state.batches[batch_id]
    return json_reply({"id": store_id, "object": "vector_store.deleted", "deleted": True})


@builtin_route("POST", "/vector_stores/{vector_store_id}/search")
def search_store(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Score the chunks of the completed files by the share of the query's words they hold."""
    store_id = _get_store(fake, params["vector_store_id"])["id"]
    body = json_body(request)
    query = body.get("query")
    if query is None:
        require(body, "query")
    queries = [query] if isinstance(query, str) else query
    if not isinstance(queries, list) or not queries or not all(isinstance(q, str) and q for q in queries):
        raise invalid("query", "expected a string or a non-empty array of strings")
    limit = body.get("max_num_results", 10)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 50:
        raise invalid("max_num_results", "expected an integer from 1 to 50")
    ranking = body.get("ranking_options") or {}
    threshold = ranking.get("score_threshold", 0) if isinstance(ranking, dict) else 0
    words = {w.lower() for q in queries for w in _WORD.findall(q)}
    results = []
    for file in _state(fake).files[store_id].values():
        if file["status"] != "completed" or not _matches(body.get("filters"), file["attributes"]):
            continue
        processing = _state(fake).processing[(store_id, file["id"])]
        scored = []
        for chunk in processing.chunks:
            found = {w.lower() for w in _WORD.findall(chunk)}
            score = len(words & found) / len(words) if words else 0.0
            if score > 0 and score >= threshold:
                scored.append((score, chunk))
        if scored:
            scored.sort(key=lambda pair: -pair[0])
            results.append(
                {
                    "file_id": file["id"],
                    "filename": processing.filename,
                    "score": round(scored[0][0], 4),
                    "attributes": file["attributes"],
                    "content": [{"type": "text", "text": chunk} for _, chunk in scored],
                }
            )
    results.sort(key=lambda r: -r["score"])
    return json_reply(
        {
            "object": "vector_store.search_results.page",
            "search_query": queries,
            "data": results[:limit],
            "has_more": False,
            "next_page": None,
        }
    )


def _matches(filters: Any, attributes: Dict[str, Any]) -> bool:
    """Apply a comparison or compound filter to a file's attributes."""
    if filters is None:
        return True
    if not isinstance(filters, dict):
        raise invalid("filters", "expected an object")
    kind = filters.get("type")
    if kind in ("and", "or"):
        parts = [_matches(f, attributes) for f in filters.get("filters") or []]
        return all(parts) if kind == "and" else any(parts)
    key, value = filters.get("key"), filters.get("value")
    if key not in attributes:
        return kind in ("ne", "nin")
    have = attributes[key]
    try:
        if kind == "eq":
            return bool(have == value)
        if kind == "ne":
            return bool(have != value)
        if kind in ("in", "nin"):
            if not isinstance(value, list):
                raise invalid("filters", f"'{kind}' needs an array value")
            inside = have in value
            return inside if kind == "in" else not inside
        if kind == "gt":
            return bool(have > value)
        if kind == "gte":
            return bool(have >= value)
        if kind == "lt":
            return bool(have < value)
        if kind == "lte":
            return bool(have <= value)
    except TypeError:
        return False
    raise invalid("filters", f"unknown filter type {kind!r}")


@builtin_route("POST", "/vector_stores/{vector_store_id}/files")
def create_store_file(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Attach a File to a vector store."""
    store_id = _get_store(fake, params["vector_store_id"])["id"]
    body = json_body(request)
    require(body, "file_id")
    return _polled(_attach(fake, store_id, _entries(fake, [body], "file_id"))[0], fake)


@builtin_route("GET", "/vector_stores/{vector_store_id}/files")
def list_store_files(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """List a vector store's files."""
    store_id = _get_store(fake, params["vector_store_id"])["id"]
    files = _filtered(list(_state(fake).files[store_id].values()), request)
    return json_reply(cursor_page(files, request, "desc"))


@builtin_route("GET", "/vector_stores/{vector_store_id}/files/{file_id}")
def retrieve_store_file(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Retrieve a vector store's file: a look at it."""
    file = _get_file(fake, params["vector_store_id"], params["file_id"])
    _advance(fake, params["vector_store_id"], file)
    return _polled(file, fake)


@builtin_route("POST", "/vector_stores/{vector_store_id}/files/{file_id}")
def update_store_file(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Replace a file's attributes."""
    file = _get_file(fake, params["vector_store_id"], params["file_id"])
    body = json_body(request)
    if "attributes" not in body:
        require(body, "attributes", dict)
    file["attributes"] = _attributes(body["attributes"])
    return _polled(file, fake)


@builtin_route("DELETE", "/vector_stores/{vector_store_id}/files/{file_id}")
def delete_store_file(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Remove a file from a vector store."""
    store_id = params["vector_store_id"]
    file_id = _get_file(fake, store_id, params["file_id"])["id"]
    del _state(fake).files[store_id][file_id]
    del _state(fake).processing[(store_id, file_id)]
    return json_reply({"id": file_id, "object": "vector_store.file.deleted", "deleted": True})


@builtin_route("GET", "/vector_stores/{vector_store_id}/files/{file_id}/content")
def store_file_content(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """The chunks of text of a processed file."""
    store_id = params["vector_store_id"]
    file = _get_file(fake, store_id, params["file_id"])
    processing = _state(fake).processing[(store_id, file["id"])]
    chunks = processing.chunks if file["status"] == "completed" else []
    return json_reply(
        {
            "object": "vector_store.file_content.page",
            "data": [{"type": "text", "text": chunk} for chunk in chunks],
            "has_more": False,
            "next_page": None,
        }
    )


@builtin_route("POST", "/vector_stores/{vector_store_id}/file_batches")
def create_file_batch(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Attach several Files at once, from ``file_ids`` or ``files``."""
    store_id = _get_store(fake, params["vector_store_id"])["id"]
    body = json_body(request)
    if ("file_ids" in body) == ("files" in body):
        raise ApiError(400, "Provide exactly one of 'file_ids' and 'files'.", param="file_ids")
    if "file_ids" in body:
        given = require(body, "file_ids", list)
        shared = {"attributes": body.get("attributes"), "chunking_strategy": body.get("chunking_strategy")}
        entries = [{"file_id": file_id, **shared} for file_id in given]
        param = "file_ids"
    else:
        entries = require(body, "files", list)
        param = "files"
    if not 1 <= len(entries) <= 2000:
        raise invalid(param, "expected 1 to 2000 items")
    file_ids = [file["id"] for file in _attach(fake, store_id, _entries(fake, entries, param))]
    batch: Dict[str, Any] = {
        "id": fake.new_id("vsfb_"),
        "object": "vector_store.files_batch",
        "created_at": fake.now(),
        "vector_store_id": store_id,
        "status": "in_progress",
    }
    _state(fake).batches[batch["id"]] = (batch, file_ids)
    return _polled(_get_batch(fake, store_id, batch["id"]), fake)


@builtin_route("GET", "/vector_stores/{vector_store_id}/file_batches/{batch_id}")
def retrieve_file_batch(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Retrieve a file batch: a look at each of its files in progress."""
    batch = _get_batch(fake, params["vector_store_id"], params["batch_id"])
    for file in _batch_files(fake, batch):
        _advance(fake, batch["vector_store_id"], file)
    return _polled(_get_batch(fake, params["vector_store_id"], params["batch_id"]), fake)


@builtin_route("POST", "/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel")
def cancel_file_batch(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Cancel the files of a batch still in progress."""
    batch = _get_batch(fake, params["vector_store_id"], params["batch_id"])
    if batch["status"] != "in_progress":
        raise ApiError(400, f"Cannot cancel a batch with status '{batch['status']}'.", param="batch_id")
    for file in _batch_files(fake, batch):
        if file["status"] == "in_progress":
            file["status"] = "cancelled"
    batch["status"] = "cancelled"
    return _polled(_get_batch(fake, params["vector_store_id"], params["batch_id"]), fake)


@builtin_route("GET", "/vector_stores/{vector_store_id}/file_batches/{batch_id}/files")
def list_file_batch_files(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """List the files of a batch."""
    batch = _get_batch(fake, params["vector_store_id"], params["batch_id"])
    return json_reply(cursor_page(_filtered(_batch_files(fake, batch), request), request, "desc"))
