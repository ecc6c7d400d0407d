"""Fixtures shared by the provider-over-gRPC suites: an emulator, a provider process
configured against it, and the inputs a program registers, built by the real classes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers import API_KEY

from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.testing import ProviderServer


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(API_KEY) as emu:
        yield emu


@pytest.fixture(scope="module")
def provider(emulator: Emulator) -> Iterator[ProviderServer]:
    with ProviderServer() as server:
        server.configure(
            {
                "jetemail:apiKey": API_KEY,
                "jetemail:apiUrl": emulator.url,
                # The emulator has no rate limit here; the limiter has suites of its own.
                "jetemail:requestsPerMinute": "10000",
            },
            secret_keys=["jetemail:apiKey"],
        )
        yield server
