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
from helpers import API_KEY, missing

from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.testing import ProviderServer, PulumiStack
from pulumi_jetemail.testing._cli import find_cli
from pulumi_jetemail.testing._stack import Program

TIERS = ("unit", "provider", "engine")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each test is marked with its tier, the folder it lives in (`-m "not engine"`); the
    `slow` ones run first, so that pytest-xdist hands one to each worker at the start and the
    many short tests fill in around them, instead of a long one starting last."""
    for item in items:
        tier = item.path.parent.name
        if tier in TIERS:
            item.add_marker(tier)
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable


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
        missing(NO_CLI)
    return cli


StackFactory = Callable[..., PulumiStack]


VENV_BIN = Path(sys.executable).parent
"""Where pip put the native plugin's console script, pulumi-resource-jetemail."""
PATH_WITHOUT_VENV = os.pathsep.join(
    p for p in os.environ.get("PATH", "").split(os.pathsep) if p and Path(p) != VENV_BIN
)
"""PATH as a user has it who has not activated the venv: the engine finds no plugin on it."""


@pytest.fixture(scope="session")
def installed_plugins(pulumi_cli: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Pulumi home's plugins directory with the native plugin installed the README's way,
    `pulumi plugin install resource jetemail <version> --file <the console script>`."""
    import subprocess

    import pulumi_jetemail

    home = tmp_path_factory.mktemp("pulumi-home")
    script = VENV_BIN / "pulumi-resource-jetemail"
    subprocess.run(
        [
            pulumi_cli,
            "plugin",
            "install",
            "resource",
            "jetemail",
            pulumi_jetemail.__version__,
            "--file",
            str(script),
        ],
        env={**os.environ, "PULUMI_HOME": str(home), "PULUMI_SKIP_UPDATE_CHECK": "true"},
        check=True,
        capture_output=True,
    )
    return home / "plugins"


@pytest.fixture
def stack(pulumi_cli: Path, emu: Emulator, installed_plugins: Path) -> Iterator[StackFactory]:
    """Open a `PulumiStack` of a program on the real CLI, its config pointed at the fresh
    emulator account (extra `config=` and `secrets=` are added to that). The native plugin is
    installed in the stack's Pulumi home the README's way and is not on PATH (so the engine
    prints no note about a plugin taken from PATH); pass `env={"PATH": ...}` to change that."""
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
                    **{"env": {"PATH": PATH_WITHOUT_VENV}, "plugins_from": installed_plugins}
                    | kwargs,
                )
            )

        yield open_stack
