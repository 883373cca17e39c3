"""The Vector Stores API: the searchable collections of files behind the ``file_search`` tool.

A file attached to a vector store is processed (split into chunks and embedded) in the
background; :func:`upload_and_poll` and :func:`create_file_and_poll` wait for that.

https://platform.openai.com/docs/api-reference/vector-stores
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Mapping, Optional, Sequence, Union, cast

import requests

from . import files as _files
from ._model import Model
from ._multipart import FileInput, OffsetProgress, Progress, check_progress, file_part
from ._polling import check_poll_settings, poll
from ._request import _request, body_of, path_param, reply_id, string_map
from ._response import ApiResponse

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._request import RequestOptions

__all__ = [
    "VectorStore",
    "VectorStoreList",
    "VectorStoreDeleted",
    "VectorStoreExpiresAfter",
    "FileCounts",
    "VectorStoreFile",
    "VectorStoreFileList",
    "VectorStoreFileDeleted",
    "VectorStoreFileError",
    "VectorStoreFileContent",
    "ContentPart",
    "ChunkingStrategy",
    "StaticChunking",
    "VectorStoreFileBatch",
    "SearchResult",
    "SearchResultsPage",
    "create",
    "retrieve",
    "update",
    "delete",
    "list",
    "search",
    "create_file",
    "retrieve_file",
    "update_file",
    "delete_file",
    "list_files",
    "file_content",
    "create_file_batch",
    "retrieve_file_batch",
    "cancel_file_batch",
    "list_file_batch_files",
    "create_file_and_poll",
    "upload_and_poll",
]

#: A file attribute value: what ``filters`` compare.
AttributeValue = Union[str, float, bool]
FileStatus = Literal["in_progress", "completed", "failed", "cancelled"]

#: The default of ``poll_interval``: seconds between looks when the server does not say.
POLL_INTERVAL = 1.0
#: The default of ``poll_timeout``: seconds to wait for processing.
POLL_TIMEOUT = 1800.0


@dataclass
class FileCounts(Model):
    """How many files of a vector store or batch are in each state."""

    in_progress: Optional[int] = None
    completed: Optional[int] = None
    failed: Optional[int] = None
    cancelled: Optional[int] = None
    total: Optional[int] = None


@dataclass
class VectorStoreExpiresAfter(Model):
    """When a vector store expires: ``days`` after it was last active."""

    anchor: Optional[str] = None
    days: Optional[int] = None


@dataclass
class VectorStore(Model):
    """A vector store; the ``*_at`` fields are Unix times in seconds."""

    id: str
    object: str = "vector_store"
    created_at: Optional[int] = None
    name: Optional[str] = None
    usage_bytes: Optional[int] = None
    file_counts: Optional[FileCounts] = None
    status: Optional[str] = None
    expires_after: Optional[VectorStoreExpiresAfter] = None
    expires_at: Optional[int] = None
    last_active_at: Optional[int] = None
    metadata: Optional[Dict[str, Any]] = None


@dataclass
class VectorStoreList(Model):
    """A page of vector stores."""

    data: List[VectorStore]
    object: str = "list"
    first_id: Optional[str] = None
    last_id: Optional[str] = None
    has_more: Optional[bool] = None


@dataclass
class VectorStoreDeleted(Model):
    """The answer to deleting a vector store."""

    id: str
    deleted: Optional[bool] = None
    object: str = "vector_store.deleted"


@dataclass
class StaticChunking(Model):
    """The sizes of a static chunking strategy, in tokens."""

    max_chunk_size_tokens: Optional[int] = None
    chunk_overlap_tokens: Optional[int] = None


@dataclass
class ChunkingStrategy(Model):
    """How a file was split: ``static`` (with its sizes), or ``other`` for older files."""

    type: Optional[str] = None
    static: Optional[StaticChunking] = None


@dataclass
class VectorStoreFileError(Model):
    """Why a file could not be processed."""

    code: Optional[str] = None
    message: Optional[str] = None


@dataclass
class VectorStoreFile(Model):
    """A file attached to a vector store; its ``id`` is the File's id."""

    id: str
    object: str = "vector_store.file"
    usage_bytes: Optional[int] = None
    created_at: Optional[int] = None
    vector_store_id: Optional[str] = None
    status: Optional[str] = None
    last_error: Optional[VectorStoreFileError] = None
    chunking_strategy: Optional[ChunkingStrategy] = None
    attributes: Optional[Dict[str, Any]] = None


@dataclass
class VectorStoreFileList(Model):
    """A page of a vector store's (or a file batch's) files."""

    data: List[VectorStoreFile]
    object: str = "list"
    first_id: Optional[str] = None
    last_id: Optional[str] = None
    has_more: Optional[bool] = None


@dataclass
class VectorStoreFileDeleted(Model):
    """The answer to removing a file from a vector store (the File itself stays)."""

    id: str
    deleted: Optional[bool] = None
    object: str = "vector_store.file.deleted"


@dataclass
class ContentPart(Model):
    """A piece of text: of a parsed file, or of a search result."""

    type: Optional[str] = None
    text: Optional[str] = None


@dataclass
class VectorStoreFileContent(Model):
    """The text the vector store parsed out of a file."""

    data: List[ContentPart]
    object: str = "vector_store.file_content.page"
    has_more: Optional[bool] = None
    next_page: Optional[str] = None


@dataclass
class VectorStoreFileBatch(Model):
    """A batch of files attached to a vector store together."""

    id: str
    object: str = "vector_store.files_batch"
    created_at: Optional[int] = None
    vector_store_id: Optional[str] = None
    status: Optional[str] = None
    file_counts: Optional[FileCounts] = None


@dataclass
class SearchResult(Model):
    """A file that matched a search, with its matching chunks; ``score`` is 0 to 1."""

    file_id: str
    filename: Optional[str] = None
    score: Optional[float] = None
    attributes: Optional[Dict[str, Any]] = None
    content: Optional[List[ContentPart]] = None


@dataclass
class SearchResultsPage(Model):
    """The results of a search, best first; ``search_query`` is the query as run."""

    data: List[SearchResult]
    object: str = "vector_store.search_results.page"
    search_query: Optional[List[str]] = None
    has_more: Optional[bool] = None
    next_page: Optional[str] = None


def _store_path(vector_store_id: str) -> str:
    return "/vector_stores/" + path_param(vector_store_id, "vector_store_id")


def _file_path(vector_store_id: str, file_id: str) -> str:
    return _store_path(vector_store_id) + "/files/" + path_param(file_id, "file_id")


def _batch_path(vector_store_id: str, batch_id: str) -> str:
    return _store_path(vector_store_id) + "/file_batches/" + path_param(batch_id, "batch_id")


def _strings(value: Any, name: str) -> List[str]:
    if (
        isinstance(value, (str, bytes))
        or not isinstance(value, Sequence)
        or not all(isinstance(v, str) for v in value)
    ):
        raise TypeError(f"{name} must be a list of strings, not {value!r}")
    return [*value]


def create(
    session: requests.Session,
    *,
    name: Optional[str] = None,
    file_ids: Optional[Sequence[str]] = None,
    description: Optional[str] = None,
    expires_after: Optional[Mapping[str, Union[str, int]]] = None,
    chunking_strategy: Optional[Mapping[str, Any]] = None,
    metadata: Optional[Mapping[str, str]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[VectorStore]:
    """Create a vector store, with the files ``file_ids`` attached (processed in the background).

    ``expires_after`` is ``{"anchor": "last_active_at", "days": n}``. ``chunking_strategy``
    is ``{"type": "auto"}`` or ``{"type": "static", "static": {"max_chunk_size_tokens": n,
    "chunk_overlap_tokens": m}}`` and applies to ``file_ids``.

    https://platform.openai.com/docs/api-reference/vector-stores/create
    """
    if file_ids is not None:
        file_ids = _strings(file_ids, "file_ids")
    string_map(metadata, "metadata")
    body = body_of(locals())
    return _request(session, "POST", "/vector_stores", json_body=body, into=VectorStore, **options)


def retrieve(
    session: requests.Session, vector_store_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[VectorStore]:
    """Retrieve a vector store.

    https://platform.openai.com/docs/api-reference/vector-stores/retrieve
    """
    return _request(session, "GET", _store_path(vector_store_id), into=VectorStore, **options)


def update(
    session: requests.Session,
    vector_store_id: str,
    *,
    name: Optional[str] = None,
    expires_after: Optional[Mapping[str, Union[str, int]]] = None,
    metadata: Optional[Mapping[str, str]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[VectorStore]:
    """Change a vector store's name, expiry or metadata; what is left None is kept.

    https://platform.openai.com/docs/api-reference/vector-stores/modify
    """
    path = _store_path(vector_store_id)
    string_map(metadata, "metadata")
    body = body_of({"name": name, "expires_after": expires_after, "metadata": metadata})
    return _request(session, "POST", path, json_body=body, into=VectorStore, **options)


def delete(
    session: requests.Session, vector_store_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[VectorStoreDeleted]:
    """Delete a vector store; its Files are kept.

    https://platform.openai.com/docs/api-reference/vector-stores/delete
    """
    return _request(session, "DELETE", _store_path(vector_store_id), into=VectorStoreDeleted, **options)


def list(
    session: requests.Session,
    *,
    after: Optional[str] = None,
    before: Optional[str] = None,
    limit: Optional[int] = None,
    order: Optional[Literal["asc", "desc"]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[VectorStoreList]:
    """List the vector stores, newest first unless ``order="asc"``.

    ``after`` (``before``) is the id of the last (first) store of the previous (next) page;
    ``limit`` is 1 to 100. :func:`openai_lite.paginate` walks every page.

    https://platform.openai.com/docs/api-reference/vector-stores/list
    """
    params = {"after": after, "before": before, "limit": limit, "order": order}
    return _request(session, "GET", "/vector_stores", params=params, into=VectorStoreList, **options)


def search(
    session: requests.Session,
    vector_store_id: str,
    *,
    query: Union[str, Sequence[str]],
    filters: Optional[Mapping[str, Any]] = None,
    max_num_results: Optional[int] = None,
    ranking_options: Optional[Mapping[str, Any]] = None,
    rewrite_query: Optional[bool] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[SearchResultsPage]:
    """Search the chunks of a vector store's files for the ones closest to ``query``.

    ``filters`` compares file attributes: ``{"type": "eq", "key": "author", "value":
    "Ann"}`` (``eq``, ``ne``, ``gt``, ``gte``, ``lt``, ``lte``, ``in``, ``nin``), or ``{"type":
    "and", "filters": [...]}`` (``and``, ``or``). ``max_num_results`` is 1 to 50;
    ``ranking_options`` is ``{"ranker": "auto", "score_threshold": 0.5}``.

    https://platform.openai.com/docs/api-reference/vector-stores/search
    """
    path = _store_path(vector_store_id) + "/search"
    if not isinstance(query, str):
        query = _strings(query, "query")
    body = body_of(
        {
            "query": query,
            "filters": filters,
            "max_num_results": max_num_results,
            "ranking_options": ranking_options,
            "rewrite_query": rewrite_query,
        }
    )
    return _request(session, "POST", path, json_body=body, into=SearchResultsPage, **options)


def create_file(
    session: requests.Session,
    vector_store_id: str,
    *,
    file_id: str,
    attributes: Optional[Mapping[str, AttributeValue]] = None,
    chunking_strategy: Optional[Mapping[str, Any]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[VectorStoreFile]:
    """Attach an uploaded File to a vector store; it is ``in_progress`` until processed.

    ``attributes`` (at most 16) are what search ``filters`` compare.
    :func:`create_file_and_poll` also waits for the processing.

    https://platform.openai.com/docs/api-reference/vector-stores-files/createFile
    """
    path = _store_path(vector_store_id) + "/files"
    body = body_of({"file_id": file_id, "attributes": attributes, "chunking_strategy": chunking_strategy})
    return _request(session, "POST", path, json_body=body, into=VectorStoreFile, **options)


def retrieve_file(
    session: requests.Session, vector_store_id: str, file_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[VectorStoreFile]:
    """Retrieve a file of a vector store.

    https://platform.openai.com/docs/api-reference/vector-stores-files/getFile
    """
    return _request(session, "GET", _file_path(vector_store_id, file_id), into=VectorStoreFile, **options)


def update_file(
    session: requests.Session,
    vector_store_id: str,
    file_id: str,
    *,
    attributes: Optional[Mapping[str, AttributeValue]],
    **options: Unpack[RequestOptions],
) -> ApiResponse[VectorStoreFile]:
    """Replace the attributes of a vector store's file; None removes them.

    https://platform.openai.com/docs/api-reference/vector-stores-files/updateAttributes
    """
    path = _file_path(vector_store_id, file_id)
    if attributes is not None and not isinstance(attributes, Mapping):
        raise TypeError(f"attributes must be a mapping or None, not {attributes!r}")
    # attributes is required and may be null, so it is always sent.
    body = {"attributes": None if attributes is None else dict(attributes)}
    return _request(session, "POST", path, json_body=body, into=VectorStoreFile, **options)


def delete_file(
    session: requests.Session, vector_store_id: str, file_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[VectorStoreFileDeleted]:
    """Remove a file from a vector store; the File itself is kept (:func:`openai_lite.files.delete`).

    https://platform.openai.com/docs/api-reference/vector-stores-files/deleteFile
    """
    path = _file_path(vector_store_id, file_id)
    return _request(session, "DELETE", path, into=VectorStoreFileDeleted, **options)


def list_files(
    session: requests.Session,
    vector_store_id: str,
    *,
    after: Optional[str] = None,
    before: Optional[str] = None,
    limit: Optional[int] = None,
    order: Optional[Literal["asc", "desc"]] = None,
    filter: Optional[FileStatus] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[VectorStoreFileList]:
    """List a vector store's files, newest first unless ``order="asc"``; ``filter`` keeps one status.

    :func:`openai_lite.paginate` walks every page.

    https://platform.openai.com/docs/api-reference/vector-stores-files/listFiles
    """
    path = _store_path(vector_store_id) + "/files"
    params = {"after": after, "before": before, "limit": limit, "order": order, "filter": filter}
    return _request(session, "GET", path, params=params, into=VectorStoreFileList, **options)


def file_content(
    session: requests.Session, vector_store_id: str, file_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[VectorStoreFileContent]:
    """Retrieve the text the vector store parsed out of one of its files.

    https://platform.openai.com/docs/api-reference/vector-stores-files/getContent
    """
    path = _file_path(vector_store_id, file_id) + "/content"
    return _request(session, "GET", path, into=VectorStoreFileContent, **options)


def create_file_batch(
    session: requests.Session,
    vector_store_id: str,
    *,
    file_ids: Optional[Sequence[str]] = None,
    files: Optional[Sequence[Mapping[str, Any]]] = None,
    attributes: Optional[Mapping[str, AttributeValue]] = None,
    chunking_strategy: Optional[Mapping[str, Any]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[VectorStoreFileBatch]:
    """Attach up to 2000 uploaded Files to a vector store at once.

    Give either ``file_ids``, to which ``attributes`` and ``chunking_strategy`` apply, or
    ``files``: one ``{"file_id": ..., "attributes": ..., "chunking_strategy": ...}`` per file.

    https://platform.openai.com/docs/api-reference/vector-stores-file-batches/createBatch
    """
    path = _store_path(vector_store_id) + "/file_batches"
    if (file_ids is None) == (files is None):
        raise ValueError("give either file_ids or files (one object per file), not both or neither")
    if file_ids is not None:
        file_ids = _strings(file_ids, "file_ids")
    elif files is not None:
        if isinstance(files, (str, Mapping)) or not all(isinstance(f, Mapping) for f in files):
            raise TypeError(f"files must be a list of objects with a file_id, not {files!r}")
        files = [dict(f) for f in files]
    fields = {"file_ids": file_ids, "files": files}
    body = body_of({**fields, "attributes": attributes, "chunking_strategy": chunking_strategy})
    return _request(session, "POST", path, json_body=body, into=VectorStoreFileBatch, **options)


def retrieve_file_batch(
    session: requests.Session, vector_store_id: str, batch_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[VectorStoreFileBatch]:
    """Retrieve a file batch.

    https://platform.openai.com/docs/api-reference/vector-stores-file-batches/getBatch
    """
    path = _batch_path(vector_store_id, batch_id)
    return _request(session, "GET", path, into=VectorStoreFileBatch, **options)


def cancel_file_batch(
    session: requests.Session, vector_store_id: str, batch_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[VectorStoreFileBatch]:
    """Cancel a file batch: the files not yet processed are cancelled.

    https://platform.openai.com/docs/api-reference/vector-stores-file-batches/cancelBatch
    """
    path = _batch_path(vector_store_id, batch_id) + "/cancel"
    return _request(session, "POST", path, into=VectorStoreFileBatch, **options)


def list_file_batch_files(
    session: requests.Session,
    vector_store_id: str,
    batch_id: str,
    *,
    after: Optional[str] = None,
    before: Optional[str] = None,
    limit: Optional[int] = None,
    order: Optional[Literal["asc", "desc"]] = None,
    filter: Optional[FileStatus] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[VectorStoreFileList]:
    """List the files of a file batch, as :func:`list_files` does for a whole vector store.

    https://platform.openai.com/docs/api-reference/vector-stores-file-batches/listBatchFiles
    """
    path = _batch_path(vector_store_id, batch_id) + "/files"
    params = {"after": after, "before": before, "limit": limit, "order": order, "filter": filter}
    return _request(session, "GET", path, params=params, into=VectorStoreFileList, **options)


def create_file_and_poll(
    session: requests.Session,
    vector_store_id: str,
    *,
    file_id: str,
    attributes: Optional[Mapping[str, AttributeValue]] = None,
    chunking_strategy: Optional[Mapping[str, Any]] = None,
    poll_interval: float = POLL_INTERVAL,
    poll_timeout: float = POLL_TIMEOUT,
    progress: Optional[Progress] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[VectorStoreFile]:
    """Attach an uploaded File to a vector store, and wait until it is processed.

    The file is looked at again after the time the server asks for in the
    ``openai-poll-after-ms`` header, or after ``poll_interval`` seconds when it does not
    say. ``progress(done, total)`` is called after each look with ``(0, 1)`` or, once the
    file is no longer ``in_progress``, ``(1, 1)``. The answer's ``status`` tells
    ``completed`` from ``failed`` (see ``last_error``) and ``cancelled``. ``extra_query`` and
    ``extra_body`` go to the attaching request only.

    :raises APITimeoutError: when the file is still in progress ``poll_timeout`` seconds
        after it was attached (it goes on being processed).

    https://platform.openai.com/docs/api-reference/vector-stores-files/createFile
    """
    path_param(vector_store_id, "vector_store_id")
    path_param(file_id, "file_id")
    check_poll_settings(poll_interval, poll_timeout)
    check_progress(progress)
    created = create_file(
        session,
        vector_store_id,
        file_id=file_id,
        attributes=attributes,
        chunking_strategy=chunking_strategy,
        **options,
    )
    later = _later(options)

    def report(file: VectorStoreFile) -> None:
        if progress is not None:
            progress(0 if file.status == "in_progress" else 1, 1)

    return poll(
        lambda: retrieve_file(session, vector_store_id, file_id, **later),
        created,
        done=lambda file: file.status != "in_progress",
        interval=poll_interval,
        timeout=poll_timeout,
        report=report,
        describe=lambda file: f"vector store file {file.id} ({file.status})",
    )


def upload_and_poll(
    session: requests.Session,
    vector_store_id: str,
    *,
    files: Sequence[FileInput],
    attributes: Optional[Mapping[str, AttributeValue]] = None,
    chunking_strategy: Optional[Mapping[str, Any]] = None,
    poll_interval: float = POLL_INTERVAL,
    poll_timeout: float = POLL_TIMEOUT,
    progress: Optional[Progress] = None,
    upload_progress: Optional[Progress] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[VectorStoreFileBatch]:
    """Upload files, attach them to a vector store as one file batch, and wait until all are processed.

    Each item of ``files`` is what :func:`openai_lite.files.create` takes (a path, an open
    binary file, bytes, or a ``(filename, content)`` tuple); they are checked before the
    first is sent, then uploaded one after the other with purpose ``"assistants"``, a path
    or file streamed from disk. ``upload_progress(done, total)`` follows the bytes sent
    across all the files (the total is None when a size is unknown; a retried upload
    counts again from the start of its file). ``progress(done, total)`` follows the
    processing: the files no longer in progress, out of all, after each look at the batch.
    The batch is looked at again after the time the server asks for in the
    ``openai-poll-after-ms`` header, or after ``poll_interval`` seconds when it does not say.

    The answer is the batch once no file is in progress: its ``file_counts`` tell how many
    were ``completed`` and how many ``failed``. When an upload or the attaching fails, its
    failed response is returned (its ``data`` raises the typed error) and the Files this
    call uploaded are deleted. ``extra_query`` and ``extra_body`` go to the batch creation
    only.

    :raises APITimeoutError: when files are still in progress ``poll_timeout`` seconds
        after the batch was created (they go on being processed).

    https://platform.openai.com/docs/api-reference/vector-stores-file-batches/createBatch
    """
    path_param(vector_store_id, "vector_store_id")
    if isinstance(files, (str, bytes, tuple)) or not isinstance(files, Sequence) or not files:
        raise TypeError(f"files must be a non-empty list of files, not {files!r}")
    sizes = [file_part(item, f"files[{i}]").size for i, item in enumerate(files)]
    check_poll_settings(poll_interval, poll_timeout)
    check_progress(progress)
    check_progress(upload_progress)
    later = _later(options)
    total = None if None in sizes else sum(size or 0 for size in sizes)
    if upload_progress is not None:
        upload_progress(0, total)
    uploaded: List[str] = []
    offset = 0
    try:
        for item, size in zip(files, sizes):
            report = None if upload_progress is None else OffsetProgress(upload_progress, offset, total)
            sent = _files.create(session, file=item, purpose="assistants", progress=report, **later)
            if not sent.ok:
                _delete_quietly(session, uploaded, later)
                return cast("ApiResponse[VectorStoreFileBatch]", sent)
            uploaded.append(reply_id(sent.data.id, "file id", sent))
            offset += size or 0
        created = create_file_batch(
            session,
            vector_store_id,
            file_ids=uploaded,
            attributes=attributes,
            chunking_strategy=chunking_strategy,
            **options,
        )
    except Exception:
        _delete_quietly(session, uploaded, later)
        raise
    if not created.ok:
        _delete_quietly(session, uploaded, later)
        return created
    batch_id = reply_id(created.data.id, "file batch id", created)

    def report_batch(batch: VectorStoreFileBatch) -> None:
        if progress is not None:
            counts = batch.file_counts or FileCounts()
            settled = (counts.completed or 0) + (counts.failed or 0) + (counts.cancelled or 0)
            progress(settled, counts.total if counts.total is not None else len(uploaded))

    return poll(
        lambda: retrieve_file_batch(session, vector_store_id, batch_id, **later),
        created,
        done=lambda batch: batch.status != "in_progress",
        interval=poll_interval,
        timeout=poll_timeout,
        report=report_batch,
        describe=_describe_batch,
    )


def _later(options: Mapping[str, Any]) -> Dict[str, Any]:
    """The options of the requests that follow the first: without its query and body extras."""
    return {k: v for k, v in options.items() if k not in ("extra_query", "extra_body")}


def _describe_batch(batch: VectorStoreFileBatch) -> str:
    counts = batch.file_counts or FileCounts()
    return f"file batch {batch.id} ({counts.in_progress} of {counts.total} files in progress)"


def _delete_quietly(session: requests.Session, file_ids: Sequence[str], options: Mapping[str, Any]) -> None:
    for file_id in file_ids:
        try:
            _files.delete(session, file_id, **options)
        except Exception:  # noqa: BLE001  (the first failure is the one to report)
            pass
