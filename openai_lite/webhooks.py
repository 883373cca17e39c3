"""Verify and parse the webhooks that OpenAI sends (Standard Webhooks signatures).

::

    from openai_lite import webhooks

    event = webhooks.unwrap(request_body, request_headers, secret="whsec_...")
    if event.type == "response.completed":
        print(event.data["id"])

A webhook carries the headers ``webhook-id``, ``webhook-timestamp`` and
``webhook-signature``; the signature is an HMAC-SHA256 of ``{id}.{timestamp}.{body}`` under
the endpoint's secret. Only the standard library is used.

https://platform.openai.com/docs/guides/webhooks
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Union

from ._errors import OpenAIError

__all__ = ["WebhookEvent", "InvalidWebhookSignatureError", "verify", "unwrap", "sign", "TOLERANCE"]

#: How far (seconds) a webhook's timestamp may be from now, either way.
TOLERANCE = 300
_PREFIX = "whsec_"

Payload = Union[str, bytes, bytearray]


class InvalidWebhookSignatureError(OpenAIError):
    """The webhook's headers are missing, its timestamp is too old or new, or no signature matches."""


@dataclass(frozen=True)
class WebhookEvent:
    """A verified webhook event."""

    #: The event id, ``evt_...``.
    id: str
    #: What happened, e.g. ``response.completed`` or ``batch.failed``.
    type: str
    #: Unix seconds.
    created_at: int
    #: The event's ``data`` object (usually the id of the object concerned).
    data: Dict[str, Any] = field(default_factory=dict)
    #: Always ``event``.
    object: str = "event"


def _key(secret: Union[str, bytes, None]) -> bytes:
    if secret is None:
        secret = os.environ.get("OPENAI_WEBHOOK_SECRET")
        if not secret:
            raise OpenAIError("No webhook secret: pass secret= or set OPENAI_WEBHOOK_SECRET.")
    if isinstance(secret, bytes):
        return secret
    if not isinstance(secret, str) or not secret:
        raise TypeError(f"secret must be a non-empty str or bytes, not {secret!r}")
    if secret.startswith(_PREFIX):
        try:
            return base64.b64decode(secret[len(_PREFIX) :], validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("secret: a whsec_ secret must be base64 after the prefix") from None
    return secret.encode("utf-8")


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if value is None:
        for key, candidate in headers.items():
            if key.lower() == name:
                value = candidate
                break
    if not value:
        raise InvalidWebhookSignatureError(f"The webhook has no {name} header")
    return value


def sign(
    payload: Payload, *, webhook_id: str, timestamp: int, secret: Union[str, bytes, None] = None
) -> str:
    """Return the ``webhook-signature`` value (``v1,<base64>``) of *payload*, as a sender would."""
    body = payload if isinstance(payload, (bytes, bytearray)) else payload.encode("utf-8")
    signed = f"{webhook_id}.{timestamp}.".encode() + bytes(body)
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def verify(
    payload: Payload,
    headers: Mapping[str, str],
    secret: Union[str, bytes, None] = None,
    *,
    tolerance: int = TOLERANCE,
    now: Optional[float] = None,
) -> None:
    """Check a webhook's signature and timestamp; return None when it is genuine.

    *payload* is the body exactly as received (bytes, or the decoded text). *headers* may
    be any mapping; names are matched whatever their case. *secret* is the ``whsec_...``
    value OpenAI shows for the endpoint (a secret without the prefix is used as raw bytes),
    or ``OPENAI_WEBHOOK_SECRET`` when left out. The signature header may hold several
    space-separated signatures (during a secret rotation); one match is enough.

    :raises InvalidWebhookSignatureError: when it is not.
    """
    key = _key(secret)
    webhook_id = _header(headers, "webhook-id")
    raw_timestamp = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature")
    try:
        timestamp = int(raw_timestamp)
    except ValueError:
        raise InvalidWebhookSignatureError(f"Invalid webhook-timestamp: {raw_timestamp!r}") from None
    current = time.time() if now is None else now
    if timestamp < current - tolerance:
        raise InvalidWebhookSignatureError("The webhook's timestamp is too old")
    if timestamp > current + tolerance:
        raise InvalidWebhookSignatureError("The webhook's timestamp is too new")
    expected = sign(payload, webhook_id=webhook_id, timestamp=timestamp, secret=key)[3:].encode("ascii")
    matched = False
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode("ascii", "replace"), expected):
            matched = True  # no early exit: the time taken does not tell which one matched
    if not matched:
        raise InvalidWebhookSignatureError("No webhook signature matches the payload and secret")


def unwrap(
    payload: Payload,
    headers: Mapping[str, str],
    secret: Union[str, bytes, None] = None,
    *,
    tolerance: int = TOLERANCE,
    now: Optional[float] = None,
) -> WebhookEvent:
    """Verify a webhook (as :func:`verify` does) and return its event.

    :raises InvalidWebhookSignatureError: when the signature or timestamp does not check out.
    :raises ValueError: when the verified body is not a JSON event object.
    """
    verify(payload, headers, secret, tolerance=tolerance, now=now)
    try:
        obj = json.loads(payload)
    except ValueError as exc:
        raise ValueError(f"payload: the webhook body is not JSON ({exc})") from None
    except RecursionError:
        raise ValueError("payload: the webhook body is nested too deeply") from None
    if not (isinstance(obj, dict) and isinstance(obj.get("id"), str) and isinstance(obj.get("type"), str)):
        raise ValueError("payload: the webhook body is not an event object with an id and a type")
    data = obj.get("data")
    created_at = obj.get("created_at")
    return WebhookEvent(
        id=obj["id"],
        type=obj["type"],
        created_at=created_at if isinstance(created_at, int) else 0,
        data=data if isinstance(data, dict) else {},
        object=str(obj.get("object", "event")),
    )
