"""A throwaway dynamic provider for tests/test_grpc_harness.py (never shipped).

`EchoProvider` echoes its inputs and reports what it saw, so the tests can assert on what
crossed the wire: the config that reached configure(), unknowns and value types that reached
check, and so on. The provider process imports this module by name: run the ProviderServer
with ``cwd`` set to this directory.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown
from pulumi.runtime import rpc

CONCURRENT_CREATES = 4
ECHO_TYPE = "pulumi-python:dynamic/fake:Echo"


def unknown_paths(value: Any, path: str = "") -> list[str]:
    """Paths of every Unknown inside ``value``, e.g. ``["meta.owner", "tags[0]"]``."""
    if isinstance(value, Unknown):
        return [path]
    found: list[str] = []
    if isinstance(value, dict):
        for key in sorted(value):
            found += unknown_paths(value[key], f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += unknown_paths(item, f"{path}[{index}]")
    return found


class EchoProvider(ResourceProvider):
    """Echoes inputs as outputs; ``name`` forces replacement; keys steer failures and waits."""

    def configure(self, req: ConfigureRequest) -> None:
        self.marker = req.config.get("fake:marker")
        self.project_marker = req.config.get("marker")  # un-namespaced: the project's namespace
        self.peers = threading.Barrier(CONCURRENT_CREATES, timeout=20)
        print(f"fake: configured with marker {self.marker!r}", file=sys.stderr, flush=True)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        if news.get("name") == "bad":
            failures.append(CheckFailure("name", "'bad' is reserved: choose another name"))
        if "count" in news and not isinstance(news["count"], Unknown) and news["count"] < 0:
            failures.append(CheckFailure("count", "must be zero or more"))
        inputs = dict(news)
        inputs["seen_unknowns"] = unknown_paths(news)
        inputs["seen_types"] = {
            key: type(value).__name__ for key, value in news.items() if key != "__provider"
        }
        inputs["seen_olds"] = sorted(key for key in _olds if key != "__provider")
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        if news.get("explode") == "diff":
            raise ValueError("diff exploded on purpose")
        ignored = {"__provider", "seen_unknowns", "seen_types", "seen_olds"}
        changed = sorted(k for k in news if k not in ignored and olds.get(k) != news[k])
        if unknown_paths(news):
            return DiffResult(changes=None, replaces=["name"] if "name" in changed else [])
        return DiffResult(
            changes=bool(changed),
            replaces=[key for key in changed if key == "name"],
            delete_before_replace=bool(news.get("delete_first")),
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        if "explode" in props:
            raise RuntimeError(f"create refused: {props['explode']}")
        if props.get("wait_for_peers"):
            self.peers.wait()
        if "hold_seconds" in props:
            threading.Event().wait(props["hold_seconds"])
        if "spew_bytes" in props:  # more than a pipe holds: the harness must drain both streams
            sys.stdout.write("o" * int(props["spew_bytes"]) + "\n")
            sys.stderr.write("e" * int(props["spew_bytes"]) + "\n")
        print(f"fake: creating {props.get('name')}", file=sys.stderr, flush=True)
        outs = dict(props)
        outs["configured_marker"] = self.marker
        outs["project_marker"] = self.project_marker
        outs["pid"] = os.getpid()
        if props.get("secret_output"):
            outs["token"] = rpc.wrap_rpc_secret("s3cret")
        return CreateResult(props.get("forced_id", f"echo-{props.get('name')}"), outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        if id_.startswith("gone-"):
            return ReadResult("", {})
        outs = dict(props)
        outs["reads"] = props.get("reads", 0) + 1
        inputs = None
        if props.get("drifted"):
            inputs = {
                "__provider": props["__provider"],
                "name": props.get("name"),
                "value": "drift",
            }
        return ReadResult(id_, outs, inputs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        outs = dict(news)
        outs["previous_value"] = olds.get("value")
        outs["configured_marker"] = self.marker
        return UpdateResult(outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        print(f"fake: deleted {id_} (name {props.get('name')})", file=sys.stderr, flush=True)
