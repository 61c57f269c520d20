"""Raw responses: the official ``AsyncAPIResponse`` / ``APIResponse`` surface, over loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from llamacloud_async import (
    APIResponse,
    APIResponseValidationError,
    AsyncAPIResponse,
    AsyncLlamaCloud,
    BaseAPIResponse,
    LlamaCloud,
    NotFoundError,
)
from llamacloud_async.testing import FakeLlamaCloud, Status
from llamacloud_async.types import ExtractRun, ExtractV2Job, JobGetResultResponse

from .conftest import API_KEY


async def test_async_raw_response_is_awaited_as_the_official_one(live_client: AsyncLlamaCloud) -> None:
    raw = await live_client.extraction.runs.with_raw_response.get("run-1")

    assert isinstance(raw, AsyncAPIResponse)
    run = await raw.parse()
    assert isinstance(run, ExtractRun)
    assert run.id == "run-1"
    assert await raw.parse() is run  # cached, as the official one
    assert await raw.read() == raw.content
    assert (await raw.text()).startswith("{")
    body = await raw.json()
    assert isinstance(body, dict)
    assert body["id"] == "run-1"
    await raw.close()
    assert raw.is_closed


async def test_parse_to_another_type(live_client: AsyncLlamaCloud) -> None:
    raw = await live_client.extraction.runs.with_raw_response.get("run-1")
    assert isinstance(await raw.parse(to=dict), dict)


async def test_status_headers_url_method_and_request(
    live_client: AsyncLlamaCloud, fake: FakeLlamaCloud
) -> None:
    raw = await live_client.extract.with_raw_response.get("ext-1", expand="usage")

    assert raw.status_code == 200
    assert raw.headers["content-type"].startswith("application/json")
    assert raw.url == f"{fake.base_url}/api/v2/extract/ext-1?expand=usage"
    assert raw.method == "GET"
    assert (raw.http_request.method, raw.http_request.url) == ("GET", raw.url)
    assert raw.http_response.status_code == 200
    assert raw.http_response.content == raw.content
    assert "Authorization" not in repr(raw.http_request)
    assert repr(raw) == "<AsyncAPIResponse [200] type=ExtractV2Job>"


async def test_request_id_is_the_servers(live_client: AsyncLlamaCloud) -> None:
    raw = await live_client.extraction.runs.with_raw_response.get("run-1")
    assert raw.request_id == raw.headers.get("x-request-id")


async def test_elapsed_is_a_timedelta_of_the_attempt(live_client: AsyncLlamaCloud) -> None:
    raw = await live_client.extraction.runs.with_raw_response.get("run-1")
    assert isinstance(raw.elapsed, timedelta)
    assert timedelta(0) < raw.elapsed < timedelta(seconds=5)


async def test_retries_taken_counts_the_retries(fake: FakeLlamaCloud) -> None:
    fake.inject(Status(503), route="run", times=2)
    async with AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url, max_retries=3) as client:
        raw = await client.with_options(max_retries=3).extraction.runs.with_raw_response.get("run-1")
        first_time = await client.extraction.runs.with_raw_response.get("run-2")

    assert raw.retries_taken == 2
    assert first_time.retries_taken == 0


async def test_a_body_that_does_not_match_raises_on_parse_only(fake: FakeLlamaCloud) -> None:
    fake.seed("run", "bad", b'{"id": 1}')
    async with AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url, max_retries=0) as client:
        raw = await client.extraction.runs.with_raw_response.get("bad")
    assert await raw.json() == {"id": 1}
    with pytest.raises(APIResponseValidationError):
        await raw.parse()


async def test_parsed_models_keep_unknown_fields(fake: FakeLlamaCloud) -> None:
    fake.seed("result", "j", {"extraction_agent_id": "a", "extraction_metadata": {}, "run_id": "r", "new": 1})
    async with AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url, max_retries=0) as client:
        result = await (await client.extraction.jobs.with_raw_response.get_result("j")).parse()
        plain = await client.extraction.jobs.get_result("j")
    assert isinstance(result, JobGetResultResponse)
    assert result.model_extra == {"new": 1}
    assert plain.to_dict()["new"] == 1


async def test_async_bulk_raw_items_are_async_responses(live_client: AsyncLlamaCloud) -> None:
    items = [r async for r in live_client.extract.with_raw_response.get_many(["a", "b"])]
    values = [r.unwrap() for r in items]
    assert all(isinstance(v, AsyncAPIResponse) for v in values)
    assert sorted([(await v.parse()).id for v in values]) == ["a", "b"]


# --- the sync client: the same surface, plain methods --------------------------------------


@pytest.fixture
def sync_fake() -> Iterator[FakeLlamaCloud]:
    with FakeLlamaCloud(api_key=API_KEY).serve_in_thread() as server:
        yield server


@pytest.fixture
def sync_client(sync_fake: FakeLlamaCloud) -> Iterator[LlamaCloud]:
    with LlamaCloud(api_key=API_KEY, base_url=sync_fake.base_url, max_retries=3) as client:
        yield client


def test_sync_raw_response_has_plain_methods(sync_client: LlamaCloud) -> None:
    raw = sync_client.extraction.runs.with_raw_response.get("run-1")

    assert isinstance(raw, APIResponse)
    assert isinstance(raw, BaseAPIResponse)
    assert not isinstance(raw, AsyncAPIResponse)
    assert raw.parse().id == "run-1"
    assert raw.read() == raw.content
    assert raw.text().startswith("{")
    body = raw.json()
    assert isinstance(body, dict)
    assert body["id"] == "run-1"
    assert raw.status_code == 200
    assert isinstance(raw.elapsed, timedelta)
    raw.close()


def test_sync_raw_response_counts_retries(sync_client: LlamaCloud, sync_fake: FakeLlamaCloud) -> None:
    sync_fake.inject(Status(503), route="extract", times=1)
    raw = sync_client.extract.with_raw_response.get("ext-1")
    assert raw.retries_taken == 1
    assert isinstance(raw.parse(), ExtractV2Job)


def test_sync_every_raw_method_returns_the_sync_flavour(sync_client: LlamaCloud) -> None:
    raws = [
        sync_client.extract.with_raw_response.get("e"),
        sync_client.extraction.jobs.with_raw_response.get_result("j"),
        sync_client.extraction.runs.with_raw_response.get("r"),
        sync_client.extraction.runs.with_raw_response.get_by_job("j"),
    ]
    assert all(type(raw) is APIResponse for raw in raws)


def test_sync_bulk_raw_items_are_sync_responses(sync_client: LlamaCloud) -> None:
    items = list(sync_client.extraction.runs.with_raw_response.get_many(["r1", "r2", "r3"]))

    values = [item.unwrap() for item in items]
    assert all(type(value) is APIResponse for value in values)
    assert sorted(value.parse().id for value in values) == ["r1", "r2", "r3"]


def test_sync_bulk_raw_stopped_early_leaves_the_client_usable(sync_client: LlamaCloud) -> None:
    for item in sync_client.extraction.runs.with_raw_response.get_many([f"r{i}" for i in range(50)]):
        assert isinstance(item.unwrap(), APIResponse)
        break
    assert sync_client.extraction.runs.get("r1").id == "r1"


def test_sync_bulk_raw_failed_items_keep_their_error(
    sync_client: LlamaCloud, sync_fake: FakeLlamaCloud
) -> None:
    sync_fake.inject(Status(404), route="run", times=1)
    items = list(sync_client.extraction.runs.with_raw_response.get_many(["r1", "r2"]))

    failed = [item for item in items if not item.ok]
    assert len(failed) == 1
    with pytest.raises(NotFoundError):
        _ = failed[0].value
    assert all(type(item.value) is APIResponse for item in items if item.ok)
