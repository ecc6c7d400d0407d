"""`jetemail:index:getForwardRules`: the forward rules of an inbound domain, as they are."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._bodies import Bodies
from .._declare import STRING, Declaration, Prop, Type
from .._registry import FunctionType
from ..errors import JetEmailError, NotFoundError, ValidationError
from ..resources.forward_rule.declaration import FORWARD_RULE
from ..resources.forward_rule.fields import DomainUuid

if TYPE_CHECKING:
    from ..client import JetEmailClient

__all__ = ["FUNCTION"]

_FIELDS = ("uuid", "localpart", "destination", "active", "verified", "created_at")

FORWARD_RULE_INFO = Type.object(
    "ForwardRuleInfo",
    "A forward rule as JetEmail has it.",
    *(
        Prop(p.name, p.type, p.description, required=True)
        for p in FORWARD_RULE.props
        if p.name in _FIELDS
    ),
)

ARGS = Declaration(
    name="getForwardRulesArgs",
    description="Whose rules.",
    kind="function",
    props=(
        Prop(
            "domain_uuid",
            STRING,
            "The uuid of a forward-mode inbound domain.",
            required=True,
            rule=DomainUuid,
        ),
    ),
)

RESULT = Declaration(
    name="getForwardRulesResult",
    description="The rules of the domain.",
    kind="function",
    props=(
        Prop("domain_uuid", STRING, "The domain's uuid."),
        Prop("rules", Type.array(FORWARD_RULE_INFO), "Its forward rules, in creation order."),
    ),
)

_BODIES = Bodies(FORWARD_RULE)


def _call(client: JetEmailClient, args: Mapping[str, Any]) -> dict[str, Any]:
    uuid = args["domain_uuid"]
    try:
        rows = client.list_forward_rules(uuid)
    except NotFoundError:
        raise JetEmailError(
            f"no inbound domain with uuid {uuid} on this JetEmail account"
        ) from None
    except ValidationError as exc:
        raise JetEmailError(
            f"the forward rules of inbound domain {uuid} cannot be listed ({exc.message}): "
            "only a domain with delivery_type 'forward' has rules"
        ) from None
    rules = []
    for row in rows:
        state = _BODIES.state_of(row, {"domain_uuid": uuid})
        rules.append({name: state.get(name) for name in _FIELDS})
    return {"domain_uuid": uuid, "rules": rules}


FUNCTION = FunctionType(
    name="getForwardRules",
    description="List the forward rules of an inbound domain: each rule's uuid, local part, "
    "destination, whether it is active and whether its destination is verified.",
    args=ARGS,
    result=RESULT,
    call=_call,
)
