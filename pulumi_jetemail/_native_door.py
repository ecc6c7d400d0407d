"""What the native plugin's Python classes add to their typed surface: registration under the
resource's token, snake_case attributes for the wire's camelCase properties, and the explicit
provider. The class statements themselves are generated (`_native_classes.py`)."""

from __future__ import annotations

from typing import Any, ClassVar

import pulumi

from ._program import integer_outputs, registration
from ._registry import PACKAGE, ResourceType
from ._settings import PROVIDER_CONFIG
from ._surface import ProviderSurface
from .resources import resource_named

__all__ = ["NativeDoor", "Provider"]


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
        found = self.RESOURCE.declaration.by_name.get(prop)
        return found.camel if found is not None else prop
