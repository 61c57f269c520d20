"""What goes on the wire: one `Authorization` line, always the client's key."""

from __future__ import annotations

import pytest

from llamacloud_async import AsyncLlamaCloud

from .conftest import API_KEY, fixture_bytes
from .rawhttp import RawServer, http

RUN = fixture_bytes("extraction_run.json")


@pytest.mark.parametrize(
    "default_headers",
    [
        {"authorization": "Bearer stale"},
        {"AUTHORIZATION": "Bearer stale"},
        {"Authorization": "Bearer stale", "authorization": "Basic c3RhbGU6c3RhbGU="},
        {"aUtHoRiZaTiOn": "Bearer stale", "X-Team": "billing"},
    ],
    ids=["lower", "upper", "two spellings", "mixed"],
)
async def test_default_headers_never_add_a_second_authorization(default_headers: dict[str, str]) -> None:
    async with (
        RawServer(lambda _: http(200, {"Content-Type": "application/json"}, RUN)) as server,
        AsyncLlamaCloud(api_key=API_KEY, base_url=server.url, default_headers=default_headers) as client,
    ):
        await client.extraction.runs.get("run-1")
        await client.with_options(max_retries=1).extraction.runs.get("run-2")

    for request in server.requests:
        assert request.header_lines("Authorization") == [f"Bearer {API_KEY}"]
        assert b"stale" not in request.head
    if "X-Team" in default_headers:
        assert server.requests[0].header_lines("X-Team") == ["billing"]


async def test_a_view_with_stale_default_headers_still_sends_its_own_key() -> None:
    async with (
        RawServer(lambda _: http(200, {"Content-Type": "application/json"}, RUN)) as server,
        AsyncLlamaCloud(api_key=API_KEY, base_url=server.url) as client,
    ):
        view = client.with_options(
            api_key="llx-other-key-0000", default_headers={"authorization": "Bearer stale"}
        )
        await view.extraction.runs.get("run-1")

    assert server.requests[0].header_lines("Authorization") == ["Bearer llx-other-key-0000"]


async def test_default_headers_differing_only_in_case_are_sent_once_the_last_winning() -> None:
    async with (
        RawServer(lambda _: http(200, {"Content-Type": "application/json"}, RUN)) as server,
        AsyncLlamaCloud(
            api_key=API_KEY, base_url=server.url, default_headers={"X-Trace": "1", "x-trace": "2"}
        ) as client,
    ):
        await client.extraction.runs.get("run-1")
        assert client.default_headers == {"x-trace": "2"}
        view = client.with_options(default_headers={"X-TRACE": "3"})
        assert view.default_headers == {"X-TRACE": "3"}
        await view.extraction.runs.get("run-2")

    assert server.requests[0].header_lines("X-Trace") == ["2"]
    assert server.requests[1].header_lines("X-Trace") == ["3"]
