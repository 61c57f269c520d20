"""A v2 extract script written against the official ``llama-cloud`` 2.19 async client.

It uses the SDK as its README and sources show: the key and base URL from the
environment, ``extract.get`` with ``expand``, raw responses, the error classes and what
they carry, the models' ``to_dict`` / ``to_json`` / ``model_dump``, per-call options,
``with_options`` / ``copy`` and ``max_retries``; one client serves two ``asyncio.run``
calls, as in a notebook. Every step asserts what the official SDK does and prints
``ok <step>`` or ``FAIL <step>: <why>``; the exit status is the number of failed steps.

``tests/test_migration.py`` runs it against ``FakeLlamaCloud`` (whose faults are keyed
by the job IDs used here) once as written and once with only its import changed.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import sys
import traceback
from collections.abc import Awaitable, Callable

import httpx
import llama_cloud
from llama_cloud import AsyncLlamaCloud
from llama_cloud.types import ExtractV2Job

EXPAND = ["configuration", "extract_metadata", "usage"]

client = AsyncLlamaCloud()  # LLAMA_CLOUD_API_KEY and LLAMA_CLOUD_BASE_URL from the environment

Step = Callable[[], Awaitable[None]]
FIRST_LOOP: list[Step] = []
SECOND_LOOP: list[Step] = []


def step(loop: list[Step]) -> Callable[[Step], Step]:
    def register(function: Step) -> Step:
        loop.append(function)
        return function

    return register


@step(FIRST_LOOP)
async def client_from_environment() -> None:
    assert client.api_key == os.environ["LLAMA_CLOUD_API_KEY"]
    assert str(client.base_url).rstrip("/") == os.environ["LLAMA_CLOUD_BASE_URL"]


@step(FIRST_LOOP)
async def missing_api_key_raises() -> None:
    saved = {
        name: os.environ.pop(name)
        for name in ("LLAMA_CLOUD_API_KEY", "LLAMA_PARSE_API_KEY")
        if name in os.environ
    }
    try:
        AsyncLlamaCloud()
    except llama_cloud.LlamaCloudError as e:
        assert "LLAMA_CLOUD_API_KEY" in str(e)
    else:
        raise AssertionError("no error without an API key")
    finally:
        os.environ.update(saved)


@step(FIRST_LOOP)
async def custom_headers_from_environment() -> None:
    os.environ["LLAMA_CLOUD_CUSTOM_HEADERS"] = "X-Env-Team: research\nX-Env-Run: 7"
    try:
        configured = AsyncLlamaCloud()
    finally:
        del os.environ["LLAMA_CLOUD_CUSTOM_HEADERS"]
    try:
        assert (await configured.extract.get("ext-env-headers")).id == "ext-env-headers"
    finally:
        await configured.close()


@step(FIRST_LOOP)
async def get_job() -> None:
    job = await client.extract.get("ext-basic")
    assert isinstance(job, ExtractV2Job)
    assert job.id == "ext-basic"
    assert job.status == "COMPLETED"
    assert isinstance(job.created_at, datetime.datetime)
    assert job.extract_result is not None


@step(FIRST_LOOP)
async def get_job_with_expand() -> None:
    job = await client.extract.get("ext-expand", expand=EXPAND)
    assert job.configuration is not None
    assert job.configuration.extraction_target == "per_doc"
    assert job.extract_metadata is not None


@step(FIRST_LOOP)
async def raw_response() -> None:
    raw = await client.extract.with_raw_response.get("ext-raw")
    assert raw.status_code == 200
    assert raw.headers.get("x-request-id", "").startswith("req-")
    assert raw.headers["content-type"].startswith("application/json")
    assert str(raw.url).endswith("/api/v2/extract/ext-raw")
    assert raw.retries_taken == 0
    assert isinstance(raw.elapsed, datetime.timedelta)
    job = await raw.parse()
    assert job.id == "ext-raw"
    assert json.loads(await raw.text())["id"] == "ext-raw"
    body = await raw.json()
    assert isinstance(body, dict)
    assert body["status"] == "COMPLETED"


class JobSummary(llama_cloud.BaseModel):
    id: str
    status: str


@step(FIRST_LOOP)
async def raw_response_parsed_into_your_own_model() -> None:
    raw = await client.extract.with_raw_response.get("ext-raw-own")
    summary = await raw.parse(to=JobSummary)
    assert isinstance(summary, JobSummary)
    assert (summary.id, summary.status) == ("ext-raw-own", "COMPLETED")
    assert (await raw.parse()).id == "ext-raw-own"


@step(FIRST_LOOP)
async def raw_response_counts_retries() -> None:
    raw = await client.extract.with_raw_response.get("ext-raw-flaky")
    assert raw.retries_taken == 1
    assert (await raw.parse()).id == "ext-raw-flaky"


@step(FIRST_LOOP)
async def not_found() -> None:
    try:
        await client.extract.get("ext-missing")
    except llama_cloud.NotFoundError as e:
        assert e.status_code == 404
        assert isinstance(e.body, dict)
        assert "not found" in e.body["detail"]
        assert e.response.status_code == 404
        assert "not found" in e.response.text
        assert e.response.json() == e.body
        assert e.response.headers["content-type"].startswith("application/json")
        assert e.response.headers.get("x-request-id", "").startswith("req-")
        assert e.request.method == "GET"
        assert str(e.request.url).endswith("/api/v2/extract/ext-missing")
        assert isinstance(e, llama_cloud.APIStatusError)
        assert isinstance(e, llama_cloud.APIError)
        assert isinstance(e.message, str)
    else:
        raise AssertionError("no NotFoundError")


@step(FIRST_LOOP)
async def wrong_api_key() -> None:
    wrong = AsyncLlamaCloud(api_key="sk-wrong-key")
    try:
        await wrong.extract.get("ext-auth")
    except llama_cloud.AuthenticationError as e:
        assert e.status_code == 401
        assert e.body == {"detail": "Invalid API key"}
        assert "sk-wrong-key" not in str(e)
    else:
        raise AssertionError("no AuthenticationError")
    finally:
        await wrong.close()


@step(FIRST_LOOP)
async def server_error_without_retries() -> None:
    try:
        await client.with_options(max_retries=0).extract.get("ext-500")
    except llama_cloud.InternalServerError as e:
        assert e.status_code == 500
        assert e.body == {"detail": "injected fault"}
    else:
        raise AssertionError("no InternalServerError")


@step(FIRST_LOOP)
async def connection_refused() -> None:
    dead = AsyncLlamaCloud(base_url="http://127.0.0.1:1", max_retries=0)
    try:
        await dead.extract.get("ext-dead")
    except llama_cloud.APITimeoutError:
        raise AssertionError("a refused connection is not a timeout") from None
    except llama_cloud.APIConnectionError as e:
        assert isinstance(e, llama_cloud.APIError)
    else:
        raise AssertionError("no APIConnectionError")
    finally:
        await dead.close()


@step(FIRST_LOOP)
async def call_timeout() -> None:
    try:
        await client.with_options(max_retries=0).extract.get("ext-slow", timeout=0.5)
    except llama_cloud.APITimeoutError as e:
        assert isinstance(e, llama_cloud.APIConnectionError)
    else:
        raise AssertionError("no APITimeoutError")


@step(FIRST_LOOP)
async def per_call_timeouts() -> None:
    assert (await client.extract.get("ext-timeout", timeout=httpx.Timeout(10, connect=2))).id == "ext-timeout"
    assert (await client.extract.get("ext-timeout", timeout=20.0)).id == "ext-timeout"
    assert (await client.extract.get("ext-timeout", timeout=None)).id == "ext-timeout"


@step(FIRST_LOOP)
async def per_call_extras() -> None:
    job = await client.extract.get(
        "ext-extras",
        expand=["usage"],
        extra_headers={"X-Trace-Id": "trace-1"},
        extra_query={"trace": "1"},
    )
    assert job.id == "ext-extras"


@step(FIRST_LOOP)
async def max_retries_rides_out_503s() -> None:
    async with AsyncLlamaCloud(max_retries=3) as patient:
        job = await patient.extract.get("ext-503")
        assert job.id == "ext-503"


@step(FIRST_LOOP)
async def rate_limited_then_served() -> None:
    assert (await client.extract.get("ext-429")).id == "ext-429"
    try:
        await client.with_options(max_retries=0).extract.get("ext-429-again")
    except llama_cloud.RateLimitError as e:
        assert e.status_code == 429
        assert e.response.headers["retry-after-ms"] == "20"
    else:
        raise AssertionError("no RateLimitError")


@step(FIRST_LOOP)
async def with_options_and_copy() -> None:
    try:
        await client.with_options(max_retries=0).extract.get("ext-no-retry")
    except llama_cloud.InternalServerError as e:
        assert e.status_code == 503
    else:
        raise AssertionError("max_retries=0 retried")
    team = client.with_options(default_headers={"X-Team": "finance"}, default_query={"team": "finance"})
    assert (await team.extract.get("ext-team")).id == "ext-team"
    copied = client.copy(timeout=httpx.Timeout(30, connect=5), max_retries=1)
    assert copied.max_retries == 1
    assert copied.api_key == client.api_key
    assert (await copied.extract.get("ext-copy")).id == "ext-copy"


@step(FIRST_LOOP)
async def model_methods() -> None:
    job = await client.extract.get("ext-model", expand=EXPAND)
    as_dict = job.to_dict()
    assert as_dict["id"] == "ext-model"
    assert isinstance(as_dict["created_at"], datetime.datetime)
    assert json.dumps(job.to_dict(mode="json"))
    text = job.to_json()
    assert isinstance(text, str)
    assert "\n  " in text  # indented by 2
    assert json.loads(text)["id"] == "ext-model"
    assert "\n" not in job.to_json(indent=None)
    dumped = job.model_dump()
    assert dumped["id"] == "ext-model"
    assert dumped["configuration"]["extraction_target"] == "per_doc"
    assert json.loads(job.model_dump_json())["status"] == "COMPLETED"
    assert json.loads(json.dumps(job.model_dump(mode="json")))["id"] == "ext-model"


@step(FIRST_LOOP)
async def unknown_fields_are_kept() -> None:
    job = await client.extract.get("ext-new-field")
    assert job.model_extra is not None
    assert job.model_extra["review_state"] == "approved"
    assert job.to_dict()["review_state"] == "approved"
    assert json.loads(job.to_json())["review_state"] == "approved"


@step(FIRST_LOOP)
async def unknown_field_as_an_attribute() -> None:
    job = await client.extract.get("ext-new-field")
    assert job.review_state == "approved"  # type: ignore[attr-defined]


@step(SECOND_LOOP)
async def client_serves_a_second_event_loop() -> None:
    job = await client.extract.get("ext-loop2-first")
    assert job.id == "ext-loop2-first"


@step(SECOND_LOOP)
async def concurrent_gets() -> None:
    jobs = await asyncio.gather(*(client.extract.get(f"ext-loop2-{n}") for n in range(5)))
    assert [job.id for job in jobs] == [f"ext-loop2-{n}" for n in range(5)]


async def run(steps: list[Step]) -> int:
    failed = 0
    for function in steps:
        try:
            await function()
        except Exception as e:
            failed += 1
            line = [
                frame.lineno for frame in traceback.extract_tb(e.__traceback__) if frame.filename == __file__
            ]
            print(f"FAIL {function.__name__}: line {line[-1]}: {type(e).__name__}: {e}")
        else:
            print(f"ok {function.__name__}")
    return failed


async def last_loop() -> int:
    try:
        return await run(SECOND_LOOP)
    finally:
        await client.close()


if __name__ == "__main__":
    failures = asyncio.run(run(FIRST_LOOP))
    failures += asyncio.run(last_loop())
    sys.exit(failures)
