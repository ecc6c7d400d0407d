"""The native plugin's resource classes, exported by `pulumi_jetemail.native` (generated from
`resources/` by `make generate`: do not edit by hand).
"""

from __future__ import annotations

import pulumi

from ._native_door import NativeDoor
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
    "ForwardRule",
    "ForwardRuleArgs",
    "InboundDomain",
    "InboundDomainArgs",
]


class InboundDomain(
    NativeDoor,
    InboundDomainSurface,
    pulumi.CustomResource,
    resource="InboundDomain",
):
    __doc__ = InboundDomainSurface.__doc__


class ForwardRule(
    NativeDoor,
    ForwardRuleSurface,
    pulumi.CustomResource,
    resource="ForwardRule",
):
    __doc__ = ForwardRuleSurface.__doc__


class DomainVerification(
    NativeDoor,
    DomainVerificationSurface,
    pulumi.CustomResource,
    resource="DomainVerification",
):
    __doc__ = DomainVerificationSurface.__doc__
