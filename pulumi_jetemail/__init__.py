"""JetEmail inbound mail (domains, delivery modes, forward rules) as Pulumi resources.

    from pulumi_jetemail import InboundDomain, ForwardRule

The emulator (`pulumi_jetemail.emulator`) and the offline harness (`pulumi_jetemail.testing`)
are imported on demand: they need the `emulator` extra.
"""

from __future__ import annotations

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
]
