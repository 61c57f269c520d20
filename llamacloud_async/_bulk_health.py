"""When a bulk fetch or ``run_many`` stops early: telling an item's own failure from the
whole run's."""

from __future__ import annotations

import time
from functools import cache

from ._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    AuthenticationError,
    PermissionDeniedError,
    RateLimitError,
)


@cache
def _unreachable_causes() -> tuple[type[BaseException], ...]:
    import aiohttp

    return (aiohttp.ClientConnectorError, ConnectionRefusedError)


RECENT_WEIGHT = 1 / 32
"""The weight of the newest answer in ``Health``'s share of failing answers."""


class Health:
    """Tells an item's own failure from a failure of the whole fetch (or ``run_many``).

    A 401 or 403, or a server that cannot be reached at all before anything succeeded,
    is about every item: the fetch stops at once. So does a first round of ``concurrency`` transient failures
    with no success, and any transient failure once nothing has succeeded for
    ``give_up_after`` seconds. Until then a 429 sends its item again; other failures
    (a 404, a bad body, a 5xx after its retries) belong to their item.
    """

    ITEM, AGAIN, STOP = "item", "again", "stop"

    def __init__(self, give_up_after: float, first_round: int) -> None:
        self._give_up_after = give_up_after
        self._first_round = first_round
        self._last_success = time.monotonic()
        self._successes = 0
        self._transient_failures = 0
        self._failing_share = 0.0
        """The share of the recent answers that were transient failures (a moving
        average over about ``1 / RECENT_WEIGHT`` of them)."""

    @property
    def mostly_failing(self) -> bool:
        """Whether most recent answers were transient failures: an outage, where each
        retry should wait longer than the last. While most succeed, faults are scattered
        and an item that failed again only had bad luck."""
        return self._failing_share >= 0.5

    def succeeded(self) -> None:
        self._successes += 1
        self._last_success = time.monotonic()
        self._failing_share -= RECENT_WEIGHT * self._failing_share

    def judge(self, error: Exception) -> str:
        """``ITEM``, ``AGAIN`` (send the item again) or ``STOP`` (end the fetch with it)."""
        if isinstance(error, (AuthenticationError, PermissionDeniedError)):
            return self.STOP
        if _unreachable(error) and self._successes == 0:
            return self.STOP
        if not _transient(error):
            return self.ITEM
        self._transient_failures += 1
        self._failing_share += RECENT_WEIGHT * (1.0 - self._failing_share)
        if self._successes == 0 and self._transient_failures >= self._first_round:
            return self.STOP
        if time.monotonic() - self._last_success > self._give_up_after:
            return self.STOP
        return self.AGAIN if isinstance(error, RateLimitError) else self.ITEM


def _unreachable(error: Exception) -> bool:
    """A connection that could not be made at all (refused, DNS), however deep in the
    causes (an upload's ``BodyNotSent`` wraps it)."""
    if not isinstance(error, APIConnectionError):
        return False
    cause = error.__cause__
    for _ in range(4):
        if cause is None:
            return False
        if isinstance(cause, _unreachable_causes()):
            return True
        cause = cause.__cause__
    return False


def _transient(error: Exception) -> bool:
    if isinstance(error, APIStatusError):
        return error.status_code in (408, 429) or error.status_code >= 500
    return isinstance(error, APIConnectionError)


def stopped(error: Exception, run: str = "the bulk fetch", item: str = "item") -> Exception:
    """``error``, its message saying that it is not about one ``item`` and ended ``run``."""
    if isinstance(error, APIError) and f"stopped {run}" not in error.message:
        error.message += f" (this failure is not about one {item}, so it stopped {run})"
    return error
