"""The emulator's in-memory JetEmail account: inbound domains and forward rules, with the
API's rules (`rules.py`) applied to every create and PATCH, and the out-of-band helpers tests
use. Guarded by one lock: the server thread and test threads both touch it.
"""

from __future__ import annotations

import copy
import secrets
import threading
import time
import uuid as uuid_module
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .rules import (
    DNS_FLAGS,
    JSON,
    MAX_RULES_PER_DOMAIN,
    RULE_CREATE_FIELDS,
    RULE_PATCH_FIELDS,
    ApiError,
    bad,
    checked_values,
    created_answer,
    list_row,
    patched,
    public_view,
    reject_unknown,
    require_fields,
    require_non_empty,
    require_object,
    unix_now,
    validated_create,
)

__all__ = ["ApiError", "Store", "VerifyPlan"]


@dataclass
class VerifyPlan:
    """When a domain's DNS records verify: after this many `POST …/check` calls, or this many
    seconds after the plan was made (whichever comes first); the flags it then sets."""

    checks: int | None = None
    seconds: float | None = None
    flags: tuple[str, ...] = tuple(DNS_FLAGS)
    made: float = field(default_factory=time.monotonic)
    seen: int = 0

    def __post_init__(self) -> None:
        if self.checks is None and self.seconds is None:
            raise ValueError("say when the records verify: checks=N or seconds=S")
        if (self.checks is not None and self.checks < 0) or (
            self.seconds is not None and self.seconds < 0
        ):
            raise ValueError("checks and seconds must not be negative")
        unknown = sorted(set(self.flags) - set(DNS_FLAGS))
        if unknown:
            raise ValueError(f"unknown DNS flag(s) {unknown}: use {', '.join(DNS_FLAGS)}")

    def due(self) -> bool:
        """Whether the records verify at this check (counted)."""
        self.seen += 1
        by_checks = self.checks is not None and self.seen >= self.checks
        by_time = self.seconds is not None and time.monotonic() - self.made >= self.seconds
        return by_checks or by_time


class Store:
    """One JetEmail account's inbound domains and forward rules, safe to share across threads.

    The API-facing methods take raw JSON bodies and raise `ApiError`; the `raw_*` and `set_*`
    methods serve the emulator's out-of-band helpers and return deep copies.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._domains: dict[str, dict[str, JSON]] = {}
        self._rules: dict[str, dict[str, dict[str, JSON]]] = {}
        self._plans: dict[str, VerifyPlan] = {}
        self.new_domain_plan: Callable[[], VerifyPlan] | None = None
        """A plan for every domain created from then on (`--verify-after-checks`...)."""

    def reset(self) -> None:
        """Forget every domain, rule and verification plan."""
        with self._lock:
            self._domains.clear()
            self._rules.clear()
            self._plans.clear()
            self.new_domain_plan = None

    # --- inbound domains ---------------------------------------------------------------

    def create_domain(self, body: JSON) -> dict[str, JSON]:
        """`POST /inbound/domains`: the create answer (with `webhook_secret`)."""
        fields = validated_create(body)
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
                "created_at": unix_now(),
                **fields,
            }
            self._domains[record["uuid"]] = record
            self._rules[record["uuid"]] = {}
            if self.new_domain_plan is not None:
                self._plans[record["uuid"]] = self.new_domain_plan()
            return created_answer(record)

    def list_domains(self) -> list[dict[str, JSON]]:
        """`GET /inbound/domains`: one row per domain, in creation order."""
        with self._lock:
            return [list_row(record) for record in self._domains.values()]

    def get_domain(self, uuid: str) -> dict[str, JSON]:
        """`GET /inbound/settings/{uuid}`."""
        with self._lock:
            return public_view(self._find_domain(uuid))

    def update_domain(self, uuid: str, body: JSON) -> None:
        """`PATCH /inbound/settings/{uuid}`: all or nothing."""
        with self._lock:
            self._domains[uuid] = patched(self._find_domain(uuid), body)

    def delete_domain(self, body: JSON) -> None:
        """`DELETE /inbound/domains` with `{"uuid": …}`: the domain and its rules."""
        body = require_object(body)
        reject_unknown(body, frozenset({"uuid"}))
        require_fields(body, ("uuid",))
        if not isinstance(body["uuid"], str):
            raise bad("uuid must be a string")
        with self._lock:
            self._find_domain(body["uuid"])
            del self._domains[body["uuid"]]
            self._rules.pop(body["uuid"], None)

    def check_domain(self, uuid: str) -> dict[str, JSON]:
        """`POST /inbound/domains/{uuid}/check`: re-check the records (a domain's plan may say
        they verify now), then the four `forward_*_verified` flags."""
        with self._lock:
            record = self._find_domain(uuid)
            plan = self._plans.get(uuid)
            if plan is not None and plan.due():
                for name in plan.flags:
                    record[DNS_FLAGS[name]] = 1
                del self._plans[uuid]
            return {flag: record[flag] for flag in DNS_FLAGS.values()}

    def verify_after(self, uuid: str, plan: VerifyPlan) -> None:
        """The domain's records verify as `plan` says (at a check, as JetEmail would see
        them once published)."""
        with self._lock:
            self._find_domain(uuid)
            self._plans[uuid] = plan

    # --- forward rules -------------------------------------------------------------------

    def list_rules(self, uuid: str) -> list[dict[str, JSON]]:
        """`GET /inbound/domains/{uuid}/forward-rules`, in creation order."""
        with self._lock:
            return copy.deepcopy(list(self._forward_rules(uuid).values()))

    def create_rule(self, uuid: str, body: JSON) -> dict[str, JSON]:
        """`POST /inbound/domains/{uuid}/forward-rules`: the new rule."""
        with self._lock:
            rules = self._forward_rules(uuid)
            body = require_object(body)
            reject_unknown(body, RULE_CREATE_FIELDS)
            require_fields(body, ("localpart", "destination"))
            values = checked_values(body, RULE_CREATE_FIELDS)
            if any(rule["localpart"] == values["localpart"] for rule in rules.values()):
                raise ApiError(409, "a forward rule for this localpart already exists")
            if len(rules) >= MAX_RULES_PER_DOMAIN:
                raise bad(f"at most {MAX_RULES_PER_DOMAIN} forward rules per domain")
            now = unix_now()
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
            body = require_object(body)
            require_non_empty(body, RULE_PATCH_FIELDS)
            if "localpart" in body:
                raise bad("localpart cannot be changed: create a new rule and delete this one")
            reject_unknown(body, RULE_PATCH_FIELDS)
            values = checked_values(body, RULE_PATCH_FIELDS)
            if values.get("destination", rule["destination"]) != rule["destination"]:
                rule["destination"] = values["destination"]
                rule["verified"] = 0
            if "active" in values:
                rule["active"] = int(values["active"])
            rule["last_modified"] = unix_now()

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
            raise bad(
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
