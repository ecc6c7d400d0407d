"""InboundDomain: a JetEmail inbound domain as a dynamic Pulumi resource.

What it is lives in `declarations.py`, what it does in `_logic.py`; this module only joins
them to the SDK's dynamic-provider machinery.
"""

from __future__ import annotations

from typing import ClassVar

import pulumi

from ._logic import DOMAIN, DomainLogic
from ._program import integer_outputs
from ._provider import DynamicDoor, JetEmailProvider
from ._surface import InboundDomainArgs, InboundDomainSurface

__all__ = ["InboundDomain", "InboundDomainArgs", "InboundDomainProvider"]


class InboundDomainProvider(JetEmailProvider):
    """The dynamic provider behind InboundDomain (pickled by reference into `__provider`)."""

    LOGIC: ClassVar[DomainLogic] = DOMAIN


class InboundDomain(
    DynamicDoor,
    InboundDomainSurface,
    pulumi.dynamic.Resource,
    module="jetemail",
    name="InboundDomain",
):
    __doc__ = InboundDomainSurface.__doc__
    PROVIDER = InboundDomainProvider()


integer_outputs(InboundDomain, DOMAIN.decl)
