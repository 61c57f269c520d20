"""A v1 extraction script written against the official ``llama-cloud`` 1.6 sync client.

It uses the SDK as its README and sources show: the key and base URL from
``LLAMA_CLOUD_API_KEY`` and ``LLAMA_CLOUD_BASE_URL``, ``extraction.jobs.get_result``,
``extraction.runs.get`` / ``get_by_job``, raw responses, the error classes and what
they carry, the models' ``to_dict`` / ``to_json`` / ``model_dump``, per-call options,
``with_options`` / ``copy``, ``max_retries`` and one client shared by threads. Every step
asserts what the official SDK does and prints ``ok <step>`` or ``FAIL <step>: <why>``;
the exit status is the number of failed steps.

``tests/test_migration.py`` runs it against ``FakeLlamaCloud`` (whose faults are keyed
by the IDs used here) once as written and once with only its import changed.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import llama_cloud
from llama_cloud import LlamaCloud
from llama_cloud.types.extraction import ExtractRun, JobGetResultResponse

client = LlamaCloud()  # LLAMA_CLOUD_API_KEY and LLAMA_CLOUD_BASE_URL from the environment

Step = Callable[[], None]
STEPS: list[Step] = []


def step(steps: list[Step]) -> Callable[[Step], Step]:
    def register(function: Step) -> Step:
        steps.append(function)
        return function

    return register


@step(STEPS)
def client_from_environment() -> None:
    assert client.api_key == os.environ["LLAMA_CLOUD_API_KEY"]
    assert str(client.base_url).rstrip("/") == os.environ["LLAMA_CLOUD_BASE_URL"]


@step(STEPS)
def missing_api_key_raises() -> None:
    saved = {
        name: os.environ.pop(name)
        for name in ("LLAMA_CLOUD_API_KEY", "LLAMA_PARSE_API_KEY")
        if name in os.environ
    }
    try:
        LlamaCloud()
    except llama_cloud.LlamaCloudError as e:
        assert "LLAMA_CLOUD_API_KEY" in str(e)
    else:
        raise AssertionError("no error without an API key")
    finally:
        os.environ.update(saved)


@step(STEPS)
def get_result() -> None:
    result = client.extraction.jobs.get_result("job-1")
    assert isinstance(result, JobGetResultResponse)
    assert isinstance(result.data, dict)
    assert result.run_id
    assert result.extraction_agent_id
    assert "field_metadata" in result.extraction_metadata


@step(STEPS)
def get_run() -> None:
    run = client.extraction.runs.get("run-1")
    assert isinstance(run, ExtractRun)
    assert run.id == "run-1"
    assert run.status == "SUCCESS"
    assert isinstance(run.created_at, datetime.datetime)
    assert isinstance(run.data, dict)
    assert run.file is not None
    assert run.file.name.endswith(".pdf")
    assert run.config.extraction_mode


@step(STEPS)
def get_run_by_job() -> None:
    run = client.extraction.runs.get_by_job("job-7")
    assert run.job_id == "job-7"
    assert run.status == "SUCCESS"


@step(STEPS)
def project_and_organization() -> None:
    run = client.extraction.runs.get("run-scoped", project_id="prj-1", organization_id="org-1")
    assert run.id == "run-scoped"
    result = client.extraction.jobs.get_result("job-scoped", project_id="prj-1")
    assert result.run_id


@step(STEPS)
def raw_response() -> None:
    raw = client.extraction.runs.with_raw_response.get("run-raw")
    assert raw.status_code == 200
    assert raw.headers.get("x-request-id", "").startswith("req-")
    assert str(raw.url).endswith("/api/v1/extraction/runs/run-raw")
    assert raw.retries_taken == 0
    assert isinstance(raw.elapsed, datetime.timedelta)
    run = raw.parse()
    assert run.id == "run-raw"
    assert json.loads(raw.text())["id"] == "run-raw"
    body = raw.json()
    assert isinstance(body, dict)
    assert body["status"] == "SUCCESS"


@step(STEPS)
def raw_responses_of_results_and_runs_by_job() -> None:
    result = client.extraction.jobs.with_raw_response.get_result("job-raw").parse()
    assert result.run_id
    by_job = client.extraction.runs.with_raw_response.get_by_job("job-raw")
    assert by_job.status_code == 200
    assert by_job.parse().job_id == "job-raw"


@step(STEPS)
def not_found() -> None:
    try:
        client.extraction.jobs.get_result("job-missing")
    except llama_cloud.NotFoundError as e:
        assert e.status_code == 404
        assert isinstance(e.body, dict)
        assert "not found" in e.body["detail"]
        assert e.response.status_code == 404
        assert "not found" in e.response.text
        assert e.response.headers.get("x-request-id", "").startswith("req-")
        assert e.response.json() == e.body
        assert e.request.method == "GET"
        assert str(e.request.url).endswith("/api/v1/extraction/jobs/job-missing/result")
        assert isinstance(e, llama_cloud.APIStatusError)
    else:
        raise AssertionError("no NotFoundError")


@step(STEPS)
def wrong_api_key() -> None:
    with LlamaCloud(api_key="sk-wrong-key") as wrong:
        try:
            wrong.extraction.runs.get("run-auth")
        except llama_cloud.AuthenticationError as e:
            assert e.status_code == 401
            assert e.body == {"detail": "Invalid API key"}
            assert "sk-wrong-key" not in str(e)
        else:
            raise AssertionError("no AuthenticationError")


@step(STEPS)
def any_status_error() -> None:
    try:
        client.with_options(max_retries=0).extraction.runs.get("run-500")
    except llama_cloud.APIStatusError as e:
        assert isinstance(e, llama_cloud.InternalServerError)
        assert e.status_code == 500
        assert e.body == {"detail": "injected fault"}
    else:
        raise AssertionError("no APIStatusError")


@step(STEPS)
def connection_refused() -> None:
    with LlamaCloud(base_url="http://127.0.0.1:1", max_retries=0) as dead:
        try:
            dead.extraction.runs.get("run-dead")
        except llama_cloud.APIConnectionError as e:
            assert not isinstance(e, llama_cloud.APITimeoutError)
        else:
            raise AssertionError("no APIConnectionError")


@step(STEPS)
def rate_limited_then_served() -> None:
    assert client.extraction.runs.get("run-429").id == "run-429"


@step(STEPS)
def call_timeout() -> None:
    try:
        client.with_options(max_retries=0).extraction.runs.get("run-slow", timeout=0.5)
    except llama_cloud.APITimeoutError as e:
        assert isinstance(e, llama_cloud.APIConnectionError)
    else:
        raise AssertionError("no APITimeoutError")


@step(STEPS)
def per_call_timeouts() -> None:
    assert client.extraction.runs.get("run-timeout", timeout=httpx.Timeout(10, connect=2)).id == "run-timeout"
    assert client.extraction.runs.get("run-timeout", timeout=20.0).id == "run-timeout"


@step(STEPS)
def per_call_extras() -> None:
    run = client.extraction.runs.get_by_job(
        "job-extras", extra_headers={"X-Trace-Id": "trace-1"}, extra_query={"trace": "1"}
    )
    assert run.job_id == "job-extras"


@step(STEPS)
def default_retries_ride_out_a_503() -> None:
    assert client.extraction.runs.get("run-503").id == "run-503"


@step(STEPS)
def with_options_and_copy() -> None:
    team = client.with_options(default_headers={"X-Team": "finance"}, timeout=30.0)
    assert team.extraction.runs.get("run-team").id == "run-team"
    copied = client.copy(max_retries=5)
    assert copied.max_retries == 5
    assert copied.api_key == client.api_key


@step(STEPS)
def model_methods() -> None:
    run = client.extraction.runs.get("run-model")
    as_dict = run.to_dict()
    assert as_dict["id"] == "run-model"
    assert isinstance(as_dict["created_at"], datetime.datetime)
    assert json.dumps(run.to_dict(mode="json"))
    text = run.to_json()
    assert isinstance(text, str)
    assert json.loads(text)["file"]["name"] == run.file.name
    dumped = run.model_dump()
    assert dumped["status"] == "SUCCESS"
    assert json.loads(run.model_dump_json())["id"] == "run-model"


@step(STEPS)
def unknown_fields_are_kept() -> None:
    run = client.extraction.runs.get("run-new-field")
    assert run.model_extra is not None
    assert run.model_extra["review_state"] == "approved"
    assert run.to_dict()["review_state"] == "approved"


@step(STEPS)
def unknown_field_as_an_attribute() -> None:
    run = client.extraction.runs.get("run-new-field")
    assert run.review_state == "approved"  # type: ignore[attr-defined]


@step(STEPS)
def threads_share_a_client() -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(client.extraction.runs.get, [f"run-many-{n}" for n in range(8)]))
    assert [run.id for run in runs] == [f"run-many-{n}" for n in range(8)]


@step(STEPS)
def context_manager() -> None:
    with LlamaCloud(timeout=httpx.Timeout(60.0, read=5.0, write=10.0, connect=2.0)) as scoped:
        assert scoped.extraction.runs.get("run-scoped-client").id == "run-scoped-client"


def run(steps: list[Step]) -> int:
    failed = 0
    for function in steps:
        try:
            function()
        except Exception as e:
            failed += 1
            line = [
                frame.lineno for frame in traceback.extract_tb(e.__traceback__) if frame.filename == __file__
            ]
            print(f"FAIL {function.__name__}: line {line[-1]}: {type(e).__name__}: {e}")
        else:
            print(f"ok {function.__name__}")
    return failed


if __name__ == "__main__":
    try:
        failures = run(STEPS)
    finally:
        client.close()
    sys.exit(failures)
