"""The rules of JetEmail's fields, and the check that applies a declaration's rules.

Knows nothing of HTTP or of Pulumi. Validation happens in two layers:
- field rules: one pydantic type per field (`Annotated[..., validators]`, named in the
  field's declaration), run field by field so that every bad property gets its own failure
  and values not known yet are simply skipped;
- mode rules: which fields a delivery mode takes and requires, read from the declaration by
  `mode_failures()` and `check_inputs()`.
"""

from __future__ import annotations

import builtins
import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    field_validator,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

if TYPE_CHECKING:
    from ._declare import Declaration, Prop

__all__ = [
    "DNS_RECORDS_FORWARD",
    "Failure",
    "SmtpServer",
    "check_inputs",
    "contains_unknown",
    "dns_records_for",
    "inbound_domain_risks",
    "smtp_servers_equal",
]

DeliveryType = Literal["smtp", "webhook", "forward"]

# ----------------------------------------------------------------------------- helpers


def _fail(message: str) -> PydanticCustomError:
    """A validation error whose message is shown to the user as written."""
    return PydanticCustomError("jetemail", message)


def _integral(value: Any, what: str) -> int:
    """Accept an int or an integral float (the Pulumi wire sends numbers as floats)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(f"must be a whole number {what} (got {_show(value)})")
    if isinstance(value, float):
        if not value.is_integer():
            raise _fail(f"must be a whole number {what} (got {value!r})")
        return int(value)
    return value


def _kind(value: Any) -> str:
    """What a value is, in the words of a Pulumi program's author (never the value itself)."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return "nothing" if value is None else "a value of another kind"


def _show(value: Any) -> str:
    """A short, safe rendering of a bad value for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --------------------------------------------------------------------------- domain

DOMAIN_PATTERN = re.compile(r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,}$")


def _canonical_domain(value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(f"must be a domain name such as 'example.com' (got {_show(value)})")
    domain = value.strip().rstrip(".").lower()
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise _fail(f"{_show(value)} is not a valid internationalised domain name") from None
    if len(domain) > 253 or not DOMAIN_PATTERN.match(domain):
        raise _fail(
            f"{_show(value)} is not a domain name: use the bare domain, "
            "like 'example.com' (no scheme, no path, no '@')"
        )
    return domain


Domain = Annotated[str, BeforeValidator(_canonical_domain)]


def _canonical_delivery_type(value: Any) -> str:
    if isinstance(value, str) and value.strip().lower() in ("smtp", "webhook", "forward"):
        return value.strip().lower()
    raise _fail(f"must be one of 'smtp', 'webhook' or 'forward' (got {_show(value)})")


DeliveryTypeField = Annotated[DeliveryType, BeforeValidator(_canonical_delivery_type)]

# ----------------------------------------------------------------------- smtp servers

_HOST_LABEL = re.compile(r"^(?:[a-zA-Z0-9_](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)*[a-zA-Z0-9]+$")


def _check_host_port(value: Any) -> str:
    """`host:port` with a host name, an IPv4 address or a bracketed IPv6, port 1..65535."""
    if not isinstance(value, str):
        raise _fail(f"must be a 'host:port' string (got {_show(value)})")
    text = value.strip()
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise _fail(f"{_show(value)} must be 'host:port', for example 'mx.example.com:25'")
    if not 1 <= int(port) <= 65535:
        raise _fail(f"port {port} in {_show(value)} is out of range: use 1 to 65535")
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise _fail(f"{_show(host)} is not a valid IPv6 address") from None
    elif len(host) > 253 or not _HOST_LABEL.match(host):
        raise _fail(f"host {_show(host)} in {_show(value)} is not a valid host name or address")
    return text


HostPort = Annotated[str, BeforeValidator(_check_host_port)]


def _non_negative_int(value: Any) -> int:
    number = _integral(value, "of 0 or more")
    if number < 0:
        raise _fail(f"must be 0 or more (got {number})")
    return number


MAX_SMTP_PRIORITY = 65535
"""An MX-style preference is 16 bits (RFC 5321): the highest priority value a server takes."""


def _smtp_priority(value: Any) -> int:
    number = _integral(value, f"from 0 to {MAX_SMTP_PRIORITY}")
    if not 0 <= number <= MAX_SMTP_PRIORITY:
        raise _fail(f"must be from 0 to {MAX_SMTP_PRIORITY}, lower tried first (got {number})")
    return number


class SmtpServer(BaseModel):
    """One SMTP server in object form: `{url, priority, tls_enabled}`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: HostPort = Field(description="the server as 'host:port', e.g. 'mx.example.com:25'")
    priority: Annotated[int, BeforeValidator(_smtp_priority)] | None = Field(
        default=None, description="lower is tried first"
    )
    tls_enabled: bool | None = Field(default=None, description="deliver over TLS")

    @field_validator("tls_enabled", mode="before")
    @classmethod
    def _strict_bool(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, bool):
            raise _fail(f"must be true or false (got {_show(value)})")
        return value


def _canonical_smtp_item(value: Any) -> str | dict[str, Any]:
    """A string stays a string; an object keeps only the keys the user gave."""
    if isinstance(value, str):
        return _check_host_port(value)
    if isinstance(value, Mapping):
        server = SmtpServer.model_validate(dict(value))
        return server.model_dump(exclude_none=True)
    raise _fail(
        "each server must be a 'host:port' string or an object {url, priority, tls_enabled} "
        f"(got {_show(value)})"
    )


def _check_smtp_list(value: list[Any]) -> list[Any]:
    if not value:
        raise _fail("needs at least one server, e.g. ['mx.example.com:25']")
    urls = [smtp_url(item).lower() for item in value]
    for index, url in enumerate(urls):
        if url in urls[:index]:
            raise _fail(f"server {url!r} is listed twice: list each server once")
    return value


SmtpServers = Annotated[
    list[Annotated[str | dict[str, Any], BeforeValidator(_canonical_smtp_item)]],
    AfterValidator(_check_smtp_list),
]


def smtp_url(item: str | Mapping[str, Any]) -> str:
    """The `host:port` of an smtp_servers item in either form."""
    return item.strip() if isinstance(item, str) else str(item.get("url", "")).strip()


def _smtp_item_equal(old: Any, new: Any) -> bool:
    if not isinstance(old, str | Mapping) or not isinstance(new, str | Mapping):
        return bool(old == new)
    if smtp_url(old).lower() != smtp_url(new).lower():
        return False
    # A detail counts only where both sides state it: the API fills in what a string omits.
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        return all(old[k] == new[k] for k in ("priority", "tls_enabled") if k in old and k in new)
    return True


def smtp_servers_equal(old: Any, new: Any) -> bool:
    """Compare two smtp_servers lists by meaning: a string equals an object with that url,
    whatever details the API filled in."""
    if not isinstance(old, list) or not isinstance(new, list) or len(old) != len(new):
        return bool(old == new)
    return all(_smtp_item_equal(a, b) for a, b in zip(old, new, strict=True))


def keep_user_form(user: Any, live: list[Any]) -> list[Any]:
    """The live server list, in the user's form wherever the user's item means the same."""
    if isinstance(user, list) and smtp_servers_equal(user, live):
        return list(user)
    return live


# ---------------------------------------------------------------------------- webhook


def _check_url(value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(f"must be an absolute http(s) URL (got {_show(value)})")
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in text:
        raise _fail(
            f"{_show(value)} is not an absolute http(s) URL: "
            "use a URL like 'https://hooks.example.com/inbound'"
        )
    return text


def _canonical_method(value: Any) -> str:
    if isinstance(value, str) and value.strip().upper() in ("POST", "PUT"):
        return value.strip().upper()
    raise _fail(f"must be 'POST' or 'PUT' (got {_show(value)})")


_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def _check_headers(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise _fail(f"must be an object of header names to string values (got {_show(value)})")
    headers: dict[str, str] = {}
    for name, header_value in value.items():
        if not isinstance(name, str) or not _HEADER_NAME.match(name):
            raise _fail(f"header name {_show(name)} is not a valid HTTP header name")
        if not isinstance(header_value, str):
            raise _fail(
                f"the value of header {name!r} must be a string (got {_kind(header_value)}); "
                "quote numbers and booleans"
            )
        if any(c in header_value for c in "\r\n\x00"):
            raise _fail(f"the value of header {name!r} must not contain line breaks or NUL")
        headers[name] = header_value
    return headers


def _positive_timeout(value: Any) -> int:
    number = _integral(value, "of milliseconds")
    if number <= 0:
        raise _fail(f"must be more than 0 milliseconds (got {number})")
    return number


def _check_auth_header(value: Any) -> str:
    if not isinstance(value, str):
        raise _fail("must be a string, the full Authorization header value")
    if any(c in value for c in "\r\n\x00"):
        raise _fail("must not contain line breaks or NUL")
    return value


def _strict_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail(f"must be true or false (got {_show(value)})")
    return value


StrictBool = Annotated[bool, BeforeValidator(_strict_bool)]
WebhookUrl = Annotated[str, BeforeValidator(_check_url)]
WebhookMethod = Annotated[str, BeforeValidator(_canonical_method)]
WebhookHeaders = Annotated[dict[str, str], BeforeValidator(_check_headers)]
WebhookTimeout = Annotated[int, BeforeValidator(_positive_timeout)]
RetryCount = Annotated[int, BeforeValidator(_non_negative_int)]
AuthHeader = Annotated[str, BeforeValidator(_check_auth_header)]

# ---------------------------------------------------------------------- forward rules

_LOCALPART = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def _canonical_localpart(value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(f"must be '*' or the part of an address before the '@' (got {_show(value)})")
    text = value.strip().lower()
    if text == "*":
        return text
    if "@" in text:
        raise _fail(f"{_show(value)} holds an '@': give only the part before it, e.g. 'support'")
    if len(text) > 64 or not _LOCALPART.match(text):
        raise _fail(
            f"{_show(value)} is not a valid local part: use '*' (catch-all) or up to 64 letters, "
            "digits and !#$%&'*+/=?^_`{|}~- separated by single dots"
        )
    return text


def _check_destination(value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(f"must be an address like 'team@example.net' (got {_show(value)})")
    text = value.strip()
    local, at, domain = text.rpartition("@")
    if not at or not local or not _LOCALPART.match(local) or len(local) > 64:
        raise _fail(f"{_show(value)} is not a bare address: write it as 'local@domain'")
    try:
        domain = _canonical_domain(domain)
    except PydanticCustomError:
        raise _fail(
            f"{_show(value)} has no valid domain after the '@': write it as 'local@domain'"
        ) from None
    return f"{local}@{domain}"


def _check_uuid(value: Any) -> str:
    if isinstance(value, str) and _UUID4.match(value.strip().lower()):
        return value.strip().lower()
    raise _fail(f"must be the uuid of an InboundDomain: pass domain.id (got {_show(value)})")


DomainUuid = Annotated[str, BeforeValidator(_check_uuid)]
Localpart = Annotated[str, BeforeValidator(_canonical_localpart)]
Destination = Annotated[str, BeforeValidator(_check_destination)]


# -------------------------------------------------------------------- API answers


def to_bool(value: Any) -> Any:
    """The API answers flags as 0/1 or booleans."""
    if isinstance(value, bool) or value is None:
        return bool(value)
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("0", "1", "true", "false"):
        return value.strip().lower() in ("1", "true")
    return value


def to_status(value: Any) -> Any:
    """The API answers status as 'active'/'disabled' or as 1/0."""
    if isinstance(value, bool):
        return "active" if value else "disabled"
    if isinstance(value, int | float):
        return "active" if value == 1 else "disabled"
    if isinstance(value, str) and value.strip() in ("1", "0"):
        return "active" if value.strip() == "1" else "disabled"
    return value.strip().lower() if isinstance(value, str) else value


def to_int(value: Any) -> Any:
    """A number the API may answer as a float or a numeric string, as an int."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


# ------------------------------------------------------------------------ DNS records

MX_HOST = "smtp.jetsmtp.net"
DNS_RECORDS_FORWARD: tuple[tuple[str, str, str, int | None], ...] = (
    ("MX", "{domain}", MX_HOST, 10),
    ("CNAME", "je1._domainkey.{domain}", "inbound.jetsmtp.net", None),
    ("TXT", "{domain}", "v=spf1 include:inbound-spf.jetsmtp.net -all", None),
    ("TXT", "_dmarc.{domain}", "v=DMARC1; p=none", None),
)
"""The four records forward mode needs (the API's forward-mode page), in a stable order."""


def dns_records_for(domain: str, delivery_type: str) -> list[dict[str, Any]]:
    """Records to publish: all four in forward mode, the MX record in the others."""
    rows = DNS_RECORDS_FORWARD if delivery_type == "forward" else DNS_RECORDS_FORWARD[:1]
    return [
        {"type": t, "name": name.format(domain=domain), "value": v, "priority": p}
        for t, name, v, p in rows
    ]


# ----------------------------------------------------------------- check machinery


@dataclass(frozen=True)
class Failure:
    """One bad property, as a value each door formats once: which property (empty for the
    resource as a whole), where inside it (`path`, e.g. 'item 0, url'), and what is wrong and
    how to fix it (`message`, which does not say the property's name again)."""

    property: str
    message: str
    path: str = ""

    @builtins.property  # (`property` is a field here)
    def detail(self) -> str:
        """Where inside the property, then what is wrong."""
        return f"{self.path}: {self.message}" if self.path else self.message

    @builtins.property
    def reason(self) -> str:
        """The whole failure in one line: `<property>: [<path>: ]<message>`."""
        return f"{self.property}: {self.detail}" if self.property else self.detail


_SCALARS = frozenset({str, int, float, bool, type(None)})
"""Types that hold nothing inside: `contains_unknown` skips the container checks for them."""


def contains_unknown(value: Any, is_unknown: Callable[[Any], bool]) -> bool:
    """True when `value` is, or holds anywhere inside it, a value not known yet."""
    if is_unknown(value):
        return True
    if type(value) in _SCALARS:  # the common case: no need for the (slower) ABC checks
        return False
    if isinstance(value, Mapping):
        return any(contains_unknown(v, is_unknown) for v in value.values())
    if isinstance(value, list | tuple):
        return any(contains_unknown(v, is_unknown) for v in value)
    return False


_ADAPTERS: dict[int, tuple[Any, TypeAdapter[Any]]] = {}


def _adapter(check: Any) -> TypeAdapter[Any]:
    """The pydantic adapter of a property's validator type (built once per type)."""
    entry = _ADAPTERS.get(id(check))
    if entry is None:
        entry = _ADAPTERS[id(check)] = (check, TypeAdapter(check))
    return entry[1]


_OUR_WORDS = {
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be a string",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "dict_type": "must be an object",
    "list_type": "must be a list",
    "missing": "is required",
}
"""pydantic's error types in our words (its own name Python types: `float`, `dict`)."""


def _describe_error(prop: Prop, error: Any) -> Failure:
    """A pydantic error of one property as our failure, in our words."""
    loc = list(error["loc"])
    kind = error["type"]
    if kind == "jetemail":
        message = str(error["msg"])
    elif kind == "extra_forbidden":
        key = loc.pop() if loc else "?"
        keys = ", ".join(f.name for t in prop.type.objects() for f in t.fields)
        message = f"unknown key {key!r}" + (f": the keys are {keys}" if keys else "")
    elif kind == "missing":
        message = _OUR_WORDS[kind]
    elif kind in _OUR_WORDS:
        message = f"{_OUR_WORDS[kind]} (got {_show(error.get('input'))})"
    else:
        text = str(error["msg"])
        message = f"{text[:1].lower()}{text[1:]} (got {_show(error.get('input'))})"
    where = ", ".join(f"item {p}" if isinstance(p, int) else str(p) for p in loc)
    return Failure(prop.name, message, where)


def _validate_fields(
    decl: Declaration, values: Mapping[str, Any]
) -> tuple[dict[str, Any], list[Failure]]:
    """Validate each field on its own: every bad property gets one failure."""
    canonical: dict[str, Any] = {}
    failures: list[Failure] = []
    for name, value in values.items():
        prop = decl.by_name[name]
        try:
            canonical[name] = _adapter(prop.check).validate_python(value)
        except PydanticValidationError as exc:
            failures.append(_describe_error(prop, exc.errors()[0]))
    return canonical, failures


def _split_inputs(
    decl: Declaration, news: Mapping[str, Any], is_unknown: Callable[[Any], bool]
) -> tuple[dict[str, Any], dict[str, Any], list[Failure]]:
    """(known values, unknown values, failures for unknown property names)."""
    known: dict[str, Any] = {}
    pending: dict[str, Any] = {}
    failures: list[Failure] = []
    for name, value in news.items():
        if name.startswith("__") or value is None:
            continue  # the SDK's own keys; None means absent on the Pulumi wire
        prop = decl.by_name.get(name)
        if prop is None or prop.output:
            valid = ", ".join(decl.input_names)
            failures.append(
                Failure(name, f"{decl.name} has no property {name!r}; valid properties are {valid}")
            )
        elif contains_unknown(value, is_unknown):
            pending[name] = value
        else:
            known[name] = value
    return known, pending, failures


def mode_failures(decl: Declaration, mode: str, present: Iterable[str]) -> list[Failure]:
    """Failures of the mode rules: fields of another mode, and required fields missing."""
    present = set(present)
    switch = decl.mode_prop
    failures = [
        Failure(
            p.name,
            f"only used when {switch} is '{p.mode}', but {switch} is "
            f"'{mode}': remove {p.name}, or set {switch}='{p.mode}'",
        )
        for p in sorted(decl.inputs, key=lambda p: p.name)
        if p.name in present and p.mode is not None and p.mode != mode
    ]
    failures += [
        Failure(p.name, f"required when {switch} is '{mode}': {p.missing}")
        for p in decl.mode_fields(mode)
        if p.mode_required and p.name not in present
    ]
    return failures


def check_inputs(
    decl: Declaration, news: Mapping[str, Any], is_unknown: Callable[[Any], bool]
) -> tuple[dict[str, Any], list[Failure]]:
    """Check a resource's inputs: canonical inputs and one failure per bad property.

    Values that are not known yet (`is_unknown`, possibly nested) pass through unchecked.
    Defaults are filled in where a property is absent (a mode's field only in that mode).
    """
    known, pending, failures = _split_inputs(decl, news, is_unknown)
    canonical, field_failures = _validate_fields(decl, known)
    present = set(known) | set(pending)
    by_property = {f.property: f for f in field_failures}
    mode = canonical.get(decl.mode_prop) if decl.mode_prop else None
    if mode is not None:
        # A field of another mode is wrong whatever its value: say that, not a format detail.
        for failure in mode_failures(decl, mode, present):
            if failure.property not in by_property or decl.by_name[failure.property].mode != mode:
                by_property[failure.property] = failure
    for prop in decl.inputs:
        if prop.name in present:
            continue
        if prop.required:
            hint = prop.missing or prop.description
            by_property[prop.name] = Failure(prop.name, f"required: {hint}")
        elif prop.default is not None and (prop.mode is None or prop.mode == mode):
            canonical[prop.name] = prop.default
    failures += by_property.values()
    return _merge(known, canonical, pending), failures


def _merge(
    known: dict[str, Any], canonical: dict[str, Any], pending: dict[str, Any]
) -> dict[str, Any]:
    """Canonical values, unknowns as they came, and the user's value where a property failed
    (so the engine shows what was written)."""
    return {**{k: v for k, v in known.items() if k not in canonical}, **canonical, **pending}


def inbound_domain_risks(inputs: Mapping[str, Any]) -> list[str]:
    """Legal but risky inputs, to be said out loud (never quoting a secret's value)."""
    risks: list[str] = []
    url, auth = inputs.get("webhook_url"), inputs.get("webhook_auth_header")
    if isinstance(url, str) and url.lower().startswith("http://") and auth:
        risks.append(
            "webhook_url is plain http:// and webhook_auth_header is set: the header travels "
            "unencrypted with every delivery; use an https:// URL"
        )
    headers = inputs.get("webhook_headers")
    if (
        auth
        and isinstance(headers, Mapping)
        and any(isinstance(k, str) and k.lower() == "authorization" for k in headers)
    ):
        risks.append(
            "webhook_headers has an Authorization header and webhook_auth_header is set too: "
            "which one a delivery carries is up to JetEmail; set only webhook_auth_header"
        )
    return risks
