"""`jetemail:index:getInboundDomain`: an inbound domain that exists on the account, by its name
or its uuid (one created out of band, or by another stack)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._bodies import Bodies
from .._declare import STRING, Declaration, Prop, Type
from .._fields import Domain
from .._registry import FunctionType
from ..errors import JetEmailError, NotFoundError
from ..resources.forward_rule.fields import DomainUuid
from ..resources.inbound_domain.declaration import DNS_RECORD, INBOUND_DOMAIN

if TYPE_CHECKING:
    from ..client import JetEmailClient

__all__ = ["FUNCTION", "unknown_uuid"]

ARGS = Declaration(
    name="getInboundDomainArgs",
    description="Which domain: its name or its uuid (one of the two).",
    kind="function",
    props=(
        Prop("domain", STRING, "The domain's name, e.g. 'example.com'.", rule=Domain),
        Prop("uuid", STRING, "The domain's uuid.", rule=DomainUuid),
    ),
)

_COPIED = ("uuid", "domain", "delivery_type", "status", "enabled")
_FLAGS = tuple(f"forward_{n}_verified" for n in ("mx", "dkim", "spf", "dmarc"))

RESULT = Declaration(
    name="getInboundDomainResult",
    description="An inbound domain as JetEmail has it.",
    kind="function",
    props=(
        *(
            dataclasses.replace(p, replaces=False)  # a lookup's answer replaces nothing
            for p in INBOUND_DOMAIN.props
            if p.name in _COPIED or p.name in _FLAGS
        ),
        Prop("dns_records", Type.array(DNS_RECORD), "Records to publish for the domain."),
    ),
)
"""The result's fields are the resource's own (one description each)."""

_BODIES = Bodies(INBOUND_DOMAIN)


def unknown_uuid(uuid: str) -> JetEmailError:
    return JetEmailError(f"no inbound domain with uuid {uuid} on this JetEmail account")


def _call(client: JetEmailClient, args: Mapping[str, Any]) -> dict[str, Any]:
    uuid, name = args.get("uuid"), args.get("domain")
    if (uuid is None) == (name is None):
        raise JetEmailError("getInboundDomain takes the domain's name or its uuid: give one")
    if uuid is None:
        rows = client.list_domains()
        found = [r for r in rows if str(r.get("domain", "")).lower() == name]
        if not found:
            names = ", ".join(sorted(str(r.get("domain")) for r in rows)) or "none"
            raise JetEmailError(
                f"no inbound domain {name} on this JetEmail account (it has: {names})"
            )
        uuid = str(found[0]["uuid"])
    try:
        answer = client.get_domain(uuid)
    except NotFoundError:
        raise JetEmailError(
            f"no inbound domain with uuid {uuid} on this JetEmail account"
        ) from None
    state = _BODIES.state_of(answer, {})
    return {p.name: state.get(p.name) for p in RESULT.props}


FUNCTION = FunctionType(
    name="getInboundDomain",
    description="Look up an inbound domain on the account by its name or its uuid: its uuid, "
    "delivery type, status, DNS verification flags and the records to publish.",
    args=ARGS,
    result=RESULT,
    call=_call,
)
