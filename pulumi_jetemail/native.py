"""Python classes for the native provider (`pulumi-resource-jetemail`, package `jetemail`).

The same typed surface as the dynamic resources (`pulumi_jetemail.InboundDomain`), registered
as `jetemail:index:InboundDomain` and `jetemail:index:ForwardRule` resources of the native
plugin instead: `pulumi import`, explicit providers (several accounts in one program), previews
with known outputs and exact diffs. The plugin must be where the engine finds it (see the
README, "Two front doors").

    from pulumi_jetemail import native

    other = native.Provider("other-account", api_key=config.require_secret("otherKey"))
    native.InboundDomain("support", domain="example.com", delivery_type="forward",
                         opts=pulumi.ResourceOptions(provider=other))
"""

from __future__ import annotations

from . import _native_classes, _native_functions
from ._native_classes import *
from ._native_door import Provider
from ._native_functions import *

__all__ = ["Provider"]
__all__ += _native_classes.__all__
__all__ += _native_functions.__all__
