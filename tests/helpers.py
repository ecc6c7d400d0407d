"""Helpers shared by the provider-over-gRPC suites (imported as `helpers`)."""

from __future__ import annotations

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
