"""What a DomainVerification is: a wait, at create, until a forward-mode domain's DNS records
verify at JetEmail (see `inbound_domain/declaration.py` for what a `Prop` says)."""

from __future__ import annotations

from ..._declare import BOOLEAN, INTEGER, STRING, Declaration, Prop, Type
from ..._fields import to_bool, to_int
from ..forward_rule.fields import DomainUuid
from .fields import RECORD_NAMES, PollSeconds, Records, TimeoutSeconds

__all__ = ["DEFAULT_TIMEOUT_SECONDS", "DOMAIN_VERIFICATION"]

DEFAULT_TIMEOUT_SECONDS = 600
"""How long a create waits when neither the engine nor `timeout_seconds` says: 10 minutes."""


def _flag(name: str, record: str) -> Prop:
    return Prop(
        f"forward_{name}_verified",
        BOOLEAN,
        f"Whether the {record} verifies, as JetEmail last checked it (refresh reads it again).",
        output=True,
        from_api=to_bool,
        default=False,
    )


DOMAIN_VERIFICATION = Declaration(
    name="DomainVerification",
    description="A wait for a forward-mode inbound domain's DNS records to verify: its create "
    "asks JetEmail to check them, again and again with backoff inside the provider's request "
    "budget, until every wanted record verifies or the time is up (then it fails, naming each "
    "record still to publish, and leaves nothing in state). Refresh reads the flags again "
    "without asking for a check; delete removes nothing at JetEmail.",
    props=(
        Prop(
            "domain_uuid",
            STRING,
            "The uuid of the forward-mode InboundDomain to wait for: pass domain.id (a "
            "replacement waits again).",
            required=True,
            replaces=True,
            rule=DomainUuid,
            api=None,
            refers_to="InboundDomain",
        ),
        Prop(
            "records",
            Type.array(Type.string(*RECORD_NAMES)),
            "The records that must verify: some of 'mx', 'dkim', 'spf' and 'dmarc' (default "
            "all four, which forward mode needs before mail flows).",
            replaces=True,
            default=list(RECORD_NAMES),
            rule=Records,
            api=None,
        ),
        Prop(
            "timeout_seconds",
            INTEGER,
            "How long the create waits, in seconds (default 600). The native provider takes "
            "the engine's `customTimeouts.create` first, when the program sets it.",
            create_only=True,
            rule=TimeoutSeconds,
            api=None,
        ),
        Prop(
            "poll_seconds",
            INTEGER,
            "Seconds before the first re-check (default 10); each wait after is half as long "
            "again, up to a minute.",
            default=10,
            create_only=True,
            rule=PollSeconds,
            api=None,
        ),
        Prop("domain", STRING, "The domain's name.", output=True),
        _flag("mx", "MX record"),
        _flag("dkim", "DKIM CNAME"),
        _flag("spf", "SPF TXT record"),
        _flag("dmarc", "DMARC TXT record"),
        Prop(
            "verified",
            BOOLEAN,
            "Whether every wanted record verifies (false after a refresh that saw one drop).",
            output=True,
            api=None,
            default=False,
        ),
        Prop(
            "verified_at",
            INTEGER,
            "When every wanted record verified, in unix seconds.",
            output=True,
            api=None,
            from_api=to_int,
            default=0,
        ),
    ),
)
