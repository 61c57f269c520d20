"""The Request value and the one request path every call takes.

A resource method builds one `Request` (method, path with its query, headers,
body, whether a blind retry is safe, its idempotency key, its timeout) and hands it to
`RequestLoop.send`, which is the only code that sends anything::

    rate limiter: before_send ─▶ transport.send(request) ─▶ rate limiter: after_response
        ─▶ 2xx: the Reply          ─▶ failure: retry policy (sees the Request) ─▶
        RetryEvent to the observers (logging, bulk progress) ─▶ wait ─▶ next attempt

The first attempt is a plain call; tenacity (and anyio, for ``total_timeout``) are
imported and used only after a failure, since their machinery costs more than the
whole SDK adds to a successful request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeAlias, cast

import msgspec
from yarl import URL

from ._config import ClientOptions
from ._errors import APIError, APITimeoutError
from ._ratelimit import RateLimiter
from ._response import status_error
from ._retry import RetryEvent
from ._transport import Reply, Transport, transport_for
from ._types import NOT_GIVEN, Timeout, TimeoutArg, checked_timeout
from ._validation import checked_extra_headers, extra_query_string

if TYPE_CHECKING:
    from tenacity import RetryCallState

    from ._upload import Upload

log = logging.getLogger("llamacloud_async")


class Request(msgspec.Struct, frozen=True, gc=False):
    """One API call, as it travels from the resource method to the socket."""

    method: str
    path: str
    """The encoded path and query string, relative to the client's ``base_url``."""
    timeout: TimeoutArg = NOT_GIVEN
    """Seconds (or a ``Timeout``) for each attempt; ``NOT_GIVEN`` for the client's ``timeout``."""
    headers: Mapping[str, str] | None = None
    """Headers of this call, on top of the client's."""
    body: bytes | Upload | None = None
    """The JSON body, already encoded, or an ``Upload`` streamed anew by each attempt."""
    idempotent: bool = True
    """Whether sending it twice is harmless, so any transient failure may be retried."""
    idempotency_key: str | None = None
    """Sent as ``Idempotency-Key``; the same for every attempt of one call."""

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.path}>"

    def with_extras(
        self,
        extra_headers: Mapping[str, str] | None,
        extra_query: Mapping[str, object] | None,
        extra_body: Mapping[str, object] | None = None,
    ) -> Request:
        """This request with a call's ``extra_headers``, ``extra_query`` and ``extra_body``
        added, checked: a query parameter the method already sets, ``Authorization``, or
        a body for a GET is refused. ``extra_body``'s fields are merged into the JSON body
        (a body-less POST gets one)."""
        if not (extra_headers or extra_query or extra_body):
            return self
        path = self.path
        if extra_query:
            _refuse_repeated_parameters(path, extra_query)
            encoded = extra_query_string("extra_query", extra_query)
            if encoded:
                path += ("&" if "?" in path else "?") + encoded
        headers = self.headers
        if extra_headers:
            headers = {**(headers or {}), **checked_extra_headers(extra_headers)}
        body = self.body
        if extra_body:
            if body is not None and not isinstance(body, bytes):
                raise ValueError("extra_body cannot be merged into a multipart upload")
            body = _merged_body(self.method, body, extra_body)
            if headers is None or "Content-Type" not in headers:
                headers = {**(headers or {}), "Content-Type": "application/json"}
        return msgspec.structs.replace(self, path=path, headers=headers, body=body)


def _merged_body(method: str, body: bytes | None, extra_body: Mapping[str, object]) -> bytes:
    if method in ("GET", "HEAD"):
        raise ValueError(f"extra_body cannot be sent: a {method} request has no body")
    fields: object = msgspec.json.decode(body) if body else {}
    if not isinstance(fields, dict):
        raise ValueError("extra_body can only add fields to a JSON object body")
    try:
        return msgspec.json.encode({**cast("dict[str, object]", fields), **extra_body})
    except TypeError as exc:
        raise TypeError(f"extra_body cannot be encoded as JSON: {exc}") from None


def _query_names(path: str) -> set[str]:
    """The parameter names in ``path``'s query string."""
    _, _, query = path.partition("?")
    return {pair.partition("=")[0] for pair in query.split("&") if pair}


def _refuse_repeated_parameters(path: str, extra_query: Mapping[str, object]) -> None:
    repeated = sorted(_query_names(path).intersection(extra_query))
    if repeated:
        raise ValueError(
            f"extra_query sets {', '.join(repeated)}, which this call already sends; "
            "pass it as the method's own argument"
        )


def with_default_query(path: str, default_query: Mapping[str, str]) -> str:
    """``path`` with the client's encoded ``default_query`` added, except the names it
    already sets."""
    if "?" not in path:
        return path + "?" + "&".join(default_query.values())
    taken = _query_names(path)
    extra = [pairs for name, pairs in default_query.items() if name not in taken]
    return path + "&" + "&".join(extra) if extra else path


Extras: TypeAlias = (
    "tuple[Mapping[str, str] | None, Mapping[str, object] | None, Mapping[str, object] | None]"
)
"""A call's ``extra_headers``, ``extra_query`` and ``extra_body``, for ``Request.with_extras``."""
NO_EXTRAS: Extras = (None, None, None)


def checked_extras(extras: Extras) -> Extras:
    """``extras``, checked as a GET would send them, before any request: a malformed
    header or parameter, or a body, raises now rather than on a later poll."""
    Request("GET", "").with_extras(*extras)
    return extras


RetryObserver = Callable[[RetryEvent], None]


class RequestLoop:
    """Sends Requests for one client view: its options, a shared transport and limiter."""

    __slots__ = ("limiter", "observers", "options", "transport", "transports")

    def __init__(
        self,
        options: ClientOptions,
        transports: list[Transport],
        limiter: RateLimiter,
        observers: list[RetryObserver],
    ) -> None:
        self.options = options
        self.transports = transports
        """Every HTTP session of this client and its views; ``close()`` closes them all."""
        self.transport = transport_for(options, transports)
        self.limiter = limiter
        self.observers = observers
        """Called with each ``RetryEvent``; the list is shared by every view of a client."""

    def view(self, options: ClientOptions) -> RequestLoop:
        """A loop for a view of the same client with ``options``: the same observers, and
        the same rate limiter unless ``rate_limit`` differs."""
        limiter = (
            self.limiter if options.rate_limit == self.options.rate_limit else RateLimiter(options.rate_limit)
        )
        return RequestLoop(options, self.transports, limiter, self.observers)

    def configure(self, options: ClientOptions) -> None:
        """Apply ``options`` to the next requests (a client's option was assigned)."""
        if options.rate_limit != self.options.rate_limit:
            self.limiter.set_rate_limit(options.rate_limit)
        self.options = options

    async def close(self) -> None:
        """Close every HTTP session of the client and its views."""
        for transport in self.transports:
            await transport.close()

    async def send(self, request: Request) -> Reply:
        """Send ``request`` until it succeeds or may not be retried; the 2xx reply."""
        options = self.options
        path = (
            request.path
            if not options.default_query_encoded
            else with_default_query(request.path, options.default_query_encoded)
        )
        url = URL(options.base_url + path, encoded=True)
        timeout = options.timeout if request.timeout is NOT_GIVEN else checked_timeout(request.timeout)
        if options.total_timeout is None:
            return await self._send(request, url, timeout)
        import anyio  # deferred, like tenacity: only deadlines and retries need it

        try:
            with anyio.fail_after(options.total_timeout):
                return await self._send(request, url, timeout)
        except TimeoutError:
            message = (
                f"{request.method} {url} did not complete within total_timeout ({options.total_timeout}s)"
            )
            error = APITimeoutError(message, method=request.method, url=str(url))
            error.sent = request
            raise error from None

    async def _send(self, request: Request, url: URL, timeout: float | Timeout | None) -> Reply:
        try:
            return await self._attempt(request, url, timeout)
        except Exception as error:
            if isinstance(error, APIError):
                error.sent = request
            policy = self.options.policy
            if not policy.max_retries or not policy.should_retry(request, error):
                raise
            first_error = error
        return await self._retry(request, url, timeout, first_error)

    async def _attempt(
        self, request: Request, url: URL, timeout: float | Timeout | None, number: int = 1
    ) -> Reply:
        limiter = self.limiter
        if limiter.enabled:
            await limiter.before_send()
        started = time.monotonic()
        reply = await self.transport.send(request, url, timeout, self.options.max_response_size)
        reply.timed(number, started)
        if log.isEnabledFor(logging.DEBUG):
            elapsed = time.monotonic() - started
            log.debug("%s %s -> %d (attempt %d, %.3fs)", request.method, url, reply.status, number, elapsed)
        if not 200 <= reply.status < 300:
            error = status_error(reply)
            limiter.after_response(error, self.options.max_retry_after)
            raise error
        if limiter.enabled:
            limiter.after_response(None)
        return reply

    async def _retry(
        self, request: Request, url: URL, timeout: float | Timeout | None, first_error: Exception
    ) -> Reply:
        import anyio
        from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

        policy = self.options.policy
        attempts = 1

        def wait(state: RetryCallState) -> float:
            return policy.delay(state.attempt_number + 1, _failure(state))

        def before_sleep(state: RetryCallState) -> None:
            self._report(request, url, state.attempt_number + 1, _failure(state), state.upcoming_sleep)

        async def attempt() -> Reply:
            nonlocal attempts
            attempts += 1
            return await self._attempt(request, url, timeout, attempts)

        delay = policy.delay(1, first_error)
        self._report(request, url, 1, first_error, delay)
        await anyio.sleep(delay)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(policy.max_retries),
            wait=wait,
            retry=retry_if_exception(lambda error: policy.should_retry(request, error)),
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            return await retrying(attempt)
        except APIError as error:
            error.attempts = attempts
            error.sent = request
            raise

    def _report(
        self, request: Request, url: URL, attempt: int, error: BaseException | None, delay: float
    ) -> None:
        assert isinstance(error, Exception)
        self.report(RetryEvent(request, str(url), attempt, error, delay))

    def report(self, event: RetryEvent) -> None:
        """Tell the observers (logging, the retry counter) about a retry."""
        for observer in self.observers:
            observer(event)


def _failure(state: RetryCallState) -> BaseException | None:
    return state.outcome.exception() if state.outcome is not None else None
