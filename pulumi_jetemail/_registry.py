"""What a resource type is to the rest of the package: its declaration (what it is) and its
lifecycle (what it does). `resources/__init__.py` lists them in `RESOURCES`; the schema, the
typed surface, both doors' classes, the package's exports and the tests' lists are derived
from that tuple."""

from __future__ import annotations

from dataclasses import dataclass

from ._declare import Declaration
from ._lifecycle import Lifecycle

__all__ = ["PACKAGE", "ResourceType"]

PACKAGE = "jetemail"
"""The Pulumi package: tokens are `jetemail:index:<name>`, config keys `jetemail:<key>`."""


@dataclass(frozen=True)
class ResourceType:
    """One resource: what it is and what it does."""

    declaration: Declaration
    lifecycle: Lifecycle

    def __post_init__(self) -> None:
        if self.lifecycle.decl is not self.declaration:
            raise ValueError(f"{self.name}: the lifecycle is not of this declaration")

    @property
    def name(self) -> str:
        return self.declaration.name

    @property
    def token(self) -> str:
        """The native plugin's type token."""
        return f"{PACKAGE}:index:{self.name}"
