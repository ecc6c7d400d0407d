"""What both doors' resource classes share in the program: the props and options a resource
registers with the SDK, and integer outputs given to the program as `int`. Imports the SDK's
`pulumi`, never a door."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import pulumi

from ._declare import Declaration, Prop

__all__ = ["integer_outputs", "registration", "resource_props"]


def resource_props(
    decl: Declaration, args: object | None, keywords: Mapping[str, Any]
) -> dict[str, Any]:
    """The props a resource class hands the SDK.

    Every input and output is declared (as None when not given), since the SDK makes an
    attribute only for keys present; the fields of an `…Args` dataclass are taken as given
    (Outputs are not copied), and a keyword given wins over the same field; secret inputs
    are wrapped as secrets whatever the program passed."""
    unexpected = sorted(set(keywords) - set(decl.input_names))
    if unexpected:
        raise TypeError(
            f"{decl.name}() got an unexpected keyword argument {unexpected[0]!r}; its inputs "
            f"are {', '.join(decl.input_names)}"
        )
    props: dict[str, Any] = dict.fromkeys((*decl.input_names, *decl.output_names))
    if args is not None:
        fields = dataclasses.fields(args)  # type: ignore[arg-type]
        props.update({f.name: getattr(args, f.name) for f in fields})
    props.update({k: v for k, v in keywords.items() if v is not None})
    for key in decl.secret_inputs:
        if props.get(key) is not None:
            props[key] = pulumi.Output.secret(props[key])
    return props


class _IntegerOutput:
    """An output with integers in its type, as the program reads it: the SDK's Output (whose
    numbers the wire made floats) with every integer made an `int`, made on first access so
    that a program that never reads it pays nothing. A data descriptor, so it wins over the
    instance attribute the SDK sets."""

    def __init__(self, prop: Prop) -> None:
        self.prop = prop
        self.cached = f"_jetemail_int_{prop.name}"

    def __get__(self, resource: Any, owner: type | None = None) -> Any:
        if resource is None:
            return self
        found = resource.__dict__.get(self.cached)
        if found is None:
            raw = resource.__dict__[self.prop.name]
            found = resource.__dict__[self.cached] = raw.apply(self.prop.type.coerce)
        return found

    def __set__(self, resource: Any, value: Any) -> None:
        resource.__dict__[self.prop.name] = value
        resource.__dict__.pop(self.cached, None)


def integer_outputs(cls: type, decl: Declaration) -> None:
    """Make a resource class give its integer outputs to the program as `int`."""
    for prop in decl.props:
        if prop.type.has_integer:
            setattr(cls, prop.name, _IntegerOutput(prop))


def registration(
    decl: Declaration,
    args: object | None,
    opts: pulumi.ResourceOptions | None,
    keywords: Mapping[str, Any],
) -> tuple[dict[str, Any], pulumi.ResourceOptions]:
    """What both doors hand the SDK for a resource of `decl`: its props, and its options
    with every secret output named."""
    secrets = pulumi.ResourceOptions(additional_secret_outputs=list(decl.secret))
    return resource_props(decl, args, keywords), pulumi.ResourceOptions.merge(secrets, opts)
