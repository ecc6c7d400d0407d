"""What a program registers: the inputs the engine would hand a provider, from real classes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
from pulumi.runtime import mocks, rpc

__all__ = ["registered_inputs"]


class _Echo(mocks.Mocks):
    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return "id", args.inputs

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


class _Recorder(mocks.MockMonitor):
    """Sees every RegisterResource request, which `MockResourceArgs` only partly carries."""

    def __init__(self) -> None:
        super().__init__(_Echo())
        self.objects: list[dict[str, Any]] = []

    def RegisterResource(self, request: Any) -> Any:  # the gRPC method name
        if request.type != "pulumi:pulumi:Stack":
            inputs, _ = rpc.deserialize_properties_unwrap_secrets(request.object)
            self.objects.append(dict(inputs))
        return super().RegisterResource(request)  # type: ignore[no-untyped-call]


def registered_inputs(build: Callable[[], pulumi.Resource]) -> dict[str, Any]:
    """The inputs, `__provider` included, that a program calling `build()` registers.

    Secrets are unwrapped and None values dropped, as the engine sends them to a dynamic
    provider, so the result can go straight into `ProviderServer.check` as `news`::

        news = registered_inputs(lambda: InboundDomain("d", domain="example.com",
                                                       delivery_type="forward"))

    It runs `build` under Pulumi's mocks (`pulumi.runtime.set_mocks`), which stay installed
    afterwards, as after any mocked test.
    """
    recorder = _Recorder()
    pulumi.runtime.set_mocks(_Echo(), monitor=recorder, preview=False)

    @pulumi.runtime.test  # type: ignore[untyped-decorator,unused-ignore]
    def run() -> pulumi.Output[str]:
        return build().urn

    run()
    (inputs,) = recorder.objects
    return {k: v for k, v in inputs.items() if v is not None}
