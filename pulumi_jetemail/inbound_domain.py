"""InboundDomain: a JetEmail inbound domain as a dynamic Pulumi resource.

What it is lives in `declarations.py`, what it does in `_logic.py`; this module only joins
them to the SDK's dynamic-provider machinery.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pulumi

from ._logic import DOMAIN, DomainLogic
from ._provider import JetEmailProvider, declare_dynamic, integer_outputs
from ._surface import InboundDomainArgs, InboundDomainSurface
from .declarations import INBOUND_DOMAIN

__all__ = ["InboundDomain", "InboundDomainArgs", "InboundDomainProvider"]


class InboundDomainProvider(JetEmailProvider):
    """The dynamic provider behind InboundDomain (pickled by reference into `__provider`)."""

    LOGIC: ClassVar[DomainLogic] = DOMAIN


_PROVIDER = InboundDomainProvider()


class InboundDomain(
    InboundDomainSurface, pulumi.dynamic.Resource, module="jetemail", name="InboundDomain"
):
    __doc__ = InboundDomainSurface.__doc__

    def _declare(
        self,
        resource_name: str,
        args: InboundDomainArgs | None,
        opts: pulumi.ResourceOptions | None,
        keywords: dict[str, Any],
    ) -> None:
        declare_dynamic(self, _PROVIDER, resource_name, args=args, opts=opts, keywords=keywords)

    @staticmethod
    def get(
        resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> InboundDomain:
        """Look up an existing inbound domain by uuid, read-only (it is not managed)."""
        resource = InboundDomain.__new__(InboundDomain)
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        resource._declare(resource_name, None, opts, {})
        return resource


integer_outputs(InboundDomain, INBOUND_DOMAIN)
