"""Error statuses, transport failures and malformed bodies map to typed exceptions."""

from __future__ import annotations

import aiohttp
import msgspec
import pytest
from aioresponses import aioresponses
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from llamacloud_async import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncLlamaCloud,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConflictError,
    InternalServerError,
    LlamaCloud,
    LlamaCloudError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from llamacloud_async.testing import FakeLlamaCloud, Status

from .conftest import API_KEY, BASE_URL, fixture_json
from .rawhttp import RawServer, http

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
    assert error.body == {"detail": "nope"}
    assert error.body_excerpt == '{"detail": "nope"}'
    assert error.response.status_code == status
    assert error.response.content == b'{"detail": "nope"}'
    assert error.response.request_id == "req-42"
    assert error.response.url == RUN_URL
    assert error.url == RUN_URL
    assert f"returned {status}" in str(error)
    assert "req-42" in str(error)
    assert "nope" in str(error)


async def test_error_body_excerpt_is_bounded(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    mocked.get(RUN_URL, status=502, body="<html>" + "x" * 100_000 + "</html>", content_type="text/html")

    with pytest.raises(InternalServerError) as caught:
        await client.extraction.runs.get("r")

    assert caught.value.detail is None
    assert caught.value.body_excerpt.startswith("xxx")
    assert len(caught.value.body_excerpt) <= 300
    assert len(str(caught.value)) < 500
    assert caught.value.body == "<html>" + "x" * 100_000 + "</html>"


async def test_a_text_error_body_is_the_stripped_text(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    mocked.get(RUN_URL, status=500, body="  bad thing\n", content_type="text/plain")

    with pytest.raises(InternalServerError) as caught:
        await client.extraction.runs.get("r")

    assert caught.value.body == "bad thing"
    assert caught.value.response.text == "  bad thing\n"
    assert repr(caught.value.response) == f"<Response [500] {RUN_URL}>"


async def test_deeply_nested_json_detail_is_none_not_a_recursion_error() -> None:
    nested = b"[" * 100_000 + b"]" * 100_000
    async with (
        RawServer(
            lambda _: http(400, {"Content-Type": "application/json"}, b'{"detail": ' + nested + b"}")
        ) as server,
        AsyncLlamaCloud(api_key="k", base_url=server.url, max_retries=0) as client,
    ):
        with pytest.raises(BadRequestError) as caught:
            await client.extraction.runs.get("r")

    assert caught.value.detail is None
    assert isinstance(caught.value.body, str)
    assert caught.value.body.startswith('{"detail": [[[')


async def test_deeply_nested_json_in_a_2xx_body_is_a_validation_error() -> None:
    run = fixture_json("extraction_run.json")
    run["data"] = {"deep": "HERE"}
    nested = msgspec.json.encode(run).replace(b'"HERE"', b'{"a":' * 100_000 + b"1" + b"}" * 100_000)
    async with (
        RawServer(lambda _: http(200, {"Content-Type": "application/json"}, nested)) as server,
        AsyncLlamaCloud(api_key="k", base_url=server.url, max_retries=0) as client,
    ):
        with pytest.raises(APIResponseValidationError, match="nested too deeply") as caught:
            await client.extraction.runs.get("r")

    assert isinstance(caught.value.body, str)


async def test_a_404_with_a_non_api_body_asks_whether_base_url_is_right() -> None:
    async with FakeLlamaCloud() as fake:
        base_url = f"{fake.base_url}/api/v1"
        async with AsyncLlamaCloud(api_key="k", base_url=base_url, max_retries=0) as client:
            with pytest.raises(NotFoundError) as caught:
                await client.extraction.runs.get("run-1")
    message = str(caught.value)
    assert message.startswith(f"GET {base_url}/api/v1/extraction/runs/run-1 returned 404 with a non-API body")
    assert f"is base_url right? (it is {base_url})" in message
    assert message.endswith("body: 404: Not Found")
    assert caught.value.detail is None


async def test_a_404_from_the_api_itself_gives_no_base_url_hint(
    client: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    mocked.get(RUN_URL, status=404, payload={"detail": "Run not found"})

    with pytest.raises(NotFoundError) as caught:
        await client.extraction.runs.get("r")

    assert "base_url" not in str(caught.value)
    assert str(caught.value).endswith('returned 404: {"detail": "Run not found"}')


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
    assert caught.value.__context__ is None


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
    assert error.response.content == body
    assert error.body == (
        msgspec.json.decode(body) if problem.startswith("does not match") else body.decode()
    )
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
        await raw.parse()


async def test_oversized_body_error_keeps_a_plain_request_id_header(mocked: aioresponses) -> None:
    mocked.get(RUN_URL, body=b"x" * 100, headers={"request-id": "req-plain"})
    async with AsyncLlamaCloud(api_key="k", base_url=BASE_URL, max_response_size=10, max_retries=0) as client:
        with pytest.raises(APIResponseValidationError, match="max_response_size") as caught:
            await client.extraction.runs.get("r")
    assert caught.value.request_id == "req-plain"


async def test_a_response_error_keeps_no_request_headers_in_its_cause(mocked: aioresponses) -> None:
    secret = "llx-cause-chain-secret-99"
    info = aiohttp.RequestInfo(
        URL(RUN_URL), "GET", CIMultiDictProxy(CIMultiDict(Authorization=f"Bearer {secret}")), URL(RUN_URL)
    )
    mocked.get(RUN_URL, exception=aiohttp.TooManyRedirects(info, (), status=302, message="loop"))
    async with AsyncLlamaCloud(api_key=secret, base_url=BASE_URL, max_retries=0) as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.extraction.runs.get("r")

    cause = caught.value.__cause__
    assert isinstance(cause, aiohttp.TooManyRedirects)
    assert secret not in repr(cause)
    assert not cause.request_info.headers
    assert "TooManyRedirects: 302, loop" in str(caught.value)


def test_an_error_message_is_escaped_and_bounded() -> None:
    error = APIConnectionError("bad \x1b[31m\u202e" + "x" * 2000, method="GET", url="u")
    assert str(error).startswith("bad \\x1b[31m\\u202e")
    assert len(str(error)) <= 480
    assert str(error).endswith("…")


def test_a_closed_client_error_is_also_a_runtime_error() -> None:
    assert issubclass(ClientClosedError, LlamaCloudError)
    assert issubclass(ClientClosedError, RuntimeError)


# --- the official error surface: body, response, request -----------------------------------


async def test_body_is_the_decoded_json_and_response_a_small_value(
    live_client: AsyncLlamaCloud, fake: FakeLlamaCloud
) -> None:
    fake.inject(Status(404), route="extract", times=1)
    with pytest.raises(NotFoundError) as caught:
        await live_client.extract.get("missing", expand="usage")
    error = caught.value

    assert isinstance(error.body, dict)
    assert "detail" in error.body
    response = error.response
    assert response.status_code == 404
    assert response.json() == error.body
    assert response.text == response.content.decode()
    assert response.headers["content-type"].startswith("application/json")
    assert response.request is not None
    assert response.request.method == "GET"


async def test_request_gives_method_and_url(live_client: AsyncLlamaCloud, fake: FakeLlamaCloud) -> None:
    fake.inject(Status(500), route="run", times=1)
    with pytest.raises(InternalServerError) as caught:
        await live_client.extraction.runs.get("run-1", project_id="p")

    request = caught.value.request
    assert request.method == "GET"
    assert request.url == f"{fake.base_url}/api/v1/extraction/runs/run-1?project_id=p"
    assert request.content == b""
    assert API_KEY not in repr(request)
    assert not hasattr(request, "headers")


async def test_a_text_body_is_text_and_json_of_it_raises(
    client: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    mocked.get(RUN_URL, status=502, body=b"  bad gateway \n")
    with pytest.raises(InternalServerError) as caught:
        await client.extraction.runs.get("r")
    assert caught.value.body == "bad gateway"
    with pytest.raises(msgspec.DecodeError):
        caught.value.response.json()


async def test_a_connection_error_has_a_request_and_no_body() -> None:
    async with AsyncLlamaCloud(api_key=API_KEY, base_url="http://127.0.0.1:1", max_retries=0) as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.extraction.runs.get("r")
    assert caught.value.body is None
    assert caught.value.request.url == "http://127.0.0.1:1/api/v1/extraction/runs/r"
    assert not hasattr(caught.value, "response")


async def test_the_echoed_key_is_redacted_in_body_but_not_in_response_bytes(
    client: AsyncLlamaCloud, mocked: aioresponses
) -> None:
    mocked.get(RUN_URL, status=401, payload={"detail": f"bad key {API_KEY}"})
    with pytest.raises(AuthenticationError) as caught:
        await client.extraction.runs.get("r")
    error = caught.value
    assert API_KEY not in str(error)
    assert API_KEY not in repr(error.body)
    assert API_KEY in error.response.text  # the bytes as received, read on purpose


def test_sync_errors_carry_the_same_surface() -> None:
    with FakeLlamaCloud(api_key=API_KEY).serve_in_thread() as fake:
        fake.inject(Status(422), route="extract", times=1)
        with (
            LlamaCloud(api_key=API_KEY, base_url=fake.base_url, max_retries=0) as client,
            pytest.raises(UnprocessableEntityError) as caught,
        ):
            client.extract.get("ext-1")
    error = caught.value
    assert isinstance(error.body, dict)
    assert error.response.status_code == 422
    assert error.request.method == "GET"
    assert error.request.url.endswith("/api/v2/extract/ext-1")
