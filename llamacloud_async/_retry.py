"""What is retried, how long to wait, and the cool-down a client shares after a 429.

GET requests are idempotent, so connection errors, timeouts, 408, 429 and 5xx gateway
statuses are retried; other 4xx, bad bodies and TLS failures are not. The server's hint
(``retry-after-ms``, then ``Retry-After`` in seconds or as an HTTP date) wins over the
exponential backoff, up to ``max_retry_after``; a longer hint gives up at once.
"""

from __future__ import annotations

import asyncio
import random
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from functools import cache

from ._errors import APIConnectionError, APIStatusError, RateLimitError

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@cache
def _not_retryable_causes() -> tuple[type[BaseException], ...]:
    """Failures of configuration, not of the moment: TLS, redirect loops, bad URLs."""
    import aiohttp

    return (
        ssl.SSLError,
        ssl.CertificateError,
        aiohttp.ClientSSLError,
        aiohttp.TooManyRedirects,
        aiohttp.InvalidURL,
    )


@dataclass(frozen=True)
class RetryPolicy:
    """When to retry a failed request and how long to wait first."""

    max_retries: int
    max_retry_after: float
    retry_on_conflict: bool = False
    initial_backoff: float = 0.5
    max_backoff: float = 8.0

    def is_retryable(self, error: BaseException) -> bool:
        """Whether ``error`` may succeed on a new attempt. Never true for cancellation."""
        if not isinstance(error, Exception):
            return False
        if isinstance(error, APIStatusError):
            if error.retry_after is not None and error.retry_after > self.max_retry_after:
                return False
            return error.status_code in RETRYABLE_STATUSES or (
                self.retry_on_conflict and error.status_code == 409
            )
        if isinstance(error, APIConnectionError):
            return not isinstance(error.__cause__, _not_retryable_causes())
        return False

    def delay(self, retry_number: int, error: BaseException | None) -> float:
        """Seconds to wait before retry number ``retry_number`` (1-based) after ``error``."""
        if isinstance(error, APIStatusError) and error.retry_after is not None:
            return error.retry_after
        backoff = min(self.max_backoff, self.initial_backoff * 2 ** (retry_number - 1))
        return backoff * (0.75 + random.random() / 4)


def retry_after(headers: Mapping[str, str]) -> float | None:
    """The server's retry hint in seconds, or ``None`` when absent or malformed."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            value = float(milliseconds) / 1000
        except ValueError:
            value = None
        if value is not None and 0 <= value < float("inf"):
            return value
    seconds = headers.get("retry-after")
    if seconds is None:
        return None
    try:
        value = float(seconds)
    except ValueError:
        return _seconds_until(seconds)
    return value if 0 <= value < float("inf") else None


def _seconds_until(http_date: str) -> float | None:
    try:
        moment = parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0.0, moment.timestamp() - time.time())


class CoolDown:
    """A pause every request of one client honours after a 429 with a retry hint.

    Concurrent requests then back off together instead of each one finding out the
    limit on its own. ``rate_limited`` and ``retries`` count what the client has met,
    for the bulk fetch's concurrency control and progress.
    """

    __slots__ = ("rate_limited", "retries", "until")

    def __init__(self) -> None:
        self.until = 0.0
        self.rate_limited = 0
        self.retries = 0

    def note(self, error: BaseException) -> None:
        """Count a 429, and extend the pause when it says how long to wait."""
        if isinstance(error, RateLimitError):
            self.rate_limited += 1
            if error.retry_after is not None:
                self.until = max(self.until, time.monotonic() + error.retry_after)

    async def wait(self) -> None:
        """Sleep until the pause is over (at once when there is none)."""
        remaining = self.until - time.monotonic()
        while remaining > 0:
            await asyncio.sleep(remaining)
            remaining = self.until - time.monotonic()
