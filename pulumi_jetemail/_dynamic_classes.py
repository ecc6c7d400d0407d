"""The dynamic resource classes, exported by `pulumi_jetemail` (generated from `resources/`
by `make generate`: do not edit by hand).
"""

from __future__ import annotations

import pulumi

from ._dynamic import DynamicDoor, JetEmailProvider
from ._surface import (
    DomainVerificationArgs,
    DomainVerificationSurface,
    ForwardRuleArgs,
    ForwardRuleSurface,
    InboundDomainArgs,
    InboundDomainSurface,
)

__all__ = [
    "DomainVerification",
    "DomainVerificationArgs",
    "DomainVerificationProvider",
    "ForwardRule",
    "ForwardRuleArgs",
    "ForwardRuleProvider",
    "InboundDomain",
    "InboundDomainArgs",
    "InboundDomainProvider",
]


class InboundDomainProvider(JetEmailProvider, resource="InboundDomain"):
    """The dynamic provider behind InboundDomain."""


class InboundDomain(
    DynamicDoor,
    InboundDomainSurface,
    pulumi.dynamic.Resource,
    module="jetemail",
    name="InboundDomain",
):
    __doc__ = InboundDomainSurface.__doc__
    PROVIDER = InboundDomainProvider()


class ForwardRuleProvider(JetEmailProvider, resource="ForwardRule"):
    """The dynamic provider behind ForwardRule."""


class ForwardRule(
    DynamicDoor,
    ForwardRuleSurface,
    pulumi.dynamic.Resource,
    module="jetemail",
    name="ForwardRule",
):
    __doc__ = ForwardRuleSurface.__doc__
    PROVIDER = ForwardRuleProvider()


class DomainVerificationProvider(JetEmailProvider, resource="DomainVerification"):
    """The dynamic provider behind DomainVerification."""


class DomainVerification(
    DynamicDoor,
    DomainVerificationSurface,
    pulumi.dynamic.Resource,
    module="jetemail",
    name="DomainVerification",
):
    __doc__ = DomainVerificationSurface.__doc__
    PROVIDER = DomainVerificationProvider()
