"""JetEmail inbound mail (domains, delivery modes, forward rules) as Pulumi resources.

    from pulumi_jetemail import InboundDomain, ForwardRule

The emulator (`pulumi_jetemail.emulator`, which needs the `emulator` extra) and the testing
helpers (`pulumi_jetemail.testing`: stacks under the real Pulumi CLI, the provider harness)
are imported on demand.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

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
from .forward_rule import ForwardRule, ForwardRuleArgs
from .inbound_domain import InboundDomain, InboundDomainArgs

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
