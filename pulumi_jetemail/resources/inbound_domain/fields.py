"""The field rules of an InboundDomain (its delivery type, SMTP servers, webhook settings),
the DNS records it needs, and the legal but risky inputs said out loud at check."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from ..._fields import fail, integral, kind_of, non_negative_int, show

__all__ = [
    "DNS_RECORDS_FORWARD",
    "SmtpServer",
    "dns_records_for",
    "inbound_domain_risks",
    "smtp_servers_equal",
]

DeliveryType = Literal["smtp", "webhook", "forward"]


def _canonical_delivery_type(value: Any) -> str:
    if isinstance(value, str) and value.strip().lower() in ("smtp", "webhook", "forward"):
        return value.strip().lower()
    raise fail(f"must be one of 'smtp', 'webhook' or 'forward' (got {show(value)})")


DeliveryTypeField = Annotated[DeliveryType, BeforeValidator(_canonical_delivery_type)]

# ----------------------------------------------------------------------- smtp servers

_HOST_LABEL = re.compile(r"^(?:[a-zA-Z0-9_](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)*[a-zA-Z0-9]+$")


def _check_host_port(value: Any) -> str:
    """`host:port` with a host name, an IPv4 address or a bracketed IPv6, port 1..65535."""
    if not isinstance(value, str):
        raise fail(f"must be a 'host:port' string (got {show(value)})")
    text = value.strip()
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise fail(f"{show(value)} must be 'host:port', for example 'mx.example.com:25'")
    if not 1 <= int(port) <= 65535:
        raise fail(f"port {port} in {show(value)} is out of range: use 1 to 65535")
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise fail(f"{show(host)} is not a valid IPv6 address") from None
    elif len(host) > 253 or not _HOST_LABEL.match(host):
        raise fail(f"host {show(host)} in {show(value)} is not a valid host name or address")
    return text


HostPort = Annotated[str, BeforeValidator(_check_host_port)]


MAX_SMTP_PRIORITY = 65535
"""An MX-style preference is 16 bits (RFC 5321): the highest priority value a server takes."""


def _smtp_priority(value: Any) -> int:
    number = integral(value, f"from 0 to {MAX_SMTP_PRIORITY}")
    if not 0 <= number <= MAX_SMTP_PRIORITY:
        raise fail(f"must be from 0 to {MAX_SMTP_PRIORITY}, lower tried first (got {number})")
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
    def strict_bool(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, bool):
            raise fail(f"must be true or false (got {show(value)})")
        return value


def _canonical_smtp_item(value: Any) -> str | dict[str, Any]:
    """A string stays a string; an object keeps only the keys the user gave."""
    if isinstance(value, str):
        return _check_host_port(value)
    if isinstance(value, Mapping):
        server = SmtpServer.model_validate(dict(value))
        return server.model_dump(exclude_none=True)
    raise fail(
        "each server must be a 'host:port' string or an object {url, priority, tls_enabled} "
        f"(got {show(value)})"
    )


def _check_smtp_list(value: list[Any]) -> list[Any]:
    if not value:
        raise fail("needs at least one server, e.g. ['mx.example.com:25']")
    urls = [smtp_url(item).lower() for item in value]
    for index, url in enumerate(urls):
        if url in urls[:index]:
            raise fail(f"server {url!r} is listed twice: list each server once")
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
        raise fail(f"must be an absolute http(s) URL (got {show(value)})")
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in text:
        raise fail(
            f"{show(value)} is not an absolute http(s) URL: "
            "use a URL like 'https://hooks.example.com/inbound'"
        )
    return text


def _canonical_method(value: Any) -> str:
    if isinstance(value, str) and value.strip().upper() in ("POST", "PUT"):
        return value.strip().upper()
    raise fail(f"must be 'POST' or 'PUT' (got {show(value)})")


_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def _check_headers(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise fail(f"must be an object of header names to string values (got {show(value)})")
    headers: dict[str, str] = {}
    for name, header_value in value.items():
        if not isinstance(name, str) or not _HEADER_NAME.match(name):
            raise fail(f"header name {show(name)} is not a valid HTTP header name")
        if not isinstance(header_value, str):
            raise fail(
                f"the value of header {name!r} must be a string (got {kind_of(header_value)}); "
                "quote numbers and booleans"
            )
        if any(c in header_value for c in "\r\n\x00"):
            raise fail(f"the value of header {name!r} must not contain line breaks or NUL")
        headers[name] = header_value
    return headers


def _positive_timeout(value: Any) -> int:
    number = integral(value, "of milliseconds")
    if number <= 0:
        raise fail(f"must be more than 0 milliseconds (got {number})")
    return number


def _check_auth_header(value: Any) -> str:
    if not isinstance(value, str):
        raise fail("must be a string, the full Authorization header value")
    if any(c in value for c in "\r\n\x00"):
        raise fail("must not contain line breaks or NUL")
    return value


WebhookUrl = Annotated[str, BeforeValidator(_check_url)]
WebhookMethod = Annotated[str, BeforeValidator(_canonical_method)]
WebhookHeaders = Annotated[dict[str, str], BeforeValidator(_check_headers)]
WebhookTimeout = Annotated[int, BeforeValidator(_positive_timeout)]
RetryCount = Annotated[int, BeforeValidator(non_negative_int)]
AuthHeader = Annotated[str, BeforeValidator(_check_auth_header)]

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
