"""Helpers shared by the provider-over-gRPC suites (imported as `helpers`)."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from pulumi_jetemail import ForwardRule, InboundDomain
from pulumi_jetemail.testing import ProviderServer, ReadOutcome, registered_inputs, urn

API_KEY = "api_test_0123456789abcdef"
INBOUND = "pulumi-python:dynamic/jetemail:InboundDomain"
RULE = "pulumi-python:dynamic/jetemail:ForwardRule"


registered = registered_inputs
"""The inputs (with `__provider`) a program registering `build()` sends the engine."""

RESOURCE = {INBOUND: InboundDomain, RULE: ForwardRule}


class Deployed:
    """One resource's engine-side record: its urn, id, checked inputs and outputs."""

    def __init__(
        self, provider: ProviderServer, type_: str, name: str, inputs: dict[str, Any]
    ) -> None:
        self.provider = provider
        self.type = type_
        self.urn = urn(type_, name)
        checked = provider.check(self.urn, {}, self.registered(**inputs))
        assert checked.failures == []
        self.inputs: dict[str, Any] = checked.inputs
        self.id, outs = provider.create(self.urn, self.inputs)
        self.outs: dict[str, Any] = outs

    def registered(self, **inputs: Any) -> dict[str, Any]:
        """The inputs the real resource class registers for `inputs`."""
        return registered(lambda: RESOURCE[self.type]("x", **inputs))

    def plan(self, **inputs: Any) -> tuple[str, list[str], dict[str, Any]]:
        """Check and Diff new inputs, as `pulumi preview` does."""
        checked = self.provider.check(self.urn, self.inputs, self.registered(**inputs))
        assert checked.failures == []
        result = self.provider.diff(self.id, self.urn, self.outs, checked.inputs)
        return result.changes, result.replaces, checked.inputs

    def apply(self, **inputs: Any) -> dict[str, Any]:
        """An update in place, as `pulumi up` does after the plan."""
        changes, replaces, news = self.plan(**inputs)
        assert (changes, replaces) == ("some", [])
        self.outs = self.provider.update(self.id, self.urn, self.outs, news)
        self.inputs = news
        return self.outs

    def refresh(self) -> ReadOutcome:
        """`pulumi refresh`: Read with the old outputs and inputs; keeps what it returns."""
        read = self.provider.read(self.id, self.urn, self.outs, self.inputs)
        if read.id:
            self.outs = read.outs
            assert read.inputs is not None
            self.inputs = read.inputs
        return read

    def delete(self) -> None:
        self.provider.delete(self.id, self.urn, self.outs)


class ManualClock:
    """A clock for many threads: `sleep` blocks until the test advances time far enough."""

    def __init__(self) -> None:
        self._now = 0.0
        self._cond = threading.Condition()
        self.sleeping = 0

    def clock(self) -> float:
        with self._cond:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._cond:
            until = self._now + seconds
            self.sleeping += 1
            self._cond.notify_all()
            assert self._cond.wait_for(lambda: self._now >= until, timeout=10)
            self.sleeping -= 1

    def advance(self, seconds: float) -> None:
        with self._cond:
            self._now += seconds
            self._cond.notify_all()

    def wait_for_sleepers(self, count: int) -> None:
        with self._cond:
            assert self._cond.wait_for(lambda: self.sleeping == count, timeout=10)


class FakeTime:
    """A clock for one thread: sleeping advances it at once and is recorded."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


# ---------------------------------------------------------------- the real Pulumi engine

_DIFF_ROW = re.compile(r"^\s+([-+~]) ([a-z_]+)\s*:", re.MULTILINE)


def changed_properties(diff_text: str) -> set[str]:
    """The resource properties `pulumi preview --diff` marks as added, removed or changed
    (the stack's own outputs, listed after the resources, left out)."""
    resources = re.split(r"^    --outputs:--$", diff_text, maxsplit=1, flags=re.MULTILINE)[0]
    return {name for _, name in _DIFF_ROW.findall(resources)}


def edited(program: Path, target: Path, *replacements: tuple[str, str]) -> Path:
    """A copy of `program` (a file) at `target` with each (old, new) text replaced once, as a
    user edits a program; every `old` must be there."""
    text = program.read_text()
    for old, new in replacements:
        assert old in text, f"{old!r} is not in {program}"
        text = text.replace(old, new, 1)
    target.write_text(text)
    return target


def missing(message: str) -> NoReturn:
    """A tool the test needs is missing: skip, saying so; under CI=true, fail (CI has every
    tool, so a skip there would hide a broken machine)."""
    import pytest

    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def once_per_run(tmp_path_factory: Any, name: str, build: Callable[[Path], None]) -> Path:
    """A directory `build` filled once for the whole test run, whichever worker asks first.

    pytest-xdist's workers each run session and module fixtures of their own; what writes to
    the checkout (a wheel build, `npm install` in sdk/) must not run twice at once. The first
    worker builds under a file lock in the run's shared temporary root; the others wait on the
    lock and take its result (or its failure, raised again)."""
    import fcntl
    import traceback

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by every worker of this run
    out, done, failed = root / name, root / f"{name}.done", root / f"{name}.failed"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists() and not failed.exists():
            out.mkdir(exist_ok=True)
            try:
                build(out)
            except BaseException:
                failed.write_text(traceback.format_exc())
                raise
            done.touch()
    if failed.exists():
        raise RuntimeError(f"building {name} failed in another worker:\n{failed.read_text()}")
    return out
