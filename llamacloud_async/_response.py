"""Turning a `Reply` into a model, a raw response (`AsyncAPIResponse`, `APIResponse`) or a typed error."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any, Generic, TypeVar, overload

import msgspec
from multidict import CIMultiDictProxy

from ._bulk_values import BulkResult
from ._errors import APIResponseValidationError, APIStatusError, error_detail, status_error_class
from ._http import HTTPRequest, Response
from ._retry import retry_after
from ._safetext import clean, excerpt, shorten
from ._transport import Reply
from .types._base import SOURCE, Model

T = TypeVar("T")
U = TypeVar("U")

_decoders: dict[type[Any], tuple[msgspec.json.Decoder[Any], bool]] = {}
"""Per type: its decoder, and whether it is a ``Model`` (which keeps its body)."""

_URL_CHARS = 200
_REQUEST_ID_CHARS = 64


def decoder_for(model: type[T]) -> msgspec.json.Decoder[T]:
    """The cached JSON decoder for `model`."""
    return _decoder_entry(model)[0]


def _decoder_entry(model: type[Any]) -> tuple[msgspec.json.Decoder[Any], bool]:
    entry = _decoders.get(model)
    if entry is None:
        keeps_body = Model in getattr(model, "__mro__", ())  # `list[...]` has no MRO
        entry = _decoders[model] = (msgspec.json.Decoder(model), keeps_body)
    return entry


def parse(reply: Reply, model: type[T]) -> T:
    """Decode a 2xx reply's bytes into `model`, or raise `APIResponseValidationError`."""
    decoder, keeps_body = _decoders.get(model) or _decoder_entry(model)
    content = reply.content
    try:
        value = decoder.decode(content)
    except msgspec.ValidationError as exc:
        problem = f"does not match {model.__name__}: {exc}"
    except msgspec.DecodeError as exc:
        problem = f"is not valid JSON ({exc})"
    except RecursionError:
        problem = "is nested too deeply to decode"
    else:
        if keeps_body:  # what its unknown fields are worked out from, when asked
            value.__dict__[SOURCE] = content
        return value
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


class BaseAPIResponse(Generic[T]):
    """A successful response before decoding: what both raw flavours share.

    ``client.<resource>.with_raw_response.<method>(...)`` returns an
    `AsyncAPIResponse` on the async client and an `APIResponse` on the
    sync one; their ``parse()`` gives the model the plain method returns.
    """

    __slots__ = ("_model", "_parsed", "_reply")

    def __init__(self, reply: Reply, model: type[T]) -> None:
        self._reply = reply
        self._model = model
        self._parsed: dict[type[Any], Any] | None = None
        """What ``parse()`` gave, by type (made on the first ``parse()``)."""

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
    def url(self) -> str:
        """The URL that was requested."""
        return self._reply.url

    @property
    def method(self) -> str:
        """The HTTP method of the request."""
        return self._reply.method

    @property
    def elapsed(self) -> timedelta:
        """How long the attempt that got this response took, up to its last byte."""
        return timedelta(seconds=self._reply.elapsed)

    @property
    def retries_taken(self) -> int:
        """The retries made before this response (``0`` when the first attempt succeeded)."""
        return self._reply.attempt - 1

    @property
    def is_closed(self) -> bool:
        """Always ``True``: the body has been read in full and the connection released."""
        return True

    @property
    def http_request(self) -> HTTPRequest:
        """The request this response answers (method, URL, body)."""
        return HTTPRequest(self.method, self.url, self._reply.request.body)

    @property
    def http_response(self) -> Response:
        """The response as a plain value (status, headers, body, request)."""
        return Response(self.status_code, self.headers, self.content, self.url, self.http_request)

    def _parse(self, to: type[Any] | None) -> Any:
        model = self._model if to is None else to
        cache = self._parsed
        if cache is None:
            cache = self._parsed = {}
        parsed = cache.get(model, _UNPARSED)
        if parsed is _UNPARSED:  # an endpoint that returns nothing parses to None, as officially
            parsed = cache[model] = None if model is type(None) else parse(self._reply, model)
        return parsed

    def _json(self) -> object:
        return msgspec.json.decode(self._reply.content)

    def _text(self) -> str:
        return self._reply.content.decode("utf-8", errors="replace")

    def __repr__(self) -> str:
        model = getattr(self._model, "__name__", self._model)
        return f"<{type(self).__name__} [{self.status_code}] type={model}>"


_UNPARSED: Any = object()


class AsyncAPIResponse(BaseAPIResponse[T]):
    """A raw response of the async client; its reading methods are awaited."""

    __slots__ = ()

    @overload
    async def parse(self) -> T: ...
    @overload
    async def parse(self, *, to: type[U]) -> U: ...
    async def parse(self, *, to: type[Any] | None = None) -> Any:
        """Decode the body into the endpoint's model, or into ``to``
        (``APIResponseValidationError`` if it can't). The result is cached."""
        return self._parse(to)

    async def read(self) -> bytes:
        """The response body, as received."""
        return self._reply.content

    async def text(self) -> str:
        """The response body decoded as UTF-8."""
        return self._text()

    async def json(self) -> object:
        """The response body decoded as JSON, as plain builtins."""
        return self._json()

    async def close(self) -> None:
        """Nothing to release: the body is read in full before the response is returned."""


class APIResponse(BaseAPIResponse[T]):
    """A raw response of the sync client."""

    __slots__ = ()

    @overload
    def parse(self) -> T: ...
    @overload
    def parse(self, *, to: type[U]) -> U: ...
    def parse(self, *, to: type[Any] | None = None) -> Any:
        """Decode the body into the endpoint's model, or into ``to``
        (``APIResponseValidationError`` if it can't). The result is cached."""
        return self._parse(to)

    def read(self) -> bytes:
        """The response body, as received."""
        return self._reply.content

    def text(self) -> str:
        """The response body decoded as UTF-8."""
        return self._text()

    def json(self) -> object:
        """The response body decoded as JSON, as plain builtins."""
        return self._json()

    def close(self) -> None:
        """Nothing to release: the body is read in full before the response is returned."""


def decoded(response: BaseAPIResponse[T]) -> T:
    """The model of either flavour of raw response, uncached: how a bulk fetch decodes
    each item, once."""
    return parse(response._reply, response._model)  # pyright: ignore[reportPrivateUsage]


def sync_response(response: BaseAPIResponse[T]) -> APIResponse[T]:
    """The sync flavour of a raw response the async client returned."""
    return APIResponse(response._reply, response._model)  # pyright: ignore[reportPrivateUsage]


def sync_results(
    results: Iterator[BulkResult[AsyncAPIResponse[T]]],
) -> Iterator[BulkResult[APIResponse[T]]]:
    """A sync bulk fetch's raw items, each value in the sync flavour."""
    for result in results:
        response = None if result.error is not None else sync_response(result.value)
        yield BulkResult(result.index, result.id, response, result.error)
