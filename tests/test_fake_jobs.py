"""FakeLlamaCloud's job lifecycle over real sockets: the routes, states, pages and faults
that the SDK's create, list, cancel, delete and wait methods are tested against."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from llamacloud_async.testing import (
    AfterProcessing,
    CloseMidBody,
    Delay,
    FakeLlamaCloud,
    JobRequest,
    ManualClock,
    Reset,
    Status,
    result_for,
)

SCHEMA = {"type": "object", "properties": {"name": {"type": "string"}, "total": {"type": "number"}}}
CONFIG = {"data_schema": SCHEMA, "tier": "agentic"}
V2 = "/api/v2/extract"
V1_JOBS = "/api/v1/extraction/jobs"
V1_RUNS = "/api/v1/extraction/runs"
AGENT = "agent-1"


class Api:
    """A bare aiohttp session on the fake: the lifecycle routes as plain HTTP."""

    def __init__(self, fake: FakeLlamaCloud, session: aiohttp.ClientSession) -> None:
        self.fake = fake
        self.session = session

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: bytes | None = None,
        params: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        async with self.session.request(
            method, self.fake.base_url + path, json=json, data=data, params=params, headers=headers
        ) as response:
            return response.status, await response.json()

    async def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        status, body = await self.call(method, path, **kwargs)
        assert status == 200, body
        return body

    async def create(self, file_input: str = "dfl-1", key: str | None = None, **body: Any) -> dict[str, Any]:
        headers = {"Idempotency-Key": key} if key else None
        return await self.ok(
            "POST", V2, json={"file_input": file_input, "configuration": CONFIG, **body}, headers=headers
        )

    async def get(self, job_id: str, **params: Any) -> dict[str, Any]:
        return await self.ok("GET", f"{V2}/{job_id}", params=params or None)

    async def create_v1(self, file_id: str = "file-1", **body: Any) -> dict[str, Any]:
        return await self.ok("POST", V1_JOBS, json={"extraction_agent_id": AGENT, "file_id": file_id, **body})


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def api(clock: ManualClock) -> AsyncIterator[Api]:
    async with FakeLlamaCloud(clock=clock, job_duration=2.0) as fake, aiohttp.ClientSession() as session:
        yield Api(fake, session)


async def test_a_v2_job_goes_pending_running_completed_on_the_clock(api: Api, clock: ManualClock) -> None:
    created = await api.create("dfl-abc")
    assert created["status"] == "PENDING"
    assert created["id"].startswith("ext-")
    assert created["configuration"]["tier"] == "agentic"
    assert "extract_result" not in created

    clock.advance(1.0)
    running = await api.get(created["id"])
    assert running["status"] == "RUNNING"
    assert running["updated_at"] > running["created_at"]

    clock.advance(1.0)
    done = await api.get(created["id"])
    assert done["status"] == "COMPLETED"
    assert done["extract_result"] == result_for("dfl-abc", {**CONFIG, "version": "latest"})
    assert set(done["extract_result"]) == {"name", "total"}
    assert "configuration" not in done
    assert "extract_metadata" not in done

    expanded = await api.get(created["id"], expand="configuration")
    assert expanded["configuration"]["data_schema"] == SCHEMA


async def test_results_are_deterministic_and_shaped_by_the_target() -> None:
    per_doc = result_for("dfl-1", {"data_schema": SCHEMA})
    assert per_doc == result_for("dfl-1", {"data_schema": SCHEMA})
    assert per_doc != result_for("dfl-2", {"data_schema": SCHEMA})
    rows = result_for("dfl-1", {"data_schema": SCHEMA, "extraction_target": "per_table_row"})
    assert isinstance(rows, list)
    assert len(rows) == 3
    assert all(set(row) == {"name", "total"} for row in rows)


async def test_a_custom_result_hook_fills_extract_result(clock: ManualClock) -> None:
    seen: list[str] = []

    def from_text(file_input: str, configuration: Any) -> dict[str, Any]:
        seen.append(file_input)
        return {"text": f"contents of {file_input}"}

    async with (
        FakeLlamaCloud(clock=clock, result_for=from_text) as fake,
        aiohttp.ClientSession() as session,
    ):
        api = Api(fake, session)
        job = await api.create("dfl-9")
        clock.advance(0.1)
        assert (await api.get(job["id"]))["extract_result"] == {"text": "contents of dfl-9"}
        await api.get(job["id"])
    assert seen == ["dfl-9"]


async def test_chosen_jobs_fail(clock: ManualClock) -> None:
    async with (
        FakeLlamaCloud(clock=clock, fail_jobs={"dfl-bad"}) as fake,
        aiohttp.ClientSession() as session,
    ):
        api = Api(fake, session)
        bad, good = await api.create("dfl-bad"), await api.create("dfl-good")
        clock.advance(1)
        failed = await api.get(bad["id"])
        assert failed["status"] == "FAILED"
        assert failed["error_message"]
        assert "extract_result" not in failed
        assert (await api.get(good["id"]))["status"] == "COMPLETED"


async def test_a_failure_rate_with_a_seed_is_repeatable(clock: ManualClock) -> None:
    outcomes: list[list[str]] = []
    for _ in range(2):
        async with (
            FakeLlamaCloud(clock=clock, failure_rate=0.5, seed=3) as fake,
            aiohttp.ClientSession() as session,
        ):
            api = Api(fake, session)
            ids = [(await api.create(f"dfl-{i}"))["id"] for i in range(20)]
            clock.advance(1)
            outcomes.append([(await api.get(i))["status"] for i in ids])
    assert outcomes[0] == outcomes[1]
    assert 3 <= outcomes[0].count("FAILED") <= 17


async def test_a_predicate_and_a_duration_function_see_the_request(clock: ManualClock) -> None:
    def slow(request: JobRequest) -> float:
        return 10.0 if request.file_input.endswith("slow") else 1.0

    async with (
        FakeLlamaCloud(clock=clock, job_duration=slow, fail_jobs=lambda r: r.api == "v1") as fake,
        aiohttp.ClientSession() as session,
    ):
        api = Api(fake, session)
        fast, slow_job = await api.create("dfl-fast"), await api.create("dfl-slow")
        v1 = await api.create_v1()
        clock.advance(1)
        assert (await api.get(fast["id"]))["status"] == "COMPLETED"
        assert (await api.get(slow_job["id"]))["status"] == "PENDING"
        assert (await api.ok("GET", f"{V1_JOBS}/{v1['id']}"))["status"] == "ERROR"


async def test_cancel_stops_a_job_and_refuses_a_terminal_one(api: Api, clock: ManualClock) -> None:
    job = await api.create()
    clock.advance(1)
    cancelled = await api.ok("POST", f"{V2}/{job['id']}/cancel")
    assert cancelled["status"] == "CANCELLED"
    clock.advance(5)
    assert (await api.get(job["id"]))["status"] == "CANCELLED"
    status, body = await api.call("POST", f"{V2}/{job['id']}/cancel")
    assert status == 409
    assert "CANCELLED" in body["detail"]
    status, _ = await api.call("POST", f"{V2}/ext-missing/cancel")
    assert status == 404


async def test_delete_refuses_a_running_job_unless_forced(api: Api, clock: ManualClock) -> None:
    running, done = await api.create("dfl-1"), await api.create("dfl-2")
    status, body = await api.call("DELETE", f"{V2}/{running['id']}")
    assert status == 409
    assert "force=true" in body["detail"]
    assert await api.ok("DELETE", f"{V2}/{running['id']}", params={"force": "true"}) == {}
    clock.advance(2)
    assert await api.ok("DELETE", f"{V2}/{done['id']}") == {}
    for job in (running, done):
        status, _ = await api.call("GET", f"{V2}/{job['id']}")
        assert status == 404
    listed = await api.ok("GET", V2)
    assert listed["items"] == []


async def test_an_idempotency_key_replays_the_same_job(api: Api, clock: ManualClock) -> None:
    first = await api.create("dfl-1", key="key-1")
    clock.advance(2)
    again = await api.create("dfl-1", key="key-1")
    assert again["id"] == first["id"]
    assert again["status"] == "COMPLETED"
    other = await api.create("dfl-1", key="key-2")
    unkeyed = [await api.create("dfl-1"), await api.create("dfl-1")]
    assert len({first["id"], other["id"], *(j["id"] for j in unkeyed)}) == 4
    assert (api.fake.created, api.fake.replayed) == (4, 1)
    status, body = await api.call(
        "POST",
        V2,
        json={"file_input": "dfl-2", "configuration": CONFIG},
        headers={"Idempotency-Key": "key-1"},
    )
    assert status == 422
    assert "Idempotency-Key" in body["detail"]
    assert api.fake.created == 4
    assert api.fake.counts["extract-create"] == 6


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"configuration": CONFIG}, ["body", "file_input"]),
        ({"file_input": 7, "configuration": CONFIG}, ["body", "file_input"]),
        ({"file_input": "dfl-1", "configuration": CONFIG, "extra": 1}, ["body", "extra"]),
        (
            {"file_input": "dfl-1", "configuration": {**CONFIG, "tier": "gold"}},
            ["body", "configuration", "tier"],
        ),
        (
            {"file_input": "dfl-1", "configuration": {"tier": "agentic"}},
            ["body", "configuration", "data_schema"],
        ),
        ({"file_input": "dfl-1"}, ["body"]),
        ({"file_input": "dfl-1", "configuration": CONFIG, "configuration_id": "cfg-1"}, ["body"]),
        (
            {"file_input": "dfl-1", "configuration": CONFIG, "webhook_configurations": [{"url": "x"}]},
            ["body", "webhook_configurations", 0, "url"],
        ),
    ],
)
async def test_malformed_v2_bodies_get_422_with_a_detail(
    api: Api, body: dict[str, Any], loc: list[Any]
) -> None:
    status, answer = await api.call("POST", V2, json=body)
    assert status == 422
    (error,) = answer["detail"]
    assert error["loc"] == loc
    assert error["msg"]
    assert api.fake.created == 0


async def test_a_body_that_is_not_json_gets_422(api: Api) -> None:
    status, answer = await api.call(
        "POST", V2, data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert status == 422
    assert answer["detail"][0]["type"] == "json_invalid"


async def test_a_saved_configuration_is_used_by_id(api: Api, clock: ManualClock) -> None:
    api.fake.configurations["cfg-1"] = {
        "data_schema": {"type": "object", "properties": {"x": {"type": "integer"}}}
    }
    job = await api.ok("POST", V2, json={"file_input": "dfl-1", "configuration_id": "cfg-1"})
    clock.advance(2)
    done = await api.get(job["id"])
    assert done["configuration_id"] == "cfg-1"
    assert set(done["extract_result"]) == {"x"}
    listed = await api.ok("GET", V2, params={"configuration_id": "cfg-1"})
    assert [j["id"] for j in listed["items"]] == [job["id"]]


async def test_list_filters_newest_first(api: Api, clock: ManualClock) -> None:
    old = await api.create("dfl-a")
    clock.advance(2)
    new = await api.create("pjb-b")
    ids = lambda page: [j["id"] for j in page["items"]]  # noqa: E731
    assert ids(await api.ok("GET", V2)) == [new["id"], old["id"]]
    assert ids(await api.ok("GET", V2, params={"status": "COMPLETED"})) == [old["id"]]
    assert ids(await api.ok("GET", V2, params={"status": "PENDING"})) == [new["id"]]
    assert ids(await api.ok("GET", V2, params={"file_input": "dfl-a"})) == [old["id"]]
    assert ids(await api.ok("GET", V2, params={"document_input_value": "pjb-b"})) == [new["id"]]
    assert ids(await api.ok("GET", V2, params={"document_input_type": "parse_job_id"})) == [new["id"]]
    both = [("job_ids", old["id"]), ("job_ids", new["id"]), ("job_ids", "ext-unknown")]
    assert ids(await api.ok("GET", V2, params=both)) == [new["id"], old["id"]]
    assert ids(await api.ok("GET", V2, params={"created_at_on_or_after": new["created_at"]})) == [new["id"]]
    assert ids(await api.ok("GET", V2, params={"created_at_on_or_before": old["created_at"]})) == [old["id"]]
    assert ids(await api.ok("GET", V2, params={"project_id": "prj-other"})) == []
    plain, expanded = await api.ok("GET", V2), await api.ok("GET", V2, params={"expand": "configuration"})
    assert "configuration" not in plain["items"][0]
    assert expanded["items"][0]["configuration"]["tier"] == "agentic"


async def test_list_pages_follow_next_page_token_to_the_end(api: Api) -> None:
    made = [(await api.create(f"dfl-{i}"))["id"] for i in range(7)]
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        params = {"page_size": "3", **({"page_token": token} if token else {})}
        page = await api.ok("GET", V2, params=params)
        seen += [j["id"] for j in page["items"]]
        pages += 1
        if pages == 1:
            await api.create("dfl-late")  # a job created meanwhile does not shift later pages
        token = page.get("next_page_token")
        if not token:
            break
    assert seen == made[::-1]
    assert pages == 3


@pytest.mark.parametrize(
    "params",
    [
        {"page_size": "0"},
        {"page_size": "many"},
        {"page_token": "garbage!"},
        {"status": "DONE"},
        {"expand": "everything"},
        {"created_at_on_or_after": "yesterday"},
        {"document_input_type": "url"},
    ],
)
async def test_bad_list_queries_get_422(api: Api, params: dict[str, str]) -> None:
    status, body = await api.call("GET", V2, params=params)
    assert status == 422
    assert body["detail"][0]["loc"] == ["query", next(iter(params))]


async def test_a_v1_job_produces_a_run_and_a_result(api: Api, clock: ManualClock) -> None:
    job = await api.create_v1(
        "file-7", config_override={"extraction_target": "PER_DOC"}, data_schema_override=SCHEMA
    )
    assert job["status"] == "PENDING"
    assert job["extraction_agent"]["id"] == AGENT
    run = await api.ok("GET", f"{V1_RUNS}/by-job/{job['id']}")
    assert (run["status"], run["data"]) == ("PENDING", None)
    status, body = await api.call("GET", f"{V1_JOBS}/{job['id']}/result")
    assert status == 400
    assert "PENDING" in body["detail"]

    clock.advance(1.5)
    assert (await api.ok("GET", f"{V1_JOBS}/{job['id']}"))["status"] == "PENDING"
    clock.advance(0.5)
    assert (await api.ok("GET", f"{V1_JOBS}/{job['id']}"))["status"] == "SUCCESS"
    result = await api.ok("GET", f"{V1_JOBS}/{job['id']}/result")
    assert result["data"] == result_for("file-7", {"data_schema": SCHEMA, "extraction_target": "PER_DOC"})
    assert result["run_id"] == run["id"]
    by_id = await api.ok("GET", f"{V1_RUNS}/{run['id']}")
    assert (by_id["status"], by_id["data"], by_id["job_id"]) == ("SUCCESS", result["data"], job["id"])
    listed = await api.ok("GET", V1_JOBS, params={"extraction_agent_id": AGENT})
    assert [j["id"] for j in listed] == [job["id"]]
    assert await api.ok("GET", V1_JOBS, params={"extraction_agent_id": "agent-other"}) == []


async def test_v1_outcomes_error_partial_and_cancelled(clock: ManualClock) -> None:
    async with (
        FakeLlamaCloud(
            clock=clock, job_duration=1, fail_jobs={"file-bad"}, partial_jobs={"file-part"}
        ) as fake,
        aiohttp.ClientSession() as session,
    ):
        api = Api(fake, session)
        bad, part, stop = [await api.create_v1(f) for f in ("file-bad", "file-part", "file-stop")]
        assert fake.cancel_job(stop["id"])
        clock.advance(1)
        assert not fake.cancel_job(stop["id"])
        statuses = [(await api.ok("GET", f"{V1_JOBS}/{j['id']}"))["status"] for j in (bad, part, stop)]
        assert statuses == ["ERROR", "PARTIAL_SUCCESS", "CANCELLED"]
        runs = [(await api.ok("GET", f"{V1_RUNS}/by-job/{j['id']}")) for j in (bad, part, stop)]
        assert [r["status"] for r in runs] == ["ERROR", "SUCCESS", "ERROR"]
        assert runs[0]["error"]
        assert (await api.ok("GET", f"{V1_JOBS}/{part['id']}/result"))["data"]


async def test_v1_runs_list_in_skip_limit_pages_and_delete(api: Api) -> None:
    jobs = [await api.create_v1(f"file-{i}") for i in range(5)]
    await api.ok("POST", V1_JOBS, json={"extraction_agent_id": "agent-2", "file_id": "f"})
    first = await api.ok("GET", V1_RUNS, params={"extraction_agent_id": AGENT, "limit": "2"})
    assert (first["total"], first["skip"], first["limit"], len(first["items"])) == (5, 0, 2, 2)
    rest = await api.ok("GET", V1_RUNS, params={"extraction_agent_id": AGENT, "skip": "2", "limit": "10"})
    assert [r["job_id"] for r in first["items"] + rest["items"]] == [j["id"] for j in reversed(jobs)]

    doomed = first["items"][0]["id"]
    assert await api.ok("DELETE", f"{V1_RUNS}/{doomed}") == {}
    for path in (f"{V1_RUNS}/{doomed}", f"{V1_RUNS}/by-job/{jobs[-1]['id']}"):
        status, _ = await api.call("GET", path)
        assert status == 404
    status, _ = await api.call("DELETE", f"{V1_RUNS}/{doomed}")
    assert status == 404
    after = await api.ok("GET", V1_RUNS, params={"extraction_agent_id": AGENT})
    assert after["total"] == 4
    status, body = await api.call("GET", V1_RUNS)
    assert (status, body["detail"][0]["loc"]) == (422, ["query", "extraction_agent_id"])


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"file_id": "f"}, ["body", "extraction_agent_id"]),
        ({"extraction_agent_id": AGENT, "file_id": "f", "priority": "urgent"}, ["body", "priority"]),
        (
            {"extraction_agent_id": AGENT, "file_id": "f", "config_override": {"extraction_mode": "SLOW"}},
            ["body", "config_override", "extraction_mode"],
        ),
        (
            {"extraction_agent_id": AGENT, "file_id": "f", "data_schema_override": "not json"},
            ["body", "data_schema_override"],
        ),
    ],
)
async def test_malformed_v1_bodies_get_422(api: Api, body: dict[str, Any], loc: list[Any]) -> None:
    status, answer = await api.call("POST", V1_JOBS, json=body)
    assert status == 422
    assert answer["detail"][0]["loc"] == loc


async def test_generated_v1_jobs_answer_unknown_ids(api: Api) -> None:
    job = await api.ok("GET", f"{V1_JOBS}/job-anything")
    assert (job["id"], job["status"]) == ("job-anything", "SUCCESS")


async def test_a_reset_after_processing_leaves_a_job_behind(api: Api) -> None:
    api.fake.inject(AfterProcessing(Reset()), route="extract-create")
    with pytest.raises(aiohttp.ClientError):
        await api.create("dfl-1", key="k")
    assert api.fake.created == 1
    listed = await api.ok("GET", V2)
    again = await api.create("dfl-1", key="k")
    assert again["id"] == listed["items"][0]["id"]
    assert (api.fake.created, api.fake.replayed) == (1, 1)


async def test_a_5xx_after_processing_and_a_reset_before_it(api: Api) -> None:
    api.fake.inject(AfterProcessing(Status(503)), route="extract-create")
    status, _ = await api.call("POST", V2, json={"file_input": "dfl-1", "configuration": CONFIG})
    assert (status, api.fake.created) == (503, 1)
    api.fake.inject(Reset(), route="extract-create")
    with pytest.raises(aiohttp.ClientError):
        await api.create("dfl-2")
    api.fake.inject(Status(429, headers={"Retry-After": "1"}), route="job-create")
    status, _ = await api.call("POST", V1_JOBS, json={"extraction_agent_id": AGENT, "file_id": "f"})
    assert (status, api.fake.created) == (429, 1)
    assert api.fake.counts == {"extract-create": 2, "job-create": 1}


async def test_counts_are_per_route_and_kept_without_recording(clock: ManualClock) -> None:
    async with (
        FakeLlamaCloud(clock=clock, record=False) as fake,
        aiohttp.ClientSession() as session,
    ):
        api = Api(fake, session)
        job = await api.create()
        await api.get(job["id"])
        await api.get(job["id"])
        await api.ok("GET", V2)
    assert fake.counts == {"extract-create": 1, "extract": 2, "extract-list": 1}
    assert fake.requests == []


async def test_the_bucket_starts_full_and_bare_429s_carry_no_hint() -> None:
    async with (
        FakeLlamaCloud(rate_limit=1, burst=3, retry_after=False) as fake,
        aiohttp.ClientSession() as session,
    ):
        statuses: list[int] = []
        for _ in range(4):
            async with session.get(f"{fake.base_url}{V2}/ext-1") as response:
                statuses.append(response.status)
                headers = response.headers
    assert statuses == [200, 200, 200, 429]
    assert "retry-after-ms" not in headers
    assert "Retry-After" not in headers


def test_the_command_line_takes_the_server_options() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "llamacloud_async.testing", "--port", str(port), "--api-key", "sekrit"]
    command += [
        "--rate-limit",
        "1",
        "--burst",
        "1",
        "--bare-429",
        "--latency",
        "0.01",
        "--job-duration",
        "60",
    ]
    command += ["--unknown-ids", "404", "--fault-rate", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == f"FakeLlamaCloud listening on {base}"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}{V2}", timeout=5)
        assert refused.value.code == 401
        refused.value.close()
        create = urllib.request.Request(
            f"{base}{V2}",
            data=b'{"file_input": "dfl-1", "configuration": {"data_schema": {}}}',
            headers={"Authorization": "Bearer sekrit", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(create, timeout=5) as response:
            assert b'"status":"PENDING"' in response.read()
        with pytest.raises(urllib.error.HTTPError) as limited:
            urllib.request.urlopen(urllib.request.Request(f"{base}{V2}/x", headers=create.headers), timeout=5)
        assert limited.value.code == 429
        assert limited.value.headers.get("retry-after-ms") is None
        limited.value.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


async def test_a_close_mid_body_on_create_still_creates_and_a_late_answer_arrives(api: Api) -> None:
    api.fake.inject(CloseMidBody(), route="extract-create")
    with pytest.raises(aiohttp.ClientError):
        await api.create("dfl-1")
    assert api.fake.created == 1
    api.fake.inject(AfterProcessing(Delay(0.05)), route="extract-create")
    assert (await api.create("dfl-2"))["status"] == "PENDING"
    assert api.fake.created == 2


def test_the_command_line_on_a_port_in_use_says_so_in_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "llamacloud_async.testing", "--port", str(port)]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert completed.returncode == 1
    assert completed.stderr.startswith(
        f"python -m llamacloud_async.testing: cannot listen on 127.0.0.1:{port}"
    )
    assert "Traceback" not in completed.stderr
