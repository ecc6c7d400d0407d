"""Helpers for testing providers and programs built on pulumi-jetemail.

`PulumiStack` runs a whole Pulumi program under the real Pulumi CLI (the Automation API, a
throwaway stack with its state in a temporary directory), typically against the emulator: see
its module, ``_stack``. `ProviderServer` runs one dynamic provider the way the engine does
(``python -m pulumi.dynamic`` in a subprocess, driven over gRPC), for provider tests that call
one method at a time.
Importing this module imports grpc (which ``pulumi`` itself imports anyway); the package's
top level never imports it.
"""

from __future__ import annotations

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
from pulumi_jetemail.testing._inputs import install_mocks, registered_inputs
from pulumi_jetemail.testing._stack import PulumiStack, StackCommandError, StackRun

__all__ = [
    "PROVIDER_KEY",
    "CheckOutcome",
    "DiffOutcome",
    "Props",
    "ProtocolViolation",
    "ProviderError",
    "ProviderServer",
    "ProviderStartError",
    "PulumiStack",
    "ReadOutcome",
    "StackCommandError",
    "StackRun",
    "decode_properties",
    "encode_properties",
    "install_mocks",
    "registered_inputs",
    "serialize_provider",
    "urn",
]
