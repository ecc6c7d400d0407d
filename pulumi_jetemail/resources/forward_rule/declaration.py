"""What a ForwardRule is: every property once, in the order of the API (see
`inbound_domain/declaration.py` for what a `Prop` says)."""

from __future__ import annotations

from ..._declare import BOOLEAN, INTEGER, STRING, Declaration, Prop
from ..._fields import StrictBool, to_bool, to_int
from .fields import Destination, DomainUuid, Localpart

__all__ = ["FORWARD_RULE"]

FORWARD_RULE = Declaration(
    name="ForwardRule",
    description="A forward rule of a forward-mode inbound domain: mail to "
    "`localpart@<domain>` goes to `destination`, once the destination is verified.",
    props=(
        # ---- inputs: POST /inbound/forward-rules/{domain_uuid}, PATCH .../{rule_uuid}
        Prop(
            "domain_uuid",
            STRING,
            "The uuid of the forward-mode InboundDomain the rule belongs to: pass domain.id "
            "(known even while a preview updates the domain).",
            required=True,
            replaces=True,
            rule=DomainUuid,
            api=None,
            refers_to="InboundDomain",
        ),
        Prop(
            "localpart",
            STRING,
            "The address part before '@' to forward, or '*' for a catch-all. Stored "
            "lowercase; changing it replaces the rule.",
            required=True,
            replaces=True,
            rule=Localpart,
        ),
        Prop(
            "destination",
            STRING,
            "Where mail is forwarded: a bare address 'local@domain'. It receives a "
            "verification mail; the rule forwards nothing until it is verified.",
            required=True,
            rule=Destination,
        ),
        Prop(
            "active",
            BOOLEAN,
            "Whether the rule forwards mail (default true).",
            default=True,
            rule=StrictBool,
            from_api=to_bool,
        ),
        # ---- outputs
        Prop("uuid", STRING, "The rule's id at JetEmail (also the resource id).", output=True),
        Prop(
            "verified",
            BOOLEAN,
            "Whether the destination confirmed its verification mail (refresh updates it).",
            output=True,
            from_api=to_bool,
            default=False,
            reset_by=("destination",),
        ),
        Prop(
            "created_at",
            INTEGER,
            "When the rule was created, in unix seconds.",
            output=True,
            from_api=to_int,
            default=0,
        ),
    ),
)
