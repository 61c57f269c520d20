"""When a bulk fetch stops early: telling an item's own failure from the whole fetch's."""

from __future__ import annotations

import time
from functools import cache

from ._errors import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    PermissionDeniedError,
    RateLimitError,
)


@cache
def _unreachable_causes() -> tuple[type[BaseException], ...]:
    import aiohttp

    return (aiohttp.ClientConnectorError, ConnectionRefusedError)


class Health:
    """Tells an item's own failure from a failure of the whole fetch.

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

    def succeeded(self) -> None:
        self._successes += 1
        self._last_success = time.monotonic()

    def judge(self, error: Exception) -> str:
        """``ITEM``, ``AGAIN`` (send the item again) or ``STOP`` (end the fetch with it)."""
        if isinstance(error, (AuthenticationError, PermissionDeniedError)):
            return self.STOP
        unreachable = isinstance(error, APIConnectionError) and isinstance(
            error.__cause__, _unreachable_causes()
        )
        if unreachable and self._successes == 0:
            return self.STOP
        if not _transient(error):
            return self.ITEM
        self._transient_failures += 1
        if self._successes == 0 and self._transient_failures >= self._first_round:
            return self.STOP
        if time.monotonic() - self._last_success > self._give_up_after:
            return self.STOP
        return self.AGAIN if isinstance(error, RateLimitError) else self.ITEM


def _transient(error: Exception) -> bool:
    if isinstance(error, APIStatusError):
        return error.status_code in (408, 429) or error.status_code >= 500
    return isinstance(error, APIConnectionError)
