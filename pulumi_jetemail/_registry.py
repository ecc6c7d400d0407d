"""What a resource type is to the rest of the package: its declaration (what it is) and its
lifecycle (what it does). `resources/__init__.py` lists them in `RESOURCES`; the schema, the
typed surface, both doors' classes, the package's exports and the tests' lists are derived
from that tuple."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._declare import Declaration
from ._lifecycle import Lifecycle

if TYPE_CHECKING:
    from .client import JetEmailClient

__all__ = ["PACKAGE", "FunctionType", "ResourceType"]

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


@dataclass(frozen=True)
class FunctionType:
    """One provider function (a lookup, `Invoke` in the engine's terms): its arguments and
    its result, each a declaration (checked, and spelled in the schema, like a resource's
    properties), and the call that answers it."""

    name: str
    """camelCase, as the token says it: `getInboundDomain`."""
    description: str
    args: Declaration
    result: Declaration
    call: Callable[[JetEmailClient, Mapping[str, Any]], dict[str, Any]]
    """Checked arguments to the result's values (snake_case); `JetEmailError` for the user."""

    @property
    def token(self) -> str:
        return f"{PACKAGE}:index:{self.name}"

    @property
    def python_name(self) -> str:
        """`get_inbound_domain`."""
        return "".join(f"_{c.lower()}" if c.isupper() else c for c in self.name)
