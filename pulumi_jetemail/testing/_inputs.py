"""What a program registers: the inputs the engine would hand a provider, from real classes."""

from __future__ import annotations

import asyncio
import threading
import warnings
from collections.abc import Callable
from typing import Any

import pulumi
from pulumi.runtime import mocks, rpc

__all__ = ["install_mocks", "registered_inputs"]

_loops = threading.local()


def install_mocks(
    program_mocks: mocks.Mocks, *, monitor: mocks.MockMonitor | None = None, preview: bool = False
) -> None:
    """`pulumi.runtime.set_mocks`, with an event loop for this thread first.

    The SDK registers resources on the thread's current event loop; Python 3.12 deprecates
    (and 3.14 removes) making one implicitly, so a test that mocks outside a running loop
    gets one here: the same loop for every call on a thread, never closed under it."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        try:
            asyncio.get_event_loop()
        except (RuntimeError, DeprecationWarning):
            if getattr(_loops, "loop", None) is None:
                _loops.loop = asyncio.new_event_loop()
            asyncio.set_event_loop(_loops.loop)
    pulumi.runtime.set_mocks(program_mocks, monitor=monitor, preview=preview)


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

    It runs `build` under Pulumi's mocks (`install_mocks`), which stay installed afterwards,
    as after any mocked test.
    """
    recorder = _Recorder()
    install_mocks(_Echo(), monitor=recorder)

    @pulumi.runtime.test  # type: ignore[untyped-decorator,unused-ignore]
    def run() -> pulumi.Output[str]:
        return build().urn

    run()
    (inputs,) = recorder.objects
    return {k: v for k, v in inputs.items() if v is not None}
