"""``client.extract.run_many``: documents in, one result each, over real sockets."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest

from llamacloud_async import APIConnectionError, AsyncLlamaCloud, AuthenticationError, LlamaCloud
from llamacloud_async.pipeline import Document, DocumentEvent, DocumentFailedError, DocumentResult
from llamacloud_async.testing import FakeLlamaCloud, ManualClock, Status

SCHEMA = {"type": "object", "properties": {"vendor": {"type": "string"}, "total": {"type": "number"}}}
CONFIGURATION = {"data_schema": SCHEMA}


def documents(folder: Path, count: int, *, prefix: str = "doc") -> list[Path]:
    paths = []
    for i in range(count):
        path = folder / f"{prefix}-{i:04d}.txt"
        path.write_text(f"invoice {i}\nvendor: Vendor {i}\ntotal: {i}.25\n")
        paths.append(path)
    return paths


def client_for(fake: FakeLlamaCloud) -> AsyncLlamaCloud:
    return AsyncLlamaCloud(api_key="k", base_url=fake.base_url, retry_backoff=0.01)


async def test_every_document_gets_one_result_from_its_text(tmp_path: Path) -> None:
    paths = documents(tmp_path, 40)
    async with FakeLlamaCloud(job_duration=0.3) as fake, client_for(fake) as client:
        run = client.extract.run_many(paths, configuration=CONFIGURATION, polling_interval=0.1, concurrency=4)
        results = [result async for result in run]
    assert sorted(r.document.path for r in results) == sorted(str(p) for p in paths)
    assert all(r.ok for r in results)
    by_path = {r.document.path: r for r in results}
    sample = by_path[str(paths[7])]
    assert sample.unwrap().extract_result == {"vendor": "Vendor 7", "total": 7.25}
    assert sample.file_id is not None
    assert sample.job_id == sample.unwrap().id
    assert fake.counts["file-create"] == 40
    assert fake.counts["extract-create"] == 40
    assert fake.counts["extract-list"] < 40  # batched polls, not one per job
    assert run.progress.done == 40
    assert run.progress.running == 0
    assert run.progress.uploaded == 40


async def test_failures_are_results_not_exceptions(tmp_path: Path) -> None:
    paths = documents(tmp_path, 4)
    missing = tmp_path / "missing.pdf"
    fake = FakeLlamaCloud(clock=ManualClock(), fail_jobs=lambda request: True)
    async with fake, client_for(fake) as client:
        run = client.extract.run_many([*paths[:1], missing], configuration=CONFIGURATION)
        results = {r.document.path: r async for r in run}
    failed_job = results[str(paths[0])]
    assert not failed_job.ok
    assert failed_job.error is None
    assert failed_job.job is not None
    assert failed_job.job.status == "FAILED"
    with pytest.raises(DocumentFailedError, match="ended FAILED"):
        failed_job.unwrap()
    unreadable = results[str(missing)]
    assert isinstance(unreadable.error, FileNotFoundError)
    assert (unreadable.file_id, unreadable.job_id) == (None, None)


async def test_known_files_and_jobs_are_not_uploaded_or_created_again(tmp_path: Path) -> None:
    paths = documents(tmp_path, 3)
    events: list[DocumentEvent] = []
    async with FakeLlamaCloud(clock=ManualClock()) as fake, client_for(fake) as client:
        first = [
            r
            async for r in client.extract.run_many(paths, configuration=CONFIGURATION, on_event=events.append)
        ]
        by_path = {r.document.path: r for r in first}
        again = [
            Document(
                str(paths[0]), sha256=by_path[str(paths[0])].sha256, job_id=by_path[str(paths[0])].job_id
            ),
            Document(
                str(paths[1]), sha256=by_path[str(paths[1])].sha256, file_id=by_path[str(paths[1])].file_id
            ),
            str(paths[2]),
        ]
        second = {
            r.document.path: r async for r in client.extract.run_many(again, configuration=CONFIGURATION)
        }
    assert sorted(e.kind for e in events) == ["created"] * 3 + ["hashed"] * 3 + ["uploaded"] * 3
    assert all(r.ok for r in second.values())
    # paths[0] had its job: nothing new; paths[1] had its file: a create, answered by the
    # job its idempotency key already made; paths[2] is uploaded again (no reuse asked),
    # a new file, so a new job.
    assert fake.counts["file-create"] == 4
    assert fake.store.created == 4
    assert fake.counts["extract-create"] == 5
    assert second[str(paths[1])].job_id == by_path[str(paths[1])].job_id


async def test_reuse_uploads_finds_an_earlier_upload_by_its_hash(tmp_path: Path) -> None:
    paths = documents(tmp_path, 3)
    async with FakeLlamaCloud(clock=ManualClock()) as fake, client_for(fake) as client:
        [r async for r in client.extract.run_many(paths, configuration=CONFIGURATION)]
        resumed = [
            r async for r in client.extract.run_many(paths, configuration=CONFIGURATION, reuse_uploads=True)
        ]
    assert all(r.ok for r in resumed)
    assert set(fake.files.uploads_by_sha256.values()) == {1}
    assert fake.store.created == 3  # the same file and configuration: the same job


async def test_identical_documents_are_uploaded_once(tmp_path: Path) -> None:
    names = [tmp_path / name for name in ("a.txt", "b.txt", "c.txt")]
    for path in names:
        path.write_text("vendor: Same\n")
    async with FakeLlamaCloud(clock=ManualClock()) as fake, client_for(fake) as client:
        results = [r async for r in client.extract.run_many(names, configuration=CONFIGURATION)]
    assert len(results) == 3
    assert all(r.ok for r in results)
    assert fake.counts["file-create"] == 1
    assert len({r.job_id for r in results}) == 1


async def test_memory_is_bounded_by_max_pending(tmp_path: Path) -> None:
    paths = documents(tmp_path, 60)
    created = 0
    most_unconsumed = 0
    consumed = 0

    def on_event(event: DocumentEvent) -> None:
        nonlocal created, most_unconsumed
        if event.kind == "hashed":
            created += 1
            most_unconsumed = max(most_unconsumed, created - consumed)

    async with FakeLlamaCloud(job_duration=0.05) as fake, client_for(fake) as client:
        run = client.extract.run_many(
            paths, configuration=CONFIGURATION, max_pending=5, polling_interval=0.05, on_event=on_event
        )
        async for _ in run:
            consumed += 1
            await asyncio.sleep(0.002)  # a slow consumer
    assert consumed == 60
    assert most_unconsumed <= 5


async def test_leaving_early_stops_the_run(tmp_path: Path) -> None:
    paths = documents(tmp_path, 30)
    async with FakeLlamaCloud(job_duration=0.05) as fake, client_for(fake) as client:
        run = client.extract.run_many(
            paths, configuration=CONFIGURATION, max_pending=4, concurrency=2, polling_interval=0.05
        )
        async with run:
            async for _ in run:
                break
        seen = len(fake.requests)
        await asyncio.sleep(0.3)
    assert len(fake.requests) == seen  # nothing more was sent
    assert fake.counts["file-create"] < 30


async def test_bad_arguments_are_refused_before_any_request(tmp_path: Path) -> None:
    async with FakeLlamaCloud() as fake, client_for(fake) as client:
        with pytest.raises(ValueError, match="exactly one"):
            client.extract.run_many([tmp_path], configuration=CONFIGURATION, configuration_id="cfg-1")
        with pytest.raises(ValueError, match="exactly one"):
            client.extract.run_many([tmp_path])
        with pytest.raises(ValueError, match="concurrency"):
            client.extract.run_many([tmp_path], configuration=CONFIGURATION, concurrency=0)
        with pytest.raises(ValueError, match="polling_interval"):
            client.extract.run_many([tmp_path], configuration=CONFIGURATION, polling_interval=-1)
    assert fake.requests == []


def test_the_sync_client_iterates_results(tmp_path: Path) -> None:
    paths = documents(tmp_path, 5)
    with (
        FakeLlamaCloud(clock=ManualClock()).serve_in_thread() as fake,
        LlamaCloud(api_key="k", base_url=fake.base_url) as client,
    ):
        results = list(client.extract.run_many(paths, configuration_id="cfg-saved"))
    assert len(results) == 5
    assert all(r.ok for r in results)


async def test_cancelling_the_consumer_stops_the_run_promptly(tmp_path: Path) -> None:
    paths = documents(tmp_path, 200)
    async with FakeLlamaCloud(job_duration=0.05) as fake, client_for(fake) as client:
        seen = 0

        async def consume() -> None:
            nonlocal seen
            async with client.extract.run_many(
                paths, configuration=CONFIGURATION, polling_interval=0.02
            ) as run:
                async for _ in run:
                    seen += 1

        for delay in (0.05, 0.2, 0.4):  # while uploading, gathering batches, and watching
            task = asyncio.ensure_future(consume())
            await asyncio.sleep(delay)
            task.cancel()
            done, _ = await asyncio.wait([task], timeout=5)
            assert done, f"the run did not stop within 5s of a cancel after {delay}s"


async def test_an_upload_whose_answer_was_lost_is_found_not_repeated(tmp_path: Path) -> None:
    from llamacloud_async import APIConnectionError
    from llamacloud_async.testing import AfterProcessing, Reset

    paths = documents(tmp_path, 2)
    async with FakeLlamaCloud(clock=ManualClock()) as fake, client_for(fake) as client:
        fake.inject(AfterProcessing(Reset()), route="file-create", times=1)
        with pytest.raises(APIConnectionError):  # files.create alone cannot know: it does not resend
            await client.files.create(file=b"another document", purpose="extract")
        assert fake.counts["file-create"] == 1
        fake.inject(AfterProcessing(Reset()), route="file-create", times=1)
        results = [r async for r in client.extract.run_many(paths, configuration=CONFIGURATION)]
    assert all(r.ok for r in results)
    # run_many looked the lost upload up by its hash instead of uploading it again
    assert fake.counts["file-create"] == 3
    assert fake.counts["file-list"] == 1
    assert fake.files.uploads_by_sha256[str(results[0].sha256)] == 1
    assert fake.files.uploads_by_sha256[str(results[1].sha256)] == 1


async def test_an_upload_lost_before_it_landed_is_uploaded_again(tmp_path: Path) -> None:
    from llamacloud_async.testing import Reset

    paths = documents(tmp_path, 2)
    async with FakeLlamaCloud(clock=ManualClock()) as fake, client_for(fake) as client:
        fake.inject(Reset(), route="file-create", times=2)  # reset before the server stored it
        results = [r async for r in client.extract.run_many(paths, configuration=CONFIGURATION)]
    assert all(r.ok for r in results), [r.error for r in results]
    for result in results:  # looked up by its hash, not found, so uploaded again: once stored
        assert fake.files.uploads_by_sha256[str(result.sha256)] == 1


async def test_the_run_shares_the_clients_rate_limiter(tmp_path: Path) -> None:
    paths = documents(tmp_path, 60)
    async with FakeLlamaCloud(clock=ManualClock(), rate_limit=150) as fake, client_for(fake) as client:
        run = client.extract.run_many(
            paths, configuration=CONFIGURATION, concurrency=16, polling_interval=0.05
        )
        results = [r async for r in run]
        throttled = client._requests.limiter.throttled  # pyright: ignore[reportPrivateUsage]
    assert len(results) == 60
    assert [repr(r.error) for r in results if not r.ok] == []
    assert throttled > 0  # the server pushed back, and every document still completed
    assert fake.store.created == 60


async def test_documents_may_come_from_an_async_iterator(tmp_path: Path) -> None:
    paths = documents(tmp_path, 5)

    async def produce() -> AsyncIterator[Path]:
        for path in paths:
            await asyncio.sleep(0)
            yield path

    async with FakeLlamaCloud(clock=ManualClock()) as fake, client_for(fake) as client:
        results = [r async for r in client.extract.run_many(produce(), configuration=CONFIGURATION)]
    assert sorted(r.document.path for r in results) == sorted(map(str, paths))
    assert all(r.ok for r in results)


async def test_a_job_that_is_gone_fails_alone(tmp_path: Path) -> None:
    paths = documents(tmp_path, 4)
    async with FakeLlamaCloud(clock=ManualClock(), unknown_ids="404") as fake, client_for(fake) as client:
        first = [r async for r in client.extract.run_many(paths[:3], configuration=CONFIGURATION)]
        again = [Document(r.document.path, sha256=r.sha256, job_id=r.job_id) for r in first]
        again.append(Document(str(paths[3]), sha256="0" * 64, job_id="ext-deleted"))
        results = {
            r.document.path: r
            async for r in client.extract.run_many(again, configuration=CONFIGURATION, polling_interval=0.05)
        }
    assert [path for path, r in results.items() if not r.ok] == [str(paths[3])]
    assert type(results[str(paths[3])].error).__name__ == "NotFoundError"


async def collect(run: AsyncIterator[DocumentResult], results: list[DocumentResult]) -> None:
    async for result in run:
        results.append(result)


def _dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_wrong_key_stops_the_run_with_one_error_and_no_results(tmp_path: Path) -> None:
    paths = documents(tmp_path, 40)
    events: list[DocumentEvent] = []
    results: list[DocumentResult] = []
    async with (
        FakeLlamaCloud(clock=ManualClock(), api_key="the-right-key") as fake,
        AsyncLlamaCloud(api_key="a-wrong-key", base_url=fake.base_url, retry_backoff=0.01) as client,
    ):
        run = client.extract.run_many(
            paths, configuration=CONFIGURATION, concurrency=4, on_event=events.append
        )
        with pytest.raises(AuthenticationError, match="not about one document, so it stopped the run"):
            await collect(run, results)
        await asyncio.sleep(0.2)  # uploads already on the wire when the run stopped land
        sent = len(fake.requests)
        await asyncio.sleep(0.3)
        assert len(fake.requests) == sent  # every task stopped: nothing new is sent
    assert results == []
    assert sent <= 4  # one round of uploads, no retry, no other document
    assert "a-wrong-key" not in str(run.progress)
    assert {e.kind for e in events} == {"hashed"}


async def test_a_dead_server_stops_the_run_quickly_with_one_error(tmp_path: Path) -> None:
    paths = documents(tmp_path, 300)
    client = AsyncLlamaCloud(api_key="k", base_url=f"http://127.0.0.1:{_dead_port()}", retry_backoff=0.05)
    results: list[DocumentResult] = []
    started = time.monotonic()
    async with client:
        with anyio.fail_after(10), pytest.raises(APIConnectionError, match="stopped the run"):
            await collect(client.extract.run_many(paths, configuration=CONFIGURATION), results)
    assert results == []
    assert time.monotonic() - started < 5  # the first document's retries, not 300 documents'


async def test_a_stopped_run_resumed_does_every_document_once(tmp_path: Path) -> None:
    paths = documents(tmp_path, 30)
    steps: dict[str, DocumentEvent] = {}

    def record(event: DocumentEvent) -> None:
        steps[event.document.path] = event

    async with FakeLlamaCloud(clock=ManualClock(), api_key="right") as fake:
        async with AsyncLlamaCloud(api_key="wrong", base_url=fake.base_url) as client:
            with pytest.raises(AuthenticationError):
                async for _ in client.extract.run_many(paths, configuration=CONFIGURATION, on_event=record):
                    pass
        again = [
            Document(str(path), sha256=e.sha256, file_id=e.file_id, job_id=e.job_id, may_be_uploaded=True)
            if (e := steps.get(str(path))) is not None
            else str(path)
            for path in paths
        ]
        async with AsyncLlamaCloud(api_key="right", base_url=fake.base_url) as client:
            results = [r async for r in client.extract.run_many(again, configuration=CONFIGURATION)]
    assert sorted(r.document.path for r in results) == sorted(map(str, paths))
    assert all(r.ok for r in results)
    assert set(fake.files.uploads_by_sha256.values()) == {1}
    assert fake.store.created == 30


async def test_a_refused_upload_fails_only_its_document(tmp_path: Path) -> None:
    paths = documents(tmp_path, 6)
    async with FakeLlamaCloud(clock=ManualClock()) as fake, client_for(fake) as client:
        fake.inject(Status(422), route="file-create", times=1)
        run = client.extract.run_many(paths, configuration=CONFIGURATION, concurrency=1)
        results = [r async for r in run]
    assert len(results) == 6
    assert [type(r.error).__name__ for r in results if not r.ok] == ["UnprocessableEntityError"]
