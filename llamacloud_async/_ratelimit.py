"""The one owner of "the server is busy": a client-wide adaptive rate limiter.

Written here because botocore's adaptive limiter (the model for this one) is not usable
outside botocore, and no library in our dependencies paces an asyncio client.

It is off until the server first answers 429, and costs the request path one attribute
check per request while off. From then on every send takes
a slot of a schedule spaced ``1 / rate`` apart; when none is free, senders wait in a
FIFO queue that a pacer task releases at the rate of the moment (O(1) per waiter, in
order, and a changed rate applies to those already waiting). Each event loop the client
is used from has its own queue and pacer, taking slots of the one schedule, so loops in
several threads share the limit and a loop that ended strands nobody. The rate
follows what the server *accepts*:

- it measures the accepted rate in short windows; two of three windows where 429s were
  more than 8 % of the answers were sent above the server's limit, so what they
  accepted *is* the limit, and the rate is set a little under it (a burst of 429s from
  one moment counts once; sporadic 429s lower nothing);
- after a quiet window it probes upward: slowly near the rate where it was last
  throttled, quickly once well past it, so a raised limit is found within seconds;
- a retry hint delays only the request that got it (the request loop sleeps it): one
  unlucky request never pauses the others, while many agreeing 429s lower the rate for
  every sender, which is how sustained throttling slows everything;
- after a quiet minute without a 429 it switches itself off again.

A fixed ``rate_limit`` (requests per second) keeps it on from the start and is never
exceeded, bursts included: slots are spaced ``1 / rate`` apart with no saved-up credit.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import deque
from collections.abc import Awaitable, Callable

from ._errors import RateLimitError

WINDOW = 0.2
"""Seconds per measuring window of the accepted rate."""
BELOW_ACCEPTED = 0.95
"""After a 429, the allowed rate as a share of the accepted rate just measured."""
SLOW_PROBE = 1.03
"""Growth per quiet window near the rate last throttled (``FAST_PROBE_BELOW`` to
``FAST_PROBE_ABOVE`` of it): the plateau of CUBIC's curve."""
FAST_PROBE = 1.25
"""Growth per quiet window away from it: well below (recovering from a deep cut), or
well above (the limit has evidently been raised)."""
FAST_PROBE_BELOW = 0.9
FAST_PROBE_ABOVE = 1.08
QUIET_OFF = 60.0
"""Seconds without a 429 after which the adaptive part switches off."""
LATE_TOLERANCE = 0.002
"""Seconds a slot may be taken late and still keep the schedule (timers fire up to ~1 ms
late), which is also the most credit an idle limiter keeps."""
OVER_LIMIT_SHARE = 0.08
"""The share of a window's responses that must be 429s for it to count as over the
server's limit: sporadic 429s (an unlucky request, a flaky proxy) lower nothing."""
MAX_CUT = 0.25
"""The deepest cut of the rate one window may make."""
MIN_RATE = 1.0


class RateLimiter:
    """Paces one client's sends to what the server accepts (and to ``rate_limit``)."""

    def __init__(
        self,
        rate_limit: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self.rate_limit = rate_limit
        """The fixed cap in requests per second, or ``None``."""
        self.enabled = rate_limit is not None
        """Whether ``before_send`` must be awaited; read on every request."""
        self.throttled = 0
        """429 responses met."""
        self._learned: float | None = None
        self._throttled_at = 0.0
        """The rate that was throttled at the last cut (CUBIC's W_max)."""
        self._next_slot = 0.0
        self._queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Queue] = (
            weakref.WeakKeyDictionary()
        )
        """One queue of waiters and one pacer per event loop the client is used from: a
        future is woken only by its own loop, while the slots are the client's."""
        self._last: tuple[asyncio.AbstractEventLoop | None, _Queue] = (None, _Queue())
        self._window_end = 0.0
        self._window_accepted = 0
        self._window_throttled = 0
        self._over_windows = 0
        self._last_throttle = 0.0
        self._cut_at = float("-inf")

    def set_rate_limit(self, rate_limit: float | None) -> None:
        """Change the fixed cap (``None`` for none)."""
        self.rate_limit = rate_limit
        self.enabled = rate_limit is not None or self._learned is not None

    @property
    def learned_rate(self) -> float | None:
        """The rate learned from the server's 429s; ``None`` while not throttled."""
        return self._learned

    @property
    def rate(self) -> float | None:
        """The rate sends are paced to now, or ``None`` for no pacing."""
        if self._learned is None:
            return self.rate_limit
        return self._learned if self.rate_limit is None else min(self._learned, self.rate_limit)

    async def before_send(self) -> None:
        """Wait for this send's turn: at once when a slot is free and nobody waits."""
        loop = asyncio.get_running_loop()
        last_loop, queue = self._last
        if loop is not last_loop:
            queue = self._queues.get(loop) or self._queues.setdefault(loop, _Queue())
            self._last = (loop, queue)
        waiters = queue.waiters
        if not waiters and self.take(self._clock()):
            return
        waiter = loop.create_future()
        waiters.append(waiter)
        if queue.pacer is None or queue.pacer.done():
            queue.pacer = loop.create_task(self._pace(waiters))
        await waiter  # a cancelled waiter is skipped by the pacer; nothing is held for it

    async def _pace(self, waiters: deque[asyncio.Future[None]]) -> None:
        """Release one loop's waiters in order, one per slot, at the rate of the moment."""
        while waiters:
            now = self._clock()
            if not self.take(now):
                await self._sleep(self._next_slot - now)
                continue
            while waiters:
                waiter = waiters.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    break

    def take(self, now: float) -> bool:
        """Take the slot free at ``now``, if there is one (then the caller may send)."""
        if now < self._next_slot:
            return False
        rate = self.rate
        if rate is not None:
            # Anchored to the schedule, so a timer that fires late loses no slot; an idle
            # limiter saves up at most LATE_TOLERANCE of credit, so bursts stay bounded.
            self._next_slot = max(self._next_slot, now - LATE_TOLERANCE) + 1.0 / rate
        return True

    @property
    def next_slot(self) -> float:
        """When the next slot is free."""
        return self._next_slot

    def after_response(self, error: Exception | None, max_retry_after: float = float("inf")) -> None:
        """Learn from a response: ``None`` for a success, else its error.

        ``max_retry_after`` is the longest hint the caller honours; the limiter never
        applies a longer one to other requests.
        """
        if not isinstance(error, RateLimitError):
            if error is None and self.enabled:
                self._window_accepted += 1
                self._roll(self._clock())
            return
        now = self._clock()
        self.throttled += 1
        self._last_throttle = now
        if not self.enabled:  # the first 429: start measuring
            self.enabled = True
            self._window_end = now + WINDOW
        else:
            self._roll(now)
        self._window_throttled += 1

    def _roll(self, now: float) -> None:
        """Close the measuring window once it has ended: after a window with a 429, the
        rate it accepted is the server's limit; after a quiet one, probe upward."""
        if now < self._window_end:
            return
        elapsed = WINDOW + now - self._window_end
        accepted = self._window_accepted / elapsed
        throttled = self._window_throttled
        over = throttled >= 2 and throttled > OVER_LIMIT_SHARE * (throttled + self._window_accepted)
        self._over_windows = (self._over_windows << 1 | over) & 0b111
        if over:
            # Two of the last three windows: sustained, not a chance cluster of sporadic
            # 429s; and not the 429s of what was sent just before the last cut.
            if self._over_windows.bit_count() >= 2 and now - self._cut_at >= 1.5 * WINDOW:
                self._cut(accepted, now)
        elif throttled == 0 and self._learned is not None:
            near = (
                FAST_PROBE_BELOW * self._throttled_at
                <= self._learned
                <= FAST_PROBE_ABOVE * self._throttled_at
            )
            self._learned *= (SLOW_PROBE if near else FAST_PROBE) ** min(elapsed / WINDOW, 4.0)
        self._window_end = now + WINDOW
        self._window_accepted = 0
        self._window_throttled = 0
        if now - self._last_throttle > QUIET_OFF:
            self._switch_off(now)

    def _cut(self, accepted: float, now: float) -> None:
        """Set the rate a little under ``accepted``, the limit a throttled window met."""
        target = BELOW_ACCEPTED * accepted
        if self._learned is not None:  # one odd window cannot collapse the rate
            target = max(target, MAX_CUT * self._learned)
            self._throttled_at = accepted
        else:  # the first window after a burst of 429s says little: probe fast from it
            self._throttled_at = 0.0
        self._learned = max(MIN_RATE, target)
        self._cut_at = now

    def _switch_off(self, now: float) -> None:
        self.enabled = self.rate_limit is not None
        self._learned = None


class _Queue:
    """The senders waiting on one event loop, and the task releasing them."""

    __slots__ = ("pacer", "waiters")

    def __init__(self) -> None:
        self.waiters: deque[asyncio.Future[None]] = deque()
        self.pacer: asyncio.Task[None] | None = None
