"""Exceptions raised by llamacloud_async.

All of them derive from :class:`LlamaCloudError`::

    LlamaCloudError                  also raised when no API key is configured
    └── APIError                     a request failed
        ├── APIStatusError               the server answered with a 4xx or 5xx status
        │   ├── BadRequestError              400
        │   ├── AuthenticationError          401
        │   ├── PermissionDeniedError        403
        │   ├── NotFoundError                404
        │   ├── ConflictError                409
        │   ├── UnprocessableEntityError     422
        │   ├── RateLimitError               429
        │   └── InternalServerError          500 and above
        ├── APIConnectionError           no usable response: refused, reset, DNS, TLS
        │   └── APITimeoutError              an attempt ran past its deadline
        └── APIResponseValidationError   a 2xx response whose body is not the documented shape

Messages and attributes carry the method, URL, status, request id and a bounded excerpt
of the response body; never the API key or any request header.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

import msgspec

if TYPE_CHECKING:
    from ._request import Request

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "LlamaCloudError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
]

BODY_EXCERPT_CHARS = 500


def body_excerpt(body: bytes) -> str:
    """The first few hundred characters of a response body, for messages."""
    text = body[: BODY_EXCERPT_CHARS * 4].decode("utf-8", errors="replace")
    if len(text) > BODY_EXCERPT_CHARS or len(body) > BODY_EXCERPT_CHARS * 4:
        return text[:BODY_EXCERPT_CHARS] + "…"
    return text


class LlamaCloudError(Exception):
    """Base class of every exception this package raises on purpose."""


class APIError(LlamaCloudError):
    """A request failed."""

    message: str
    method: str
    url: str
    attempts: int
    request: Request | None
    """The request that failed (``None`` for an error made outside a request)."""

    def __init__(self, message: str, *, method: str, url: str) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url
        self.attempts = 1
        self.request = None

    def __str__(self) -> str:
        if self.attempts > 1:
            return f"{self.message} (after {self.attempts} attempts)"
        return self.message


class APIStatusError(APIError):
    """The server answered with a 4xx or 5xx status.

    ``retry_after`` is the server's retry hint in seconds (``retry-after-ms`` or
    ``Retry-After``), when it sent a valid one.
    """

    status_code: int
    request_id: str | None
    headers: Mapping[str, str]
    body: str
    detail: object | None
    retry_after: float | None

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        status_code: int,
        request_id: str | None,
        headers: Mapping[str, str],
        body: bytes,
    ) -> None:
        super().__init__(message, method=method, url=url)
        self.status_code = status_code
        self.request_id = request_id
        self.headers = headers
        self.body = body_excerpt(body)
        self.detail = _detail(body)
        self.retry_after = None


class BadRequestError(APIStatusError):
    """400 Bad Request."""


class AuthenticationError(APIStatusError):
    """401 Unauthorized: the API key is missing, wrong or revoked."""


class PermissionDeniedError(APIStatusError):
    """403 Forbidden: the key may not read this resource."""


class NotFoundError(APIStatusError):
    """404 Not Found: no such job or run (or not visible to this key)."""


class ConflictError(APIStatusError):
    """409 Conflict."""


class UnprocessableEntityError(APIStatusError):
    """422 Unprocessable Entity: the server rejected a parameter."""


class RateLimitError(APIStatusError):
    """429 Too Many Requests. Raised at once, without retrying, when ``retry_after``
    is longer than the client's ``max_retry_after``."""


class InternalServerError(APIStatusError):
    """A 5xx status: the server failed."""


class APIConnectionError(APIError):
    """No usable response: connection refused or reset, DNS or TLS failure."""


class APITimeoutError(APIConnectionError):
    """An attempt ran past its deadline (connect, headers and body together)."""


class APIResponseValidationError(APIError):
    """A successful status with a body that is not the documented shape.

    Raised for bodies that are not JSON, are ``null``, miss a required field or carry a
    field of the wrong type, and for bodies larger than the configured maximum.
    """

    status_code: int
    request_id: str | None
    body: str

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        status_code: int,
        request_id: str | None,
        body: bytes,
    ) -> None:
        super().__init__(message, method=method, url=url)
        self.status_code = status_code
        self.request_id = request_id
        self.body = body_excerpt(body)


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status: int) -> type[APIStatusError]:
    """The exception class for an HTTP error status."""
    if status >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status, APIStatusError)


def _detail(body: bytes) -> object | None:
    """The ``detail`` member of a JSON error body (FastAPI's convention), if any."""
    if not body.lstrip().startswith(b"{"):
        return None
    try:
        decoded: object = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return None
    return cast("dict[str, object]", decoded).get("detail") if isinstance(decoded, dict) else None
