"""Per-request client CPU overhead: sequential gets, ours vs raw aiohttp + msgspec.

    python -m benchmarks.overhead [--requests 5000] [--repeat 3]

Both loops run in this process against the same loopback server (its own process), one
after the other, alternating, ``--repeat`` times; the report gives medians of each and
the difference per request.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import aiohttp
import msgspec

from llamacloud_async import AsyncLlamaCloud
from llamacloud_async.types import ExtractRun

from ._server import server_process


async def raw_loop(base_url: str, n: int) -> float:
    decoder = msgspec.json.Decoder(ExtractRun)
    headers = {"Authorization": "Bearer k"}
    async with aiohttp.ClientSession(headers=headers) as session:
        started = time.perf_counter()
        for i in range(n):
            async with session.get(f"{base_url}/api/v1/extraction/runs/run-{i}") as response:
                decoder.decode(await response.read())
        return time.perf_counter() - started


async def sdk_loop(base_url: str, n: int) -> float:
    async with AsyncLlamaCloud(api_key="k", base_url=base_url) as client:
        started = time.perf_counter()
        for i in range(n):
            await client.extraction.runs.get(f"run-{i}")
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    raw: list[float] = []
    ours: list[float] = []
    with server_process() as base_url:
        asyncio.run(raw_loop(base_url, 200))
        for _ in range(args.repeat):
            raw.append(asyncio.run(raw_loop(base_url, args.requests)))
            ours.append(asyncio.run(sdk_loop(base_url, args.requests)))
    n = args.requests
    raw_us = statistics.median(raw) / n * 1e6
    ours_us = statistics.median(ours) / n * 1e6
    print(f"raw aiohttp+msgspec: {raw_us:7.1f} us/request")
    print(f"llamacloud_async:    {ours_us:7.1f} us/request")
    ratio = raw_us / ours_us
    print(f"overhead:            {ours_us - raw_us:+7.1f} us/request ({ratio:.2f}x of raw throughput)")


if __name__ == "__main__":
    main()
