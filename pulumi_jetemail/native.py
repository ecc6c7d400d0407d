"""Python classes for the native provider (`pulumi-resource-jetemail`, package `jetemail`).

The same typed surface as the dynamic resources (`pulumi_jetemail.InboundDomain`), registered
as `jetemail:index:InboundDomain` and `jetemail:index:ForwardRule` resources of the native
plugin instead: `pulumi import`, explicit providers (several accounts in one program), previews
with known outputs and exact diffs. The plugin must be where the engine finds it (see the
README, "Two front doors").

    from pulumi_jetemail import native

    other = native.Provider("other-account", api_key=config.require_secret("otherKey"))
    native.InboundDomain("support", domain="example.com", delivery_type="forward",
                         opts=pulumi.ResourceOptions(provider=other))
"""

from __future__ import annotations

from typing import Any, ClassVar

import pulumi

from ._codegen import PACKAGE
from ._declare import Declaration
from ._program import integer_outputs, registration
from ._surface import (
    ForwardRuleArgs,
    ForwardRuleSurface,
    InboundDomainArgs,
    InboundDomainSurface,
    ProviderSurface,
)
from .declarations import FORWARD_RULE, INBOUND_DOMAIN, PROVIDER_CONFIG

__all__ = ["ForwardRule", "ForwardRuleArgs", "InboundDomain", "InboundDomainArgs", "Provider"]


class Provider(ProviderSurface, pulumi.ProviderResource):
    __doc__ = ProviderSurface.__doc__

    def _declare(
        self, resource_name: str, opts: pulumi.ResourceOptions | None, keywords: dict[str, Any]
    ) -> None:
        props = {
            p.camel: pulumi.Output.secret(keywords[p.name]) if p.secret else keywords[p.name]
            for p in PROVIDER_CONFIG.inputs
            if keywords.get(p.name) is not None
        }
        pulumi.ProviderResource.__init__(self, PACKAGE, resource_name, props, opts)


class NativeDoor:
    """What a resource class of the native plugin adds to its typed surface: registration
    under its token, snake_case attributes for camelCase properties. First among the bases."""

    DECL: ClassVar[Declaration]

    def _declare(
        self,
        resource_name: str,
        args: object | None,
        opts: pulumi.ResourceOptions | None,
        keywords: dict[str, Any],
    ) -> None:
        decl = self.DECL
        props, opts = registration(decl, args, opts, keywords)
        token = f"{PACKAGE}:index:{decl.name}"
        pulumi.CustomResource.__init__(self, token, resource_name, props, opts)  # type: ignore[arg-type]

    def translate_output_property(self, prop: str) -> str:
        found = self.DECL.by_camel.get(prop)
        return found.name if found is not None else prop

    def translate_input_property(self, prop: str) -> str:
        found = self.DECL.by_name.get(prop)
        return found.camel if found is not None else prop


class InboundDomain(NativeDoor, InboundDomainSurface, pulumi.CustomResource):
    __doc__ = InboundDomainSurface.__doc__
    DECL = INBOUND_DOMAIN


class ForwardRule(NativeDoor, ForwardRuleSurface, pulumi.CustomResource):
    __doc__ = ForwardRuleSurface.__doc__
    DECL = FORWARD_RULE


for _class in (InboundDomain, ForwardRule):
    integer_outputs(_class, _class.DECL)
