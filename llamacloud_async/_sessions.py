"""One aiohttp session per event loop, for one transport.

An aiohttp session belongs to the loop it was made on, but a client may outlive a loop:
`asyncio.run` twice in a row, one pytest-asyncio loop per test, a notebook that calls
`asyncio.run` in a cell. So a transport keeps a session per loop:

- the first request on a loop opens that loop's session;
- when the loop shuts down (`asyncio.run`, `asyncio.Runner` and pytest-asyncio call
  `loop.shutdown_asyncgens()`), the session closes with it, on that loop, before it is
  closed: an async generator started with the session is what the loop finalizes;
- a loop closed without that step cannot run anything any more, so its session is
  dropped, untouched, when the next loop appears (kept referenced, like a session a
  forked child inherited, so it does not warn when collected);
- two loops in two threads at once each have their own session;
- `close` closes every live loop's session on that loop: the running loop's at once,
  another thread's running loop's there, and an idle loop's by running it in a worker
  thread until its session is closed.

The request path reads `Sessions.current` and compares its loop to the running one;
everything else here runs once per loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncGenerator, Callable
from typing import TYPE_CHECKING

from ._errors import ClientClosedError

if TYPE_CHECKING:
    import aiohttp

    from ._network import ProxyRoutes

__all__ = ["LoopSession", "Sessions"]

_CLOSED_MESSAGE = (
    "this AsyncLlamaCloud client is closed; create a new one "
    "(or keep one open for as long as you need it: `async with AsyncLlamaCloud() as client:`)"
)


class LoopSession:
    """A loop and the session opened on it (with the proxy routes chosen then), and the
    generator that closes the session when the loop shuts down."""

    __slots__ = ("closer", "loop", "routes", "session")

    def __init__(
        self, loop: asyncio.AbstractEventLoop, session: aiohttp.ClientSession, routes: ProxyRoutes | None
    ) -> None:
        self.loop = loop
        self.session = session
        self.routes = routes
        """Which requests go through a proxy; `None` when none does (the common case)."""
        self.closer = _closed_at_loop_shutdown(session)
        _start(self.closer)

    async def close(self) -> None:
        """Close the session (on its own loop, which must be the running one)."""
        await self.closer.aclose()


abandoned: list[LoopSession] = []
"""Sessions whose loop is gone (closed without shutting down, or the parent's, in a forked
child). Nothing can run on that loop to close them, and collecting one would warn about
an unclosed session, so they are kept."""


class Sessions:
    """The sessions of one transport, one per event loop."""

    def __init__(self, open_session: Callable[[], tuple[aiohttp.ClientSession, ProxyRoutes | None]]) -> None:
        self.current: LoopSession | None = None
        """The last loop's session: the request path's one check."""
        self._open_session = open_session
        self._by_loop: dict[asyncio.AbstractEventLoop, LoopSession] = {}
        self._lock = threading.Lock()
        self.closed = False

    def open(self) -> LoopSession:
        """The running loop's session, opened if it has none; `ClientClosedError` after `close`."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self.closed:
                raise ClientClosedError(_CLOSED_MESSAGE)
            self._drop_closed_loops()
            record = self._by_loop.get(loop)
            if record is None:
                record = self._by_loop[loop] = LoopSession(loop, *self._open_session())
            self.current = record
            return record

    def sessions(self) -> list[LoopSession]:
        """The open loops' sessions."""
        with self._lock:
            return list(self._by_loop.values())

    async def close(self) -> None:
        """Close every session: the running loop's now, other live loops' on those loops.

        A loop that is running (in another thread) closes its session itself, soon. A loop
        that is idle, neither running nor closed (`loop.run_until_complete(...)` and then
        `asyncio.run(client.close())`), may never run again, so it is run here, in a worker
        thread, just until its session is closed: nothing is left to warn when collected.
        """
        with self._lock:
            self.closed = True
            records = list(self._by_loop.values())
            self._by_loop.clear()
            self.current = None
        running = asyncio.get_running_loop()
        for record in records:
            if record.loop is running:
                await record.close()
            elif record.loop.is_closed():
                _abandon(record)
            elif record.loop.is_running():
                asyncio.run_coroutine_threadsafe(record.close(), record.loop)
            else:
                await asyncio.to_thread(_close_on_idle_loop, record)

    def forget_after_fork(self) -> None:
        """In a forked child: drop the parent's sessions; the next request opens new ones."""
        self._lock = threading.Lock()  # a parent's thread may have held it at the fork
        for record in self._by_loop.values():
            abandoned.append(record)
        self._by_loop.clear()
        self.current = None

    def _drop_closed_loops(self) -> None:
        for loop in [loop for loop in self._by_loop if loop.is_closed()]:
            _abandon(self._by_loop.pop(loop))


def _close_on_idle_loop(record: LoopSession) -> None:
    """Run `record`'s idle loop in this (worker) thread until its session is closed."""
    loop = record.loop
    closing = record.close()
    try:
        loop.run_until_complete(closing)
    except RuntimeError:
        closing.close()  # never started if the loop was running or closed meanwhile
        if loop.is_running():
            asyncio.run_coroutine_threadsafe(record.close(), loop)
        elif loop.is_closed():
            _abandon(record)
        else:
            raise


def _abandon(record: LoopSession) -> None:
    if not record.session.closed:
        abandoned.append(record)


async def _closed_at_loop_shutdown(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    """Suspended once started; the loop's `shutdown_asyncgens()` finalizes it, which
    closes `session` on that loop while the loop can still run the close."""
    try:
        yield
    finally:
        await session.close()


def _start(generator: AsyncGenerator[None, None]) -> None:
    """Run `generator` to its first `yield` now, registering it with the running loop's
    async generator hooks (it does not suspend on the way, so no await is needed)."""
    step = generator.asend(None)
    try:
        step.send(None)
    except StopIteration:
        return
    raise AssertionError("the session closer suspended before its first yield")  # pragma: no cover
