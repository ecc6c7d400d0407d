"""What can go wrong between a client and the emulated API: injected faults and the rate limit.

`FaultPlan` answers "what happens to this request?": first the injected faults, in the order
they were injected, then the random `fault_mix`. `AccountLimit` is the account's sliding
window and its lockout. Both are thread-safe: tests arm them while the server runs.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http import HTTPStatus

__all__ = ["AccountLimit", "Fault", "FaultPlan", "path_matches"]

WINDOW_SECONDS = 60.0


def path_matches(pattern: str, path: str) -> bool:
    """`pattern` is an exact path, or a prefix when it ends in `*`."""
    if pattern.endswith("*"):
        return path.startswith(pattern[:-1])
    return path == pattern


def method_matches(pattern: str, method: str) -> bool:
    """`pattern` is an HTTP method (any case), or `*` for any."""
    return pattern == "*" or pattern.upper() == method.upper()


def retry_after_header(seconds: float) -> str:
    """A `Retry-After` value: whole seconds when integral, else the decimal as given."""
    return str(int(seconds)) if float(seconds).is_integer() else repr(float(seconds))


@dataclass(frozen=True)
class Fault:
    """What happens to one request instead of (or on top of) a normal answer.

    `status`: answer this status with a JSON error body (after applying the request only if
    `processed`). `drop`: apply the request, then close the connection without an answer.
    `delay`: wait this many extra seconds before answering (after applying).
    """

    status: int | None = None
    retry_after: float | None = None
    processed: bool = False
    drop: bool = False
    delay: float = 0.0

    def __post_init__(self) -> None:
        if self.status is not None and not 400 <= self.status <= 599:
            raise ValueError(f"status must be an HTTP error status (400-599), not {self.status}")
        if self.status is not None and self.drop:
            raise ValueError("a fault either answers a status or drops the connection, not both")
        if self.status is None and not self.drop and self.delay <= 0:
            raise ValueError("a fault needs a status, drop=True or a positive delay")
        if self.processed and self.status is None:
            raise ValueError("processed=True needs a status (a drop is always processed)")
        if self.retry_after is not None and (self.status is None or self.retry_after < 0):
            raise ValueError("retry_after needs a status and must not be negative")
        if self.delay < 0:
            raise ValueError("delay must not be negative")

    @property
    def applies_request(self) -> bool:
        """Whether the request reaches the store before the fault answers."""
        return self.status is None or self.processed

    @property
    def message(self) -> str:
        """The `error` of the JSON body of a status fault."""
        return f"injected fault: {self.status} {HTTPStatus(self.status or 500).phrase}"

    @property
    def label(self) -> str:
        """How the request log names this fault, e.g. `status 503 processed`, `drop`."""
        parts = []
        if self.status is not None:
            parts.append(f"status {self.status}" + (" processed" if self.processed else ""))
        if self.drop:
            parts.append("drop")
        if self.delay > 0:
            parts.append(f"delay {self.delay:g}")
        return " ".join(parts)


@dataclass
class _Injected:
    method: str
    path: str
    fault: Fault
    remaining: int


@dataclass(frozen=True)
class _Mix:
    rate: float
    rng: random.Random
    statuses: tuple[int, ...]
    drop_share: float
    slow_share: float
    slow_delay: float
    retry_after: float

    def draw(self) -> Fault | None:
        """One request's fate: usually nothing, else a drop, a slow answer or a status."""
        if self.rng.random() >= self.rate:
            return None
        kind = self.rng.random()
        if kind < self.drop_share:
            return Fault(drop=True)
        if kind < self.drop_share + self.slow_share:
            return Fault(delay=self.slow_delay)
        status = self.rng.choice(self.statuses)
        if status == 429:
            return Fault(status=429, retry_after=self.retry_after)
        return Fault(status=status, processed=status >= 500 and self.rng.random() < 0.5)


class FaultPlan:
    """The faults still to come, consulted once per request."""

    def __init__(self) -> None:
        self._injected: list[_Injected] = []
        self._mix: _Mix | None = None
        self._lock = threading.Lock()

    def inject(self, method: str, path: str, fault: Fault, times: int = 1) -> None:
        """Give `fault` to the next `times` requests matching `method` and `path`."""
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._injected.append(_Injected(method, path, fault, times))

    def set_mix(
        self,
        rate: float,
        *,
        seed: int,
        statuses: Sequence[int],
        drop_share: float,
        slow_share: float,
        slow_delay: float,
        retry_after: float,
    ) -> None:
        """From now on a `rate` fraction of requests get a random fault; rate 0 turns it off."""
        if not 0 <= rate <= 1:
            raise ValueError("rate must be between 0 and 1")
        if drop_share < 0 or slow_share < 0 or drop_share + slow_share > 1:
            raise ValueError("drop_share and slow_share must be >= 0 and add up to at most 1")
        if not statuses or not all(400 <= s <= 599 for s in statuses):
            raise ValueError("statuses must be HTTP error statuses (400-599)")
        if slow_delay < 0 or retry_after < 0:
            raise ValueError("slow_delay and retry_after must not be negative")
        mix = _Mix(
            rate=rate,
            rng=random.Random(seed),  # noqa: S311 - a reproducible fault schedule, not a secret
            statuses=tuple(statuses),
            drop_share=drop_share,
            slow_share=slow_share,
            slow_delay=slow_delay,
            retry_after=retry_after,
        )
        with self._lock:
            self._mix = mix if rate > 0 else None

    def take(self, method: str, path: str) -> Fault | None:
        """The fault for this request, if any, used up as it is handed out."""
        with self._lock:
            for injected in self._injected:
                if method_matches(injected.method, method) and path_matches(injected.path, path):
                    injected.remaining -= 1
                    if injected.remaining == 0:
                        self._injected.remove(injected)
                    return injected.fault
            return self._mix.draw() if self._mix is not None else None

    def clear(self) -> None:
        """Forget every injected fault and turn the mix off."""
        with self._lock:
            self._injected.clear()
            self._mix = None


class AccountLimit:
    """The account's limit: a sliding 60 s window, and a lockout of every call once over it.

    Requests refused with 429 do not count, and a lockout empties the window: once it ends,
    the account starts afresh (the docs say only that the block lasts 5 minutes).
    """

    def __init__(
        self,
        per_minute: int | None,
        lockout_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_minute is not None and per_minute < 1:
            raise ValueError("rate_limit_per_minute must be at least 1 (or None for no limit)")
        if lockout_seconds < 0:
            raise ValueError("lockout_seconds must not be negative")
        self.per_minute = per_minute
        self.lockout_seconds = lockout_seconds
        self._clock = clock
        self._window: deque[float] = deque()
        self._locked_until = -math.inf
        self._lock = threading.Lock()

    def admit(self) -> float | None:
        """Count one request: None if admitted, else the seconds until the account reopens."""
        with self._lock:
            now = self._clock()
            if now < self._locked_until:
                return self._locked_until - now
            if self.per_minute is None:
                return None
            while self._window and self._window[0] <= now - WINDOW_SECONDS:
                self._window.popleft()
            if len(self._window) >= self.per_minute:
                self._window.clear()
                self._locked_until = now + self.lockout_seconds
                return self.lockout_seconds
            self._window.append(now)
            return None

    def lock_out(self, seconds: float) -> None:
        """Block every call of the account for `seconds` from now."""
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        with self._lock:
            self._window.clear()
            self._locked_until = self._clock() + seconds

    def reset(self) -> None:
        """An empty window and no lockout."""
        with self._lock:
            self._window.clear()
            self._locked_until = -math.inf
