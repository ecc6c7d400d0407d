"""A client-side rate limiter shared by every thread that talks to one JetEmail account.

JetEmail allows 240 requests a minute per account and answers the first request over it
with a 429 that blocks the whole account for 5 minutes. Retrying after the fact is too late:
the limiter keeps us under the limit in the first place.

Design: each `acquire()` reserves the earliest allowed send time (a "slot") under a lock, then
sleeps until it outside the lock. A slot must satisfy two rules:

- the hard rule: no window of `per` seconds holds more than `max_requests` slots (a log of the
  last `max_requests` slots; the oldest must be `per` seconds old);
- smoothing: slots are spaced `per / max_requests` apart, except for a small `burst` taken at
  once after a quiet spell (the generic cell rate algorithm, GCRA).

`pause(seconds)` (after a 429) moves every later slot past the pause; a thread already asleep
on a slot that the pause covers notices when it wakes and takes a new one. Time comes from the
injected `clock` and waiting goes through the injected `sleep`, so tests drive it with a fake
clock.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["RateLimiter", "SharedRateLimiter", "default_burst", "shared_path"]

HARD_RULE_MARGIN = 0.001
"""A window of the hard rule is this much longer than `per` (60 ms a minute): a thread wakes
a little after its slot, so the first request of a window may leave late and the last on
time; the API counts arrivals, and the margin keeps them under the limit too."""

MAX_BURST = 10
"""Largest burst taken at once after a quiet spell."""


def default_burst(max_requests: int) -> int:
    """The burst for a limit: 5% of it, between 1 and `MAX_BURST` (10 for 200/min)."""
    return max(1, min(MAX_BURST, max_requests // 20))


class RateLimiter:
    """At most `max_requests` requests in any `per`-second window, across all threads."""

    def __init__(
        self,
        max_requests: int,
        per: float = 60.0,
        *,
        burst: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if isinstance(max_requests, bool) or not isinstance(max_requests, int):
            raise TypeError("max_requests must be an int")
        if max_requests < 1:
            raise ValueError("max_requests must be at least 1")
        if not (math.isfinite(per) and per > 0):
            raise ValueError("per must be a positive number of seconds")
        burst = default_burst(max_requests) if burst is None else burst
        if not 1 <= burst <= max_requests:
            raise ValueError("burst must be between 1 and max_requests")
        self.max_requests = max_requests
        self.per = per
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._interval = per / max_requests
        self._margin = per * HARD_RULE_MARGIN
        self._tolerance = (burst - 1) * self._interval
        self._lock = threading.Lock()
        self._slots: deque[float] = deque(maxlen=max_requests)  # the last slots, in order
        self._next_due: float | None = None  # GCRA's theoretical arrival time
        self._paused_until = -math.inf

    def __repr__(self) -> str:
        return f"RateLimiter({self.max_requests} per {self.per:g} s, burst {self.burst})"

    @property
    def paused_until(self) -> float:
        """Clock time until which every request waits (in the past when not paused)."""
        with self._lock:
            return self._paused_until

    def acquire(self) -> float:
        """Wait until one more request is allowed, take it, and return its slot time."""
        while True:
            with self._lock:
                slot = self._reserve(self._clock())
            delay = slot - self._clock()
            if delay > 0:
                self._sleep(delay)
            with self._lock:
                if self._paused_until <= slot:
                    return slot
            # A pause that covers our slot began while we slept: the slot is void (it stays
            # counted, which only errs on the safe side); take a new one after the pause.

    def pause(self, seconds: float) -> float:
        """Hold every request, in every thread, for `seconds` from now; return the end time.

        A pause never shortens one already running.
        """
        with self._lock:
            until = self._clock() + max(seconds, 0.0)
            self._paused_until = max(self._paused_until, until)
            return self._paused_until

    def _reserve(self, now: float) -> float:
        """The earliest slot allowed from `now`, recorded as taken. Call with the lock held."""
        slot = max(now, self._paused_until)
        if self._slots:
            slot = max(slot, self._slots[-1])  # first come, first served
            if len(self._slots) == self.max_requests:
                slot = max(slot, self._slots[0] + self.per + self._margin)  # the hard rule
        if self._next_due is not None:
            slot = max(slot, self._next_due - self._tolerance)  # smoothing
            self._next_due = max(self._next_due, slot) + self._interval
        else:
            self._next_due = slot + self._interval
        self._slots.append(slot)
        return slot


class SharedRateLimiter(RateLimiter):
    """A `RateLimiter` whose slots (and pause) are shared by every process of this machine
    that opens the same `path`: provider processes of two `pulumi up` runs, or of the dynamic
    and the native door, that use one API key then stay under its limit together.

    The state is a small JSON file of monotonic clock times (the system-wide clock of this
    machine), read and written under an exclusive `flock` around each reservation; it holds
    times only, and its name comes from a hash of the key (`shared_path`), never the key.
    Where `fcntl` is missing (Windows), the limiter paces this process only.
    """

    def __init__(self, max_requests: int, per: float = 60.0, *, path: Path, **kwargs: Any):
        super().__init__(max_requests, per, **kwargs)
        self.path = path
        self._fd: int | None = None  # the state file, open from the first reservation on

    def _reserve(self, now: float) -> float:
        with self._shared(now):
            return super()._reserve(now)

    def pause(self, seconds: float) -> float:
        with self._lock, self._shared(self._clock()):
            until = self._clock() + max(seconds, 0.0)
            self._paused_until = max(self._paused_until, until)
            return self._paused_until

    @contextlib.contextmanager
    def _shared(self, now: float) -> Iterator[None]:
        """Load the shared state, let the caller change it, save it: under the file's lock.
        Called with `_lock` held, so that one descriptor serves every thread."""
        if fcntl is None:
            yield
            return
        fd = self._open()
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            saved = _read_all(fd)
            self._load(saved.decode("ascii", "replace"), now)
            yield
            state = {
                "slots": [t for t in self._slots if t > now - self.per],
                "next_due": self._next_due,
                "paused_until": self._paused_until if math.isfinite(self._paused_until) else None,
            }
            data = json.dumps(state).encode("ascii")
            os.pwrite(fd, data, 0)
            if len(saved) > len(data):
                os.ftruncate(fd, len(data))
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def _open(self) -> int:
        """The state file's descriptor, kept open across reservations; opened again if the
        file was removed meanwhile (a cleaned temporary directory), so that this process
        keeps sharing the one the others open."""
        if self._fd is not None:
            if os.fstat(self._fd).st_nlink > 0:
                return self._fd
            os.close(self._fd)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)  # not inherited (PEP 446)
        return self._fd

    def _load(self, text: str, now: float) -> None:
        try:
            state = json.loads(text) if text.strip() else {}
            slots = sorted(float(t) for t in state.get("slots", []) if float(t) > now - self.per)
            next_due = state.get("next_due")
            paused = state.get("paused_until")
        except (ValueError, TypeError, AttributeError):
            return  # a damaged file: pace from this process's own state
        horizon = now + self.per + 330.0  # past that, a time is from before a reboot
        if any(t > horizon for t in (*slots, next_due or 0.0, paused or 0.0)):
            return
        self._slots = deque(slots[-self.max_requests :], maxlen=self.max_requests)
        self._next_due = None if next_due is None else float(next_due)
        if paused is not None:
            self._paused_until = max(self._paused_until, float(paused))


def _read_all(fd: int) -> bytes:
    """The whole file behind `fd`, from its start."""
    chunks = []
    offset = 0
    while chunk := os.pread(fd, 65536, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def shared_path(api_url: str, api_key: str) -> Path:
    """Where the limiter of one account (key and endpoint) keeps its state on this machine:
    a file named by a hash of them, in a directory of this user's."""
    digest = hashlib.sha256(f"pulumi-jetemail\0{api_url}\0{api_key}".encode()).hexdigest()
    base = (
        Path(tempfile.gettempdir())
        / f"pulumi-jetemail-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    )
    return base / f"rate-{digest[:32]}.json"
