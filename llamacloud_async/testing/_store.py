"""The fake's job store: jobs created over HTTP and the state machine they follow.

A job is ``PENDING`` for the first half of its duration, ``RUNNING`` for the second, then
reaches its outcome (``COMPLETED`` or ``FAILED``; v1 jobs also ``PARTIAL_SUCCESS``)
unless it was cancelled first. States are computed from an injectable clock when asked,
so a test advances a ``ManualClock`` instead of sleeping. Nothing here knows HTTP.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

__all__ = ["Job", "JobRequest", "JobStore", "ManualClock"]

Api = Literal["v1", "v2"]
Outcome = Literal["COMPLETED", "FAILED", "PARTIAL_SUCCESS"]
Predicate = Callable[["JobRequest"], bool] | Collection[str]

EPOCH = datetime(2025, 3, 4, 10, 15, 30, tzinfo=timezone.utc)
"""The wall-clock time of the server's clock reading at start: timestamps are repeatable."""

V1_STATUS = {
    "PENDING": "PENDING",
    "RUNNING": "PENDING",
    "COMPLETED": "SUCCESS",
    "FAILED": "ERROR",
    "PARTIAL_SUCCESS": "PARTIAL_SUCCESS",
    "CANCELLED": "CANCELLED",
}
"""v2 phases as v1 statuses: v1 has no ``RUNNING`` and names its outcomes differently."""

TERMINAL = frozenset({"COMPLETED", "FAILED", "PARTIAL_SUCCESS", "CANCELLED"})


class ManualClock:
    """A clock that moves only when told: ``FakeLlamaCloud(clock=ManualClock())``.

    ``clock.advance(5)`` makes every job five seconds older at once.
    """

    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def __call__(self) -> float:
        """The current reading, in seconds."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock ``seconds`` forward."""
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        self.now += seconds


@dataclass(frozen=True)
class JobRequest:
    """What a job was created from; what ``fail_jobs`` and ``job_duration`` callables see."""

    api: Api
    """``"v2"`` (``POST /api/v2/extract``) or ``"v1"`` (``POST /api/v1/extraction/jobs``)."""
    file_input: str
    """The v2 ``file_input`` or the v1 ``file_id``."""
    configuration: dict[str, Any]
    """The configuration the job runs with (``data_schema`` included)."""
    body: dict[str, Any]
    """The request body as sent."""
    project_id: str


@dataclass
class Job:
    """One job in the store."""

    id: str
    seq: int
    request: JobRequest
    started: float
    duration: float
    outcome: Outcome
    cancelled_at: float | None = None
    run_id: str | None = None
    """The v1 run this job produces."""
    extra: dict[str, Any] = field(default_factory=dict[str, Any])
    """Fields echoed into bodies (``configuration_id``, ``extraction_agent_id``, ...)."""
    result: Any = None
    """The extracted value, computed once when first served."""

    def phase(self, now: float) -> str:
        """``PENDING``, ``RUNNING``, ``CANCELLED`` or the outcome, at clock reading ``now``."""
        if self.cancelled_at is not None:
            return "CANCELLED"
        elapsed = now - self.started
        if elapsed >= self.duration:
            return self.outcome
        return "PENDING" if elapsed < self.duration / 2 else "RUNNING"

    def changed_at(self, now: float) -> float:
        """The clock reading of the job's last state change, up to ``now``."""
        if self.cancelled_at is not None:
            return self.cancelled_at
        marks = (self.started, self.started + self.duration / 2, self.started + self.duration)
        return max(mark for mark in marks if mark <= max(now, self.started))


class JobStore:
    """Jobs and runs by ID, idempotency keys, and the rules that decide each job's fate."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] | None = None,
        job_duration: float | Callable[[JobRequest], float] = 0.0,
        fail_jobs: Predicate | None = None,
        partial_jobs: Predicate | None = None,
        failure_rate: float = 0.0,
        seed: int | None = None,
        idempotency_keys: bool = True,
    ) -> None:
        self.clock: Callable[[], float] = clock or time.monotonic
        self.idempotency_keys = idempotency_keys
        """Whether creates honour ``Idempotency-Key``; ``False`` acts as a server that ignores it."""
        self.job_duration = job_duration
        self.fail_jobs = fail_jobs
        self.partial_jobs = partial_jobs
        self.failure_rate = failure_rate
        self.jobs: dict[str, Job] = {}
        self.runs: dict[str, Job] = {}
        """Each v1 run by its ID, as the job that produced it."""
        self.deleted: set[str] = set()
        """IDs of deleted jobs and runs: they 404 even where unknown IDs are generated."""
        self.idempotency: dict[tuple[str, str], tuple[str, Any]] = {}
        self.created = 0
        self.replayed = 0
        self._random = random.Random(seed)
        self._origin = self.clock()

    def now(self) -> float:
        """The clock's reading."""
        return self.clock()

    def moment(self, reading: float) -> datetime:
        """The time (UTC) of clock ``reading``, as the jobs' timestamps show it."""
        return EPOCH + timedelta(seconds=reading - self._origin)

    def timestamp(self, reading: float) -> str:
        """The ISO 8601 time (UTC, milliseconds) of clock ``reading``."""
        return self.moment(reading).isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def replay(self, scope: str, key: str | None, body: Any) -> Job | Literal[False] | None:
        """The job an earlier request with Idempotency-Key ``key`` created; ``False`` when that
        request had another body; ``None`` when the key is new (or absent)."""
        if key is None or not self.idempotency_keys:
            return None
        seen = self.idempotency.get((scope, key))
        if seen is None:
            return None
        if seen[1] != body:
            return False
        self.replayed += 1
        return self.jobs.get(seen[0])

    def add(
        self, id_: str, request: JobRequest, *, scope: str, key: str | None, extra: dict[str, Any]
    ) -> Job:
        """Store a new job, its fate decided now from the rules."""
        duration = self.job_duration(request) if callable(self.job_duration) else self.job_duration
        job = Job(
            id=id_,
            seq=self.created,
            request=request,
            started=self.now(),
            duration=max(0.0, duration),
            outcome=self._outcome(request),
            extra=extra,
        )
        self.created += 1
        self.jobs[id_] = job
        if key is not None:
            self.idempotency[(scope, key)] = (id_, request.body)
        return job

    def add_run(self, job: Job, run_id: str) -> None:
        """Record ``run_id`` as the run ``job`` produces."""
        job.run_id = run_id
        self.runs[run_id] = job

    def cancel(self, job: Job) -> bool:
        """Cancel ``job`` now; ``False`` when it already reached a terminal state."""
        if job.phase(self.now()) in TERMINAL:
            return False
        job.cancelled_at = self.now()
        return True

    def delete(self, id_: str) -> None:
        """Forget job or run ``id_``; it 404s from now on."""
        job = self.jobs.pop(id_, None)
        if job is not None and job.run_id is not None:
            self.runs.pop(job.run_id, None)
        run = self.runs.pop(id_, None)
        if run is not None:
            run.run_id = None
        self.deleted.add(id_)

    def newest_first(self, api: Api) -> Iterator[Job]:
        """The jobs of ``api``, newest first."""
        return (job for job in reversed(self.jobs.values()) if job.request.api == api)

    def _outcome(self, request: JobRequest) -> Outcome:
        if _matches(self.fail_jobs, request):
            return "FAILED"
        if self.failure_rate and self._random.random() < self.failure_rate:
            return "FAILED"
        if request.api == "v1" and _matches(self.partial_jobs, request):
            return "PARTIAL_SUCCESS"
        return "COMPLETED"


def _matches(rule: Predicate | None, request: JobRequest) -> bool:
    if rule is None:
        return False
    if callable(rule):
        return rule(request)
    if isinstance(rule, str):
        return request.file_input == rule
    return request.file_input in rule
