"""Documents in, results out, end to end: ``python -m benchmarks.pipeline``.

Each scenario uploads N small documents to a FakeLlamaCloud (its own process, jobs that
take ``--job-duration`` seconds) and waits for every extraction:

- ours: ``client.extract.run_many(paths, configuration=...)``;
- official: the SDK's documented calls, ``files.create`` then ``extract.run`` per
  document, under ``asyncio.gather`` with a semaphore of the same concurrency.

Both poll on the same schedule (``--polling-interval``, constant). Reported: wall time,
requests per document (counted by the server, by route) and the ratio of wall times.
Not run in CI: it takes about a minute with the defaults.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import multiprocessing.connection
import tempfile
import time
from collections import Counter
from pathlib import Path

SCHEMA = {"type": "object", "properties": {"vendor": {"type": "string"}, "total": {"type": "number"}}}


def _serve(connection: multiprocessing.connection.Connection, job_duration: float) -> None:
    """The fake, in its own process: answers ``"counts"`` (then resets them) until ``"stop"``."""
    from llamacloud_async.testing import FakeLlamaCloud

    with FakeLlamaCloud(job_duration=job_duration, record=False).serve_in_thread() as fake:
        connection.send(fake.base_url)
        while (command := connection.recv()) != "stop":
            assert command == "counts"
            connection.send(dict(fake.counts))
            fake.counts.clear()


def _documents(folder: Path, count: int) -> list[str]:
    paths = []
    for i in range(count):
        path = folder / f"invoice-{i:05d}.txt"
        path.write_text(f"Invoice {i}\nvendor: Vendor {i % 50}\ntotal: {i}.25\n" + "line item\n" * 50)
        paths.append(str(path))
    return paths


async def ours(base_url: str, paths: list[str], concurrency: int, interval: float) -> int:
    from llamacloud_async import AsyncLlamaCloud

    completed = 0
    async with AsyncLlamaCloud(api_key="bench", base_url=base_url) as client:
        run = client.extract.run_many(
            paths,
            configuration={"data_schema": SCHEMA},
            concurrency=concurrency,
            polling_interval=interval,
            backoff="constant",
        )
        async for result in run:
            completed += result.ok
    return completed


async def official(base_url: str, paths: list[str], concurrency: int, interval: float) -> int:
    from llama_cloud import AsyncLlamaCloud as OfficialAsyncLlamaCloud

    client = OfficialAsyncLlamaCloud(api_key="bench", base_url=base_url)
    semaphore = asyncio.Semaphore(concurrency)

    async def one(path: str) -> bool:
        async with semaphore:
            uploaded = await client.files.create(file=Path(path), purpose="extract")
            job = await client.extract.run(
                file_input=uploaded.id,
                configuration={"data_schema": SCHEMA},  # type: ignore[typeddict-item]
                polling_interval=interval,
                backoff="constant",
            )
            return job.status == "COMPLETED"

    try:
        return sum(await asyncio.gather(*(one(path) for path in paths)))
    finally:
        await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--job-duration", type=float, default=1.0, help="seconds each fake job takes")
    parser.add_argument("--polling-interval", type=float, default=0.25)
    parser.add_argument("--only", choices=("ours", "official"), help="run one side only")
    args = parser.parse_args()

    here, there = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(there, args.job_duration), daemon=True)
    server.start()
    base_url = here.recv()
    rows: list[tuple[str, float, int, Counter[str]]] = []
    with tempfile.TemporaryDirectory() as folder:
        paths = _documents(Path(folder), args.documents)
        for name, scenario in (("ours: run_many", ours), ("official: files.create + extract.run", official)):
            if args.only is not None and not name.startswith(args.only):
                continue
            started = time.perf_counter()
            completed = asyncio.run(scenario(base_url, paths, args.concurrency, args.polling_interval))
            elapsed = time.perf_counter() - started
            here.send("counts")
            counts: dict[str, int] = here.recv()
            rows.append((name, elapsed, completed, Counter(counts)))
    here.send("stop")
    server.join(timeout=10)

    count = args.documents
    print(
        f"{count} documents, concurrency {args.concurrency}, jobs of {args.job_duration}s, "
        f"polls every {args.polling_interval}s\n"
    )
    print("| scenario | wall time | completed | requests / document | uploads | creates | polls |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, elapsed, completed, counts in rows:
        polls = sum(v for k, v in counts.items() if k not in ("file-create", "extract-create"))
        total = sum(counts.values())
        print(
            f"| {name} | {elapsed:.1f}s | {completed} | {total / count:.2f} | {counts['file-create']} | "
            f"{counts['extract-create']} | {polls} |"
        )
    if len(rows) == 2:
        print(f"\nwall time, ours / official: {rows[0][1] / rows[1][1]:.2f}x")


if __name__ == "__main__":
    main()
