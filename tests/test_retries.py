"""Retries, deadlines and bounded bodies, over real sockets against FakeLlamaCloud.

Elapsed-time bounds are generous: they tell "waited" from "did not wait", nothing finer.
"""

from __future__ import annotations

import asyncio
import resource
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import anyio
import pytest

from llamacloud_async import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncLlamaCloud,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
)
from llamacloud_async.testing import (
    CloseMidBody,
    Delay,
    FakeLlamaCloud,
    HTMLError,
    Oversized,
    Reset,
    Status,
    Trickle,
    TruncatedJSON,
)

from .conftest import API_KEY, until


def client_for(fake: FakeLlamaCloud, **options: object) -> AsyncLlamaCloud:
    return AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url, **options)  # type: ignore[arg-type]


def quick(status: int = 503) -> Status:
    """A retryable status whose hint keeps the test fast."""
    return Status(status, headers={"retry-after-ms": "10"})


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
async def test_retryable_statuses_are_retried_until_success(fake: FakeLlamaCloud, status: int) -> None:
    fake.inject(quick(status), route="run", times=2)
    async with client_for(fake) as client:
        run = await client.extraction.runs.get("run-1")
    assert run.id == "run-1"
    assert len(fake.requests) == 3


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, BadRequestError), (404, NotFoundError), (409, ConflictError), (401, Exception)],
)
async def test_other_4xx_are_not_retried(fake: FakeLlamaCloud, status: int, error: type[Exception]) -> None:
    fake.inject(quick(status), times=None)
    async with client_for(fake) as client:
        with pytest.raises(error):
            await client.extraction.runs.get("run-1")
    assert len(fake.requests) == 1


async def test_conflict_is_retried_when_opted_in(fake: FakeLlamaCloud) -> None:
    fake.inject(quick(409), times=1)
    async with client_for(fake, retry_on_conflict=True) as client:
        await client.extraction.runs.get("run-1")
    assert len(fake.requests) == 2


async def test_exhausted_retries_raise_the_last_error_with_the_attempt_count(fake: FakeLlamaCloud) -> None:
    fake.inject(quick(503), times=None)
    async with client_for(fake, max_retries=3) as client:
        with pytest.raises(InternalServerError) as caught:
            await client.extraction.runs.get("run-1")
    assert caught.value.attempts == 4
    assert "after 4 attempts" in str(caught.value)
    assert len(fake.requests) == 4


async def test_max_retries_per_call_with_options(fake: FakeLlamaCloud) -> None:
    fake.inject(quick(503), times=None)
    async with client_for(fake, max_retries=0) as client:
        with pytest.raises(InternalServerError):
            await client.with_options(max_retries=4).extraction.runs.get("run-1")
        assert len(fake.requests) == 5
        with pytest.raises(InternalServerError):
            await client.extraction.runs.get("run-1")
    assert len(fake.requests) == 6


async def test_retry_after_ms_is_honoured(fake: FakeLlamaCloud) -> None:
    fake.inject(Status(429, headers={"retry-after-ms": "400"}), times=1)
    async with client_for(fake) as client:
        started = time.monotonic()
        await client.extraction.runs.get("run-1")
    assert time.monotonic() - started >= 0.35
    assert fake.requests[1].received_at - fake.requests[0].received_at >= 0.35


async def test_retry_after_seconds_is_honoured(fake: FakeLlamaCloud) -> None:
    fake.inject(Status(503, headers={"Retry-After": "1"}), times=1)
    async with client_for(fake) as client:
        await client.extraction.runs.get("run-1")
    assert fake.requests[1].received_at - fake.requests[0].received_at >= 0.9


async def test_retry_after_http_date_is_honoured(fake: FakeLlamaCloud) -> None:
    when = datetime.now(timezone.utc) + timedelta(seconds=2)
    fake.inject(Status(503, headers={"Retry-After": format_datetime(when, usegmt=True)}), times=1)
    async with client_for(fake) as client:
        await client.extraction.runs.get("run-1")
    assert fake.requests[1].received_at - fake.requests[0].received_at >= 0.9


async def test_retry_after_beyond_the_cap_raises_at_once(fake: FakeLlamaCloud) -> None:
    fake.inject(Status(429, headers={"Retry-After": "120"}), times=None)
    async with client_for(fake, max_retry_after=5) as client:
        started = time.monotonic()
        with pytest.raises(RateLimitError) as caught:
            await client.extraction.runs.get("run-1")
    assert caught.value.retry_after == 120
    assert time.monotonic() - started < 2
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    "header", [{"Retry-After": "soon"}, {"retry-after-ms": "-5"}, {"Retry-After": "nan"}]
)
async def test_malformed_retry_hint_falls_back_to_backoff(
    fake: FakeLlamaCloud, header: dict[str, str]
) -> None:
    fake.inject(Status(503, headers=header), times=None)
    async with client_for(fake, max_retries=1) as client:
        with pytest.raises(InternalServerError) as caught:
            await client.extraction.runs.get("run-1")
    assert caught.value.retry_after is None
    assert caught.value.status_code == 503
    assert len(fake.requests) == 2


@pytest.mark.parametrize(
    "fault", [Reset(), CloseMidBody(), HTMLError(502)], ids=["reset", "mid-body", "html"]
)
async def test_transient_transport_faults_are_retried(fake: FakeLlamaCloud, fault: object) -> None:
    fake.inject(fault, route="run", times=1)  # type: ignore[arg-type]
    async with client_for(fake) as client:
        run = await client.extraction.runs.get("run-1")
    assert run.status == "SUCCESS"
    assert len(fake.requests) == 2


async def test_persistent_reset_is_api_connection_error(fake: FakeLlamaCloud) -> None:
    fake.inject(Reset(), times=None)
    async with client_for(fake, max_retries=1) as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.extraction.runs.get("run-1")
    assert caught.value.attempts == 2


async def test_html_error_page_keeps_an_excerpt(fake: FakeLlamaCloud) -> None:
    fake.inject(HTMLError(502), times=None)
    async with client_for(fake, max_retries=0) as client:
        with pytest.raises(InternalServerError) as caught:
            await client.extraction.runs.get("run-1")
    assert "<h1>Bad Gateway</h1>" in caught.value.body
    assert caught.value.detail is None


async def test_truncated_json_is_a_validation_error_and_not_retried(fake: FakeLlamaCloud) -> None:
    fake.inject(TruncatedJSON(), times=None)
    async with client_for(fake) as client:
        with pytest.raises(APIResponseValidationError, match="not valid JSON") as caught:
            await client.extraction.runs.get("run-1")
    assert caught.value.request_id is not None
    assert len(fake.requests) == 1


async def test_trickling_body_cannot_outlast_the_attempt_timeout(fake: FakeLlamaCloud) -> None:
    fake.inject(Trickle(interval=0.2), times=None)
    async with client_for(fake, timeout=1.0, max_retries=0) as client:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            await client.extraction.runs.get("run-1")
    assert time.monotonic() - started < 3


async def test_slow_first_attempt_times_out_and_the_retry_succeeds(fake: FakeLlamaCloud) -> None:
    fake.inject(Delay(3), times=1)
    async with client_for(fake) as client:
        started = time.monotonic()
        run = await client.extraction.runs.get("run-1", timeout=0.5)
    assert run.id == "run-1"
    assert time.monotonic() - started < 2.5
    assert len(fake.requests) == 2


async def test_total_timeout_bounds_all_attempts(fake: FakeLlamaCloud) -> None:
    fake.inject(Status(503, headers={"retry-after-ms": "300"}), times=None)
    async with client_for(fake, max_retries=50, total_timeout=1.0) as client:
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="total_timeout"):
            await client.extraction.runs.get("run-1")
    assert 0.9 <= time.monotonic() - started < 2.5
    assert 2 <= len(fake.requests) <= 5


async def test_oversized_declared_body_is_refused_before_reading(fake: FakeLlamaCloud) -> None:
    fake.inject(Oversized(10_000_000, declare_length=True), times=None)
    async with client_for(fake, max_response_size=1_000_000) as client:
        with pytest.raises(APIResponseValidationError, match="max_response_size"):
            await client.extraction.runs.get("run-1")
    assert len(fake.requests) == 1


async def test_oversized_streamed_body_is_cut_off_with_bounded_memory(fake: FakeLlamaCloud) -> None:
    fake.inject(Oversized(200 * 1024 * 1024), times=None)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    async with client_for(fake, max_response_size=4 * 1024 * 1024) as client:
        with pytest.raises(APIResponseValidationError, match="max_response_size"):
            await client.extraction.runs.get("run-1")
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 64


async def test_cancelling_during_backoff_returns_at_once_and_sends_nothing_more(fake: FakeLlamaCloud) -> None:
    fake.inject(Status(503, headers={"Retry-After": "5"}), times=None)
    async with client_for(fake) as client:
        task = asyncio.create_task(client.extraction.runs.get("run-1"))
        await until(lambda: bool(fake.requests))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.monotonic() - started < 0.5
        await asyncio.sleep(0.3)
    assert len(fake.requests) == 1


async def test_one_hinted_429_delays_only_its_own_request(fake: FakeLlamaCloud) -> None:
    fake.inject(Status(429, headers={"retry-after-ms": "600"}), id="first", times=1)
    async with client_for(fake) as client:
        first = asyncio.create_task(client.extraction.runs.get("first"))
        await until(lambda: bool(fake.requests))
        limited_at = fake.requests[0].received_at
        await asyncio.sleep(0.05)  # the 429 has reached the client
        others = [client.extraction.runs.get(f"run-{i}") for i in range(9)]
        results = await asyncio.gather(first, *others)
    assert len(results) == 10
    others_seen = [r for r in fake.requests if r.id != "first"]
    assert len(others_seen) == 9
    assert max(r.received_at for r in others_seen) - limited_at < 0.55
    retried = [r for r in fake.requests if r.id == "first"][1]
    assert retried.received_at - limited_at >= 0.55


async def test_a_refused_hint_does_not_stall_the_next_call(fake: FakeLlamaCloud) -> None:
    fake.inject(Status(429, headers={"Retry-After": "120"}), id="first", times=1)
    fake.inject(Status(503, headers={"retry-after-ms": "50"}), id="second", times=1)
    async with client_for(fake) as client:
        with pytest.raises(RateLimitError):
            await client.extraction.runs.get("first")
        with anyio.fail_after(10):  # a client-wide pause of the refused 120 s would trip this
            await client.extraction.runs.get("second")
    second = [r for r in fake.requests if r.id == "second"]
    assert second[1].received_at - second[0].received_at < 5


async def _cancel_after_requests(fake: FakeLlamaCloud, client: AsyncLlamaCloud, count: int) -> float:
    task = asyncio.create_task(client.extraction.runs.get("run-1"))
    await until(lambda: len(fake.requests) >= count)
    await asyncio.sleep(0.1)
    started = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    return time.monotonic() - started


async def test_cancelling_a_retry_attempt_in_flight_is_not_retried(fake: FakeLlamaCloud) -> None:
    fake.inject(quick(503), times=1)
    fake.inject(Delay(10), times=None)
    async with client_for(fake, max_retries=5) as client:
        assert await _cancel_after_requests(fake, client, 2) < 0.5
        await asyncio.sleep(0.3)
    assert len(fake.requests) == 2


async def test_cancelling_during_a_later_backoff_sends_nothing_more(fake: FakeLlamaCloud) -> None:
    fake.inject(quick(503), times=1)
    fake.inject(Status(503, headers={"Retry-After": "5"}), times=None)
    async with client_for(fake, max_retries=5) as client:
        assert await _cancel_after_requests(fake, client, 2) < 0.5
        await asyncio.sleep(0.3)
    assert len(fake.requests) == 2
