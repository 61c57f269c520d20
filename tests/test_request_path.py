"""The one request path: any method, a retry decision that sees the Request, retry events."""

from __future__ import annotations

import pytest
from aioresponses import aioresponses

from llamacloud_async import APIConnectionError, AsyncLlamaCloud, InternalServerError, RateLimitError
from llamacloud_async._request import Request
from llamacloud_async._retry import RetryEvent

from .conftest import API_KEY, BASE_URL


@pytest.fixture
async def retrying() -> AsyncLlamaCloud:
    return AsyncLlamaCloud(api_key=API_KEY, base_url=BASE_URL, max_retries=3, retry_backoff=0.001)


async def test_the_transport_sends_any_method_with_its_body_and_headers(
    mocked: aioresponses, retrying: AsyncLlamaCloud
) -> None:
    mocked.delete(f"{BASE_URL}/api/v2/extract/j1", status=200, body=b"{}")
    request = Request(
        "DELETE", "/api/v2/extract/j1", headers={"X-Call": "1"}, body=b'{"a":1}', idempotent=False
    )
    async with retrying:
        reply = await retrying._requests.send(request)
    assert reply.status == 200
    assert reply.request is request
    ((_, calls),) = mocked.requests.items()
    assert calls[0].kwargs["headers"]["X-Call"] == "1"
    assert calls[0].kwargs["data"] == b'{"a":1}'


async def test_a_request_that_is_not_idempotent_is_not_retried_after_a_5xx(
    mocked: aioresponses, retrying: AsyncLlamaCloud
) -> None:
    mocked.post(f"{BASE_URL}/api/v2/extract", status=503, repeat=True)
    async with retrying:
        with pytest.raises(InternalServerError) as caught:
            await retrying._requests.send(Request("POST", "/api/v2/extract", idempotent=False))
    assert caught.value.attempts == 1
    assert caught.value.request is not None
    assert caught.value.request.method == "POST"
    assert sum(len(calls) for calls in mocked.requests.values()) == 1


async def test_a_request_that_is_not_idempotent_is_retried_after_a_429(
    mocked: aioresponses, retrying: AsyncLlamaCloud
) -> None:
    mocked.post(f"{BASE_URL}/api/v2/extract", status=429, headers={"retry-after-ms": "1"}, repeat=True)
    async with retrying:
        with pytest.raises(RateLimitError) as caught:
            await retrying._requests.send(Request("POST", "/api/v2/extract", idempotent=False))
    assert caught.value.attempts == 4


async def test_a_request_that_is_not_idempotent_is_retried_when_the_connection_was_never_made() -> None:
    client = AsyncLlamaCloud(
        api_key=API_KEY, base_url="http://127.0.0.1:9", max_retries=2, retry_backoff=0.001
    )
    async with client:
        with pytest.raises(APIConnectionError) as caught:
            await client._requests.send(Request("POST", "/api/v2/extract", idempotent=False))
    assert caught.value.attempts == 3


async def test_each_retry_is_reported_once_as_an_event(
    mocked: aioresponses, retrying: AsyncLlamaCloud
) -> None:
    url = f"{BASE_URL}/api/v1/extraction/runs/r1"
    mocked.get(url, status=503, headers={"retry-after-ms": "1"})
    mocked.get(url, status=502, headers={"retry-after-ms": "2"})
    mocked.get(url, status=200, body=b"{}")
    events: list[RetryEvent] = []
    retrying._requests.observers.append(events.append)
    async with retrying:
        await retrying._requests.send(Request("GET", "/api/v1/extraction/runs/r1"))
    assert [(e.attempt, e.delay, type(e.error).__name__) for e in events] == [
        (1, 0.001, "InternalServerError"),
        (2, 0.002, "InternalServerError"),
    ]
    assert all(e.request.path == "/api/v1/extraction/runs/r1" and e.url == url for e in events)
    assert retrying._retries.retries == 2
