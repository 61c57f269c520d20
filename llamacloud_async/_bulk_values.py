"""The values of a bulk fetch: its options, one item's result, a progress snapshot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Generic, TypedDict, TypeVar, cast

T = TypeVar("T")

DEFAULT_CONCURRENCY = 32
"""Requests in flight by default: enough to hide network latency many times over, and
below the connection pool's 100, without tripping typical per-key rate limits."""

DEFAULT_GIVE_UP_AFTER = 10.0
"""Seconds without a single success after which a bulk fetch stops."""


class BulkOptions(TypedDict, total=False):
    """How a bulk method (``get_many`` and its siblings) runs; every key is optional.

    Each bulk method returns an async iterator of ``BulkResult`` (``index``, ``id``,
    ``value``, ``error``), one per ID, streamed as they complete; a failed item carries
    its error and never stops the others. IDs are read lazily from any iterable or async
    iterable. Leaving the loop early cancels the rest.
    """

    concurrency: int
    """The most requests in flight (default 32). The send rate is the rate limiter's
    business: it follows the server's limit on its own."""
    ordered: bool
    """Yield results in input order (with a bounded reordering window) instead of as
    they complete (default ``False``)."""
    fail_fast: bool
    """Stop at the first failure: cancel the rest and raise its error (default ``False``)."""
    on_progress: Callable[[BulkProgress], None] | None
    """Called with a ``BulkProgress`` as each item is handed over, in the consuming task
    or thread."""
    progress: bool
    """Show a progress line on stderr (default ``False``)."""
    total: int | None
    """How many IDs there are, for the percentage and ETA of progress, when the input
    has no ``len()`` (a generator, a file)."""
    give_up_after: float
    """Seconds without any success after which the fetch stops, raising the last
    error (default 10). A throttled item is sent again until then; other transient
    failures keep each item's retry budget. Independently of it, a 401 or 403, or a
    server that cannot be reached at all, stops the fetch at once, and so does a first
    round of ``concurrency`` transient failures with no success. A 404 is about its
    item and never stops anything."""


class BulkResult(Generic[T]):
    """The outcome for one input ID: ``value`` on success, ``error`` on failure.

    ``value`` is typed ``T``, so it needs no narrowing after ``if item.ok:`` or
    ``if item.error is None:``; on a failed item there is no value, and reading it
    raises that item's error.
    """

    __slots__ = ("_value", "error", "id", "index")

    def __init__(self, index: int, id: str, value: T | None, error: Exception | None) -> None:
        self.index = index
        """Position of the ID in the input, from 0."""
        self.id = id
        """The ID as given."""
        self._value = value
        self.error = error
        """The exception (an ``APIError``, or ``ValueError`` for a malformed ID), or ``None``."""

    @property
    def ok(self) -> bool:
        """Whether the fetch succeeded."""
        return self.error is None

    @property
    def value(self) -> T:
        """The decoded model; on a failed item, reading it raises the item's ``error``."""
        if self.error is not None:
            raise self.error
        return cast(T, self._value)

    @value.setter
    def value(self, value: T) -> None:
        self._value = value

    def unwrap(self) -> T:
        """The value, or raise the error (the same as reading ``value``)."""
        return self.value

    def __repr__(self) -> str:
        outcome = f"error={self.error!r}" if self.error is not None else f"value={type(self._value).__name__}"
        return f"BulkResult(index={self.index}, id={self.id!r}, {outcome})"


@dataclass(frozen=True)
class BulkProgress:
    """A snapshot of a bulk fetch, passed to ``on_progress`` after each item."""

    done: int
    """Items handed to the consumer so far, failed ones included."""
    failed: int
    """Items that ended in an error."""
    retries: int
    """Retry attempts made by the client since the fetch started."""
    rate_limited: int
    """429 responses met since the fetch started."""
    concurrency: int
    """Requests allowed in flight."""
    elapsed: float
    """Seconds since the fetch started."""
    total: int | None = None
    """How many items there are, when known."""
    server_limit: float | None = None
    """The send rate the rate limiter has learned from the server's 429s (requests per
    second), or ``None`` while it has not been throttled."""

    @property
    def rate(self) -> float:
        """Items finished per second."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def percent(self) -> float | None:
        """Share of the items finished, from 0 to 100, when the total is known."""
        return 100.0 * self.done / self.total if self.total else None

    @property
    def eta(self) -> timedelta | None:
        """Time left at the current rate, when the total is known."""
        if not self.total or self.rate <= 0:
            return None
        return timedelta(seconds=round(max(0, self.total - self.done) / self.rate))
