"""ApiResponse: what every call returns."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Generic, Mapping, Optional, TypeVar

import requests

from ._errors import APIStatusError, snippet, status_error_class, text_or_none
from ._model import Model

__all__ = ["ApiResponse", "ErrorObject"]

T = TypeVar("T")


@dataclass
class ErrorObject(Model):
    """The ``error`` object of an OpenAI error body."""

    message: Optional[str] = None
    type: Optional[str] = None
    param: Optional[str] = None
    code: Optional[str] = None


@dataclass(frozen=True)
class ApiResponse(Generic[T]):
    """The parsed response to a call, with the HTTP status, headers and request id.

    An HTTP error does not raise at the call: ``ok`` is false, ``error`` holds the parsed
    error body, and reading ``data`` (or calling ``raise_for_status()``) raises the typed
    :class:`~openai_lite.APIStatusError`, so that a script never goes on with a
    silent None.
    """

    #: The HTTP status of the final try.
    status_code: int
    #: The response headers (case-insensitive).
    headers: Mapping[str, str] = field(repr=False)
    #: The :class:`requests.Response` itself.
    raw: requests.Response = field(repr=False, compare=False)
    #: The OpenAI error body of an error response, or None.
    error: Optional[ErrorObject] = None
    #: How many times the request was retried before this response.
    retries: int = 0
    _data: Optional[T] = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        """True for a 2xx status."""
        return 200 <= self.status_code < 300

    @property
    def request_id(self) -> Optional[str]:
        """The ``x-request-id`` header: quote it when asking OpenAI about a call."""
        return self.headers.get("x-request-id")

    @property
    def data(self) -> T:
        """The parsed body.

        :raises APIStatusError: (the subclass for the status) when the call failed.
        """
        if not self.ok:
            raise self.exception()
        return self._data  # type: ignore[return-value]

    def raise_for_status(self) -> ApiResponse[T]:
        """Raise the typed error of a failed call; return the response itself otherwise."""
        if not self.ok:
            raise self.exception()
        return self

    def exception(self) -> APIStatusError:
        """Build (without raising) the typed error that this response stands for."""
        error = self.error
        body: Any
        if error is not None:
            body = {"error": dataclasses.asdict(error)}
            message = snippet(error.message, 1000) if error.message else snippet(self.raw.content)
        else:
            body = snippet(self.raw.content)
            message = body
        return status_error_class(self.status_code)(
            message,
            status_code=self.status_code,
            reason=self.raw.reason or "",
            headers=self.headers,
            body=body,
            type=error.type if error else None,
            code=text_or_none(error.code) if error else None,
            param=text_or_none(error.param) if error else None,
            request_id=self.request_id,
        )

    def __repr__(self) -> str:
        data = self._data
        if isinstance(data, bytes):
            shown = f"data=<{len(data)} bytes>"
        else:
            shown = f"data={data!r}" if self.ok else f"error={self.error!r}"
        return f"ApiResponse(status_code={self.status_code}, request_id={self.request_id!r}, {shown})"
