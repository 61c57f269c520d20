"""The private event loop behind the sync ``LlamaCloud`` client.

Each sync client owns a daemon thread running an asyncio loop with an anyio
``BlockingPortal``; every sync call is submitted to it and waited for. The thread starts
on the first call, restarts in a forked child, and is stopped (closing the HTTP session
first) by ``close()``, when the client is garbage-collected, or at interpreter exit.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import Future
from functools import partial
from typing import Any, ParamSpec, TypeVar

import anyio
from anyio.from_thread import BlockingPortal

T = TypeVar("T")
P = ParamSpec("P")

_BATCH = 256
"""Items an async iterator hands to the sync caller per thread hop, at most."""

_runtimes: weakref.WeakSet[Runtime] = weakref.WeakSet()


class _Loop:
    """A running loop thread and its portal: what shutting down needs."""

    def __init__(self, on_shutdown: Callable[[], Awaitable[None]]) -> None:
        self._on_shutdown = on_shutdown
        self._started = threading.Event()
        self.portal: BlockingPortal | None = None
        self.thread = threading.Thread(target=self._run, name="llamacloud-async-loop", daemon=True)
        self.thread.start()
        self._started.wait()

    def _run(self) -> None:
        anyio.run(self._serve, backend="asyncio")

    async def _serve(self) -> None:
        async with BlockingPortal() as portal:
            self.portal = portal
            self._started.set()
            await portal.sleep_until_stopped()

    def shutdown(self) -> None:
        portal = self.portal
        if portal is None or threading.current_thread() is self.thread or not self.thread.is_alive():
            return
        self.portal = None
        try:
            portal.call(self._on_shutdown)
        finally:
            portal.call(portal.stop)
            self.thread.join(timeout=10)


class Runtime:
    """Runs coroutines for sync callers on a private event-loop thread."""

    def __init__(self, on_shutdown: Callable[[], Awaitable[None]]) -> None:
        self._on_shutdown = on_shutdown
        self._lock = threading.Lock()
        self._loop: _Loop | None = None
        self._closed = False
        self._finalizer: weakref.finalize[Any, Any] | None = None
        _runtimes.add(self)

    def call(self, function: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``function(*args, **kwargs)`` on the loop thread and return its result.

        An interrupt (Ctrl-C) while waiting cancels the call on the loop thread.
        """
        future: Future[T] = self._portal().start_task_soon(partial(function, *args, **kwargs))
        try:
            return future.result()
        except BaseException:
            future.cancel()
            raise

    def iterate(self, iterator: AsyncIterator[T]) -> Iterator[T]:
        """``iterator`` as a plain iterator; leaving it early closes ``iterator`` on the loop."""
        portal = self._portal()
        done = False

        async def batch() -> list[T]:
            nonlocal done
            items: list[T] = []
            try:
                items.append(await anext(iterator))
                while len(items) < _BATCH and _has_ready_item(iterator):
                    items.append(await anext(iterator))
            except StopAsyncIteration:
                done = True
            return items

        try:
            while not done:
                yield from self.call(batch)
        finally:
            if not done:
                aclose = getattr(iterator, "aclose", None)
                if aclose is not None:
                    portal.call(aclose)

    def close(self) -> None:
        """Close the session and stop the loop thread; later calls raise ``RuntimeError``."""
        with self._lock:
            self._closed = True
            finalizer, self._finalizer, self._loop = self._finalizer, None, None
        if finalizer is not None:
            finalizer()

    def _portal(self) -> BlockingPortal:
        loop = self._loop
        if loop is None or loop.portal is None:
            loop = self._start()
        if threading.current_thread() is loop.thread:
            raise RuntimeError(
                "a sync LlamaCloud method was called from its own event-loop thread, which would "
                "deadlock; use AsyncLlamaCloud in async code"
            )
        assert loop.portal is not None
        return loop.portal

    def _start(self) -> _Loop:
        with self._lock:
            if self._closed:
                raise RuntimeError("this client is closed; create a new one")
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


def _has_ready_item(iterator: AsyncIterator[Any]) -> bool:
    ready = getattr(iterator, "has_ready_item", None)
    return bool(ready()) if callable(ready) else False


def _after_fork_in_child() -> None:
    for runtime in list(_runtimes):
        runtime.forget_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
