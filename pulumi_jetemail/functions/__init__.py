"""The provider's functions (lookups the native plugin answers with `Invoke`), one module each,
listed once in `FUNCTIONS`: the schema's `functions`, the plugin's `Invoke` and the typed
Python wrappers in `pulumi_jetemail.native` come from it."""

from __future__ import annotations

from .._registry import FunctionType
from . import get_forward_rules, get_inbound_domain

__all__ = ["FUNCTIONS", "function_named"]

FUNCTIONS: tuple[FunctionType, ...] = (
    get_inbound_domain.FUNCTION,
    get_forward_rules.FUNCTION,
)


def function_named(name: str) -> FunctionType | None:
    """The function of that name (`getInboundDomain`), read from `FUNCTIONS` at each call."""
    for found in FUNCTIONS:
        if found.name == name:
            return found
    return None
