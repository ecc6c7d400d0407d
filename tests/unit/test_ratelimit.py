"""The client-side rate limiter: never more than the limit in any window, pauses for all."""

from __future__ import annotations

import heapq
import threading
import time
from bisect import bisect_left
from collections.abc import Callable

import httpx
import pytest
from helpers import FakeTime, ManualClock
from hypothesis import given, settings, strategies as st

from pulumi_jetemail._ratelimit import RateLimiter, default_burst
from pulumi_jetemail._settings import API_REQUESTS_PER_MINUTE, DEFAULT_REQUESTS_PER_MINUTE
from pulumi_jetemail.client import JetEmailClient


def most_in_any_window(slots: list[float], per: float) -> int:
    """The largest number of slots inside one half-open window [t, t + per)."""
    ordered = sorted(slots)
    return max(bisect_left(ordered, start + per) - i for i, start in enumerate(ordered))


def limiter_on(
    fake: FakeTime | ManualClock,
    max_requests: int = 200,
    per: float = 60.0,
    burst: int | None = None,
) -> RateLimiter:
    return RateLimiter(max_requests, per, burst=burst, clock=fake.clock, sleep=fake.sleep)


def test_a_burst_goes_at_once_then_requests_are_spaced_evenly() -> None:
    fake = FakeTime(start=0.0)
    limiter = limiter_on(fake)  # 200/min: burst 10, then one every 0.3 s
    slots = [limiter.acquire() for _ in range(13)]
    assert slots[:10] == [0.0] * 10
    assert slots[10:] == pytest.approx([0.3, 0.6, 0.9])
    assert sum(fake.sleeps) == pytest.approx(0.9)


def test_200_a_minute_never_puts_more_than_200_in_any_60_second_window() -> None:
    fake = FakeTime()
    limiter = limiter_on(fake)
    slots = [limiter.acquire() for _ in range(1000)]
    assert most_in_any_window(slots, 60.0) == 200
    # ...and keeps close to the full pace: 1000 requests in a little over 5 minutes.
    assert slots[-1] - slots[0] < 5 * 60 + 10


def test_a_quiet_limiter_lets_a_request_through_at_once() -> None:
    fake = FakeTime()
    limiter = limiter_on(fake)
    for _ in range(300):
        limiter.acquire()
    fake.now += 120
    fake.sleeps.clear()
    limiter.acquire()
    assert fake.sleeps == []


@settings(max_examples=200, deadline=None)
@given(
    max_requests=st.integers(min_value=1, max_value=40),
    burst_share=st.floats(min_value=0.0, max_value=1.0),
    gaps=st.lists(st.floats(min_value=0.0, max_value=5.0), min_size=1, max_size=150),
)
def test_no_window_ever_holds_more_than_the_limit(
    max_requests: int, burst_share: float, gaps: list[float]
) -> None:
    fake = FakeTime()
    burst = 1 + int(burst_share * (max_requests - 1))
    limiter = limiter_on(fake, max_requests, per=10.0, burst=burst)
    slots = []
    for gap in gaps:
        fake.now += gap  # the caller shows up a while after the previous call returned
        arrived = fake.now
        slot = limiter.acquire()
        assert slot >= arrived
        assert fake.now == slot  # the caller waited exactly until its slot
        slots.append(slot)
    assert most_in_any_window(slots, 10.0) <= max_requests


def test_pause_makes_the_next_request_wait_it_out() -> None:
    fake = FakeTime()
    limiter = limiter_on(fake)
    limiter.pause(2.0)
    limiter.acquire()
    assert fake.sleeps == [2.0]


def test_a_shorter_pause_never_cuts_a_longer_one() -> None:
    fake = FakeTime()
    limiter = limiter_on(fake)
    limiter.pause(300.0)
    limiter.pause(1.0)
    assert limiter.paused_until == fake.now + 300.0


def test_a_pause_blocks_every_other_thread_until_it_ends() -> None:
    manual = ManualClock()
    limiter = limiter_on(manual)
    limiter.pause(5.0)  # as the thread that got a 429 does
    done: list[float] = []
    others = [threading.Thread(target=lambda: done.append(limiter.acquire())) for _ in range(3)]
    for thread in others:
        thread.start()
    manual.wait_for_sleepers(3)
    manual.advance(4.9)
    manual.wait_for_sleepers(3)
    assert done == []  # still paused
    manual.advance(0.1)
    for thread in others:
        thread.join(timeout=10)
    assert done == [5.0, 5.0, 5.0]


def test_a_thread_already_waiting_for_its_slot_also_honours_a_new_pause() -> None:
    manual = ManualClock()
    limiter = limiter_on(manual, 60, burst=1)  # one a second
    limiter.acquire()  # takes t=0; the next slot is t=1
    granted: list[float] = []
    waiter = threading.Thread(target=lambda: granted.append(limiter.acquire()))
    waiter.start()
    manual.wait_for_sleepers(1)  # asleep until t=1
    limiter.pause(10.0)  # a 429 elsewhere, at t=0
    manual.advance(1.0)
    manual.wait_for_sleepers(1)  # woke at t=1, saw the pause, sleeps again
    assert granted == []
    manual.advance(9.0)
    waiter.join(timeout=10)
    assert granted == [10.0]


def test_threads_sharing_a_limiter_never_exceed_it_in_real_time() -> None:
    # Real threads, real clock, a short window: 50 per 0.25 s is 12000 a minute.
    limiter = RateLimiter(50, per=0.25, burst=5)
    results: list[tuple[float, float]] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(15):
            slot = limiter.acquire()
            returned = time.monotonic()
            with lock:
                results.append((slot, returned))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    slots = [slot for slot, _ in results]
    assert len(slots) == 120  # nobody lost, nobody stuck
    assert most_in_any_window(slots, 0.25) <= 50
    assert all(returned >= slot for slot, returned in results)  # nobody went early


@pytest.mark.parametrize(
    ("max_requests", "expected"),
    [(1, 1), (20, 1), (60, 3), (200, 10), (240, 10), (6000, 10)],
)
def test_default_burst_is_small(max_requests: int, expected: int) -> None:
    assert default_burst(max_requests) == expected


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: RateLimiter(0), id="zero a minute"),
        pytest.param(lambda: RateLimiter(-5), id="negative"),
        pytest.param(lambda: RateLimiter(10, per=0), id="zero-length window"),
        pytest.param(lambda: RateLimiter(10, burst=11), id="burst over the limit"),
        pytest.param(lambda: RateLimiter(10, burst=0), id="no burst at all"),
    ],
)
def test_nonsense_limits_are_refused(make: Callable[[], RateLimiter]) -> None:
    with pytest.raises(ValueError, match="must"):
        make()


class VirtualTime:
    """Discrete-event time for a fixed set of threads: time stands still while any of them
    runs, and jumps to the earliest wake-up once all of them sleep (or have finished)."""

    def __init__(self, threads: int) -> None:
        self._now = 0.0
        self._cond = threading.Condition()
        self._running = threads
        self._wakeups: list[float] = []

    def clock(self) -> float:
        with self._cond:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._cond:
            until = self._now + max(seconds, 0.0)
            heapq.heappush(self._wakeups, until)
            self._running -= 1
            self._advance()
            assert self._cond.wait_for(lambda: self._now >= until, timeout=10)
            # Each sleeper takes its own wake-up out: a stale one left behind (two sleepers
            # due at the same time) would stop the clock at a time already reached.
            self._wakeups.remove(until)
            heapq.heapify(self._wakeups)
            self._running += 1

    def finished(self) -> None:
        with self._cond:
            self._running -= 1
            self._advance()

    def _advance(self) -> None:
        if self._running == 0 and self._wakeups:
            self._now = max(self._now, self._wakeups[0])
            self._cond.notify_all()


class AccountLimit:
    """The API's rule on a virtual clock: 240 requests in any 60 s, else 429 and a lockout."""

    def __init__(self, time_: VirtualTime) -> None:
        self.time = time_
        self.sent: list[float] = []
        self.refused = 0
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            now = self.time.clock()
            recent = [t for t in self.sent[-API_REQUESTS_PER_MINUTE:] if t > now - 60.0]
            if len(recent) >= API_REQUESTS_PER_MINUTE:
                self.refused += 1
                return httpx.Response(429, headers={"Retry-After": "300"}, json={"error": "slow"})
            self.sent.append(now)
        return httpx.Response(200, json={"success": True, "result": []})


def test_four_threads_at_the_default_pace_never_reach_the_apis_limit() -> None:
    # A stack of 500 domains, driven by the engine's 4 threads through one client.
    time_ = VirtualTime(threads=4)
    api = AccountLimit(time_)
    client = JetEmailClient(
        "api_test",
        transport=httpx.MockTransport(api),
        clock=time_.clock,
        sleep=time_.sleep,
    )

    def worker() -> None:
        try:
            for _ in range(125):
                client.list_domains()
        finally:
            time_.finished()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert api.refused == 0
    assert len(api.sent) == 500
    assert most_in_any_window(api.sent, 60.0) <= DEFAULT_REQUESTS_PER_MINUTE < 240
    # ...at close to the full pace: 500 requests at 200 a minute take 2.5 minutes.
    assert api.sent[-1] - api.sent[0] == pytest.approx(499 * 0.3 - 9 * 0.3, abs=0.5)
