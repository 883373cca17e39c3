"""Realtime routes: client secrets, and the controls of SIP calls.

A client secret is a fresh ``ek_`` value, remembered with its session in
:func:`client_secrets_of`. Calls come from the outside world (a SIP trunk), so the fake has
none of its own: :func:`ring` announces one, which can then be accepted or rejected once,
referred while active, and hung up.
"""

from __future__ import annotations

import weakref
from typing import Any, Dict

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
)

_SESSION_TYPES = ("realtime", "transcription")
_DEFAULT_MODEL = "gpt-realtime"


class _State:
    def __init__(self) -> None:
        self.secrets: Dict[str, Dict[str, Any]] = {}
        self.calls: Dict[str, Dict[str, Any]] = {}


_STATES: weakref.WeakKeyDictionary[FakeOpenAI, _State] = weakref.WeakKeyDictionary()


@builtin_seed
def _seed(fake: FakeOpenAI) -> None:
    _STATES[fake] = _State()


def _state(fake: FakeOpenAI) -> _State:
    return _STATES.setdefault(fake, _State())


def client_secrets_of(fake: FakeOpenAI) -> Dict[str, Dict[str, Any]]:
    """The client secrets *fake* has made, by value: each the answer it gave."""
    return _state(fake).secrets


def calls_of(fake: FakeOpenAI) -> Dict[str, Dict[str, Any]]:
    """The calls *fake* knows, by id: ``{"status": ..., "session": ..., "referred_to": ...}``."""
    return _state(fake).calls


def ring(fake: FakeOpenAI) -> str:
    """Announce an incoming SIP call, as the ``realtime.call.incoming`` webhook would; return its id."""
    with fake.lock:
        call_id = fake.new_id("rtc_", 32)
        calls_of(fake)[call_id] = {"status": "ringing", "session": None, "referred_to": None}
        return call_id


def _session(fake: FakeOpenAI, given: Any, expires_at: int) -> Dict[str, Any]:
    """The session a client secret opens: the settings sent, with an id and defaults."""
    if given is None:
        given = {"type": "realtime"}
    if not isinstance(given, dict) or given.get("type") not in _SESSION_TYPES:
        raise invalid("session.type", "expected 'realtime' or 'transcription'")
    session = dict(given)
    session["id"] = fake.new_id("sess_", 24)
    realtime = given["type"] == "realtime"
    session["object"] = "realtime.session" if realtime else "realtime.transcription_session"
    session["expires_at"] = expires_at
    if given["type"] == "realtime":
        session.setdefault("model", _DEFAULT_MODEL)
        session.setdefault("output_modalities", ["audio"])
        session.setdefault("tools", [])
        session.setdefault("tool_choice", "auto")
    return session


@builtin_route("POST", "/realtime/client_secrets")
def create_client_secret(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Make an ephemeral key for one session, valid 600 seconds unless ``expires_after`` says otherwise."""
    body = json_body(request)
    expiry = body.get("expires_after") or {}
    seconds = expiry.get("seconds", 600) if isinstance(expiry, dict) else None
    if (
        not isinstance(seconds, int)
        or isinstance(seconds, bool)
        or not 10 <= seconds <= 7200
        or expiry.get("anchor", "created_at") != "created_at"
    ):
        raise invalid("expires_after", "expected anchor 'created_at' and 10 to 7200 seconds")
    expires_at = fake.now() + seconds
    secret: Dict[str, Any] = {
        "value": "ek_" + fake.new_id("", 32),
        "expires_at": expires_at,
        "session": _session(fake, body.get("session"), expires_at),
    }
    client_secrets_of(fake)[secret["value"]] = secret
    return json_reply(secret)


def _call(fake: FakeOpenAI, call_id: str, *allowed: str) -> Dict[str, Any]:
    call = calls_of(fake).get(call_id)
    if call is None:
        raise not_found("call", call_id, "call_id")
    if call["status"] not in allowed:
        raise ApiError(409, f"The call is {call['status']}.", param="call_id", code="call_state")
    return call


@builtin_route("POST", "/realtime/calls/{call_id}/accept")
def accept_call(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Answer a ringing call with a realtime session."""
    call = _call(fake, params["call_id"], "ringing")
    body = json_body(request)
    if body.get("type") != "realtime":
        raise invalid("type", "expected 'realtime'")
    call.update(status="active", session=dict(body))
    return Reply()


@builtin_route("POST", "/realtime/calls/{call_id}/reject")
def reject_call(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Decline a ringing call."""
    call = _call(fake, params["call_id"], "ringing")
    status = (json_body(request) if request.body else {}).get("status_code", 603)
    if not isinstance(status, int) or isinstance(status, bool) or not 400 <= status <= 699:
        raise invalid("status_code", "expected a SIP status from 400 to 699")
    call.update(status="rejected", sip_status=status)
    return Reply()


@builtin_route("POST", "/realtime/calls/{call_id}/hangup")
def hangup_call(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """End an active call."""
    _call(fake, params["call_id"], "active")["status"] = "ended"
    return Reply()


@builtin_route("POST", "/realtime/calls/{call_id}/refer")
def refer_call(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Transfer an active call to a SIP or tel URI."""
    call = _call(fake, params["call_id"], "active")
    target = json_body(request).get("target_uri")
    if not isinstance(target, str) or not target.startswith(("sip:", "tel:")):
        raise invalid("target_uri", "expected a sip: or tel: URI")
    call.update(status="referred", referred_to=target)
    return Reply()
