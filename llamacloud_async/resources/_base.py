"""What every resource shares: building a Request, sending it, decoding the reply."""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Coroutine, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

from .._polling import JobStates, PollSchedule, wait_for_job
from .._request import NO_EXTRAS, Extras, Request
from .._response import AsyncAPIResponse, decoded, parse
from .._transport import Reply
from .._types import NOT_GIVEN, Body, Headers, Query, TimeoutArg
from .._validation import query_string
from ..bulk import BulkFetch, BulkOptions

if TYPE_CHECKING:
    from .._client import AsyncLlamaCloud

T = TypeVar("T")

P = ParamSpec("P")


class AsyncAPIResource:
    """A group of endpoints; with ``raw=True`` its methods return ``AsyncAPIResponse`` objects."""

    def __init__(self, client: AsyncLlamaCloud, *, raw: bool = False) -> None:
        self._client = client
        self._raw = raw
        # Resources are the client's friends: they send through its request loop.
        self._requests = client._requests  # pyright: ignore[reportPrivateUsage]
        self._send = self._requests.send

    async def _get(
        self,
        path: str,
        model: type[T],
        timeout: TimeoutArg,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
    ) -> T:
        """``GET path`` (with its query string), decoded into ``model`` (or raw)."""
        request = Request("GET", path, timeout)
        if extra_headers or extra_query or extra_body:
            request = request.with_extras(extra_headers, extra_query, extra_body)
        return self._decoded(await self._send(request), model)

    async def _read(self, path: str, model: type[T], timeout: TimeoutArg, extras: Extras = NO_EXTRAS) -> T:
        """``GET path`` decoded into ``model``, raw or not: for pages and polls."""
        return parse(await self._send(Request("GET", path, timeout).with_extras(*extras)), model)

    async def _poll(
        self,
        path: str,
        model: type[T],
        status_of: Callable[[T], str],
        states: JobStates,
        schedule: PollSchedule,
        *,
        job_id: str,
        verbose: bool,
        first_delay: float,
        extras: Extras,
    ) -> T:
        """Read the job at ``path`` until it is terminal (``wait_for_job``); the job, or
        ``PollingError``. Each poll is a ``GET`` on the request path, with ``extras``."""

        async def get() -> T:
            return await self._read(path, model, NOT_GIVEN, extras)

        return await wait_for_job(
            get,
            status_of,
            job_id=job_id,
            states=states,
            schedule=schedule,
            is_transient=self._is_transient,
            verbose=verbose,
            first_delay=first_delay,
        )

    def _is_transient(self, error: BaseException) -> bool:
        """Whether the client's retry policy would try a read again after ``error``."""
        return self._requests.options.policy.is_retryable(error)

    async def _post(self, path: str, model: type[T], timeout: TimeoutArg, extras: Extras = NO_EXTRAS) -> T:
        """``POST path`` without a body, for an action that is harmless to repeat (a
        cancel): retried like a ``GET``."""
        return self._decoded(await self._send(Request("POST", path, timeout).with_extras(*extras)), model)

    async def _delete(self, path: str, timeout: TimeoutArg, extras: Extras = NO_EXTRAS) -> object:
        """``DELETE path``: the decoded JSON body, ``None`` for an empty one (or raw)."""
        reply = await self._send(Request("DELETE", path, timeout).with_extras(*extras))
        if self._raw or reply.content.strip():
            return self._decoded(reply, object)
        return None

    def _decoded(self, reply: Reply, model: type[T]) -> T:
        if self._raw:
            return cast(T, AsyncAPIResponse(reply, model))
        return parse(reply, model)

    def _bulk(
        self,
        ids: Iterable[str] | AsyncIterable[str],
        get_one: Callable[..., Coroutine[Any, Any, T]],
        scope: dict[str, Any],
        timeout: TimeoutArg,
        options: BulkOptions,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
    ) -> BulkFetch[T]:
        """The method ``get_one(resource, id, **scope)`` for every ID, as a ``BulkFetch`` on
        this client's request path. ``scope`` (query parameters) is checked here, before
        anything runs. Bodies are fetched raw and decoded where the items are consumed.
        Each dispatch is one attempt: the fetch retries an item itself, so that an item
        waiting to retry holds none of the ``concurrency`` slots."""
        Request("GET", query_string(**scope)).with_extras(extra_headers, extra_query)  # checks them
        one_attempt = type(self)(self._client.with_options(max_retries=0), raw=True)
        extras = {"extra_headers": extra_headers, "extra_query": extra_query}
        return BulkFetch[T](
            ids,
            partial(get_one, one_attempt, **scope, **extras, timeout=timeout),
            self._client._requests,  # pyright: ignore[reportPrivateUsage]
            self._client._retries,  # pyright: ignore[reportPrivateUsage]
            decode=None if self._raw else decoded,
            **options,
        )


def as_raw_bulk(method: Callable[P, BulkFetch[T]]) -> Callable[P, BulkFetch[AsyncAPIResponse[T]]]:
    """Retype a bulk method of a ``raw=True`` resource: its items carry ``AsyncAPIResponse``."""
    return cast("Callable[P, BulkFetch[AsyncAPIResponse[T]]]", method)


def as_raw(
    method: Callable[P, Coroutine[Any, Any, T]],
) -> Callable[P, Coroutine[Any, Any, AsyncAPIResponse[T]]]:
    """Retype a method of a ``raw=True`` resource: it resolves to a ``AsyncAPIResponse``."""
    return cast("Callable[P, Coroutine[Any, Any, AsyncAPIResponse[T]]]", method)
