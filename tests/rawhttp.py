"""A raw-socket HTTP server for tests: it answers with exactly the bytes it is given.

aiohttp's own server refuses to send control characters in headers, malformed status
lines or lying encodings; hostile and broken servers send them anyway, so tests that
need them write the bytes themselves::

    async with RawServer(lambda request: http(500, {"x-request-id": "\\x1b[31m"}, b"")) as server:
        ...  # base_url=server.url
    server.requests  # every request's raw head and body, as received
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType

__all__ = ["RawRequest", "RawServer", "http"]


@dataclass(frozen=True)
class RawRequest:
    """One request as it arrived: the request line, the raw head and the body."""

    line: str
    head: bytes
    body: bytes
    port: int
    """The port it arrived on (to build absolute redirect targets back to the server)."""

    @property
    def path(self) -> str:
        return self.line.split(" ")[1]

    def header_lines(self, name: str) -> list[str]:
        """The values of every header line called `name` (case-insensitive)."""
        values = []
        for line in self.head.decode("latin-1").split("\r\n")[1:]:
            key, _, value = line.partition(":")
            if key.strip().lower() == name.lower():
                values.append(value.strip())
        return values


Responder = Callable[[RawRequest], bytes]


def http(
    status: int | str, headers: Mapping[str, str] | None = None, body: bytes = b"", *, reason: str = "X"
) -> bytes:
    """A whole HTTP/1.1 response: status line, the headers as given (plus
    `Content-Length` unless set, and `Connection: close`), then `body`."""
    lines = [f"HTTP/1.1 {status} {reason}"]
    given = dict(headers or {})
    if not any(k.lower() in ("content-length", "transfer-encoding") for k in given):
        given["Content-Length"] = str(len(body))
    given.setdefault("Connection", "close")
    lines += [f"{name}: {value}" for name, value in given.items()]
    return "\r\n".join(lines).encode("utf-8") + b"\r\n\r\n" + body


class RawServer:
    """Serves `respond(request)` as raw bytes on 127.0.0.1, one connection per request."""

    def __init__(self, respond: Responder, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self.respond = respond
        self.ssl_context = ssl_context
        self.requests: list[RawRequest] = []
        self._server: asyncio.Server | None = None
        self.port = 0

    @property
    def url(self) -> str:
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    async def __aenter__(self) -> RawServer:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0, ssl=self.ssl_context)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            request = RawRequest(head.split(b"\r\n", 1)[0].decode("latin-1"), head, b"", self.port)
            length = request.header_lines("content-length")
            body = await reader.readexactly(int(length[0])) if length else b""
            request = RawRequest(request.line, head, body, self.port)
            self.requests.append(request)
            writer.write(self.respond(request))
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, ssl.SSLError):
                await writer.wait_closed()
