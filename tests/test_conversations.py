"""The Conversations API against FakeOpenAI: conversations, their items, and responses that extend them."""

from __future__ import annotations

import pytest

from openai_lite import (
    APIResponseValidationError,
    BadRequestError,
    NotFoundError,
    OpenAISession,
    conversations,
    paginate,
    responses,
)
from openai_lite.response_items import (
    ResponseFunctionToolCallOutput,
    ResponseInputMessage,
    ResponseInputText,
    ResponseOtherItem,
    ResponseOutputMessage,
    ResponseOutputText,
)
from openai_lite.testing import FakeOpenAI, json_reply


def test_conversation_tour(fake: FakeOpenAI, session: OpenAISession) -> None:
    created = conversations.create(
        session,
        items=[{"type": "message", "role": "user", "content": "Hello!"}],
        metadata={"topic": "demo"},
    )

    conversation = created.data
    assert created.status_code == 200
    assert conversation.id.startswith("conv_") and conversation.object == "conversation"
    assert conversation.metadata == {"topic": "demo"} and isinstance(conversation.created_at, int)
    sent = fake.last
    assert (sent.method, sent.path, sent.query) == ("POST", "/v1/conversations", {})
    assert sent.json == {
        "items": [{"type": "message", "role": "user", "content": "Hello!"}],
        "metadata": {"topic": "demo"},
    }

    assert conversations.retrieve(session, conversation.id).data == conversation
    assert (fake.last.method, fake.last.path, fake.last.body) == (
        "GET",
        f"/v1/conversations/{conversation.id}",
        b"",
    )

    updated = conversations.update(session, conversation.id, metadata={"topic": "renamed"}).data
    assert updated.metadata == {"topic": "renamed"} and updated.id == conversation.id
    assert (fake.last.method, fake.last.path) == ("POST", f"/v1/conversations/{conversation.id}")
    assert fake.last.json == {"metadata": {"topic": "renamed"}}

    deleted = conversations.delete(session, conversation.id).data
    assert (deleted.id, deleted.object, deleted.deleted) == (conversation.id, "conversation.deleted", True)
    assert (fake.last.method, fake.last.path, fake.last.body) == (
        "DELETE",
        f"/v1/conversations/{conversation.id}",
        b"",
    )

    gone = conversations.retrieve(session, conversation.id)
    assert gone.status_code == 404
    with pytest.raises(NotFoundError, match="conversation"):
        gone.data


def test_items_are_the_ones_added(fake: FakeOpenAI, session: OpenAISession) -> None:
    conversation = conversations.create(session).data
    assert fake.last.json == {}

    added = conversations.create_items(
        session,
        conversation.id,
        items=[
            {"role": "user", "content": "What is 2 + 2?"},
            {"type": "message", "role": "assistant", "content": "4"},
            {"type": "function_call_output", "call_id": "call_1", "output": "done"},
        ],
        include=["message.output_text.logprobs"],
    ).data
    sent = fake.last
    assert (sent.method, sent.path) == ("POST", f"/v1/conversations/{conversation.id}/items")
    assert sent.query == {"include[]": ["message.output_text.logprobs"]}
    assert sent.json == {
        "items": [
            {"role": "user", "content": "What is 2 + 2?"},
            {"type": "message", "role": "assistant", "content": "4"},
            {"type": "function_call_output", "call_id": "call_1", "output": "done"},
        ]
    }
    question, answer, output = added.data
    assert isinstance(question, ResponseInputMessage) and question.role == "user"
    assert question.content == [ResponseInputText(text="What is 2 + 2?")]
    assert isinstance(answer, ResponseInputMessage)
    assert answer.content == [ResponseOutputText(text="4", annotations=[], logprobs=[])]
    assert isinstance(output, ResponseFunctionToolCallOutput) and output.output == "done"
    assert (added.first_id, added.last_id, added.has_more) == (question.id, output.id, False)

    listed = conversations.list_items(session, conversation.id).data
    assert fake.last.query == {}
    assert [item.id for item in listed.data] == [output.id, answer.id, question.id]  # newest first

    one = conversations.retrieve_item(
        session, conversation.id, answer.id, include=["message.output_text.logprobs"]
    )
    assert (fake.last.method, fake.last.path) == (
        "GET",
        f"/v1/conversations/{conversation.id}/items/{answer.id}",
    )
    assert fake.last.query == {"include[]": ["message.output_text.logprobs"]}
    assert one.data == answer

    after_delete = conversations.delete_item(session, conversation.id, answer.id).data
    assert (fake.last.method, fake.last.path) == (
        "DELETE",
        f"/v1/conversations/{conversation.id}/items/{answer.id}",
    )
    assert after_delete == conversation
    ascending = conversations.list_items(session, conversation.id, order="asc").data
    assert [item.id for item in ascending.data] == [question.id, output.id]

    missing = conversations.retrieve_item(session, conversation.id, answer.id)
    assert missing.status_code == 404
    with pytest.raises(NotFoundError, match=answer.id):
        missing.data


def test_list_items_pages_with_paginate(fake: FakeOpenAI, session: OpenAISession) -> None:
    conversation = conversations.create(
        session, items=[{"role": "user", "content": f"message {n}"} for n in range(5)]
    ).data

    first = conversations.list_items(session, conversation.id, limit=2, order="asc").data
    assert fake.last.query == {"limit": ["2"], "order": ["asc"]}
    assert first.has_more is True and len(first.data) == 2
    second = conversations.list_items(session, conversation.id, after=first.last_id, limit=2, order="asc")
    assert fake.last.query == {"after": [first.last_id], "limit": ["2"], "order": ["asc"]}
    assert second.data.data[0].content == [ResponseInputText(text="message 2")]  # type: ignore[union-attr]

    fake.requests.clear()
    items = list(paginate(conversations.list_items, session, conversation.id, limit=2, order="asc"))
    assert [item.content[0].text for item in items] == [f"message {n}" for n in range(5)]  # type: ignore[union-attr]
    assert [r.query.get("after") for r in fake.requests] == [None, [items[1].id], [items[3].id]]  # type: ignore[union-attr]
    assert all(r.path == f"/v1/conversations/{conversation.id}/items" for r in fake.requests)


def test_a_response_in_a_conversation_appends_its_items(fake: FakeOpenAI, session: OpenAISession) -> None:
    conversation = conversations.create(session, items=[{"role": "developer", "content": "Be brief."}]).data

    response = responses.create(
        session, model="gpt-4o-mini", input="What is the capital of France?", conversation=conversation.id
    ).data
    assert fake.last.json["conversation"] == conversation.id
    assert response.conversation == {"id": conversation.id}

    items = conversations.list_items(session, conversation.id, order="asc").data.data
    assert [getattr(item, "role", None) for item in items] == ["developer", "user", "assistant"]
    assert items[1].content == [ResponseInputText(text="What is the capital of France?")]  # type: ignore[union-attr]
    reply = items[2]
    assert reply.id == response.output[0].id  # type: ignore[union-attr]
    assert isinstance(reply, ResponseInputMessage)
    assert isinstance(response.output[0], ResponseOutputMessage)
    assert reply.content[0].text == response.output_text  # type: ignore[union-attr]

    responses.create(
        session, model="gpt-4o-mini", input="And of Italy?", conversation={"id": conversation.id}
    )
    assert len(conversations.list_items(session, conversation.id).data.data) == 5


def test_a_response_in_an_unknown_conversation_or_after_another_response_is_refused(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    answer = responses.create(session, model="gpt-4o-mini", input="Hi", conversation="conv_missing")
    assert answer.status_code == 404
    with pytest.raises(NotFoundError, match="conv_missing"):
        answer.data

    conversation = conversations.create(session).data
    first = responses.create(session, model="gpt-4o-mini", input="Hi").data
    both = responses.create(
        session, model="gpt-4o-mini", input="Hi", conversation=conversation.id, previous_response_id=first.id
    )
    with pytest.raises(BadRequestError, match="previous_response_id"):
        both.data
    assert conversations.list_items(session, conversation.id).data.data == []


def test_bad_arguments_are_refused_before_sending(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(ValueError, match="conversation_id"):
        conversations.retrieve(session, "")
    with pytest.raises(ValueError, match="conversation_id"):
        conversations.delete(session, "..")
    with pytest.raises(ValueError, match="item_id"):
        conversations.retrieve_item(session, "conv_1", "")
    with pytest.raises(ValueError, match="conversation_id"):
        conversations.delete_item(session, None, "msg_1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="conversation_id"):
        conversations.list_items(session, "")
    with pytest.raises(TypeError, match="items"):
        conversations.create_items(session, "conv_1", items={"role": "user", "content": "Hi"})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at most 20"):
        conversations.create_items(session, "conv_1", items=[{"role": "user", "content": "x"}] * 21)
    with pytest.raises(TypeError, match="items"):
        conversations.create(session, items="Hello")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="metadata"):
        conversations.update(session, "conv_1", metadata={"n": 1})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="include"):
        conversations.list_items(session, "conv_1", include="message.output_text.logprobs")  # type: ignore[arg-type]
    assert fake.requests == []


def test_ids_are_percent_encoded(fake: FakeOpenAI, session: OpenAISession) -> None:
    answer = conversations.retrieve_item(session, "conv/1", "msg?x=1")
    assert fake.last.path == "/v1/conversations/conv%2F1/items/msg%3Fx%3D1"
    assert answer.status_code == 404


@pytest.mark.off_spec
def test_server_refuses_an_item_without_role(fake: FakeOpenAI, session: OpenAISession) -> None:
    conversation = conversations.create(session).data
    answer = conversations.create_items(
        session, conversation.id, items=[{"type": "message", "content": "Hi"}]
    )
    assert answer.status_code == 400
    with pytest.raises(BadRequestError, match="items"):
        answer.data


@pytest.mark.off_spec
def test_unknown_item_types_are_generic_items_and_a_non_object_is_a_typed_error(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    fake.enqueue(json_reply({"type": "future_item", "id": "fi_1", "payload": [1, 2]}))
    item = conversations.retrieve_item(session, "conv_1", "fi_1").data
    assert isinstance(item, ResponseOtherItem) and item.type == "future_item"
    assert (item.id, item.payload) == ("fi_1", [1, 2])
    assert item.to_dict() == {"type": "future_item", "id": "fi_1", "payload": [1, 2]}

    fake.enqueue(json_reply(["not", "an", "object"]))
    with pytest.raises(APIResponseValidationError, match="expected an object, got list"):
        conversations.retrieve_item(session, "conv_1", "msg_1")
