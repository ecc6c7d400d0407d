"""Fixtures shared by the suites: an emulator, a provider process configured against it,
and stacks on the real Pulumi CLI pointed at the emulator."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

# Loaded with the suite rather than at the session's end, where hypothesis's pytest plugin
# imports it deep in pytest's hooks: pytest rewrites its modules on import, and CPython
# 3.11.7's AST constructor fails there ("SystemError: AST constructor recursion depth
# mismatch") when a test file that does not use hypothesis is run alone.
import hypothesis  # noqa: F401
import pytest
from helpers import API_KEY

from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.testing import ProviderServer, PulumiStack
from pulumi_jetemail.testing._cli import find_cli
from pulumi_jetemail.testing._stack import Program

TIERS = ("unit", "provider", "engine")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each test is marked with its tier, the folder it lives in (`-m "not engine"`)."""
    for item in items:
        tier = item.path.parent.name
        if tier in TIERS:
            item.add_marker(tier)


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
def http(emulator: Emulator) -> Iterator[httpx.Client]:
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


# ------------------------------------------------------------------ the real Pulumi engine

ROOT = Path(__file__).resolve().parent.parent
TOOLS_BIN = ROOT / ".tools" / "pulumi" / "bin"
NO_CLI = (
    "no Pulumi CLI: run `make pulumi` (it builds the pinned one with Go), or put a Pulumi CLI "
    "on PATH"
)


@pytest.fixture(scope="session")
def pulumi_cli() -> Path:
    """The Pulumi CLI `make pulumi` provided (or one on PATH). Without one the real-engine
    tests skip, saying how to get it; under CI=true they fail."""
    cli = find_cli(os.pathsep.join([str(TOOLS_BIN), os.environ.get("PATH", "")]))
    if cli is None:
        if os.environ.get("CI") == "true":
            pytest.fail(NO_CLI)
        pytest.skip(NO_CLI)
    return cli


StackFactory = Callable[..., PulumiStack]


@pytest.fixture
def stack(pulumi_cli: Path, emu: Emulator) -> Iterator[StackFactory]:
    """Open a `PulumiStack` of a program on the real CLI, its config pointed at the fresh
    emulator account (extra `config=` and `secrets=` are added to that). The native plugin is
    found on PATH, as for a user whose venv is active: beside the Python running the tests."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    with contextlib.ExitStack() as opened:

        def open_stack(
            program: Program,
            *,
            config: dict[str, str] | None = None,
            secrets: dict[str, str] | None = None,
            **kwargs: Any,
        ) -> PulumiStack:
            return opened.enter_context(
                PulumiStack(
                    program,
                    cli=pulumi_cli,
                    config={
                        "jetemail:apiUrl": emu.url,
                        "jetemail:requestsPerMinute": "10000",
                        **(config or {}),
                    },
                    secrets={"jetemail:apiKey": API_KEY, **(secrets or {})},
                    **{"env": {"PATH": path}, **kwargs},
                )
            )

        yield open_stack
