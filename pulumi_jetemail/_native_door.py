"""What the native plugin's Python classes add to their typed surface: registration under the
resource's token, snake_case attributes for the wire's camelCase properties, and the explicit
provider. The class statements themselves are generated (`_native_classes.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

import pulumi

from ._declare import Declaration
from ._program import integer_outputs, registration
from ._registry import PACKAGE, FunctionType, ResourceType
from ._settings import PROVIDER_CONFIG
from ._surface import ProviderSurface
from .functions import function_named
from .resources import resource_named

__all__ = ["NativeDoor", "Provider", "invoke", "invoke_output"]

_R = TypeVar("_R")


class Provider(ProviderSurface, pulumi.ProviderResource):
    __doc__ = ProviderSurface.__doc__

    def _register(
        self, resource_name: str, opts: pulumi.ResourceOptions | None, keywords: dict[str, Any]
    ) -> None:
        props = {
            p.camel: pulumi.Output.secret(keywords[p.name]) if p.secret else keywords[p.name]
            for p in PROVIDER_CONFIG.inputs
            if keywords.get(p.name) is not None
        }
        pulumi.ProviderResource.__init__(self, PACKAGE, resource_name, props, opts)


class NativeDoor:
    """What a resource class of the native plugin adds to its typed surface. First among the
    bases: `class InboundDomain(NativeDoor, InboundDomainSurface, pulumi.CustomResource,
    resource="InboundDomain")`."""

    RESOURCE: ClassVar[ResourceType]

    def __init_subclass__(cls, resource: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found = resource_named(resource)
        if found is None:
            raise TypeError(f"{cls.__name__}: no resource type {resource!r} in RESOURCES")
        cls.RESOURCE = found
        integer_outputs(cls, found.declaration)

    def _register(
        self,
        resource_name: str,
        args: object | None,
        opts: pulumi.ResourceOptions | None,
        keywords: dict[str, Any],
    ) -> None:
        props, opts = registration(self.RESOURCE.declaration, args, opts, keywords)
        pulumi.CustomResource.__init__(self, self.RESOURCE.token, resource_name, props, opts)  # type: ignore[arg-type]

    def translate_output_property(self, prop: str) -> str:
        found = self.RESOURCE.declaration.by_camel.get(prop)
        return found.name if found is not None else prop

    def translate_input_property(self, prop: str) -> str:
        return self.RESOURCE.declaration.camel_of(prop)


# -------------------------------------------------------------------------- functions


def _function(name: str) -> FunctionType:
    found = function_named(name)
    if found is None:
        raise TypeError(f"no function {name!r} in FUNCTIONS")
    return found


def _wire_args(args: Declaration, values: Mapping[str, Any]) -> dict[str, Any]:
    """A function's arguments as the wire spells them (values may be Outputs); None left out."""
    return {p.camel: values[p.name] for p in args.props if values.get(p.name) is not None}


def _result(cls: type[_R], function: FunctionType, raw: Mapping[str, Any]) -> _R:
    values = {
        p.name: p.type.coerce(p.type.keys(raw.get(p.camel), to_camel=False))
        for p in function.result.props
    }
    return cls(**values)


def invoke(
    cls: type[_R], name: str, args: Mapping[str, Any], opts: pulumi.InvokeOptions | None
) -> _R:
    """Call a function of the native plugin; its result as `cls` (the generated wrappers)."""
    function = _function(name)
    raw = pulumi.runtime.invoke(function.token, _wire_args(function.args, args), opts).value
    return _result(cls, function, raw or {})


def invoke_output(
    cls: type[_R],
    name: str,
    args: Mapping[str, Any],
    opts: pulumi.InvokeOutputOptions | None,
) -> pulumi.Output[_R]:
    """`invoke` with inputs that may be Outputs: the result as an Output."""
    function = _function(name)
    raw = pulumi.runtime.invoke_output(function.token, _wire_args(function.args, args), opts)
    return raw.apply(lambda value: _result(cls, function, value or {}))
