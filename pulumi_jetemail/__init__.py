"""JetEmail inbound mail (domains, delivery modes, forward rules) as Pulumi resources.

    from pulumi_jetemail import InboundDomain, ForwardRule

The emulator (`pulumi_jetemail.emulator`, which needs the `emulator` extra) and the testing
helpers (`pulumi_jetemail.testing`: stacks under the real Pulumi CLI, the provider harness)
are imported on demand.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import errors
from ._version import __version__ as __version__
from .errors import (
    APIConnectionError as APIConnectionError,
    APIError as APIError,
    APIStatusError as APIStatusError,
    APITimeoutError as APITimeoutError,
    AuthError as AuthError,
    ConfigError as ConfigError,
    ConflictError as ConflictError,
    JetEmailError as JetEmailError,
    NotFoundError as NotFoundError,
    RateLimitError as RateLimitError,
    ServerError as ServerError,
    ValidationError as ValidationError,
)

if TYPE_CHECKING:  # what `__getattr__` serves, for type checkers
    from ._dynamic_classes import *


def _dynamic_names() -> frozenset[str]:
    """Each resource's dynamic class and its `…Args`, from `RESOURCES`."""
    from .resources import RESOURCES

    return frozenset(n for r in RESOURCES for n in (r.name, f"{r.name}Args"))


def __getattr__(name: str) -> Any:
    """The dynamic resource classes (and `__all__`, which lists them) on first use (PEP 562):
    the native plugin, `pulumi_jetemail.native` and the emulator import this package without
    the dynamic door."""
    if name == "__all__":  # (not kept: it is read rarely, and from RESOURCES as it is)
        return sorted([*_PUBLIC, *_dynamic_names()])
    if not (name[:1].isupper() and name in _dynamic_names()):  # (submodules are lowercase)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module("._dynamic_classes", __name__), name)
    globals()[name] = value
    return value


_PUBLIC = (*(n for n in errors.__all__ if n.endswith("Error")), "__version__")
"""The names besides the resource classes: the errors, the version."""
