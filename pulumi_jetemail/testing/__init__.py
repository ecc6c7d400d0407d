"""Helpers for testing providers and programs built on pulumi-jetemail.

`ProviderServer` runs a dynamic provider the way the Pulumi engine does (``python -m
pulumi.dynamic`` in a subprocess, driven over gRPC), so provider tests need no Pulumi CLI.
`OfflineStack` runs a whole Pulumi program on it, as ``pulumi preview``/``up``/``refresh``/
``destroy`` would, against the emulator (see its module, ``_engine``, for usage in pytest).
Importing this module imports grpc (which ``pulumi`` itself imports anyway); the package's
top level never imports it.
"""

from __future__ import annotations

from pulumi_jetemail.testing._engine import (
    ABSENT,
    SECRET,
    UNKNOWN,
    Change,
    CheckFailedError,
    CheckProblem,
    OfflineStack,
    OfflineStackError,
    ProgramFailedError,
    ResourceFailedError,
    ResourceState,
    RunResult,
    Step,
)
from pulumi_jetemail.testing._grpc import (
    PROVIDER_KEY,
    CheckOutcome,
    DiffOutcome,
    Props,
    ProtocolViolation,
    ProviderError,
    ProviderServer,
    ProviderStartError,
    ReadOutcome,
    decode_properties,
    encode_properties,
    serialize_provider,
    urn,
)
from pulumi_jetemail.testing._inputs import registered_inputs
from pulumi_jetemail.testing._stack import PulumiStack, StackCommandError, StackRun

__all__ = [
    "ABSENT",
    "PROVIDER_KEY",
    "SECRET",
    "UNKNOWN",
    "Change",
    "CheckFailedError",
    "CheckOutcome",
    "CheckProblem",
    "DiffOutcome",
    "OfflineStack",
    "OfflineStackError",
    "ProgramFailedError",
    "Props",
    "ProtocolViolation",
    "ProviderError",
    "ProviderServer",
    "ProviderStartError",
    "PulumiStack",
    "ReadOutcome",
    "ResourceFailedError",
    "ResourceState",
    "RunResult",
    "StackCommandError",
    "StackRun",
    "Step",
    "decode_properties",
    "encode_properties",
    "registered_inputs",
    "serialize_provider",
    "urn",
]
