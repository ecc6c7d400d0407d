"""Helpers shared by the provider-over-gRPC suites (imported as `helpers`)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pulumi
from pulumi.runtime import mocks, rpc

API_KEY = "api_test_0123456789abcdef"
INBOUND = "pulumi-python:dynamic/jetemail:InboundDomain"
RULE = "pulumi-python:dynamic/jetemail:ForwardRule"


class _Capture(mocks.Mocks):
    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return "id", args.inputs

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


class _Monitor(mocks.MockMonitor):
    def __init__(self) -> None:
        super().__init__(_Capture())
        self.objects: list[dict[str, Any]] = []

    def RegisterResource(self, request: Any) -> Any:  # the gRPC method name
        if request.type != "pulumi:pulumi:Stack":
            inputs, _ = rpc.deserialize_properties_unwrap_secrets(request.object)
            self.objects.append(dict(inputs))
        return super().RegisterResource(request)


def registered(build: Callable[[], pulumi.Resource]) -> dict[str, Any]:
    """The inputs (with `__provider`) that a program registering `build()` sends the engine,
    secrets unwrapped as the engine unwraps them for a dynamic provider."""
    monitor = _Monitor()
    pulumi.runtime.set_mocks(_Capture(), monitor=monitor, preview=False)

    @pulumi.runtime.test  # type: ignore[misc]
    def run() -> pulumi.Output[str]:
        return build().urn

    run()
    (inputs,) = monitor.objects
    return {k: v for k, v in inputs.items() if v is not None}


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
