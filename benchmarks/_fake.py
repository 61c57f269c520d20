"""A FakeLlamaCloud with any constructor options in its own process, steered over stdin.

``python -m benchmarks._fake '{"rate_limit": 400}'`` prints the base URL, then reads
lines of ``NAME JSON`` and sets that attribute of the running fake (``rate_limit 100``
changes the limit mid-run); a line ``recorded`` prints how many requests it recorded.
Running the server in its own process, pinned to another core, keeps its work out of
the client's measurements.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from llamacloud_async.testing import FakeLlamaCloud


async def _serve(options: dict[str, Any]) -> None:
    async with FakeLlamaCloud(**options) as fake:
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
