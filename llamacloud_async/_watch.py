"""Waiting for many jobs: batched polls, each job yielded once as it finishes.

Each round asks about every unfinished job, ``batch_size`` IDs per request
(``list(job_ids=[...])``), a few requests in flight at once; then it sleeps on the same
jittered schedule as a single wait. One request per batch replaces one ``get`` per job,
so a thousand jobs cost ten requests a round instead of a thousand (docs/lifecycle.md
has the measurement). A job a batch does not return is read by a ``get`` of its own,
in bulk; a server that refuses the batch filter (400, 405, 422) gets bulk ``get`` for
every job from then on, and a 414 halves the batch. Every request goes through the
client's request path, so the waits share its rate limiter with everything else the
client sends. A transient failure skips the affected jobs for one round; anything else
ends the iteration with its error, and so does a server that never answers (it cannot
be reached, or the first polls all fail: a wrong base URL). One deadline covers the
whole wait, and its error names the last failed poll, if the last poll failed.
"""

from __future__ import annotations

import math
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import Final, Generic, TypeVar

from ._bulk_health import Health, stopped
from ._errors import APIError, APIStatusError, PollingTimeoutError
from ._polling import UNANSWERED_POLLS, JobStates, PollSchedule

J = TypeVar("J")

DEFAULT_BATCH_SIZE: Final = 100
"""IDs per list request: about 5 KB of query string for typical IDs, well under the
8 KB that common proxies and servers accept in a request line."""

DEFAULT_CONCURRENCY: Final = 4
"""Batch requests in flight at once."""

_BATCH_REFUSED: Final = frozenset({400, 405, 422})
"""Statuses that say the server does not take the ``job_ids`` filter."""

_URI_TOO_LONG: Final = 414


class AsyncJobWatcher(Generic[J]):
    """An async iterator of jobs, each yielded once, as it reaches a terminal state.

    Use it as ``async for job in client.extract.wait_many(job_ids)``; leaving the loop
    early (or ``aclose()``) stops polling. ``pending`` lists the jobs not yet yielded.
    """

    def __init__(
        self,
        job_ids: list[str],
        *,
        list_batch: Callable[[list[str]], Awaitable[list[J]]],
        get_each: Callable[[list[str]], AsyncIterator[tuple[str, J | Exception]]],
        id_of: Callable[[J], str],
        status_of: Callable[[J], str],
        states: JobStates,
        schedule: PollSchedule,
        is_transient: Callable[[BaseException], bool],
        batch_size: int = DEFAULT_BATCH_SIZE,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self._pending = dict.fromkeys(job_ids)
        self._list_batch = list_batch
        self._get_each = get_each
        self._id_of = id_of
        self._status_of = status_of
        self._states = states
        self._schedule = schedule
        self._is_transient = is_transient
        self._batch_size = batch_size
        self._concurrency = concurrency
        self._batched = True
        self._last: dict[str, J] = {}
        self._health = Health(give_up_after=math.inf, first_round=UNANSWERED_POLLS)
        self._last_error: APIError | None = None
        """The error of the latest failed poll, if no poll has been answered since."""
        self._jobs: AsyncGenerator[J, None] = self._run()

    @property
    def pending(self) -> list[str]:
        """The IDs of the jobs not yet yielded."""
        return list(self._pending)

    def __aiter__(self) -> AsyncJobWatcher[J]:
        return self

    async def __anext__(self) -> J:
        return await self._jobs.__anext__()

    async def aclose(self) -> None:
        """Stop polling."""
        await self._jobs.aclose()

    async def __aenter__(self) -> AsyncJobWatcher[J]:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _run(self) -> AsyncGenerator[J, None]:
        import anyio

        schedule = self._schedule
        deadline = anyio.current_time() + schedule.timeout
        intervals = schedule.intervals()
        while self._pending:
            finished: list[J] = []
            with anyio.move_on_after(deadline - anyio.current_time()):
                finished = await self._round(list(self._pending))
            for job in finished:
                del self._pending[self._id_of(job)]
                yield job
            if not self._pending:
                return
            left = deadline - anyio.current_time()
            if left <= 0:
                raise self._timeout()
            await anyio.sleep(min(next(intervals), left))

    async def _round(self, pending: list[str]) -> list[J]:
        """Poll every pending job once; the ones now finished, each once."""
        import anyio

        finished: dict[str, J] = {}
        unseen: list[str] = []
        errors: list[APIError] = []
        if self._batched:
            size = self._batch_size
            limiter = anyio.CapacityLimiter(self._concurrency)

            async def poll(batch: list[str]) -> None:
                async with limiter:
                    unseen.extend(await self._poll_batch(batch, finished, errors))

            async with anyio.create_task_group() as group:
                for start in range(0, len(pending), size):
                    group.start_soon(poll, pending[start : start + size])
            if errors:
                raise errors[0]
        else:
            unseen = pending
        if unseen:
            async for job_id, outcome in self._get_each(unseen):
                if isinstance(outcome, Exception):
                    if not isinstance(outcome, APIError) or self._ends_the_wait(outcome):
                        raise outcome
                else:
                    self._answered()
                    self._seen(job_id, outcome, finished)
        return list(finished.values())

    async def _poll_batch(
        self, batch: list[str], finished: dict[str, J], errors: list[APIError]
    ) -> list[str]:
        """One list request for ``batch``; the IDs it did not return, to be read one by
        one. A transient failure returns none: the batch waits for the next round."""
        try:
            jobs = await self._list_batch(batch)
        except APIStatusError as error:
            if error.status_code in _BATCH_REFUSED:
                self._batched = False
                return batch
            if error.status_code == _URI_TOO_LONG and len(batch) > 1:
                self._batch_size = max(1, len(batch) // 2)
                return []
            if self._ends_the_wait(error):
                errors.append(error)
            return []
        except APIError as error:
            if self._ends_the_wait(error):
                errors.append(error)
            return []
        self._answered()
        wanted = set(batch)
        returned: set[str] = set()
        for job in jobs:
            job_id = self._id_of(job)
            if job_id in wanted:
                returned.add(job_id)
                self._seen(job_id, job, finished)
        return [job_id for job_id in batch if job_id not in returned]

    def _answered(self) -> None:
        self._health.succeeded()
        self._last_error = None

    def _ends_the_wait(self, error: APIError) -> bool:
        """A poll failed: a transient failure waits for the next round, unless no poll
        has ever been answered (then, like anything else, it ends the wait)."""
        if not self._is_transient(error):
            return True
        if self._health.judge(error) == Health.STOP:
            stopped(error, "the wait", "job")
            return True
        self._last_error = error
        return False

    def _seen(self, job_id: str, job: J, finished: dict[str, J]) -> None:
        self._last[job_id] = job
        if job_id in self._pending and self._states.is_terminal(self._status_of(job)):
            finished.setdefault(job_id, job)

    def _timeout(self) -> PollingTimeoutError:
        pending = list(self._pending)
        shown = ", ".join(pending[:5]) + (", …" if len(pending) > 5 else "")
        message = f"{len(pending)} job(s) did not finish within {self._schedule.timeout}s: {shown}"
        if self._last_error is not None:
            message += f"; the last poll failed: {self._last_error}"
        last = self._last.get(pending[0]) if len(pending) == 1 else None
        return PollingTimeoutError(message, job=last, pending=pending, timeout=self._schedule.timeout)
