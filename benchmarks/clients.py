"""The client configurations the harness compares. Each runs in its own process:

    python -m benchmarks.clients NAME BASE_URL REQUESTS CONCURRENCY [asyncio|uvloop]

and prints the seconds its requests took (imports and warm-up excluded). With
``asyncio`` (the default) uvloop is hidden, as if the extra were not installed; with
``uvloop`` the async configurations run on it too, and the sync client picks it up.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

WARM_UP = 20


def _ids(n: int) -> list[str]:
    return [f"ext-{i:07d}" for i in range(n)]


async def _gather(n: int, concurrency: int, get: Callable[[str], Awaitable[Any]]) -> None:
    limit = asyncio.Semaphore(concurrency)

    async def one(job_id: str) -> None:
        async with limit:
            await get(job_id)

    await asyncio.gather(*(one(job_id) for job_id in _ids(n)))


async def _timed_gather(n: int, concurrency: int, get: Callable[[str], Awaitable[Any]]) -> float:
    """Seconds for a gather of ``n`` gets, after a warm-up."""
    await _gather(WARM_UP, concurrency, get)
    started = time.perf_counter()
    await _gather(n, concurrency, get)
    return time.perf_counter() - started


def _timed_loop(n: int, get: Callable[[str], Any]) -> float:
    """Seconds for ``n`` sequential sync gets, after a warm-up."""
    for job_id in _ids(WARM_UP):
        get(job_id)
    started = time.perf_counter()
    for job_id in _ids(n):
        get(job_id)
    return time.perf_counter() - started


async def raw_floor(base_url: str, n: int, concurrency: int) -> float:
    """aiohttp + msgspec, nothing else: the floor any SDK adds to."""
    import aiohttp
    import msgspec

    from llamacloud_async.types import ExtractV2Job

    decoder = msgspec.json.Decoder(ExtractV2Job)
    connector = aiohttp.TCPConnector(limit=100)
    async with aiohttp.ClientSession(headers={"Authorization": "Bearer k"}, connector=connector) as session:

        async def get(job_id: str) -> None:
            async with session.get(f"{base_url}/api/v2/extract/{job_id}") as response:
                decoder.decode(await response.read())

        return await _timed_gather(n, concurrency, get)


async def ours_get_many(base_url: str, n: int, concurrency: int) -> float:
    from llamacloud_async import AsyncLlamaCloud

    async with AsyncLlamaCloud(api_key="k", base_url=base_url) as client:
        await _gather(WARM_UP, concurrency, client.extract.get)
        started = time.perf_counter()
        async for item in client.extract.get_many(_ids(n), concurrency=concurrency):
            item.unwrap()
        return time.perf_counter() - started


async def ours_gather(base_url: str, n: int, concurrency: int) -> float:
    from llamacloud_async import AsyncLlamaCloud

    async with AsyncLlamaCloud(api_key="k", base_url=base_url) as client:
        return await _timed_gather(n, concurrency, client.extract.get)


async def ours_sequential(base_url: str, n: int, concurrency: int) -> float:
    from llamacloud_async import AsyncLlamaCloud

    async with AsyncLlamaCloud(api_key="k", base_url=base_url) as client:
        await _gather(WARM_UP, 1, client.extract.get)
        started = time.perf_counter()
        for job_id in _ids(n):
            await client.extract.get(job_id)
        return time.perf_counter() - started


async def raw_sequential(base_url: str, n: int, concurrency: int) -> float:
    return await raw_floor(base_url, n, 1)


def ours_sync_sequential(base_url: str, n: int, concurrency: int) -> float:
    from llamacloud_async import LlamaCloud

    with LlamaCloud(api_key="k", base_url=base_url) as client:
        return _timed_loop(n, client.extract.get)


def ours_sync_get_many(base_url: str, n: int, concurrency: int) -> float:
    from llamacloud_async import LlamaCloud

    with LlamaCloud(api_key="k", base_url=base_url) as client:
        for item in client.extract.get_many(_ids(WARM_UP), concurrency=concurrency):
            item.unwrap()
        started = time.perf_counter()
        for item in client.extract.get_many(_ids(n), concurrency=concurrency):
            item.unwrap()
        return time.perf_counter() - started


async def official_async_gather(base_url: str, n: int, concurrency: int) -> float:
    from llama_cloud import AsyncLlamaCloud as OfficialAsyncLlamaCloud

    async with OfficialAsyncLlamaCloud(api_key="k", base_url=base_url) as client:
        return await _timed_gather(n, concurrency, client.extract.get)


def official_sync_sequential(base_url: str, n: int, concurrency: int) -> float:
    from llama_cloud import LlamaCloud as OfficialLlamaCloud

    with OfficialLlamaCloud(api_key="k", base_url=base_url) as client:
        return _timed_loop(n, client.extract.get)


CLIENTS: dict[str, Callable[[str, int, int], Any]] = {
    "raw_floor": raw_floor,
    "ours_get_many": ours_get_many,
    "ours_gather": ours_gather,
    "ours_sync_get_many": ours_sync_get_many,
    "ours_sync_sequential": ours_sync_sequential,
    "ours_sequential": ours_sequential,
    "raw_sequential": raw_sequential,
    "official_async_gather": official_async_gather,
    "official_sync_sequential": official_sync_sequential,
}


def main() -> None:
    name, base_url, n, concurrency = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    loop = sys.argv[5] if len(sys.argv) > 5 else "asyncio"
    if loop == "uvloop":
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    else:
        sys.modules["uvloop"] = None  # type: ignore[assignment]
    outcome = CLIENTS[name](base_url, n, concurrency)
    seconds = asyncio.run(outcome) if asyncio.iscoroutine(outcome) else outcome
    print(f"{seconds:.6f}")


if __name__ == "__main__":
    main()
