"""A tiny HTTP forward proxy on loopback, for tests: CONNECT tunnels and absolute-URI requests.

It records the head of every request it gets and every byte a client sends it, so a
test can check what a proxy could read: for an `https://` target only the CONNECT line,
never the API key.
"""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType

__all__ = ["ForwardProxy"]


class ForwardProxy:
    """`async with ForwardProxy() as proxy:` then `proxy=proxy.url` (or `HTTPS_PROXY`)."""

    def __init__(self) -> None:
        self.heads: list[bytes] = []
        """The head of each request the proxy got (a CONNECT, or an absolute-URI request)."""
        self.seen = bytearray()
        """Every byte clients sent the proxy, tunnels included."""
        self._server: asyncio.Server | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> ForwardProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
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
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        self.heads.append(head)
        self.seen += head
        method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            upstream_reader, upstream_writer = await asyncio.open_connection(host, int(port))
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
            await self._pipe_both(reader, writer, upstream_reader, upstream_writer, b"")
            return
        scheme_less = target.split("://", 1)[1]
        authority, _, path = scheme_less.partition("/")
        host, _, port = authority.rpartition(":")
        upstream_reader, upstream_writer = await asyncio.open_connection(host, int(port))
        rest = head.split(b"\r\n", 1)[1]
        first = f"{method} /{path} HTTP/1.1\r\n".encode() + rest
        await self._pipe_both(reader, writer, upstream_reader, upstream_writer, first)

    async def _pipe_both(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        upstream_reader: asyncio.StreamReader,
        upstream_writer: asyncio.StreamWriter,
        first: bytes,
    ) -> None:
        upstream_writer.write(first)
        await asyncio.gather(
            self._pipe(reader, upstream_writer, record=True),
            self._pipe(upstream_reader, writer, record=False),
        )

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, *, record: bool) -> None:
        try:
            while data := await source.read(65536):
                if record:
                    self.seen += data
                sink.write(data)
                await sink.drain()
        except ConnectionError:
            pass
        finally:
            sink.close()
            with contextlib.suppress(ConnectionError):
                await sink.wait_closed()
