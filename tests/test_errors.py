"""Error statuses, transport failures and malformed bodies map to typed exceptions."""

from __future__ import annotations

import aiohttp
import pytest
from aioresponses import aioresponses

from llamacloud_async import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncLlamaCloud,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    LlamaCloudError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)

from .conftest import BASE_URL, fixture_json

RUN_URL = f"{BASE_URL}/api/v1/extraction/runs/r"


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (418, APIStatusError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
        (599, InternalServerError),
    ],
)
async def test_status_maps_to_error_class(
    client: AsyncLlamaCloud, mocked: aioresponses, status: int, error_class: type[APIStatusError]
) -> None:
    mocked.get(RUN_URL, status=status, payload={"detail": "nope"}, headers={"x-request-id": "req-42"})

    with pytest.raises(error_class) as caught:
        await client.extraction.runs.get("r")

    error = caught.value
    assert type(error) is error_class
    assert isinstance(error, APIError)
    assert isinstance(error, LlamaCloudError)
    assert error.status_code == status
    assert error.request_id == "req-42"
    assert error.detail == "nope"
    assert error.body == '{"detail": "nope"}'
    assert error.url == RUN_URL
    assert f"returned {status}" in str(error)
    assert "req-42" in str(error)
    assert "nope" in str(error)


async def test_error_body_excerpt_is_bounded(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    mocked.get(RUN_URL, status=502, body="<html>" + "x" * 100_000 + "</html>", content_type="text/html")

    with pytest.raises(InternalServerError) as caught:
        await client.extraction.runs.get("r")

    assert caught.value.detail is None
    assert caught.value.body.startswith("<html>xxx")
    assert len(caught.value.body) <= 501
    assert len(str(caught.value)) < 1000


async def test_structured_detail_is_parsed(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    detail = [{"loc": ["query", "project_id"], "msg": "bad uuid", "type": "value_error"}]
    mocked.get(RUN_URL, status=422, payload={"detail": detail})

    with pytest.raises(UnprocessableEntityError) as caught:
        await client.extraction.runs.get("r")

    assert caught.value.detail == detail


async def test_connection_failure_is_api_connection_error(
    client: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    mocked.get(RUN_URL, exception=aiohttp.ServerDisconnectedError())

    with pytest.raises(APIConnectionError) as caught:
        await client.extraction.runs.get("r")

    assert not isinstance(caught.value, APITimeoutError)
    assert "ServerDisconnectedError" in str(caught.value)
    assert isinstance(caught.value.__cause__, aiohttp.ServerDisconnectedError)


async def test_timeout_is_api_timeout_error(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    mocked.get(RUN_URL, exception=TimeoutError())

    with pytest.raises(APITimeoutError, match="timed out"):
        await client.extraction.runs.get("r")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"<html><body>Gateway</body></html>", "not valid JSON"),
        (b"null", "does not match ExtractRun"),
        (b'"a string"', "does not match ExtractRun"),
        (b"[]", "does not match ExtractRun"),
        (b'{"id": "r", "config": {}', "not valid JSON"),
        (b"", "not valid JSON"),
    ],
)
async def test_malformed_200_body_raises_validation_error(
    client: AsyncLlamaCloud, mocked: aioresponses, body: bytes, problem: str
) -> None:
    mocked.get(RUN_URL, body=body, headers={"x-request-id": "req-9"})

    with pytest.raises(APIResponseValidationError) as caught:
        await client.extraction.runs.get("r")

    error = caught.value
    assert problem in str(error)
    assert error.status_code == 200
    assert error.request_id == "req-9"
    assert error.body == body.decode()
    assert "returned 200" in str(error)


async def test_missing_required_field_names_its_path(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    run = fixture_json("extraction_run.json")
    del run["config"]
    mocked.get(RUN_URL, payload=run)

    with pytest.raises(APIResponseValidationError, match=r"missing required field `config`"):
        await client.extraction.runs.get("r")


async def test_wrong_type_names_the_nested_path(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    run = fixture_json("extraction_run.json")
    run["file"]["file_size"] = "large"
    mocked.get(RUN_URL, payload=run)

    with pytest.raises(APIResponseValidationError, match=r"\$\.file\.file_size"):
        await client.extraction.runs.get("r")


async def test_raw_response_still_raises_for_error_status(
    client: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    mocked.get(RUN_URL, status=404, payload={"detail": "Run not found"})

    with pytest.raises(NotFoundError):
        await client.extraction.runs.with_raw_response.get("r")


async def test_raw_parse_raises_validation_error(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    mocked.get(RUN_URL, body=b"null")

    raw = await client.extraction.runs.with_raw_response.get("r")

    assert raw.content == b"null"
    with pytest.raises(APIResponseValidationError):
        raw.parse()


async def test_oversized_body_error_keeps_a_plain_request_id_header(mocked: aioresponses) -> None:
    mocked.get(RUN_URL, body=b"x" * 100, headers={"request-id": "req-plain"})
    async with AsyncLlamaCloud(api_key="k", base_url=BASE_URL, max_response_size=10, max_retries=0) as client:
        with pytest.raises(APIResponseValidationError, match="max_response_size") as caught:
            await client.extraction.runs.get("r")
    assert caught.value.request_id == "req-plain"
