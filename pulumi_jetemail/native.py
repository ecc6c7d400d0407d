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

from typing import Any

import pulumi

from ._codegen import PACKAGE
from ._declare import Declaration
from ._provider import integer_outputs, resource_props
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


class _Native(pulumi.CustomResource):
    """A resource of the native plugin: snake_case attributes, camelCase on the wire."""

    DECL: Declaration

    def _register(
        self,
        resource_name: str,
        args: object | None,
        opts: pulumi.ResourceOptions | None,
        keywords: dict[str, Any],
    ) -> None:
        decl = self.DECL
        props = resource_props(decl, args, keywords)
        opts = pulumi.ResourceOptions.merge(
            pulumi.ResourceOptions(additional_secret_outputs=list(decl.secret)),
            opts,
        )
        token = f"{PACKAGE}:index:{decl.name}"
        pulumi.CustomResource.__init__(self, token, resource_name, props, opts)

    def translate_output_property(self, prop: str) -> str:
        found = self.DECL.by_camel.get(prop)
        return found.name if found is not None else prop

    def translate_input_property(self, prop: str) -> str:
        found = self.DECL.by_name.get(prop)
        return found.camel if found is not None else prop


class InboundDomain(InboundDomainSurface, _Native):
    __doc__ = InboundDomainSurface.__doc__
    DECL = INBOUND_DOMAIN

    def _declare(
        self,
        resource_name: str,
        args: InboundDomainArgs | None,
        opts: pulumi.ResourceOptions | None,
        keywords: dict[str, Any],
    ) -> None:
        self._register(resource_name, args, opts, keywords)

    @staticmethod
    def get(
        resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> InboundDomain:
        """Look up an existing inbound domain by uuid, read-only (it is not managed)."""
        resource = InboundDomain.__new__(InboundDomain)
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        resource._register(resource_name, None, opts, {})
        return resource


class ForwardRule(ForwardRuleSurface, _Native):
    __doc__ = ForwardRuleSurface.__doc__
    DECL = FORWARD_RULE

    def _declare(
        self,
        resource_name: str,
        args: ForwardRuleArgs | None,
        opts: pulumi.ResourceOptions | None,
        keywords: dict[str, Any],
    ) -> None:
        self._register(resource_name, args, opts, keywords)

    @staticmethod
    def get(
        resource_name: str,
        id: pulumi.Input[str],
        domain_uuid: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> ForwardRule:
        """Look up an existing forward rule, read-only, by its uuid and its domain's uuid."""
        resource = ForwardRule.__new__(ForwardRule)
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        resource._register(resource_name, None, opts, {"domain_uuid": domain_uuid})
        return resource


for _class in (InboundDomain, ForwardRule):
    integer_outputs(_class, _class.DECL)
