"""Turning a `Reply` into a model, a `RawResponse` or a typed error."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import msgspec
from multidict import CIMultiDictProxy

from ._errors import APIResponseValidationError, APIStatusError, error_detail, status_error_class
from ._retry import retry_after
from ._safetext import clean, excerpt, shorten
from ._transport import Reply

T = TypeVar("T")

_decoders: dict[type[Any], msgspec.json.Decoder[Any]] = {}

_URL_CHARS = 200
_REQUEST_ID_CHARS = 64


def decoder_for(model: type[T]) -> msgspec.json.Decoder[T]:
    """The cached JSON decoder for `model`."""
    decoder = _decoders.get(model)
    if decoder is None:
        decoder = _decoders[model] = msgspec.json.Decoder(model)
    return decoder


def parse(reply: Reply, model: type[T]) -> T:
    """Decode a 2xx reply's bytes into `model`, or raise `APIResponseValidationError`."""
    try:
        return decoder_for(model).decode(reply.content)
    except msgspec.ValidationError as exc:
        problem = f"does not match {model.__name__}: {exc}"
    except msgspec.DecodeError as exc:
        problem = f"is not valid JSON ({exc})"
    except RecursionError:
        problem = "is nested too deeply to decode"
    raise validation_error(reply, problem)


def validation_error(reply: Reply, problem: str) -> APIResponseValidationError:
    """The error for a 2xx reply whose body `problem` (e.g. "is not valid JSON")."""
    redactor = reply.redactor
    return APIResponseValidationError(
        f"{_described(reply)} but the body {redactor.text(problem)}; "
        f"body: {excerpt(reply.content, redactor, limit=200)!r}",
        method=reply.method,
        url=reply.url,
        status_code=reply.status,
        request_id=reply.request_id,
        body=reply.content,
        headers=reply.headers,
        redactor=redactor,
    )


def status_error(reply: Reply) -> APIStatusError:
    """The typed exception for a reply with a 4xx or 5xx status."""
    cls = status_error_class(reply.status)
    error = cls(
        _status_message(reply),
        method=reply.method,
        url=reply.url,
        status_code=reply.status,
        request_id=reply.request_id,
        headers=reply.headers,
        body=reply.content,
        redactor=reply.redactor,
    )
    error.retry_after = retry_after(reply.headers)
    return error


def _described(reply: Reply) -> str:
    """`GET <url> returned 404 (request id …)`, bounded and escaped."""
    message = f"{reply.method} {shorten(reply.url, _URL_CHARS)} returned {reply.status}"
    request_id = reply.request_id
    if request_id:
        message += f" (request id {shorten(clean(reply.redactor.text(request_id)), _REQUEST_ID_CHARS)})"
    return message


def _status_message(reply: Reply) -> str:
    message = _described(reply)
    body = excerpt(reply.content, reply.redactor)
    if reply.status == 404 and error_detail(reply.content) is None:
        message += f" with a non-API body: is base_url right? (it is {shorten(_base_url(reply), _URL_CHARS)})"
        return f"{message}; body: {body}" if body else message
    return f"{message}: {body}" if body else message


def _base_url(reply: Reply) -> str:
    """The client's base URL, from the reply's URL and the request's relative path."""
    path = reply.request.path
    return reply.url[: -len(path)] if path and reply.url.endswith(path) else reply.url


class RawResponse(Generic[T]):
    """A successful response before decoding: status, headers and bytes.

    Returned by ``client.<resource>.with_raw_response.<method>(...)``; ``parse()``
    decodes it into the model the plain method returns.
    """

    __slots__ = ("_model", "_reply")

    def __init__(self, reply: Reply, model: type[T]) -> None:
        self._reply = reply
        self._model = model

    @property
    def status_code(self) -> int:
        """The HTTP status code."""
        return self._reply.status

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        """The response headers (case-insensitive)."""
        return self._reply.headers

    @property
    def request_id(self) -> str | None:
        """The server's request id, when it sent one."""
        return self._reply.request_id

    @property
    def content(self) -> bytes:
        """The response body, as received."""
        return self._reply.content

    @property
    def text(self) -> str:
        """The response body decoded as UTF-8."""
        return self._reply.content.decode("utf-8", errors="replace")

    @property
    def url(self) -> str:
        """The URL that was requested."""
        return self._reply.url

    def parse(self) -> T:
        """Decode the body into the endpoint's model (``APIResponseValidationError`` if it can't)."""
        return parse(self._reply, self._model)

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}] {self.url}>"
