"""InboundDomain: a domain that receives mail and hands it on by SMTP relay, webhook or
forwarding."""

from __future__ import annotations

from ..._registry import ResourceType
from .declaration import INBOUND_DOMAIN
from .lifecycle import DomainLifecycle

__all__ = ["INBOUND_DOMAIN", "RESOURCE"]

RESOURCE = ResourceType(INBOUND_DOMAIN, DomainLifecycle(INBOUND_DOMAIN))
