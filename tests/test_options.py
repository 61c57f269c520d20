"""Client options: declared once, readable on both clients, and never silently ignored."""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import pytest

from llamacloud_async import AsyncLlamaCloud, LlamaCloud
from llamacloud_async._config import OPTION_NAMES
from llamacloud_async.testing import FakeLlamaCloud, Status

from .conftest import API_KEY


def keyword_names(function: object) -> list[str]:
    return [p.name for p in inspect.signature(function).parameters.values() if p.kind is p.KEYWORD_ONLY]  # type: ignore[arg-type]


@pytest.mark.parametrize("function", [AsyncLlamaCloud.__init__, LlamaCloud.__init__])
def test_every_constructor_takes_exactly_the_declared_options(function: object) -> None:
    assert keyword_names(function) == list(OPTION_NAMES)


@pytest.mark.parametrize("function", [AsyncLlamaCloud.with_options, LlamaCloud.with_options])
def test_with_options_takes_every_option_and_the_official_set_variants(function: object) -> None:
    names = list(OPTION_NAMES)
    for name in ("default_query", "default_headers"):
        names.insert(names.index(name) + 1, f"set_{name}")
    assert keyword_names(function) == names


def test_defaults_of_the_constructors_match() -> None:
    async_params = inspect.signature(AsyncLlamaCloud.__init__).parameters
    sync_params = inspect.signature(LlamaCloud.__init__).parameters
    assert {n: p.default for n, p in async_params.items() if n != "self"} == {
        n: p.default for n, p in sync_params.items() if n != "self"
    }


@pytest.fixture
def sync_fake() -> Iterator[FakeLlamaCloud]:
    with FakeLlamaCloud(api_key=API_KEY).serve_in_thread() as server:
        yield server


@pytest.mark.parametrize("kind", ["async", "sync"])
def test_every_option_is_readable_on_both_clients(kind: str) -> None:
    cls = AsyncLlamaCloud if kind == "async" else LlamaCloud
    client = cls(api_key=API_KEY, base_url="http://127.0.0.1:9", max_retries=4, timeout=7, max_connections=3)
    assert client.api_key == API_KEY
    assert client.base_url == "http://127.0.0.1:9"
    assert (client.max_retries, client.timeout, client.max_connections) == (4, 7.0, 3)
    assert client.total_timeout is None
    view = client.with_options(max_retries=1)
    assert (view.max_retries, view.timeout, client.max_retries) == (1, 7.0, 4)
    assert API_KEY not in repr(client)
    if isinstance(client, LlamaCloud):
        client.close()


async def test_max_retries_set_after_construction_takes_effect(fake: FakeLlamaCloud) -> None:
    fake.inject(Status(503, headers={"retry-after-ms": "1"}), times=4)
    async with AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url, max_retries=2) as client:
        client.max_retries = 5
        run = await client.extraction.runs.get("run-1")
    assert run.id == "run-1"
    assert len(fake.requests) == 5


async def test_retry_on_conflict_set_after_construction_takes_effect(fake: FakeLlamaCloud) -> None:
    fake.inject(Status(409), times=1)
    async with AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url, retry_backoff=0.01) as client:
        client.retry_on_conflict = True
        await client.extraction.runs.get("run-1")
    assert len(fake.requests) == 2


async def test_an_invalid_value_set_after_construction_raises_and_changes_nothing() -> None:
    client = AsyncLlamaCloud(api_key=API_KEY, base_url="http://127.0.0.1:9")
    with pytest.raises(ValueError, match="max_retries"):
        client.max_retries = -1
    assert client.max_retries == 2


@pytest.mark.parametrize("name", ["api_key", "default_headers", "max_connections"])
def test_session_options_cannot_be_assigned_but_with_options_takes_them(name: str) -> None:
    client = AsyncLlamaCloud(api_key=API_KEY, base_url="http://127.0.0.1:9")
    value = {"api_key": "other", "default_headers": {"X-A": "1"}, "max_connections": 5}[name]
    with pytest.raises(AttributeError, match="with_options"):
        setattr(client, name, value)
    assert getattr(client.with_options(**{name: value}), name) == value


async def test_a_view_with_another_key_sends_it_and_the_client_keeps_its_own() -> None:
    async with FakeLlamaCloud() as fake, AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url) as client:
        other = client.with_options(api_key="other-key", default_headers={"X-Team": "a"})
        await other.extraction.runs.get("run-1")
        await client.extraction.runs.get("run-2")
    first, second = fake.requests
    assert first.headers["Authorization"] == "Bearer other-key"
    assert first.headers["X-Team"] == "a"
    assert second.headers["Authorization"] == f"Bearer {API_KEY}"
    assert "X-Team" not in second.headers


async def test_closing_a_client_closes_the_sessions_of_its_views(fake: FakeLlamaCloud) -> None:
    client = AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url)
    view = client.with_options(max_connections=2)
    await view.extraction.runs.get("run-1")
    await client.close()  # filterwarnings=error: an unclosed session of the view would fail here
    with pytest.raises(RuntimeError, match="closed"):
        await view.extraction.runs.get("run-1")


async def test_a_view_with_another_base_url_shares_the_session(fake: FakeLlamaCloud) -> None:
    async with (
        FakeLlamaCloud(api_key=API_KEY) as second,
        AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url) as client,
    ):
        view = client.with_options(base_url=second.base_url)
        await view.extraction.runs.get("run-1")
        assert view._requests.transport is client._requests.transport
    assert len(second.requests) == 1
    assert not fake.requests


def test_with_options_validates_what_it_is_given() -> None:
    client = AsyncLlamaCloud(api_key=API_KEY, base_url="http://127.0.0.1:9")
    with pytest.raises(ValueError, match="base_url"):
        client.with_options(base_url="ftp://example.com")
    with pytest.raises(ValueError, match="timeout"):
        client.copy(timeout=-1)
