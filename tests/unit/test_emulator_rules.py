"""The emulator's forward-rule calls, over real HTTP."""

from __future__ import annotations

import time
import uuid as uuid_module
from typing import Any

import httpx
import pytest

from pulumi_jetemail.emulator import Emulator

RULE_KEYS = {
    "uuid",
    "localpart",
    "destination",
    "active",
    "verified",
    "last_modified",
    "created_at",
}
UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def domain(emu: Emulator) -> str:
    """The uuid of a fresh forward domain."""
    uuid: str = emu.add_domain({"domain": "fwd.example.com", "delivery_type": "forward"})["uuid"]
    return uuid


def rules_path(domain: str) -> str:
    return f"/inbound/domains/{domain}/forward-rules"


def add_rule(http: httpx.Client, domain: str, **body: Any) -> dict[str, Any]:
    response = http.post(rules_path(domain), json=body)
    assert response.status_code == 200, response.text
    rule: dict[str, Any] = response.json()["result"]
    return rule


def assert_refused(response: httpx.Response, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["success"] is False
    for word in words:
        assert word in response.json()["error"]


def test_rule_lifecycle_create_list_read_update_delete(
    http: httpx.Client, emu: Emulator, domain: str
) -> None:
    rule = add_rule(http, domain, localpart="Sales.Team", destination="Boss@Example.net")
    assert set(rule) == RULE_KEYS
    assert uuid_module.UUID(rule["uuid"]).version == 4
    assert (rule["localpart"], rule["destination"]) == ("sales.team", "Boss@Example.net")
    assert (rule["active"], rule["verified"]) == (1, 0)
    assert rule["created_at"] == rule["last_modified"]
    assert abs(rule["created_at"] - time.time()) < 60

    listed = http.get(rules_path(domain)).json()
    assert listed == {"success": True, "result": [rule]}
    path = f"{rules_path(domain)}/{rule['uuid']}"
    assert http.get(path).json() == {"success": True, "result": rule}

    emu.set_rule_verified(domain, rule["uuid"])
    assert http.get(path).json()["result"]["verified"] == 1
    response = http.patch(path, json={"active": False})
    assert response.json() == {"success": True, "message": "forward rule updated"}
    assert http.get(path).json()["result"]["verified"] == 1  # same destination: still verified
    response = http.patch(path, json={"destination": "new@example.net"})
    assert response.status_code == 200
    updated = http.get(path).json()["result"]
    assert (updated["destination"], updated["active"], updated["verified"]) == (
        "new@example.net",
        0,
        0,
    )
    assert updated["last_modified"] >= updated["created_at"]
    assert emu.rules(domain) == [updated]

    response = http.delete(path)
    assert response.json() == {"success": True, "message": "forward rule deleted"}
    assert_refused(http.get(path), 404, "forward rule not found")
    assert http.get(rules_path(domain)).json()["result"] == []


def test_rule_create_active_false(http: httpx.Client, domain: str) -> None:
    rule = add_rule(http, domain, localpart="*", destination="all@example.net", active=False)
    assert (rule["localpart"], rule["active"]) == ("*", 0)


@pytest.mark.parametrize(
    "localpart", ["*", "john.doe", "a+tag", "!#$%&'*+/=?^_`{|}~-", "x" * 64], ids=repr
)
def test_rule_accepts_a_catch_all_or_rfc5321_local_part(
    http: httpx.Client, domain: str, localpart: str
) -> None:
    assert add_rule(http, domain, localpart=localpart, destination="u@example.net")["localpart"]


INVALID_RULES = [
    ("missing localpart", {"destination": "u@example.net"}, "localpart is required"),
    ("missing destination", {"localpart": "info"}, "destination is required"),
    ("leading dot", {"localpart": ".info", "destination": "u@example.net"}, "localpart"),
    ("trailing dot", {"localpart": "info.", "destination": "u@example.net"}, "localpart"),
    ("double dot", {"localpart": "in..fo", "destination": "u@example.net"}, "localpart"),
    ("65 characters", {"localpart": "x" * 65, "destination": "u@example.net"}, "localpart"),
    ("space", {"localpart": "in fo", "destination": "u@example.net"}, "localpart"),
    ("an at sign", {"localpart": "in@fo", "destination": "u@example.net"}, "localpart"),
    ("parentheses", {"localpart": "(info)", "destination": "u@example.net"}, "localpart"),
    ("empty", {"localpart": "", "destination": "u@example.net"}, "localpart"),
    ("a number", {"localpart": 7, "destination": "u@example.net"}, "localpart"),
    ("display name", {"localpart": "a", "destination": "U <u@example.net>"}, "destination"),
    ("no domain", {"localpart": "a", "destination": "u@"}, "destination"),
    ("no local part", {"localpart": "a", "destination": "@example.net"}, "destination"),
    ("single-label domain", {"localpart": "a", "destination": "u@localhost"}, "destination"),
    ("two at signs", {"localpart": "a", "destination": "u@@example.net"}, "destination"),
    ("active a string", {"localpart": "a", "destination": "u@e.net", "active": "yes"}, "active"),
    ("unknown field", {"localpart": "a", "destination": "u@e.net", "verified": 1}, "verified"),
    ("body a list", ["a"], "JSON object"),
]


@pytest.mark.parametrize(
    ("body", "words"), [pytest.param(b, w, id=name) for name, b, w in INVALID_RULES]
)
def test_rule_create_refuses_an_invalid_body_with_400_naming_the_field(
    http: httpx.Client, emu: Emulator, domain: str, body: Any, words: str
) -> None:
    assert_refused(http.post(rules_path(domain), json=body), 400, words)
    assert emu.rules(domain) == []


def test_rule_duplicate_localpart_in_any_case_is_409(
    http: httpx.Client, emu: Emulator, domain: str
) -> None:
    add_rule(http, domain, localpart="info", destination="a@example.net")
    response = http.post(rules_path(domain), json={"localpart": "INFO", "destination": "b@e.net"})
    assert_refused(response, 409, "already exists")
    assert len(emu.rules(domain)) == 1


def test_rule_201st_is_refused_with_400(http: httpx.Client, emu: Emulator, domain: str) -> None:
    for number in range(200):
        add_rule(http, domain, localpart=f"user{number}", destination="u@example.net")
    response = http.post(
        rules_path(domain), json={"localpart": "one-more", "destination": "u@e.net"}
    )
    assert_refused(response, 400, "at most 200 forward rules per domain")
    assert len(emu.rules(domain)) == 200


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({}, "at least one of"),
        ({"localpart": "other"}, "localpart cannot be changed"),
        ({"verified": 1}, "unknown field(s): verified"),
        ({"destination": "not-an-address"}, "destination"),
        ({"active": None}, "active"),
    ],
    ids=["empty body", "localpart", "unknown field", "bad destination", "null active"],
)
def test_rule_update_refuses_an_invalid_body_and_changes_nothing(
    http: httpx.Client, emu: Emulator, domain: str, body: dict[str, Any], words: str
) -> None:
    rule = add_rule(http, domain, localpart="info", destination="a@example.net")
    assert_refused(http.patch(f"{rules_path(domain)}/{rule['uuid']}", json=body), 400, words)
    assert emu.rules(domain) == [rule]


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", ""), ("POST", ""), ("GET", "/r"), ("PATCH", "/r"), ("DELETE", "/r")],
)
def test_rule_calls_on_an_unknown_domain_are_404(
    http: httpx.Client, emu: Emulator, method: str, suffix: str
) -> None:
    response = http.request(method, rules_path(UNKNOWN) + suffix, json={"active": True})
    assert_refused(response, 404, "domain not found")


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_rule_calls_on_an_unknown_rule_are_404(
    http: httpx.Client, domain: str, method: str
) -> None:
    response = http.request(method, f"{rules_path(domain)}/{UNKNOWN}", json={"active": True})
    assert_refused(response, 404, "forward rule not found")


@pytest.mark.parametrize("delivery_type", ["smtp", "webhook"])
def test_rule_calls_on_a_domain_not_of_type_forward_are_400(
    http: httpx.Client, emu: Emulator, delivery_type: str
) -> None:
    mode_fields: dict[str, dict[str, Any]] = {
        "smtp": {"smtp_servers": ["mx.example.net:25"]},
        "webhook": {"webhook_url": "https://h.example.net/"},
    }
    body = {
        **mode_fields[delivery_type],
        "domain": "other.example.com",
        "delivery_type": delivery_type,
    }
    uuid = emu.add_domain(body)["uuid"]
    assert_refused(http.get(rules_path(uuid)), 400, "delivery_type forward")
    response = http.post(rules_path(uuid), json={"localpart": "a", "destination": "u@e.net"})
    assert_refused(response, 400, "delivery_type forward")


def test_rule_switching_the_domain_away_and_back_keeps_its_rules(
    http: httpx.Client, emu: Emulator, domain: str
) -> None:
    rule = add_rule(http, domain, localpart="info", destination="a@example.net")
    emu.patch_domain(domain, {"delivery_type": "webhook", "webhook_url": "https://h.example.net/"})
    assert_refused(http.get(rules_path(domain)), 400)
    emu.patch_domain(domain, {"delivery_type": "forward"})
    assert http.get(rules_path(domain)).json()["result"] == [rule]


def test_set_rule_verified_refuses_an_unknown_rule(emu: Emulator, domain: str) -> None:
    with pytest.raises(KeyError):
        emu.set_rule_verified(domain, UNKNOWN)
    with pytest.raises(KeyError):
        emu.rules(UNKNOWN)
