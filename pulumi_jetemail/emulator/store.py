"""The emulator's in-memory JetEmail account: inbound domains and forward rules.

Every documented rule of the API is one small `_check_*` function below, shared by create,
PATCH and the out-of-band helpers, so the HTTP layer and the test helpers can never disagree.
Refusals are raised as `ApiError(status, message)`; the message always names the field.
The store is guarded by one lock: the server thread and test threads both touch it.
"""

from __future__ import annotations

import copy
import re
import secrets
import threading
import time
import uuid as uuid_module
from collections.abc import Callable, Mapping
from typing import Any, Final
from urllib.parse import urlsplit

__all__ = ["ApiError", "Store"]

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


def _bad(message: str) -> ApiError:
    return ApiError(400, message)


def _is_int(value: JSON) -> bool:
    """A JSON integer: bools and floats (even 30000.0) are not, as the docs type it `integer`."""
    return isinstance(value, int) and not isinstance(value, bool)


def _now() -> int:
    return int(time.time())


# --- one check per documented rule -------------------------------------------------------


def _check_domain(value: JSON) -> str:
    if not isinstance(value, str) or not DOMAIN_PATTERN.fullmatch(value):
        raise _bad("domain must be a domain name such as example.com")
    return value.lower()


def _check_delivery_type(value: JSON) -> str:
    if value not in DELIVERY_TYPES:
        raise _bad("delivery_type must be one of smtp, webhook, forward")
    return str(value)


def _check_status(value: JSON) -> str:
    if value not in STATUSES:
        raise _bad("status must be active or disabled")
    return str(value)


def _check_host_port(field: str, value: JSON) -> str:
    match = _HOST_PORT.fullmatch(value) if isinstance(value, str) else None
    if match is None or not 1 <= int(match.group("port")) <= 65535:
        raise _bad(f'{field} must be "host:port" with a port from 1 to 65535')
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
        raise _bad(f'{field} must be "host:port" or an object {{url, priority, tls_enabled}}')
    unknown = sorted(set(item) - SMTP_SERVER_KEYS)
    if unknown:
        raise _bad(f"{field} has unknown field(s): {', '.join(unknown)}")
    if "url" not in item:
        raise _bad(f"{field}.url is required")
    priority = item.get("priority", SMTP_DEFAULT_PRIORITY)
    if not _is_int(priority) or not 0 <= priority <= 65535:
        raise _bad(f"{field}.priority must be an integer from 0 to 65535")
    tls_enabled = item.get("tls_enabled", SMTP_DEFAULT_TLS)
    if not isinstance(tls_enabled, bool):
        raise _bad(f"{field}.tls_enabled must be true or false")
    return {
        "url": _check_host_port(f"{field}.url", item["url"]),
        "priority": priority,
        "tls_enabled": tls_enabled,
    }


def _check_smtp_servers(value: JSON) -> list[dict[str, JSON]]:
    if not isinstance(value, list) or not value:
        raise _bad("smtp_servers must be a non-empty list")
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
        raise _bad("webhook_url must be an absolute http:// or https:// URL")
    return str(value)


def _check_webhook_method(value: JSON) -> str:
    if value not in WEBHOOK_METHODS:
        raise _bad("webhook_method must be POST or PUT")
    return str(value)


def _check_webhook_headers(value: JSON) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        key and isinstance(item, str) for key, item in value.items()
    ):
        raise _bad("webhook_headers must be an object of header names to string values")
    return dict(value)


def _check_webhook_timeout(value: JSON) -> int:
    if not _is_int(value) or value < 1:
        raise _bad("webhook_timeout must be a positive integer (milliseconds)")
    return int(value)


def _check_webhook_retry_count(value: JSON) -> int:
    if not _is_int(value) or value < 0:
        raise _bad("webhook_retry_count must be an integer of 0 or more")
    return int(value)


def _check_webhook_auth_header(value: JSON) -> str:
    if not isinstance(value, str):
        raise _bad("webhook_auth_header must be a string")
    return value


def _is_local_part(text: str) -> bool:
    return len(text) <= MAX_LOCALPART_LENGTH and _DOT_ATOM.fullmatch(text) is not None


def _check_localpart(value: JSON) -> str:
    if not isinstance(value, str) or not (value == CATCH_ALL or _is_local_part(value)):
        raise _bad(
            'localpart must be "*" or an RFC 5321 local part of at most 64 characters '
            "(letters, digits, !#$%&'*+/=?^_`{|}~- and single inner dots)"
        )
    return value.lower()


def _check_destination(value: JSON) -> str:
    local, at, domain = value.rpartition("@") if isinstance(value, str) else ("", "", "")
    if not (at and _is_local_part(local) and DOMAIN_PATTERN.fullmatch(domain)):
        raise _bad("destination must be a bare address such as user@example.com")
    return str(value)


def _check_active(value: JSON) -> bool:
    if not isinstance(value, bool):
        raise _bad("active must be true or false")
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


def _require_object(body: JSON) -> dict[str, JSON]:
    if not isinstance(body, dict):
        raise _bad("the request body must be a JSON object")
    return body


def _reject_unknown(body: Mapping[str, JSON], allowed: frozenset[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise _bad(f"unknown field(s): {', '.join(unknown)}")


def _require_fields(body: Mapping[str, JSON], required: tuple[str, ...]) -> None:
    for field in required:
        if field not in body:
            raise _bad(f"{field} is required")


def _require_non_empty(body: Mapping[str, JSON], allowed: frozenset[str]) -> None:
    if not body:
        raise _bad(f"the request body must set at least one of: {', '.join(sorted(allowed))}")


def _reject_other_mode(body: Mapping[str, JSON], delivery_type: str) -> None:
    """A field of another delivery mode is refused, even as null."""
    foreign = sorted(set(body) & (ALL_MODE_FIELDS - MODE_FIELDS[delivery_type]))
    if foreign:
        owner = "smtp" if foreign[0] in SMTP_FIELDS else "webhook"
        raise _bad(f"{foreign[0]} is only for delivery_type {owner}, not {delivery_type}")


def _require_mode_fields(delivery_type: str, values: Mapping[str, JSON]) -> None:
    """`smtp` needs `smtp_servers`, `webhook` needs `webhook_url`."""
    required = {"smtp": "smtp_servers", "webhook": "webhook_url"}.get(delivery_type)
    if required is not None and values.get(required) is None:
        raise _bad(f"{required} is required for delivery_type {delivery_type}")


def _checked_values(
    body: Mapping[str, JSON], fields: frozenset[str], nullable: frozenset[str] = frozenset()
) -> dict[str, JSON]:
    """Every present field of `fields` through its check; `None` kept for `nullable` ones."""
    values: dict[str, JSON] = {}
    for field in sorted(set(body) & fields):
        value = body[field]
        if value is None and field in nullable:
            values[field] = None
        elif value is None and nullable:
            raise _bad(
                f"{field} cannot be null: only {' and '.join(sorted(nullable))} "
                "can be cleared with null"
            )
        else:
            values[field] = FIELD_CHECKS[field](value)
    return values


def _validated_create(body: JSON) -> dict[str, JSON]:
    """The stored fields of a new domain, or `ApiError(400)`."""
    body = _require_object(body)
    _reject_unknown(body, CREATE_FIELDS)
    _require_fields(body, ("domain", "delivery_type"))
    domain = _check_domain(body["domain"])
    delivery_type = _check_delivery_type(body["delivery_type"])
    _reject_other_mode(body, delivery_type)
    # At create, null is no value: it fails the field's check like any other wrong type.
    values = _checked_values(body, ALL_MODE_FIELDS)
    _require_mode_fields(delivery_type, values)
    defaults = WEBHOOK_DEFAULTS if delivery_type == "webhook" else {}
    return {"domain": domain, "delivery_type": delivery_type, **defaults, **values}


def _patched(current: Mapping[str, JSON], body: JSON) -> dict[str, JSON]:
    """The stored domain after a PATCH, or `ApiError(400)`; `current` is left alone."""
    body = _require_object(body)
    _require_non_empty(body, PATCH_FIELDS)
    if "domain" in body:
        raise _bad("domain cannot be changed: add the new domain and delete this one")
    _reject_unknown(body, PATCH_FIELDS)
    old_type = current["delivery_type"]
    new_type = _check_delivery_type(body["delivery_type"]) if "delivery_type" in body else old_type
    _reject_other_mode(body, new_type)
    values = _checked_values(body, PATCH_FIELDS - {"delivery_type"}, CLEARABLE_FIELDS)
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


def _public_view(record: Mapping[str, JSON]) -> dict[str, JSON]:
    """`GET /inbound/settings/{uuid}`: the current mode's fields, never a write-only one."""
    hidden = WRITE_ONLY_FIELDS | {"created_at"}
    return copy.deepcopy({key: value for key, value in record.items() if key not in hidden})


def _list_row(record: Mapping[str, JSON]) -> dict[str, JSON]:
    """A row of `GET /inbound/domains`: `status` is a number there (1 active, 0 disabled)."""
    return {
        "uuid": record["uuid"],
        "domain": record["domain"],
        "delivery_type": record["delivery_type"],
        "status": 1 if record["status"] == "active" else 0,
        "created_at": record["created_at"],
    }


def _created_answer(record: Mapping[str, JSON]) -> dict[str, JSON]:
    """The create answer, exactly the fields of the seed page's example."""
    keys = ("domain", "delivery_type", "status", "uuid", "webhook_secret", *DNS_FLAGS.values())
    return {key: record[key] for key in keys}


class Store:
    """One JetEmail account's inbound domains and forward rules, safe to share across threads.

    The API-facing methods take raw JSON bodies and raise `ApiError`; the `raw_*` and `set_*`
    methods serve the emulator's out-of-band helpers and return deep copies.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._domains: dict[str, dict[str, JSON]] = {}
        self._rules: dict[str, dict[str, dict[str, JSON]]] = {}

    def reset(self) -> None:
        """Forget every domain and rule."""
        with self._lock:
            self._domains.clear()
            self._rules.clear()

    # --- inbound domains ---------------------------------------------------------------

    def create_domain(self, body: JSON) -> dict[str, JSON]:
        """`POST /inbound/domains`: the create answer (with `webhook_secret`)."""
        fields = _validated_create(body)
        with self._lock:
            if any(d["domain"] == fields["domain"] for d in self._domains.values()):
                raise ApiError(409, "domain already exists")
            record: dict[str, JSON] = {
                "uuid": str(uuid_module.uuid4()),
                "domain": fields.pop("domain"),
                "delivery_type": fields.pop("delivery_type"),
                "status": "active",
                "webhook_secret": f"whsec_{secrets.token_hex(24)}",
                **dict.fromkeys(DNS_FLAGS.values(), 0),
                "created_at": _now(),
                **fields,
            }
            self._domains[record["uuid"]] = record
            self._rules[record["uuid"]] = {}
            return _created_answer(record)

    def list_domains(self) -> list[dict[str, JSON]]:
        """`GET /inbound/domains`: one row per domain, in creation order."""
        with self._lock:
            return [_list_row(record) for record in self._domains.values()]

    def get_domain(self, uuid: str) -> dict[str, JSON]:
        """`GET /inbound/settings/{uuid}`."""
        with self._lock:
            return _public_view(self._find_domain(uuid))

    def update_domain(self, uuid: str, body: JSON) -> None:
        """`PATCH /inbound/settings/{uuid}`: all or nothing."""
        with self._lock:
            self._domains[uuid] = _patched(self._find_domain(uuid), body)

    def delete_domain(self, body: JSON) -> None:
        """`DELETE /inbound/domains` with `{"uuid": …}`: the domain and its rules."""
        body = _require_object(body)
        _reject_unknown(body, frozenset({"uuid"}))
        _require_fields(body, ("uuid",))
        if not isinstance(body["uuid"], str):
            raise _bad("uuid must be a string")
        with self._lock:
            self._find_domain(body["uuid"])
            del self._domains[body["uuid"]]
            self._rules.pop(body["uuid"], None)

    def check_domain(self, uuid: str) -> dict[str, JSON]:
        """`POST /inbound/domains/{uuid}/check`: the four `forward_*_verified` flags."""
        with self._lock:
            record = self._find_domain(uuid)
            return {flag: record[flag] for flag in DNS_FLAGS.values()}

    # --- forward rules -------------------------------------------------------------------

    def list_rules(self, uuid: str) -> list[dict[str, JSON]]:
        """`GET /inbound/domains/{uuid}/forward-rules`, in creation order."""
        with self._lock:
            return copy.deepcopy(list(self._forward_rules(uuid).values()))

    def create_rule(self, uuid: str, body: JSON) -> dict[str, JSON]:
        """`POST /inbound/domains/{uuid}/forward-rules`: the new rule."""
        with self._lock:
            rules = self._forward_rules(uuid)
            body = _require_object(body)
            _reject_unknown(body, RULE_CREATE_FIELDS)
            _require_fields(body, ("localpart", "destination"))
            values = _checked_values(body, RULE_CREATE_FIELDS)
            if any(rule["localpart"] == values["localpart"] for rule in rules.values()):
                raise ApiError(409, "a forward rule for this localpart already exists")
            if len(rules) >= MAX_RULES_PER_DOMAIN:
                raise _bad(f"at most {MAX_RULES_PER_DOMAIN} forward rules per domain")
            now = _now()
            rule: dict[str, JSON] = {
                "uuid": str(uuid_module.uuid4()),
                "localpart": values["localpart"],
                "destination": values["destination"],
                "active": int(values.get("active", True)),
                "verified": 0,
                "last_modified": now,
                "created_at": now,
            }
            rules[rule["uuid"]] = rule
            return copy.deepcopy(rule)

    def get_rule(self, uuid: str, rule_uuid: str) -> dict[str, JSON]:
        """`GET /inbound/domains/{uuid}/forward-rules/{rule_uuid}`."""
        with self._lock:
            return copy.deepcopy(self._find_rule(self._forward_rules(uuid), rule_uuid))

    def update_rule(self, uuid: str, rule_uuid: str, body: JSON) -> None:
        """`PATCH …/forward-rules/{rule_uuid}`: a new destination must be verified again."""
        with self._lock:
            rule = self._find_rule(self._forward_rules(uuid), rule_uuid)
            body = _require_object(body)
            _require_non_empty(body, RULE_PATCH_FIELDS)
            if "localpart" in body:
                raise _bad("localpart cannot be changed: create a new rule and delete this one")
            _reject_unknown(body, RULE_PATCH_FIELDS)
            values = _checked_values(body, RULE_PATCH_FIELDS)
            if values.get("destination", rule["destination"]) != rule["destination"]:
                rule["destination"] = values["destination"]
                rule["verified"] = 0
            if "active" in values:
                rule["active"] = int(values["active"])
            rule["last_modified"] = _now()

    def delete_rule(self, uuid: str, rule_uuid: str) -> None:
        """`DELETE …/forward-rules/{rule_uuid}`."""
        with self._lock:
            rules = self._forward_rules(uuid)
            self._find_rule(rules, rule_uuid)
            del rules[rule_uuid]

    # --- out-of-band access ----------------------------------------------------------------

    def add_domain(self, body: JSON) -> dict[str, JSON]:
        """Create as the API does; the whole stored domain (with `webhook_secret`)."""
        with self._lock:
            created = self.create_domain(body)
            return copy.deepcopy(self._domains[created["uuid"]])

    def raw_domains(self) -> list[dict[str, JSON]]:
        """Deep copies of every stored domain, write-only fields included."""
        with self._lock:
            return copy.deepcopy(list(self._domains.values()))

    def raw_domain(self, uuid: str) -> dict[str, JSON] | None:
        """A deep copy of one stored domain, or None."""
        with self._lock:
            record = self._domains.get(uuid)
            return copy.deepcopy(record) if record is not None else None

    def raw_rules(self, uuid: str) -> list[dict[str, JSON]]:
        """Deep copies of a domain's rules, whatever its delivery type."""
        with self._lock:
            self._find_domain(uuid)
            return copy.deepcopy(list(self._rules[uuid].values()))

    def set_rule_verified(self, uuid: str, rule_uuid: str, verified: bool) -> None:
        """Mark a rule's destination as verified (or not)."""
        with self._lock:
            self._find_domain(uuid)
            self._find_rule(self._rules[uuid], rule_uuid)["verified"] = int(verified)

    def set_dns_verified(self, uuid: str, flags: Mapping[str, bool]) -> None:
        """Set `forward_<name>_verified` for each `name` in `flags` (mx, dkim, spf, dmarc)."""
        unknown = sorted(set(flags) - set(DNS_FLAGS))
        if unknown:
            raise ValueError(f"unknown DNS flag(s) {unknown}: use {', '.join(DNS_FLAGS)}")
        with self._lock:
            record = self._find_domain(uuid)
            for name, verified in flags.items():
                record[DNS_FLAGS[name]] = int(verified)

    # --- lookups ---------------------------------------------------------------------------

    def _find_domain(self, uuid: str) -> dict[str, JSON]:
        record = self._domains.get(uuid)
        if record is None:
            raise ApiError(404, "domain not found")
        return record

    def _forward_rules(self, uuid: str) -> dict[str, dict[str, JSON]]:
        record = self._find_domain(uuid)
        if record["delivery_type"] != "forward":
            raise _bad(
                f"forward rules need a domain of delivery_type forward, "
                f"this one is {record['delivery_type']}"
            )
        return self._rules[uuid]

    @staticmethod
    def _find_rule(rules: Mapping[str, dict[str, JSON]], rule_uuid: str) -> dict[str, JSON]:
        rule = rules.get(rule_uuid)
        if rule is None:
            raise ApiError(404, "forward rule not found")
        return rule
