"""paginate(): every item of a cursor-paged list, fetched page by page, against FakeOpenAI."""

from __future__ import annotations

import itertools
from typing import List

import pytest

from openai_lite import (
    APIResponseValidationError,
    NotFoundError,
    OpenAISession,
    files,
    fine_tuning,
    models,
    paginate,
    request,
)
from openai_lite.testing import FakeOpenAI, error_reply, json_reply


def upload(session: OpenAISession, count: int, purpose: str = "fine-tune") -> List[str]:
    return [
        files.create(session, file=(f"f{i}.jsonl", b"{}\n"), purpose=purpose).data.id  # type: ignore[arg-type]
        for i in range(count)
    ]


def test_pages_keep_the_parameters_and_follow_after(fake: FakeOpenAI, session: OpenAISession) -> None:
    wanted = upload(session, 5)
    upload(session, 2, purpose="batch")
    fake.requests.clear()

    found = list(paginate(files.list, session, limit=2, purpose="fine-tune", order="asc"))

    assert [f.id for f in found] == wanted
    assert all(isinstance(f, files.FileObject) for f in found)
    kept = {"limit": ["2"], "purpose": ["fine-tune"], "order": ["asc"]}
    assert [r.query for r in fake.requests] == [
        kept,
        {**kept, "after": [wanted[1]]},
        {**kept, "after": [wanted[3]]},
    ]
    assert all(r.path == "/v1/files" and r.method == "GET" for r in fake.requests)


def test_pages_are_fetched_lazily(fake: FakeOpenAI, session: OpenAISession) -> None:
    upload(session, 5)
    fake.requests.clear()

    items = paginate(files.list, session, limit=2)
    assert fake.requests == []
    first_three = list(itertools.islice(items, 3))

    assert len(first_three) == 3 and len(fake.requests) == 2


def test_a_given_after_is_the_start(fake: FakeOpenAI, session: OpenAISession) -> None:
    ids = upload(session, 4)
    fake.requests.clear()

    found = [f.id for f in paginate(files.list, session, limit=3, order="asc", after=ids[0])]

    assert found == ids[1:]
    assert fake.requests[0].query == {"limit": ["3"], "order": ["asc"], "after": [ids[0]]}


def test_a_failed_page_raises_the_typed_error(fake: FakeOpenAI, session: OpenAISession) -> None:
    upload(session, 3)
    items = paginate(files.list, session, limit=2)
    assert len([next(items), next(items)]) == 2
    fake.enqueue(error_reply(404, "No such cursor.", param="after"))

    with pytest.raises(NotFoundError) as caught:
        next(items)

    assert caught.value.param == "after" and caught.value.status_code == 404


def test_an_empty_page_ends_even_with_has_more(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(json_reply({"object": "list", "data": [{"id": "file-1"}], "has_more": True}))
    fake.enqueue(json_reply({"object": "list", "data": [], "has_more": True}))

    found = [f.id for f in paginate(files.list, session)]

    assert found == ["file-1"] and len(fake.requests) == 2
    assert fake.last.query == {"after": ["file-1"]}


def test_a_cursor_that_does_not_move_ends(fake: FakeOpenAI, session: OpenAISession) -> None:
    page = {"object": "list", "data": [{"id": "file-1"}, {"id": "file-2"}], "has_more": True}
    fake.enqueue(json_reply(page), times=5)

    found = [f.id for f in paginate(files.list, session)]

    assert found == ["file-1", "file-2"] * 2 and len(fake.requests) == 2


def test_other_lists_page_the_same_way(fake: FakeOpenAI, session: OpenAISession) -> None:
    training = upload(session, 1)[0]
    jobs = [
        fine_tuning.create_job(session, model="gpt-4o-mini", training_file=training).data.id for _ in range(3)
    ]
    fake.requests.clear()

    found = [j.id for j in paginate(fine_tuning.list_jobs, session, limit=1)]

    assert found == jobs[::-1] and len(fake.requests) == 3
    assert fake.requests[-1].query == {"limit": ["1"], "after": [jobs[1]]}


def test_a_list_without_has_more_is_one_page(fake: FakeOpenAI, session: OpenAISession) -> None:
    found = list(paginate(models.list, session))  # type: ignore[arg-type]

    assert found and len(fake.requests) == 1


def test_items_without_an_id_cannot_be_paged(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(json_reply({"object": "list", "data": [{"name": "x"}], "has_more": True}))

    with pytest.raises(APIResponseValidationError, match="last item's id .* not a usable id: None"):
        list(paginate(lambda s, **kw: _Raw(s, **kw), session))
    with pytest.raises(TypeError, match="list_fn"):
        paginate("files.list", session)  # type: ignore[arg-type]


class _Raw:
    """A list function over the low-level call, for items without ids."""

    def __init__(self, session: OpenAISession, **params: str) -> None:
        from openai_lite import request

        self.data = _Page(request(session, "GET", "/things", params=params).data)


class _Page:
    def __init__(self, body: dict) -> None:  # type: ignore[type-arg]
        self.data = body["data"]
        self.has_more = body["has_more"]


def test_request_pages_through_a_list_the_library_does_not_model(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    pages = [
        {"object": "list", "data": [{"id": "vs_1"}, {"id": "vs_2"}], "has_more": True, "last_id": "vs_2"},
        {"object": "list", "data": [{"id": "vs_3"}], "has_more": False, "last_id": "vs_3"},
    ]
    for page in pages:
        fake.enqueue(json_reply(page), method="GET", path="/stores")

    found = list(paginate(request, session, "GET", "/stores", params={"limit": 2}))

    assert found == [{"id": "vs_1"}, {"id": "vs_2"}, {"id": "vs_3"}]
    assert [r.query for r in fake.requests] == [{"limit": ["2"]}, {"limit": ["2"], "after": ["vs_2"]}]


def test_a_page_without_a_list_of_items_is_a_validation_error(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(json_reply({"object": "list", "data": {"id": "x"}, "has_more": True}), path="/stores")

    with pytest.raises(APIResponseValidationError, match="no list of items"):
        list(paginate(request, session, "GET", "/stores"))


@pytest.mark.parametrize("cursor", [7, "", ".."])
def test_a_cursor_that_is_not_an_id_is_a_validation_error(
    fake: FakeOpenAI, session: OpenAISession, cursor: object
) -> None:
    fake.enqueue(json_reply({"object": "list", "data": [{"id": cursor}], "has_more": True}), path="/stores")

    with pytest.raises(APIResponseValidationError, match="not a usable id"):
        list(paginate(request, session, "GET", "/stores"))
    assert len(fake.requests) == 1
