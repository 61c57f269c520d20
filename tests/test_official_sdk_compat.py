"""The official ``llama-cloud`` SDK's models accept every body we ship or serve.

The official SDK has the v2 extract API from 2.x and the v1 extraction API only up to
1.6.0, so the v1 models are loaded from a side install of 1.6.0 (``nox -s tests`` makes
it and sets ``LLAMACLOUD_V1_SDK_PATH``) in a subprocess.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from typing import Any

import aiohttp
import pytest

from llamacloud_async.testing import FakeLlamaCloud, ManualClock, _bodies

from .conftest import fixture_json

V2_BODIES = {
    "fixture file_input shape": fixture_json("extract_v2_job_file_input.json"),
    "fake server per_doc": _bodies.extract_job("ext-1"),
    "fake server per_table_row": _bodies.extract_job("ext-2", rows=5, per_table_row=True),
}

V1_BODIES = {
    "ExtractRun": [
        fixture_json("extraction_run.json"),
        _bodies.extraction_run("run-1"),
        _bodies.run_by_job("job-1"),
    ],
    "JobGetResultResponse": [fixture_json("extraction_job_result.json"), _bodies.job_result("job-1")],
}


@pytest.mark.parametrize("name", sorted(V2_BODIES))
def test_official_v2_model_accepts(name: str) -> None:
    from llama_cloud.types import ExtractV2Job

    job = ExtractV2Job.model_validate(V2_BODIES[name], strict=False)

    assert job.id == V2_BODIES[name]["id"]


def test_official_v2_client_accepts_the_legacy_parameters_shape() -> None:
    """The older ``parameters``/``type``/``value`` shape predates ``file_input``; the
    official client (lenient by default) still returns it."""
    import httpx
    from llama_cloud import LlamaCloud

    body = fixture_json("extract_v2_job_parameters.json")
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    with LlamaCloud(
        api_key="k", base_url="http://test", http_client=httpx.Client(transport=transport)
    ) as client:
        job = client.extract.get("id")

    assert (job.id, job.status) == ("id", "PENDING")


_V1_CHECK = """
import json, sys
from llama_cloud.types.extraction.extract_run import ExtractRun
from llama_cloud.types.extraction.job_get_result_response import JobGetResultResponse
bodies = json.load(sys.stdin)
for name, items in bodies.items():
    model = {"ExtractRun": ExtractRun, "JobGetResultResponse": JobGetResultResponse}[name]
    for item in items:
        model.model_validate(item)
print("ok", sum(len(v) for v in bodies.values()))
"""


def test_official_v1_models_accept() -> None:
    path = os.environ.get("LLAMACLOUD_V1_SDK_PATH")
    if not path:
        pytest.skip("LLAMACLOUD_V1_SDK_PATH is not set; `nox -s tests` installs llama-cloud 1.6.0 there")
    completed = subprocess.run(
        [sys.executable, "-c", _V1_CHECK],
        input=json.dumps(V1_BODIES),
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["ok", "5"]


async def _lifecycle_bodies() -> dict[str, list[Any]]:
    """Every kind of body the job routes serve, fetched over a socket, by official model name."""
    clock = ManualClock()
    bodies: dict[str, list[Any]] = {name: [] for name in (*_V2_MODELS, *_V1_MODELS)}
    fake = FakeLlamaCloud(
        clock=clock, job_duration=2, fail_jobs={"dfl-bad", "file-bad"}, partial_jobs={"file-part"}
    )
    async with fake, aiohttp.ClientSession(base_url=fake.base_url) as session:

        async def fetch(model: str, method: str, path: str, **kwargs: Any) -> Any:
            async with session.request(method, path, **kwargs) as response:
                assert response.status == 200, await response.text()
                body = await response.json()
            bodies[model].append(body)
            return body

        schema = {"type": "object", "properties": {"name": {"type": "string"}, "n": {"type": "integer"}}}
        full = {"data_schema": schema, "cite_sources": True, "extraction_target": "per_table_row"}
        v2 = [
            await fetch("ExtractV2Job", "POST", "/api/v2/extract", json={"file_input": f, "configuration": c})
            for f, c in (("dfl-ok", {"data_schema": schema}), ("dfl-bad", full), ("pjb-rows", full))
        ]
        await fetch(
            "ExtractV2Job", "POST", "/api/v2/extract", json={"file_input": "dfl-s", "configuration_id": "c"}
        )
        stopped = await fetch(
            "ExtractV2Job", "POST", "/api/v2/extract", json={"file_input": "dfl-x", "configuration": full}
        )
        clock.advance(1)
        await fetch("ExtractV2Job", "GET", f"/api/v2/extract/{v2[0]['id']}")
        await fetch("ExtractV2Job", "POST", f"/api/v2/extract/{stopped['id']}/cancel")
        v1 = [
            await fetch(
                "ExtractJob",
                "POST",
                "/api/v1/extraction/jobs",
                json={"extraction_agent_id": "a", "file_id": f},
            )
            for f in ("file-ok", "file-bad", "file-part", "file-stop")
        ]
        await fetch("ExtractRun", "GET", f"/api/v1/extraction/runs/by-job/{v1[0]['id']}")
        assert fake.cancel_job(v1[3]["id"])
        clock.advance(1)
        expand = [("expand", "configuration"), ("expand", "extract_metadata"), ("expand", "usage")]
        for job in v2:
            await fetch("ExtractV2Job", "GET", f"/api/v2/extract/{job['id']}", params=expand)
        page = await fetch(
            "ExtractV2JobQueryResponse", "GET", "/api/v2/extract", params=[*expand, ("page_size", "2")]
        )
        await fetch(
            "ExtractV2JobQueryResponse",
            "GET",
            "/api/v2/extract",
            params={"page_token": page["next_page_token"]},
        )
        clock.advance(2)
        for job in v1:
            await fetch("ExtractJob", "GET", f"/api/v1/extraction/jobs/{job['id']}")
            run = await fetch("ExtractRun", "GET", f"/api/v1/extraction/runs/by-job/{job['id']}")
            await fetch("ExtractRun", "GET", f"/api/v1/extraction/runs/{run['id']}")
        for job in (v1[0], v1[2]):
            await fetch("JobGetResultResponse", "GET", f"/api/v1/extraction/jobs/{job['id']}/result")
        await fetch("ExtractJob", "GET", "/api/v1/extraction/jobs/generated-id")
        await fetch("JobListResponse", "GET", "/api/v1/extraction/jobs", params={"extraction_agent_id": "a"})
        await fetch(
            "ExtractRuns", "GET", "/api/v1/extraction/runs", params={"extraction_agent_id": "a", "limit": "3"}
        )
    assert {job["status"] for job in bodies["ExtractV2Job"]} == {
        "PENDING",
        "RUNNING",
        "COMPLETED",
        "FAILED",
        "CANCELLED",
    }
    statuses = {job["status"] for job in bodies["ExtractJob"]}
    assert statuses == {"PENDING", "SUCCESS", "ERROR", "PARTIAL_SUCCESS", "CANCELLED"}
    return bodies


_V2_MODELS = ("ExtractV2Job", "ExtractV2JobQueryResponse")
_V1_MODELS = ("ExtractJob", "ExtractRun", "JobGetResultResponse", "JobListResponse", "ExtractRuns")


@pytest.fixture(scope="module")
def lifecycle_bodies() -> dict[str, list[Any]]:
    return asyncio.run(_lifecycle_bodies())


def test_official_v2_models_accept_every_lifecycle_body(lifecycle_bodies: dict[str, list[Any]]) -> None:
    from llama_cloud.types import ExtractV2Job, ExtractV2JobQueryResponse

    models = {"ExtractV2Job": ExtractV2Job, "ExtractV2JobQueryResponse": ExtractV2JobQueryResponse}
    for name in _V2_MODELS:
        assert lifecycle_bodies[name]
        for body in lifecycle_bodies[name]:
            models[name].model_validate(body, strict=False)


_V1_LIFECYCLE_CHECK = """
import json, sys
from pydantic import TypeAdapter
from llama_cloud.pagination import SyncPaginatedExtractRuns
from llama_cloud.types.extraction.extract_job import ExtractJob
from llama_cloud.types.extraction.extract_run import ExtractRun
from llama_cloud.types.extraction.job_get_result_response import JobGetResultResponse
from llama_cloud.types.extraction.job_list_response import JobListResponse
models = {
    "ExtractJob": ExtractJob.model_validate,
    "ExtractRun": ExtractRun.model_validate,
    "JobGetResultResponse": JobGetResultResponse.model_validate,
    "JobListResponse": TypeAdapter(JobListResponse).validate_python,
    "ExtractRuns": SyncPaginatedExtractRuns[ExtractRun].model_validate,
}
bodies = json.load(sys.stdin)
for name, items in bodies.items():
    for item in items:
        models[name](item)
print("ok", sum(len(v) for v in bodies.values()))
"""


def test_official_v1_models_accept_every_lifecycle_body(lifecycle_bodies: dict[str, list[Any]]) -> None:
    path = os.environ.get("LLAMACLOUD_V1_SDK_PATH")
    if not path:
        pytest.skip("LLAMACLOUD_V1_SDK_PATH is not set; `nox -s tests` installs llama-cloud 1.6.0 there")
    v1 = {name: lifecycle_bodies[name] for name in _V1_MODELS}
    completed = subprocess.run(
        [sys.executable, "-c", _V1_LIFECYCLE_CHECK],
        input=json.dumps(v1),
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["ok", str(sum(len(v) for v in v1.values()))]
