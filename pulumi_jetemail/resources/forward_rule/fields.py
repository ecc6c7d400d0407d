"""The field rules of a ForwardRule: its local part, its destination, its domain's uuid."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from ..._fields import canonical_domain, fail, show

__all__ = ["Destination", "DomainUuid", "Localpart"]

_LOCALPART = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def _canonical_localpart(value: Any) -> str:
    if not isinstance(value, str):
        raise fail(f"must be '*' or the part of an address before the '@' (got {show(value)})")
    text = value.strip().lower()
    if text == "*":
        return text
    if "@" in text:
        raise fail(f"{show(value)} holds an '@': give only the part before it, e.g. 'support'")
    if len(text) > 64 or not _LOCALPART.match(text):
        raise fail(
            f"{show(value)} is not a valid local part: use '*' (catch-all) or up to 64 letters, "
            "digits and !#$%&'*+/=?^_`{|}~- separated by single dots"
        )
    return text


def _check_destination(value: Any) -> str:
    if not isinstance(value, str):
        raise fail(f"must be an address like 'team@example.net' (got {show(value)})")
    text = value.strip()
    local, at, domain = text.rpartition("@")
    if not at or not local or not _LOCALPART.match(local) or len(local) > 64:
        raise fail(f"{show(value)} is not a bare address: write it as 'local@domain'")
    try:
        domain = canonical_domain(domain)
    except PydanticCustomError:
        raise fail(
            f"{show(value)} has no valid domain after the '@': write it as 'local@domain'"
        ) from None
    return f"{local}@{domain}"


def _check_uuid(value: Any) -> str:
    if isinstance(value, str) and _UUID4.match(value.strip().lower()):
        return value.strip().lower()
    raise fail(f"must be the uuid of an InboundDomain: pass domain.id (got {show(value)})")


DomainUuid = Annotated[str, BeforeValidator(_check_uuid)]
Localpart = Annotated[str, BeforeValidator(_canonical_localpart)]
Destination = Annotated[str, BeforeValidator(_check_destination)]
