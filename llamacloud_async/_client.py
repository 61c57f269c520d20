"""``AsyncLlamaCloud``: its options, its resources and the session's lifecycle."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from types import TracebackType
from typing import Any

from ._config import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_AFTER,
    DEFAULT_RETRY_BACKOFF,
    DEFAULT_TIMEOUT,
    ClientOptions,
    InsecureBaseURLWarning,
    InsecureTLSWarning,
    Option,
    Verify,
)
from ._ratelimit import RateLimiter
from ._request import RequestLoop
from ._retry import RetryCounter, log_retry
from ._types import NOT_GIVEN, NotGiven, Query, Timeout
from .resources.extract import AsyncExtractResource
from .resources.extraction import AsyncExtractionResource
from .resources.files import AsyncFilesResource

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_MAX_RETRY_AFTER",
    "DEFAULT_TIMEOUT",
    "AsyncLlamaCloud",
    "InsecureBaseURLWarning",
    "InsecureTLSWarning",
]


class AsyncLlamaCloud:
    """Async client for the LlamaCloud extraction API.

    Use it as ``async with AsyncLlamaCloud() as client:`` or call ``await client.close()``
    when done. An HTTP session is opened by the first request on each event loop, reused
    by every later request on it and closed when that loop shuts down, so one client
    serves successive loops (``asyncio.run`` twice, a loop per test) and loops in
    several threads at once.

    Args:
        api_key: The API key; defaults to the ``LLAMA_CLOUD_API_KEY`` environment variable,
            then ``LLAMA_PARSE_API_KEY``.
        base_url: The API's root URL; defaults to ``LLAMA_CLOUD_BASE_URL``, then
            ``https://api.cloud.llamaindex.ai`` (an empty variable counts as unset; an
            empty ``base_url`` is a ``ValueError``). Plain ``http://`` to a host other
            than loopback warns, because the key would travel unencrypted.
        timeout: Seconds one attempt may take (connect, headers and body together), or a
            ``Timeout`` (or ``httpx.Timeout``) with seconds per phase; ``None`` for no limit.
        max_retries: Retries after a failed attempt (connection errors, timeouts, 408,
            429, 500, 502, 503, 504). Two, as in llama-cloud 1.6 and the 2.19 README
            (the 2.19 code retries 5 times): enough to ride out a blip without hiding
            an outage.
        max_retry_after: The longest server retry hint honoured, in seconds; a longer
            one raises at once instead of waiting.
        retry_backoff: Seconds before the first retry when the server gave no hint;
            doubled for each further retry (with jitter), up to 8 s.
        retry_on_conflict: Also retry 409 Conflict.
        total_timeout: Seconds a call may take across all its attempts and waits;
            ``None`` for no limit beyond ``timeout`` per attempt.
        default_headers: Extra headers sent with every request.
        default_query: Query parameters sent with every request (a call's own win).
        max_response_size: The largest response body accepted, in bytes.
        max_connections: The most connections the session keeps open at once (on each
            event loop the client is used from).
        rate_limit: Requests per second this client never exceeds, bursts included (for
            a plan's known limit); ``None`` to follow the server's 429s alone.
        proxy: The proxy every request goes through (``http://`` or ``https://``,
            credentials allowed); ``None`` follows ``HTTPS_PROXY``, ``HTTP_PROXY`` and
            ``NO_PROXY``. For ``https://`` APIs the proxy sees only a CONNECT tunnel.
        verify: How server certificates are checked: ``True`` (the system store, or
            ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` when set), a CA bundle file or directory,
            an ``ssl.SSLContext``, or ``False`` to not check them (warns
            ``InsecureTLSWarning``).

    Raises:
        LlamaCloudError: No API key was given and ``LLAMA_CLOUD_API_KEY`` is not set.
        ValueError: An option is malformed (a base URL that is not absolute http(s),
            a negative timeout, an API key with line breaks).
    """

    api_key = Option[str]()
    base_url = Option[str]()
    timeout = Option[float | Timeout | None]()
    max_retries = Option[int]()
    max_retry_after = Option[float]()
    retry_backoff = Option[float]()
    retry_on_conflict = Option[bool]()
    total_timeout = Option[float | None]()
    default_headers = Option[Mapping[str, str] | None]()
    default_query = Option[Query | None]()
    max_response_size = Option[int]()
    max_connections = Option[int]()
    rate_limit = Option[float | None]()
    proxy = Option[str | None]()
    verify = Option[Verify]()

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
        retry_backoff: float = DEFAULT_RETRY_BACKOFF,
        retry_on_conflict: bool = False,
        total_timeout: float | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_query: Query | None = None,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        rate_limit: float | None = None,
        proxy: str | None = None,
        verify: Verify = True,
    ) -> None:
        options = ClientOptions.create(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_after=max_retry_after,
            retry_backoff=retry_backoff,
            retry_on_conflict=retry_on_conflict,
            total_timeout=total_timeout,
            default_headers=default_headers,
            default_query=default_query,
            max_response_size=max_response_size,
            max_connections=max_connections,
            rate_limit=rate_limit,
            proxy=proxy,
            verify=verify,
        )
        self._retries = RetryCounter()
        """Retries made by this client and its views, for progress reports."""
        limiter = RateLimiter(options.rate_limit)
        self._requests = RequestLoop(options, [], limiter, [log_retry, self._retries])

    def with_options(
        self,
        *,
        api_key: str | NotGiven = NOT_GIVEN,
        base_url: str | NotGiven = NOT_GIVEN,
        timeout: float | Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        max_retry_after: float | NotGiven = NOT_GIVEN,
        retry_backoff: float | NotGiven = NOT_GIVEN,
        retry_on_conflict: bool | NotGiven = NOT_GIVEN,
        total_timeout: float | NotGiven | None = NOT_GIVEN,
        default_headers: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        set_default_headers: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        default_query: Query | NotGiven | None = NOT_GIVEN,
        set_default_query: Query | NotGiven | None = NOT_GIVEN,
        max_response_size: int | NotGiven = NOT_GIVEN,
        max_connections: int | NotGiven = NOT_GIVEN,
        rate_limit: float | NotGiven | None = NOT_GIVEN,
        proxy: str | NotGiven | None = NOT_GIVEN,
        verify: Verify | NotGiven = NOT_GIVEN,
    ) -> AsyncLlamaCloud:
        """A view of this client with some options changed.

        It shares the rate limiter (unless ``rate_limit`` changed) and, unless
        ``api_key``, ``default_headers``, ``max_connections``, ``proxy`` or ``verify``
        changed, the HTTP session and its connection pool, so it is cheap:
        ``await client.with_options(max_retries=5).extraction.runs.get(run_id)``.
        Closing the client or any of its views closes them all.

        As in the official SDK, ``default_headers`` and ``default_query`` are added to the
        client's own; ``set_default_headers`` and ``set_default_query`` replace them.
        """
        changes = {
            name: value for name, value in locals().items() if name != "self" and value is not NOT_GIVEN
        }
        for name in ("default_headers", "default_query"):
            added, replacement = changes.pop(name, NOT_GIVEN), changes.pop(f"set_{name}", NOT_GIVEN)
            if added is not NOT_GIVEN and replacement is not NOT_GIVEN:
                raise ValueError(f"{name} and set_{name} are mutually exclusive")
            if replacement is not NOT_GIVEN:
                changes[name] = replacement
            elif added is not None and added is not NOT_GIVEN:
                changes[name] = {**(getattr(self._options, name) or {}), **added}
        return self._view(**changes)

    copy = with_options

    def _view(self, **changes: Any) -> AsyncLlamaCloud:
        view = object.__new__(AsyncLlamaCloud)
        view._retries = self._retries
        view._requests = self._requests.view(self._options.replace(**changes))
        return view

    @property
    def _options(self) -> ClientOptions:
        return self._requests.options

    @_options.setter
    def _options(self, options: ClientOptions) -> None:
        self._requests.configure(options)

    @cached_property
    def extract(self) -> AsyncExtractResource:
        """The v2 extract API: ``client.extract.get(job_id)``."""
        return AsyncExtractResource(self)

    @cached_property
    def extraction(self) -> AsyncExtractionResource:
        """The v1 extraction API: ``client.extraction.jobs`` and ``client.extraction.runs``."""
        return AsyncExtractionResource(self)

    @cached_property
    def files(self) -> AsyncFilesResource:
        """Uploaded files: ``client.files.create(file=path, purpose="extract")``."""
        return AsyncFilesResource(self)

    async def close(self) -> None:
        """Close the HTTP session. The client cannot be used afterwards."""
        await self._requests.close()

    async def __aenter__(self) -> AsyncLlamaCloud:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"AsyncLlamaCloud(base_url={self.base_url!r}, api_key=<redacted>)"
