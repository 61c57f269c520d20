from __future__ import annotations

import asyncio
import inspect
import json
import signal
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aioresponses.core as aioresponses_core
import anyio
import pytest
from aiohttp import ClientResponse
from aioresponses import aioresponses

from llamacloud_async import AsyncLlamaCloud
from llamacloud_async.testing import FakeLlamaCloud

FIXTURES = Path(__file__).parent / "fixtures"
BASE_URL = "https://api.test.llamacloud"
API_KEY = "llx-test-secret-key-0123456789"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(name))


class _ClientResponseWithStreamWriter(ClientResponse):
    """aiohttp 3.14 requires ``stream_writer``, which aioresponses 0.7.x does not pass
    (pnuckowski/aioresponses#289); give it an inert one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", SimpleNamespace(output_size=0))
        super().__init__(*args, **kwargs)


@pytest.fixture
def mocked(monkeypatch: pytest.MonkeyPatch) -> Iterator[aioresponses]:
    if "stream_writer" in inspect.signature(ClientResponse.__init__).parameters:
        monkeypatch.setattr(aioresponses_core, "ClientResponse", _ClientResponseWithStreamWriter)
    with aioresponses() as m:
        yield m


@pytest.fixture
async def client() -> AsyncIterator[AsyncLlamaCloud]:
    async with AsyncLlamaCloud(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as c:
        yield c


@pytest.fixture
async def fake() -> AsyncIterator[FakeLlamaCloud]:
    async with FakeLlamaCloud(api_key=API_KEY) as server:
        yield server


@pytest.fixture
async def live_client(fake: FakeLlamaCloud) -> AsyncIterator[AsyncLlamaCloud]:
    async with AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url, max_retries=0) as c:
        yield c


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``condition`` (typically on a FakeLlamaCloud's record) until it holds."""
    with anyio.fail_after(timeout):
        while not condition():  # noqa: ASYNC110 - polling another component's state is the point
            await asyncio.sleep(0.005)


def popen_interruptible(*args: Any, **kwargs: Any) -> subprocess.Popen[Any]:
    """``subprocess.Popen`` whose child takes Ctrl-C (SIGINT) even when the tests run with
    SIGINT ignored, as a background job of a non-interactive shell does: a signal ignored
    here would stay ignored in the child, while one handled here starts at its default."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(*args, **kwargs)
    finally:
        signal.signal(signal.SIGINT, previous)
