"""Bulk fetch against a server that pushes back: ``python -m benchmarks.throttling``.

Each scenario runs a fresh client against a FakeLlamaCloud in this process and reports
goodput as a share of the server's limit, the share of requests throttled and items
lost. The fake answers a throttled request with 429 and ``retry-after-ms``; bare 429s
are covered by the simulation in ``tests/test_ratelimit.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import time
from dataclasses import dataclass

from llamacloud_async import APIError, AsyncLlamaCloud
from llamacloud_async.testing import FakeLlamaCloud


@dataclass
class Row:
    scenario: str
    result: str


async def _fetch(fake: FakeLlamaCloud, count: int, **options: object) -> tuple[int, float, int]:
    """Items fetched, seconds, and 429s met."""
    ids = [f"run-{i}" for i in range(count)]
    started = time.monotonic()
    ok = 0
    async with AsyncLlamaCloud(api_key="bench", base_url=fake.base_url, **options) as client:  # type: ignore[arg-type]
        async for item in client.extraction.runs.get_many(ids, concurrency=64):
            ok += item.ok
        throttled = client._requests.limiter.throttled
    return ok, time.monotonic() - started, throttled


async def limited(limit: float, latency: float, *, count: int, change: bool = False) -> Row:
    async with FakeLlamaCloud(rate_limit=limit, latency=latency, record=True) as fake:
        stop = asyncio.Event()
        changer = asyncio.create_task(_change_limit(fake, stop)) if change else None
        ok, elapsed, throttled = await _fetch(fake, count)
        stop.set()
        if changer is not None:
            await changer
        sent = len(fake.requests)
    goodput = ok / elapsed / (_mean_limit(elapsed, limit) if change else limit)
    name = f"limit {limit:.0f}/s{' -> 100 -> 400' if change else ''}, {latency * 1000:.0f} ms latency"
    return Row(
        name, f"goodput {goodput:.2f}x of the limit, {count - ok} lost, throttled {throttled / sent:.1%}"
    )


async def _change_limit(fake: FakeLlamaCloud, stop: asyncio.Event) -> None:
    for rate, after in ((100, 3.0), (400, 3.0)):
        try:
            await asyncio.wait_for(stop.wait(), after)
            return
        except TimeoutError:
            fake.rate_limit = rate


def _mean_limit(elapsed: float, limit: float) -> float:
    phases = [(3.0, limit), (3.0, 100.0), (max(0.0, elapsed - 6.0), 400.0)]
    covered = [
        (min(d, max(0.0, elapsed - sum(p[0] for p in phases[:i]))), r) for i, (d, r) in enumerate(phases)
    ]
    return sum(d * r for d, r in covered) / elapsed


async def faults(rate: float, count: int) -> tuple[float, int]:
    async with FakeLlamaCloud(fault_rate=rate, seed=7, record=False) as fake:
        ok, elapsed, _ = await _fetch(fake, count, max_retries=5)
    return ok / elapsed, ok


async def systemic() -> list[Row]:
    rows = []
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    async with AsyncLlamaCloud(api_key="k", base_url=f"http://127.0.0.1:{port}") as client:
        try:
            async for _ in client.extraction.runs.get_many([f"run-{i}" for i in range(2000)]):
                pass
        except APIError as error:
            rows.append(
                Row(
                    "server down, 2,000 IDs",
                    f"{type(error).__name__} after {time.monotonic() - started:.2f}s",
                )
            )
    async with (
        FakeLlamaCloud(api_key="right") as fake,
        AsyncLlamaCloud(api_key="wrong", base_url=fake.base_url) as client,
    ):
        try:
            async for _ in client.extraction.runs.get_many([f"run-{i}" for i in range(2000)], concurrency=32):
                pass
        except APIError as error:
            rows.append(
                Row(
                    "wrong key, 2,000 IDs, concurrency 32",
                    f"{type(error).__name__} after {len(fake.requests)} requests",
                )
            )
    return rows


async def main(count: int) -> None:
    rows: list[Row] = []
    for latency in (0.0, 0.02):
        rows.append(await limited(400, latency, count=count))
    rows.append(await limited(400, 0.0, count=count * 2, change=True))
    base, _ = await faults(0.0, count * 3)
    for rate in (0.05, 0.1, 0.2):
        faulty, ok = await faults(rate, count * 3)
        rows.append(
            Row(
                f"{rate:.0%} transient faults, {count * 3:,} IDs",
                f"{faulty / base:.2f}x the fault-free rate ({base:,.0f}/s), {count * 3 - ok} lost",
            )
        )
    rows += await systemic()
    print("| scenario | result |\n| --- | --- |")
    for row in rows:
        print(f"| {row.scenario} | {row.result} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2000)
    asyncio.run(main(parser.parse_args().count))
