"""The official ``llama-cloud`` SDK's models accept every body we ship or serve.

The official SDK has the v2 extract API from 2.x and the v1 extraction API only up to
1.6.0, so the v1 models are loaded from a side install of 1.6.0 (``nox -s tests`` makes
it and sets ``LLAMACLOUD_V1_SDK_PATH``) in a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from llamacloud_async.testing import _bodies

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
