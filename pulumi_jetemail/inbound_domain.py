"""Kept for what 0.1.0 wrote: its state pickled each InboundDomain's provider by reference as
`pulumi_jetemail.inbound_domain.InboundDomainProvider`, so that name must still resolve.
Programs import `pulumi_jetemail.InboundDomain`; the classes are generated in
`_dynamic_classes.py`."""

from __future__ import annotations

from ._dynamic_classes import InboundDomain, InboundDomainArgs, InboundDomainProvider

__all__ = ["InboundDomain", "InboundDomainArgs", "InboundDomainProvider"]
