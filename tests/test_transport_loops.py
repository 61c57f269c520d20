"""One client, any event loop: successive loops, a loop per test, loops that die uncleanly.

`filterwarnings = error` is on, so an unclosed session, connector or transport that is
collected during a test fails it.
"""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

from llamacloud_async import AsyncLlamaCloud, ClientClosedError
from llamacloud_async.testing import FakeLlamaCloud

from .conftest import API_KEY


@pytest.fixture(scope="module")
def server() -> Iterator[FakeLlamaCloud]:
    with FakeLlamaCloud(api_key=API_KEY).serve_in_thread() as fake:
        yield fake


@pytest.fixture(scope="module")
def shared_client(server: FakeLlamaCloud) -> Iterator[AsyncLlamaCloud]:
    """One client for the whole module, made outside any loop: each test has its own loop."""
    client = AsyncLlamaCloud(api_key=API_KEY, base_url=server.base_url)
    yield client
    asyncio.run(client.close())


async def fetch(client: AsyncLlamaCloud, run_id: str = "run-1") -> str:
    return (await client.extraction.runs.get(run_id)).id


def test_asyncio_run_twice_in_a_row(server: FakeLlamaCloud) -> None:
    client = AsyncLlamaCloud(api_key=API_KEY, base_url=server.base_url)

    assert asyncio.run(fetch(client, "a")) == "a"
    first = client._requests.transport._session
    assert asyncio.run(fetch(client, "b")) == "b"
    second = client._requests.transport._session

    assert first is not None
    assert first.closed  # closed when its loop shut down, on that loop
    assert second is not first
    assert second is not None
    assert second.closed
    asyncio.run(client.close())
    gc.collect()


async def test_a_client_shared_by_tests_works_in_the_first(shared_client: AsyncLlamaCloud) -> None:
    assert await fetch(shared_client, "first") == "first"


async def test_a_client_shared_by_tests_works_in_the_next(shared_client: AsyncLlamaCloud) -> None:
    assert await fetch(shared_client, "next") == "next"
    gc.collect()


def test_a_loop_closed_without_shutting_down_is_left_alone(server: FakeLlamaCloud) -> None:
    client = AsyncLlamaCloud(api_key=API_KEY, base_url=server.base_url)
    loop = asyncio.new_event_loop()
    try:
        assert loop.run_until_complete(fetch(client, "a")) == "a"
    finally:
        loop.close()  # without shutdown_asyncgens: nothing could close the session on it

    assert asyncio.run(fetch(client, "b")) == "b"
    asyncio.run(client.close())
    del loop
    gc.collect()


def test_a_client_closed_after_its_loops_refuses_the_next(server: FakeLlamaCloud) -> None:
    client = AsyncLlamaCloud(api_key=API_KEY, base_url=server.base_url)
    asyncio.run(fetch(client))
    asyncio.run(client.close())

    with pytest.raises(ClientClosedError, match="closed"):
        asyncio.run(fetch(client))


def test_successive_loops_leave_nothing_behind_under_w_error_and_dev_mode() -> None:
    script = textwrap.dedent(
        """
        import asyncio, gc
        from llamacloud_async import AsyncLlamaCloud
        from llamacloud_async.testing import FakeLlamaCloud

        with FakeLlamaCloud().serve_in_thread() as fake:
            client = AsyncLlamaCloud(api_key="k", base_url=fake.base_url)

            async def fetch(run_id):
                return (await client.extraction.runs.get(run_id)).id

            ids = [asyncio.run(fetch(f"run-{i}")) for i in range(3)]
            try:
                import uvloop
            except ImportError:
                ids.append("run-3")
            else:
                ids.append(uvloop.run(fetch("run-3")))
            gc.collect()
        gc.collect()
        print(",".join(ids))
        """
    )
    completed = subprocess.run(
        [sys.executable, "-W", "error", "-X", "dev", "-c", script], capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "run-0,run-1,run-2,run-3"
    assert "Unclosed" not in completed.stderr
    assert "Warning" not in completed.stderr


def test_closing_from_another_loop_while_the_first_is_idle_leaves_nothing_behind() -> None:
    script = textwrap.dedent(
        """
        import asyncio, gc
        from llamacloud_async import AsyncLlamaCloud
        from llamacloud_async.testing import FakeLlamaCloud

        with FakeLlamaCloud().serve_in_thread() as fake:
            client = AsyncLlamaCloud(api_key="k", base_url=fake.base_url)
            loop = asyncio.new_event_loop()
            run = loop.run_until_complete(client.extraction.runs.get("run-1"))
            asyncio.run(client.close())  # the first loop is idle: neither running nor closed
            loop.close()
            del loop
            gc.collect()
        gc.collect()
        print(run.id)
        """
    )
    completed = subprocess.run(
        [sys.executable, "-W", "error", "-X", "dev", "-c", script], capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "run-1"
    assert "Unclosed" not in completed.stderr
    assert "Warning" not in completed.stderr
    assert "Exception ignored" not in completed.stderr


def _gets_in_threads(client: AsyncLlamaCloud, threads: int, calls: int) -> list[BaseException | int]:
    """``calls`` concurrent gets on each of ``threads`` event loops at once; each thread's
    count of jobs read, or what it raised (a ``TimeoutError`` when it stalled)."""
    import threading

    outcomes: list[BaseException | int] = []

    async def many() -> int:
        jobs = await asyncio.wait_for(
            asyncio.gather(*(client.extract.get(f"job-{i}") for i in range(calls))), timeout=20
        )
        return len(jobs)

    def run() -> None:
        try:
            outcomes.append(asyncio.run(many()))
        except BaseException as exc:
            outcomes.append(exc)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    return outcomes


def test_loops_in_two_threads_share_a_throttled_client_without_stalling() -> None:
    with FakeLlamaCloud(api_key=API_KEY, rate_limit=40).serve_in_thread() as fake:
        client = AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url, max_retries=8)

        async def warm_up() -> None:  # until the server's 429s turn the rate limiter on
            calls = (client.extract.get("warm") for _ in range(80))
            await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True), 20)

        asyncio.run(warm_up())
        assert client._requests.limiter.enabled  # pyright: ignore[reportPrivateUsage]
        assert _gets_in_threads(client, threads=3, calls=20) == [20, 20, 20]
        asyncio.run(client.close())
