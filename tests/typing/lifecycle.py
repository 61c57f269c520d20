"""Checked by pyright and mypy --strict (``nox -s typecheck``), not run: the lifecycle
methods' types, async and sync."""

from __future__ import annotations

from collections.abc import Iterator

from typing_extensions import assert_type

from llamacloud_async import AsyncAPIResponse, AsyncLlamaCloud, LlamaCloud, PollingError
from llamacloud_async.pagination import (
    AsyncPaginatedCursor,
    AsyncPaginatedExtractRuns,
    SyncPaginatedCursor,
    SyncPaginatedExtractRuns,
)
from llamacloud_async.types import ExtractJob, ExtractRun, ExtractV2Job, JobListResponse


async def async_types(client: AsyncLlamaCloud) -> None:
    job = await client.extract.create(file_input="dfl-1", configuration_id="cfg")
    assert_type(job, ExtractV2Job)
    assert_type(await client.extract.wait_for_completion(job.id), ExtractV2Job)
    assert_type(await client.extract.run(file_input="dfl-1", configuration_id="cfg"), ExtractV2Job)
    assert_type(await client.extract.cancel(job.id), ExtractV2Job)
    assert_type(
        await client.extract.with_raw_response.create(file_input="f", configuration_id="c"),
        AsyncAPIResponse[ExtractV2Job],
    )
    page = await client.extract.list(status="COMPLETED")
    assert_type(page, AsyncPaginatedCursor[ExtractV2Job])
    assert_type(page.next_page_token, str | None)
    async for item in client.extract.list():
        assert_type(item, ExtractV2Job)
    async for each_page in page.iter_pages():
        assert_type(each_page, AsyncPaginatedCursor[ExtractV2Job])
    async for finished in client.extract.wait_many([job.id]):
        assert_type(finished, ExtractV2Job)
    assert_type(await client.extraction.jobs.create(extraction_agent_id="a", file_id="f"), ExtractJob)
    assert_type(await client.extraction.jobs.list(extraction_agent_id="a"), JobListResponse)
    runs = await client.extraction.runs.list(extraction_agent_id="a")
    assert_type(runs, AsyncPaginatedExtractRuns[ExtractRun])
    try:
        await client.extraction.jobs.wait_for_completion("j")
    except PollingError as error:
        assert_type(error.status, str)


def sync_types(client: LlamaCloud) -> None:
    page = client.extract.list(page_size=10)
    assert_type(page, SyncPaginatedCursor[ExtractV2Job])
    assert_type(iter(page), Iterator[ExtractV2Job])
    assert_type(page.items, list[ExtractV2Job])
    for each_page in page.iter_pages():
        assert_type(each_page, SyncPaginatedCursor[ExtractV2Job])
    assert_type(client.extract.wait_many(["x"]), Iterator[ExtractV2Job])
    assert_type(client.extraction.runs.list(extraction_agent_id="a"), SyncPaginatedExtractRuns[ExtractRun])
    assert_type(client.extraction.jobs.wait_for_completion("j"), ExtractJob)
