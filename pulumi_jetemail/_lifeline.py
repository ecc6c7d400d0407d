"""Whether the Pulumi engine that started this provider process is still there.

The engine starts a dynamic provider as ``python -m pulumi.dynamic <engine address>`` and
stops it at the end of a deployment. When the engine itself is killed (SIGKILL, a CI runner
cancelled, an OOM kill), the provider process lives on: the SDK's server waits forever, and a
create already under way finishes, leaving on the account an object that no state records.

So the providers ask `engine_alive()` after each create and undo it when nobody is left to
record it, and `watch()` ends the process once the engine is gone and no call is in flight.
The engine's address is its gRPC server on loopback: a refused connection means it is gone
(a process tree says nothing here, as the plugin may run under a shell that outlives it).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator

from .errors import JetEmailError

log = logging.getLogger("pulumi_jetemail")

_PROVIDER_PROGRAMS = (
    "pulumi/dynamic/__main__.py",
    "pulumi-resource-jetemail",
    "pulumi_jetemail/plugin.py",
)
"""How a provider process started by the engine is named: the SDK's dynamic server, or the
native plugin (its console script, or the module run directly)."""

WATCH_INTERVAL = 1.0
"""Seconds between two looks at the engine once `watch()` runs."""


class _Process:
    """This process's calls in flight and whether it watches the engine."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight = 0
        self.watching = False


_process = _Process()


def engine_address(argv: list[str] | None = None) -> tuple[str, int] | None:
    """The engine's ``host:port`` from the provider's command line, None if it has none."""
    args = sys.argv if argv is None else argv
    program = args[0].replace(os.sep, "/") if args else ""
    if len(args) < 2 or not program.endswith(_PROVIDER_PROGRAMS):
        return None
    host, _, port = args[1].rpartition(":")
    if not host or not port.isdigit():
        return None
    return host.strip("[]"), int(port)


def engine_alive(address: tuple[str, int] | None = None) -> bool:
    """False only when the engine's address refuses connections; True when it answers, when
    it cannot be told, or when this process was not started by an engine."""
    address = address or engine_address()
    if address is None:
        return True
    try:
        with socket.create_connection(address, timeout=2):
            return True
    except ConnectionRefusedError:
        return False
    except OSError:
        return True


@contextlib.contextmanager
def in_flight() -> Iterator[None]:
    """Mark a provider call as under way: `watch()` never ends the process during one."""
    with _process.lock:
        _process.in_flight += 1
    try:
        yield
    finally:
        with _process.lock:
            _process.in_flight -= 1


def watch() -> None:
    """Start (once per process) a thread that ends the process when the engine is gone."""
    address = engine_address()
    with _process.lock:
        if _process.watching or address is None:
            return
        _process.watching = True
    threading.Thread(target=_watch, args=(address,), name="jetemail-lifeline", daemon=True).start()


def _watch(address: tuple[str, int]) -> None:
    while True:
        time.sleep(WATCH_INTERVAL)
        if engine_alive(address):
            continue
        with _process.lock:
            if _process.in_flight:
                continue
            log.warning("the Pulumi engine is gone; this provider process stops")
            os._exit(0)


def undo_if_orphaned(what: str, undo: Callable[[], None]) -> None:
    """After a create: if the engine that asked for it is gone (killed mid-deploy), undo it
    and fail, since no state will ever record it."""
    if engine_alive():
        return
    log.warning("the Pulumi engine went away while %s was created; removing it again", what)
    undo()
    raise JetEmailError(
        f"the Pulumi engine stopped while {what} was created, so it was removed again. "
        "Run `pulumi cancel` if the stack is still locked, then `pulumi refresh "
        "--clear-pending-creates` and `pulumi up`."
    )
