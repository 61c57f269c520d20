"""The one owner of "the server is busy": hooks before each send and after each response."""

from __future__ import annotations

import asyncio
import time

from ._errors import RateLimitError


class RateLimiter:
    """A pause every request of one client honours after a 429 with a retry hint."""

    __slots__ = ("enabled", "throttled", "until")

    def __init__(self) -> None:
        self.enabled = False
        """Whether ``before_send`` must be awaited; a plain attribute, read on every request."""
        self.until = 0.0
        self.throttled = 0
        """429 responses met."""

    async def before_send(self) -> None:
        """Wait until the request may be sent."""
        remaining = self.until - time.monotonic()
        while remaining > 0:
            await asyncio.sleep(remaining)
            remaining = self.until - time.monotonic()
        self.enabled = False

    def after_response(self, error: Exception | None) -> None:
        """Learn from a response: ``None`` for a success, else its error."""
        if isinstance(error, RateLimitError):
            self.throttled += 1
            if error.retry_after is not None:
                self.until = max(self.until, time.monotonic() + error.retry_after)
                self.enabled = True
