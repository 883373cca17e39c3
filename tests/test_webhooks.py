"""Webhook verification: Standard Webhooks signatures, timestamps, secrets and events."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Dict

import pytest

from openai_lite import OpenAIError, webhooks
from openai_lite.webhooks import InvalidWebhookSignatureError, WebhookEvent

RAW_KEY = b"a-32-byte-secret-for-the-tests!!"
SECRET = "whsec_" + base64.b64encode(RAW_KEY).decode()
NOW = 1_750_000_000
EVENT = {
    "id": "evt_685343a1381c819085d44c354e1b330e",
    "object": "event",
    "created_at": NOW - 2,
    "type": "response.completed",
    "data": {"id": "resp_abc123"},
}
PAYLOAD = json.dumps(EVENT)


def headers_for(
    payload: str, *, webhook_id: str = "wh_1", timestamp: int = NOW, key: bytes = RAW_KEY
) -> Dict[str, str]:
    """The headers a sender would add, computed here with hmac directly."""
    signed = f"{webhook_id}.{timestamp}.{payload}".encode()
    signature = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": "v1," + signature,
    }


def test_standard_webhooks_example_vector() -> None:
    # The example of the Standard Webhooks specification.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    payload = '{"test": 2432232314}'
    headers = {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }
    assert webhooks.verify(payload, headers, secret, now=1614265330) is None
    signature = webhooks.sign(
        payload, webhook_id="msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp=1614265330, secret=secret
    )
    assert signature == headers["webhook-signature"]


def test_unwrap_returns_the_event() -> None:
    event = webhooks.unwrap(PAYLOAD, headers_for(PAYLOAD), SECRET, now=NOW)
    assert event == WebhookEvent(
        id=EVENT["id"],
        type="response.completed",
        created_at=NOW - 2,
        data={"id": "resp_abc123"},
        object="event",
    )


def test_bytes_payload_and_header_names_in_any_case() -> None:
    headers = {k.title(): v for k, v in headers_for(PAYLOAD).items()}
    assert "Webhook-Signature" in headers
    event = webhooks.unwrap(PAYLOAD.encode(), headers, SECRET, now=NOW)
    assert event.data == {"id": "resp_abc123"}


def test_secret_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_WEBHOOK_SECRET", SECRET)
    assert webhooks.unwrap(PAYLOAD, headers_for(PAYLOAD), now=NOW).id == EVENT["id"]
    monkeypatch.delenv("OPENAI_WEBHOOK_SECRET")
    with pytest.raises(OpenAIError, match="OPENAI_WEBHOOK_SECRET"):
        webhooks.verify(PAYLOAD, headers_for(PAYLOAD), now=NOW)


def test_a_secret_without_the_prefix_is_raw_bytes() -> None:
    headers = headers_for(PAYLOAD, key=b"plain-secret")
    webhooks.verify(PAYLOAD, headers, "plain-secret", now=NOW)
    webhooks.verify(PAYLOAD, headers, b"plain-secret", now=NOW)


def test_one_matching_signature_among_several_is_enough() -> None:
    good = headers_for(PAYLOAD)
    other = headers_for(PAYLOAD, key=b"the-old-secret")["webhook-signature"]
    good["webhook-signature"] = f"v2,abc {other} {good['webhook-signature']}"
    webhooks.verify(PAYLOAD, good, SECRET, now=NOW)


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda h: h.update(
                {"webhook-signature": headers_for(PAYLOAD, key=b"wrong")["webhook-signature"]}
            ),
            "No",
        ),
        (
            lambda h: h.update({"webhook-signature": "v2," + h["webhook-signature"][3:]}),
            "No webhook signature",
        ),
        (lambda h: h.update({"webhook-signature": "v1,not base64 at all"}), "No webhook signature"),
        (lambda h: h.update({"webhook-id": "wh_2"}), "No webhook signature"),
        (lambda h: h.pop("webhook-id"), "no webhook-id header"),
        (lambda h: h.pop("webhook-timestamp"), "no webhook-timestamp header"),
        (lambda h: h.pop("webhook-signature"), "no webhook-signature header"),
        (lambda h: h.update({"webhook-timestamp": "soon"}), "Invalid webhook-timestamp"),
    ],
)
def test_bad_headers_are_refused(change: object, message: str) -> None:
    headers = headers_for(PAYLOAD)
    change(headers)  # type: ignore[operator]
    with pytest.raises(InvalidWebhookSignatureError, match=message):
        webhooks.unwrap(PAYLOAD, headers, SECRET, now=NOW)


def test_a_changed_payload_is_refused() -> None:
    with pytest.raises(InvalidWebhookSignatureError):
        webhooks.verify(PAYLOAD.replace("resp_abc123", "resp_evil"), headers_for(PAYLOAD), SECRET, now=NOW)


def test_the_timestamp_must_be_within_five_minutes() -> None:
    webhooks.verify(PAYLOAD, headers_for(PAYLOAD, timestamp=NOW - 300), SECRET, now=NOW)
    webhooks.verify(PAYLOAD, headers_for(PAYLOAD, timestamp=NOW + 300), SECRET, now=NOW)
    with pytest.raises(InvalidWebhookSignatureError, match="too old"):
        webhooks.verify(PAYLOAD, headers_for(PAYLOAD, timestamp=NOW - 301), SECRET, now=NOW)
    with pytest.raises(InvalidWebhookSignatureError, match="too new"):
        webhooks.verify(PAYLOAD, headers_for(PAYLOAD, timestamp=NOW + 301), SECRET, now=NOW)
    webhooks.verify(PAYLOAD, headers_for(PAYLOAD, timestamp=NOW - 900), SECRET, now=NOW, tolerance=1000)


def test_the_clock_defaults_to_now() -> None:
    import time

    fresh = int(time.time())
    webhooks.verify(PAYLOAD, headers_for(PAYLOAD, timestamp=fresh), SECRET)
    with pytest.raises(InvalidWebhookSignatureError, match="too old"):
        webhooks.verify(PAYLOAD, headers_for(PAYLOAD, timestamp=fresh - 3600), SECRET)


def test_the_error_is_an_openai_error() -> None:
    assert issubclass(InvalidWebhookSignatureError, OpenAIError)


def test_bad_secrets_name_the_parameter() -> None:
    with pytest.raises(ValueError, match="secret"):
        webhooks.verify(PAYLOAD, headers_for(PAYLOAD), "whsec_***not-base64***", now=NOW)
    with pytest.raises(TypeError, match="secret"):
        webhooks.verify(PAYLOAD, headers_for(PAYLOAD), 42, now=NOW)  # type: ignore[arg-type]


def test_unwrap_refuses_a_verified_body_that_is_not_an_event() -> None:
    for body in ("not json", "[1, 2]", '{"id": "evt_1"}'):
        with pytest.raises(ValueError, match="payload"):
            webhooks.unwrap(body, headers_for(body), SECRET, now=NOW)
