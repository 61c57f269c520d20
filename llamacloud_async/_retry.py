"""What is retried, how long to wait, and the event each retry reports.

An idempotent request (every GET) is retried after connection errors, timeouts, 408,
429 and 5xx gateway statuses; other 4xx, bad bodies, TLS failures and a proxy's 407
are not retried.
A request that is not idempotent is retried blindly only when the failure proves the
server never processed it: a 429, a connection that was never made, or one that failed
before the request's body was sent to its end. The server's
hint (``retry-after-ms``, then ``Retry-After`` in seconds or as an HTTP date) wins over
the exponential backoff, up to ``max_retry_after``; a longer hint gives up at once.
"""

from __future__ import annotations

import logging
import random
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from functools import cache
from typing import TYPE_CHECKING

from ._errors import APIConnectionError, APIStatusError, ProxyAuthenticationError, RedirectError

if TYPE_CHECKING:
    from ._request import Request

log = logging.getLogger("llamacloud_async")

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


@cache
def _never_sent_causes() -> tuple[type[BaseException], ...]:
    """Failures that prove the server never had the whole request."""
    import aiohttp

    from ._upload import BodyNotSent

    return (aiohttp.ClientConnectorError, ConnectionRefusedError, BodyNotSent)


def never_sent(error: BaseException) -> bool:
    """Whether ``error`` proves the request never reached the server."""
    return isinstance(error, APIConnectionError) and isinstance(error.__cause__, _never_sent_causes())


@dataclass(frozen=True)
class RetryPolicy:
    """When to retry a failed request and how long to wait first."""

    max_retries: int
    max_retry_after: float
    retry_on_conflict: bool = False
    initial_backoff: float = 0.5
    max_backoff: float = 8.0

    def should_retry(self, request: Request, error: BaseException) -> bool:
        """Whether ``request`` may be sent again after ``error``. Never after cancellation."""
        if request.idempotent:
            return self.is_retryable(error)
        if isinstance(error, APIStatusError):
            return error.status_code == 429 and self.is_retryable(error)
        return never_sent(error)

    def is_retryable(self, error: BaseException) -> bool:
        """Whether an idempotent request may succeed on a new attempt after ``error``."""
        if not isinstance(error, Exception):
            return False
        if isinstance(error, APIStatusError):
            if error.retry_after is not None and error.retry_after > self.max_retry_after:
                return False
            return error.status_code in RETRYABLE_STATUSES or (
                self.retry_on_conflict and error.status_code == 409
            )
        if isinstance(error, (RedirectError, ProxyAuthenticationError)):  # every attempt would be too
            return False
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


@dataclass(frozen=True)
class RetryEvent:
    """A failed attempt that will be retried: what logging and progress observe."""

    request: Request
    url: str
    attempt: int
    """The number of the attempt that failed, from 1."""
    error: Exception
    delay: float
    """Seconds until the next attempt."""


def log_retry(event: RetryEvent) -> None:
    """Log ``event`` at INFO: method, URL, the reason and when the next attempt goes."""
    if log.isEnabledFor(logging.INFO):
        error = event.error
        reason = getattr(error, "status_code", None) or type(error).__name__
        log.info(
            "%s %s failed (%s); attempt %d in %.2fs",
            event.request.method,
            event.url,
            reason,
            event.attempt + 1,
            event.delay,
        )


class RetryCounter:
    """Counts the retries a client makes (an observer of ``RetryEvent``), for progress."""

    __slots__ = ("retries",)

    def __init__(self) -> None:
        self.retries = 0

    def __call__(self, event: RetryEvent) -> None:
        self.retries += 1
