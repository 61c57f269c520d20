"""The aiohttp sessions and one HTTP attempt of any Request.

A transport owns one session per event loop (`_sessions`), the proxy and TLS settings
of its connection pools (`_network`), and the redirect policy: redirects are followed
by hand, only within the request's origin (scheme, host and port) and for at most
`MAX_REDIRECTS` hops; any other raises `RedirectError` before anything is sent there.
What aiohttp raises becomes this package's exceptions (`_translate`).

The success path costs one loop check, one status check and the aiohttp call.
"""

from __future__ import annotations

import asyncio
import os
import platform
import time
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING

from multidict import CIMultiDict
from yarl import URL

from ._errors import APIResponseValidationError, RedirectError
from ._network import ProxyRoutes, proxy_routes, ssl_setting
from ._safetext import NO_SECRETS, Redactor, clean, shorten
from ._sessions import LoopSession, Sessions
from ._translate import translated
from ._types import Timeout
from ._version import __version__

if TYPE_CHECKING:
    import aiohttp
    from multidict import CIMultiDictProxy

    from ._config import ClientOptions, Verify
    from ._request import Request
else:
    from ._lazy import LazyModule

    aiohttp = LazyModule("aiohttp")

__all__ = ["MAX_REDIRECTS", "Reply", "Transport", "request_id", "transport_for", "user_agent"]

MAX_REDIRECTS = 3
"""Same-origin redirect hops followed within one attempt."""

_REDIRECTS = frozenset({301, 302, 303, 307, 308})

_CHUNK = 64 * 1024

_ASYNCIO_READ_SIZE = 256 * 1024
"""asyncio reads a socket with `recv(256 KiB)` into a new bytes object, then shrinks it."""


class Reply:
    """A response read in full: status, headers and body bytes, and the Request it answers."""

    __slots__ = ("attempt", "content", "elapsed", "headers", "redactor", "request", "status", "url")

    def __init__(
        self,
        request: Request,
        url: str,
        status: int,
        headers: CIMultiDictProxy[str],
        content: bytes,
        redactor: Redactor = NO_SECRETS,
    ) -> None:
        self.request = request
        self.url = url
        self.status = status
        self.headers = headers
        self.content = content
        self.redactor = redactor
        """Removes the client's secrets from what errors about this reply show."""
        self.attempt = 1
        """Which attempt of its call got this reply (1 for the first)."""
        self.elapsed = 0.0
        """Seconds the attempt took, from before sending to the last byte read."""

    def timed(self, attempt: int, started: float) -> None:
        """Record which attempt this is and when it started (a ``time.monotonic()``)."""
        self.attempt = attempt
        self.elapsed = time.monotonic() - started

    @property
    def method(self) -> str:
        """The request's HTTP method."""
        return self.request.method

    @property
    def request_id(self) -> str | None:
        """The server's request id header, when it sent one."""
        return request_id(self.headers)


class Transport:
    """The HTTP sessions of a client (one per event loop) and how they connect.

    Args:
        headers: Sent with every request (the session's headers, the key's included).
        max_connections: The most connections each session keeps open at once.
        proxy: Every request goes through this proxy; `None` follows the environment.
        verify: What server certificates are checked against (see `_network`).
    """

    def __init__(
        self,
        headers: Mapping[str, str],
        *,
        max_connections: int,
        proxy: str | None = None,
        verify: Verify = True,
    ) -> None:
        self.headers = headers
        self.max_connections = max_connections
        self.proxy = proxy
        self.verify = verify
        self._redactor = Redactor(_bearer_secrets(headers))
        self._proxied_headers = CIMultiDict(headers)
        """Sent with each request through a proxy session, whose defaults hold only the
        User-Agent: aiohttp copies a session's default headers onto the proxy request
        (CONNECT included), where an `Authorization` becomes `Proxy-Authorization`."""
        self._sessions = Sessions(self._open_session)
        self._timeouts: dict[float | Timeout | None, aiohttp.ClientTimeout] = {}
        _transports.add(self)

    @property
    def _session(self) -> aiohttp.ClientSession | None:
        """The session of the loop that sent the last request, if any."""
        current = self._sessions.current
        return current.session if current is not None else None

    async def send(self, request: Request, url: URL, timeout: float | Timeout | None, max_size: int) -> Reply:
        """Send `request` to `url` once and read its whole body (at most `max_size`
        bytes) within `timeout` (seconds for connect, headers and body together, or
        per-phase seconds); raise
        `APIConnectionError` on failure, `RedirectError` for a redirect not followed."""
        current = self._sessions.current
        if current is None or current.loop is not asyncio.get_running_loop():
            current = self._sessions.open()
        session = current.session
        client_timeout = self._timeouts.get(timeout)
        if client_timeout is None:
            client_timeout = self._timeouts[timeout] = _client_timeout(timeout)
        routes = current.routes
        if routes is None:
            proxy, headers = None, request.headers
        else:
            proxy, headers = routes.for_url(url), self._with_session_headers(request.headers)
        method, body = request.method, request.body
        data = body if body is None or isinstance(body, bytes) else body.payload()
        try:
            async with session.request(
                method,
                url,
                headers=headers,
                data=data,
                timeout=client_timeout,
                allow_redirects=False,
                proxy=proxy,
            ) as response:
                status = response.status
                if status not in _REDIRECTS or "Location" not in response.headers:
                    content = await _read(response, method, max_size, self._redactor)
                    return Reply(request, str(url), status, response.headers, content, self._redactor)
                location = response.headers["Location"]
        except Exception as exc:
            error = translated(_unsent_or(exc, data), method, url, timeout, self._redactor)
        else:
            return await self._follow(current, request, url, status, location, timeout, max_size)
        raise error

    async def _follow(
        self,
        current: LoopSession,
        request: Request,
        url: URL,
        status: int,
        location: str,
        timeout: float | Timeout | None,
        max_size: int,
    ) -> Reply:
        """Follow a redirect from `url` within its origin, for at most `MAX_REDIRECTS` hops."""
        method, body, here = request.method, request.body, url
        for _ in range(MAX_REDIRECTS):
            here = self._redirect_target(request, url, here, status, location)
            if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
                method, body = "GET", None
            data = body if body is None or isinstance(body, bytes) else body.payload()
            routes = current.routes
            if routes is None:
                proxy, headers = None, request.headers
            else:
                proxy, headers = routes.for_url(here), self._with_session_headers(request.headers)
            try:
                async with current.session.request(
                    method,
                    here,
                    headers=headers,
                    data=data,
                    timeout=self._timeouts[timeout],
                    allow_redirects=False,
                    proxy=proxy,
                ) as response:
                    status = response.status
                    if status not in _REDIRECTS or "Location" not in response.headers:
                        content = await _read(response, method, max_size, self._redactor)
                        return Reply(request, str(url), status, response.headers, content, self._redactor)
                    location = response.headers["Location"]
            except Exception as exc:
                error = translated(_unsent_or(exc, data), method, here, timeout, self._redactor)
            else:
                continue
            raise error
        raise RedirectError(
            f"{request.method} {url} was redirected more than {MAX_REDIRECTS} times",
            method=request.method,
            url=str(url),
            location=self._redactor.text(location),
        )

    def _redirect_target(self, request: Request, url: URL, here: URL, status: int, location: str) -> URL:
        """Where a redirect from `here` points; `RedirectError` unless it is `url`'s origin."""
        method = request.method
        try:
            target = here.join(URL(location)).with_user(None).with_fragment(None)
            same_origin = target.origin() == url.origin()
        except (ValueError, TypeError):
            target, same_origin = None, False
        if target is not None and same_origin:
            return target
        shown = shorten(clean(self._redactor.text(str(target.origin()) if target else location)), 120)
        raise RedirectError(
            f"{method} {url} was redirected ({status}) to another origin, {shown}; not followed, so "
            "the API key is not sent there (if the API moved, set base_url to it)",
            method=method,
            url=str(url),
            location=self._redactor.text(location),
        )

    async def close(self) -> None:
        """Close every session; later requests raise `ClientClosedError`."""
        await self._sessions.close()

    def forget_after_fork(self) -> None:
        """In a forked child: drop the parent's sessions; the next request opens new ones."""
        self._sessions.forget_after_fork()

    def _open_session(self) -> tuple[aiohttp.ClientSession, ProxyRoutes | None]:
        """A new session for the running loop, with proxies and trust as configured now."""
        _serve_socket_reads_from_the_heap()
        routes = proxy_routes(self.proxy)
        headers = CIMultiDict({"User-Agent": user_agent()})
        if routes is None:
            headers.update(self.headers)
        elif routes.secrets:
            self._redactor = self._redactor.adding(routes.secrets)
        connector = aiohttp.TCPConnector(limit=self.max_connections, ssl=ssl_setting(self.verify))
        session = aiohttp.ClientSession(
            headers=headers, connector=connector, raise_for_status=False, trust_env=False
        )
        return session, routes

    def _with_session_headers(self, headers: Mapping[str, str] | None) -> Mapping[str, str]:
        """The client's headers and a call's own, for a request on a proxy session."""
        if headers is None:
            return self._proxied_headers
        merged = CIMultiDict(self._proxied_headers)
        merged.update(headers)
        return merged


def transport_for(options: ClientOptions, transports: list[Transport]) -> Transport:
    """The transport of `transports` that fits `options`, or a new one added to them."""
    headers = options.headers()
    for transport in transports:
        if (
            transport.headers == headers
            and transport.max_connections == options.max_connections
            and transport.proxy == options.proxy
            and transport.verify == options.verify
        ):
            return transport
    transport = Transport(
        headers, max_connections=options.max_connections, proxy=options.proxy, verify=options.verify
    )
    transports.append(transport)
    return transport


def _unsent_or(exc: Exception, data: object) -> Exception:
    """`exc`, or when it broke the connection before a streamed body was written to its
    end, a `BodyNotSent` caused by it: the server cannot have processed the request."""
    if getattr(data, "complete", True) or not isinstance(exc, (aiohttp.ClientError, OSError)):
        return exc
    from ._upload import BodyNotSent  # only uploads, and only on this error path, need it

    unsent = BodyNotSent(f"the connection failed before the body was sent: {type(exc).__name__}: {exc}")
    unsent.__cause__ = exc
    return unsent


def _client_timeout(timeout: float | Timeout | None) -> aiohttp.ClientTimeout:
    """aiohttp's timeout for seconds per attempt, or for a per-phase ``Timeout``."""
    if not isinstance(timeout, Timeout):
        return aiohttp.ClientTimeout(total=timeout)
    connect, pool = timeout.connect, timeout.pool
    return aiohttp.ClientTimeout(
        total=None,
        connect=None if connect is None or pool is None else connect + pool,
        sock_connect=connect,
        sock_read=timeout.read,
    )


def _bearer_secrets(headers: Mapping[str, str]) -> tuple[str, ...]:
    """The API key in `Authorization: Bearer <key>`, as the secret errors must not show."""
    authorization = headers.get("Authorization") or ""
    scheme, _, key = authorization.partition(" ")
    return (key.strip(),) if scheme.lower() == "bearer" and key.strip() else ()


def _serve_socket_reads_from_the_heap() -> None:
    """Let glibc serve asyncio's 256 KiB read buffers from the heap instead of fresh mmaps.

    glibc maps any block above its mmap threshold (128 KiB at start) with `mmap`, so
    until the threshold rises every response costs `mmap`, `mremap` and `munmap` and
    a page fault: about a quarter of a small request. Freeing one mapped block raises the
    threshold to that block's size (the dynamic threshold of `mallopt(3)`), which a
    program that has ever freed a big buffer has already done. Elsewhere this is a
    harmless short-lived allocation.
    """
    bytes(2 * _ASYNCIO_READ_SIZE)  # mapped zeroed (never touched), freed at once


def request_id(headers: Mapping[str, str]) -> str | None:
    """The server's request id (`x-request-id`, or `request-id`), when it sent one."""
    return headers.get("x-request-id") or headers.get("request-id")


def user_agent() -> str:
    """`llamacloud-async/<version> python/<version> aiohttp/<version>`."""
    return f"llamacloud-async/{__version__} python/{platform.python_version()} aiohttp/{aiohttp.__version__}"


_transports: weakref.WeakSet[Transport] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for transport in list(_transports):
        transport.forget_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


async def _read(response: aiohttp.ClientResponse, method: str, limit: int, redactor: Redactor) -> bytes:
    """The whole body, refused once it passes `limit` bytes (compressed or not)."""
    length = response.content_length
    if length is not None and length > limit:
        raise _body_error(response, method, f"a body larger than max_response_size ({limit} bytes)", redactor)
    try:
        if length is not None and "Content-Encoding" not in response.headers:
            return await response.read()
        body = bytearray()
        async for chunk in response.content.iter_chunked(_CHUNK):
            body += chunk
            if len(body) > limit:
                raise _body_error(
                    response, method, f"a body larger than max_response_size ({limit} bytes)", redactor
                )
        return bytes(body)
    except aiohttp.ClientPayloadError as exc:
        if not _is_undecodable(exc):
            raise
        encoding = shorten(clean(response.headers.get("Content-Encoding", "")), 40)
        error = _body_error(response, method, f"a body that cannot be decoded as {encoding!r}", redactor)
        error.__cause__ = exc
    raise error


def _is_undecodable(exc: BaseException) -> bool:
    """Whether a payload error means the body's content encoding (gzip, …) is corrupt."""
    from aiohttp import http_exceptions

    undecodable = tuple(
        getattr(http_exceptions, name)
        for name in ("ContentEncodingError", "DecompressSizeError")
        if hasattr(http_exceptions, name)
    )
    link: BaseException | None = exc
    for _ in range(4):
        if link is None:
            return False
        if isinstance(link, undecodable):
            return True
        link = link.__cause__ or link.__context__
    return False


def _body_error(
    response: aiohttp.ClientResponse, method: str, problem: str, redactor: Redactor
) -> APIResponseValidationError:
    url = str(response.url)
    return APIResponseValidationError(
        f"{method} {shorten(url, 200)} returned {response.status} with {problem}",
        method=method,
        url=url,
        status_code=response.status,
        request_id=request_id(response.headers),
        body=b"",
        headers=response.headers,
        redactor=redactor,
    )
