"""The retry policy's pure functions: Retry-After parsing, backoff delays, what is retried."""

from __future__ import annotations

import random
from datetime import datetime, timezone
from email.utils import format_datetime

import pytest
from hypothesis import given, strategies as st

from pulumi_jetemail._retry import (
    INITIAL_RETRY_DELAY,
    JITTER,
    MAX_RETRY_AFTER,
    MAX_RETRY_DELAY,
    is_retryable,
    parse_retry_after,
    retry_delay,
)
from pulumi_jetemail.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    error_for_status,
)

NOW = datetime(2026, 11, 24, 12, 0, 0, tzinfo=timezone.utc).timestamp()


class FixedRandom(random.Random):
    """A random source that always draws the same number."""

    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value

    def random(self) -> float:
        return self.value


def http_date(offset_seconds: float) -> str:
    when = datetime.fromtimestamp(NOW + offset_seconds, tz=timezone.utc)
    return format_datetime(when, usegmt=True)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param({}, None, id="no header: no guidance"),
        pytest.param({"Retry-After": "2"}, 2.0, id="whole seconds"),
        pytest.param({"retry-after": "2"}, 2.0, id="header name in any case"),
        pytest.param({"Retry-After": " 300 "}, 300.0, id="surrounding spaces"),
        pytest.param({"Retry-After": "1.5"}, 1.5, id="fractional seconds"),
        pytest.param({"Retry-After": "0"}, 0.0, id="zero means now"),
        pytest.param({"Retry-After": "-5"}, None, id="negative seconds are ignored"),
        pytest.param({"Retry-After": "nan"}, None, id="nan is ignored"),
        pytest.param({"Retry-After": "inf"}, None, id="infinity is ignored"),
        pytest.param({"Retry-After": "soon"}, None, id="garbage is ignored"),
        pytest.param({"Retry-After": ""}, None, id="empty is ignored"),
        pytest.param({"Retry-After": http_date(120)}, 120.0, id="HTTP date in the future"),
        pytest.param({"Retry-After": http_date(-120)}, 0.0, id="HTTP date in the past means now"),
        pytest.param(
            {"Retry-After": "Tue, 24 Nov 2026 12:00:30 -0000"}, 30.0, id="date with -0000 zone"
        ),
        pytest.param({"Retry-After": "Tue, 99 Foo 2026"}, None, id="broken date is ignored"),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers, NOW) == expected


@pytest.mark.parametrize(
    ("attempt", "expected_max"),
    [
        pytest.param(1, 0.5, id="first retry waits up to 0.5 s"),
        pytest.param(2, 1.0, id="second retry doubles"),
        pytest.param(3, 2.0, id="third retry doubles again"),
        pytest.param(5, 8.0, id="fifth retry reaches the cap"),
        pytest.param(9, 8.0, id="later retries stay at the cap"),
    ],
)
def test_retry_delay_grows_exponentially_to_a_cap(attempt: int, expected_max: float) -> None:
    assert retry_delay(attempt, None, FixedRandom(0.0)) == expected_max
    assert retry_delay(attempt, None, FixedRandom(0.999999)) == pytest.approx(
        expected_max * (1 - JITTER), rel=1e-5
    )


@given(attempt=st.integers(min_value=1, max_value=50), draw=st.floats(0.0, 1.0, exclude_max=True))
def test_retry_delay_jitter_stays_in_bounds(attempt: int, draw: float) -> None:
    base = min(INITIAL_RETRY_DELAY * 2 ** (attempt - 1), MAX_RETRY_DELAY)
    delay = retry_delay(attempt, None, FixedRandom(draw))
    assert base * (1 - JITTER) <= delay <= base


def test_retry_delay_jitter_spreads_threads_apart() -> None:
    rng = random.Random(7)  # noqa: S311 - a seeded jitter source, not a secret
    delays = {retry_delay(3, None, rng) for _ in range(20)}
    assert len(delays) > 1


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [
        pytest.param(2.0, 2.0, id="Retry-After honoured exactly, no jitter"),
        pytest.param(0.0, 0.0, id="zero honoured"),
        pytest.param(300.0, 300.0, id="the 5 minute lockout is honoured"),
        pytest.param(3600.0, MAX_RETRY_AFTER, id="an hour is capped at the ceiling"),
        pytest.param(-1.0, 0.0, id="a negative value counts as zero"),
    ],
)
def test_retry_delay_honours_retry_after(retry_after: float, expected: float) -> None:
    assert retry_delay(4, retry_after, FixedRandom(0.5)) == expected


GET, CREATE = True, False  # idempotent or not


@pytest.mark.parametrize(
    ("error", "idempotent", "expected"),
    [
        pytest.param(error_for_status("GET", "/p", 429, "slow"), GET, True, id="GET 429"),
        pytest.param(error_for_status("GET", "/p", 502, "bad"), GET, True, id="GET 502"),
        pytest.param(error_for_status("GET", "/p", 503, "bad"), GET, True, id="GET 503"),
        pytest.param(error_for_status("GET", "/p", 504, "bad"), GET, True, id="GET 504"),
        pytest.param(error_for_status("GET", "/p", 500, "bug"), GET, False, id="GET 500 is final"),
        pytest.param(error_for_status("GET", "/p", 400, "no"), GET, False, id="GET 400 is final"),
        pytest.param(error_for_status("GET", "/p", 401, "no"), GET, False, id="GET 401 is final"),
        pytest.param(error_for_status("GET", "/p", 404, "no"), GET, False, id="GET 404 is final"),
        pytest.param(APIConnectionError("GET", "/p", "reset"), GET, True, id="GET connection lost"),
        pytest.param(APITimeoutError("GET", "/p", "slow"), GET, True, id="GET read timeout"),
        pytest.param(
            error_for_status("POST", "/p", 429, "slow"), CREATE, True, id="create 429: unprocessed"
        ),
        pytest.param(
            error_for_status("POST", "/p", 502, "bad"), CREATE, False, id="create 502: ambiguous"
        ),
        pytest.param(
            error_for_status("POST", "/p", 503, "bad"), CREATE, False, id="create 503: ambiguous"
        ),
        pytest.param(
            APIConnectionError("POST", "/p", "refused", maybe_processed=False),
            CREATE,
            True,
            id="create never sent",
        ),
        pytest.param(
            APIConnectionError("POST", "/p", "reset"), CREATE, False, id="create reset: ambiguous"
        ),
        pytest.param(
            APITimeoutError("POST", "/p", "slow"), CREATE, False, id="create timeout: ambiguous"
        ),
        pytest.param(
            APITimeoutError("POST", "/p", "no connect", maybe_processed=False),
            CREATE,
            True,
            id="create connect timeout",
        ),
        pytest.param(
            error_for_status("POST", "/p", 409, "exists"), CREATE, False, id="create 409 is final"
        ),
    ],
)
def test_is_retryable(error: APIError, idempotent: bool, expected: bool) -> None:
    assert is_retryable(error, idempotent=idempotent) is expected
