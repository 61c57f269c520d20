"""Pages of a list, fetched lazily through the client's request path.

A list method returns an ``AsyncPaginator`` at once, without sending anything::

    async for job in client.extract.list(status="COMPLETED"):   # every item, page by page
        ...
    page = await client.extract.list(page_size=50)              # the first page
    page.items, page.next_page_token
    async for page in client.extract.list().iter_pages():       # page by page
        ...

A page is fetched only when the iteration reaches it, so ``break`` stops fetching.
Each page re-sends the first request with its next-page parameter changed: the
``page_token`` of a cursor (v2), the ``skip`` of an offset (v1). The sync client returns
``SyncPaginatedCursor`` and ``SyncPaginatedExtractRuns``: the first page, fetched by the
call, that iterates over every item as the official SDK's pages do.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._request import NO_EXTRAS, Extras, Request
from ._response import parse
from ._transport import Reply
from ._types import TimeoutArg
from ._validation import QueryValue, encode_query
from .types.extract_v2_job_query_response import ExtractV2JobQueryResponse
from .types.extraction.extract_run_list_response import ExtractRunListResponse

if TYPE_CHECKING:
    from ._runtime import Runtime

__all__ = [
    "AsyncPage",
    "AsyncPaginatedCursor",
    "AsyncPaginatedExtractRuns",
    "AsyncPaginator",
    "SyncPage",
    "SyncPaginatedCursor",
    "SyncPaginatedExtractRuns",
]

_NO_NEXT_PAGE = "this is the last page; check has_next_page() before calling get_next_page()"

T = TypeVar("T")
P = TypeVar("P", bound="AsyncPage[Any]")
S = TypeVar("S", bound="SyncPage[Any, Any]")


class PageRequest(Generic[P]):
    """The first page's request, and how to send it again for any other page."""

    __slots__ = ("_extras", "_make", "_params", "_path", "_send", "_timeout")

    def __init__(
        self,
        send: Callable[[Request], Awaitable[Reply]],
        path: str,
        params: Mapping[str, QueryValue],
        timeout: TimeoutArg,
        make: Callable[[PageRequest[P], Reply, dict[str, QueryValue]], P],
        *,
        extras: Extras = NO_EXTRAS,
    ) -> None:
        self._send = send
        self._path = path
        self._params = dict(params)
        self._timeout = timeout
        self._make = make
        self._extras = extras
        self._request(self._params)  # checks the extras before anything is sent

    def _request(self, params: Mapping[str, QueryValue]) -> Request:
        request = Request("GET", self._path + encode_query(params), self._timeout)
        return request.with_extras(*self._extras)

    async def fetch(self, changes: Mapping[str, QueryValue]) -> P:
        """The page whose parameters are the first page's with ``changes`` (and the
        call's ``extra_headers`` and ``extra_query``, on every page)."""
        params = {**self._params, **changes}
        reply = await self._send(self._request(params))
        return self._make(self, reply, params)


class AsyncPage(Generic[T]):
    """One page of a list: its ``items``, and the way to the pages after it.

    ``async for item in page`` walks this page's items and then every later page's.
    """

    items: list[T]

    def __init__(self, request: PageRequest[Any], items: list[T], params: dict[str, QueryValue]) -> None:
        self._request = request
        self._params = params
        self.items = items

    def next_page_params(self) -> dict[str, QueryValue] | None:
        """The query parameters that fetch the next page; ``None`` on the last page."""
        raise NotImplementedError

    def has_next_page(self) -> bool:
        """Whether another page follows this one."""
        return self.next_page_params() is not None

    async def get_next_page(self: P) -> P:
        """Fetch the page after this one.

        Raises:
            RuntimeError: This is the last page (check ``has_next_page()`` first).
        """
        params = self.next_page_params()
        if params is None:
            raise RuntimeError(_NO_NEXT_PAGE)
        page: P = await self._request.fetch(params)
        return page

    async def iter_pages(self: P) -> AsyncIterator[P]:
        """This page, then each later one, fetched as the iteration reaches it."""
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = await page.get_next_page()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item

    def __repr__(self) -> str:
        return f"<{type(self).__name__} items={len(self.items)} has_next_page={self.has_next_page()}>"


class AsyncPaginatedCursor(AsyncPage[T]):
    """A page of a cursor-paginated list (v2): the next page is asked for by ``page_token``."""

    next_page_token: str | None
    """Sent as ``page_token`` for the next page; ``None`` on the last page."""
    total_size: int | None
    """The total number of items, when the server reports it (possibly an estimate)."""

    def __init__(
        self,
        request: PageRequest[Any],
        items: list[T],
        params: dict[str, QueryValue],
        next_page_token: str | None,
        total_size: int | None,
    ) -> None:
        super().__init__(request, items, params)
        self.next_page_token = next_page_token
        self.total_size = total_size

    def next_page_params(self) -> dict[str, QueryValue] | None:
        """``page_token``; ``None`` when the server sent none, or sent the one that fetched
        this page (a server repeating itself would otherwise be paged forever)."""
        token = self.next_page_token
        if not token or token == self._params.get("page_token"):
            return None
        return {"page_token": token}


class AsyncPaginatedExtractRuns(AsyncPage[T]):
    """A page of an offset-paginated list (v1 runs): the next page is asked for by ``skip``."""

    total: int | None
    """How many items the list has in all."""
    skip: int | None
    """How many items come before this page."""
    limit: int | None
    """The most items a page holds."""

    def __init__(
        self,
        request: PageRequest[Any],
        items: list[T],
        params: dict[str, QueryValue],
        total: int | None,
        skip: int | None,
        limit: int | None,
    ) -> None:
        super().__init__(request, items, params)
        self.total = total
        self.skip = skip
        self.limit = limit

    def next_page_params(self) -> dict[str, QueryValue] | None:
        """``skip`` past this page's items, while ``total`` says more remain; ``None``
        after an empty page or when the server reports no total."""
        requested = self._params.get("skip")
        skip = self.skip if self.skip is not None else requested if isinstance(requested, int) else 0
        after = skip + len(self.items)
        if not self.items or self.total is None or after >= self.total:
            return None
        return {"skip": after}


def cursor_page(
    request: PageRequest[AsyncPaginatedCursor[Any]], reply: Reply, params: dict[str, QueryValue]
) -> AsyncPaginatedCursor[Any]:
    """A v2 page of extraction jobs from its reply."""
    body = parse(reply, ExtractV2JobQueryResponse)
    return AsyncPaginatedCursor(request, body.items, params, body.next_page_token, body.total_size)


def runs_page(
    request: PageRequest[AsyncPaginatedExtractRuns[Any]], reply: Reply, params: dict[str, QueryValue]
) -> AsyncPaginatedExtractRuns[Any]:
    """A v1 page of extraction runs from its reply."""
    body = parse(reply, ExtractRunListResponse)
    return AsyncPaginatedExtractRuns(request, body.items, params, body.total, body.skip, body.limit)


class AsyncPaginator(Generic[T, P]):
    """What a list method returns: nothing is sent until it is awaited or iterated.

    ``await paginator`` is the first page; ``async for item in paginator`` every item;
    ``paginator.iter_pages()`` every page. Each use starts again from the first page.
    """

    __slots__ = ("_request",)

    def __init__(self, request: PageRequest[P]) -> None:
        self._request = request

    def __await__(self) -> Generator[Any, None, P]:
        return self._request.fetch({}).__await__()

    async def iter_pages(self) -> AsyncIterator[P]:
        """Every page, from the first, each fetched as the iteration reaches it."""
        first: P = await self
        async for page in first.iter_pages():
            yield page

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item


async def _first_page(paginator: AsyncPaginator[Any, P]) -> P:
    return await paginator


class SyncPage(Generic[T, P]):
    """A page for the sync client: ``for item in page`` walks it and every later page."""

    def __init__(self, runtime: Runtime, source: P | AsyncPaginator[T, P]) -> None:
        self._runtime = runtime
        self._page: P = (
            runtime.call(_first_page, source) if isinstance(source, AsyncPaginator) else source  # pyright: ignore[reportUnknownArgumentType]
        )

    @property
    def items(self) -> list[T]:
        """The items of this page."""
        items: list[T] = self._page.items
        return items

    def has_next_page(self) -> bool:
        """Whether another page follows this one."""
        return self._page.has_next_page()

    def get_next_page(self: S) -> S:
        """Fetch the page after this one (``RuntimeError`` on the last page)."""
        if not self._page.has_next_page():
            raise RuntimeError(_NO_NEXT_PAGE)
        return type(self)(self._runtime, self._runtime.call(self._page.get_next_page))

    def iter_pages(self: S) -> Iterator[S]:
        """This page, then each later one, fetched as the iteration reaches it."""
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = page.get_next_page()

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.items

    def __repr__(self) -> str:
        return f"<{type(self).__name__} items={len(self.items)} has_next_page={self.has_next_page()}>"


class SyncPaginatedCursor(SyncPage[T, AsyncPaginatedCursor[T]]):
    """A page of a cursor-paginated list (v2), for the sync client."""

    @property
    def next_page_token(self) -> str | None:
        """Sent as ``page_token`` for the next page; ``None`` on the last page."""
        return self._page.next_page_token

    @property
    def total_size(self) -> int | None:
        """The total number of items, when the server reports it."""
        return self._page.total_size


class SyncPaginatedExtractRuns(SyncPage[T, AsyncPaginatedExtractRuns[T]]):
    """A page of an offset-paginated list (v1 runs), for the sync client."""

    @property
    def total(self) -> int | None:
        """How many items the list has in all."""
        return self._page.total

    @property
    def skip(self) -> int | None:
        """How many items come before this page."""
        return self._page.skip

    @property
    def limit(self) -> int | None:
        """The most items a page holds."""
        return self._page.limit
