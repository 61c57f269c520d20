"""Checked by pyright (``nox -s typecheck``), not run: the sync facade keeps the async types."""

from __future__ import annotations

from typing_extensions import assert_type

from llamacloud_async import APIResponse, AsyncAPIResponse, AsyncLlamaCloud, LlamaCloud
from llamacloud_async.types import ExtractRun, ExtractV2Job, JobGetResultResponse


def sync_types(client: LlamaCloud) -> None:
    assert_type(client.extract.get("x"), ExtractV2Job)
    assert_type(client.extraction.jobs.get_result("x"), JobGetResultResponse)
    assert_type(client.extraction.runs.get("x"), ExtractRun)
    assert_type(client.extraction.runs.get_by_job("x"), ExtractRun)
    assert_type(client.extraction.runs.with_raw_response.get("x"), APIResponse[ExtractRun])
    assert_type(client.extraction.runs.with_raw_response.get("x").parse(), ExtractRun)
    assert_type(client.with_options(max_retries=1), LlamaCloud)


async def async_types(client: AsyncLlamaCloud) -> None:
    assert_type(await client.extract.get("x"), ExtractV2Job)
    assert_type(await client.extract.with_raw_response.get("x"), AsyncAPIResponse[ExtractV2Job])
    assert_type(await (await client.extract.with_raw_response.get("x")).parse(), ExtractV2Job)
    assert_type(await client.extraction.runs.get_by_job("x"), ExtractRun)
