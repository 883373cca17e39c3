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

    :raises APIStatusError: (the subclass for the status) when a page cannot be fetched.

    https://platform.openai.com/docs/api-reference/pagination
    """
    if not callable(list_fn):
        raise TypeError(f"list_fn must be a list function such as files.list, not {list_fn!r}")
    return _items(list_fn, args, params)


def _items(list_fn: Callable[..., _Answer[T]], args: Tuple[Any, ...], params: Dict[str, Any]) -> Iterator[T]:
    seen = {params.get("after")}
    while True:
        page = list_fn(*args, **params).data
        items = page.data
        yield from items
        if not items or not getattr(page, "has_more", False):
            return
        cursor = _id_of(items[-1], page)
        if cursor in seen:
            return
        seen.add(cursor)
        params["after"] = cursor


def _id_of(item: Any, page: Any) -> str:
    found = item.get("id") if isinstance(item, Mapping) else getattr(item, "id", None)
    if found is None:
        found = getattr(page, "last_id", None)
    if not isinstance(found, str) or not found:
        raise TypeError(f"cannot page on: the last item has no id ({type(item).__name__})")
    return found
