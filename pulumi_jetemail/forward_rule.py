"""Kept for what 0.1.0 wrote: its state pickled each ForwardRule's provider by reference as
`pulumi_jetemail.forward_rule.ForwardRuleProvider`, so that name must still resolve.
Programs import `pulumi_jetemail.ForwardRule`; the classes are generated in
`_dynamic_classes.py`."""

from __future__ import annotations

from ._dynamic_classes import ForwardRule, ForwardRuleArgs, ForwardRuleProvider

__all__ = ["ForwardRule", "ForwardRuleArgs", "ForwardRuleProvider"]
