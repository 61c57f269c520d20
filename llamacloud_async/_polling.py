"""Waiting for a job: jittered backoff under one total deadline.

``wait_for_job`` polls until the job's status is terminal. A success status returns the
job; a failure status raises ``PollingError`` carrying it, in the sync client exactly as
in the async one (the official async waiter returns a failed job as if it had
succeeded). A status the client does not know counts as still running, so a new server
state never ends a wait early. A transient failure of one poll (what the client's retry
policy would retry, once its own retries are spent) is logged and the next poll goes
ahead; anything else (a 401, a 404) ends the wait with its error. The deadline covers
the polls and the sleeps together: a poll still in flight when it passes is cancelled.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias, TypeVar

from ._bulk_health import Health
from ._errors import APIError, PollingError, PollingTimeoutError
from ._validation import choice, seconds

log = logging.getLogger("llamacloud_async")

J = TypeVar("J")

DEFAULT_POLLING_TIMEOUT: Final = 2 * 60 * 60.0
"""Seconds a wait lasts at most by default: two hours, as in the official SDK."""

BackoffStrategy: TypeAlias = Literal["constant", "linear", "exponential"]
BACKOFF_STRATEGIES: Final = ("constant", "linear", "exponential")

JITTER: Final = 0.2
"""Each sleep is the interval times a random factor in [1 - JITTER, 1 + JITTER], so that
many waiters started together do not poll in lockstep."""

VERBOSE_EVERY: Final = 10
"""With ``verbose=True``, a progress line is logged every this many polls."""
UNANSWERED_POLLS: Final = 4
"""Transiently failed polls, with none answered yet, that end a wait: a server that
never answers (a wrong base URL, an outage from the start) is reported, not waited on
until the deadline. Once a poll has been answered, transient failures wait it out."""


@dataclass(frozen=True)
class PollSchedule:
    """When to poll: the first interval, how it grows, its cap, and the total deadline."""

    polling_interval: float
    max_interval: float
    timeout: float
    backoff: BackoffStrategy

    @classmethod
    def checked(
        cls, *, polling_interval: float, max_interval: float, timeout: float, backoff: str
    ) -> PollSchedule:
        """The schedule, or a ``ValueError`` naming the argument that is out of range."""
        interval = seconds("polling_interval", polling_interval, positive=True)
        cap = seconds("max_interval", max_interval, positive=True)
        if cap < interval:
            raise ValueError(f"max_interval ({cap}) cannot be less than polling_interval ({interval})")
        deadline = seconds("timeout", timeout, positive=True)
        strategy = choice("backoff", backoff, BACKOFF_STRATEGIES)
        assert strategy is not None
        return cls(interval, cap, deadline, strategy)  # type: ignore[arg-type]

    def intervals(self) -> Iterator[float]:
        """The seconds to sleep before each poll after the first, jittered."""
        interval = self.polling_interval
        while True:
            yield interval * random.uniform(1 - JITTER, 1 + JITTER)
            if self.backoff == "linear":
                interval = min(interval + 1.0, self.max_interval)
            elif self.backoff == "exponential":
                interval = min(interval * 2.0, self.max_interval)


@dataclass(frozen=True)
class JobStates:
    """Which statuses end a wait, and how a failed job is described."""

    succeeded: frozenset[str]
    failed: frozenset[str]
    error_text: Callable[[object], str | None]
    """The job's own error text (``error_message`` in v2, ``error`` in v1)."""

    def is_terminal(self, status: str) -> bool:
        """Whether ``status`` ends a wait (an unknown status does not)."""
        return status in self.succeeded or status in self.failed

    def failure(self, job: object, job_id: str, status: str) -> PollingError:
        """The error for a job that ended in a failure status."""
        parts = [f"Job {job_id} failed with status: {status}"]
        text = self.error_text(job)
        if text:
            parts.append(f"Error: {text}")
        return PollingError(" | ".join(parts), job=job, job_id=job_id, status=status)


async def wait_for_job(
    get: Callable[[], Awaitable[J]],
    status_of: Callable[[J], str],
    *,
    job_id: str,
    states: JobStates,
    schedule: PollSchedule,
    is_transient: Callable[[BaseException], bool],
    verbose: bool = False,
    first_delay: float = 0.0,
) -> J:
    """Poll ``get()`` until the job is terminal; the job, or ``PollingError``.

    Args:
        get: Reads the job once (through the client's request path, with its retries).
        status_of: The job's status.
        job_id: For messages.
        states: Which statuses succeed and fail.
        schedule: Intervals and the total deadline.
        is_transient: Whether a failed poll may be followed by another.
        verbose: Log a progress line every ``VERBOSE_EVERY`` polls.
        first_delay: Seconds to wait before the first poll (a job just created is not
            done yet).

    Raises:
        PollingError: The job ended in a failure status.
        PollingTimeoutError: ``schedule.timeout`` passed first.
        APIError: A poll failed in a way another poll would not mend, or no poll was
            ever answered: the server cannot be reached, or the first
            ``UNANSWERED_POLLS`` failed (a wrong base URL, an outage from the start).
    """
    import anyio  # deferred, as in the request loop: importing the client stays light

    last: J | None = None
    last_error: APIError | None = None
    polls = 0
    health = Health(give_up_after=math.inf, first_round=UNANSWERED_POLLS)
    with anyio.move_on_after(schedule.timeout) as scope:
        intervals = schedule.intervals()
        if first_delay:
            await anyio.sleep(first_delay)
        while True:
            try:
                job = await get()
            except APIError as error:
                if not is_transient(error) or health.judge(error) == Health.STOP:
                    raise
                last_error = error
                log.info("polling job %s failed (%s); polling again", job_id, type(error).__name__)
            else:
                health.succeeded()
                last, last_error = job, None
                status = status_of(job)
                if status in states.succeeded:
                    return job
                if status in states.failed:
                    raise states.failure(job, job_id, status)
            polls += 1
            if verbose and polls % VERBOSE_EVERY == 0:
                shown = status_of(last) if last is not None else "unknown"
                log.info("still waiting for job %s (status %s, %d polls)", job_id, shown, polls)
            await anyio.sleep(next(intervals))
    assert scope.cancelled_caught
    message = f"Job {job_id} did not finish within {schedule.timeout}s"
    if last is not None:
        message += f" (last status: {status_of(last)})"
    if last_error is not None:
        message += f"; the last poll failed: {last_error}"
    raise PollingTimeoutError(message, job=last, pending=[job_id], timeout=schedule.timeout)
