"""The exceptions raised by openai_lite.

Our exception hierarchy::

    OpenAIError
    ├── APIConnectionError              (no HTTP status: refused, reset, TLS, cut stream)
    │   └── APITimeoutError             (connect or read timeout)
    ├── APIResponseValidationError      (a 2xx body that is not what the API documents)
    ├── APIStreamError                  (an ``error`` event inside a stream)
    ├── LengthFinishReasonError         (a structured answer cut by the token limit)
    ├── ContentFilterFinishReasonError  (a structured answer stopped by the content filter)
    ├── OutputValidationError           (a structured answer that does not fit its type)
    └── APIStatusError                  (an HTTP error status)
        ├── BadRequestError             400
        ├── AuthenticationError         401
        ├── PermissionDeniedError       403
        ├── NotFoundError               404
        ├── ConflictError               409
        ├── UnprocessableEntityError    422
        ├── RateLimitError              429
        └── InternalServerError         >= 500

Calls do not raise :class:`APIStatusError`: they return an
:class:`~openai_lite.ApiResponse` whose ``data`` and ``raise_for_status()`` raise it.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Type

__all__ = [
    "OpenAIError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "APIStreamError",
    "LengthFinishReasonError",
    "ContentFilterFinishReasonError",
    "OutputValidationError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
]

#: How much of an unexpected body an error shows.
SNIPPET_LENGTH = 200
#: How much of an unexpected body an error keeps.
BODY_KEPT = 1000


def text_or_none(value: Any) -> Optional[str]:
    """Return an error field (a code may come as a number) as text, keeping None."""
    return None if value is None else str(value)


def snippet(body: Any, limit: int = SNIPPET_LENGTH) -> str:
    """Return a short, printable excerpt of *body* for an error message."""
    if isinstance(body, (bytes, bytearray)):
        text = bytes(body[: limit * 4]).decode("utf-8", "replace")
    else:
        text = str(body)
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text or "<empty body>"


class OpenAIError(Exception):
    """Base class of every error raised by openai_lite."""


class APIConnectionError(OpenAIError):
    """The request got no complete HTTP answer: refused, reset, TLS failure, or a cut stream."""


class APITimeoutError(APIConnectionError):
    """The connect or read timeout fired."""


class APIResponseValidationError(OpenAIError):
    """A successful response whose body is not the JSON the API documents."""

    def __init__(
        self,
        message: str,
        *,
        status_code: Optional[int] = None,
        body: Any = None,
        request_id: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        #: The start of the body (a huge page is not kept whole).
        self.body = body[:BODY_KEPT] if isinstance(body, (bytes, str)) else body
        self.request_id = request_id

    def __str__(self) -> str:
        where = f" (request {self.request_id})" if self.request_id else ""
        return f"{self.args[0]}{where}: {snippet(self.body)}"


class APIStatusError(OpenAIError):
    """The API answered with an error status.

    ``type``, ``code``, ``param`` and ``message`` come from the OpenAI error body when there
    is one; ``body`` is that parsed body, or a short snippet of whatever came back instead.
    """

    status_code: int

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        reason: str = "",
        headers: Optional[Mapping[str, str]] = None,
        body: Any = None,
        type: Optional[str] = None,
        code: Optional[str] = None,
        param: Optional[str] = None,
        request_id: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.reason = reason
        self.headers: Mapping[str, str] = headers if headers is not None else {}
        self.body = body
        self.type = type
        self.code = code
        self.param = param
        self.request_id = request_id

    def __str__(self) -> str:
        head = f"{self.status_code} {self.reason}".rstrip()
        if self.request_id:
            head += f" (request {self.request_id})"
        return f"{head}: {self.message}"

    def __reduce__(self) -> Any:
        kwargs = {k: v for k, v in self.__dict__.items() if k != "message"}
        return (_rebuild, (type(self), self.message, kwargs))


def _rebuild(cls: Type[Any], message: str, kwargs: Any) -> Any:
    return cls(message, **kwargs)


class APIStreamError(OpenAIError):
    """An error event inside a stream that had begun with a success status.

    ``body`` is the event's parsed data.
    """

    def __init__(
        self,
        message: str,
        *,
        type: Optional[str] = None,
        code: Optional[str] = None,
        param: Optional[str] = None,
        body: Any = None,
        request_id: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.body = body
        self.request_id = request_id

    def __str__(self) -> str:
        where = f" (request {self.request_id})" if self.request_id else ""
        kind = f" [{self.type}]" if self.type else ""
        return f"Error in the stream{where}{kind}: {self.message}"

    def __reduce__(self) -> Any:
        kwargs = {k: v for k, v in self.__dict__.items() if k != "message"}
        return (_rebuild, (type(self), self.message, kwargs))


class LengthFinishReasonError(OpenAIError):
    """A structured answer was cut by the token limit before its JSON was complete.

    ``completion`` is the :class:`~openai_lite.chat.ChatCompletion` (finish reason
    ``length``) or the :class:`~openai_lite.responses.Response` (incomplete by
    ``max_output_tokens``) as it came.
    """

    def __init__(self, completion: Any) -> None:
        super().__init__(
            "The answer was cut by the token limit before its JSON was complete: "
            "raise max_completion_tokens (chat) or max_output_tokens (responses)."
        )
        self.completion = completion

    def __reduce__(self) -> Any:
        return (type(self), (self.completion,))


class ContentFilterFinishReasonError(OpenAIError):
    """The content filter stopped a structured answer; ``completion`` is the answer as it came."""

    def __init__(self, completion: Any) -> None:
        super().__init__("The content filter stopped the answer before its JSON was complete.")
        self.completion = completion

    def __reduce__(self) -> Any:
        return (type(self), (self.completion,))


class OutputValidationError(OpenAIError):
    """The model's JSON does not fit the type asked for.

    ``path`` points at the value in question (``$.items[2].price``), ``expected`` says what
    the type wanted there, and ``content`` is the model's text.
    """

    def __init__(self, path: str, expected: str, content: Optional[str] = None) -> None:
        super().__init__(f"{path}: {expected}")
        self.path = path
        self.expected = expected
        #: The start of the model's text (a huge answer is not kept whole).
        self.content = content[:BODY_KEPT] if isinstance(content, str) else content

    def __reduce__(self) -> Any:
        return (type(self), (self.path, self.expected, self.content))


class BadRequestError(APIStatusError):
    """400: the request was malformed or named a bad parameter."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, wrong or revoked."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not do this."""


class NotFoundError(APIStatusError):
    """404: no such object or endpoint."""


class ConflictError(APIStatusError):
    """409: the object is in a state that forbids this."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well formed but could not be processed."""


class RateLimitError(APIStatusError):
    """429: too many requests or tokens, or the quota is used up."""


class InternalServerError(APIStatusError):
    """5xx: the API, or a proxy in front of it, failed."""


_BY_STATUS = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> Type[APIStatusError]:
    """Return the :class:`APIStatusError` subclass for *status_code*."""
    if status_code >= 500:
        return InternalServerError
    return _BY_STATUS.get(status_code, APIStatusError)
