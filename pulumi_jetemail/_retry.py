"""Retry policy of the JetEmail client: which failures are retried, and how long to wait.

Small pure functions (no I/O, no clock of their own) so that they are tested with tables.
The constants are the whole policy; `client.py` only applies them.
"""

from __future__ import annotations

import email.utils
import math
from collections.abc import Mapping
from datetime import timezone
from typing import Protocol

from .errors import APIError, APIStatusError

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "INITIAL_RETRY_DELAY",
    "JITTER",
    "MAX_RETRY_AFTER",
    "MAX_RETRY_DELAY",
    "RETRY_STATUSES",
    "is_retryable",
    "parse_retry_after",
    "retry_delay",
]

DEFAULT_MAX_RETRIES = 5
"""Retries after the first attempt (so at most 6 attempts a call)."""
INITIAL_RETRY_DELAY = 0.5
"""Seconds before the first retry; doubles with each retry."""
MAX_RETRY_DELAY = 8.0
"""Cap of the exponential backoff, in seconds."""
JITTER = 0.25
"""Backoff delays are shortened by a random fraction of up to this much."""
MAX_RETRY_AFTER = 330.0
"""Ceiling on an honoured `Retry-After`: the API's lockout is 300 s, never wait hours."""
RETRY_STATUSES = frozenset({429, 502, 503, 504})
"""Statuses retried on idempotent calls (429 on every call: the API did not process it)."""


class Random(Protocol):
    """What `retry_delay` needs of a random source (`random.Random` fits)."""

    def random(self) -> float:
        """A float in [0, 1)."""
        ...


def parse_retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds to wait that a `Retry-After` header asks for, or None if absent or invalid.

    The header is delay-seconds (a fraction is accepted) or an HTTP date (RFC 9110 section
    10.2.3); `now` is the wall clock (`time.time()`) that a date is measured from. A date in
    the past means 0. Negative, infinite or unparsable values are ignored.
    """
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        return _seconds_until_date(value, now)
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


def _seconds_until_date(value: str, now: float) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):  # 3.10 raises TypeError, later ValueError
        return None
    if when.tzinfo is None:  # "-0000": UTC by RFC 5322
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now)


def retry_delay(attempt: int, retry_after: float | None, rng: Random) -> float:
    """Seconds to wait before retry number `attempt` (1 for the first retry).

    A `Retry-After` from the answer is honoured as given, up to `MAX_RETRY_AFTER`. Without
    one: exponential backoff from `INITIAL_RETRY_DELAY`, capped at `MAX_RETRY_DELAY`, shortened
    by a random jitter of up to `JITTER` so that threads do not retry in lockstep.
    """
    if retry_after is not None:
        return min(max(retry_after, 0.0), MAX_RETRY_AFTER)
    backoff = min(INITIAL_RETRY_DELAY * 2.0 ** max(attempt - 1, 0), MAX_RETRY_DELAY)
    return backoff * (1.0 - JITTER * rng.random())


def is_retryable(error: APIError, *, idempotent: bool) -> bool:
    """Whether a failed attempt may be sent again.

    An idempotent call (GET, PATCH, DELETE, the DNS check) is retried on 429, 502, 503, 504
    and on any connection failure or timeout. A create is retried only when the API certainly
    did not act on it: a 429 (refused before processing) or a connection never made. Any
    other 4xx is final.
    """
    if isinstance(error, APIStatusError):
        if error.status == 429:
            return True
        return idempotent and error.status in RETRY_STATUSES
    return idempotent or not error.maybe_processed
