"""The field rules of a DomainVerification: which records must verify, and how long and how
often to wait."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator

from ..._fields import fail, integral, show

__all__ = ["RECORD_NAMES", "PollSeconds", "Records", "TimeoutSeconds"]

RECORD_NAMES = ("mx", "dkim", "spf", "dmarc")
"""The records a forward-mode domain needs, in the order of its `dns_records`."""
MAX_TIMEOUT_SECONDS = 24 * 3600
MAX_POLL_SECONDS = 300


def _records(value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or not value:
        raise fail(f"must be a list of some of {', '.join(RECORD_NAMES)} (got {show(value)})")
    names: list[str] = []
    for item in value:
        name = item.strip().lower() if isinstance(item, str) else item
        if name not in RECORD_NAMES:
            raise fail(f"{show(item)} is not a record: use {', '.join(map(repr, RECORD_NAMES))}")
        if name in names:
            raise fail(f"{name!r} is listed twice: list each record once")
        names.append(name)
    return [n for n in RECORD_NAMES if n in names]  # the records' own order


def _timeout(value: Any) -> int:
    seconds = integral(value, "of seconds")
    if not 1 <= seconds <= MAX_TIMEOUT_SECONDS:
        raise fail(f"must be from 1 to {MAX_TIMEOUT_SECONDS} seconds (got {seconds})")
    return seconds


def _poll(value: Any) -> int:
    seconds = integral(value, "of seconds")
    if not 1 <= seconds <= MAX_POLL_SECONDS:
        raise fail(f"must be from 1 to {MAX_POLL_SECONDS} seconds (got {seconds})")
    return seconds


Records = Annotated[list[str], BeforeValidator(_records)]
TimeoutSeconds = Annotated[int, BeforeValidator(_timeout)]
PollSeconds = Annotated[int, BeforeValidator(_poll)]
