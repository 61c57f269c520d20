"""A FakeLlamaCloud with any constructor options in its own process, steered over stdin.

``python -m benchmarks._fake '{"rate_limit": 400}'`` prints the base URL, then reads
lines of ``NAME JSON`` and sets that attribute of the running fake (``rate_limit 100``
changes the limit mid-run); a line ``recorded`` prints how many requests it recorded.
``"bare_429": true`` sends the rate limit's 429s without a retry hint. Running the
server in its own process, pinned to another core, keeps its work out of the client's
measurements.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import sys
from typing import Any

from aiohttp import web

from llamacloud_async.testing import FakeLlamaCloud


class _BareFake(FakeLlamaCloud):
    """Rate-limit 429s without ``retry-after-ms``, for a fake that has no option for it."""

    def _handler(self, route: Any) -> Any:  # the fake's private hook; see ``make_fake``
        handle = super()._handler(route)  # type: ignore[misc]

        async def bare(request: web.Request) -> web.StreamResponse:
            response: web.StreamResponse = await handle(request)
            if response.status == 429:
                response.headers.popall("retry-after-ms", None)
            return response

        return bare


def make_fake(options: dict[str, Any]) -> FakeLlamaCloud:
    """A fake with ``options``; ``bare_429`` uses the fake's own ``retry_after=False``
    where it has one."""
    options = dict(options)
    if not options.pop("bare_429", False):
        return FakeLlamaCloud(**options)
    if "retry_after" in inspect.signature(FakeLlamaCloud).parameters:
        return FakeLlamaCloud(retry_after=False, **options)
    return _BareFake(**options)


async def _serve(options: dict[str, Any]) -> None:
    async with make_fake(options) as fake:
        print(fake.base_url, flush=True)
        reader = asyncio.StreamReader()
        loop = asyncio.get_running_loop()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while line := await reader.readline():
            name, _, value = line.decode().strip().partition(" ")
            if name == "recorded":
                print(len(fake.requests), flush=True)
            else:
                setattr(fake, name, json.loads(value))


if __name__ == "__main__":
    asyncio.run(_serve(json.loads(sys.argv[1])))
