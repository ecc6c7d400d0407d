"""ForwardRule: one forward rule of a forward-mode inbound domain, as a dynamic Pulumi
resource.

What it is lives in `declarations.py`, what it does in `_logic.py`; this module only joins
them to the SDK's dynamic-provider machinery.
"""

from __future__ import annotations

from typing import ClassVar

import pulumi

from ._logic import RULE, RuleLogic
from ._program import integer_outputs
from ._provider import DynamicDoor, JetEmailProvider
from ._surface import ForwardRuleArgs, ForwardRuleSurface

__all__ = ["ForwardRule", "ForwardRuleArgs", "ForwardRuleProvider"]


class ForwardRuleProvider(JetEmailProvider):
    """The dynamic provider behind ForwardRule (pickled by reference into `__provider`)."""

    LOGIC: ClassVar[RuleLogic] = RULE


class ForwardRule(
    DynamicDoor,
    ForwardRuleSurface,
    pulumi.dynamic.Resource,
    module="jetemail",
    name="ForwardRule",
):
    __doc__ = ForwardRuleSurface.__doc__
    PROVIDER = ForwardRuleProvider()


integer_outputs(ForwardRule, RULE.decl)
