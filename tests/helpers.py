"""Helpers shared by the provider-over-gRPC suites (imported as `helpers`)."""

from __future__ import annotations

import threading

from pulumi_jetemail.testing import registered_inputs

API_KEY = "api_test_0123456789abcdef"
INBOUND = "pulumi-python:dynamic/jetemail:InboundDomain"
RULE = "pulumi-python:dynamic/jetemail:ForwardRule"


registered = registered_inputs
"""The inputs (with `__provider`) a program registering `build()` sends the engine."""


class ManualClock:
    """A clock for many threads: `sleep` blocks until the test advances time far enough."""

    def __init__(self) -> None:
        self._now = 0.0
        self._cond = threading.Condition()
        self.sleeping = 0

    def clock(self) -> float:
        with self._cond:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._cond:
            until = self._now + seconds
            self.sleeping += 1
            self._cond.notify_all()
            assert self._cond.wait_for(lambda: self._now >= until, timeout=10)
            self.sleeping -= 1

    def advance(self, seconds: float) -> None:
        with self._cond:
            self._now += seconds
            self._cond.notify_all()

    def wait_for_sleepers(self, count: int) -> None:
        with self._cond:
            assert self._cond.wait_for(lambda: self.sleeping == count, timeout=10)
