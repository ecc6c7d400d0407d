"""Fixtures shared by the provider-over-gRPC suites: an emulator, a provider process
configured against it, and the inputs a program registers, built by the real classes."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from helpers import API_KEY

from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.testing import ProviderServer


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(API_KEY) as emu:
        yield emu


@pytest.fixture
def emu(emulator: Emulator) -> Emulator:
    """The module's emulator with a fresh account: no domains, log, faults or lockout."""
    emulator.reset()
    return emulator


@pytest.fixture(scope="module")
def client(emulator: Emulator) -> Iterator[httpx.Client]:
    """Plain HTTP to the module's emulator with the account key (one per module: building a
    client costs ~30 ms)."""
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(base_url=emulator.url, headers=headers, timeout=5) as http:
        yield http


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
