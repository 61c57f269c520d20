"""The one owner of "the server is busy": a client-wide adaptive rate limiter.

Written here because botocore's adaptive limiter (the model for this one) is not usable
outside botocore, and no library in our dependencies paces an asyncio client. It also
differs from botocore's: botocore cuts to 0.7x of its measured *send* rate at every 429
(for an API answering in a millisecond that is ten times the limit, and in-flight 429s
cut again and again), and its bucket holds a second's worth of sends; this one measures
what the server *accepts*, cuts once per measurement, and saves up no burst.

It is off until the server first answers 429, and costs the request path one attribute
check per request while off. From then on every send takes
a slot of a schedule spaced ``1 / rate`` apart; when none is free, senders wait in a
FIFO queue that a pacer task releases at the rate of the moment (O(1) per waiter, in
order, and a changed rate applies to those already waiting). Each event loop the client
is used from has its own queue and pacer, taking slots of the one schedule, so loops in
several threads share the limit and a loop that ended strands nobody. The rate
follows what the server *accepts*:

- it measures the limit where the server is known to be at it: between two 429s the
  server's bucket was empty at both ends, so what it accepted in between, over the
  time between them, *is* its limit, whatever burst it had saved up before. Once the
  recent answers hold significantly more than 8 % 429s (a one-sided test, so sporadic
  429s lower nothing), the rate is set 5 % under the limit so measured. The first cut
  comes after a few answers and errs high, and the next stretch refines it; answers
  that come in lumps (every sender waiting out the same backoff) give no stretch to
  measure, so the rate the window accepted is taken as a floor to climb from (the
  first floor comes as soon as the 429s are significant, before a whole window of a
  herd's retries; a later one ends the fast climb);
- "recent" means the last hundred-odd answers at any rate, and a window lasts at least
  16 answers' worth (up to half a second), so at a limit of 10/s the verdicts rest on
  as much evidence as at 400/s and the rate does not swing far over the limit;
- after a window that used its rate with no more than sporadic 429s it probes upward,
  CUBIC-like: fast far below the limit last measured, slowly just under it, and past
  it slowly at first, faster the longer no 429 comes (a burst the server saved up is
  spent before the rate climbs far), so a raised limit is found within a few seconds.
  A window with more 429s holds the rate, and so does an idle one: a pause in the
  sends says nothing about a higher limit;
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
"""Seconds per measuring window at least: probing steps once a window, and a window
without a 429 ends a throttled episode."""
WINDOW_ANSWERS = 16
LONGEST_WINDOW = 0.5
"""Past the slow start a window holds ``WINDOW_ANSWERS`` answers at the paced rate, up to
``LONGEST_WINDOW`` seconds: at a low limit its verdicts then rest on as many answers as at
a high one, while a raised limit is still found within seconds."""
BELOW_LIMIT = 0.95
"""After a cut, the allowed rate as a share of the limit just measured."""
OVER_LIMIT_SHARE = 0.08
"""The share of 429s an episode must significantly exceed to count as over the server's
limit: sporadic 429s (an unlucky request, a flaky proxy) lower nothing."""
SIGNIFICANCE = 2.0
"""How many standard deviations above ``OVER_LIMIT_SHARE`` an episode's 429s must be."""
MIN_THROTTLED = 4
MIN_ANSWERS = 64
"""429s, and answers, the recent windows need before they may count as over the limit.
The recent answers halve every ``MIN_ANSWERS`` answers (or ``RECENT_HALF_LIFE`` seconds),
not every window, so that they reach it at any rate."""
RECENT_HALF_LIFE = 5.0
MIN_MEASURED = 8
"""Accepted answers between two 429s needed to measure the limit."""
FIRST_MEASURED = 2
"""The same for the first cut, which stops a client sending unpaced."""
SLOW_PROBE = 1.03
"""Growth per window from just under the last measured limit up to it."""
FAST_PROBE = 1.25
"""Growth per window well below the last measured limit, and the fastest growth above it."""
FAST_PROBE_BELOW = 0.9
START_PROBE = 2.0
"""Growth per window while no limit has been measured (TCP's slow start)."""
ABOVE_PROBE = 0.02
"""Growth per window just past the last measured limit; it doubles every ``ABOVE_DOUBLING``
seconds spent above it, so a server's saved-up burst is spent before the rate climbs fast,
while a raised limit is still found within seconds."""
ABOVE_DOUBLING = 0.4
STEP_BACK_REACH = 1.25
"""How far past the last measured limit a window with more than sporadic 429s sends the
rate back under that limit: the measurement was right. Farther past it the limit has
moved, and the next stretch between 429s measures it anew."""
QUIET_OFF = 60.0
"""Seconds without a 429 after which the adaptive part switches off."""
LATE_TOLERANCE = 0.002
"""Seconds a slot may be taken late and still keep the schedule (timers fire up to ~1 ms
late), which is also the most credit an idle limiter keeps."""
MAX_PAUSE = 0.05
"""Seconds without an answer that end a measuring stretch (or three paced intervals)."""
MAX_CUT = 0.25
"""The deepest cut of the rate one measurement may make."""
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
        self._ceiling = 0.0
        """The limit measured at the last cut (CUBIC's W_max)."""
        self._exact = False
        """Whether ``_ceiling`` was measured over enough answers to probe slowly near it."""
        self._above_since: float | None = None
        """When the probe last rose past ``_ceiling``."""
        self._next_slot = 0.0
        self._queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Queue] = (
            weakref.WeakKeyDictionary()
        )
        """One queue of waiters and one pacer per event loop the client is used from: a
        future is woken only by its own loop, while the slots are the client's."""
        self._last: tuple[asyncio.AbstractEventLoop | None, _Queue] = (None, _Queue())
        self._window = WINDOW
        self._window_end = 0.0
        self._window_throttled = 0
        self._window_answers = 0
        self._recent_throttled = 0.0
        self._recent_answers = 0.0
        """429s and answers of the closed windows, each window weighing half the next."""
        self._anchor: float | None = None
        """The time of a 429 that starts a measuring stretch (the server's bucket was
        empty then), or ``None`` outside a throttled stretch."""
        self._accepted_since_anchor = 0
        self._anchor_paced = False
        """Whether sends were paced when the stretch began: only then do they keep the
        server's bucket empty throughout, and the measurement is exact."""
        self._last_answer = 0.0
        self._measured_in_window = False
        self._last_throttle = 0.0

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
            if self.enabled:
                now = self._clock()
                self._answered(now)
                self._window_answers += 1
                self._accepted_since_anchor += 1
                self._roll(now)
            return
        now = self._clock()
        self.throttled += 1
        if not self.enabled:  # the first 429: start measuring
            self.enabled = True
            self._window_end = now + self._window
        else:
            self._answered(now)
            self._roll(now)
        self._throttle(now)

    def _answered(self, now: float) -> None:
        """A pause in the answers (every sender waiting out a backoff) lets the server's
        bucket fill, so a measuring stretch must not span one."""
        if now - self._last_answer > max(MAX_PAUSE, 3.0 / (self._learned or 1e9)):
            self._anchor = None
        self._last_answer = now

    def _throttle(self, now: float) -> None:
        """Count a 429; cut once the recent answers are clearly over the limit."""
        self._last_throttle = now
        self._window_throttled += 1
        self._window_answers += 1
        anchor = self._anchor
        if anchor is None:
            self._anchor, self._accepted_since_anchor = now, 0
            self._anchor_paced = self._learned is not None
            return
        measured = self._accepted_since_anchor
        first = self._learned is None
        if measured < (FIRST_MEASURED if first else MIN_MEASURED):
            if first and self._over_limit():
                # Unpaced and clearly over the limit, with no stretch to measure yet (every
                # sender retrying at once): pace at what the server accepted so far.
                span = max(now - self._window_end + self._window, 1e-3)
                accepted = max(1, self._window_answers - self._window_throttled)
                self._cut(accepted / span, exact=False, floor=True)
            return
        span = max(now - anchor, 1e-3)
        paced = self._anchor_paced
        if span >= self._window:  # the next measurement starts here, so a changed limit shows
            self._anchor, self._accepted_since_anchor = now, 0
            self._anchor_paced = self._learned is not None
        if not self._over_limit():
            return
        self._measured_in_window = True
        # The server's bucket was empty at the anchor and is empty now: what it accepted
        # in between is its limit, whatever burst it had saved up before. The first cut
        # comes early, from a few answers, and errs high: a next stretch refines it.
        self._cut((measured + first) / span, exact=paced and measured >= MIN_MEASURED)

    def _cut(self, limit: float, *, exact: bool, floor: bool = False) -> None:
        """Pace a little under ``limit``; never raise the rate here. Until a limit is
        ``exact`` (measured over enough answers) the probe climbs fast from it, and from
        the first ``floor`` (the accepted rate of a window) faster still."""
        target = BELOW_LIMIT * limit
        if self._learned is not None:
            if target >= self._learned:
                return
            target = max(target, MAX_CUT * self._learned)  # one odd stretch cannot collapse it
        self._ceiling = 0.0 if floor and self._learned is None else limit
        self._learned = max(MIN_RATE, target)
        self._exact = exact
        self._above_since = None

    def _over_limit(self) -> bool:
        """Whether the recent 429s are significantly more than sporadic ones."""
        throttled = self._recent_throttled + self._window_throttled
        answers = self._recent_answers + self._window_answers
        if throttled < MIN_THROTTLED or answers < MIN_ANSWERS:
            return False
        expected = OVER_LIMIT_SHARE * answers
        spread = (OVER_LIMIT_SHARE * (1 - OVER_LIMIT_SHARE) * answers) ** 0.5
        return throttled - expected > SIGNIFICANCE * spread

    def _roll(self, now: float) -> None:
        """Close the window once it has ended: a window without a 429 ends the throttled
        stretch, and a window that used its rate with no more than sporadic 429s lets
        the rate probe upward (one with more, or an idle one, holds it)."""
        if now < self._window_end:
            return
        window, answers, throttled = self._window, self._window_answers, self._window_throttled
        elapsed = window + now - self._window_end
        over = throttled > 0 and self._over_limit()
        if over and not self._measured_in_window:
            # Over the limit with no stretch to measure it by (the senders all waited out
            # a backoff together, so the answers came in lumps): pace at what the window
            # accepted, which spreads the sends out so that the next stretch measures.
            self._cut((answers - throttled) / window, exact=False, floor=True)
        elif throttled == 0:
            self._anchor = None
        learned = self._learned
        if (
            learned is not None
            and not over
            and throttled <= OVER_LIMIT_SHARE * answers
            and answers >= learned * elapsed / 2
        ):
            self._learned = learned = learned * self._growth(now) ** min(elapsed / window, 4.0)
        elif (
            learned is not None
            and self._exact
            and self._ceiling < learned <= STEP_BACK_REACH * self._ceiling
            and throttled > OVER_LIMIT_SHARE * answers
        ):  # the probe just past the measured limit met more than sporadic 429s: it was right
            self._learned = learned = BELOW_LIMIT * self._ceiling
            self._above_since = None
        self._measured_in_window = False
        keep = 0.5 ** max(answers / MIN_ANSWERS, elapsed / RECENT_HALF_LIFE)
        self._recent_throttled = self._recent_throttled * keep + throttled
        self._recent_answers = self._recent_answers * keep + answers
        if learned is not None and self._ceiling:  # past the slow start: windows of answers
            self._window = min(LONGEST_WINDOW, max(WINDOW, WINDOW_ANSWERS / learned))
        self._window_end = now + self._window
        self._window_throttled = self._window_answers = 0
        if now - self._last_throttle > QUIET_OFF:
            self._switch_off()

    def _growth(self, now: float) -> float:
        """The probe's growth per window: CUBIC's shape around the last measured limit."""
        assert self._learned is not None
        if not self._ceiling:
            return START_PROBE
        if not self._exact or self._learned < FAST_PROBE_BELOW * self._ceiling:
            return FAST_PROBE
        if self._learned < self._ceiling:
            self._above_since = None
            return SLOW_PROBE
        if self._above_since is None:
            self._above_since = now
        doubling = ABOVE_DOUBLING * self._window / WINDOW  # as many windows at any rate
        return min(FAST_PROBE, 1 + ABOVE_PROBE * 2 ** ((now - self._above_since) / doubling))

    def _switch_off(self) -> None:
        self.enabled = self.rate_limit is not None
        self._learned = None
        self._window = WINDOW
        self._anchor = None


class _Queue:
    """The senders waiting on one event loop, and the task releasing them."""

    __slots__ = ("pacer", "waiters")

    def __init__(self) -> None:
        self.waiters: deque[asyncio.Future[None]] = deque()
        self.pacer: asyncio.Task[None] | None = None
