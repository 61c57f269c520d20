"""Each endpoint: the request it sends and the model it returns."""

from __future__ import annotations

from datetime import timezone

import pytest
from aioresponses import aioresponses
from yarl import URL

from llamacloud_async import AsyncAPIResponse, AsyncLlamaCloud
from llamacloud_async.types import ExtractRun, ExtractV2Job, JobGetResultResponse

from .conftest import BASE_URL, fixture_bytes


def sent_urls(mocked: aioresponses) -> list[URL]:
    return [url for (_method, url), calls in mocked.requests.items() for _ in calls]


async def test_extract_get_decodes_job_and_sends_repeated_expand(
    client: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    url = f"{BASE_URL}/api/v2/extract/ext-1?expand=configuration&expand=extract_metadata&project_id=p%201"
    mocked.get(url, body=fixture_bytes("extract_v2_job_file_input.json"))

    job = await client.extract.get("ext-1", expand=["configuration", "extract_metadata"], project_id="p 1")

    assert isinstance(job, ExtractV2Job)
    assert job.id == "ext-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    assert job.status == "COMPLETED"
    assert job.file_input == "dfl-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    assert job.created_at.tzinfo is not None
    assert job.configuration is not None
    assert job.configuration.max_pages == 10
    assert job.configuration.tier == "cost_effective"
    assert job.extract_metadata is not None
    assert job.extract_metadata.field_metadata is not None
    assert job.extract_metadata.field_metadata.row_metadata == [{"foo": {"foo": "bar"}}]
    assert job.metadata is not None
    assert job.metadata.usage is not None
    assert job.metadata.usage.num_pages_extracted == 0
    assert [u.query.getall("expand") for u in sent_urls(mocked)] == [["configuration", "extract_metadata"]]


async def test_extract_get_decodes_the_parameters_shape(
    client: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    mocked.get(f"{BASE_URL}/api/v2/extract/id", body=fixture_bytes("extract_v2_job_parameters.json"))

    job = await client.extract.get("id")

    assert (job.type, job.value, job.parameters) == ("url", "value", {"foo": {"foo": "bar"}})
    assert job.file_input is None
    assert job.extract_metadata is not None
    assert job.extract_metadata.usage is not None
    assert job.extract_metadata.usage.num_document_tokens == 0


async def test_expand_accepts_a_single_string(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    mocked.get(
        f"{BASE_URL}/api/v2/extract/id?expand=usage", body=fixture_bytes("extract_v2_job_parameters.json")
    )

    await client.extract.get("id", expand="usage")

    assert sent_urls(mocked)[0].query.getall("expand") == ["usage"]


async def test_jobs_get_result(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    mocked.get(
        f"{BASE_URL}/api/v1/extraction/jobs/job-1/result?organization_id=org&project_id=prj",
        body=fixture_bytes("extraction_job_result.json"),
    )

    result = await client.extraction.jobs.get_result("job-1", organization_id="org", project_id="prj")

    assert isinstance(result, JobGetResultResponse)
    assert result.run_id == "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"
    assert result.data == {"foo": {"foo": "bar"}}


async def test_runs_get(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    mocked.get(f"{BASE_URL}/api/v1/extraction/runs/run-1", body=fixture_bytes("extraction_run.json"))

    run = await client.extraction.runs.get("run-1")

    assert isinstance(run, ExtractRun)
    assert run.status == "CREATED"
    assert run.config.extract_model == "openai-gpt-4-1"
    assert run.config.num_pages_context == 1
    assert run.file is not None
    assert run.file.file_size == 0
    assert run.file.expires_at is not None
    assert run.file.expires_at.tzinfo == timezone.utc


async def test_runs_get_by_job(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    mocked.get(
        f"{BASE_URL}/api/v1/extraction/runs/by-job/job-9?project_id=prj",
        body=fixture_bytes("extraction_run.json"),
    )

    run = await client.extraction.runs.get_by_job("job-9", project_id="prj")

    assert run.job_id == "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"
    assert [str(u) for u in sent_urls(mocked)] == [
        f"{BASE_URL}/api/v1/extraction/runs/by-job/job-9?project_id=prj"
    ]


async def test_no_query_string_without_parameters(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    mocked.get(f"{BASE_URL}/api/v1/extraction/runs/r", body=fixture_bytes("extraction_run.json"))

    await client.extraction.runs.get("r")

    assert sent_urls(mocked)[0].query_string == ""


@pytest.mark.parametrize(
    ("raw_id", "segment"),
    [
        ("a b", "a%20b"),
        ("ü-id", "%C3%BC-id"),
        ("100%", "100%25"),
        (".hidden", ".hidden"),
        ("a;b=c", "a%3Bb%3Dc"),
    ],
)
async def test_ids_are_encoded_as_one_segment(
    client: AsyncLlamaCloud, mocked: aioresponses, raw_id: str, segment: str
) -> None:
    mocked.get(
        URL(f"{BASE_URL}/api/v1/extraction/runs/{segment}", encoded=True),
        body=fixture_bytes("extraction_run.json"),
    )

    await client.extraction.runs.get(raw_id)

    (sent,) = sent_urls(mocked)
    assert sent.raw_path == f"/api/v1/extraction/runs/{segment}"
    assert sent.path.rsplit("/", 1)[1] == raw_id


async def test_raw_response_gives_status_headers_bytes_and_parse(
    client: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    body = fixture_bytes("extraction_run.json")
    mocked.get(f"{BASE_URL}/api/v1/extraction/runs/r", body=body, headers={"x-request-id": "req-7"})

    raw = await client.extraction.runs.with_raw_response.get("r")

    assert isinstance(raw, AsyncAPIResponse)
    assert raw.status_code == 200
    assert raw.request_id == "req-7"
    assert raw.headers["X-Request-Id"] == "req-7"
    assert raw.content == body
    assert (await raw.parse()).id == "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"


async def test_every_resource_has_raw_access(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    mocked.get(f"{BASE_URL}/api/v2/extract/e", body=fixture_bytes("extract_v2_job_parameters.json"))
    mocked.get(
        f"{BASE_URL}/api/v1/extraction/jobs/j/result", body=fixture_bytes("extraction_job_result.json")
    )
    mocked.get(f"{BASE_URL}/api/v1/extraction/runs/by-job/j", body=fixture_bytes("extraction_run.json"))

    job = await (await client.extract.with_raw_response.get("e")).parse()
    result = await (await client.extraction.jobs.with_raw_response.get_result("j")).parse()
    run = await (await client.extraction.runs.with_raw_response.get_by_job("j")).parse()

    assert (type(job), type(result), type(run)) == (ExtractV2Job, JobGetResultResponse, ExtractRun)
