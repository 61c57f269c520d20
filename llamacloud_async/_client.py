"""``AsyncLlamaCloud``: options, the session's lifecycle and the one request path."""

from __future__ import annotations

import os
import platform
from collections.abc import Mapping
from functools import cached_property
from types import TracebackType
from typing import TypeVar

import aiohttp
from yarl import URL

from ._errors import LlamaCloudError
from ._response import RawResponse, parse, status_error
from ._transport import Reply, Transport
from ._types import NotGiven, Timeout
from ._version import __version__
from .resources.extract import AsyncExtractResource
from .resources.extraction import AsyncExtractionResource

T = TypeVar("T")

DEFAULT_BASE_URL = "https://api.cloud.llamaindex.ai"
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_RESPONSE_SIZE = 64 * 1024 * 1024
DEFAULT_MAX_CONNECTIONS = 100

USER_AGENT = (
    f"llamacloud-async/{__version__} python/{platform.python_version()} aiohttp/{aiohttp.__version__}"
)


class AsyncLlamaCloud:
    """Async client for the LlamaCloud extraction API.

    Use it as ``async with AsyncLlamaCloud() as client:`` or call ``await client.close()``
    when done. The HTTP session is opened on the first request, on the running event loop,
    and reused for every later request; one client serves one event loop.

    Args:
        api_key: The API key; defaults to the ``LLAMA_CLOUD_API_KEY`` environment variable.
        base_url: The API's root URL; defaults to ``LLAMA_CLOUD_BASE_URL``, then
            ``https://api.cloud.llamaindex.ai``.
        timeout: Seconds one attempt may take (connect, headers and body together);
            ``None`` for no limit.
        max_retries: How many times a failed request may be retried.
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
        default_headers: Mapping[str, str] | None = None,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        key = _api_key(api_key)
        self.base_url = _base_url(base_url or os.environ.get("LLAMA_CLOUD_BASE_URL") or DEFAULT_BASE_URL)
        self.timeout = _checked_timeout(timeout)
        self.max_retries = _checked_count("max_retries", max_retries)
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **(default_headers or {})}
        headers["Authorization"] = f"Bearer {key}"
        self._transport = Transport(
            headers,
            max_response_size=_checked_count("max_response_size", max_response_size),
            max_connections=_checked_count("max_connections", max_connections),
        )
        self._default_client_timeout = aiohttp.ClientTimeout(total=self.timeout)

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
        url = URL(self.base_url + target, encoded=True)
        client_timeout = (
            self._default_client_timeout
            if isinstance(timeout, NotGiven)
            else aiohttp.ClientTimeout(total=_checked_timeout(timeout))
        )
        reply = await self._transport.get(url, client_timeout)
        if not 200 <= reply.status < 300:
            raise status_error(reply)
        return reply


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
    return str(url).rstrip("/")


def _checked_timeout(timeout: object) -> float | None:
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds or None, got {timeout!r}")
    return float(timeout)


def _checked_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative int, got {value!r}")
    return value
