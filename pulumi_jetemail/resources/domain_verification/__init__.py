"""DomainVerification: a deploy that waits, with a bound, until a forward-mode domain's DNS
records verify."""

from __future__ import annotations

from ..._registry import ResourceType
from .declaration import DOMAIN_VERIFICATION
from .lifecycle import VerificationLifecycle

__all__ = ["DOMAIN_VERIFICATION", "RESOURCE"]

RESOURCE = ResourceType(DOMAIN_VERIFICATION, VerificationLifecycle(DOMAIN_VERIFICATION))
