"""The benchmark harness: ``nox -s bench`` (or ``python -m benchmarks.run``).

A FakeLlamaCloud serves small (~2.4 KB) and large (~240 KB, one object per table row)
ExtractV2Job bodies from its own process, pinned to core 0 where possible. Every client
configuration runs in a fresh process, interleaved with the others, ``--repeat`` times;
throughput ratios are computed within each repetition and the medians reported. All the
processes of one repetition share a hash seed (repetition N runs with PYTHONHASHSEED=N):
the seed alone moves a client's rate by up to a fifth, so pairing it keeps that noise
out of the ratios.

    python -m benchmarks.run                 full run (about six minutes on 2 cores)
    python -m benchmarks.run --smoke         tiny sizes, one repetition: checks it works
    python -m benchmarks.run --markdown FILE also write the tables as Markdown
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import msgspec

from ._server import server_process

SIZES = {"small": {"rows": 21, "per_table_row": False}, "large": {"rows": 3250, "per_table_row": True}}


@dataclass(frozen=True)
class Config:
    name: str
    label: str
    share: float
    """Fraction of the requests this configuration makes (slow ones make fewer)."""
    concurrency: int | None = None
    """``None``: the run's concurrency; 1 for sequential configurations."""
    loop: str = "asyncio"
    """``uvloop``: async configurations run on uvloop, and the sync client has the extra."""

    @property
    def key(self) -> str:
        return self.name if self.loop == "asyncio" else f"{self.name}@{self.loop}"


CONCURRENT = [
    Config("raw_floor", "raw aiohttp + msgspec (floor)", 1.0),
    Config("ours_get_many", "ours: get_many", 1.0),
    Config("ours_gather", "ours: gather of extract.get", 1.0),
    Config("ours_sync_get_many", "ours sync: get_many", 1.0),
    Config("official_async_gather", "official AsyncLlamaCloud: gather", 0.1),
    Config("raw_floor", "raw aiohttp + msgspec on uvloop", 1.0, loop="uvloop"),
    Config("ours_get_many", "ours on uvloop: get_many", 1.0, loop="uvloop"),
    Config("ours_sync_get_many", "ours sync, uvloop extra: get_many", 1.0, loop="uvloop"),
]
SEQUENTIAL = [
    Config("raw_sequential", "raw aiohttp + msgspec, sequential", 0.4, 1),
    Config("ours_sequential", "ours async, sequential", 0.4, 1),
    Config("ours_sync_sequential", "ours sync, sequential", 0.4, 1),
    Config("official_sync_sequential", "official LlamaCloud sync, sequential", 0.1, 1),
    Config("ours_sync_sequential", "ours sync, uvloop extra, sequential", 0.4, 1, loop="uvloop"),
]

Rates = dict[str, dict[str, list[float]]]
"""Requests/s by size, then configuration key: one entry per repetition, in order."""

TARGETS = [
    ("get_many / raw floor", "ours_get_many", "raw_floor", 0.9),
    ("get_many / official async gather", "ours_get_many", "official_async_gather", None),
    ("sync get_many / async get_many", "ours_sync_get_many", "ours_get_many", 0.9),
    ("sync sequential / official sync", "ours_sync_sequential", "official_sync_sequential", 2.0),
    ("on uvloop: get_many / raw floor", "ours_get_many@uvloop", "raw_floor@uvloop", 0.9),
    ("uvloop extra: sync get_many / without", "ours_sync_get_many@uvloop", "ours_sync_get_many", None),
    (
        "uvloop extra: sync sequential / official sync",
        "ours_sync_sequential@uvloop",
        "official_sync_sequential",
        2.0,
    ),
]
"""Throughput targets: (label, numerator, denominator, goal), each ratio taken within a repetition."""


def _client_run(config: Config, base_url: str, requests: int, concurrency: int, seed: int) -> float:
    n = max(20, int(requests * config.share))
    command = [
        sys.executable,
        "-m",
        "benchmarks.clients",
        config.name,
        base_url,
        str(n),
        str(config.concurrency or concurrency),
        config.loop,
    ]
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        command = ["taskset", "-c", "1", *command]
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=600, env=env).stdout
    return n / float(output.strip().splitlines()[-1])


def throughput(configs: list[Config], requests: int, concurrency: int, repeat: int, rates: Rates) -> None:
    """Measure every configuration on both sizes, interleaved, into ``rates``."""
    for size, options in SIZES.items():
        scale = 1 if size == "small" else 10
        runs = rates.setdefault(size, {})
        with server_process(
            rows=int(options["rows"]), per_table_row=bool(options["per_table_row"])
        ) as base_url:
            for seed in range(1, repeat + 1):
                for c in configs:
                    rate = _client_run(c, base_url, requests // scale, concurrency, seed)
                    runs.setdefault(c.key, []).append(rate)


def _median_ratio(rates: dict[str, list[float]], numerator: str, denominator: str) -> float:
    return statistics.median(a / b for a, b in zip(rates[numerator], rates[denominator], strict=True))


def rate_table(configs: list[Config], rates: Rates) -> dict[str, dict[str, float]]:
    """Median requests/s per configuration and size, and the median ratio to the first."""
    report: dict[str, dict[str, float]] = {}
    for size, runs in rates.items():
        for c in configs:
            report.setdefault(c.label, {})[f"{size} req/s"] = statistics.median(runs[c.key])
            report[c.label][f"{size} ratio"] = _median_ratio(runs, c.key, configs[0].key)
    return report


def target_table(rates: Rates) -> dict[str, dict[str, float]]:
    """The throughput targets: median ratios per size, beside their goals."""
    report: dict[str, dict[str, float]] = {}
    for label, numerator, denominator, goal in TARGETS:
        row = {f"{size} ratio": _median_ratio(runs, numerator, denominator) for size, runs in rates.items()}
        report[label] = row if goal is None else {**row, "goal ratio": goal}
    return report


def decode_costs(repeat: int) -> dict[str, dict[str, float]]:
    """Microseconds to decode the same bytes: our Struct vs the official pydantic model."""
    from llama_cloud._models import construct_type
    from llama_cloud.types import ExtractV2Job as OfficialJob

    from llamacloud_async.testing import _bodies
    from llamacloud_async.types import ExtractV2Job

    decoder = msgspec.json.Decoder(ExtractV2Job)
    report: dict[str, dict[str, float]] = {}
    for size, options in SIZES.items():
        body = msgspec.json.encode(
            _bodies.extract_job(
                "ext-1", rows=int(options["rows"]), per_table_row=bool(options["per_table_row"])
            )
        )
        loops = 2000 if size == "small" else 20

        def timed(decode: object, loops: int = loops) -> float:
            assert callable(decode)
            best = float("inf")
            for _ in range(max(3, repeat)):
                started = time.perf_counter()
                for _ in range(loops):
                    decode()
                best = min(best, (time.perf_counter() - started) / loops * 1e6)
            return best

        report.setdefault("ours: msgspec Struct", {})[f"{size} us"] = timed(lambda b=body: decoder.decode(b))
        report.setdefault("official: client path (json + construct)", {})[f"{size} us"] = timed(
            lambda b=body: construct_type(type_=OfficialJob, value=msgspec.json.decode(b))
        )
        report.setdefault("official: model_validate_json", {})[f"{size} us"] = timed(
            lambda b=body: OfficialJob.model_validate_json(b)
        )
    return report


def import_times(repeat: int) -> dict[str, dict[str, float]]:
    """Milliseconds to import each package in a fresh interpreter (medians)."""
    report: dict[str, dict[str, float]] = {}
    for module in ("llamacloud_async", "llama_cloud"):
        code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
        runs = [
            float(
                subprocess.run(
                    [sys.executable, "-c", code], capture_output=True, text=True, check=True
                ).stdout
            )
            for _ in range(max(3, repeat))
        ]
        report[module] = {"import ms": statistics.median(runs) * 1000}
    return report


_MEMORY = """
import asyncio, resource, sys
from llamacloud_async import AsyncLlamaCloud
async def main(base_url, n):
    async with AsyncLlamaCloud(api_key="k", base_url=base_url) as client:
        ids = (f"ext-{i:07d}" for i in range(n))
        async for item in client.extract.get_many(ids, concurrency=64):
            item.unwrap()
asyncio.run(main(sys.argv[1], int(sys.argv[2])))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_rss(counts: tuple[int, int]) -> dict[str, dict[str, float]]:
    """Peak RSS (MiB) of a get_many over each number of IDs, results consumed as they come."""
    report: dict[str, dict[str, float]] = {}
    with server_process(rows=int(SIZES["small"]["rows"])) as base_url:
        for n in counts:
            out = subprocess.run(
                [sys.executable, "-c", _MEMORY, base_url, str(n)], capture_output=True, text=True, check=True
            ).stdout
            report[f"get_many over {n:,} IDs"] = {"peak RSS MiB": int(out.strip()) / 1024}
    return report


def cli_modes(requests: int, repeat: int) -> dict[str, dict[str, float]]:
    """The CLI's fetch on large bodies: typed decode-and-encode vs raw pass-through."""
    rates: dict[str, list[float]] = {"typed": [], "raw": []}
    with tempfile.TemporaryDirectory() as tmp, server_process(**SIZES["large"]) as base_url:  # type: ignore[arg-type]
        ids = Path(tmp) / "ids.txt"
        ids.write_text("".join(f"ext-{i:07d}\n" for i in range(requests)))
        env = {**os.environ, "LLAMA_CLOUD_API_KEY": "k", "LLAMA_CLOUD_BASE_URL": base_url}
        for _ in range(repeat):
            for mode in ("typed", "raw"):
                command = [sys.executable, "-m", "llamacloud_async", "fetch", "extract", "--ids", str(ids)]
                command += ["-o", os.devnull, "--no-progress", "--concurrency", "64"]
                started = time.perf_counter()
                subprocess.run(
                    command + (["--raw"] if mode == "raw" else []), env=env, check=True, capture_output=True
                )
                rates[mode].append(requests / (time.perf_counter() - started))
    return {f"CLI fetch, large bodies, {mode}": {"req/s": statistics.median(r)} for mode, r in rates.items()}


def render(title: str, report: dict[str, dict[str, float]]) -> str:
    columns = list(dict.fromkeys(key for row in report.values() for key in row))
    lines = [f"### {title}", "", "| | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for label, row in report.items():
        cells = [_cell(key, row.get(key)) for key in columns]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _cell(key: str, value: float | None) -> str:
    if value is None:
        return ""
    if "ratio" in key:
        return f"{value:.2f}x"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=20000, help="small-body requests per configuration")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes and one repetition")
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    args = parser.parse_args()
    if args.smoke:
        args.requests, args.repeat = 200, 1
    memory_counts = (500, 2000) if args.smoke else (10_000, 100_000)
    concurrent: Rates = {}
    sequential: Rates = {}
    throughput(CONCURRENT, args.requests, args.concurrency, args.repeat, concurrent)
    throughput(SEQUENTIAL, args.requests, 1, args.repeat, sequential)
    every_rate = {size: {**concurrent[size], **sequential[size]} for size in concurrent}
    sections = [
        ("Throughput targets (medians of ratios within a repetition)", target_table(every_rate)),
        ("Concurrent gets (ratio: to the raw floor)", rate_table(CONCURRENT, concurrent)),
        ("Sequential gets (ratio: to raw sequential)", rate_table(SEQUENTIAL, sequential)),
        ("Decoding one body", decode_costs(args.repeat)),
        ("Import time", import_times(args.repeat)),
        ("Memory", peak_rss(memory_counts)),
        ("Command line", cli_modes(20 if args.smoke else 2000, args.repeat)),
    ]
    header = (
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}. {args.repeat} repetitions, "
        f"concurrency {args.concurrency}, "
        f"{args.requests:,} small / {args.requests // 10:,} large requests per configuration "
        "(the official SDK a tenth of that).\n"
    )
    text = header + "\n" + "\n".join(render(title, report) for title, report in sections)
    print(text)
    if args.markdown:
        args.markdown.write_text(text)


if __name__ == "__main__":
    main()
