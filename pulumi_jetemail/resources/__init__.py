"""The resources of the package, one folder each (its declaration, its field rules, its
lifecycle), and `RESOURCES`, the one list of them. To add a resource: a folder like
`inbound_domain/` whose `__init__.py` makes its `RESOURCE`, one line below, then
`make generate` (the typed surface, both doors' classes and the schema)."""

from __future__ import annotations

from .._registry import ResourceType
from . import domain_verification, forward_rule, inbound_domain

__all__ = ["RESOURCES", "resource_named"]

RESOURCES: tuple[ResourceType, ...] = (
    inbound_domain.RESOURCE,
    forward_rule.RESOURCE,
    domain_verification.RESOURCE,
)


def resource_named(name: str) -> ResourceType | None:
    """The resource type of that name (read from `RESOURCES` at each call)."""
    for found in RESOURCES:
        if found.name == name:
            return found
    return None
