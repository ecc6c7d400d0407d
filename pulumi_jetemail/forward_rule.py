"""ForwardRule: one forward rule of a forward-mode inbound domain, as a dynamic Pulumi
resource.

What it is lives in `declarations.py`, what it does in `_logic.py`; this module only joins
them to the SDK's dynamic-provider machinery.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pulumi

from ._logic import RULE, RuleLogic
from ._provider import JetEmailProvider, declare_dynamic, integer_outputs
from ._surface import ForwardRuleArgs, ForwardRuleSurface
from .declarations import FORWARD_RULE

__all__ = ["ForwardRule", "ForwardRuleArgs", "ForwardRuleProvider"]


class ForwardRuleProvider(JetEmailProvider):
    """The dynamic provider behind ForwardRule (pickled by reference into `__provider`)."""

    LOGIC: ClassVar[RuleLogic] = RULE


_PROVIDER = ForwardRuleProvider()


class ForwardRule(
    ForwardRuleSurface, pulumi.dynamic.Resource, module="jetemail", name="ForwardRule"
):
    __doc__ = ForwardRuleSurface.__doc__

    def _declare(
        self,
        resource_name: str,
        args: ForwardRuleArgs | None,
        opts: pulumi.ResourceOptions | None,
        keywords: dict[str, Any],
    ) -> None:
        declare_dynamic(self, _PROVIDER, resource_name, args=args, opts=opts, keywords=keywords)

    @staticmethod
    def get(
        resource_name: str,
        id: pulumi.Input[str],
        domain_uuid: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> ForwardRule:
        """Look up an existing forward rule, read-only, by its uuid and its domain's uuid."""
        resource = ForwardRule.__new__(ForwardRule)
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        resource._declare(resource_name, None, opts, {"domain_uuid": domain_uuid})
        return resource


integer_outputs(ForwardRule, FORWARD_RULE)
