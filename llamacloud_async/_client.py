"""``AsyncLlamaCloud``: options, the session's lifecycle and the one request path."""

from __future__ import annotations

import copy
import ipaddress
import logging
import os
import time
import warnings
from collections.abc import Mapping
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

from yarl import URL

from ._errors import APIError, APITimeoutError, LlamaCloudError
from ._response import RawResponse, parse, status_error
from ._retry import CoolDown, RetryPolicy
from ._transport import Reply, Transport
from ._types import NOT_GIVEN, NotGiven, Timeout
from .resources.extract import AsyncExtractResource
from .resources.extraction import AsyncExtractionResource

if TYPE_CHECKING:
    from tenacity import RetryCallState

T = TypeVar("T")

DEFAULT_BASE_URL = "https://api.cloud.llamaindex.ai"
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_RETRY_AFTER = 60.0
DEFAULT_RETRY_BACKOFF = 0.5
DEFAULT_MAX_RESPONSE_SIZE = 64 * 1024 * 1024
DEFAULT_MAX_CONNECTIONS = 100

log = logging.getLogger("llamacloud_async")


class AsyncLlamaCloud:
    """Async client for the LlamaCloud extraction API.

    Use it as ``async with AsyncLlamaCloud() as client:`` or call ``await client.close()``
    when done. The HTTP session is opened on the first request, on the running event loop,
    and reused for every later request; one client serves one event loop.

    Args:
        api_key: The API key; defaults to the ``LLAMA_CLOUD_API_KEY`` environment variable.
        base_url: The API's root URL; defaults to ``LLAMA_CLOUD_BASE_URL``, then
            ``https://api.cloud.llamaindex.ai``. Plain ``http://`` to a host other than
            loopback warns, because the key would travel unencrypted.
        timeout: Seconds one attempt may take (connect, headers and body together);
            ``None`` for no limit.
        max_retries: Retries after a failed attempt (connection errors, timeouts, 408,
            429, 500, 502, 503, 504). Two, as in the official SDK: enough to ride out a
            blip without hiding an outage.
        max_retry_after: The longest server retry hint honoured, in seconds; a longer
            one raises at once instead of waiting.
        retry_backoff: Seconds before the first retry when the server gave no hint;
            doubled for each further retry (with jitter), up to 8 s.
        retry_on_conflict: Also retry 409 Conflict.
        total_timeout: Seconds a call may take across all its attempts and waits;
            ``None`` for no limit beyond ``timeout`` per attempt.
        default_headers: Extra headers sent with every request.
        max_response_size: The largest response body accepted, in bytes.
        max_connections: The most connections the session keeps open at once.

    Raises:
        LlamaCloudError: No API key was given and ``LLAMA_CLOUD_API_KEY`` is not set.
        ValueError: An option is malformed (a base URL that is not absolute http(s),
            a negative timeout, an API key with line breaks).
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
        retry_backoff: float = DEFAULT_RETRY_BACKOFF,
        retry_on_conflict: bool = False,
        total_timeout: float | None = None,
        default_headers: Mapping[str, str] | None = None,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        key = _api_key(api_key)
        self.base_url = _base_url(base_url or os.environ.get("LLAMA_CLOUD_BASE_URL") or DEFAULT_BASE_URL)
        headers = {"Accept": "application/json", **(default_headers or {})}
        headers["Authorization"] = f"Bearer {key}"
        self._transport = Transport(
            headers,
            max_response_size=_checked_count("max_response_size", max_response_size),
            max_connections=_checked_count("max_connections", max_connections),
        )
        self._cool_down = CoolDown()
        self._configure(
            timeout, max_retries, max_retry_after, retry_backoff, retry_on_conflict, total_timeout
        )

    def with_options(
        self,
        *,
        timeout: float | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        max_retry_after: float | NotGiven = NOT_GIVEN,
        retry_backoff: float | NotGiven = NOT_GIVEN,
        retry_on_conflict: bool | NotGiven = NOT_GIVEN,
        total_timeout: float | NotGiven | None = NOT_GIVEN,
    ) -> AsyncLlamaCloud:
        """A view of this client with other retry and timeout options.

        It shares the session, the connection pool and the 429 cool-down, so it is cheap:
        ``await client.with_options(max_retries=5).extraction.runs.get(run_id)``.
        Closing either closes both.
        """
        clone = copy.copy(self)
        for name in ("extract", "extraction"):
            clone.__dict__.pop(name, None)
        clone._configure(
            self.timeout if isinstance(timeout, NotGiven) else timeout,
            self.max_retries if isinstance(max_retries, NotGiven) else max_retries,
            self.max_retry_after if isinstance(max_retry_after, NotGiven) else max_retry_after,
            self.retry_backoff if isinstance(retry_backoff, NotGiven) else retry_backoff,
            self.retry_on_conflict if isinstance(retry_on_conflict, NotGiven) else retry_on_conflict,
            self.total_timeout if isinstance(total_timeout, NotGiven) else total_timeout,
        )
        return clone

    def _configure(
        self,
        timeout: float | None,
        max_retries: int,
        max_retry_after: float,
        retry_backoff: float,
        retry_on_conflict: bool,
        total_timeout: float | None,
    ) -> None:
        self.timeout = _checked_timeout("timeout", timeout)
        self.max_retries = _checked_count("max_retries", max_retries)
        self.max_retry_after = _checked_timeout("max_retry_after", max_retry_after) or 0.0
        self.retry_backoff = _checked_timeout("retry_backoff", retry_backoff) or 0.0
        self.retry_on_conflict = bool(retry_on_conflict)
        self.total_timeout = _checked_timeout("total_timeout", total_timeout)
        self._policy = RetryPolicy(
            self.max_retries, self.max_retry_after, self.retry_on_conflict, initial_backoff=self.retry_backoff
        )

    @cached_property
    def extract(self) -> AsyncExtractResource:
        """The v2 extract API: ``client.extract.get(job_id)``."""
        return AsyncExtractResource(self)

    @cached_property
    def extraction(self) -> AsyncExtractionResource:
        """The v1 extraction API: ``client.extraction.jobs`` and ``client.extraction.runs``."""
        return AsyncExtractionResource(self)

    async def close(self) -> None:
        """Close the HTTP session. The client cannot be used afterwards."""
        await self._transport.close()

    async def __aenter__(self) -> AsyncLlamaCloud:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"AsyncLlamaCloud(base_url={self.base_url!r}, api_key=<redacted>)"

    async def _get(self, path: str, query: str, model: type[T], timeout: Timeout) -> T:
        return parse(await self._fetch(path + query, timeout), model)

    async def _get_raw(self, path: str, query: str, model: type[T], timeout: Timeout) -> RawResponse[T]:
        return RawResponse(await self._fetch(path + query, timeout), model)

    async def _fetch(self, target: str, timeout: Timeout) -> Reply:
        """The one request path: a plain first attempt, retries only after a failure."""
        url = URL(self.base_url + target, encoded=True)
        attempt_timeout = (
            self.timeout if isinstance(timeout, NotGiven) else _checked_timeout("timeout", timeout)
        )
        if self.total_timeout is None:
            return await self._fetch_with_retries(url, attempt_timeout)
        import anyio  # deferred, like tenacity below: only deadlines and retries need them

        try:
            with anyio.fail_after(self.total_timeout):
                return await self._fetch_with_retries(url, attempt_timeout)
        except TimeoutError:
            message = f"GET {url} did not complete within total_timeout ({self.total_timeout}s)"
            raise APITimeoutError(message, method="GET", url=str(url)) from None

    async def _fetch_with_retries(self, url: URL, timeout: float | None) -> Reply:
        try:
            return await self._attempt(url, timeout, 1)
        except Exception as error:
            if not self._policy.is_retryable(error) or not self.max_retries:
                raise
            first_error = error
        return await self._retry(url, timeout, first_error)

    async def _attempt(self, url: URL, timeout: float | None, number: int) -> Reply:
        started = time.monotonic()
        if self._cool_down.until > started:
            await self._cool_down.wait()
            started = time.monotonic()
        reply = await self._transport.get(url, timeout)
        if log.isEnabledFor(logging.DEBUG):
            elapsed = time.monotonic() - started
            log.debug("GET %s -> %d (attempt %d, %.3fs)", url, reply.status, number, elapsed)
        if not 200 <= reply.status < 300:
            error = status_error(reply)
            self._cool_down.note(error)
            raise error
        return reply

    async def _retry(self, url: URL, timeout: float | None, first_error: Exception) -> Reply:
        import anyio
        from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

        policy = self._policy
        attempts = 1

        def wait(state: RetryCallState) -> float:
            return policy.delay(state.attempt_number + 1, _failure(state))

        def before_sleep(state: RetryCallState) -> None:
            _log_retry(url, _failure(state), state.attempt_number + 2, state.upcoming_sleep)

        async def attempt() -> Reply:
            nonlocal attempts
            attempts += 1
            self._cool_down.retries += 1
            return await self._attempt(url, timeout, attempts)

        delay = policy.delay(1, first_error)
        _log_retry(url, first_error, 2, delay)
        await anyio.sleep(delay)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(policy.max_retries),
            wait=wait,
            retry=retry_if_exception(policy.is_retryable),
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            return await retrying(attempt)
        except APIError as error:
            error.attempts = attempts
            raise


def _failure(state: RetryCallState) -> BaseException | None:
    return state.outcome.exception() if state.outcome is not None else None


def _log_retry(url: URL, error: BaseException | None, next_attempt: int, delay: float) -> None:
    if log.isEnabledFor(logging.INFO):
        reason = getattr(error, "status_code", None) or type(error).__name__
        log.info("GET %s failed (%s); attempt %d in %.2fs", url, reason, next_attempt, delay)


def _api_key(api_key: str | None) -> str:
    key = api_key if api_key is not None else os.environ.get("LLAMA_CLOUD_API_KEY")
    if not key:
        raise LlamaCloudError(
            "The api_key client option must be set either by passing api_key to the client "
            "or by setting the LLAMA_CLOUD_API_KEY environment variable"
        )
    if any(ch in key for ch in "\r\n\x00"):
        raise ValueError("api_key contains a line break or NUL character")
    return key


def _base_url(raw: str) -> str:
    try:
        url = URL(raw)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"base_url is not a valid URL: {raw!r} ({exc})") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"base_url must be an absolute http:// or https:// URL, got {raw!r}")
    if url.user is not None or url.password is not None:
        raise ValueError("base_url must not contain credentials; pass api_key instead")
    if url.query_string or url.fragment:
        raise ValueError(f"base_url must not have a query or fragment, got {raw!r}")
    if url.scheme == "http" and not _is_loopback(url.host):
        warnings.warn(
            f"base_url {raw!r} is plain http: the API key will be sent unencrypted",
            InsecureBaseURLWarning,
            stacklevel=4,
        )
    return str(url).rstrip("/")


class InsecureBaseURLWarning(UserWarning):
    """The base URL is plain ``http://`` to a host other than loopback."""


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _checked_timeout(name: str, timeout: object) -> float | None:
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"{name} must be a positive number of seconds or None, got {timeout!r}")
    return float(timeout)


def _checked_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative int, got {value!r}")
    return value
