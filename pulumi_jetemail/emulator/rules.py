"""The API's documented rules as the emulator applies them: one small `_check_*` function per
rule, the checks of a whole create or PATCH body, and the views the API answers with. Shared
by create, PATCH and the out-of-band helpers (`store.py`), so the HTTP layer and the test
helpers can never disagree. Refusals are raised as `ApiError(status, message)`; the message
always names the field. It shares no code with the package's own field rules, on purpose.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable, Mapping
from typing import Any, Final
from urllib.parse import urlsplit

__all__ = [
    "DNS_FLAGS",
    "JSON",
    "MAX_RULES_PER_DOMAIN",
    "RULE_CREATE_FIELDS",
    "RULE_PATCH_FIELDS",
    "ApiError",
    "bad",
    "checked_values",
    "created_answer",
    "list_row",
    "patched",
    "public_view",
    "reject_unknown",
    "require_fields",
    "require_non_empty",
    "require_object",
    "unix_now",
    "validated_create",
]

JSON = Any
"""A value parsed from JSON (dict, list, str, int, float, bool or None)."""

DOMAIN_PATTERN: Final = re.compile(
    r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,}$"
)
DELIVERY_TYPES: Final = ("smtp", "webhook", "forward")
STATUSES: Final = ("active", "disabled")
WEBHOOK_METHODS: Final = ("POST", "PUT")

SMTP_FIELDS: Final = frozenset({"smtp_servers"})
WEBHOOK_FIELDS: Final = frozenset(
    {
        "webhook_url",
        "webhook_method",
        "webhook_headers",
        "webhook_timeout",
        "webhook_retry_count",
        "webhook_auth_header",
    }
)
MODE_FIELDS: Final[Mapping[str, frozenset[str]]] = {
    "smtp": SMTP_FIELDS,
    "webhook": WEBHOOK_FIELDS,
    "forward": frozenset(),
}
ALL_MODE_FIELDS: Final = SMTP_FIELDS | WEBHOOK_FIELDS
CREATE_FIELDS: Final = frozenset({"domain", "delivery_type"}) | ALL_MODE_FIELDS
PATCH_FIELDS: Final = frozenset({"status", "delivery_type"}) | ALL_MODE_FIELDS
CLEARABLE_FIELDS: Final = frozenset({"webhook_url", "webhook_headers"})
WEBHOOK_DEFAULTS: Final[Mapping[str, JSON]] = {
    "webhook_method": "POST",
    "webhook_timeout": 30000,
    "webhook_retry_count": 3,
}
WRITE_ONLY_FIELDS: Final = frozenset({"webhook_secret", "webhook_headers", "webhook_auth_header"})
DNS_FLAGS: Final[Mapping[str, str]] = {
    "mx": "forward_mx_verified",
    "dkim": "forward_dkim_verified",
    "spf": "forward_spf_verified",
    "dmarc": "forward_dmarc_verified",
}

SMTP_DEFAULT_PRIORITY: Final = 10
SMTP_DEFAULT_TLS: Final = True
SMTP_SERVER_KEYS: Final = frozenset({"url", "priority", "tls_enabled"})
_HOST_PORT: Final = re.compile(
    r"^(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(?P<port>[0-9]{1,5})$"
)

RULE_CREATE_FIELDS: Final = frozenset({"localpart", "destination", "active"})
RULE_PATCH_FIELDS: Final = frozenset({"destination", "active"})
MAX_RULES_PER_DOMAIN: Final = 200
MAX_LOCALPART_LENGTH: Final = 64
CATCH_ALL: Final = "*"
# RFC 5321 dot-atom: atext runs joined by single dots, none leading or trailing.
_ATEXT: Final = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM: Final = re.compile(rf"^{_ATEXT}(?:\.{_ATEXT})*$")


class ApiError(Exception):
    """A refusal the API answers with a non-2xx status and `{"error": message}`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message


def bad(message: str) -> ApiError:
    return ApiError(400, message)


def _is_int(value: JSON) -> bool:
    """A JSON integer: bools and floats (even 30000.0) are not, as the docs type it `integer`."""
    return isinstance(value, int) and not isinstance(value, bool)


def unix_now() -> int:
    return int(time.time())


# --- one check per documented rule -------------------------------------------------------


def _check_domain(value: JSON) -> str:
    if not isinstance(value, str) or not DOMAIN_PATTERN.fullmatch(value):
        raise bad("domain must be a domain name such as example.com")
    return value.lower()


def _check_delivery_type(value: JSON) -> str:
    if value not in DELIVERY_TYPES:
        raise bad("delivery_type must be one of smtp, webhook, forward")
    return str(value)


def _check_status(value: JSON) -> str:
    if value not in STATUSES:
        raise bad("status must be active or disabled")
    return str(value)


def _check_host_port(field: str, value: JSON) -> str:
    match = _HOST_PORT.fullmatch(value) if isinstance(value, str) else None
    if match is None or not 1 <= int(match.group("port")) <= 65535:
        raise bad(f'{field} must be "host:port" with a port from 1 to 65535')
    return str(value)


def _check_smtp_server(index: int, item: JSON) -> dict[str, JSON]:
    field = f"smtp_servers[{index}]"
    if isinstance(item, str):
        return {
            "url": _check_host_port(field, item),
            "priority": SMTP_DEFAULT_PRIORITY,
            "tls_enabled": SMTP_DEFAULT_TLS,
        }
    if not isinstance(item, dict):
        raise bad(f'{field} must be "host:port" or an object {{url, priority, tls_enabled}}')
    unknown = sorted(set(item) - SMTP_SERVER_KEYS)
    if unknown:
        raise bad(f"{field} has unknown field(s): {', '.join(unknown)}")
    if "url" not in item:
        raise bad(f"{field}.url is required")
    priority = item.get("priority", SMTP_DEFAULT_PRIORITY)
    if not _is_int(priority) or not 0 <= priority <= 65535:
        raise bad(f"{field}.priority must be an integer from 0 to 65535")
    tls_enabled = item.get("tls_enabled", SMTP_DEFAULT_TLS)
    if not isinstance(tls_enabled, bool):
        raise bad(f"{field}.tls_enabled must be true or false")
    return {
        "url": _check_host_port(f"{field}.url", item["url"]),
        "priority": priority,
        "tls_enabled": tls_enabled,
    }


def _check_smtp_servers(value: JSON) -> list[dict[str, JSON]]:
    if not isinstance(value, list) or not value:
        raise bad("smtp_servers must be a non-empty list")
    return [_check_smtp_server(index, item) for index, item in enumerate(value)]


def _check_webhook_url(value: JSON) -> str:
    try:
        parts = urlsplit(value) if isinstance(value, str) else None
    except ValueError:  # e.g. an unclosed "[" of an IPv6 host
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(char.isspace() for char in str(value))
    ):
        raise bad("webhook_url must be an absolute http:// or https:// URL")
    return str(value)


def _check_webhook_method(value: JSON) -> str:
    if value not in WEBHOOK_METHODS:
        raise bad("webhook_method must be POST or PUT")
    return str(value)


def _check_webhook_headers(value: JSON) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        key and isinstance(item, str) for key, item in value.items()
    ):
        raise bad("webhook_headers must be an object of header names to string values")
    return dict(value)


def _check_webhook_timeout(value: JSON) -> int:
    if not _is_int(value) or value < 1:
        raise bad("webhook_timeout must be a positive integer (milliseconds)")
    return int(value)


def _check_webhook_retry_count(value: JSON) -> int:
    if not _is_int(value) or value < 0:
        raise bad("webhook_retry_count must be an integer of 0 or more")
    return int(value)


def _check_webhook_auth_header(value: JSON) -> str:
    if not isinstance(value, str):
        raise bad("webhook_auth_header must be a string")
    return value


def _is_local_part(text: str) -> bool:
    return len(text) <= MAX_LOCALPART_LENGTH and _DOT_ATOM.fullmatch(text) is not None


def _check_localpart(value: JSON) -> str:
    if not isinstance(value, str) or not (value == CATCH_ALL or _is_local_part(value)):
        raise bad(
            'localpart must be "*" or an RFC 5321 local part of at most 64 characters '
            "(letters, digits, !#$%&'*+/=?^_`{|}~- and single inner dots)"
        )
    return value.lower()


def _check_destination(value: JSON) -> str:
    local, at, domain = value.rpartition("@") if isinstance(value, str) else ("", "", "")
    if not (at and _is_local_part(local) and DOMAIN_PATTERN.fullmatch(domain)):
        raise bad("destination must be a bare address such as user@example.com")
    return str(value)


def _check_active(value: JSON) -> bool:
    if not isinstance(value, bool):
        raise bad("active must be true or false")
    return value


FIELD_CHECKS: Final[Mapping[str, Callable[[JSON], JSON]]] = {
    "domain": _check_domain,
    "delivery_type": _check_delivery_type,
    "status": _check_status,
    "smtp_servers": _check_smtp_servers,
    "webhook_url": _check_webhook_url,
    "webhook_method": _check_webhook_method,
    "webhook_headers": _check_webhook_headers,
    "webhook_timeout": _check_webhook_timeout,
    "webhook_retry_count": _check_webhook_retry_count,
    "webhook_auth_header": _check_webhook_auth_header,
    "localpart": _check_localpart,
    "destination": _check_destination,
    "active": _check_active,
}


# --- checks of a whole body ---------------------------------------------------------------


def require_object(body: JSON) -> dict[str, JSON]:
    if not isinstance(body, dict):
        raise bad("the request body must be a JSON object")
    return body


def reject_unknown(body: Mapping[str, JSON], allowed: frozenset[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise bad(f"unknown field(s): {', '.join(unknown)}")


def require_fields(body: Mapping[str, JSON], required: tuple[str, ...]) -> None:
    for field in required:
        if field not in body:
            raise bad(f"{field} is required")


def require_non_empty(body: Mapping[str, JSON], allowed: frozenset[str]) -> None:
    if not body:
        raise bad(f"the request body must set at least one of: {', '.join(sorted(allowed))}")


def _reject_other_mode(body: Mapping[str, JSON], delivery_type: str) -> None:
    """A field of another delivery mode is refused, even as null."""
    foreign = sorted(set(body) & (ALL_MODE_FIELDS - MODE_FIELDS[delivery_type]))
    if foreign:
        owner = "smtp" if foreign[0] in SMTP_FIELDS else "webhook"
        raise bad(f"{foreign[0]} is only for delivery_type {owner}, not {delivery_type}")


def _require_mode_fields(delivery_type: str, values: Mapping[str, JSON]) -> None:
    """`smtp` needs `smtp_servers`, `webhook` needs `webhook_url`."""
    required = {"smtp": "smtp_servers", "webhook": "webhook_url"}.get(delivery_type)
    if required is not None and values.get(required) is None:
        raise bad(f"{required} is required for delivery_type {delivery_type}")


def checked_values(
    body: Mapping[str, JSON], fields: frozenset[str], nullable: frozenset[str] = frozenset()
) -> dict[str, JSON]:
    """Every present field of `fields` through its check; `None` kept for `nullable` ones."""
    values: dict[str, JSON] = {}
    for field in sorted(set(body) & fields):
        value = body[field]
        if value is None and field in nullable:
            values[field] = None
        elif value is None and nullable:
            raise bad(
                f"{field} cannot be null: only {' and '.join(sorted(nullable))} "
                "can be cleared with null"
            )
        else:
            values[field] = FIELD_CHECKS[field](value)
    return values


def validated_create(body: JSON) -> dict[str, JSON]:
    """The stored fields of a new domain, or `ApiError(400)`."""
    body = require_object(body)
    reject_unknown(body, CREATE_FIELDS)
    require_fields(body, ("domain", "delivery_type"))
    domain = _check_domain(body["domain"])
    delivery_type = _check_delivery_type(body["delivery_type"])
    _reject_other_mode(body, delivery_type)
    # At create, null is no value: it fails the field's check like any other wrong type.
    values = checked_values(body, ALL_MODE_FIELDS)
    _require_mode_fields(delivery_type, values)
    defaults = WEBHOOK_DEFAULTS if delivery_type == "webhook" else {}
    return {"domain": domain, "delivery_type": delivery_type, **defaults, **values}


def patched(current: Mapping[str, JSON], body: JSON) -> dict[str, JSON]:
    """The stored domain after a PATCH, or `ApiError(400)`; `current` is left alone."""
    body = require_object(body)
    require_non_empty(body, PATCH_FIELDS)
    if "domain" in body:
        raise bad("domain cannot be changed: add the new domain and delete this one")
    reject_unknown(body, PATCH_FIELDS)
    old_type = current["delivery_type"]
    new_type = _check_delivery_type(body["delivery_type"]) if "delivery_type" in body else old_type
    _reject_other_mode(body, new_type)
    values = checked_values(body, PATCH_FIELDS - {"delivery_type"}, CLEARABLE_FIELDS)
    switching = new_type != old_type
    updated = {
        key: value for key, value in current.items() if not (switching and key in ALL_MODE_FIELDS)
    }
    if switching:
        updated["delivery_type"] = new_type
        updated.update(WEBHOOK_DEFAULTS if new_type == "webhook" else {})
    for field, value in values.items():
        if value is None:
            updated.pop(field, None)
        else:
            updated[field] = value
    if switching:
        _require_mode_fields(new_type, updated)
    return updated


def public_view(record: Mapping[str, JSON]) -> dict[str, JSON]:
    """`GET /inbound/settings/{uuid}`: the current mode's fields, never a write-only one."""
    hidden = WRITE_ONLY_FIELDS | {"created_at"}
    return copy.deepcopy({key: value for key, value in record.items() if key not in hidden})


def list_row(record: Mapping[str, JSON]) -> dict[str, JSON]:
    """A row of `GET /inbound/domains`: `status` is a number there (1 active, 0 disabled)."""
    return {
        "uuid": record["uuid"],
        "domain": record["domain"],
        "delivery_type": record["delivery_type"],
        "status": 1 if record["status"] == "active" else 0,
        "created_at": record["created_at"],
    }


def created_answer(record: Mapping[str, JSON]) -> dict[str, JSON]:
    """The create answer, exactly the fields of the seed page's example."""
    keys = ("domain", "delivery_type", "status", "uuid", "webhook_secret", *DNS_FLAGS.values())
    return {key: record[key] for key in keys}
