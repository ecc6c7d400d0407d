"""JetEmail inbound mail (domains, delivery modes, forward rules) as Pulumi resources.

    from pulumi_jetemail import InboundDomain, ForwardRule

The emulator (`pulumi_jetemail.emulator`, which needs the `emulator` extra) and the testing
helpers (`pulumi_jetemail.testing`: stacks under the real Pulumi CLI, the provider harness)
are imported on demand.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from .errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthError,
    ConfigError,
    ConflictError,
    JetEmailError,
    NotFoundError,
    RateLimitError,
    ServerError,
    ValidationError,
)

if TYPE_CHECKING:
    from .forward_rule import ForwardRule, ForwardRuleArgs
    from .inbound_domain import InboundDomain, InboundDomainArgs

_DYNAMIC_DOOR = {
    "ForwardRule": "forward_rule",
    "ForwardRuleArgs": "forward_rule",
    "InboundDomain": "inbound_domain",
    "InboundDomainArgs": "inbound_domain",
}
"""The dynamic resource classes and the module of each, imported on first use (PEP 562): the
native plugin, `pulumi_jetemail.native` and the emulator import this package without the
dynamic door."""


def __getattr__(name: str) -> Any:
    module = _DYNAMIC_DOOR.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


try:
    __version__ = version("pulumi-jetemail")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthError",
    "ConfigError",
    "ConflictError",
    "ForwardRule",
    "ForwardRuleArgs",
    "InboundDomain",
    "InboundDomainArgs",
    "JetEmailError",
    "NotFoundError",
    "RateLimitError",
    "ServerError",
    "ValidationError",
    "__version__",
]
