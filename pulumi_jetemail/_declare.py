"""The vocabulary of a resource declaration: `Type`, `Prop` and `Declaration`.

A declaration says each property of a resource once: its type, whether it is an input or an
output, required, secret, write-only, whether it forces a replacement or only steers create,
which delivery mode takes it, its default, what a PATCH sends to clear it, its description and
its validator. Everything else (the check, the request bodies, the state, the diff's key sets,
the secret outputs, the typed Python surface and the Pulumi package schema) is computed from it.

Nothing here knows of HTTP or of Pulumi; `declarations.py` holds the declarations themselves.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

__all__ = ["BOOLEAN", "INTEGER", "STRING", "UNSET", "Declaration", "Prop", "Type", "camel"]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
"""No value given (where None is a value: a PATCH's `null`)."""


# ------------------------------------------------------------------------------ types


@dataclass(frozen=True)
class Type:
    """The type of a property, as a program, the engine and the schema see it."""

    kind: str
    """'string', 'integer', 'boolean', 'array', 'map', 'object' or 'one_of'."""
    items: Type | None = None
    """The type of an array's items or a map's values."""
    enum: tuple[str, ...] = ()
    """A string's allowed values (a `Literal` in Python)."""
    name: str = ""
    """An object type's name (its schema token is `jetemail:index:<name>`)."""
    fields: tuple[Prop, ...] = ()
    """An object type's properties."""
    choices: tuple[Type, ...] = ()
    """The types a 'one_of' allows."""
    description: str = ""

    @staticmethod
    def string(*enum: str) -> Type:
        return Type("string", enum=enum)

    @staticmethod
    def array(items: Type) -> Type:
        return Type("array", items=items)

    @staticmethod
    def map(values: Type) -> Type:
        return Type("map", items=values)

    @staticmethod
    def object(name: str, description: str, *fields: Prop) -> Type:
        return Type("object", name=name, fields=fields, description=description)

    @staticmethod
    def one_of(*choices: Type) -> Type:
        return Type("one_of", choices=choices)

    def objects(self) -> list[Type]:
        """The object types this type holds, itself included, outermost first."""
        found = [self] if self.kind == "object" else []
        for inner in (self.items, *self.choices, *(p.type for p in self.fields)):
            if inner is not None:
                found += inner.objects()
        return found

    @property
    def has_integer(self) -> bool:
        """Whether an integer is anywhere in this type."""
        inner = (self.items, *self.choices, *(p.type for p in self.fields))
        return self.kind == "integer" or any(t is not None and t.has_integer for t in inner)

    def coerce(self, value: Any) -> Any:
        """`value` with every number that this type says is an integer made an `int` (the
        Pulumi wire turns every number into a float)."""
        if self.kind == "integer" and isinstance(value, float) and value.is_integer():
            return int(value)
        if self.kind == "array" and isinstance(value, list) and self.items is not None:
            return [self.items.coerce(v) for v in value]
        if self.kind == "map" and isinstance(value, Mapping) and self.items is not None:
            return {k: self.items.coerce(v) for k, v in value.items()}
        if self.kind == "object" and isinstance(value, Mapping):
            fields = {p.name: p for p in self.fields}
            return {k: fields[k].type.coerce(v) if k in fields else v for k, v in value.items()}
        if self.kind == "one_of":
            for choice in self.choices:
                if choice.kind in ("object", "map") and isinstance(value, Mapping):
                    return choice.coerce(value)
        return value

    def keys(self, value: Any, *, to_camel: bool) -> Any:
        """`value` with the keys of every object this type holds spelled as the wire spells
        them (`to_camel`: `tls_enabled` → `tlsEnabled`) or back; keys not declared are kept."""
        if self.kind in ("array", "map") and self.items is not None:
            if self.kind == "array" and isinstance(value, list):
                return [self.items.keys(v, to_camel=to_camel) for v in value]
            if self.kind == "map" and isinstance(value, Mapping):
                return {k: self.items.keys(v, to_camel=to_camel) for k, v in value.items()}
        if self.kind == "object" and isinstance(value, Mapping):
            by = {(p.name if to_camel else p.camel): p for p in self.fields}
            return {
                ((by[k].camel if to_camel else by[k].name) if k in by else k): (
                    by[k].type.keys(v, to_camel=to_camel) if k in by else v
                )
                for k, v in value.items()
            }
        if self.kind == "one_of":
            for choice in self.choices:
                if choice.kind in ("object", "map") and isinstance(value, Mapping):
                    return choice.keys(value, to_camel=to_camel)
        return value


STRING, INTEGER, BOOLEAN = Type("string"), Type("integer"), Type("boolean")


# ---------------------------------------------------------------------------- properties


@dataclass(frozen=True)
class Prop:
    """One property of a resource (or of an object type), said once."""

    name: str
    """The contract's name: snake_case, as in the API and the dynamic resources' wire."""
    type: Type
    description: str
    output: bool = False
    """An output only (computed by the API or the provider); else an input, also echoed
    in the outputs in canonical form."""
    required: bool = False
    secret: bool = False
    """Secret in state and in every display, whatever the program passed."""
    write_only: bool = False
    """The API never returns it: kept from state, so its drift cannot be seen."""
    replaces: bool = False
    """A change replaces the resource (its documentation says so: `doc`)."""
    create_only: bool = False
    """Steers create only: never sent to the API, never a diff."""
    mode: str | None = None
    """The delivery mode that takes it; a field of another mode is refused."""
    mode_required: bool = False
    """Required when its mode is the declared one."""
    default: Any = None
    """Filled in by check when absent (for a mode's field, only in that mode)."""
    clear: Any = UNSET
    """What a PATCH sends when the property is removed: None sends null; UNSET sends the
    default (or null when there is none)."""
    rule: Any = None
    """The field rule: a pydantic type (`Annotated[..., BeforeValidator(...)]`) that returns
    the canonical value or fails with a message that says how to fix it."""
    missing: str = ""
    """How to fix the property when it is required and missing."""
    api: str | _Unset | None = UNSET
    """The API's field for it in bodies and answers (UNSET: the same name; None: never sent
    and never answered, e.g. a path parameter)."""
    to_api: Callable[[Any], Any] | None = None
    """The value as the API takes it, when it differs."""
    from_api: Callable[[Any], Any] | None = None
    """The API's answer made canonical (flags answered as 0/1, a status as a number...)."""
    at_create: bool = True
    """The create body carries it; else a PATCH right after create sends it (if not default)."""
    computed: Callable[[Mapping[str, Any]], Any] | None = None
    """An output computed from the rest of the state (not from the API)."""
    equal: Callable[[Any, Any], bool] | None = None
    """Compares an old and a new value by meaning (default: ==)."""
    refers_to: str | None = None
    """The resource type whose id this input holds (a ForwardRule's `domain_uuid` holds an
    InboundDomain's): a value not known yet at preview comes from that resource."""
    reset_by: tuple[str, ...] = ()
    """An output that goes back to its default when one of these inputs changes."""

    @property
    def doc(self) -> str:
        """The description as the schema, SDKs and typed classes print it: with the sentence
        that a change replaces the resource when it does."""
        replaced = " Changing it replaces the resource." if self.replaces else ""
        return self.description + replaced

    @property
    def api_name(self) -> str | None:
        return self.name if isinstance(self.api, _Unset) else self.api

    @property
    def clear_value(self) -> Any:
        return self.default if isinstance(self.clear, _Unset) else self.clear

    @property
    def camel(self) -> str:
        return camel(self.name)

    def same(self, old: Any, new: Any) -> bool:
        return self.equal(old, new) if self.equal is not None else bool(old == new)

    def encode(self, value: Any) -> Any:
        return self.to_api(value) if self.to_api is not None else value

    def decode(self, value: Any) -> Any:
        return self.from_api(value) if self.from_api is not None else value


def camel(name: str) -> str:
    """The Pulumi convention for a property name: `delivery_type` → `deliveryType`."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


# --------------------------------------------------------------------------- resources


@dataclass(frozen=True)
class Declaration:
    """A resource: its name, its description and its properties, in the order of the API."""

    name: str
    description: str
    props: tuple[Prop, ...]
    mode_prop: str | None = None
    """The input that picks the delivery mode (its values are the modes)."""
    kind: str = field(default="resource")

    def with_props(self, *extra: Prop) -> Declaration:
        """The same declaration with more properties (inputs before outputs)."""
        inputs = [p for p in (*self.props, *extra) if not p.output]
        outputs = [p for p in (*self.props, *extra) if p.output]
        return dataclasses.replace(self, props=(*inputs, *outputs))

    @cached_property
    def by_name(self) -> dict[str, Prop]:
        return {p.name: p for p in self.props}

    @cached_property
    def by_camel(self) -> dict[str, Prop]:
        return {p.camel: p for p in self.props}

    def camel_of(self, name: str) -> str:
        """How the native door's programs spell a property (a name not declared as given)."""
        prop = self.by_name.get(name)
        return prop.camel if prop is not None else name

    def inputs_from(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """Checked inputs as they come back over the wire: other keys (the SDK's
        `__provider`) dropped, every integer an `int` again (the wire makes every number a
        float, and the API refuses `30000.0` where it wants 30000)."""
        return {
            p.name: p.type.coerce(props[p.name])
            for p in self.inputs
            if props.get(p.name) is not None
        }

    @cached_property
    def inputs(self) -> tuple[Prop, ...]:
        return tuple(p for p in self.props if not p.output)

    @cached_property
    def outputs(self) -> tuple[Prop, ...]:
        return tuple(p for p in self.props if p.output)

    @cached_property
    def input_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.inputs)

    @cached_property
    def output_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.outputs)

    @cached_property
    def secret(self) -> tuple[str, ...]:
        """Inputs and outputs that are always secret."""
        return tuple(p.name for p in self.props if p.secret)

    @cached_property
    def secret_inputs(self) -> frozenset[str]:
        return frozenset(p.name for p in self.inputs if p.secret)

    @cached_property
    def write_only(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.inputs if p.write_only)

    @cached_property
    def replaces(self) -> frozenset[str]:
        return frozenset(p.name for p in self.inputs if p.replaces)

    @cached_property
    def diffed(self) -> tuple[Prop, ...]:
        """The inputs a diff compares (all but the create-only ones)."""
        return tuple(p for p in self.inputs if not p.create_only)

    @cached_property
    def modes(self) -> tuple[str, ...]:
        return self.by_name[self.mode_prop].type.enum if self.mode_prop else ()

    def mode_fields(self, mode: str | None) -> tuple[Prop, ...]:
        """The fields `mode` takes (none for an unknown mode)."""
        return tuple(p for p in self.inputs if p.mode is not None and p.mode == mode)

    def common(self) -> tuple[Prop, ...]:
        """Inputs that belong to no mode."""
        return tuple(p for p in self.inputs if p.mode is None)

    def visible_in(self, mode: str | None) -> tuple[Prop, ...]:
        """Every property a resource in `mode` has: those of no mode and those of `mode`."""
        return tuple(p for p in self.props if p.mode is None or p.mode == mode)
