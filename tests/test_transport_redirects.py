"""Redirects: followed within the request's origin for a few hops; never to another origin."""

from __future__ import annotations

import pytest
from yarl import URL

from llamacloud_async import APIConnectionError, APIStatusError, AsyncLlamaCloud, RedirectError
from llamacloud_async._request import Request
from llamacloud_async._transport import MAX_REDIRECTS, Transport
from llamacloud_async.testing import FakeLlamaCloud, Redirect

from .conftest import API_KEY, fixture_bytes
from .rawhttp import RawRequest, RawServer, http

RUN = fixture_bytes("extraction_run.json")


def moved_once(request: RawRequest) -> bytes:
    if request.path == "/api/v1/extraction/runs/old":
        return http(301, {"Location": "/api/v1/extraction/runs/run-1"})
    return http(200, {"Content-Type": "application/json"}, RUN)


async def test_a_redirect_within_the_origin_is_followed_with_the_key() -> None:
    async with (
        RawServer(moved_once) as server,
        AsyncLlamaCloud(api_key=API_KEY, base_url=server.url, max_retries=0) as client,
    ):
        run = await client.extraction.runs.get("old")
    assert run.id
    assert [r.path for r in server.requests] == [
        "/api/v1/extraction/runs/old",
        "/api/v1/extraction/runs/run-1",
    ]
    assert server.requests[1].header_lines("Authorization") == [f"Bearer {API_KEY}"]


async def test_a_redirect_to_another_origin_is_not_followed_and_names_it(fake: FakeLlamaCloud) -> None:
    async with FakeLlamaCloud() as other:
        fake.inject(Redirect(f"{other.base_url}/api/v1/extraction/runs/run-1"), times=None)
        async with AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url, max_retries=0) as client:
            with pytest.raises(RedirectError) as caught:
                await client.extraction.runs.get("run-1")
        assert not other.requests  # nothing, let alone the key, went to the other origin
    assert isinstance(caught.value, APIConnectionError)
    assert other.base_url in str(caught.value)
    assert caught.value.location == f"{other.base_url}/api/v1/extraction/runs/run-1"


async def test_a_refused_redirect_is_not_retried(fake: FakeLlamaCloud) -> None:
    async with FakeLlamaCloud() as other:
        fake.inject(Redirect(f"{other.base_url}/api/v1/extraction/runs/run-1"), times=None)
        async with AsyncLlamaCloud(
            api_key=API_KEY, base_url=fake.base_url, max_retries=3, retry_backoff=0.01
        ) as client:
            with pytest.raises(RedirectError) as caught:
                await client.extraction.runs.get("run-1")
    assert caught.value.attempts == 1
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    "location",
    ["https://127.0.0.1:{port}/x", "http://localhost:{port}/x", "http://127.0.0.1:1/x", "//127.0.0.2:9/x"],
    ids=["another scheme", "another host name", "another port", "scheme-relative"],
)
async def test_any_change_of_scheme_host_or_port_is_another_origin(location: str) -> None:
    async with (
        RawServer(lambda r: http(302, {"Location": location.format(port=r.port)})) as server,
        AsyncLlamaCloud(api_key=API_KEY, base_url=server.url, max_retries=0) as client,
    ):
        with pytest.raises(RedirectError, match="another origin"):
            await client.extraction.runs.get("run-1")
    assert len(server.requests) == 1


async def test_more_than_a_few_hops_is_an_error() -> None:
    async with (
        RawServer(lambda r: http(302, {"Location": f"{r.path}x"})) as server,
        AsyncLlamaCloud(api_key=API_KEY, base_url=server.url, max_retries=0) as client,
    ):
        with pytest.raises(RedirectError, match=f"more than {MAX_REDIRECTS} times"):
            await client.extraction.runs.get("run-1")
    assert len(server.requests) == MAX_REDIRECTS + 1


async def test_a_3xx_without_location_is_a_status_error() -> None:
    async with (
        RawServer(lambda r: http(304)) as server,
        AsyncLlamaCloud(api_key=API_KEY, base_url=server.url, max_retries=0) as client,
    ):
        with pytest.raises(APIStatusError) as caught:
            await client.extraction.runs.get("run-1")
    assert caught.value.status_code == 304


@pytest.mark.parametrize(("status", "method"), [(303, "GET"), (302, "GET"), (307, "POST"), (308, "POST")])
async def test_the_method_after_a_redirect_follows_http(status: int, method: str) -> None:
    def respond(request: RawRequest) -> bytes:
        if request.path == "/start":
            return http(status, {"Location": "/next"})
        return http(200, {}, b"{}")

    async with RawServer(respond) as server:
        transport = Transport({"Authorization": f"Bearer {API_KEY}"}, max_connections=1)
        request = Request("POST", "/start", body=b'{"a": 1}', idempotent=False)
        reply = await transport.send(request, URL(f"{server.url}/start"), 5.0, 1000)
        await transport.close()

    assert reply.status == 200
    assert reply.url == f"{server.url}/start"
    followed = server.requests[1]
    assert followed.line.startswith(f"{method} /next ")
    assert followed.body == (b'{"a": 1}' if method == "POST" else b"")
