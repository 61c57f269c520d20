"""Bulk fetch against a server that pushes back: ``python -m benchmarks.throttling``.

Each scenario runs a fresh client (concurrency 64, pinned to core 1 where possible)
against a FakeLlamaCloud in its own process (pinned to core 0), ``--repeat`` times,
interleaved; the tables give the median and, in brackets, the lowest and highest run.

- Rate limits: a token bucket of 400 requests/s holding a tenth of a second's worth,
  answering 429 with ``retry-after-ms`` (hinted) or with no hint (bare), at 0 and
  20 ms of server latency, and a limit that changes 400 -> 100 -> 400 mid-run. Goodput
  is successes per second over the whole run as a share of the (time-weighted) limit;
  throttled is the share of all requests sent that were answered 429.
- Transient faults (503, 429 with a 20 ms hint, reset, close mid-body) at 5, 10 and
  20 %, with ``max_retries=5``: the whole run's rate against the fault-free run's, and
  the steady rate (from the 10th to the 90th percentile of items delivered), since the
  whole run also holds the tail of the items that fail three or four times in a row
  and wait out their exponential backoff (0.5 + 1 + 2 + 4 s).
- Systemic failures: a server that is down, and a wrong API key.

    python -m benchmarks.throttling            full run (about ten minutes on 2 cores)
    python -m benchmarks.throttling --smoke    tiny sizes, one repetition: checks it works
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from llamacloud_async import APIError, AsyncLlamaCloud
from llamacloud_async.bulk import BulkProgress

from ._server import FakeProcess, fake_process

CONCURRENCY = 64
LIMIT = 400.0
LOWERED = 100.0


@dataclass
class Run:
    """One bulk fetch: when each item arrived, and what the client counted."""

    count: int
    elapsed: float
    arrivals: list[float]
    ok: int
    sent: int
    throttled: int

    def steady_rate(self) -> float:
        """Items per second from the 10th to the 90th percentile of arrivals."""
        low, high = self.arrivals[len(self.arrivals) // 10], self.arrivals[len(self.arrivals) * 9 // 10]
        return 0.8 * len(self.arrivals) / max(high - low, 1e-9)


async def fetch(base_url: str, count: int, **options: object) -> Run:
    """Fetch ``count`` IDs once with ``get_many``."""
    last = [BulkProgress(done=0, failed=0, retries=0, rate_limited=0, concurrency=CONCURRENCY, elapsed=0.0)]
    arrivals: list[float] = []
    ok = 0
    async with AsyncLlamaCloud(api_key="bench", base_url=base_url, **options) as client:  # type: ignore[arg-type]
        started = time.monotonic()
        bulk = client.extraction.runs.get_many(
            (f"run-{i}" for i in range(count)),
            concurrency=CONCURRENCY,
            on_progress=lambda p: last.__setitem__(0, p),
        )
        async for item in bulk:
            arrivals.append(time.monotonic() - started)
            ok += item.ok
        elapsed = time.monotonic() - started
    progress = last[0]
    return Run(count, elapsed, arrivals, ok, progress.done + progress.retries, progress.rate_limited)


@dataclass
class Scenario:
    name: str
    server: dict[str, object]
    count: int
    phase: float = 0.0
    """Seconds at each limit of 400 -> 100 -> 400; 0 for a steady limit."""
    goodput: list[float] = field(default_factory=list[float])
    throttled: list[float] = field(default_factory=list[float])
    recovery: list[float] = field(default_factory=list[float])
    lost: list[int] = field(default_factory=list[int])

    async def run(self) -> None:
        with fake_process(**self.server) as server:
            changer = asyncio.create_task(self._change(server)) if self.phase else None
            run = await fetch(server.base_url, self.count)
            if changer is not None:
                changer.cancel()
        limit = self._mean_limit(run.elapsed) if self.phase else LIMIT
        self.goodput.append(run.ok / run.elapsed / limit)
        self.throttled.append(run.throttled / run.sent)
        self.lost.append(run.count - run.ok)
        if self.phase:
            self.recovery.append(_recovery(run.arrivals, 2 * self.phase))

    async def _change(self, server: FakeProcess) -> None:
        for rate in (LOWERED, LIMIT):
            await asyncio.sleep(self.phase)
            server.set("rate_limit", rate)

    def _mean_limit(self, elapsed: float) -> float:
        lowered = min(self.phase, max(0.0, elapsed - self.phase))
        return (LIMIT * (elapsed - lowered) + LOWERED * lowered) / elapsed

    def result(self) -> str:
        goodput, throttled = _spread(self.goodput, "{:.2f}x"), _spread(self.throttled, "{:.1%}")
        text = f"goodput {goodput} of the limit, throttled {throttled}"
        if self.recovery:
            text += f", back within 10 % of 400/s {_spread(self.recovery, '{:.1f}')} s after the raise"
        return text + f", {max(self.lost)} lost"


def _recovery(arrivals: list[float], raised_at: float) -> float:
    """Seconds from ``raised_at`` until half a second's goodput is within 10 % of the limit."""
    window = 0.5
    start = 0
    for end, at in enumerate(arrivals):
        while arrivals[start] < at - window:
            start += 1
        if at - window >= raised_at and (end - start) / window >= 0.9 * LIMIT:
            return at - window - raised_at
    return float("inf")


def _spread(values: list[float], style: str) -> str:
    """The median, and the lowest and highest in brackets when there are several."""
    text = style.format(statistics.median(values))
    if len(values) > 1:
        text += f" ({style.format(min(values))} to {style.format(max(values))})"
    return text


@dataclass
class Faults:
    rate: float
    count: int
    whole: list[float] = field(default_factory=list[float])
    steady: list[float] = field(default_factory=list[float])
    tail: list[float] = field(default_factory=list[float])
    lost: list[int] = field(default_factory=list[int])

    async def run(self, base: Run) -> None:
        with fake_process(fault_rate=self.rate, seed=7, record=False) as server:
            run = await fetch(server.base_url, self.count, max_retries=5)
        self.whole.append(run.count / run.elapsed / (base.count / base.elapsed))
        self.steady.append(run.steady_rate() / base.steady_rate())
        self.tail.append(run.elapsed - run.arrivals[len(run.arrivals) * 99 // 100])
        self.lost.append(run.count - run.ok)

    def row(self) -> str:
        whole, steady = _spread(self.whole, "{:.2f}x"), _spread(self.steady, "{:.2f}x")
        tail = _spread(self.tail, "{:.1f}")
        return f"| {self.rate:.0%} | {whole} | {steady} | {tail} s | {max(self.lost)} |"


async def systemic() -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    try:
        await fetch(f"http://127.0.0.1:{port}", 2000)
    except APIError as error:
        rows.append(
            ("server down, 2,000 IDs", f"{type(error).__name__} after {time.monotonic() - started:.2f} s")
        )
    with fake_process(api_key="right") as server:
        async with AsyncLlamaCloud(api_key="wrong", base_url=server.base_url) as client:
            try:
                async for _ in client.extraction.runs.get_many(
                    [f"run-{i}" for i in range(2000)], concurrency=CONCURRENCY
                ):
                    pass
            except APIError as error:
                rows.append(
                    (
                        f"wrong key, 2,000 IDs, concurrency {CONCURRENCY}",
                        f"{type(error).__name__} after {server.recorded()} requests",
                    )
                )
    return rows


def scenarios(count: int, phase: float) -> list[Scenario]:
    found: list[Scenario] = []
    for hinted in (True, False):
        for latency in (0.0, 0.02):
            server: dict[str, object] = {"rate_limit": LIMIT, "latency": latency, "record": False}
            if not hinted:
                server["retry_after"] = False
            name = f"{'hinted' if hinted else 'bare'} 429s, {latency * 1000:.0f} ms latency"
            found.append(Scenario(name, server, count))
    for latency in (0.0, 0.02):
        server = {"rate_limit": LIMIT, "latency": latency, "record": False}
        name = f"400 -> 100 -> 400/s, hinted, {latency * 1000:.0f} ms latency"
        found.append(Scenario(name, server, round(count * 2.2), phase=phase))
    return found


async def main(count: int, fault_count: int, repeat: int, phase: float, say: Callable[[str], None]) -> None:
    limited = scenarios(count, phase)
    faults = [Faults(rate, fault_count) for rate in (0.05, 0.1, 0.2)]
    for repetition in range(repeat):
        for scenario in limited:
            await scenario.run()
        with fake_process(record=False) as server:
            base = await fetch(server.base_url, fault_count, max_retries=5)
        for fault in faults:
            await fault.run(base)
        say(f"repetition {repetition + 1} of {repeat} done")
    print(
        f"\nLimit 400 requests/s, {count:,} IDs"
        f" ({round(count * 2.2):,} across the change, {phase:g} s a phase).\n"
    )
    print("| scenario | result |\n| --- | --- |")
    for scenario in limited:
        print(f"| {scenario.name} | {scenario.result()} |")
    for name, result in await systemic():
        print(f"| {name} | {result} |")
    print(f"\n{fault_count:,} IDs, against the fault-free run of the same repetition.\n")
    print(
        "| transient faults | whole run / fault-free | steady (10-90 %) / fault-free"
        " | tail after 99 % | lost |"
    )
    print("| --- | --- | --- | --- | --- |")
    for fault in faults:
        print(fault.row())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=2000, help="IDs per rate-limit scenario")
    parser.add_argument("--fault-count", type=int, default=20000, help="IDs per transient-fault run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes and one repetition")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1})
    if args.smoke:
        args.count, args.fault_count, args.repeat = 200, 300, 1
    asyncio.run(
        main(
            args.count,
            args.fault_count,
            args.repeat,
            0.5 if args.smoke else 3.0,
            lambda line: print(line, flush=True),
        )
    )
