"""The Realtime API's REST side against FakeOpenAI: client secrets and SIP call controls."""

from __future__ import annotations

import logging
import pickle

import pytest

from openai_lite import BadRequestError, ConflictError, NotFoundError, OpenAISession, realtime
from openai_lite.testing import FakeOpenAI, ring_realtime_call
from openai_lite.testing._routes_realtime import calls_of, client_secrets_of

SESSION = {
    "type": "realtime",
    "model": "gpt-realtime",
    "instructions": "You are a friendly assistant.",
    "audio": {"output": {"voice": "marin"}},
}


def test_create_client_secret(fake: FakeOpenAI, session: OpenAISession) -> None:
    created = realtime.create_client_secret(
        session, session_config=SESSION, expires_after={"anchor": "created_at", "seconds": 120}
    )

    sent = fake.last
    assert (sent.method, sent.path, sent.query) == ("POST", "/v1/realtime/client_secrets", {})
    assert sent.json == {"session": SESSION, "expires_after": {"anchor": "created_at", "seconds": 120}}
    secret = created.data
    assert secret.value is not None and secret.value.startswith("ek_")
    assert secret.value in client_secrets_of(fake)
    assert secret.session is not None
    assert (secret.session.type, secret.session.object, secret.session.model) == (
        "realtime",
        "realtime.session",
        "gpt-realtime",
    )
    assert secret.session.instructions == SESSION["instructions"]
    assert secret.session.audio == {"output": {"voice": "marin"}}
    assert secret.session.id is not None and secret.session.id.startswith("sess_")
    assert secret.expires_at == secret.session.expires_at
    assert secret.expires_at is not None and secret.expires_at - 120 <= fake.now()

    # The key is the caller's data, but printing the answer does not show it.
    assert secret.value not in repr(secret) and secret.value not in repr(created)
    assert pickle.loads(pickle.dumps(secret)).value == secret.value

    default = realtime.create_client_secret(session).data
    assert fake.last.json == {}
    assert default.value != secret.value
    assert default.session is not None and default.session.type == "realtime"


def test_client_secret_is_not_in_the_request_log(
    fake: FakeOpenAI, session: OpenAISession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="openai_lite.body")  # bodies are logged only when asked for
    caplog.set_level(logging.DEBUG, logger="openai_lite")
    secret = realtime.create_client_secret(session, session_config={"type": "transcription"}).data
    assert secret.session is not None and secret.session.object == "realtime.transcription_session"
    assert "/v1/realtime/client_secrets -> 200" in caplog.text
    assert secret.value is not None and secret.value not in caplog.text


@pytest.mark.off_spec
def test_the_server_checks_the_expiry(fake: FakeOpenAI, session: OpenAISession) -> None:
    answer = realtime.create_client_secret(session, expires_after={"anchor": "created_at", "seconds": 5})
    assert answer.status_code == 400
    with pytest.raises(BadRequestError, match="expires_after"):
        answer.data


def test_accept_refer_and_hang_up_a_call(fake: FakeOpenAI, session: OpenAISession) -> None:
    call_id = ring_realtime_call(fake)

    accepted = realtime.accept_call(
        session, call_id, model="gpt-realtime", instructions="Answer in French.", output_modalities=["audio"]
    )
    assert (accepted.status_code, accepted.data) == (200, None)
    sent = fake.last
    assert (sent.method, sent.path) == ("POST", f"/v1/realtime/calls/{call_id}/accept")
    assert sent.json == {
        "model": "gpt-realtime",
        "instructions": "Answer in French.",
        "output_modalities": ["audio"],
        "type": "realtime",
    }
    assert calls_of(fake)[call_id]["status"] == "active"

    realtime.refer_call(session, call_id, target_uri="tel:+14155550123").raise_for_status()
    assert (fake.last.method, fake.last.path) == ("POST", f"/v1/realtime/calls/{call_id}/refer")
    assert fake.last.json == {"target_uri": "tel:+14155550123"}
    assert calls_of(fake)[call_id]["referred_to"] == "tel:+14155550123"

    other = ring_realtime_call(fake)
    realtime.accept_call(session, other).raise_for_status()
    assert fake.last.json == {"type": "realtime"}
    hung_up = realtime.hangup_call(session, other)
    assert (hung_up.status_code, hung_up.data) == (200, None)
    assert (fake.last.method, fake.last.path, fake.last.body) == (
        "POST",
        f"/v1/realtime/calls/{other}/hangup",
        b"",
    )
    assert calls_of(fake)[other]["status"] == "ended"

    again = realtime.hangup_call(session, other)
    assert again.status_code == 409
    with pytest.raises(ConflictError, match="ended"):
        again.data


def test_reject_a_call(fake: FakeOpenAI, session: OpenAISession) -> None:
    busy = ring_realtime_call(fake)
    realtime.reject_call(session, busy, status_code=486).raise_for_status()
    assert (fake.last.method, fake.last.path) == ("POST", f"/v1/realtime/calls/{busy}/reject")
    assert fake.last.json == {"status_code": 486}
    assert calls_of(fake)[busy]["sip_status"] == 486

    declined = ring_realtime_call(fake)
    realtime.reject_call(session, declined).raise_for_status()
    assert fake.last.json == {}
    assert calls_of(fake)[declined]["sip_status"] == 603

    with pytest.raises(ConflictError):
        realtime.accept_call(session, declined).data
    with pytest.raises(NotFoundError, match="rtc_unknown"):
        realtime.reject_call(session, "rtc_unknown").data


@pytest.mark.parametrize(
    "call",
    [
        lambda s: realtime.accept_call(s, ""),
        lambda s: realtime.reject_call(s, ".."),
        lambda s: realtime.hangup_call(s, None),
        lambda s: realtime.refer_call(s, "", target_uri="tel:+1"),
    ],
)
def test_bad_call_ids_are_refused_before_sending(fake: FakeOpenAI, session: OpenAISession, call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="call_id"):
        call(session)
    assert fake.requests == []


def test_bad_arguments_are_refused_before_sending(fake: FakeOpenAI, session: OpenAISession) -> None:
    with pytest.raises(ValueError, match="target_uri"):
        realtime.refer_call(session, "rtc_1", target_uri="")
    with pytest.raises(TypeError, match="target_uri"):
        realtime.refer_call(session, "rtc_1", target_uri=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="status_code"):
        realtime.reject_call(session, "rtc_1", status_code="486")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="session_config"):
        realtime.create_client_secret(session, session_config="realtime")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expires_after"):
        realtime.create_client_secret(session, expires_after=600)  # type: ignore[arg-type]
    assert fake.requests == []


def test_call_ids_are_percent_encoded(fake: FakeOpenAI, session: OpenAISession) -> None:
    answer = realtime.hangup_call(session, "rtc/1?x")
    assert fake.last.path == "/v1/realtime/calls/rtc%2F1%3Fx/hangup"
    assert answer.status_code == 404
