"""Sequential single gets: our async and sync clients, the official sync client, and raw
aiohttp + msgspec, against one loopback server in its own process.

    python -m benchmarks.sequential [--requests 2000] [--repeat 3]

Runs are interleaved; medians are reported, with ratios computed within each repetition.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable

import aiohttp
import msgspec

from llamacloud_async import AsyncLlamaCloud, LlamaCloud
from llamacloud_async.types import ExtractV2Job

from ._server import server_process


async def _raw(base_url: str, n: int) -> None:
    decoder = msgspec.json.Decoder(ExtractV2Job)
    async with aiohttp.ClientSession(headers={"Authorization": "Bearer k"}) as session:
        for i in range(n):
            async with session.get(f"{base_url}/api/v2/extract/ext-{i}") as response:
                decoder.decode(await response.read())


async def _ours_async(base_url: str, n: int) -> None:
    async with AsyncLlamaCloud(api_key="k", base_url=base_url) as client:
        for i in range(n):
            await client.extract.get(f"ext-{i}")


def raw(base_url: str, n: int) -> None:
    asyncio.run(_raw(base_url, n))


def ours_async(base_url: str, n: int) -> None:
    asyncio.run(_ours_async(base_url, n))


def ours_sync(base_url: str, n: int) -> None:
    with LlamaCloud(api_key="k", base_url=base_url) as client:
        for i in range(n):
            client.extract.get(f"ext-{i}")


def official_sync(base_url: str, n: int) -> None:
    from llama_cloud import LlamaCloud as OfficialLlamaCloud

    with OfficialLlamaCloud(api_key="k", base_url=base_url) as client:
        for i in range(n):
            client.extract.get(f"ext-{i}")


RUNNERS: dict[str, Callable[[str, int], None]] = {
    "raw aiohttp+msgspec": raw,
    "llamacloud_async async": ours_async,
    "llamacloud_async sync": ours_sync,
    "llama-cloud sync (official)": official_sync,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    seconds: dict[str, list[float]] = {name: [] for name in RUNNERS}
    with server_process() as base_url:
        for runner in RUNNERS.values():
            runner(base_url, 50)
        for _ in range(args.repeat):
            for name, runner in RUNNERS.items():
                started = time.perf_counter()
                runner(base_url, args.requests)
                seconds[name].append(time.perf_counter() - started)
    official = seconds["llama-cloud sync (official)"]
    print(f"{'client':30s} {'req/s':>8s} {'us/req':>8s} {'vs official sync':>17s}")
    for name, values in seconds.items():
        rate = args.requests / statistics.median(values)
        ratio = statistics.median(o / v for o, v in zip(official, values, strict=True))
        print(f"{name:30s} {rate:8.0f} {1e6 / rate:8.1f} {ratio:16.2f}x")


if __name__ == "__main__":
    main()
