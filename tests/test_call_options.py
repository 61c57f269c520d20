"""Per-call options (``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``) and
the client's ``default_query``, as the official SDK takes them, over real sockets."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from dataclasses import dataclass

import pytest

from llamacloud_async import APITimeoutError, AsyncLlamaCloud, LlamaCloud, Timeout
from llamacloud_async.testing import Delay, FakeLlamaCloud

from .conftest import API_KEY


@pytest.fixture
async def client(fake: FakeLlamaCloud) -> AsyncLlamaCloud:
    return AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url, max_retries=0)


async def test_extra_headers_and_extra_query_reach_the_server(
    fake: FakeLlamaCloud, client: AsyncLlamaCloud
) -> None:
    await client.extract.get(
        "job-1",
        expand="usage",
        extra_headers={"X-Trace": "abc"},
        extra_query={"debug": True, "tag": ["a", "b c"], "skipped": None},
    )
    (request,) = fake.requests
    assert request.headers["X-Trace"] == "abc"
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.query == [("expand", "usage"), ("debug", "true"), ("tag", "a"), ("tag", "b c")]


async def test_extra_options_apply_to_every_request_of_a_bulk_fetch(
    fake: FakeLlamaCloud, client: AsyncLlamaCloud
) -> None:
    fetch = client.extraction.runs.get_many(
        ["r1", "r2"], extra_headers={"X-Trace": "t"}, extra_query={"q": 1}
    )
    assert [item.ok async for item in fetch] == [True, True]
    assert [(r.headers["X-Trace"], r.query) for r in fake.requests] == [("t", [("q", "1")])] * 2


MALFORMED_EXTRAS = [
    ({"extra_headers": {"Authorization": "Bearer other"}}, "cannot set Authorization"),
    ({"extra_headers": {"X-A": "one\r\nX-B: two"}}, "line break"),
    ({"extra_headers": {"bad name": "v"}}, "invalid header name"),
    ({"extra_query": {"expand": "usage"}}, "already sends"),
    ({"extra_query": {"k": {"nested": 1}}}, "must be a str, number, bool"),
]


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        *MALFORMED_EXTRAS,
        ({"extra_body": {"field": 1}}, "GET request has no body"),
        ({"timeout": -1}, "positive number"),
        ({"timeout": float("inf")}, "None \\(no limit\\)"),
        ({"timeout": float("nan")}, "positive number"),
        ({"timeout": "10"}, "a Timeout or None"),
    ],
)
async def test_malformed_call_options_raise_before_any_request(
    fake: FakeLlamaCloud, client: AsyncLlamaCloud, kwargs: dict[str, object], problem: str
) -> None:
    with pytest.raises((ValueError, TypeError), match=problem):
        await client.extract.get("job-1", expand="usage", **kwargs)  # type: ignore[arg-type]
    assert fake.requests == []


@pytest.mark.parametrize(("kwargs", "problem"), MALFORMED_EXTRAS)
def test_malformed_extras_of_a_bulk_fetch_raise_when_it_is_made(
    fake: FakeLlamaCloud, client: AsyncLlamaCloud, kwargs: dict[str, object], problem: str
) -> None:
    with pytest.raises((ValueError, TypeError), match=problem):
        client.extract.get_many(["job-1"], expand="usage", **kwargs)  # type: ignore[arg-type]
    assert fake.requests == []


async def test_default_query_is_sent_with_every_request_and_a_call_s_own_win(fake: FakeLlamaCloud) -> None:
    client = AsyncLlamaCloud(
        api_key=API_KEY, base_url=fake.base_url, default_query={"project_id": "p-default", "flag": True}
    )
    await client.extraction.runs.get("r1")
    await client.extraction.runs.get("r1", project_id="p-call")
    assert [r.query for r in fake.requests] == [
        [("project_id", "p-default"), ("flag", "true")],
        [("project_id", "p-call"), ("flag", "true")],
    ]
    await client.close()


async def test_with_options_adds_to_default_headers_and_query_and_set_replaces(fake: FakeLlamaCloud) -> None:
    client = AsyncLlamaCloud(
        api_key=API_KEY, base_url=fake.base_url, default_headers={"X-A": "1"}, default_query={"a": "1"}
    )
    added = client.with_options(default_headers={"X-B": "2"}, default_query={"b": "2"})
    replaced = client.copy(set_default_headers={"X-C": "3"}, set_default_query={"c": "3"})
    assert (added.default_headers, added.default_query) == ({"X-A": "1", "X-B": "2"}, {"a": "1", "b": "2"})
    assert (replaced.default_headers, replaced.default_query) == ({"X-C": "3"}, {"c": "3"})
    await replaced.extraction.runs.get("r1")
    (request,) = fake.requests
    assert request.headers["X-C"] == "3"
    assert "X-A" not in request.headers
    assert request.query == [("c", "3")]
    with pytest.raises(ValueError, match="mutually exclusive"):
        client.with_options(default_query={"x": 1}, set_default_query={"y": 2})
    await client.close()


@pytest.mark.parametrize("option", ["timeout", "total_timeout", "max_retry_after", "rate_limit"])
def test_an_infinite_option_is_refused_when_the_client_is_made(option: str) -> None:
    with pytest.raises(ValueError, match=option):
        AsyncLlamaCloud(api_key=API_KEY, **{option: float("inf")})  # type: ignore[arg-type]


def test_default_query_is_checked_when_the_client_is_made() -> None:
    with pytest.raises(TypeError, match="default_query"):
        AsyncLlamaCloud(api_key=API_KEY, default_query={"k": object()})


@dataclass
class HttpxLikeTimeout:
    """The attributes of an ``httpx.Timeout``, without httpx."""

    connect: float | None
    read: float | None
    write: float | None
    pool: float | None


async def test_a_per_phase_timeout_bounds_the_read_of_a_slow_response(
    fake: FakeLlamaCloud, client: AsyncLlamaCloud
) -> None:
    fake.inject(Delay(2.0))
    started = asyncio.get_running_loop().time()
    with pytest.raises(APITimeoutError, match=r"Timeout\(connect=5.0, read=0.2"):
        await client.extract.get("job-1", timeout=HttpxLikeTimeout(connect=5, read=0.2, write=5, pool=5))
    assert asyncio.get_running_loop().time() - started < 1.5


async def test_the_client_timeout_may_be_a_timeout_object(fake: FakeLlamaCloud) -> None:
    fake.inject(Delay(2.0))
    async with AsyncLlamaCloud(
        api_key=API_KEY, base_url=fake.base_url, max_retries=0, timeout=Timeout(10, read=0.2)
    ) as client:
        assert client.timeout == Timeout(connect=10, read=0.2, write=10, pool=10)
        with pytest.raises(APITimeoutError):
            await client.extract.get("job-1")


def test_timeout_is_built_like_httpx_timeout() -> None:
    assert Timeout(10, connect=2) == Timeout(connect=2, read=10, write=10, pool=10)
    assert Timeout(None).read is None
    with pytest.raises(ValueError, match="missing: read, write, pool"):
        Timeout(connect=1)
    with pytest.raises(ValueError, match="connect must be a positive, finite number"):
        Timeout(10, connect=0)
    with pytest.raises(ValueError, match="read must be a positive, finite number"):
        Timeout(10, read=float("inf"))
    with pytest.raises(AttributeError):
        Timeout(1).read = 2  # type: ignore[misc]


def test_the_sync_client_takes_the_same_per_call_options() -> None:
    with FakeLlamaCloud(api_key=API_KEY).serve_in_thread() as server:
        with LlamaCloud(api_key=API_KEY, base_url=server.base_url) as client:
            client.extract.get(
                "job-1", extra_headers={"X-Trace": "s"}, extra_query={"q": "1"}, timeout=Timeout(5)
            )
        (request,) = server.requests
        assert (request.headers["X-Trace"], request.query) == ("s", [("q", "1")])


def test_api_key_falls_back_to_llama_parse_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LLAMA_CLOUD_API_KEY", raising=False)
    monkeypatch.setenv("LLAMA_PARSE_API_KEY", "llx-parse-key")
    assert AsyncLlamaCloud().api_key == "llx-parse-key"


def test_llama_cloud_custom_headers_are_default_headers_the_constructor_overrides(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LLAMA_CLOUD_CUSTOM_HEADERS", "X-Team: research\nnot a header\r\nX-Run :  7 \r\n")
    with FakeLlamaCloud(api_key=API_KEY).serve_in_thread() as server:
        with LlamaCloud(api_key=API_KEY, base_url=server.base_url, default_headers={"X-Run": "8"}) as client:
            client.extract.get("job-1")
        (request,) = server.requests
        assert (request.headers["X-Team"], request.headers["X-Run"]) == ("research", "8")


@pytest.mark.parametrize(
    ("value", "level"), [("debug", logging.DEBUG), ("info", logging.INFO), ("", logging.NOTSET)]
)
def test_llama_cloud_log_sets_the_package_log_level(value: str, level: int) -> None:
    code = "import logging, llamacloud_async; print(logging.getLogger('llamacloud_async').level)"
    env = {**os.environ, "LLAMA_CLOUD_LOG": value}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert int(out.stdout) == level


async def test_lifecycle_calls_take_extras_on_every_request_they_make(fake: FakeLlamaCloud) -> None:
    async with AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url, max_retries=0) as client:
        extras = {"extra_headers": {"X-Trace": "life"}, "extra_query": {"tag": "t"}}
        job = await client.extract.create(
            file_input="dfl-extras",
            configuration={"data_schema": {"type": "object", "properties": {"n": {"type": "string"}}}},
            extra_body={"webhook_configurations": []},
            **extras,
        )
        await client.extract.wait_for_completion(job.id, polling_interval=0.01, **extras)
        assert [item.id async for item in client.extract.list(page_size=1, **extras)]
    lifecycle = [r for r in fake.requests if r.path.startswith("/api/v2/extract")]
    assert [r.method for r in lifecycle][:2] == ["POST", "GET"]  # the create, then a poll
    assert lifecycle[-1].path == "/api/v2/extract"  # a page of the list
    assert all(r.headers.get("X-Trace") == "life" and ("tag", "t") in r.query for r in lifecycle)


async def test_extra_body_is_merged_into_a_create_s_json_body() -> None:
    from llamacloud_async._request import Request

    request = Request("POST", "/x", body=b'{"a":1}').with_extras(None, None, {"b": [2]})
    assert request.body == b'{"a":1,"b":[2]}'
    empty = Request("POST", "/x").with_extras(None, None, {"b": 2})
    assert (empty.body, (empty.headers or {})["Content-Type"]) == (b'{"b":2}', "application/json")
    with pytest.raises(TypeError, match="extra_body cannot be encoded"):
        Request("POST", "/x").with_extras(None, None, {"b": object()})


async def test_extra_body_on_a_read_is_refused_before_any_request(
    fake: FakeLlamaCloud, client: AsyncLlamaCloud
) -> None:
    with pytest.raises(ValueError, match="GET request has no body"):
        client.extract.list(extra_body={"x": 1})
    with pytest.raises(ValueError, match="GET request has no body"):
        await client.extract.wait_for_completion("job-1", extra_body={"x": 1})
    assert fake.requests == []
