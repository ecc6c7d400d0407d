"""What the harness and a provider say to each other, apart from the process: the outcomes
and errors of calls, URNs, properties encoded and decoded as the engine's SDK does, and the
checks that refuse requests the engine would never send (see `_grpc.py` for the wire's
rules)."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Coroutine, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, cast

from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider as _sdk_serialize_provider
from pulumi.output import Unknown
from pulumi.runtime import rpc

__all__ = [
    "PROVIDER_KEY",
    "CheckOutcome",
    "DiffChanges",
    "DiffOutcome",
    "Props",
    "ProtocolViolation",
    "ProviderError",
    "ProviderStartError",
    "ReadOutcome",
    "decode_properties",
    "encode_properties",
    "refuse_secrets",
    "refuse_unknowns",
    "require_provider_key",
    "run_coroutine",
    "serialize_provider",
    "split_urn",
    "urn",
]

PROVIDER_KEY = "__provider"
"""The input and output holding the serialized provider (see `serialize_provider`)."""

_T = TypeVar("_T")
DiffChanges = Literal["some", "none", "unknown"]


class Props(dict[str, Any]):
    """A property bag decoded from the wire; a plain dict plus the keys that came back secret.

    ``secret_keys`` names the top-level keys that held a secret anywhere inside them (the SDK
    pushes secretness up to the top-level key). Equality ignores it: ``Props`` compares equal
    to the plain dict with the same items.
    """

    secret_keys: frozenset[str]

    def __init__(
        self, values: Mapping[str, Any] | None = None, secret_keys: Iterable[str] = ()
    ) -> None:
        super().__init__(values or {})
        self.secret_keys = frozenset(secret_keys)


@dataclass(frozen=True)
class CheckOutcome:
    """What ``Check`` answered: the checked inputs and one (property, reason) per failure."""

    inputs: Props
    failures: list[tuple[str, str]]


@dataclass(frozen=True)
class DiffOutcome:
    """What ``Diff`` answered. The SDK never sends stables, diffs or a detailed diff."""

    changes: DiffChanges
    replaces: list[str]
    delete_before_replace: bool


@dataclass(frozen=True)
class ReadOutcome:
    """What ``Read`` answered: ``id == ""`` means gone; ``inputs`` is None unless refreshed."""

    id: str
    outs: Props
    inputs: Props | None


class ProviderError(Exception):
    """A gRPC call failed: the provider raised, or the process is gone or too slow.

    ``code`` is the gRPC status name (``"UNKNOWN"`` when a provider method raised, since the SDK
    aborts with that code; ``"DEADLINE_EXCEEDED"`` on a timeout; ``"UNAVAILABLE"`` when the
    process died). ``details`` is what the engine receives and shows the user: for a provider
    exception, the full traceback text the SDK formats.
    """

    def __init__(self, method: str, code: str, details: str, context: str = "") -> None:
        self.method = method
        self.code = code
        self.details = details
        message = f"{method} failed with {code}: {details}"
        super().__init__(f"{message}\n{context}" if context else message)


class ProviderStartError(RuntimeError):
    """The provider process died or stayed silent before serving; carries its stderr."""

    def __init__(self, message: str, returncode: int | None, stderr: str) -> None:
        self.returncode = returncode
        self.stderr = stderr
        super().__init__(f"{message}\n--- provider stderr ---\n{stderr}" if stderr else message)


class ProtocolViolation(AssertionError):
    """The provider answered something the engine would refuse (e.g. an empty id from create)."""


def urn(type_: str, name: str, project: str = "test", stack: str = "dev") -> str:
    """The URN the engine gives a resource at the root of a stack.

    ``type_`` is the full type token, e.g. ``"pulumi-python:dynamic/jetemail:InboundDomain"``
    (a dynamic resource's ``module`` and ``name`` after ``pulumi-python:dynamic/``).
    """
    if type_.count(":") < 2 or "::" in type_:
        raise ValueError(
            f"type_ must be a full type token like "
            f"'pulumi-python:dynamic/jetemail:InboundDomain', got {type_!r}"
        )
    return f"urn:pulumi:{stack}::{project}::{type_}::{name}"


def serialize_provider(provider: ResourceProvider) -> str:
    """The ``__provider`` input the SDK builds for ``provider``: base64 of its dill pickle.

    Not thread-safe: the SDK patches the global pickler while it runs.
    """
    return cast(str, _sdk_serialize_provider(provider))


def encode_properties(props: Mapping[str, Any]) -> Any:
    """Encode plain values to the ``google.protobuf.Struct`` the engine would send.

    Uses the SDK's ``serialize_properties`` (no running Pulumi program needed). Allowed values:
    None, bool, int, float, str, lists/tuples, mappings with str keys, ``Unknown()``.
    """
    for path, value in _leaves(props):
        if not isinstance(value, (str, int, float, bool, Unknown)) and value is not None:
            raise TypeError(
                f"{path or '<root>'}: {type(value).__name__} is not plain data "
                "(use str, numbers, bools, None, lists, dicts or pulumi.output.Unknown())"
            )
    return run_coroutine(rpc.serialize_properties(dict(props), {}))


def decode_properties(struct: Any) -> Props:
    """Decode a ``Struct`` from the provider as the engine's SDK does, keeping unknowns."""
    raw = rpc.deserialize_properties(struct, keep_unknowns=True)
    if not isinstance(raw, dict):
        raise ProtocolViolation(f"expected a property map, got {type(raw).__name__}")
    values: dict[str, Any] = {}
    secret_keys: set[str] = set()
    for key, value in raw.items():
        if rpc.is_rpc_secret(value):
            secret_keys.add(key)
            values[key] = rpc.unwrap_rpc_secret(value)
        else:
            values[key] = value
    return Props(values, secret_keys)


def split_urn(urn: str) -> tuple[str, str]:
    """(name, type) of a URN, as the engine fills CheckRequest.name and .type."""
    parts = urn.split("::", 3)
    if not urn.startswith("urn:pulumi:") or len(parts) != 4:
        raise ValueError(f"not a URN: {urn!r} (build one with pulumi_jetemail.testing.urn)")
    return parts[3], parts[2].rsplit("$", 1)[-1]


def require_provider_key(method: str, props: Mapping[str, Any], *more: Mapping[str, Any]) -> None:
    if PROVIDER_KEY not in props and not any(PROVIDER_KEY in extra for extra in more):
        raise ValueError(
            f"{method}: the properties lack {PROVIDER_KEY!r}; the engine always sends it. "
            f"Add {{{PROVIDER_KEY!r}: serialize_provider(YourProvider())}} or pass "
            "the previous answer (check inputs, create/update outputs) unchanged"
        )


def refuse_unknowns(method: str, *bags: Mapping[str, Any]) -> None:
    for bag in bags:
        for path, value in _leaves(bag):
            if isinstance(value, Unknown):
                raise ValueError(
                    f"{method}: {path} is Unknown, but the engine sends unknowns only to "
                    "check and diff (during a preview)"
                )


def refuse_secrets(method: str, *bags: Mapping[str, Any]) -> None:
    for bag in bags:
        for path, value in _walk(bag):
            if rpc.is_rpc_secret(value):
                raise ValueError(
                    f"{method}: {path} is a secret-wrapped value, but the provider does not "
                    "accept secrets, so the engine sends it plain"
                )


def _walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every value in a nested structure (containers included) with its path."""
    yield path, value
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path or '<root>'}: key {key!r} is not a string")
            yield from _walk(item, f"{path}.{key}" if path else key)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


def _leaves(value: Any) -> Iterator[tuple[str, Any]]:
    for path, item in _walk(value):
        if not isinstance(item, (Mapping, list, tuple)):
            yield path, item


def run_coroutine(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run an SDK coroutine to completion from synchronous code.

    A fresh event loop, never installed as the thread's current loop (``asyncio.run`` would
    leave the main thread without one, breaking later ``asyncio.get_event_loop()`` callers
    such as Pulumi's mocks). From inside a running loop, a helper thread runs it.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _run_in_fresh_loop(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_run_in_fresh_loop, coroutine).result()


def _run_in_fresh_loop(coroutine: Coroutine[Any, Any, _T]) -> _T:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()
