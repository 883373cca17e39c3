"""The Realtime API's REST side: client secrets for browsers, and the controls of SIP calls.

The realtime conversation itself runs over WebRTC or a WebSocket, which this library does
not speak; a server makes a short-lived client secret here and hands it to the browser, so
that the API key never leaves the server.

https://platform.openai.com/docs/api-reference/realtime
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Mapping, Optional, Sequence, Union

import requests

from ._model import Model
from ._request import _request, body_of, path_param
from ._response import ApiResponse

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._request import RequestOptions

__all__ = [
    "RealtimeSession",
    "ClientSecret",
    "create_client_secret",
    "accept_call",
    "reject_call",
    "hangup_call",
    "refer_call",
]


@dataclass
class RealtimeSession(Model):
    """The settings of a realtime session (``type`` ``realtime``) or a transcription session."""

    id: Optional[str] = None
    object: Optional[str] = None
    type: Optional[str] = None
    model: Optional[str] = None
    expires_at: Optional[int] = None
    instructions: Optional[str] = None
    output_modalities: Optional[List[str]] = None
    audio: Optional[Dict[str, Any]] = None
    include: Optional[List[str]] = None
    max_output_tokens: Union[None, int, str] = None
    tools: Optional[List[Dict[str, Any]]] = None
    tool_choice: Union[None, str, Dict[str, Any]] = None
    tracing: Union[None, str, Dict[str, Any]] = None
    truncation: Union[None, str, Dict[str, Any]] = None
    prompt: Optional[Dict[str, Any]] = None
    reasoning: Optional[Dict[str, Any]] = None


@dataclass
class ClientSecret(Model):
    """An ephemeral key for one realtime session, valid until ``expires_at`` (Unix seconds).

    ``value`` (``ek_...``) is a credential: it is left out of the repr, so that printing or
    logging the response does not show it.
    """

    value: Optional[str] = field(default=None, repr=False)
    expires_at: Optional[int] = None
    session: Optional[RealtimeSession] = None


def create_client_secret(
    session: requests.Session,
    *,
    session_config: Optional[Mapping[str, Any]] = None,
    expires_after: Optional[Mapping[str, Any]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[ClientSecret]:
    """Create a client secret, the key a browser connects to the Realtime API with.

    :param session_config: the session the secret opens, sent as the API's ``session``
        object: ``{"type": "realtime", "model": "gpt-realtime", "instructions": ...}``, or
        ``{"type": "transcription", ...}``.
    :param expires_after: ``{"anchor": "created_at", "seconds": n}``, 10 to 7200 seconds
        (600 when left out).

    https://platform.openai.com/docs/api-reference/realtime-sessions/create-realtime-client-secret
    """
    if session_config is not None and not isinstance(session_config, Mapping):
        raise TypeError(f"session_config must be a mapping, not {type(session_config).__name__}")
    if expires_after is not None and not isinstance(expires_after, Mapping):
        raise TypeError(f"expires_after must be a mapping, not {type(expires_after).__name__}")
    body: Dict[str, Any] = {}
    if session_config is not None:
        body["session"] = dict(session_config)
    if expires_after is not None:
        body["expires_after"] = dict(expires_after)
    return _request(session, "POST", "/realtime/client_secrets", json_body=body, into=ClientSecret, **options)


def accept_call(
    session: requests.Session,
    call_id: str,
    *,
    model: Optional[str] = None,
    instructions: Optional[str] = None,
    audio: Optional[Mapping[str, Any]] = None,
    include: Optional[Sequence[str]] = None,
    max_output_tokens: Union[None, int, Literal["inf"]] = None,
    output_modalities: Optional[Sequence[Literal["text", "audio"]]] = None,
    parallel_tool_calls: Optional[bool] = None,
    prompt: Optional[Mapping[str, Any]] = None,
    reasoning: Optional[Mapping[str, Any]] = None,
    tool_choice: Union[None, str, Mapping[str, Any]] = None,
    tools: Optional[Sequence[Mapping[str, Any]]] = None,
    tracing: Union[None, Literal["auto"], Mapping[str, Any]] = None,
    truncation: Union[None, str, Mapping[str, Any]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[None]:
    """Accept an incoming SIP call and configure the realtime session that answers it.

    ``call_id`` comes from the ``realtime.call.incoming`` webhook. The keywords are the
    session's settings, sent with ``type`` ``realtime``.

    https://platform.openai.com/docs/api-reference/realtime-calls/accept-call
    """
    body = body_of(locals())
    del body["call_id"]
    body["type"] = "realtime"
    return _request(session, "POST", _call_path(call_id, "accept"), json_body=body, into=None, **options)


def reject_call(
    session: requests.Session,
    call_id: str,
    *,
    status_code: Optional[int] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[None]:
    """Decline an incoming SIP call.

    :param status_code: the SIP status sent to the caller (603 Decline when left out).

    https://platform.openai.com/docs/api-reference/realtime-calls/reject-call
    """
    if status_code is not None and (isinstance(status_code, bool) or not isinstance(status_code, int)):
        raise TypeError(f"status_code must be an integer SIP status, not {status_code!r}")
    body = {} if status_code is None else {"status_code": status_code}
    return _request(session, "POST", _call_path(call_id, "reject"), json_body=body, into=None, **options)


def hangup_call(
    session: requests.Session, call_id: str, **options: Unpack[RequestOptions]
) -> ApiResponse[None]:
    """End an active call (SIP or WebRTC).

    https://platform.openai.com/docs/api-reference/realtime-calls/hangup-call
    """
    return _request(session, "POST", _call_path(call_id, "hangup"), into=None, **options)


def refer_call(
    session: requests.Session,
    call_id: str,
    *,
    target_uri: str,
    **options: Unpack[RequestOptions],
) -> ApiResponse[None]:
    """Transfer an active SIP call to ``target_uri`` (``tel:+14155550123`` or ``sip:...``).

    https://platform.openai.com/docs/api-reference/realtime-calls/refer-call
    """
    if not isinstance(target_uri, str):
        raise TypeError(f"target_uri must be a SIP or tel URI string, not {type(target_uri).__name__}")
    if not target_uri:
        raise ValueError("target_uri must be a SIP or tel URI, not an empty string")
    body = {"target_uri": target_uri}
    return _request(session, "POST", _call_path(call_id, "refer"), json_body=body, into=None, **options)


def _call_path(call_id: str, action: str) -> str:
    return "/realtime/calls/" + path_param(call_id, "call_id") + "/" + action
