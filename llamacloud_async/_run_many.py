"""The tasks behind ``client.extract.run_many``: upload, create, watch, hand back.

    documents ─▶ feeder (at most max_pending started and not yet handed back)
                   └▶ one task per document, concurrency at a time in its requests:
                      hash ─▶ upload (once per content; external_file_id = its hash)
                           ─▶ create the job (Idempotency-Key from file and configuration)
                   ─▶ job IDs gathered into batches ─▶ one extract.wait_many per batch
    results queue ◀─ each document's result: its terminal job, or the error that stopped it

A failure that is not about one document (a 401 or 403, a server unreachable before
anything succeeded, a first round of ``concurrency`` transient failures: the rules of
``_bulk_health.Health``) yields no result: it cancels every task and is raised, once,
from the loop. Documents not handed back yet can then be run again.

Every request goes through the client's request path (retries, rate limiter). The
idempotency key of a document's job is derived from its file and the configuration, so
creating it again (after a crash lost the reply) is answered with the same job by a
server that honours the key; ``reuse_uploads`` finds an earlier upload of the same
content by its ``external_file_id`` instead of uploading again.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import random
from collections import OrderedDict
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from ._bulk_health import Health, stopped
from ._errors import NotFoundError, RateLimitError
from .pipeline import Document, DocumentEvent, DocumentResult, EventKind, RunManyProgress
from .types import ExtractV2Job

if TYPE_CHECKING:
    import os

    from ._retry import RetryPolicy
    from ._types import TimeoutArg
    from .resources.extract import AsyncExtractResource
    from .resources.files import AsyncFilesResource

T = TypeVar("T")

_HASH_CHUNK = 1024 * 1024
_KNOWN_UPLOADS = 4096
"""Recent content hashes and their file IDs: identical documents close together in the
input are uploaded once."""
_THROTTLED_FOR = 300.0
"""Seconds a step may keep meeting 429s (after the client's own retries) before its
document fails with the ``RateLimitError``."""
_THROTTLED_WAIT_MAX = 30.0
_GATHER_SECONDS = 0.25
"""The longest new job IDs wait for others before their batch is watched (at most half
the polling interval): a fuller batch costs the same one request per poll."""


class _Finished:
    """Queued after the last result."""


class _Stop:
    """Queued when the run must end with ``error``: the documents' iterator failed, or a
    failure was not about one document."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


_FINISHED = _Finished()


class RunMany:
    """An async iterator of ``DocumentResult``, one per document, as each finishes.

    Nothing starts until the first ``__anext__``. Leaving the loop early, or
    ``aclose()``, stops every task (jobs already created keep running on the server).
    A failure that is not about one document stops them too, and is raised from the
    loop. ``progress`` counts what happened so far.
    """

    def __init__(
        self,
        extract: AsyncExtractResource,
        files: AsyncFilesResource,
        documents: Iterable[str | os.PathLike[str] | Document]
        | AsyncIterable[str | os.PathLike[str] | Document],
        *,
        create: Mapping[str, Any],
        wait: Mapping[str, Any],
        scope: Mapping[str, Any],
        concurrency: int,
        max_pending: int,
        batch_size: int,
        reuse_uploads: bool,
        on_event: Callable[[DocumentEvent], None] | None,
        timeout: TimeoutArg,
        policy: RetryPolicy,
    ) -> None:
        self._extract = extract
        self._files = files
        self._documents = documents
        self._create = dict(create)
        self._wait = dict(wait)
        self._scope = dict(scope)
        self._requests = asyncio.Semaphore(concurrency)
        self._slots = asyncio.Semaphore(max_pending)
        self._batch_size = batch_size
        self._reuse_uploads = reuse_uploads
        self._on_event = on_event
        self._timeout = timeout
        self._policy = policy
        self._fingerprint = _fingerprint(create)
        self._health = Health(give_up_after=math.inf, first_round=concurrency)
        """Successes are sparse here (a job takes a while), so no rule of time."""
        self._stopping = False
        self.progress = RunManyProgress(
            total=len(documents) if isinstance(documents, (list, tuple)) else None
        )
        self._results: asyncio.Queue[DocumentResult | _Finished | _Stop] = asyncio.Queue()
        self._jobs: asyncio.Queue[tuple[str, _State]] = asyncio.Queue()
        self._uploads: OrderedDict[str, asyncio.Future[str]] = OrderedDict()
        self._tasks: set[asyncio.Task[None]] = set()
        self._unfinished = 0
        self._fed = False
        self._started = False
        self._closed = False

    def __aiter__(self) -> RunMany:
        return self

    async def __anext__(self) -> DocumentResult:
        if self._closed:
            raise StopAsyncIteration
        if not self._started:
            self._started = True
            self._spawn(self._feed())
            self._spawn(self._gather())
        item = await self._results.get()
        if isinstance(item, _Finished):
            await self.aclose()
            raise StopAsyncIteration
        if isinstance(item, _Stop):
            await self.aclose()
            raise item.error
        self._slots.release()
        return item

    async def aclose(self) -> None:
        """Stop every task of the run and wait until they have stopped."""
        self._closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def __aenter__(self) -> RunMany:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def _spawn(self, coroutine: Any) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _feed(self) -> None:
        """Start a task per document, at most ``max_pending`` unfinished at once."""
        try:
            if isinstance(self._documents, AsyncIterable):
                async for item in self._documents:
                    await self._start(item)
            else:
                for item in self._documents:
                    await self._start(item)
        except Exception as error:
            self._results.put_nowait(_Stop(error))
            return
        self._fed = True
        if self._unfinished == 0:
            self._results.put_nowait(_FINISHED)

    async def _start(self, item: str | os.PathLike[str] | Document) -> None:
        document = Document.of(item)
        await self._slots.acquire()
        self._unfinished += 1
        self._spawn(self._submit(_State(document)))

    async def _submit(self, state: _State) -> None:
        """Hash, upload and create the job of one document; then hand its job to a watch."""
        document = state.document
        try:
            async with self._requests:
                state.sha256 = document.sha256 or await asyncio.to_thread(content_sha256, document.path)
                if document.sha256 is None:
                    self._event("hashed", state)
                state.file_id = document.file_id
                if state.file_id is None and document.job_id is None:
                    look_first = self._reuse_uploads or document.may_be_uploaded
                    state.file_id = await _until_not_throttled(
                        lambda: self._file_for(state.sha256 or "", document.path, look_first)
                    )
                    self._health.succeeded()
                    self._event("uploaded", state)
                self.progress.uploaded += 1
                state.job_id = document.job_id
                if state.job_id is None:
                    assert state.file_id is not None
                    file_id = state.file_id
                    job = await _until_not_throttled(
                        lambda: self._extract.create(
                            file_input=file_id,
                            idempotency_key=self._key(file_id),
                            timeout=self._timeout,
                            **self._create,
                            **self._scope,
                        )
                    )
                    state.job_id = job.id
                    self._health.succeeded()
                    self._event("created", state)
        except Exception as error:
            self._fail([state], error)
            return
        self.progress.running += 1
        state.counted_running = True
        self._jobs.put_nowait((state.job_id, state))

    async def _file_for(self, sha256: str, path: str, look_first: bool) -> str:
        """The file ID of this content: uploaded by this run already, found from an
        earlier one (``look_first``), or uploaded now."""
        known = self._uploads.get(sha256)
        if known is not None:
            self._uploads.move_to_end(sha256)
            return await asyncio.shield(known)
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._uploads[sha256] = future
        if len(self._uploads) > _KNOWN_UPLOADS:
            self._uploads.popitem(last=False)
        try:
            file_id = await self._upload(sha256, path, look_first)
        except BaseException as error:
            self._uploads.pop(sha256, None)
            future.set_exception(error if isinstance(error, Exception) else asyncio.CancelledError())
            future.exception()  # retrieved: later waiters see it, none is left unobserved
            raise
        future.set_result(file_id)
        return file_id

    async def _upload(self, sha256: str, path: str, look_first: bool) -> str:
        if look_first:
            found = await self._find_upload(sha256)
            if found is not None:
                return found
        from ._idempotency import sent_once

        async def upload() -> str:
            created = await self._files.create(
                file=path, purpose="extract", external_file_id=sha256, timeout=self._timeout, **self._scope
            )
            return created.id

        # After an ambiguous failure the upload may have landed: look it up by its hash,
        # and upload again only if it did not.
        return await sent_once(upload, lambda _: self._find_upload(sha256), self._policy)

    async def _find_upload(self, sha256: str) -> str | None:
        """The oldest file uploaded with ``external_file_id`` = ``sha256``, if any."""
        async for uploaded in self._files.list(external_file_id=sha256, order_by="created_at", **self._scope):
            oldest: str | None = uploaded.id if uploaded.external_file_id == sha256 else None
            if oldest is not None:
                return oldest
        return None

    def _key(self, file_id: str) -> str:
        """The job's Idempotency-Key: the same for the same file and configuration."""
        return "run-many-" + hashlib.sha256(f"{file_id}\n{self._fingerprint}".encode()).hexdigest()

    async def _gather(self) -> None:
        """Gather created jobs into batches of up to ``batch_size``, and watch each.

        A first job waits briefly for others (no ``asyncio.wait_for``, which on Python
        3.10 and 3.11 can swallow a cancellation that arrives as the wait ends)."""
        window = min(_GATHER_SECONDS, self._wait["polling_interval"] / 2)
        while True:
            job_id, state = await self._jobs.get()
            batch: dict[str, list[_State]] = {job_id: [state]}
            if self._jobs.empty():
                await asyncio.sleep(window)
            while len(batch) < self._batch_size and not self._jobs.empty():
                job_id, state = self._jobs.get_nowait()
                batch.setdefault(job_id, []).append(state)
            self._spawn(self._watch(batch))

    async def _watch(self, batch: dict[str, list[_State]]) -> None:
        """Wait for one batch of jobs; finish each document as its job ends."""
        try:
            async for job in self._extract.wait_many(list(batch), **self._wait, **self._scope):
                self._health.succeeded()
                for state in batch.pop(job.id, []):
                    self._finish(state, job, None)
        except Exception as error:
            if isinstance(error, NotFoundError) and len(batch) > 1:
                for job_id, states in batch.items():  # find the job that is gone; the rest go on
                    self._spawn(self._watch({job_id: states}))
                return
            self._fail([state for states in batch.values() for state in states], error)
            batch.clear()

    def _fail(self, states: list[_State], error: Exception) -> None:
        """Finish ``states`` with ``error``; or, when it is not about them, stop the run."""
        if self._health.judge(error) != Health.STOP:
            for state in states:
                self._finish(state, None, error)
        elif not self._stopping:
            self._stopping = True
            current = asyncio.current_task()
            for task in self._tasks:
                if task is not current:
                    task.cancel()  # nothing more is sent
            self._results.put_nowait(_Stop(stopped(error, "the run", "document")))

    def _finish(self, state: _State, job: ExtractV2Job | None, error: Exception | None) -> None:
        if state.counted_running:
            self.progress.running -= 1
        result = DocumentResult(state.document, state.sha256, state.file_id, state.job_id, job, error)
        if result.ok:
            self.progress.done += 1
        else:
            self.progress.failed += 1
        self._results.put_nowait(result)
        self._unfinished -= 1
        if self._fed and self._unfinished == 0:
            self._results.put_nowait(_FINISHED)

    def _event(self, kind: EventKind, state: _State) -> None:
        if self._on_event is not None:
            assert state.sha256 is not None
            self._on_event(DocumentEvent(kind, state.document, state.sha256, state.file_id, state.job_id))


class _State:
    """What is known of one document as it goes through the run."""

    __slots__ = ("counted_running", "document", "file_id", "job_id", "sha256")

    def __init__(self, document: Document) -> None:
        self.document = document
        self.sha256: str | None = None
        self.file_id: str | None = None
        self.job_id: str | None = None
        self.counted_running = False


async def _until_not_throttled(step: Callable[[], Awaitable[T]]) -> T:
    """``step()``, tried again while the server answers 429 after the client's own
    retries: back-pressure from a busy server, which never processed the request, is
    not a reason to fail the document. The client's rate limiter has slowed down by
    then; each wait doubles (from 0.25 s, up to 30 s, at least the server's hint), for
    at most ``_THROTTLED_FOR`` seconds in all."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + _THROTTLED_FOR
    wait = 0.25
    while True:
        try:
            return await step()
        except RateLimitError as error:
            delay = max(wait, error.retry_after or 0.0) * (0.75 + random.random() / 2)
            if loop.time() + delay > give_up:
                raise
            await asyncio.sleep(delay)
            wait = min(_THROTTLED_WAIT_MAX, wait * 2)


def content_sha256(path: str) -> str:
    """The SHA-256 (hex) of the file at ``path``, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fingerprint(create: Mapping[str, Any]) -> str:
    """The configuration a job is created with, as a stable hash."""
    return hashlib.sha256(msgspec.json.encode(dict(create), order="sorted")).hexdigest()
