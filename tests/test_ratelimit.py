"""The adaptive rate limiter, on a fake clock: unit behaviour and a simulated server."""

from __future__ import annotations

import asyncio
import heapq
import random
from collections import deque
from dataclasses import dataclass, field

import pytest

from llamacloud_async._errors import RateLimitError
from llamacloud_async._ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def throttle(retry_after: float | None = None) -> RateLimitError:
    error = RateLimitError(
        "429", method="GET", url="u", status_code=429, request_id=None, headers={}, body=b""
    )
    error.retry_after = retry_after
    return error


def test_it_is_off_until_the_first_429() -> None:
    limiter = RateLimiter(clock=Clock())
    assert not limiter.enabled
    assert limiter.rate is None
    limiter.after_response(None)
    limiter.after_response(throttle())
    assert limiter.enabled


def test_a_fixed_rate_limit_spaces_every_send_with_no_burst() -> None:
    clock = Clock()
    limiter = RateLimiter(rate_limit=100, clock=clock)
    assert limiter.enabled
    clock.now = 50.0  # idle for a long time: no credit is saved up
    slots: list[float] = []
    while len(slots) < 200:
        if limiter.take(clock.now):
            slots.append(clock.now)
        else:
            clock.now = limiter.next_slot + 0.0015  # a timer that fires late keeps the schedule
    assert len([t for t in slots if t < 51.0]) <= 101
    assert slots[-1] - slots[0] <= 2.0


def window(
    limiter: RateLimiter, clock: Clock, *, accepted: int, throttled: int, seconds: float = 0.25
) -> None:
    """One measuring window's answers, spread over ``seconds``, then the window closes."""
    start = clock.now
    answers = [None] * accepted + [throttle()] * throttled
    for i, error in enumerate(answers):
        clock.now = start + seconds * i / len(answers)
        limiter.after_response(error)
    clock.now = start + seconds
    limiter.after_response(None)


def over_the_limit(
    limiter: RateLimiter, clock: Clock, *, accepted: float, throttled: float, seconds: float
) -> None:
    """Answers of a sender above the server's limit: ``accepted`` and ``throttled`` per
    second, interleaved, for ``seconds``."""
    start, step = clock.now, 1 / (accepted + throttled)
    for i in range(round(seconds / step)):
        clock.now = start + i * step
        limiter.after_response(throttle() if i % round((accepted + throttled) / throttled) == 0 else None)


def test_the_rate_is_set_under_what_the_server_accepted_between_429s() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    limiter.after_response(throttle())
    assert limiter.learned_rate is None  # no measurement yet
    for _ in range(40):  # a burst the server had saved up: accepted, but not its limit
        limiter.after_response(None)
    over_the_limit(limiter, clock, accepted=400, throttled=200, seconds=0.5)
    assert limiter.learned_rate == pytest.approx(0.95 * 400, rel=0.05)


def test_sporadic_429s_lower_nothing() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    limiter.after_response(throttle())
    for _ in range(20):
        window(limiter, clock, accepted=95, throttled=5)
    assert limiter.learned_rate is None


def test_a_burst_of_429s_from_one_moment_lowers_nothing_more() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    limiter.after_response(throttle())
    over_the_limit(limiter, clock, accepted=400, throttled=200, seconds=0.5)
    for _ in range(2 * 80):  # two quiet windows, paced under the limit
        clock.now += 1 / 400
        limiter.after_response(None)
    cut = limiter.learned_rate
    assert cut is not None
    for _ in range(100):  # the 429s of requests sent together, all answered at once
        limiter.after_response(throttle())
    assert limiter.learned_rate == cut


def test_random_429s_at_a_steady_share_lower_nothing() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    chance = random.Random(7)
    for i in range(20_000):  # 2,000 answers a second, 5 % of them 429 at random
        clock.now = i / 2000
        limiter.after_response(throttle(0.02) if chance.random() < 0.05 else None)
    assert limiter.learned_rate is None


@pytest.mark.parametrize("retry_after", [5.0, 120.0])
def test_a_hint_never_pauses_the_other_senders(retry_after: float) -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    clock.now = 10.0
    for _ in range(10):
        limiter.after_response(throttle(retry_after=retry_after), max_retry_after=60)
    assert limiter.take(clock.now)
    assert limiter.take(clock.now)


def test_after_a_quiet_minute_it_switches_off() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    limiter.after_response(throttle())
    window(limiter, clock, accepted=100, throttled=100)
    window(limiter, clock, accepted=100, throttled=100)
    assert limiter.learned_rate is not None
    clock.now = 70.0
    limiter.after_response(None)
    assert not limiter.enabled
    assert limiter.learned_rate is None


async def test_waiters_are_released_in_order_and_a_cancelled_one_holds_nobody() -> None:
    limiter = RateLimiter(rate_limit=200)
    order: list[int] = []

    async def send(i: int) -> None:
        await limiter.before_send()
        order.append(i)

    tasks = [asyncio.create_task(send(i)) for i in range(10)]
    await asyncio.sleep(0)
    tasks[3].cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert order == [0, 1, 2, 4, 5, 6, 7, 8, 9]


# A simulated server with a token-bucket limit, and senders that retry as the client does.


@dataclass
class Server:
    rate: float
    burst: float
    tokens: float = 0.0
    at: float = 0.0

    def accept(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


@dataclass
class Outcome:
    successes: list[float] = field(default_factory=list[float])
    throttled_at: list[float] = field(default_factory=list[float])
    sent_at: list[float] = field(default_factory=list[float])

    @property
    def throttled(self) -> int:
        return len(self.throttled_at)

    @property
    def sent(self) -> int:
        return len(self.sent_at)

    def goodput(self, start: float, end: float) -> float:
        return sum(start <= t < end for t in self.successes) / (end - start)

    def throttled_share(self, start: float, end: float) -> float:
        """The share of the sends in ``[start, end)`` that met a 429."""
        sent = sum(start <= t < end for t in self.sent_at)
        return sum(start <= t < end for t in self.throttled_at) / sent


def simulate(
    limits: list[tuple[float, float]],
    *,
    latency: float,
    hint: float | None,
    senders: int = 64,
    until: float = 12.0,
) -> Outcome:
    """``limits``: (from time, requests/s). Each sender waits for its slot, sends, gets
    the answer ``latency`` later, and after a 429 waits the hint (or a 0.5 s backoff)."""
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    server = Server(rate=limits[0][1], burst=20, tokens=20)
    outcome = Outcome()
    events: list[tuple[float, int, str, bool]] = [(0.0, i, "ready", False) for i in range(senders)]
    heapq.heapify(events)
    waiting: deque[int] = deque()  # the limiter's queue, released by a simulated pacer
    while events:
        at, sender, kind, accepted = heapq.heappop(events)
        clock.now = at
        if kind == "ready":
            if at >= until:
                continue
            if not limiter.enabled or (not waiting and limiter.take(at)):
                heapq.heappush(events, (at, sender, "send", False))
            else:
                waiting.append(sender)
                if len(waiting) == 1:  # the pacer starts with its first waiter
                    heapq.heappush(events, (limiter.next_slot, -1, "pace", False))
        elif kind == "pace":
            if limiter.take(at):
                heapq.heappush(events, (at, waiting.popleft(), "send", False))
            if waiting:  # timers fire a little late
                heapq.heappush(events, (max(limiter.next_slot, at) + 0.0005, -1, "pace", False))
        elif kind == "send":
            server.rate = next(rate for start, rate in reversed(limits) if at >= start)
            outcome.sent_at.append(at)
            heapq.heappush(events, (at + latency, sender, "answer", server.accept(at)))
        elif accepted:
            outcome.successes.append(at)
            limiter.after_response(None)
            heapq.heappush(events, (at, sender, "ready", False))
        else:
            outcome.throttled_at.append(at - latency)  # by send time, as sent_at
            limiter.after_response(throttle(hint))
            heapq.heappush(events, (at + (hint if hint is not None else 0.5), sender, "ready", False))
    return outcome


@pytest.mark.parametrize(
    ("latency", "hint"),
    [
        (0.001, 0.2),
        (0.001, None),
        (0.02, 0.2),
        (0.02, None),
    ],
)
def test_a_steady_limit_is_held_with_few_429s(latency: float, hint: float | None) -> None:
    outcome = simulate([(0.0, 400)], latency=latency, hint=hint)
    assert outcome.goodput(4, 12) >= 0.9 * 400
    assert outcome.throttled <= 0.1 * outcome.sent


@pytest.mark.parametrize(
    "latency",
    [0.001, 0.02],
)
def test_a_changed_limit_is_followed_within_three_seconds(latency: float) -> None:
    outcome = simulate([(0.0, 400), (4.0, 100), (8.0, 400)], latency=latency, hint=0.2, until=14.0)
    assert outcome.goodput(5.0, 8.0) >= 0.9 * 100
    assert outcome.goodput(11.0, 14.0) >= 0.9 * 400
    assert outcome.throttled <= 0.1 * outcome.sent


@pytest.mark.parametrize("limit", [10, 40])
@pytest.mark.parametrize(("latency", "hint"), [(0.001, 0.2), (0.02, None), (0.02, "next token")])
def test_a_low_limit_is_held_with_few_429s(limit: float, latency: float, hint: float | str | None) -> None:
    # A window of a fifth of a second holds only 2 to 8 answers at these limits: the
    # verdicts must rest on enough answers all the same, or the rate swings over the limit.
    retry_after = 1 / limit if hint == "next token" else hint
    assert not isinstance(retry_after, str)
    outcome = simulate([(0.0, limit)], latency=latency, hint=retry_after, until=20.0)
    assert outcome.goodput(4, 20) >= 0.9 * limit
    assert outcome.throttled_share(4, 20) <= (0.15 if limit == 10 else 0.1)


def test_an_idle_pause_does_not_raise_the_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    limiter.after_response(throttle())
    over_the_limit(limiter, clock, accepted=400, throttled=200, seconds=0.5)
    for _ in range(2 * 80):  # two quiet windows, paced under the limit: the probe may rise
        clock.now += 1 / 400
        limiter.after_response(None)
    learned = limiter.learned_rate
    assert learned is not None
    clock.now += 2.0  # nobody sent for two seconds: nothing was learned of a higher limit
    limiter.after_response(None)
    assert limiter.learned_rate == learned


def _quiet_until(limiter: RateLimiter, clock: Clock, rate: float) -> None:
    """Answers without a 429, at the paced rate, until the probe passes ``rate``."""
    while (limiter.learned_rate or 0) <= rate:
        clock.now += 1 / (limiter.rate or 1)
        limiter.after_response(None)


def test_429s_just_past_the_measured_limit_send_the_rate_back_under_it() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    limiter.after_response(throttle())
    over_the_limit(limiter, clock, accepted=400, throttled=200, seconds=0.5)
    _quiet_until(limiter, clock, 410)
    window(limiter, clock, accepted=80, throttled=10, seconds=0.2)
    assert limiter.learned_rate == pytest.approx(0.95 * 400, rel=0.05)


def test_429s_far_past_a_measured_limit_that_has_since_risen_do_not_send_it_back() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    limiter.after_response(throttle())
    over_the_limit(limiter, clock, accepted=100, throttled=50, seconds=2.0)
    assert limiter.learned_rate == pytest.approx(95, rel=0.05)
    _quiet_until(limiter, clock, 500)  # the server's limit rose to 400 or so: no 429 on the way
    window(limiter, clock, accepted=100, throttled=25, seconds=0.2)
    assert (limiter.learned_rate or 0) > 300


def test_a_herd_of_429s_is_paced_before_its_window_ends() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    limiter.after_response(throttle())
    for i in range(100):  # 64 senders retrying together, one of them accepted, within 50 ms
        clock.now = i * 0.0005
        limiter.after_response(None if i == 50 else throttle())
    assert limiter.learned_rate is not None
