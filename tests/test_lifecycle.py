"""The job lifecycle over real sockets against FakeLlamaCloud: creates that make exactly
one job whatever fails, waits that end alike in sync and async, lazy pages, deadlines
that hold, and wait_many over a thousand jobs."""

from __future__ import annotations

import asyncio
import hashlib
import socket
import time
from collections.abc import AsyncIterator, Iterator

import anyio
import pytest

from llamacloud_async import (
    APIConnectionError,
    AsyncLlamaCloud,
    InternalServerError,
    LlamaCloud,
    PollingError,
    PollingTimeoutError,
)
from llamacloud_async.testing import AfterProcessing, Delay, FakeLlamaCloud, JobRequest, Reset, Status
from llamacloud_async.types import ExtractV2Job

from .conftest import API_KEY, until

SCHEMA = {"type": "object", "properties": {"name": {"type": "string"}, "total": {"type": "number"}}}
CONFIG = {"data_schema": SCHEMA}
TIMER_SLACK = 0.005
"""Seconds by which a measured wait may fall short of its deadline on a loaded machine
(0.2 ms was seen on the sync client, whose deadline runs on its loop thread)."""


@pytest.fixture
async def fake() -> AsyncIterator[FakeLlamaCloud]:
    async with FakeLlamaCloud(api_key=API_KEY, job_duration=0.2, fail_jobs={"dfl-bad"}) as server:
        yield server


@pytest.fixture
async def client(fake: FakeLlamaCloud) -> AsyncIterator[AsyncLlamaCloud]:
    async with AsyncLlamaCloud(
        api_key=API_KEY, base_url=fake.base_url, max_retries=2, retry_backoff=0.01
    ) as c:
        yield c


@pytest.fixture
def threaded_fake() -> Iterator[FakeLlamaCloud]:
    with FakeLlamaCloud(api_key=API_KEY, job_duration=0.2, fail_jobs={"dfl-bad"}).serve_in_thread() as server:
        yield server


@pytest.fixture
def sync_client(threaded_fake: FakeLlamaCloud) -> Iterator[LlamaCloud]:
    with LlamaCloud(api_key=API_KEY, base_url=threaded_fake.base_url, max_retries=2, retry_backoff=0.01) as c:
        yield c


# Creates: exactly one job, whatever fails


@pytest.mark.parametrize(
    "fault",
    [AfterProcessing(Reset()), AfterProcessing(Status(503)), AfterProcessing(Delay(1.0))],
    ids=["reset-after-processing", "503-after-processing", "timeout-after-processing"],
)
async def test_an_ambiguous_failure_after_the_job_was_made_finds_it_instead_of_making_another(
    fault: AfterProcessing,
) -> None:
    async with (
        FakeLlamaCloud(api_key=API_KEY, idempotency_keys=False) as fake,
        AsyncLlamaCloud(
            api_key=API_KEY, base_url=fake.base_url, max_retries=2, retry_backoff=0.01, timeout=0.5
        ) as client,
    ):
        fake.inject(fault, route="extract-create")

        job = await client.extract.create(file_input="dfl-1", configuration=CONFIG)

        assert fake.created == 1
        assert list(fake.store.jobs) == [job.id]
        assert fake.counts["extract-create"] == 1
        assert fake.counts["extract-list"] == 1


async def test_a_reset_before_processing_is_resent_and_makes_one_job() -> None:
    async with (
        FakeLlamaCloud(api_key=API_KEY, idempotency_keys=False) as fake,
        AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url, max_retries=2, retry_backoff=0.01) as client,
    ):
        fake.inject(Reset(), route="extract-create")

        job = await client.extract.create(file_input="dfl-1", configuration_id="cfg-1")

        assert fake.created == 1
        assert list(fake.store.jobs) == [job.id]
        assert fake.counts["extract-create"] == 2
        keys = {r.headers["Idempotency-Key"] for r in fake.requests if r.route == "extract-create"}
        assert len(keys) == 1


async def test_a_server_that_honours_the_key_replays_the_job_on_a_blind_retry(
    fake: FakeLlamaCloud, client: AsyncLlamaCloud
) -> None:
    fake.inject(AfterProcessing(Status(429, headers={"retry-after-ms": "1"})), route="extract-create")

    job = await client.extract.create(file_input="dfl-1", configuration=CONFIG)

    assert (fake.created, fake.replayed) == (1, 1)
    assert list(fake.store.jobs) == [job.id]


# Waits: the same ending in sync and async


async def test_async_wait_returns_the_completed_job_with_its_result(client: AsyncLlamaCloud) -> None:
    job = await client.extract.run(
        file_input="dfl-1", configuration=CONFIG, polling_interval=0.05, max_interval=0.1, expand=["usage"]
    )
    assert job.status == "COMPLETED"
    assert isinstance(job.extract_result, dict)
    assert set(job.extract_result) == {"name", "total"}
    assert job.usage is not None


def test_sync_wait_returns_the_completed_job_with_its_result(sync_client: LlamaCloud) -> None:
    job = sync_client.extract.run(
        file_input="dfl-1", configuration=CONFIG, polling_interval=0.05, max_interval=0.1
    )
    assert job.status == "COMPLETED"
    assert isinstance(job.extract_result, dict)


async def test_a_failed_job_raises_in_async(client: AsyncLlamaCloud) -> None:
    created = await client.extract.create(file_input="dfl-bad", configuration=CONFIG)
    with pytest.raises(PollingError) as error:
        await client.extract.wait_for_completion(created.id, polling_interval=0.05, max_interval=0.1)
    assert_failed(error.value, created.id)


def test_a_failed_job_raises_in_sync_alike(sync_client: LlamaCloud) -> None:
    created = sync_client.extract.create(file_input="dfl-bad", configuration=CONFIG)
    with pytest.raises(PollingError) as error:
        sync_client.extract.wait_for_completion(created.id, polling_interval=0.05, max_interval=0.1)
    assert_failed(error.value, created.id)


def assert_failed(error: PollingError, job_id: str) -> None:
    assert error.status == "FAILED"
    assert error.job_id == job_id
    assert isinstance(error.job, ExtractV2Job)
    assert error.job.error_message
    assert str(error).startswith(f"Job {job_id} failed with status: FAILED | Error: ")


async def test_a_cancelled_job_raises(client: AsyncLlamaCloud, fake: FakeLlamaCloud) -> None:
    created = await client.extract.create(file_input="dfl-1", configuration=CONFIG)
    cancelled = await client.extract.cancel(created.id)
    assert cancelled.status == "CANCELLED"
    with pytest.raises(PollingError, match="CANCELLED"):
        await client.extract.wait_for_completion(created.id)
    await client.extract.delete(created.id)
    assert created.id not in fake.store.jobs


async def test_transient_failures_while_polling_do_not_end_the_wait(fake: FakeLlamaCloud) -> None:
    async with AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url, max_retries=0) as client:
        created = await client.extract.create(file_input="dfl-1", configuration=CONFIG)
        fake.inject(Status(503), route="extract", times=2)
        fake.inject(Reset(), route="extract", times=1)

        job = await client.extract.wait_for_completion(created.id, polling_interval=0.02, max_interval=0.05)

    assert job.status == "COMPLETED"
    assert fake.counts["extract"] >= 4


async def test_a_wait_on_a_server_that_cannot_be_reached_ends_with_its_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        base_url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    async with AsyncLlamaCloud(api_key=API_KEY, base_url=base_url, max_retries=0) as client:
        started = time.monotonic()
        with pytest.raises(APIConnectionError):
            await client.extract.wait_for_completion("ext-1", polling_interval=0.02)
        with pytest.raises(APIConnectionError, match="stopped the wait"):
            async for _ in client.extract.wait_many(["ext-1", "ext-2"], polling_interval=0.02):
                pass
    assert time.monotonic() - started < 5  # not the two hours of the default deadline


async def test_a_wait_whose_first_polls_all_fail_ends_with_the_error(fake: FakeLlamaCloud) -> None:
    fake.inject(Status(503), route="extract", times=None)
    fake.inject(Status(503), route="extract-list", times=None)
    async with AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url, max_retries=0) as client:
        with pytest.raises(InternalServerError):
            await client.extract.wait_for_completion("ext-1", polling_interval=0.02, max_interval=0.02)
        with pytest.raises(InternalServerError, match="stopped the wait"):
            async for _ in client.extract.wait_many(["ext-1"], polling_interval=0.02, max_interval=0.02):
                pass


async def test_an_outage_after_a_poll_was_answered_is_waited_out_and_named_at_the_deadline(
    client: AsyncLlamaCloud, fake: FakeLlamaCloud
) -> None:
    fake.store.job_duration = 60
    created = await client.extract.create(file_input="dfl-1", configuration=CONFIG)

    async def outage_after_the_first_poll() -> None:
        await until(lambda: fake.counts["extract-list"] >= 1)
        fake.inject(Status(503), times=None)

    async def watch() -> None:
        async for _ in client.extract.wait_many([created.id], polling_interval=0.05, timeout=0.8):
            pass

    outage = asyncio.ensure_future(outage_after_the_first_poll())
    with pytest.raises(PollingTimeoutError, match=r"the last poll failed: .*503") as error:
        await watch()
    await outage
    assert error.value.pending == [created.id]
    assert fake.counts["extract-list"] >= 3  # it kept polling through the outage


# Deadlines


async def test_a_wait_ends_at_its_deadline_with_the_last_job(
    client: AsyncLlamaCloud, fake: FakeLlamaCloud
) -> None:
    fake.store.job_duration = 60
    created = await client.extract.create(file_input="dfl-1", configuration=CONFIG)
    started = time.monotonic()
    with pytest.raises(PollingTimeoutError) as error:
        await client.extract.wait_for_completion(
            created.id, polling_interval=0.05, max_interval=0.1, timeout=0.3
        )
    elapsed = time.monotonic() - started
    assert 0.3 - TIMER_SLACK <= elapsed < 0.6
    assert error.value.job.status == "PENDING"
    assert error.value.pending == [created.id]


async def test_the_deadline_cancels_a_poll_in_flight(client: AsyncLlamaCloud, fake: FakeLlamaCloud) -> None:
    fake.store.job_duration = 60
    created = await client.extract.create(file_input="dfl-1", configuration=CONFIG)
    fake.inject(Delay(5), route="extract", times=None)
    started = time.monotonic()
    with pytest.raises(PollingTimeoutError):
        await client.extract.wait_for_completion(created.id, timeout=0.3)
    assert time.monotonic() - started < 0.6


def test_the_sync_deadline_holds_alike(sync_client: LlamaCloud, threaded_fake: FakeLlamaCloud) -> None:
    threaded_fake.store.job_duration = 60
    created = sync_client.extract.create(file_input="dfl-1", configuration=CONFIG)
    started = time.monotonic()
    with pytest.raises(PollingTimeoutError):
        sync_client.extract.wait_for_completion(
            created.id, polling_interval=0.05, max_interval=0.1, timeout=0.3
        )
    assert 0.3 - TIMER_SLACK <= time.monotonic() - started < 0.6


async def test_wait_many_ends_at_its_deadline_naming_the_unfinished(
    client: AsyncLlamaCloud, fake: FakeLlamaCloud
) -> None:
    quick = await client.extract.create(file_input="dfl-1", configuration=CONFIG)
    fake.store.job_duration = 60
    slow = await client.extract.create(file_input="dfl-2", configuration=CONFIG)
    seen: list[str] = []

    async def watch() -> None:
        async for job in client.extract.wait_many(
            [quick.id, slow.id], polling_interval=0.05, max_interval=0.1, timeout=0.5
        ):
            seen.append(job.id)

    started = time.monotonic()
    with pytest.raises(PollingTimeoutError) as error:
        await watch()
    assert 0.5 - TIMER_SLACK <= time.monotonic() - started < 0.8
    assert seen == [quick.id]
    assert error.value.pending == [slow.id]


# Pages


async def test_list_is_lazy_and_break_stops_fetching_pages(
    client: AsyncLlamaCloud, fake: FakeLlamaCloud
) -> None:
    for i in range(7):
        await client.extract.create(file_input=f"dfl-{i}", configuration=CONFIG)
    pager = client.extract.list(page_size=2)
    await asyncio.sleep(0.01)
    assert fake.counts["extract-list"] == 0

    seen: list[str] = []
    async for job in pager:
        seen.append(job.file_input or "")
        if len(seen) == 3:
            break

    assert seen == ["dfl-6", "dfl-5", "dfl-4"]  # newest first
    assert fake.counts["extract-list"] == 2
    pages = [len(page.items) async for page in client.extract.list(page_size=3).iter_pages()]
    assert pages == [3, 3, 1]


def test_sync_list_returns_the_first_page_and_walks_the_rest_lazily(
    sync_client: LlamaCloud, threaded_fake: FakeLlamaCloud
) -> None:
    for i in range(5):
        sync_client.extract.create(file_input=f"dfl-{i}", configuration_id="cfg-1")
    page = sync_client.extract.list(page_size=2)
    assert threaded_fake.counts["extract-list"] == 1
    assert len(page.items) == 2
    assert page.next_page_token
    for number, _job in enumerate(page, start=1):
        if number == 3:
            break
    assert threaded_fake.counts["extract-list"] == 2
    assert [len(p.items) for p in page.iter_pages()] == [2, 2, 1]


async def test_v1_lifecycle_create_wait_result_runs_and_delete(
    client: AsyncLlamaCloud, fake: FakeLlamaCloud
) -> None:
    jobs = [
        await client.extraction.jobs.create(extraction_agent_id="agent-1", file_id=f"file-{i}")
        for i in range(3)
    ]
    done = await client.extraction.jobs.wait_for_completion(
        jobs[0].id, polling_interval=0.05, max_interval=0.1
    )
    assert done.status == "SUCCESS"
    result = await client.extraction.jobs.extract(
        extraction_agent_id="agent-1", file_id="file-9", polling_interval=0.05, max_interval=0.1
    )
    assert result.data is not None
    assert len(await client.extraction.jobs.list(extraction_agent_id="agent-1")) == 4

    runs = client.extraction.runs.list(extraction_agent_id="agent-1", limit=3)
    first_two = []
    async for run in runs:
        first_two.append(run.id)
        if len(first_two) == 2:
            break
    assert fake.counts["run-list"] == 1
    all_runs = [run.id async for run in client.extraction.runs.list(extraction_agent_id="agent-1", limit=3)]
    assert len(all_runs) == 4
    await client.extraction.runs.delete(all_runs[0])
    assert len([r async for r in client.extraction.runs.list(extraction_agent_id="agent-1")]) == 3


async def test_v1_error_raises_and_partial_success_returns() -> None:
    async with (
        FakeLlamaCloud(job_duration=0.1, fail_jobs={"file-bad"}, partial_jobs={"file-part"}) as fake,
        AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url) as client,
    ):
        bad = await client.extraction.jobs.create(extraction_agent_id="a", file_id="file-bad")
        part = await client.extraction.jobs.create(extraction_agent_id="a", file_id="file-part")
        with pytest.raises(PollingError) as error:
            await client.extraction.jobs.wait_for_completion(bad.id, polling_interval=0.05, max_interval=0.1)
        assert error.value.status == "ERROR"
        done = await client.extraction.jobs.wait_for_completion(
            part.id, polling_interval=0.05, max_interval=0.1
        )
        assert done.status == "PARTIAL_SUCCESS"


# Many jobs


def duration_of(request: JobRequest) -> float:
    """0.05 to 0.8 seconds, spread by a hash of the input: jobs finish at many times."""
    digest = hashlib.sha256(request.file_input.encode()).digest()
    return 0.05 + digest[0] / 255 * 0.75


async def create_many(client: AsyncLlamaCloud, count: int) -> list[str]:
    limit = anyio.Semaphore(32)
    ids: list[str] = [""] * count

    async def one(number: int) -> None:
        async with limit:
            ids[number] = (await client.extract.create(file_input=f"dfl-{number}", configuration_id="cfg")).id

    async with anyio.create_task_group() as group:
        for number in range(count):
            group.start_soon(one, number)
    return ids


async def test_wait_many_over_a_thousand_jobs_loses_none_and_yields_each_once() -> None:
    async with (
        FakeLlamaCloud(
            api_key=API_KEY, job_duration=duration_of, failure_rate=0.1, seed=7, record=False
        ) as fake,
        AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url) as client,
    ):
        ids = await create_many(client, 1000)
        before = sum(fake.counts.values())

        yielded = [job async for job in client.extract.wait_many(ids, polling_interval=0.1, max_interval=0.2)]

        requests = sum(fake.counts.values()) - before
    assert len(yielded) == 1000
    assert sorted(job.id for job in yielded) == sorted(ids)
    assert {job.status for job in yielded} == {"COMPLETED", "FAILED"}
    assert sum(job.status == "FAILED" for job in yielded) > 50
    assert fake.counts["extract"] == 0  # no per-job gets: every poll was a batch
    assert requests == fake.counts["extract-list"]
    assert requests < 200  # ten batches a round; per-job polling takes several thousand


def test_sync_wait_many_yields_each_once(sync_client: LlamaCloud) -> None:
    ids = [sync_client.extract.create(file_input=f"dfl-{i}", configuration=CONFIG).id for i in range(12)]
    ids.append(sync_client.extract.create(file_input="dfl-bad", configuration=CONFIG).id)
    jobs = list(sync_client.extract.wait_many(ids, polling_interval=0.05, max_interval=0.1, batch_size=5))
    assert sorted(job.id for job in jobs) == sorted(ids)
    assert [job.status for job in jobs].count("FAILED") == 1


async def test_wait_many_falls_back_to_bulk_gets_when_the_filter_is_refused(
    client: AsyncLlamaCloud, fake: FakeLlamaCloud
) -> None:
    ids = [(await client.extract.create(file_input=f"dfl-{i}", configuration=CONFIG)).id for i in range(6)]
    fake.inject(Status(422), route="extract-list", times=None)

    jobs = [job async for job in client.extract.wait_many(ids, polling_interval=0.05, max_interval=0.1)]

    assert sorted(job.id for job in jobs) == sorted(ids)
    assert fake.counts["extract-list"] == 1
    assert fake.counts["extract"] >= 6


async def test_wait_many_shares_the_clients_rate_limiter() -> None:
    async with (
        FakeLlamaCloud(api_key=API_KEY, job_duration=0.3, rate_limit=40, burst=4) as fake,
        AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url, max_retries=5) as client,
    ):
        ids = [
            (await client.extract.create(file_input=f"dfl-{i}", configuration=CONFIG)).id for i in range(40)
        ]
        jobs = [
            job
            async for job in client.extract.wait_many(
                ids, polling_interval=0.02, max_interval=0.05, batch_size=2
            )
        ]
        limiter = client._requests.limiter  # pyright: ignore[reportPrivateUsage]
    assert sorted(job.id for job in jobs) == sorted(ids)
    assert limiter.enabled  # the 429s the polls met slowed the client as a whole


async def test_bad_input_reaches_no_socket(client: AsyncLlamaCloud, fake: FakeLlamaCloud) -> None:
    with pytest.raises(ValueError, match="unknown expand"):
        client.extract.list(expand="all")
    with pytest.raises(ValueError, match="unknown status"):
        client.extract.list(status="done")
    with pytest.raises(ValueError, match="timeout"):
        await client.extract.wait_for_completion("ext-1", timeout=-1)
    with pytest.raises(ValueError, match="cannot be empty"):
        client.extract.wait_many([])
    with pytest.raises(ValueError, match="job_ids"):
        client.extract.wait_many(["ext-1", "../x"])
    assert fake.requests == []


async def test_wait_many_reads_a_batch_larger_than_a_page_over_pages(
    client: AsyncLlamaCloud, fake: FakeLlamaCloud
) -> None:
    ids = await create_many(client, 150)
    fake.counts.clear()

    jobs = [job async for job in client.extract.wait_many(ids, batch_size=150, polling_interval=0.05)]

    assert sorted(job.id for job in jobs) == sorted(ids)
    lists = [r for r in fake.requests if r.route == "extract-list"]
    assert fake.counts["extract"] == 0, fake.counts
    assert all(("page_size", "100") in r.query for r in lists)
