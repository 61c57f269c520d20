"""FakeLlamaCloud's own behaviour: it is public API for users' tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.request

import pytest

from llamacloud_async import APIError, AsyncLlamaCloud, NotFoundError
from llamacloud_async.testing import FakeLlamaCloud
from llamacloud_async.types import ExtractRun

from .conftest import fixture_bytes


async def test_seeded_bodies_and_missing_ids() -> None:
    async with FakeLlamaCloud(unknown_ids="404") as fake:
        fake.seed("run", "mine", fixture_bytes("extraction_run.json"))
        async with AsyncLlamaCloud(api_key="k", base_url=fake.base_url) as client:
            run = await client.extraction.runs.get("mine")
            with pytest.raises(NotFoundError):
                await client.extraction.runs.get("other")
    assert run.config.extract_model == "openai-gpt-4-1"


async def test_not_found_ids_and_query_recording() -> None:
    async with FakeLlamaCloud() as fake, AsyncLlamaCloud(api_key="k", base_url=fake.base_url) as client:
        fake.not_found_ids.add("gone")
        with pytest.raises(NotFoundError):
            await client.extract.get("gone", expand=["usage", "configuration"], project_id="p")
    (request,) = fake.requests_for("gone")
    assert request.route == "extract"
    assert request.query == [("expand", "usage"), ("expand", "configuration"), ("project_id", "p")]


async def test_generated_bodies_are_deterministic_and_sized_by_rows() -> None:
    async with (
        FakeLlamaCloud(rows=50) as fake,
        AsyncLlamaCloud(api_key="k", base_url=fake.base_url) as client,
    ):
        first = await client.extraction.runs.with_raw_response.get("run-1")
        again = await client.extraction.runs.with_raw_response.get("run-1")
    assert first.content == again.content
    run = await first.parse()
    assert isinstance(run, ExtractRun)
    assert isinstance(run.data, dict)
    assert len(run.data["line_items"]) == 50


async def test_fault_rate_injects_transient_faults_reproducibly() -> None:
    outcomes: list[list[bool]] = []
    for _ in range(2):
        async with (
            FakeLlamaCloud(fault_rate=0.5, seed=7) as fake,
            AsyncLlamaCloud(api_key="k", base_url=fake.base_url, max_retries=0) as client,
        ):
            results: list[bool] = []
            for i in range(20):
                try:
                    await client.extraction.runs.get(f"run-{i}")
                    results.append(True)
                except APIError:
                    results.append(False)
            outcomes.append(results)
    assert outcomes[0] == outcomes[1]
    assert 3 <= outcomes[0].count(False) <= 17


def test_runs_from_the_command_line() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "llamacloud_async.testing", "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == f"FakeLlamaCloud listening on http://127.0.0.1:{port}"
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/v1/extraction/runs/r1", timeout=5
        ) as response:
            assert b'"id":"r1"' in response.read()
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
