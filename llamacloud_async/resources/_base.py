"""What every resource shares: the client's request function, plain or raw."""

from __future__ import annotations

from collections.abc import AsyncIterable, Awaitable, Callable, Coroutine, Iterable
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar, cast

from .._response import RawResponse
from .._types import Timeout
from .._validation import query_string
from ..bulk import BulkFetch, BulkProgress

if TYPE_CHECKING:
    from .._client import AsyncLlamaCloud

T = TypeVar("T")
P = ParamSpec("P")


class _Get(Protocol):
    def __call__(self, path: str, query: str, model: type[T], timeout: Timeout, /) -> Awaitable[T]: ...


class AsyncAPIResource:
    """A group of endpoints; with ``raw=True`` its methods return ``RawResponse`` objects."""

    _get: _Get

    def __init__(self, client: AsyncLlamaCloud, *, raw: bool = False) -> None:
        self._client = client
        self._raw = raw
        # Resources are the client's friends: they share its private request functions.
        self._get = cast(_Get, client._get_raw if raw else client._get)  # pyright: ignore[reportPrivateUsage]

    @cached_property
    def _raw_twin(self) -> AsyncAPIResource:
        """This resource with ``raw=True`` (itself when it already is)."""
        return self if self._raw else type(self)(self._client, raw=True)

    def _bulk(
        self,
        ids: Iterable[str] | AsyncIterable[str],
        get_one: Callable[..., Coroutine[Any, Any, T]],
        scope: dict[str, Any],
        *,
        timeout: Timeout,
        concurrency: int,
        ordered: bool,
        fail_fast: bool,
        on_progress: Callable[[BulkProgress], None] | None,
        progress: bool,
    ) -> BulkFetch[T]:
        """The method ``get_one(resource, id, **scope)`` for every ID, as a ``BulkFetch`` on
        this client's request path. ``scope`` (query parameters) is checked here, before
        anything runs. Bodies are fetched raw and decoded where the items are consumed."""
        query_string(**scope)
        return BulkFetch[T](
            ids,
            partial(get_one, self._raw_twin, **scope, timeout=timeout),
            self._client._cool_down,  # pyright: ignore[reportPrivateUsage]
            decode=None if self._raw else RawResponse[T].parse,
            concurrency=concurrency,
            ordered=ordered,
            fail_fast=fail_fast,
            on_progress=on_progress,
            progress=progress,
        )


def as_raw_bulk(method: Callable[P, BulkFetch[T]]) -> Callable[P, BulkFetch[RawResponse[T]]]:
    """Retype a bulk method of a ``raw=True`` resource: its items carry ``RawResponse``."""
    return cast("Callable[P, BulkFetch[RawResponse[T]]]", method)


def as_raw(method: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, Coroutine[Any, Any, RawResponse[T]]]:
    """Retype a method of a ``raw=True`` resource: it resolves to a ``RawResponse``."""
    return cast("Callable[P, Coroutine[Any, Any, RawResponse[T]]]", method)
