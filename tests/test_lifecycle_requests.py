"""The job lifecycle's requests and decoding, exactly, with aioresponses: what each call
sends, what it refuses before sending, how a create reconciles and a wait polls."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aioresponses import CallbackResult, aioresponses
from yarl import URL

from llamacloud_async import (
    AsyncAPIResponse,
    AsyncLlamaCloud,
    InternalServerError,
    NotFoundError,
    PollingError,
    PollingTimeoutError,
)
from llamacloud_async.pagination import AsyncPaginatedCursor, AsyncPaginatedExtractRuns
from llamacloud_async.types import ExtractJob, ExtractV2Job

from .conftest import API_KEY, BASE_URL

V2 = f"{BASE_URL}/api/v2/extract"
SCHEMA = {"type": "object", "properties": {"name": {"type": "string"}}}


def v2_job(id_: str, status: str = "PENDING", **extra: Any) -> dict[str, Any]:
    now = datetime.now(timezone.utc).isoformat()
    return {
        "id": id_,
        "created_at": now,
        "updated_at": now,
        "project_id": "prj-1",
        "status": status,
        "file_input": "dfl-1",
        **extra,
    }


def v1_job(id_: str, status: str = "PENDING", **extra: Any) -> dict[str, Any]:
    agent = {"id": "agent-1", "config": {}, "data_schema": SCHEMA, "name": "a", "project_id": "prj-1"}
    return {"id": id_, "extraction_agent": agent, "status": status, "file_id": "file-1", **extra}


def calls(mocked: aioresponses, method: str) -> list[tuple[URL, Any]]:
    return [(url, call) for (m, url), found in mocked.requests.items() if m == method for call in found]


@pytest.fixture
async def retrying() -> AsyncIterator[AsyncLlamaCloud]:
    async with AsyncLlamaCloud(api_key=API_KEY, base_url=BASE_URL, max_retries=2, retry_backoff=0.001) as c:
        yield c


async def test_create_posts_the_official_body_with_an_idempotency_key(
    client: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    mocked.post(f"{V2}?project_id=p%201", payload=v2_job("ext-1"))

    job = await client.extract.create(
        file_input="dfl-1",
        configuration={"data_schema": SCHEMA, "tier": "agentic"},
        webhook_configuration_ids=["wh-1"],
        project_id="p 1",
    )

    assert isinstance(job, ExtractV2Job)
    assert job.status == "PENDING"
    [(_, call)] = calls(mocked, "POST")
    assert json.loads(call.kwargs["data"]) == {
        "file_input": "dfl-1",
        "configuration": {"data_schema": SCHEMA, "tier": "agentic"},
        "webhook_configuration_ids": ["wh-1"],
    }
    headers = call.kwargs["headers"]
    assert headers["Content-Type"] == "application/json"
    assert re.fullmatch(r"[0-9a-f-]{36}", headers["Idempotency-Key"])


async def test_a_create_retried_after_a_429_resends_the_same_key(
    retrying: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    mocked.post(V2, status=429, payload={"detail": "slow down"}, headers={"retry-after-ms": "1"})
    mocked.post(V2, payload=v2_job("ext-1"))

    await retrying.extract.create(file_input="dfl-1", configuration_id="cfg-1", idempotency_key="mine-1")

    keys = [call.kwargs["headers"]["Idempotency-Key"] for _, call in calls(mocked, "POST")]
    assert keys == ["mine-1", "mine-1"]
    assert not calls(mocked, "GET")  # a 429 proves nothing was made: no lookup


async def test_after_a_5xx_a_create_finds_the_job_it_made_instead_of_making_another(
    retrying: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    mocked.post(V2, status=503, payload={"detail": "down"})
    listed = re.compile(re.escape(V2) + r"\?.*")
    mocked.get(listed, payload={"items": [v2_job("ext-made", configuration_id="cfg-1")]})

    job = await retrying.extract.create(file_input="dfl-1", configuration_id="cfg-1")

    assert job.id == "ext-made"
    assert len(calls(mocked, "POST")) == 1
    [(url, _)] = calls(mocked, "GET")
    assert url.query["file_input"] == "dfl-1"
    assert url.query["configuration_id"] == "cfg-1"
    assert url.query["page_size"] == "50"


async def test_after_a_5xx_with_nothing_made_a_create_sends_again(
    retrying: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    mocked.post(V2, status=502, payload={"detail": "bad gateway"})
    mocked.get(re.compile(re.escape(V2) + r"\?.*"), payload={"items": []})
    mocked.post(V2, payload=v2_job("ext-2"))

    job = await retrying.extract.create(file_input="dfl-1", configuration_id="cfg-1")

    assert job.id == "ext-2"
    keys = {call.kwargs["headers"]["Idempotency-Key"] for _, call in calls(mocked, "POST")}
    assert len(calls(mocked, "POST")) == 2
    assert len(keys) == 1


async def test_a_job_of_another_configuration_is_not_taken_for_ours(
    retrying: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    other = v2_job("ext-other", configuration={"data_schema": {"type": "object", "properties": {}}})
    mocked.post(V2, status=500, payload={"detail": "oops"})
    mocked.get(re.compile(re.escape(V2) + r"\?.*"), payload={"items": [other]})
    mocked.post(V2, payload=v2_job("ext-ours"))

    job = await retrying.extract.create(file_input="dfl-1", configuration={"data_schema": SCHEMA})

    assert job.id == "ext-ours"
    [(url, _)] = calls(mocked, "GET")
    assert url.query.getall("expand") == ["configuration"]


async def test_when_the_lookup_fails_the_original_error_is_raised_and_nothing_resent(
    retrying: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    mocked.post(V2, status=503, payload={"detail": "down"})
    mocked.get(re.compile(re.escape(V2) + r"\?.*"), status=401, payload={"detail": "no"})

    with pytest.raises(InternalServerError):
        await retrying.extract.create(file_input="dfl-1", configuration_id="cfg-1")
    assert len(calls(mocked, "POST")) == 1


async def test_a_4xx_on_create_is_neither_retried_nor_reconciled(
    retrying: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    mocked.post(V2, status=422, payload={"detail": [{"loc": ["body", "file_input"]}]})
    with pytest.raises(Exception, match="422"):
        await retrying.extract.create(file_input="dfl-1", configuration_id="cfg-1")
    assert len(calls(mocked, "POST")) == 1
    assert not calls(mocked, "GET")


async def test_raw_create_returns_the_response(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    mocked.post(V2, payload=v2_job("ext-1"), headers={"x-request-id": "req-9"})
    raw = await client.extract.with_raw_response.create(file_input="dfl-1", configuration_id="c")
    assert isinstance(raw, AsyncAPIResponse)
    assert raw.request_id == "req-9"
    assert (await raw.parse()).id == "ext-1"


async def test_list_sends_every_filter_as_the_official_sdk_does(
    client: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    mocked.get(re.compile(re.escape(V2) + r"\?.*"), payload={"items": [v2_job("a")], "total_size": 7})

    page = await client.extract.list(
        configuration_id="cfg-1",
        created_at_on_or_after="2025-01-01T00:00:00Z",
        document_input_type="file_id",
        expand=["configuration", "usage"],
        file_input="dfl-1",
        job_ids=["a", "b"],
        page_size=2,
        status="RUNNING",
    )

    assert isinstance(page, AsyncPaginatedCursor)
    assert [job.id for job in page.items] == ["a"]
    assert page.total_size == 7
    assert page.next_page_token is None
    assert not page.has_next_page()
    [(url, _)] = calls(mocked, "GET")
    assert list(url.query.items()) == [
        ("configuration_id", "cfg-1"),
        ("created_at_on_or_after", "2025-01-01T00:00:00Z"),
        ("document_input_type", "file_id"),
        ("expand", "configuration"),
        ("expand", "usage"),
        ("file_input", "dfl-1"),
        ("job_ids", "a"),
        ("job_ids", "b"),
        ("page_size", "2"),
        ("status", "RUNNING"),
    ]


async def test_list_follows_page_tokens_lazily(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    mocked.get(V2, payload={"items": [v2_job("a"), v2_job("b")], "next_page_token": "t2"})
    mocked.get(f"{V2}?page_token=t2", payload={"items": [v2_job("c")], "next_page_token": "t3"})
    mocked.get(f"{V2}?page_token=t3", payload={"items": [v2_job("d")]})

    pager = client.extract.list()
    assert not mocked.requests  # nothing sent until it is used
    seen: list[str] = []
    async for job in pager:
        seen.append(job.id)
        if job.id == "c":
            break
    assert seen == ["a", "b", "c"]
    assert len(calls(mocked, "GET")) == 2


async def test_a_server_repeating_its_page_token_is_not_paged_forever(
    client: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    mocked.get(V2, payload={"items": [v2_job("a")], "next_page_token": "t"})
    mocked.get(f"{V2}?page_token=t", payload={"items": [v2_job("b")], "next_page_token": "t"}, repeat=True)
    assert [job.id async for job in client.extract.list()] == ["a", "b"]


async def test_runs_list_pages_by_skip_until_total(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    run = json.loads((Path(__file__).parent / "fixtures" / "extraction_run.json").read_text())
    runs_url = f"{BASE_URL}/api/v1/extraction/runs?extraction_agent_id=agent-1&limit=2"
    mocked.get(runs_url, payload={"items": [run, run], "total": 3, "skip": 0, "limit": 2})
    mocked.get(runs_url + "&skip=2", payload={"items": [run], "total": 3, "skip": 2, "limit": 2})

    first = await client.extraction.runs.list(extraction_agent_id="agent-1", limit=2)
    assert isinstance(first, AsyncPaginatedExtractRuns)
    assert (first.total, first.skip, first.limit) == (3, 0, 2)
    pages = [len(page.items) async for page in first.iter_pages()]
    assert pages == [2, 1]


async def test_cancel_delete_and_v1_routes(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    mocked.post(f"{V2}/ext-1/cancel?project_id=p", payload=v2_job("ext-1", "CANCELLED"))
    mocked.delete(f"{V2}/ext-1?force=true", payload={})
    mocked.delete(f"{BASE_URL}/api/v1/extraction/runs/run-1", body=b"")
    mocked.get(f"{BASE_URL}/api/v1/extraction/jobs/j-1", payload=v1_job("j-1", "SUCCESS"))
    mocked.get(f"{BASE_URL}/api/v1/extraction/jobs?extraction_agent_id=agent-1", payload=[v1_job("j-1")])

    assert (await client.extract.cancel("ext-1", project_id="p")).status == "CANCELLED"
    assert await client.extract.delete("ext-1", force=True) == {}
    assert await client.extraction.runs.delete("run-1") is None
    job = await client.extraction.jobs.get("j-1")
    assert isinstance(job, ExtractJob)
    assert job.extraction_agent.id == "agent-1"
    assert [j.id for j in await client.extraction.jobs.list(extraction_agent_id="agent-1")] == ["j-1"]


async def test_v1_create_sends_its_body_and_key(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    mocked.post(f"{BASE_URL}/api/v1/extraction/jobs?from_ui=false", payload=v1_job("j-1"))
    await client.extraction.jobs.create(
        extraction_agent_id="agent-1",
        file_id="file-1",
        from_ui=False,
        priority="high",
        data_schema_override="{}",
    )
    [(_, call)] = calls(mocked, "POST")
    assert json.loads(call.kwargs["data"]) == {
        "extraction_agent_id": "agent-1",
        "file_id": "file-1",
        "data_schema_override": "{}",
        "priority": "high",
    }
    assert call.kwargs["headers"]["Idempotency-Key"]


async def test_v1_create_after_a_5xx_refuses_to_guess_when_the_file_has_jobs(
    retrying: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    jobs_url = f"{BASE_URL}/api/v1/extraction/jobs"
    mocked.post(jobs_url, status=504, payload={"detail": "timeout"})
    mocked.get(f"{jobs_url}?extraction_agent_id=agent-1", payload=[v1_job("j-old")])
    with pytest.raises(InternalServerError):
        await retrying.extraction.jobs.create(extraction_agent_id="agent-1", file_id="file-1")
    assert len(calls(mocked, "POST")) == 1


async def test_v1_create_after_a_5xx_sends_again_when_the_file_has_no_job(
    retrying: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    jobs_url = f"{BASE_URL}/api/v1/extraction/jobs"
    mocked.post(jobs_url, status=504, payload={"detail": "timeout"})
    mocked.get(f"{jobs_url}?extraction_agent_id=agent-1", payload=[v1_job("j-x", file_id="file-other")])
    mocked.post(jobs_url, payload=v1_job("j-new"))
    job = await retrying.extraction.jobs.create(extraction_agent_id="agent-1", file_id="file-1")
    assert job.id == "j-new"


async def test_a_wait_treats_an_unknown_status_as_running(
    client: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    mocked.get(f"{V2}/ext-1", payload=v2_job("ext-1", "SOMETHING_NEW"))
    mocked.get(f"{V2}/ext-1", payload=v2_job("ext-1", "COMPLETED", extract_result={"name": "x"}))
    job = await client.extract.wait_for_completion("ext-1", polling_interval=0.01)
    assert job.extract_result == {"name": "x"}


async def test_a_transient_poll_failure_does_not_end_the_wait(
    client: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    mocked.get(f"{V2}/ext-1", status=503, payload={"detail": "down"})
    mocked.get(f"{V2}/ext-1", exception=aiohttp.ServerDisconnectedError())
    mocked.get(f"{V2}/ext-1", payload=v2_job("ext-1", "COMPLETED"))
    job = await client.extract.wait_for_completion("ext-1", polling_interval=0.01)
    assert job.status == "COMPLETED"


async def test_a_lasting_failure_ends_the_wait_with_its_error(
    client: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    mocked.get(f"{V2}/ext-1", status=404, payload={"detail": "no such job"})
    with pytest.raises(NotFoundError):
        await client.extract.wait_for_completion("ext-1", polling_interval=0.01)


async def test_waits_raise_the_job_on_failure_statuses(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    mocked.get(f"{V2}/ext-1", payload=v2_job("ext-1", "CANCELLED"))
    mocked.get(f"{BASE_URL}/api/v1/extraction/jobs/j-1", payload=v1_job("j-1", "ERROR", error="bad\x1b[31m"))

    with pytest.raises(PollingError) as v2_error:
        await client.extract.wait_for_completion("ext-1")
    assert v2_error.value.job.id == "ext-1"
    assert v2_error.value.status == "CANCELLED"
    with pytest.raises(PollingError) as v1_error:
        await client.extraction.jobs.wait_for_completion("j-1")
    assert v1_error.value.status == "ERROR"
    assert "\x1b" not in str(v1_error.value)
    assert "bad" in str(v1_error.value)


async def test_partial_success_ends_a_v1_wait(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    mocked.get(f"{BASE_URL}/api/v1/extraction/jobs/j-1", payload=v1_job("j-1", "PARTIAL_SUCCESS"))
    assert (await client.extraction.jobs.wait_for_completion("j-1")).status == "PARTIAL_SUCCESS"


async def test_the_wait_sends_expand_on_every_poll(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    mocked.get(f"{V2}/ext-1?expand=usage", payload=v2_job("ext-1", "COMPLETED", usage={"credits": 1.0}))
    job = await client.extract.wait_for_completion("ext-1", expand="usage")
    assert job.usage is not None
    assert job.usage.credits == 1.0


async def test_a_wait_times_out_with_the_last_job(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    mocked.get(f"{V2}/ext-1", payload=v2_job("ext-1", "RUNNING"), repeat=True)
    with pytest.raises(PollingTimeoutError) as error:
        await client.extract.wait_for_completion("ext-1", polling_interval=0.02, timeout=0.1)
    assert error.value.job.status == "RUNNING"
    assert error.value.pending == ["ext-1"]
    assert isinstance(error.value, TimeoutError)


async def test_wait_many_batches_ids_and_gets_the_ones_a_batch_misses(
    client: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    listed: list[list[str]] = []

    def answer(url: URL, **_: Any) -> CallbackResult:
        ids = url.query.getall("job_ids")
        listed.append(ids)
        return CallbackResult(payload={"items": [v2_job(i, "COMPLETED") for i in ids if i != "c"]})

    mocked.get(re.compile(re.escape(V2) + r"\?.*job_ids.*"), callback=answer, repeat=True)
    mocked.get(f"{V2}/c", payload=v2_job("c", "FAILED"))

    jobs = [job async for job in client.extract.wait_many(["a", "b", "c", "a"], batch_size=2)]

    assert sorted(job.id for job in jobs) == ["a", "b", "c"]
    assert sorted(listed) == [["a", "b"], ["c"]]


async def test_wait_many_falls_back_to_gets_when_the_filter_is_refused(
    client: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    mocked.get(re.compile(re.escape(V2) + r"\?.*job_ids.*"), status=422, payload={"detail": "no"})
    mocked.get(f"{V2}/a", payload=v2_job("a", "RUNNING"))
    mocked.get(f"{V2}/a", payload=v2_job("a", "COMPLETED"))
    mocked.get(f"{V2}/b", payload=v2_job("b", "COMPLETED"))

    jobs = [job.id async for job in client.extract.wait_many(["a", "b"], polling_interval=0.01)]

    assert jobs == ["b", "a"]
    assert sum(1 for url, _ in calls(mocked, "GET") if "job_ids" in url.query) == 1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.extract.list(expand="everything"), "unknown expand"),
        (lambda c: c.extract.list(status="DONE"), "unknown status"),
        (lambda c: c.extract.list(job_ids=[]), "job_ids cannot be empty"),
        (lambda c: c.extract.list(job_ids=["a/b"]), "job_ids contains '/'"),
        (lambda c: c.extract.list(page_size=0), "page_size must be at least 1"),
        (lambda c: c.extract.list(created_at_on_or_after="yesterday"), "not an ISO 8601"),
        (lambda c: c.extract.wait_many([]), "job_ids cannot be empty"),
        (lambda c: c.extract.wait_many(["ok", " "]), "job_ids must be a non-empty"),
        (lambda c: c.extract.wait_many(["a"], timeout=-1), "timeout must be a finite"),
        (lambda c: c.extract.wait_many(["a"], expand=["nope"]), "unknown expand"),
        (lambda c: c.extraction.runs.list(extraction_agent_id="a", skip=-1), "skip cannot be negative"),
        (lambda c: c.extraction.runs.list(extraction_agent_id=""), "extraction_agent_id must be"),
    ],
)
def test_bad_list_and_watch_input_raises_before_any_request(
    client: AsyncLlamaCloud, mocked: aioresponses, call: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        call(client)
    assert not mocked.requests


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.extract.wait_for_completion("j", timeout=-1), "timeout must be a finite"),
        (lambda c: c.extract.wait_for_completion("j", polling_interval=0), "polling_interval must"),
        (lambda c: c.extract.wait_for_completion("j", max_interval=0.5), "max_interval"),
        (lambda c: c.extract.wait_for_completion("j", backoff="random"), "unknown backoff"),
        (lambda c: c.extract.wait_for_completion("j", expand="nope"), "unknown expand"),
        (lambda c: c.extract.wait_for_completion("../j"), "job_id"),
        (lambda c: c.extraction.jobs.wait_for_completion("j", timeout=-5), "timeout must be a finite"),
        (lambda c: c.extract.create(file_input="f"), "exactly one of"),
        (lambda c: c.extract.create(file_input="f", configuration={"tier": "x"}), "needs a data_schema"),
        (lambda c: c.extract.create(file_input="", configuration_id="c"), "file_input must be"),
        (lambda c: c.extract.create(file_input="f", configuration_id="c", idempotency_key="a\nb"), "visible"),
        (lambda c: c.extract.run(file_input="f", configuration_id="c", polling_timeout=-1), "timeout"),
        (lambda c: c.extract.cancel(""), "job_id"),
        (
            lambda c: c.extraction.jobs.create(extraction_agent_id="a", file_id="f", priority="urgent"),
            "priority",
        ),
    ],
)
async def test_bad_input_to_a_call_raises_before_any_request(
    client: AsyncLlamaCloud, mocked: aioresponses, call: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        await call(client)
    assert not mocked.requests


def test_a_single_string_is_not_taken_for_a_list_of_ids(client: AsyncLlamaCloud) -> None:
    with pytest.raises(TypeError, match="list of IDs"):
        client.extract.wait_many("ext-1")


async def test_with_no_retries_left_an_ambiguous_create_still_looks_for_its_job(
    client: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    mocked.post(V2, exception=aiohttp.ServerDisconnectedError())
    mocked.get(re.compile(re.escape(V2) + r"\?.*"), payload={"items": [v2_job("ext-made")]})

    job = await client.extract.create(file_input="dfl-1", configuration_id="cfg-1")

    assert job.id == "ext-made"
    assert len(calls(mocked, "POST")) == 1


async def test_get_next_page_on_the_last_page_is_a_clear_error(
    client: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    mocked.get(V2, payload={"items": [v2_job("a")], "next_page_token": "t2"})
    mocked.get(f"{V2}?page_token=t2", payload={"items": [v2_job("b")]})
    first = await client.extract.list()
    second = await first.get_next_page()
    assert [job.id for job in second.items] == ["b"]
    with pytest.raises(RuntimeError, match="has_next_page"):
        await second.get_next_page()


async def test_the_lookup_measures_the_call_on_the_servers_clock(
    retrying: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    """A server whose clock is a year behind still has its job found, and a job it made
    an hour before the call (by its own clock) is not taken for the call's."""
    server_now = datetime(2025, 3, 4, 10, 15, 30, tzinfo=timezone.utc)
    ours = {**v2_job("ext-ours"), "created_at": server_now.isoformat()}
    older = {**v2_job("ext-older"), "created_at": "2025-03-04T09:15:30+00:00"}
    mocked.post(V2, status=503, payload={"detail": "down"})
    mocked.get(
        re.compile(re.escape(V2) + r"\?.*"),
        payload={"items": [ours, older]},
        headers={"Date": "Tue, 04 Mar 2025 10:15:31 GMT"},
    )

    job = await retrying.extract.create(file_input="dfl-1", configuration_id="cfg-1")

    assert job.id == "ext-ours"
    assert len(calls(mocked, "POST")) == 1
