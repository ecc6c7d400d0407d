"""The emulator's request log: every request the emulated API received, with the fault it
was given and the status it answered, for tests to count and inspect."""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass

from .faults import Fault, method_matches, path_matches
from .rules import JSON

__all__ = ["RecordedRequest", "RequestLog"]


@dataclass(frozen=True)
class RecordedRequest:
    """One request the emulator saw.

    `body` is the parsed JSON body (None when empty or not JSON). `status` is the status
    answered, None while in flight or when the connection was dropped. `fault` is the label
    of the injected fault (`"status 503"`, `"status 502 processed"`, `"drop"`, `"delay 0.5"`)
    or None.
    """

    method: str
    path: str
    body: JSON
    status: int | None = None
    fault: str | None = None


def _label(fault: Fault | None) -> str | None:
    return fault.label if fault is not None else None


@dataclass
class _Entry:
    record: RecordedRequest


class RequestLog:
    """Every request seen, in arrival order; thread-safe."""

    def __init__(self) -> None:
        self._entries: list[_Entry] = []
        self._lock = threading.Lock()

    def add(self, method: str, path: str, body: JSON, fault: Fault | None) -> _Entry:
        """Record an arriving request and its fault; `finish` fills in the status."""
        entry = _Entry(RecordedRequest(method, path, body, None, _label(fault)))
        with self._lock:
            self._entries.append(entry)
        return entry

    def finish(self, entry: _Entry, status: int | None) -> None:
        """Record the status answered (None: dropped)."""
        with self._lock:
            entry.record = dataclasses.replace(entry.record, status=status)

    def snapshot(self) -> list[RecordedRequest]:
        """The records so far."""
        with self._lock:
            return [entry.record for entry in self._entries]

    def count(self, method: str | None = None, path: str | None = None) -> int:
        """How many requests match `method` (any case) and `path` (exact or `prefix*`)."""
        return sum(
            1
            for record in self.snapshot()
            if (method is None or method_matches(method, record.method))
            and (path is None or path_matches(path, record.path))
        )

    def clear(self) -> None:
        """Forget every record."""
        with self._lock:
            self._entries = []
