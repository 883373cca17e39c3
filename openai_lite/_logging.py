"""Logging through the standard library: the ``openai_lite`` logger and ``OPENAI_LOG``.

Each completed request is one DEBUG line on the ``openai_lite`` logger: method, URL path,
status, elapsed time, request id and retries. A request that gets no answer is one DEBUG
line too. Request and response bodies go to the child logger ``openai_lite.body``, which is
off (WARNING) unless ``OPENAI_LOG=debug-body`` or your own code lowers its level. Headers
are never logged, so neither is the key.

``OPENAI_LOG`` is read once, when this module is first imported: ``info``, ``debug`` or
``debug-body`` set the level and add a handler writing to stderr (unless the logger has one).
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any, List, Optional
from urllib.parse import urlsplit

import requests

__all__ = ["logger", "body_logger", "configure_from_env", "log_exchange", "log_failure"]

#: The library's logger.
logger = logging.getLogger("openai_lite")
#: Request and response bodies, at DEBUG; off unless asked for.
body_logger = logging.getLogger("openai_lite.body")

#: The longest body excerpt logged, in characters.
BODY_LIMIT = 2000

_LEVELS = {"info": logging.INFO, "debug": logging.DEBUG, "debug-body": logging.DEBUG}


def configure_from_env(value: Optional[str]) -> None:
    """Apply an ``OPENAI_LOG`` value: ``info``, ``debug`` or ``debug-body`` (anything else: nothing)."""
    if body_logger.level == logging.NOTSET:
        body_logger.setLevel(logging.WARNING)
    level = _LEVELS.get((value or "").strip().lower())
    if level is None:
        return
    logger.setLevel(level)
    if value is not None and value.strip().lower() == "debug-body":
        body_logger.setLevel(logging.DEBUG)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
        logger.addHandler(handler)


def _path(url: Optional[str]) -> str:
    return urlsplit(url or "").path or "/"


def log_exchange(prepared: requests.PreparedRequest, resp: requests.Response, stream: bool) -> None:
    """Log one completed request at DEBUG (the caller has checked that DEBUG is on)."""
    retry = getattr(resp.raw, "retries", None)
    history = retry.history if retry is not None else ()
    elapsed_ms = resp.elapsed.total_seconds() * 1000.0
    line = "%s %s -> %d in %.0f ms, request %s"
    args: List[Any] = [prepared.method, _path(prepared.url), resp.status_code, elapsed_ms]
    args.append(resp.headers.get("x-request-id") or "-")
    if history:
        line += ", %d retries (%s)"
        args += [len(history), ", ".join(str(h.status or h.error) for h in history)]
    logger.debug(line, *args)
    if body_logger.isEnabledFor(logging.DEBUG):
        body_logger.debug("request body: %s", _excerpt(prepared.body))
        if not stream:
            body_logger.debug("response body: %s", _excerpt(resp.content))


def log_failure(prepared: requests.PreparedRequest, exc: BaseException) -> None:
    """Log a request that got no HTTP answer, at DEBUG."""
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("%s %s -> no response: %s", prepared.method, _path(prepared.url), exc)


def _excerpt(body: Any) -> str:
    if body is None:
        return "<none>"
    if isinstance(body, (bytes, bytearray)):
        text = bytes(body[: BODY_LIMIT * 4]).decode("utf-8", "replace")
    elif isinstance(body, str):
        text = body
    else:
        content_type = getattr(body, "content_type", "")
        size = getattr(body, "len", None)
        return f"<{content_type or type(body).__name__}, {size if size is not None else '?'} bytes>"
    return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + "..."


configure_from_env(os.environ.get("OPENAI_LOG"))
