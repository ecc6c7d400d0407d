"""The native plugin's wire: the engine's camelCase properties (a protobuf `Struct`, secrets and
unknowns as the SDK's sentinels) as the declarations' snake_case plain values, and back.

The sentinels are the SDK's (`pulumi.runtime.rpc`); the typed `pulumi.provider.experimental`
provider would hide them, but it serves the engine on asyncio, and the lifecycles are
synchronous over a rate limiter shared by threads (see `plugin.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.output import Unknown
from pulumi.runtime import rpc

from ._declare import Declaration
from ._lifecycle import unknown

__all__ = ["Props", "camel_names", "decode", "encode", "type_of"]

_SECRET = {rpc._special_sig_key: rpc._special_secret_sig}


def _from_wire(value: Any, secrets: set[str] | None = None, key: str = "") -> Any:
    """A wire value as plain Python: secrets unwrapped (their top-level keys noted),
    the unknown sentinel as `unknown()`."""
    if value == rpc.UNKNOWN:
        return unknown()
    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            if secrets is not None and key:
                secrets.add(key)
            return _from_wire(value.get("value"), secrets, key)
        return {k: _from_wire(v, secrets, key) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_wire(v, secrets, key) for v in value]
    return value


def _to_wire(value: Any) -> Any:
    if isinstance(value, Unknown):
        return rpc.UNKNOWN
    if isinstance(value, Mapping):
        return {k: _to_wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_wire(v) for v in value]
    return value


@dataclass
class Props:
    """Properties of one call in the declarations' terms, and which of them came secret."""

    values: dict[str, Any]
    secret: set[str]


def decode(decl: Declaration, struct: struct_pb2.Struct) -> Props:
    """camelCase wire properties as snake_case values, objects inside them too (keys the
    declaration does not know are kept as they came, so that check can name them)."""
    raw = json_format.MessageToDict(struct)
    secret: set[str] = set()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        prop = decl.by_camel.get(key)
        name = prop.name if prop is not None else key
        plain = _from_wire(value, secret, name)
        if prop is not None:
            plain = prop.type.coerce(prop.type.keys(plain, to_camel=False))
        values[name] = plain
    return Props(values, secret)


def encode(
    decl: Declaration, values: Mapping[str, Any], secret: set[str] | None = None
) -> struct_pb2.Struct:
    """snake_case values as camelCase wire properties; secret where the declaration says so
    or where the program sent a secret."""
    wire: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            continue
        prop = decl.by_name.get(name)
        key = prop.camel if prop is not None else name
        plain = _to_wire(prop.type.keys(value, to_camel=True) if prop is not None else value)
        if (prop is not None and prop.secret) or name in (secret or ()):
            plain = {**_SECRET, "value": plain}
        wire[key] = plain
    struct = struct_pb2.Struct()
    struct.update(wire)
    return struct


def type_of(urn: str) -> str:
    """`jetemail:index:InboundDomain` from a URN (a parent's type comes before a `$`)."""
    parts = urn.split("::")
    return parts[2].rsplit("$", 1)[-1] if len(parts) > 3 else ""


def camel_names(decl: Declaration, names: Iterable[str]) -> list[str]:
    return [decl.camel_of(n) for n in names]
