"""The native plugin's resource classes, exported by `pulumi_jetemail.native` (generated from
`resources/` by `make generate`: do not edit by hand).
"""

from __future__ import annotations

import pulumi

from ._native_door import NativeDoor
from ._surface import (
    ForwardRuleArgs,
    ForwardRuleSurface,
    InboundDomainArgs,
    InboundDomainSurface,
)

__all__ = [
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
