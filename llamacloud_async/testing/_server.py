"""``FakeLlamaCloud``: a real HTTP server on loopback that speaks the extraction API."""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
import time
from collections import Counter
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal

import anyio.from_thread
import msgspec
from aiohttp import web

from . import _bodies
from ._documents import result_from_text
from ._faults import (
    AfterProcessing,
    CloseMidBody,
    Delay,
    Fault,
    HTMLError,
    Oversized,
    Redirect,
    Reset,
    Status,
    Trickle,
    TruncatedJSON,
)
from ._files import FileStore
from ._jobs import Answer, JobRoutes
from ._results import ResultFor, result_for
from ._routes import ROUTES, Route
from ._store import JobRequest, JobStore, Predicate


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake server received."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    route: Route
    id: str
    peer: tuple[str, int] | None
    """The client's address and port: one per connection."""
    received_at: float
    """``time.monotonic()`` when the request arrived."""


@dataclass
class _Rule:
    fault: Fault
    route: Route | None
    id: str | None
    remaining: int | None

    def take(self, route: Route, id_: str) -> bool:
        if (self.route is not None and self.route != route) or (self.id is not None and self.id != id_):
            return False
        if self.remaining is None:
            return True
        if self.remaining <= 0:
            return False
        self.remaining -= 1
        return True


class FakeLlamaCloud:
    """A LlamaCloud stand-in on ``127.0.0.1``, for tests that need real HTTP.

    Serves the extraction endpoints with realistic bodies generated from the ID, or with
    bodies you ``seed``; runs the jobs you create through their lifecycle (``_jobs``);
    records every request; and injects scripted faults:

    ```python
    async with FakeLlamaCloud() as fake:
        fake.inject(Status(503), route="run", times=2)
        async with AsyncLlamaCloud(api_key="test", base_url=fake.base_url) as client:
            run = await client.extraction.runs.get("run-1")
        assert len(fake.requests) == 3
    ```

    Args:
        host: Address to listen on (loopback by default).
        port: Port to listen on; 0 picks a free one.
        api_key: When set, requests without ``Authorization: Bearer <api_key>`` get 401.
        unknown_ids: ``"generate"`` answers any ID with a generated body; ``"404"`` only
            seeded IDs exist.
        rows: Line items per generated document (the body size grows with it).
        per_table_row: Generated v2 jobs carry a list result, one object per table row.
        fault_rate: The share of requests that get a random transient fault
            (503, 429 with a short ``retry-after-ms``, reset, or mid-body close).
        rate_limit: Requests per second the server accepts (a token bucket, full at
            start); beyond it, 429 with ``retry-after-ms``.
        burst: The bucket's size; a tenth of a second's worth (at least 1) by default.
        retry_after: ``False`` sends the rate limit's 429s bare, without ``retry-after-ms``.
        latency: Seconds added before every answer, 429s included, like a network
            round trip.
        seed: Seeds the random faults and job failures, for repeatable runs.
        record: Keep every request in ``requests`` (turn off for long benchmarks).
        clock: The jobs' clock (``time.monotonic`` by default); a ``ManualClock`` makes
            job lifecycles instant and exact in tests.
        job_duration: Seconds from a job's creation to its outcome (``PENDING`` for the
            first half, ``RUNNING`` for the second), or a function of its ``JobRequest``.
        fail_jobs: Jobs that fail: a set of file inputs (v2 ``file_input``, v1 ``file_id``)
            or a predicate on the ``JobRequest``.
        partial_jobs: v1 jobs that end ``PARTIAL_SUCCESS``, chosen as ``fail_jobs``.
        failure_rate: The share of other jobs that fail, drawn from ``seed``.
        result_for: ``(file_input, configuration) -> extract_result`` for completed jobs;
            by default a job on an uploaded file extracts from the file's text
            (``key: value`` lines, see ``result_from_text``), any other from its ID.
        idempotency_keys: Honour ``Idempotency-Key`` on creates; ``False`` stands in for a
            server that ignores the header (every create makes a job).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str | None = None,
        unknown_ids: Literal["generate", "404"] = "generate",
        rows: int = 3,
        per_table_row: bool = False,
        fault_rate: float = 0.0,
        rate_limit: float | None = None,
        latency: float = 0.0,
        seed: int | None = None,
        record: bool = True,
        burst: float | None = None,
        retry_after: bool = True,
        clock: Callable[[], float] | None = None,
        job_duration: float | Callable[[JobRequest], float] = 0.0,
        fail_jobs: Predicate | None = None,
        partial_jobs: Predicate | None = None,
        failure_rate: float = 0.0,
        result_for: ResultFor | None = None,
        idempotency_keys: bool = True,
    ) -> None:
        self.host = host
        self.port = port
        self.api_key = api_key
        self.unknown_ids = unknown_ids
        self.rows = rows
        self.per_table_row = per_table_row
        self.fault_rate = fault_rate
        self.rate_limit = rate_limit
        self.latency = latency
        self.record = record
        self.burst = burst if burst is not None else max(1.0, (rate_limit or 0) / 10)
        self.retry_after = retry_after
        self._tokens = self.burst
        self._tokens_at = time.monotonic()
        self.requests: list[RecordedRequest] = []
        self.counts: Counter[str] = Counter()
        """Requests received per route name, kept even with ``record=False``."""
        self.configurations: dict[str, Mapping[str, Any]] = {}
        """Saved v2 configurations by ``configuration_id``; unknown IDs get a default one."""
        self.store = JobStore(
            clock=clock,
            job_duration=job_duration,
            fail_jobs=fail_jobs,
            partial_jobs=partial_jobs,
            failure_rate=failure_rate,
            seed=seed,
            idempotency_keys=idempotency_keys,
        )
        self.files = FileStore()
        """Uploaded files; ``files.uploads_by_sha256`` counts each content's uploads."""
        self._jobs = JobRoutes(
            self.store, result_for=result_for or self._result_for, configurations=self.configurations
        )
        self.not_found_ids: set[str] = set()
        self._random = random.Random(seed)
        self._seeded: dict[tuple[Route, str], bytes] = {}
        self._rules: list[_Rule] = []
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        """The URL to pass as ``base_url`` to a client."""
        if self._runner is None:
            raise RuntimeError("FakeLlamaCloud is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def created(self) -> int:
        """Jobs really created (v1 and v2); idempotent replays are not counted."""
        return self.store.created

    @property
    def replayed(self) -> int:
        """Creates answered with an existing job because their ``Idempotency-Key`` was seen."""
        return self.store.replayed

    def cancel_job(self, job_id: str) -> bool:
        """Cancel a stored job from the server side (v1 has no cancel route); ``False`` when
        it is unknown or already terminal."""
        job = self.store.jobs.get(job_id)
        return job is not None and self.store.cancel(job)

    def seed(self, route: Route, id: str, body: bytes | dict[str, Any] | msgspec.Struct) -> None:
        """Serve ``body`` for ``id`` on ``route`` instead of a generated one."""
        self._seeded[(route, id)] = body if isinstance(body, bytes) else msgspec.json.encode(body)

    def inject(
        self, fault: Fault, *, route: Route | None = None, id: str | None = None, times: int | None = 1
    ) -> None:
        """Answer matching requests with ``fault``: the next ``times`` of them, or all if ``None``.

        Rules are tried in the order they were added; the first that matches is used.
        """
        self._rules.append(_Rule(fault, route, id, times))

    def clear_faults(self) -> None:
        """Drop every injected fault."""
        self._rules.clear()

    def requests_for(self, id: str) -> list[RecordedRequest]:
        """The recorded requests for one ID."""
        return [r for r in self.requests if r.id == id]

    async def start(self) -> None:
        """Start listening."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        # Module routes first: their fixed paths (``/runs``) must win over ``{id}`` ones.
        for endpoint in (*self._jobs.endpoints(), *self.files.endpoints()):
            handler = self._endpoint(endpoint.route, endpoint.answer)
            app.router.add_route(endpoint.method, endpoint.path, handler)
        for route, path in ROUTES.items():
            app.router.add_get(path, self._endpoint(route, self._answer_get(route)))
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, handler_cancellation=True, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, reuse_address=True)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        """Stop listening and drop open connections."""
        if self._runner is not None:
            await self._runner.cleanup()

    @contextlib.contextmanager
    def serve_in_thread(self) -> Generator[FakeLlamaCloud, None, None]:
        """Run the server on its own event loop in a background thread, for sync tests.

        ```python
        with FakeLlamaCloud().serve_in_thread() as fake:
            with LlamaCloud(api_key="test", base_url=fake.base_url) as client:
                client.extraction.runs.get("run-1")
        ```
        """
        with anyio.from_thread.start_blocking_portal() as portal:
            portal.call(self.start)
            try:
                yield self
            finally:
                portal.call(self.close)

    async def __aenter__(self) -> FakeLlamaCloud:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    def _endpoint(self, route: Route, answer: Answer) -> Callable[[web.Request], Any]:
        """``answer`` behind the pipeline every route shares: record, key, latency, rate
        limit, then faults (``AfterProcessing`` ones once ``answer`` has run)."""

        async def handle(request: web.Request) -> web.StreamResponse:
            id_ = request.match_info.get("id", "")
            self.counts[route] += 1
            if self.record:
                self.requests.append(
                    RecordedRequest(
                        request.method,
                        request.path,
                        list(request.query.items()),
                        dict(request.headers),
                        route,
                        id_,
                        _peer(request),
                        time.monotonic(),
                    )
                )
            if self.api_key is not None and request.headers.get("Authorization") != f"Bearer {self.api_key}":
                return _json(401, {"detail": "Invalid API key"})
            if self.latency:
                await asyncio.sleep(self.latency)
            wait = self._rate_limited()
            if wait is not None:
                hint = {"retry-after-ms": str(wait)} if self.retry_after else {}
                return _json(429, {"detail": "Rate limit exceeded"}, hint)
            fault = self._fault_for(route, id_)
            if isinstance(fault, Delay):
                await asyncio.sleep(fault.seconds)
            elif isinstance(fault, AfterProcessing | CloseMidBody | TruncatedJSON | Trickle):
                # These need the answer: processing happens, then the fault.
                response = await answer(request, id_)
                after = fault.fault if isinstance(fault, AfterProcessing) else fault
                if not isinstance(after, Delay):
                    return await _apply(after, request, _body_of(response))
                await asyncio.sleep(after.seconds)
                response.headers.update(_request_id())
                return response
            elif fault is not None:
                return await _apply(fault, request, lambda: None)
            response = await answer(request, id_)
            response.headers.update(_request_id())
            return response

        return handle

    def _result_for(self, file_input: str, configuration: Mapping[str, Any]) -> Any:
        """What a job extracts: from the text of the document uploaded as ``file_input``
        (``result_from_text``), or, for an ID never uploaded, from the ID (``result_for``)."""
        text = self.files.text_of(file_input)
        if text is None:
            return result_for(file_input, configuration)
        return result_from_text(text, configuration)

    def _answer_get(self, route: Route) -> Answer:
        async def answer(request: web.Request, id_: str) -> web.Response:
            seeded = self._seeded.get((route, id_))
            if seeded is None:
                stored = self._jobs.stored(route, id_, request)
                if stored is not None:
                    return stored
            body = self._body(route, id_)
            if body is None:
                return _json(404, {"detail": f"{route} {id_} not found"})
            return web.Response(body=body, content_type="application/json")

        return answer

    def _rate_limited(self) -> int | None:
        """Milliseconds until the next token when the bucket is empty, else ``None``."""
        if self.rate_limit is None:
            return None
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._tokens_at) * self.rate_limit)
        self._tokens_at = now
        if self._tokens >= 1:
            self._tokens -= 1
            return None
        return max(1, round((1 - self._tokens) / self.rate_limit * 1000))

    def _fault_for(self, route: Route, id_: str) -> Fault | None:
        for rule in self._rules:
            if rule.take(route, id_):
                return rule.fault
        if self.fault_rate and self._random.random() < self.fault_rate:
            return self._random.choice(_TRANSIENT)
        return None

    def _body(self, route: Route, id_: str) -> bytes | None:
        seeded = self._seeded.get((route, id_))
        if seeded is not None:
            return seeded
        if id_ in self.not_found_ids or self.unknown_ids == "404":
            return None
        return msgspec.json.encode(self._generate(route, id_))

    def _generate(self, route: Route, id_: str) -> dict[str, Any]:
        if route == "extract":
            return _bodies.extract_job(id_, rows=self.rows, per_table_row=self.per_table_row)
        if route == "result":
            return _bodies.job_result(id_, rows=self.rows)
        if route == "job":
            return _bodies.extraction_job(id_)
        if route == "run":
            return _bodies.extraction_run(id_, rows=self.rows)
        return _bodies.run_by_job(id_, rows=self.rows)


_TRANSIENT: list[Fault] = [
    Status(503),
    Status(429, headers={"retry-after-ms": "20"}),
    Reset(),
    CloseMidBody(),
]

_request_counter = 0


def _request_id() -> dict[str, str]:
    global _request_counter
    _request_counter += 1
    return {"x-request-id": f"req-{_request_counter:08d}"}


def _body_of(response: web.Response) -> Callable[[], bytes | None]:
    """The body a body-mangling fault mangles: the answer's, or ``{}`` for a non-200."""
    body = response.body if response.status == 200 else None
    return lambda: body if isinstance(body, bytes) else None


def _peer(request: web.Request) -> tuple[str, int] | None:
    transport = request.transport
    peer = transport.get_extra_info("peername") if transport is not None else None
    return (peer[0], peer[1]) if peer else None


def _json(status: int, payload: object, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status,
        body=msgspec.json.encode(payload),
        content_type="application/json",
        headers={**_request_id(), **(headers or {})},
    )


def _abort(request: web.Request, *, rst: bool) -> None:
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if rst and sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


async def _apply(fault: Fault, request: web.Request, body: Callable[[], bytes | None]) -> web.StreamResponse:
    if isinstance(fault, Status):
        return _json(fault.status, {"detail": fault.detail}, dict(fault.headers))
    if isinstance(fault, HTMLError):
        page = f"<html><head><title>{fault.status}</title></head><body><h1>Bad Gateway</h1></body></html>"
        return web.Response(status=fault.status, text=page, content_type="text/html", headers=_request_id())
    if isinstance(fault, Redirect):
        return web.Response(status=302, headers={"Location": fault.location})
    if isinstance(fault, Reset):
        _abort(request, rst=True)
        raise asyncio.CancelledError
    full = body() or b"{}"
    if isinstance(fault, TruncatedJSON):
        return web.Response(
            body=full[: len(full) // 2], content_type="application/json", headers=_request_id()
        )
    response = web.StreamResponse(headers={"Content-Type": "application/json", **_request_id()})
    if isinstance(fault, Oversized):
        return await _stream_oversized(request, response, fault)
    response.content_length = len(full)
    await response.prepare(request)
    if isinstance(fault, CloseMidBody):
        await response.write(full[: len(full) // 2])
        await asyncio.sleep(0.01)
        _abort(request, rst=False)
        raise asyncio.CancelledError
    assert isinstance(fault, Trickle)
    for i in range(len(full)):
        await response.write(full[i : i + 1])
        await asyncio.sleep(fault.interval)
    return response


async def _stream_oversized(
    request: web.Request, response: web.StreamResponse, fault: Oversized
) -> web.StreamResponse:
    if fault.declare_length:
        response.content_length = fault.size
    else:
        response.enable_chunked_encoding()
    await response.prepare(request)
    chunk = b" " * 65536
    sent = 0
    while sent < fault.size:
        piece = chunk[: fault.size - sent]
        await response.write(piece)
        sent += len(piece)
    await response.write_eof()
    return response
