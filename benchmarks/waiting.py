"""Requests per finished job: ``wait_many`` against one wait per job.

    python -m benchmarks.waiting [--jobs 1000] [--markdown FILE]

Creates ``--jobs`` jobs on a FakeLlamaCloud whose jobs take 0.2 to 3 seconds (spread by
a hash of the input, 10% failing), then waits for all of them twice over the same jobs'
lifetimes: once with ``client.extract.wait_many(ids)`` (a list request per 100 jobs each
round) and once with a ``wait_for_completion`` per job, run concurrently (a get per job
each round), both on the same schedule. It counts the requests the server received for
each: the figure that bills against a plan's rate limit. Times are scaled down (0.1 s
first interval, 0.5 s cap) so a run takes seconds; the ratio does not depend on scale.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import time
from dataclasses import dataclass

from llamacloud_async import AsyncLlamaCloud, PollingError
from llamacloud_async.testing import FakeLlamaCloud, JobRequest

SCHEDULE = {"polling_interval": 0.1, "max_interval": 0.5}


@dataclass
class Row:
    strategy: str
    jobs: int
    requests: int
    seconds: float

    @property
    def per_job(self) -> float:
        return self.requests / self.jobs


def duration(request: JobRequest) -> float:
    """0.2 to 3 seconds, from a hash of the input."""
    return 0.2 + hashlib.sha256(request.file_input.encode()).digest()[0] / 255 * 2.8


async def create(client: AsyncLlamaCloud, count: int) -> list[str]:
    limit = asyncio.Semaphore(32)

    async def one(number: int) -> str:
        async with limit:
            job = await client.extract.create(file_input=f"dfl-{number}", configuration_id="cfg")
            return job.id

    return list(await asyncio.gather(*(one(n) for n in range(count))))


async def batched(client: AsyncLlamaCloud, ids: list[str]) -> int:
    return len([job async for job in client.extract.wait_many(ids, **SCHEDULE)])


async def per_job(client: AsyncLlamaCloud, ids: list[str]) -> int:
    async def one(job_id: str) -> None:
        with contextlib.suppress(PollingError):
            await client.extract.wait_for_completion(job_id, **SCHEDULE)

    await asyncio.gather(*(one(job_id) for job_id in ids))
    return len(ids)


async def measure(count: int) -> list[Row]:
    rows: list[Row] = []
    for name, wait in (("wait_many (batched list)", batched), ("wait_for_completion per job", per_job)):
        async with (
            FakeLlamaCloud(
                job_duration=duration,
                failure_rate=0.1,
                seed=1,
                record=False,
            ) as fake,
            AsyncLlamaCloud(api_key="bench", base_url=fake.base_url, max_connections=200) as client,
        ):
            ids = await create(client, count)
            before = sum(fake.counts.values())
            started = time.monotonic()
            finished = await wait(client, ids)
            seconds = time.monotonic() - started
            assert finished == count, (name, finished)
            rows.append(Row(name, count, sum(fake.counts.values()) - before, seconds))
    return rows


def markdown(rows: list[Row]) -> str:
    lines = [
        "| strategy | jobs | requests | requests per job | seconds |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {r.strategy} | {r.jobs:,} | {r.requests:,} | {r.per_job:.2f} | {r.seconds:.1f} |" for r in rows
    ]
    ratio = rows[1].requests / max(1, rows[0].requests)
    return "\n".join(lines) + f"\n\nwait_many sends {ratio:.0f}x fewer requests.\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--markdown", metavar="FILE")
    args = parser.parse_args()
    text = markdown(asyncio.run(measure(args.jobs)))
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as output:
            output.write(text)


if __name__ == "__main__":
    main()
