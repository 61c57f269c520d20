"""Checked by pyright and mypy --strict (``nox -s typecheck``), not run: a bulk item's
``value`` is the model after either check a user writes."""

from __future__ import annotations

from typing_extensions import assert_type

from llamacloud_async import AsyncLlamaCloud, LlamaCloud
from llamacloud_async.types import ExtractRun


async def async_items(client: AsyncLlamaCloud) -> None:
    async for item in client.extraction.runs.get_many(["a", "b"]):
        if item.ok:
            assert_type(item.value, ExtractRun)
        if item.error is None:
            assert_type(item.value, ExtractRun)
        else:
            assert_type(item.error, Exception)


def sync_items(client: LlamaCloud) -> None:
    for item in client.extraction.runs.get_many(["a", "b"]):
        if item.ok:
            assert_type(item.value, ExtractRun)
        assert_type(item.unwrap(), ExtractRun)
