"""ForwardRule: mail to one address (or every address) of a forward-mode domain forwarded to
a destination."""

from __future__ import annotations

from ..._registry import ResourceType
from .declaration import FORWARD_RULE
from .lifecycle import RuleLifecycle

__all__ = ["FORWARD_RULE", "RESOURCE"]

RESOURCE = ResourceType(FORWARD_RULE, RuleLifecycle(FORWARD_RULE))
