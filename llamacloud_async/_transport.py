"""The aiohttp session and one HTTP attempt of any Request.

Owns the session's lifecycle (created lazily on the loop of the first request, bound to
that loop) and translates what aiohttp raises into this package's exceptions.
"""

from __future__ import annotations

import asyncio
import os
import platform
import ssl
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING

from multidict import CIMultiDict
from yarl import URL

from ._errors import APIConnectionError, APIResponseValidationError, APITimeoutError
from ._version import __version__

if TYPE_CHECKING:
    import aiohttp
    from multidict import CIMultiDictProxy

    from ._request import Request
else:
    from ._lazy import LazyModule

    aiohttp = LazyModule("aiohttp")

_CHUNK = 64 * 1024

_ASYNCIO_READ_SIZE = 256 * 1024
"""asyncio reads a socket with ``recv(256 KiB)`` into a new bytes object, then shrinks it."""


class Reply:
    """A response read in full: status, headers and body bytes, and the Request it answers."""

    __slots__ = ("content", "headers", "request", "status", "url")

    def __init__(
        self, request: Request, url: str, status: int, headers: CIMultiDictProxy[str], content: bytes
    ) -> None:
        self.request = request
        self.url = url
        self.status = status
        self.headers = headers
        self.content = content

    @property
    def method(self) -> str:
        """The request's HTTP method."""
        return self.request.method

    @property
    def request_id(self) -> str | None:
        """The server's request id header, when it sent one."""
        return request_id(self.headers)


class Transport:
    """One aiohttp session, bound to the event loop it was created on."""

    def __init__(self, headers: Mapping[str, str], *, max_connections: int) -> None:
        self.headers = headers
        """Sent with every request (the session's headers)."""
        self.max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._timeouts: dict[float | None, aiohttp.ClientTimeout] = {}
        _transports.add(self)

    async def send(self, request: Request, url: URL, timeout: float | None, max_size: int) -> Reply:
        """Send ``request`` to ``url`` once and read its whole body (at most ``max_size``
        bytes) within ``timeout`` seconds (connect, headers and body together); raise
        ``APIConnectionError`` on failure."""
        session = self._session
        if session is None or self._loop is not asyncio.get_running_loop():
            session = self._open()
        client_timeout = self._timeouts.get(timeout)
        if client_timeout is None:
            client_timeout = self._timeouts[timeout] = aiohttp.ClientTimeout(total=timeout)
        method = request.method
        try:
            async with session.request(
                method, url, headers=request.headers, data=request.body, timeout=client_timeout
            ) as response:
                content = await _read(response, method, max_size)
                return Reply(request, str(url), response.status, response.headers, content)
        except asyncio.TimeoutError as exc:
            message = f"{method} {url} timed out after {timeout}s"
            raise APITimeoutError(message, method=method, url=str(url)) from exc
        except aiohttp.ClientError as exc:
            raise APIConnectionError(_describe(exc, method, url), method=method, url=str(url)) from exc
        except ssl.SSLError as exc:
            raise APIConnectionError(
                f"{method} {url} failed: TLS error: {exc}", method=method, url=str(url)
            ) from exc
        except OSError as exc:
            raise APIConnectionError(f"{method} {url} failed: {exc}", method=method, url=str(url)) from exc

    async def close(self) -> None:
        """Close the session; later requests raise ``RuntimeError``."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    def forget_after_fork(self) -> None:
        """In a forked child: drop the parent's session; the next request opens a new one."""
        if self._session is not None:
            _inherited_sessions.append(self._session)
        self._session = None
        self._loop = None

    def _open(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._closed:
            raise RuntimeError("this client is closed; create a new one")
        if self._session is not None:
            raise RuntimeError(
                "this AsyncLlamaCloud client is bound to the event loop it was first used on; "
                "create one client per event loop (or use the sync LlamaCloud client from threads)"
            )
        _serve_socket_reads_from_the_heap()
        connector = aiohttp.TCPConnector(limit=self.max_connections)
        headers = CIMultiDict({"User-Agent": user_agent()})
        headers.update(self.headers)
        self._session = aiohttp.ClientSession(
            headers=headers, connector=connector, raise_for_status=False, trust_env=False
        )
        self._loop = loop
        return self._session


def _serve_socket_reads_from_the_heap() -> None:
    """Let glibc serve asyncio's 256 KiB read buffers from the heap instead of fresh mmaps.

    glibc maps any block above its mmap threshold (128 KiB at start) with ``mmap``, so
    until the threshold rises every response costs ``mmap``, ``mremap`` and ``munmap`` and
    a page fault: about a quarter of a small request. Freeing one mapped block raises the
    threshold to that block's size (the dynamic threshold of ``mallopt(3)``), which a
    program that has ever freed a big buffer has already done. Elsewhere this is a
    harmless short-lived allocation.
    """
    bytes(2 * _ASYNCIO_READ_SIZE)  # mapped zeroed (never touched), freed at once


def request_id(headers: Mapping[str, str]) -> str | None:
    """The server's request id (``x-request-id``, or ``request-id``), when it sent one."""
    return headers.get("x-request-id") or headers.get("request-id")


def user_agent() -> str:
    """``llamacloud-async/<version> python/<version> aiohttp/<version>``."""
    return f"llamacloud-async/{__version__} python/{platform.python_version()} aiohttp/{aiohttp.__version__}"


_transports: weakref.WeakSet[Transport] = weakref.WeakSet()
_inherited_sessions: list[aiohttp.ClientSession] = []
"""Sessions a forked child inherited. Their sockets and loop belong to the parent, so the
child must neither use nor close them; kept here, they are never collected either (which
would warn about an unclosed session)."""


def _after_fork_in_child() -> None:
    for transport in list(_transports):
        transport.forget_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


async def _read(response: aiohttp.ClientResponse, method: str, limit: int) -> bytes:
    """The whole body, refused once it passes ``limit`` bytes (compressed or not)."""
    length = response.content_length
    if length is not None and length > limit:
        raise _too_large(response, method, limit)
    if length is not None and "Content-Encoding" not in response.headers:
        return await response.read()
    body = bytearray()
    async for chunk in response.content.iter_chunked(_CHUNK):
        body += chunk
        if len(body) > limit:
            raise _too_large(response, method, limit)
    return bytes(body)


def _too_large(response: aiohttp.ClientResponse, method: str, limit: int) -> APIResponseValidationError:
    url = str(response.url)
    return APIResponseValidationError(
        f"{method} {url} returned a body larger than max_response_size ({limit} bytes)",
        method=method,
        url=url,
        status_code=response.status,
        request_id=request_id(response.headers),
        body=b"",
    )


def _describe(exc: aiohttp.ClientError, method: str, url: URL) -> str:
    detail = str(exc) or type(exc).__name__
    return f"{method} {url} failed: {type(exc).__name__}: {detail}"
