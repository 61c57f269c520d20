"""The sync client's runtime: a private event-loop thread, calls and iterators over it.

Each sync client owns a daemon thread running an event loop (uvloop's when the
``uvloop`` extra is installed; an async caller's loop stays the caller's choice). Every
sync call is handed to it with ``call_soon_threadsafe`` and waited for on a lock (anyio's
``BlockingPortal`` does the same with about 50 us more per call, more than the whole hop
costs here). ``iterate`` turns any async iterator into a plain one. The thread starts on
the first call, restarts in a forked child, and is stopped (closing the HTTP session
first) by ``close()``, when the client is garbage-collected, or at interpreter exit.

``SyncClient`` is the hand-written base of the generated ``LlamaCloud`` (``_sync.py``).
"""

from __future__ import annotations

import asyncio
import os
import threading
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, Protocol, TypeVar, runtime_checkable

from ._errors import ClientClosedError

if TYPE_CHECKING:
    from ._client import AsyncLlamaCloud
    from ._config import ClientOptions

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
P = ParamSpec("P")
Self = TypeVar("Self", bound="SyncClient")

_BATCH = 256
"""Items an iterator hands to the sync caller per thread hop, at most."""

_runtimes: weakref.WeakSet[Runtime] = weakref.WeakSet()


def new_event_loop() -> asyncio.AbstractEventLoop:
    """A new uvloop loop, or asyncio's when uvloop is not installed."""
    try:
        import uvloop
    except ImportError:
        pass
    else:
        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)``, on uvloop when it is installed.

    The coroutine runs outside the ``except ImportError`` block, so an error it raises
    is not chained to uvloop's absence.
    """
    try:
        import uvloop
    except ImportError:
        pass
    else:
        return uvloop.run(main)
    return asyncio.run(main)


@runtime_checkable
class Batches(Protocol[T_co]):
    """An async source a sync caller takes items from, many per thread hop.

    ``fetch_ready`` runs on the loop and returns the next item and any more already
    waiting, undecoded (empty at the end); ``deliver`` finishes each in the caller's
    thread. ``BulkFetch.sync_batches()`` is one: its bodies are decoded by the caller.
    """

    async def fetch_ready(self, limit: int) -> list[Any]: ...
    def deliver(self, item: Any) -> T_co: ...
    def end(self) -> None: ...
    async def aclose(self) -> None: ...


class _OneAtATime(Generic[T]):
    """Any async iterator as ``Batches``: one item per hop, delivered as it is."""

    def __init__(self, source: AsyncIterator[T]) -> None:
        self._source = source

    async def fetch_ready(self, limit: int) -> list[Any]:
        try:
            return [await anext(self._source)]
        except StopAsyncIteration:
            return []

    def deliver(self, item: Any) -> T:
        result: T = item
        return result

    def end(self) -> None:
        pass

    async def aclose(self) -> None:
        aclose = getattr(self._source, "aclose", None)
        if aclose is not None:
            await aclose()


class _Loop:
    """A running loop thread: what submitting calls and shutting down need."""

    def __init__(self, on_shutdown: Callable[[], Awaitable[None]]) -> None:
        self._on_shutdown = on_shutdown
        self.loop = new_event_loop()
        self.running = True
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="llamacloud-async-loop", daemon=True
        )
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run ``coroutine`` on the loop and wait for its result; an interrupt (Ctrl-C)
        while waiting cancels it on the loop.

        The caller sleeps on a bare lock that the task's done-callback releases: a hop
        costs 33 us on one core, against 44 us through ``run_coroutine_threadsafe`` and
        its ``concurrent.futures.Future``.
        """
        call = _Call(coroutine)
        self.loop.call_soon_threadsafe(call.start, self.loop)
        try:
            if not call.done.acquire(timeout=-1 if timeout is None else timeout):
                raise TimeoutError(f"the loop thread did not finish within {timeout}s")
        except BaseException:
            self.loop.call_soon_threadsafe(call.cancel)
            raise
        return call.result()

    def shutdown(self) -> None:
        if not self.running or threading.current_thread() is self.thread or not self.thread.is_alive():
            return
        self.running = False
        try:
            self.run(self._stop_tasks(), timeout=10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)
            self.loop.close()

    async def _stop_tasks(self) -> None:
        await self._on_shutdown()
        current = asyncio.current_task()
        others = [task for task in asyncio.all_tasks() if task is not current]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        await self.loop.shutdown_asyncgens()


class _Call(Generic[T]):
    """One coroutine run on the loop for a caller blocked on ``done``."""

    __slots__ = ("_coroutine", "_task", "done")

    def __init__(self, coroutine: Coroutine[Any, Any, T]) -> None:
        self._coroutine = coroutine
        self._task: asyncio.Task[T] | None = None
        self.done = threading.Lock()
        self.done.acquire()

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """On the loop thread: run the coroutine as a task."""
        self._task = loop.create_task(self._coroutine)
        self._task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[T]) -> None:
        if not task.cancelled():
            task.exception()  # retrieved here, raised by result(): never logged as lost
        self.done.release()

    def cancel(self) -> None:
        """On the loop thread, after ``start``: cancel the task."""
        if self._task is not None:
            self._task.cancel()

    def result(self) -> T:
        """The task's result, or its exception raised; only once ``done`` is released."""
        assert self._task is not None
        return self._task.result()


class Runtime:
    """Runs coroutines for sync callers on a private event-loop thread."""

    def __init__(self, on_shutdown: Callable[[], Awaitable[None]]) -> None:
        self._on_shutdown = on_shutdown
        self._lock = threading.Lock()
        self._loop: _Loop | None = None
        self._closed = False
        self._finalizer: weakref.finalize[Any, Any] | None = None
        _runtimes.add(self)

    def call(self, function: Callable[P, Coroutine[Any, Any, T]], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``function(*args, **kwargs)`` on the loop thread and return its result.

        An interrupt (Ctrl-C) while waiting cancels the call on the loop thread.
        """
        return self._loop_thread().run(function(*args, **kwargs))

    def iterate(self, source: AsyncIterator[T] | Batches[T]) -> Iterator[T]:
        """``source`` as a plain iterator; leaving it early closes ``source`` on the loop.

        Items cross a batch per hop when ``source`` offers ``sync_batches()`` (bulk
        fetches: their bodies are decoded here, in the calling thread), else one per hop.
        """
        loop = self._loop_thread()
        offer = getattr(source, "sync_batches", None)
        batches: Batches[T] = offer() if offer is not None else _OneAtATime(source)  # type: ignore[arg-type]
        ended = False
        try:
            while batch := self.call(batches.fetch_ready, _BATCH):
                batch.reverse()
                while batch:  # popped, so a delivered item lives only as long as the caller keeps it
                    yield batches.deliver(batch.pop())
            ended = True
            batches.end()
        finally:
            if not ended:
                loop.run(batches.aclose())

    def close(self) -> None:
        """Close the session and stop the loop thread; later calls raise ``ClientClosedError``."""
        with self._lock:
            self._closed = True
            finalizer, self._finalizer, self._loop = self._finalizer, None, None
        if finalizer is not None:
            finalizer()

    def _loop_thread(self) -> _Loop:
        loop = self._loop
        if loop is None or not loop.running:
            loop = self._start()
        if threading.current_thread() is loop.thread:
            raise RuntimeError(
                "a sync LlamaCloud method was called from its own event-loop thread, which would "
                "deadlock; use AsyncLlamaCloud in async code"
            )
        return loop

    def _start(self) -> _Loop:
        with self._lock:
            if self._closed:
                raise ClientClosedError("this client is closed; create a new one")
            if self._loop is None:
                self._loop = _Loop(self._on_shutdown)
                self._finalizer = weakref.finalize(self, self._loop.shutdown)
            return self._loop

    def forget_after_fork(self) -> None:
        """In a forked child the loop thread is gone: start afresh on the next call."""
        self._lock = threading.Lock()
        if self._finalizer is not None:
            self._finalizer.detach()
        self._loop = None
        self._finalizer = None


def _after_fork_in_child() -> None:
    for runtime in list(_runtimes):
        runtime.forget_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class SyncClient:
    """Runs an ``AsyncLlamaCloud`` on a private event-loop thread, for sync code."""

    _async: AsyncLlamaCloud
    _runtime: Runtime

    def __init__(self, async_client: AsyncLlamaCloud) -> None:
        self._async = async_client
        self._runtime = Runtime(async_client.close)

    @property
    def _options(self) -> ClientOptions:
        return self._async._options  # pyright: ignore[reportPrivateUsage]

    @_options.setter
    def _options(self, options: ClientOptions) -> None:
        self._async._options = options  # pyright: ignore[reportPrivateUsage]

    def close(self) -> None:
        """Close the HTTP session and stop the loop thread. The client cannot be used afterwards."""
        self._runtime.close()

    def __enter__(self: Self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._options.base_url!r}, api_key=<redacted>)"

    def _view(self: Self, async_client: AsyncLlamaCloud) -> Self:
        """A client sharing this one's loop thread, over ``async_client``."""
        view = type(self).__new__(type(self))
        view._async = async_client
        view._runtime = self._runtime
        return view
