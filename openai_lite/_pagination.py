"""Iterate over every item of a cursor-paged list, fetching the pages as they are needed."""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, Mapping, Optional, Protocol, Sequence, Tuple, TypeVar

__all__ = ["paginate", "Page"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Page(Protocol[T_co]):
    """What a cursor-paged list answer has: its items and whether more follow."""

    @property
    def data(self) -> Sequence[T_co]: ...

    @property
    def has_more(self) -> Optional[bool]: ...


class _Answer(Protocol[T_co]):
    """An :class:`~openai_lite.ApiResponse` whose ``data`` is a page."""

    @property
    def data(self) -> Page[T_co]: ...


def paginate(list_fn: Callable[..., _Answer[T]], *args: Any, **params: Any) -> Iterator[T]:
    """Yield the items of every page of a list, fetching the next page only when it is reached.

    ``list_fn`` is a list function (``files.list``, ``fine_tuning.list_events``, ...), called
    with *args* and *params* and, from the second page on, ``after`` set to the id of the
    previous page's last item, until a page says ``has_more`` is false. A page without
    items also ends the iteration, whatever it says, and so does a cursor that does not move.
    An ``after`` in *params* starts from there.

    ``list_fn`` may also be :func:`~openai_lite.request`, for a list this library does not
    model: ``paginate(request, session, "GET", "/vector_stores", params={"limit": 50})``
    puts ``after`` in the query and yields the items as decoded JSON.

    :raises APIStatusError: (the subclass for the status) when a page cannot be fetched.
    :raises APIResponseValidationError: when a page is not a list, or its last item has no
        usable id to page on.

    https://platform.openai.com/docs/api-reference/pagination
    """
    if not callable(list_fn):
        raise TypeError(f"list_fn must be a list function such as files.list, not {list_fn!r}")
    return _items(list_fn, args, params)


def _items(list_fn: Callable[..., _Answer[T]], args: Tuple[Any, ...], params: Dict[str, Any]) -> Iterator[T]:
    from ._request import request

    raw = list_fn is request
    query: Dict[str, Any] = dict(params.get("params") or {}) if raw else params
    seen = {query.get("after")}
    while True:
        if raw:
            params["params"] = dict(query)
        answer = list_fn(*args, **params)
        page: Any = answer.data
        items = page.get("data") if isinstance(page, Mapping) else getattr(page, "data", None)
        if not isinstance(items, list):
            raise _bad_page(answer, "a page has no list of items (data)")
        yield from items
        more = page.get("has_more") if isinstance(page, Mapping) else getattr(page, "has_more", False)
        if not items or more is not True:
            return
        cursor = _id_of(items[-1], page, answer)
        if cursor in seen:
            return
        seen.add(cursor)
        query["after"] = cursor


def _id_of(item: Any, page: Any, answer: Any) -> str:
    from ._request import reply_id

    found = item.get("id") if isinstance(item, Mapping) else getattr(item, "id", None)
    if found is None:
        found = page.get("last_id") if isinstance(page, Mapping) else getattr(page, "last_id", None)
    return reply_id(found, "last item's id (the cursor of the next page)", answer)


def _bad_page(answer: Any, why: str) -> Exception:
    from ._errors import APIResponseValidationError

    return APIResponseValidationError(
        why, status_code=getattr(answer, "status_code", None), request_id=getattr(answer, "request_id", None)
    )
