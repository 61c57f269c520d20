"""Bulk fetch over real sockets: every ID once, failures per item, bounded and cancellable."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import time
from collections.abc import AsyncIterator, Iterator

import anyio
import pytest

from llamacloud_async import (
    APIConnectionError,
    APIResponseValidationError,
    AsyncAPIResponse,
    AsyncLlamaCloud,
    AuthenticationError,
    InternalServerError,
    LlamaCloud,
    NotFoundError,
)
from llamacloud_async.bulk import BulkProgress
from llamacloud_async.testing import Delay, FakeLlamaCloud, Status, TruncatedJSON
from llamacloud_async.types import ExtractRun

from .conftest import API_KEY, until


async def settled(fake: FakeLlamaCloud) -> int:
    """Wait until requests already on the wire have arrived, then check no more come."""
    await asyncio.sleep(0.2)
    count = len(fake.requests)
    await asyncio.sleep(0.3)
    assert len(fake.requests) == count, "requests kept arriving after the fetch was stopped"
    return count


def client_for(fake: FakeLlamaCloud, **options: object) -> AsyncLlamaCloud:
    return AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url, **options)  # type: ignore[arg-type]


async def test_10k_ids_with_20_percent_transient_faults_and_1_percent_404() -> None:
    missing = {f"run-{i:05d}" for i in range(7, 10_000, 100)}
    pulled: list[int] = []

    def ids() -> Iterator[str]:
        for i in range(10_000):
            pulled.append(i)
            yield f"run-{i:05d}"

    async with FakeLlamaCloud(api_key=API_KEY, fault_rate=0.2, seed=42) as fake:
        fake.not_found_ids.update(missing)
        async with client_for(fake, max_retries=10, timeout=10, retry_backoff=0.01) as client:
            results = [r async for r in client.extraction.runs.get_many(ids(), concurrency=64)]

    assert sorted(r.index for r in results) == list(range(10_000))
    assert len({r.id for r in results}) == 10_000
    failed = {r.id for r in results if not r.ok}
    assert failed == missing
    assert all(isinstance(r.error, NotFoundError) for r in results if r.id in missing)
    assert all(isinstance(r.value, ExtractRun) and r.value.id == r.id for r in results if r.ok)
    faults = len(fake.requests) - 10_000
    assert faults > 1500, "the fake server should have injected about 20% transient faults"


async def test_a_failed_item_has_no_value_reading_it_raises_the_item_s_error(fake: FakeLlamaCloud) -> None:
    fake.inject(Status(404), id="run-gone")
    async with client_for(fake) as client:
        results = [r async for r in client.extraction.runs.get_many(["run-1", "run-gone"], ordered=True)]
    fetched, failed = results
    assert fetched.ok
    assert fetched.value.id == "run-1"
    assert fetched.unwrap() is fetched.value
    assert not failed.ok
    assert isinstance(failed.error, NotFoundError)
    with pytest.raises(NotFoundError) as caught:
        _ = failed.value
    assert caught.value is failed.error
    assert "error=NotFoundError" in repr(failed)


async def test_ordered_results_follow_the_input_order(fake: FakeLlamaCloud) -> None:
    for i in range(0, 200, 17):
        fake.inject(Delay(0.2), id=f"run-{i}", times=1)
    async with client_for(fake) as client:
        results = [
            r async for r in client.extraction.runs.get_many([f"run-{i}" for i in range(200)], ordered=True)
        ]
    assert [r.index for r in results] == list(range(200))
    assert [r.id for r in results] == [f"run-{i}" for i in range(200)]


async def test_unordered_results_stream_as_they_complete(fake: FakeLlamaCloud) -> None:
    fake.inject(Delay(0.5), id="run-0", times=1)
    async with client_for(fake) as client:
        order = [r.index async for r in client.extraction.runs.get_many([f"run-{i}" for i in range(20)])]
    assert order[-1] == 0
    assert sorted(order) == list(range(20))


async def test_input_is_consumed_lazily_and_break_stops_all_requests(fake: FakeLlamaCloud) -> None:
    pulled = 0

    def ten_million() -> Iterator[str]:
        nonlocal pulled
        for i in range(10_000_000):
            pulled += 1
            yield f"run-{i}"

    async with client_for(fake) as client:
        seen = 0
        async for _ in client.extraction.runs.get_many(ten_million(), concurrency=8):
            seen += 1
            if seen == 50:
                break
        pulled_at_break = pulled
        await settled(fake)
    assert pulled == pulled_at_break
    assert pulled <= 50 + 8 + 2 * 8
    assert len(fake.requests) <= pulled


async def test_cancelling_the_consumer_cancels_in_flight_requests(fake: FakeLlamaCloud) -> None:
    fake.inject(Delay(30), times=None)
    async with client_for(fake) as client:

        async def consume() -> None:
            async for _ in client.extraction.runs.get_many((f"run-{i}" for i in range(1000)), concurrency=4):
                pass

        task = asyncio.create_task(consume())
        await until(lambda: len(fake.requests) == 4)
        started = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.monotonic() - started < 1
        await settled(fake)
    assert len(fake.requests) == 4


async def test_async_with_closes_the_fetch_when_a_reference_is_kept(fake: FakeLlamaCloud) -> None:
    async with client_for(fake) as client:
        async with client.extraction.runs.get_many(
            (f"run-{i}" for i in range(10_000)), concurrency=4
        ) as fetch:
            async for result in fetch:
                if result.index >= 10:
                    break
        assert await settled(fake) < 50


async def test_fail_fast_raises_the_first_error_and_stops(fake: FakeLlamaCloud) -> None:
    fake.not_found_ids.add("run-30")
    async with client_for(fake) as client:
        with pytest.raises(NotFoundError):
            async for _ in client.extraction.runs.get_many(
                (f"run-{i}" for i in range(100_000)), concurrency=4, fail_fast=True
            ):
                pass
        assert await settled(fake) < 100


async def test_async_iterable_input_and_bad_ids_fail_per_item(fake: FakeLlamaCloud) -> None:
    async def ids() -> AsyncIterator[str]:
        for run_id in ["run-1", "a/b", "", "run-2"]:
            yield run_id

    async with client_for(fake) as client:
        results = sorted([r async for r in client.extraction.runs.get_many(ids())], key=lambda r: r.index)

    assert [r.ok for r in results] == [True, False, False, True]
    assert isinstance(results[1].error, ValueError)
    assert "run_id" in str(results[1].error)
    assert len(fake.requests) == 2


async def test_a_malformed_body_fails_its_item_and_counts_as_failed(fake: FakeLlamaCloud) -> None:
    fake.inject(TruncatedJSON(), id="run-4")
    snapshots: list[BulkProgress] = []
    async with client_for(fake) as client:
        results = [
            r
            async for r in client.extraction.runs.get_many(
                [f"run-{i}" for i in range(10)], on_progress=snapshots.append
            )
        ]
        raw = [r async for r in client.extraction.runs.with_raw_response.get_many(["run-4", "run-5"])]

    failed = [r for r in results if not r.ok]
    assert [r.id for r in failed] == ["run-4"]
    assert isinstance(failed[0].error, APIResponseValidationError)
    assert failed[0].error.status_code == 200
    assert (snapshots[-1].done, snapshots[-1].failed) == (10, 1)
    assert all(isinstance(r.value, AsyncAPIResponse) for r in raw)


async def test_every_bulk_method_uses_its_endpoint(fake: FakeLlamaCloud) -> None:
    async with client_for(fake) as client:
        jobs = [r async for r in client.extract.get_many(["e1", "e2"], expand=["usage"])]
        results = [r async for r in client.extraction.jobs.get_results(["j1"])]
        runs = [r async for r in client.extraction.runs.get_many_by_job(["j2"], project_id="p")]
    assert {r.unwrap().id for r in jobs} == {"e1", "e2"}
    assert results[0].unwrap().data is not None
    assert runs[0].unwrap().job_id == "j2"
    routes = sorted((r.route, r.id, tuple(r.query)) for r in fake.requests)
    assert routes == [
        ("extract", "e1", (("expand", "usage"),)),
        ("extract", "e2", (("expand", "usage"),)),
        ("result", "j1", ()),
        ("run-by-job", "j2", (("project_id", "p"),)),
    ]


async def test_progress_counts_done_failed_and_retries(fake: FakeLlamaCloud) -> None:
    fake.not_found_ids.add("run-3")
    fake.inject(Status(503, headers={"retry-after-ms": "5"}), id="run-5", times=2)
    snapshots: list[BulkProgress] = []
    async with client_for(fake) as client:
        async for _ in client.extraction.runs.get_many(
            [f"run-{i}" for i in range(10)], on_progress=snapshots.append
        ):
            pass
    last = snapshots[-1]
    assert (last.done, last.failed, last.retries) == (10, 1, 2)
    assert [s.done for s in snapshots] == list(range(1, 11))
    assert last.rate > 0


async def test_progress_line_on_stderr(fake: FakeLlamaCloud, capsys: pytest.CaptureFixture[str]) -> None:
    async with client_for(fake) as client:
        async for _ in client.extraction.runs.get_many([f"run-{i}" for i in range(5)], progress=True):
            pass
    assert "5/5 (100%) done, 0 failed, 0 retries" in capsys.readouterr().err


async def test_a_server_rate_limit_is_held_and_no_item_is_lost_or_repeated() -> None:
    """32 requests in flight offer far more than the 300 requests/s the server takes:
    the limiter learns the limit, and every ID arrives once. (The share of requests
    throttled depends on the machine's load: ``benchmarks.throttling`` measures it.)"""
    snapshots: list[BulkProgress] = []
    async with (
        FakeLlamaCloud(rate_limit=300, latency=0.005) as fake,
        client_for(fake, max_retries=2) as client,
    ):
        results = [
            r
            async for r in client.extraction.runs.get_many(
                [f"run-{i}" for i in range(2000)], concurrency=32, on_progress=snapshots.append
            )
        ]
    assert sorted(r.index for r in results) == list(range(2000))
    assert all(r.ok for r in results)
    assert snapshots[-1].server_limit is not None


async def test_throttling_is_back_pressure_not_failure(fake: FakeLlamaCloud) -> None:
    fake.inject(Status(429, headers={"retry-after-ms": "1"}), id="run-7", times=8)
    async with client_for(fake, max_retries=1) as client:
        results = [r async for r in client.extraction.runs.get_many([f"run-{i}" for i in range(20)])]
    assert all(r.ok for r in results)
    assert len([r for r in fake.requests if r.id == "run-7"]) == 9


async def test_a_wrong_key_stops_the_fetch_after_one_round_with_one_error() -> None:
    async with FakeLlamaCloud(api_key="the-right-key") as fake, client_for(fake) as client:
        with pytest.raises(AuthenticationError, match="stopped the bulk fetch"):
            async for _ in client.extraction.runs.get_many([f"run-{i}" for i in range(2000)], concurrency=16):
                pass
        assert len(fake.requests) <= 16


async def test_a_dead_server_stops_the_fetch_with_one_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = AsyncLlamaCloud(api_key=API_KEY, base_url=f"http://127.0.0.1:{port}", retry_backoff=0.05)
    async with client:
        with anyio.fail_after(30), pytest.raises(APIConnectionError, match="stopped the bulk fetch"):
            async for _ in client.extraction.runs.get_many([f"run-{i}" for i in range(2000)]):
                pass


async def test_an_outage_stops_the_fetch_after_a_first_round_of_failures(fake: FakeLlamaCloud) -> None:
    fake.inject(Status(503), times=None)
    async with client_for(fake, max_retries=1) as client:
        with pytest.raises(InternalServerError, match="stopped the bulk fetch"):
            async for _ in client.extraction.runs.get_many([f"run-{i}" for i in range(2000)], concurrency=8):
                pass
    assert len(fake.requests) <= 2 * (8 + 8)


async def test_404s_are_about_their_items_and_never_stop_a_fetch() -> None:
    async with FakeLlamaCloud(unknown_ids="404") as fake, client_for(fake) as client:
        results = [r async for r in client.extraction.runs.get_many([f"run-{i}" for i in range(200)])]
    assert len(results) == 200
    assert all(isinstance(r.error, NotFoundError) for r in results)


async def test_progress_knows_the_total_of_a_sized_input_or_the_one_given(fake: FakeLlamaCloud) -> None:
    sized: list[BulkProgress] = []
    given: list[BulkProgress] = []
    async with client_for(fake) as client:
        async for _ in client.extraction.runs.get_many(
            [f"run-{i}" for i in range(4)], on_progress=sized.append
        ):
            pass
        ids = (f"run-{i}" for i in range(4))
        async for _ in client.extraction.runs.get_many(ids, total=4, on_progress=given.append):
            pass
    for snapshots in (sized, given):
        assert [s.percent for s in snapshots] == [25.0, 50.0, 75.0, 100.0]
        assert snapshots[-1].total == 4
        assert snapshots[-1].eta is not None


async def test_server_sees_no_more_than_concurrency_requests_at_once(fake: FakeLlamaCloud) -> None:
    fake.inject(Delay(0.05), times=None)
    async with client_for(fake) as client:
        async for _ in client.extraction.runs.get_many([f"run-{i}" for i in range(60)], concurrency=5):
            pass
    arrivals = sorted(r.received_at for r in fake.requests)
    busiest = max(sum(1 for t in arrivals if start <= t < start + 0.04) for start in arrivals)
    assert busiest <= 5


@pytest.mark.parametrize(("ids", "error"), [("run-1", TypeError), (42, TypeError)])
async def test_bad_input_is_refused_up_front(
    fake: FakeLlamaCloud, ids: object, error: type[Exception]
) -> None:
    async with client_for(fake) as client:
        with pytest.raises(error):
            client.extraction.runs.get_many(ids)  # type: ignore[arg-type]


@pytest.mark.parametrize("concurrency", [0, -1, 2.5, True])
async def test_bad_concurrency_is_refused(fake: FakeLlamaCloud, concurrency: object) -> None:
    async with client_for(fake) as client:
        with pytest.raises(ValueError, match="concurrency"):
            client.extraction.runs.get_many(["a"], concurrency=concurrency)  # type: ignore[arg-type]


async def test_bad_scope_parameter_is_refused_before_anything_runs(fake: FakeLlamaCloud) -> None:
    async with client_for(fake) as client:
        with pytest.raises(ValueError, match="project_id"):
            client.extraction.runs.get_many(["a"], project_id=" ")
        with pytest.raises(ValueError, match="unknown expand"):
            client.extract.get_many(["a"], expand=["everything"])


def test_sync_get_many_is_a_plain_iterator_and_closes_early() -> None:
    with (
        FakeLlamaCloud().serve_in_thread() as fake,
        LlamaCloud(api_key="k", base_url=fake.base_url) as client,
    ):
        results = list(client.extraction.runs.get_many([f"run-{i}" for i in range(300)], ordered=True))
        assert [r.index for r in results] == list(range(300))
        assert all(r.ok for r in results)

        fake.requests.clear()
        for result in client.extraction.runs.get_many((f"run-{i}" for i in range(100_000)), concurrency=4):
            if result.index >= 20:
                break
        time.sleep(0.2)
        sent = len(fake.requests)
        time.sleep(0.3)
        assert len(fake.requests) == sent
        assert sent < 60


def retry_delays(caplog: pytest.LogCaptureFixture, id_: str) -> list[float]:
    """The waits logged before each retry of ``id_``, in order."""
    pattern = re.compile(rf"/{re.escape(id_)} failed \(\d+\); attempt \d+ in ([\d.]+)s")
    return [float(m.group(1)) for r in caplog.records if (m := pattern.search(r.getMessage()))]


async def test_an_item_unlucky_among_scattered_faults_retries_after_the_first_backoff(
    fake: FakeLlamaCloud, caplog: pytest.LogCaptureFixture
) -> None:
    fake.inject(Status(503), id="run-7", times=3)  # every other item succeeds
    with caplog.at_level(logging.INFO, "llamacloud_async"):
        async with client_for(fake, max_retries=5) as client:
            results = [r async for r in client.extraction.runs.get_many([f"run-{i}" for i in range(200)])]
    assert all(r.ok for r in results)
    delays = retry_delays(caplog, "run-7")
    assert len(delays) == 3
    assert max(delays) <= 0.5  # not 0.5, 1 and 2 s: the server is up, the item was unlucky


async def test_in_an_outage_each_retry_of_an_item_waits_longer(
    fake: FakeLlamaCloud, caplog: pytest.LogCaptureFixture
) -> None:
    down = [f"down-{i}" for i in range(16)]
    for id_ in down:  # after 16 successes, every answer fails three times for a while
        fake.inject(Status(503), id=id_, times=3)
    with caplog.at_level(logging.INFO, "llamacloud_async"):
        async with client_for(fake, max_retries=5) as client:
            ids = [f"run-{i}" for i in range(16)] + down
            results = [r async for r in client.extraction.runs.get_many(ids, concurrency=4)]
    assert all(r.ok for r in results)
    last = retry_delays(caplog, down[-1])
    assert len(last) == 3
    assert last[2] >= 1.5  # exponential: 0.5, 1, 2 s (less jitter)


async def test_a_failed_item_says_how_many_attempts_it_took(fake: FakeLlamaCloud) -> None:
    fake.inject(Status(503), route="run", id="run-2", times=None)
    async with client_for(fake, max_retries=2) as client:
        results = {r.id: r async for r in client.extraction.runs.get_many(["run-1", "run-2"])}
    error = results["run-2"].error
    assert isinstance(error, InternalServerError)
    assert error.attempts == len(fake.requests_for("run-2")) == 3
    assert str(error).endswith("(after 3 attempts)")
