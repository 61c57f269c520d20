"""Exceptions raised by llamacloud_async.

All of them derive from `LlamaCloudError`::

    LlamaCloudError                  also raised when no API key is configured
    ├── ClientClosedError            the client was closed (also a RuntimeError)
    ├── PollingError                 a waited-for job ended FAILED, CANCELLED or ERROR (`e.job`)
    ├── PollingTimeoutError          a wait ran past its deadline (also a TimeoutError)
    └── APIError                     a request failed
        ├── APIStatusError               the server answered with an error status
        │   ├── BadRequestError              400
        │   ├── AuthenticationError          401
        │   ├── PermissionDeniedError        403
        │   ├── NotFoundError                404
        │   ├── ConflictError                409
        │   ├── UnprocessableEntityError     422
        │   ├── RateLimitError               429
        │   └── InternalServerError          500 and above
        ├── APIConnectionError           no usable response: refused, reset, DNS, TLS
        │   ├── APITimeoutError              an attempt ran past its deadline
        │   ├── ProxyAuthenticationError     the proxy refused the client (407 to CONNECT)
        │   └── RedirectError                redirected to another origin, or too often
        └── APIResponseValidationError   a 2xx response whose body is not the documented shape

Messages carry the method, URL, status, request id and a short excerpt of the response
body, escaped and bounded (`str(e)` stays under about 500 characters); never the API
key or any request header. The full response is on the error: `e.body` (the decoded
JSON, or the text), `e.response` (status, headers, bytes as received, and its request),
`e.request` (method, URL and body of the request).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import msgspec
from multidict import CIMultiDict, CIMultiDictProxy

from ._http import HTTPRequest, Response
from ._safetext import MESSAGE_CHARS, NO_SECRETS, Redactor, clean, excerpt, shorten

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
    "ClientClosedError",
    "ConflictError",
    "HTTPRequest",
    "InternalServerError",
    "LlamaCloudError",
    "NotFoundError",
    "PermissionDeniedError",
    "PollingError",
    "PollingTimeoutError",
    "ProxyAuthenticationError",
    "RateLimitError",
    "RedirectError",
    "Response",
    "UnprocessableEntityError",
]


def body_excerpt(body: bytes) -> str:
    """A short single-line excerpt of a response body (markup dropped, escaped), for messages."""
    return excerpt(body)


class LlamaCloudError(Exception):
    """Base class of every exception this package raises on purpose."""


class ClientClosedError(LlamaCloudError, RuntimeError):
    """The client (or a view of it) was closed; make a new one."""


class PollingError(LlamaCloudError):
    """A job being waited for reached a terminal state other than success.

    `job` is the job as last read (its `status` and error text included); `job_id` and
    `status` repeat what the message says.
    """

    job: Any
    job_id: str
    status: str

    def __init__(self, message: str, *, job: Any, job_id: str, status: str) -> None:
        super().__init__(shorten(clean(message), MESSAGE_CHARS))
        self.job = job
        self.job_id = job_id
        self.status = status


class PollingTimeoutError(LlamaCloudError, TimeoutError):
    """A wait ran past its `timeout` before the job (or every job) finished.

    `job` is the job as last read, or `None` if no poll succeeded; `pending` holds the
    IDs still unfinished (one for a single wait).
    """

    job: Any
    pending: list[str]
    timeout: float

    def __init__(self, message: str, *, job: Any, pending: list[str], timeout: float) -> None:
        super().__init__(shorten(clean(message), MESSAGE_CHARS))
        self.job = job
        self.pending = pending
        self.timeout = timeout


class APIError(LlamaCloudError):
    """A request failed."""

    message: str
    method: str
    url: str
    attempts: int
    sent: Request | None
    """The request value that failed, as the retry machinery sees it (`None` for an
    error made outside a request)."""

    def __init__(self, message: str, *, method: str, url: str) -> None:
        message = shorten(clean(message), MESSAGE_CHARS)
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url
        self.attempts = 1
        self.sent = None

    @property
    def request(self) -> HTTPRequest:
        """The request that failed: `e.request.method`, `e.request.url`, its body."""
        sent = self.sent
        return HTTPRequest(self.method, self.url, sent.body if sent is not None else None)

    @property
    def body(self) -> object | None:
        """The response body (decoded JSON, else text); `None` when no response arrived."""
        return None

    def __str__(self) -> str:
        if self.attempts > 1:
            return f"{self.message} (after {self.attempts} attempts)"
        return self.message


_UNDECODED = object()


class _ResponseError(APIError):
    """An error about a response that arrived: its status, request id, body and headers."""

    status_code: int
    request_id: str | None
    headers: Mapping[str, str]
    body_excerpt: str
    """A short single-line excerpt of the body: what the message shows."""

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        status_code: int,
        request_id: str | None,
        body: bytes,
        headers: Mapping[str, str] | None = None,
        redactor: Redactor = NO_SECRETS,
    ) -> None:
        super().__init__(message, method=method, url=url)
        received: Mapping[str, str] = headers if headers is not None else {}
        self._response = Response(status_code, received, body, url)
        self.status_code = status_code
        self.request_id = redactor.text(request_id) if request_id else request_id
        self.headers = _redacted_headers(received, redactor)
        self._content = redactor.bytes(body)
        self._decoded: object = _UNDECODED
        self.body_excerpt = excerpt(self._content)

    @property
    def response(self) -> Response:
        """The response as received: `status_code`, `headers`, `content`, `text`, `json()`,
        and its `request`."""
        response = self._response
        if response.request is None:
            response.request = self.request
        return response

    @property
    def body(self) -> object:
        """The body: the decoded JSON when it is JSON, else its text (stripped).

        The client's own API key, if the server echoed it, reads `<redacted>`; the
        bytes as received are `e.response.content`.
        """
        if self._decoded is _UNDECODED:
            self._decoded = _decoded_body(self._content)
        return self._decoded


class APIStatusError(_ResponseError):
    """The server answered with an error status (4xx or 5xx).

    `retry_after` is the server's retry hint in seconds (`retry-after-ms` or
    `Retry-After`), when it sent a valid one. `detail` is the `detail` member of
    the API's JSON error body, or `None` when the body is not that shape.
    """

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
        redactor: Redactor = NO_SECRETS,
    ) -> None:
        super().__init__(
            message,
            method=method,
            url=url,
            status_code=status_code,
            request_id=request_id,
            body=body,
            headers=headers,
            redactor=redactor,
        )
        self.detail = error_detail(self._content)
        self.retry_after = None


class BadRequestError(APIStatusError):
    """400 Bad Request."""


class AuthenticationError(APIStatusError):
    """401 Unauthorized: the API key is missing, wrong or revoked."""


class PermissionDeniedError(APIStatusError):
    """403 Forbidden: the key may not read this resource."""


class NotFoundError(APIStatusError):
    """404 Not Found: no such job or run (or not visible to this key), or a wrong base URL."""


class ConflictError(APIStatusError):
    """409 Conflict."""


class UnprocessableEntityError(APIStatusError):
    """422 Unprocessable Entity: the server rejected a parameter."""


class RateLimitError(APIStatusError):
    """429 Too Many Requests. Raised at once, without retrying, when `retry_after`
    is longer than the client's `max_retry_after`."""


class InternalServerError(APIStatusError):
    """A 5xx status: the server failed."""


class APIConnectionError(APIError):
    """No usable response: connection refused or reset, DNS or TLS failure, a malformed
    HTTP response."""


class APITimeoutError(APIConnectionError):
    """An attempt ran past its deadline (connect, headers and body together)."""


class ProxyAuthenticationError(APIConnectionError):
    """The proxy answered `407 Proxy Authentication Required` to the tunnel: it wants
    credentials, or refused the ones in the proxy URL. Not retried: a configuration error."""


class RedirectError(APIConnectionError):
    """A redirect the client does not follow: to another origin (scheme, host, port)
    than the request's, or one hop too many. `location` is where it pointed."""

    location: str

    def __init__(self, message: str, *, method: str, url: str, location: str) -> None:
        super().__init__(message, method=method, url=url)
        self.location = location


class APIResponseValidationError(_ResponseError):
    """A successful status with a body that is not the documented shape.

    Raised for bodies that are not JSON, are `null`, are nested too deeply, miss a
    required field or carry a field of the wrong type, cannot be decompressed, or are
    larger than the configured maximum.
    """


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


def error_detail(body: bytes) -> object | None:
    """The `detail` member of a JSON error body (FastAPI's convention), if any."""
    if not body.lstrip().startswith(b"{"):
        return None
    decoded = _decoded_json(body)
    return cast("dict[str, object]", decoded).get("detail") if isinstance(decoded, dict) else None


def _decoded_json(body: bytes) -> object:
    """`body` decoded as JSON, or `_UNDECODED` when it is not JSON (or too deeply nested)."""
    try:
        return msgspec.json.decode(body)
    except (msgspec.DecodeError, RecursionError):
        return _UNDECODED


def _decoded_body(body: bytes) -> object:
    decoded = _decoded_json(body)
    return body.decode("utf-8", errors="replace").strip() if decoded is _UNDECODED else decoded


def _redacted_headers(headers: Mapping[str, str], redactor: Redactor) -> Mapping[str, str]:
    if not redactor or not any(redactor.found_in(value) for value in headers.values()):
        return headers
    return CIMultiDictProxy(CIMultiDict((name, redactor.text(value)) for name, value in headers.items()))
