"""Client behaviour over real sockets: headers, session lifecycle, event loops, secrets."""

from __future__ import annotations

import asyncio
import gc
import socket
import threading

import pytest

from llamacloud_async import AsyncLlamaCloud, AuthenticationError, ClientClosedError, __version__
from llamacloud_async.testing import FakeLlamaCloud

from .conftest import API_KEY


async def test_sends_bearer_key_user_agent_and_accept(
    live_client: AsyncLlamaCloud, fake: FakeLlamaCloud
) -> None:
    await live_client.extraction.runs.get("run-1")

    (request,) = fake.requests
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.headers["User-Agent"].startswith(f"llamacloud-async/{__version__} ")
    assert request.headers["Accept"] == "application/json"


async def test_default_headers_are_sent_but_cannot_replace_the_key(fake: FakeLlamaCloud) -> None:
    headers = {"X-Team": "billing", "Authorization": "Bearer other"}
    async with AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url, default_headers=headers) as client:
        await client.extract.get("job-1")

    assert fake.requests[0].headers["X-Team"] == "billing"
    assert fake.requests[0].headers["Authorization"] == f"Bearer {API_KEY}"


async def test_wrong_key_is_authentication_error(fake: FakeLlamaCloud) -> None:
    async with AsyncLlamaCloud(api_key="wrong", base_url=fake.base_url) as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.extraction.runs.get("run-1")
    assert caught.value.detail == "Invalid API key"


async def test_session_is_lazy_and_reuses_one_connection(fake: FakeLlamaCloud) -> None:
    client = AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url)
    assert client._requests.transport._session is None
    for i in range(5):
        await client.extraction.runs.get(f"run-{i}")
    session = client._requests.transport._session
    assert session is not None
    await client.close()
    assert session.closed
    assert len({r.peer for r in fake.requests}) == 1


async def test_closed_client_refuses_requests(fake: FakeLlamaCloud) -> None:
    client = AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url)
    await client.close()
    with pytest.raises(ClientClosedError, match="closed") as caught:
        await client.extraction.runs.get("run-1")
    assert isinstance(caught.value, RuntimeError)


def test_one_client_serves_two_event_loops_at_the_same_moment() -> None:
    with FakeLlamaCloud(api_key=API_KEY, latency=0.05).serve_in_thread() as fake:
        client = AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url)
        both_running = threading.Barrier(2)
        results: list[object] = []

        async def fetch(run_id: str) -> str:
            both_running.wait(timeout=5)
            runs = await asyncio.gather(*(client.extraction.runs.get(f"{run_id}-{i}") for i in range(5)))
            return runs[0].id

        def in_its_own_loop(run_id: str) -> None:
            try:
                results.append(asyncio.run(fetch(run_id)))
            except BaseException as exc:
                results.append(exc)

        threads = [threading.Thread(target=in_its_own_loop, args=(name,)) for name in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        asyncio.run(client.close())

    assert sorted(map(str, results)) == ["a-0", "b-0"]
    assert len({r.peer for r in fake.requests}) >= 2  # each loop had its own connections


def test_client_created_outside_a_loop_works_inside_one() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = AsyncLlamaCloud(api_key=API_KEY, base_url=f"http://127.0.0.1:{port}")

    async def main() -> str:
        async with FakeLlamaCloud(port=port), client:
            return (await client.extraction.runs.get("run-1")).id

    assert asyncio.run(main()) == "run-1"


async def test_repr_and_attributes_never_show_the_key(live_client: AsyncLlamaCloud) -> None:
    await live_client.extraction.runs.get("run-1")
    assert API_KEY not in repr(live_client)
    assert API_KEY not in str(vars(live_client))
    assert API_KEY not in repr(live_client.extraction.runs)


async def test_no_unclosed_session_warning_after_close(fake: FakeLlamaCloud) -> None:
    async with AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url) as client:
        await client.extraction.runs.get("run-1")
    del client
    gc.collect()  # filterwarnings=error turns an "Unclosed client session" warning into a failure


async def test_per_call_timeout_overrides_the_default(live_client: AsyncLlamaCloud) -> None:
    run = await live_client.extraction.runs.get("run-1", timeout=5)
    assert run.id == "run-1"
