"""The emulator's server, auth, inbound-domain calls, store helpers and CLI, over real HTTP."""

from __future__ import annotations

import contextlib
import queue
import re
import subprocess
import sys
import threading
import time
import uuid as uuid_module
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from helpers import API_KEY

from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.emulator.__main__ import main as cli_main

KEY = API_KEY
SMTP = {
    "domain": "smtp.example.com",
    "delivery_type": "smtp",
    "smtp_servers": ["mx1.example.net:25"],
}
WEBHOOK = {
    "domain": "hook.example.com",
    "delivery_type": "webhook",
    "webhook_url": "https://hooks.example.net/inbound",
    "webhook_headers": {"X-Team": "mail"},
    "webhook_auth_header": "Bearer hook-secret",
}
FORWARD = {"domain": "fwd.example.com", "delivery_type": "forward"}
WRITE_ONLY = {"webhook_secret", "webhook_headers", "webhook_auth_header"}
FLAGS = tuple(f"forward_{name}_verified" for name in ("mx", "dkim", "spf", "dmarc"))


@pytest.fixture(scope="module")
def anon(emulator: Emulator) -> Iterator[httpx.Client]:
    """An HTTP client without credentials (one per module: building a client costs ~30 ms)."""
    with httpx.Client(base_url=emulator.url, timeout=5) as http:
        yield http


@pytest.fixture
def api(emu: Emulator, http: httpx.Client) -> httpx.Client:
    """An HTTP client with the emulator's key, on a fresh account."""
    return http


def create(api: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/inbound/domains", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["result"]
    return result


def settings(api: httpx.Client, uuid: str) -> dict[str, Any]:
    response = api.get(f"/inbound/settings/{uuid}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["result"]
    return result


def assert_refused(response: httpx.Response, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    for word in words:
        assert word in body["error"]


# --- server lifecycle ---------------------------------------------------------------------


def test_emulator_start_serves_on_a_free_port_and_stop_closes_it() -> None:
    emulator = Emulator(KEY).start()
    url = emulator.url
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
    assert httpx.get(
        f"{url}/inbound/domains", headers={"Authorization": f"Bearer {KEY}"}
    ).json() == {
        "success": True,
        "result": [],
    }
    emulator.stop()
    emulator.stop()  # idempotent
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/inbound/domains")


def test_emulator_restart_keeps_the_account() -> None:
    emulator = Emulator(KEY).start()
    uuid = emulator.add_domain(FORWARD)["uuid"]
    emulator.stop()
    with emulator:
        headers = {"Authorization": f"Bearer {KEY}"}
        response = httpx.get(f"{emulator.url}/inbound/settings/{uuid}", headers=headers)
        assert response.json()["result"]["domain"] == FORWARD["domain"]


def test_emulator_url_before_start_raises() -> None:
    with pytest.raises(RuntimeError, match="start"):
        _ = Emulator(KEY).url


@pytest.mark.parametrize("key", ["transactional_abc", "sk_live_1", "api_", ""])
def test_emulator_refuses_a_non_account_key(key: str) -> None:
    with pytest.raises(ValueError, match="api_"):
        Emulator(key)


def test_emulator_stop_does_not_wait_for_a_delayed_answer() -> None:
    emulator = Emulator(KEY).start()
    emulator.inject("GET", "/inbound/domains", delay=30)
    outcome: list[int] = []

    def call() -> None:
        headers = {"Authorization": f"Bearer {KEY}"}
        outcome.append(httpx.get(f"{emulator.url}/inbound/domains", headers=headers).status_code)

    caller = threading.Thread(target=call)
    caller.start()
    deadline = time.monotonic() + 5
    while emulator.count("GET", "/inbound/domains") == 0:
        assert time.monotonic() < deadline, "the request never arrived"
        time.sleep(0.01)
    started = time.monotonic()
    emulator.stop()
    caller.join(5)
    assert time.monotonic() - started < 3
    assert outcome == [200]


# --- auth -----------------------------------------------------------------------------------

ROUTES = [
    ("GET", "/inbound/domains"),
    ("POST", "/inbound/domains"),
    ("DELETE", "/inbound/domains"),
    ("GET", "/inbound/settings/00000000-0000-4000-8000-000000000000"),
    ("PATCH", "/inbound/settings/00000000-0000-4000-8000-000000000000"),
    ("POST", "/inbound/domains/00000000-0000-4000-8000-000000000000/check"),
    ("GET", "/inbound/domains/00000000-0000-4000-8000-000000000000/forward-rules"),
    ("POST", "/inbound/domains/00000000-0000-4000-8000-000000000000/forward-rules"),
    ("GET", "/inbound/domains/00000000-0000-4000-8000-000000000000/forward-rules/x"),
    ("PATCH", "/inbound/domains/00000000-0000-4000-8000-000000000000/forward-rules/x"),
    ("DELETE", "/inbound/domains/00000000-0000-4000-8000-000000000000/forward-rules/x"),
    ("GET", "/no/such/route"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_auth_wrong_key_is_401_on_every_route(
    emu: Emulator, anon: httpx.Client, method: str, path: str
) -> None:
    response = anon.request(method, path, headers={"Authorization": "Bearer api_wrong"}, json={})
    assert_refused(response, 401, "API key")


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": f"Basic {KEY}"}, {"Authorization": "Bearer"}, {"Authorization": KEY}],
    ids=["no header", "basic scheme", "bearer without key", "key without scheme"],
)
def test_auth_missing_or_malformed_header_is_401(
    emu: Emulator, anon: httpx.Client, headers: dict[str, str]
) -> None:
    response = anon.post("/inbound/domains", headers=headers, json=FORWARD)
    assert_refused(response, 401, "Authorization")
    assert emu.domains() == []


def test_auth_transactional_key_is_403_saying_why(emu: Emulator, anon: httpx.Client) -> None:
    headers = {"Authorization": "Bearer transactional_abc123"}
    response = anon.post("/inbound/domains", headers=headers, json=FORWARD)
    assert_refused(response, 403, "transactional keys cannot manage inbound domains")
    assert "abc123" not in response.text
    assert emu.domains() == []


def test_auth_scheme_is_case_insensitive(emu: Emulator, anon: httpx.Client) -> None:
    response = anon.get("/inbound/domains", headers={"Authorization": f"bearer {KEY}"})
    assert response.status_code == 200


# --- routes ---------------------------------------------------------------------------------


def test_unknown_route_is_404_json(api: httpx.Client) -> None:
    assert_refused(api.get("/inbound/domain"), 404)


def test_trailing_slash_is_404_not_a_redirect(api: httpx.Client) -> None:
    response = api.get("/inbound/domains/")
    assert_refused(response, 404)
    assert "location" not in response.headers


def test_wrong_method_is_405_json_with_allow(api: httpx.Client) -> None:
    response = api.put("/inbound/domains", json=FORWARD)
    assert_refused(response, 405)
    assert {"GET", "POST", "DELETE"} <= set(response.headers["allow"].replace(" ", "").split(","))


# --- create ---------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [SMTP, WEBHOOK, FORWARD], ids=["smtp", "webhook", "forward"])
def test_create_answers_the_seed_pages_fields(api: httpx.Client, body: dict[str, Any]) -> None:
    response = api.post("/inbound/domains", json=body)
    assert response.status_code == 200
    envelope = response.json()
    assert envelope["success"] is True
    result = envelope["result"]
    assert set(result) == {"domain", "delivery_type", "status", "uuid", "webhook_secret", *FLAGS}
    assert result["domain"] == body["domain"]
    assert result["delivery_type"] == body["delivery_type"]
    assert result["status"] == "active"
    assert uuid_module.UUID(result["uuid"]).version == 4
    assert result["uuid"] == result["uuid"].lower()
    assert re.fullmatch(r"whsec_[0-9a-f]{32,}", result["webhook_secret"])
    assert all(result[flag] == 0 for flag in FLAGS)


def test_create_gives_each_domain_its_own_uuid_and_secret(api: httpx.Client) -> None:
    first, second = create(api, SMTP), create(api, FORWARD)
    assert first["uuid"] != second["uuid"]
    assert first["webhook_secret"] != second["webhook_secret"]


def test_create_stores_webhook_defaults_and_write_only_fields(
    api: httpx.Client, emu: Emulator
) -> None:
    body = {"domain": "a.example.com", "delivery_type": "webhook", "webhook_url": "http://l:80/"}
    uuid = create(api, body)["uuid"]
    stored = emu.domain(uuid)
    assert stored is not None
    assert stored["webhook_method"] == "POST"
    assert stored["webhook_timeout"] == 30000
    assert stored["webhook_retry_count"] == 3
    uuid = create(api, WEBHOOK)["uuid"]
    stored = emu.domain(uuid)
    assert stored is not None
    assert stored["webhook_headers"] == {"X-Team": "mail"}
    assert stored["webhook_auth_header"] == "Bearer hook-secret"


def test_create_stores_the_domain_lowercased(api: httpx.Client, emu: Emulator) -> None:
    assert create(api, {**FORWARD, "domain": "Mail-Box.Example.COM"})["domain"] == (
        "mail-box.example.com"
    )
    assert [d["domain"] for d in emu.domains()] == ["mail-box.example.com"]


def test_create_duplicate_domain_in_any_case_is_409(api: httpx.Client, emu: Emulator) -> None:
    create(api, FORWARD)
    response = api.post("/inbound/domains", json={**SMTP, "domain": FORWARD["domain"].upper()})
    assert_refused(response, 409, "domain already exists")
    assert len(emu.domains()) == 1


def test_create_accepts_smtp_servers_as_strings_and_objects(
    api: httpx.Client, emu: Emulator
) -> None:
    servers = [
        "mx1.example.net:25",
        {"url": "[2001:db8::1]:2525"},
        {"url": "10.0.0.1:587", "priority": 0, "tls_enabled": False},
    ]
    uuid = create(api, {**SMTP, "smtp_servers": servers})["uuid"]
    assert settings(api, uuid)["smtp_servers"] == [
        {"url": "mx1.example.net:25", "priority": 10, "tls_enabled": True},
        {"url": "[2001:db8::1]:2525", "priority": 10, "tls_enabled": True},
        {"url": "10.0.0.1:587", "priority": 0, "tls_enabled": False},
    ]


INVALID_CREATE = [
    ("missing domain", {"delivery_type": "forward"}, "domain is required"),
    ("missing delivery_type", {"domain": "example.com"}, "delivery_type is required"),
    ("single-label domain", {**FORWARD, "domain": "localhost"}, "domain"),
    ("domain with trailing dot", {**FORWARD, "domain": "example.com."}, "domain"),
    ("domain label starting with hyphen", {**FORWARD, "domain": "-a.example.com"}, "domain"),
    ("domain with empty label", {**FORWARD, "domain": "a..example.com"}, "domain"),
    ("domain with a space", {**FORWARD, "domain": "exa mple.com"}, "domain"),
    ("domain with numeric tld", {**FORWARD, "domain": "example.123"}, "domain"),
    ("domain label of 64 chars", {**FORWARD, "domain": "a" * 64 + ".com"}, "domain"),
    ("domain not a string", {**FORWARD, "domain": 42}, "domain"),
    ("unknown delivery_type", {**FORWARD, "delivery_type": "email"}, "delivery_type"),
    ("smtp without smtp_servers", {"domain": "e.com", "delivery_type": "smtp"}, "smtp_servers"),
    ("smtp_servers empty", {**SMTP, "smtp_servers": []}, "smtp_servers"),
    ("smtp_servers not a list", {**SMTP, "smtp_servers": "mx.example.net:25"}, "smtp_servers"),
    ("smtp server without port", {**SMTP, "smtp_servers": ["mx.example.net"]}, "smtp_servers[0]"),
    ("smtp server port 0", {**SMTP, "smtp_servers": ["mx.example.net:0"]}, "smtp_servers[0]"),
    ("smtp server port too big", {**SMTP, "smtp_servers": ["mx.e.net:65536"]}, "smtp_servers[0]"),
    ("smtp server a number", {**SMTP, "smtp_servers": ["mx.e.net:25", 25]}, "smtp_servers[1]"),
    ("smtp object without url", {**SMTP, "smtp_servers": [{"priority": 1}]}, "smtp_servers[0].url"),
    (
        "smtp object priority a string",
        {**SMTP, "smtp_servers": [{"url": "mx.e.net:25", "priority": "1"}]},
        "smtp_servers[0].priority",
    ),
    (
        "smtp object tls_enabled a string",
        {**SMTP, "smtp_servers": [{"url": "mx.e.net:25", "tls_enabled": "yes"}]},
        "smtp_servers[0].tls_enabled",
    ),
    (
        "smtp object with unknown key",
        {**SMTP, "smtp_servers": [{"url": "mx.e.net:25", "weight": 5}]},
        "weight",
    ),
    ("webhook without url", {"domain": "e.com", "delivery_type": "webhook"}, "webhook_url"),
    ("webhook_url not http", {**WEBHOOK, "webhook_url": "ftp://h.example.net/x"}, "webhook_url"),
    ("webhook_url relative", {**WEBHOOK, "webhook_url": "/inbound"}, "webhook_url"),
    ("webhook_url without host", {**WEBHOOK, "webhook_url": "https://"}, "webhook_url"),
    ("webhook_url with space", {**WEBHOOK, "webhook_url": "https://h.net/a b"}, "webhook_url"),
    ("webhook_method GET", {**WEBHOOK, "webhook_method": "GET"}, "webhook_method"),
    ("webhook_method lowercase", {**WEBHOOK, "webhook_method": "post"}, "webhook_method"),
    ("webhook_headers a list", {**WEBHOOK, "webhook_headers": ["X-A: b"]}, "webhook_headers"),
    (
        "webhook_headers value a number",
        {**WEBHOOK, "webhook_headers": {"X-A": 1}},
        "webhook_headers",
    ),
    ("webhook_headers null", {**WEBHOOK, "webhook_headers": None}, "webhook_headers"),
    ("webhook_timeout a string", {**WEBHOOK, "webhook_timeout": "30000"}, "webhook_timeout"),
    ("webhook_timeout a float", {**WEBHOOK, "webhook_timeout": 30000.0}, "webhook_timeout"),
    ("webhook_timeout zero", {**WEBHOOK, "webhook_timeout": 0}, "webhook_timeout"),
    ("webhook_retry_count negative", {**WEBHOOK, "webhook_retry_count": -1}, "webhook_retry_count"),
    ("webhook_retry_count a bool", {**WEBHOOK, "webhook_retry_count": True}, "webhook_retry_count"),
    ("webhook_auth_header a number", {**WEBHOOK, "webhook_auth_header": 1}, "webhook_auth_header"),
    ("smtp with webhook_url", {**SMTP, "webhook_url": "https://h.example.net/"}, "webhook_url"),
    ("webhook with smtp_servers", {**WEBHOOK, "smtp_servers": ["mx.e.net:25"]}, "smtp_servers"),
    ("forward with smtp_servers", {**FORWARD, "smtp_servers": ["mx.e.net:25"]}, "smtp_servers"),
    ("forward with webhook_method", {**FORWARD, "webhook_method": "POST"}, "webhook_method"),
    ("forward with null webhook_url", {**FORWARD, "webhook_url": None}, "webhook_url"),
    ("status at create", {**FORWARD, "status": "active"}, "unknown field(s): status"),
    ("unknown field", {**FORWARD, "name": "x"}, "unknown field(s): name"),
    ("body a list", [FORWARD], "JSON object"),
]


@pytest.mark.parametrize(
    ("body", "words"),
    [pytest.param(body, words, id=name) for name, body, words in INVALID_CREATE],
)
def test_create_refuses_an_invalid_body_with_400_naming_the_field(
    api: httpx.Client, emu: Emulator, body: Any, words: str
) -> None:
    assert_refused(api.post("/inbound/domains", json=body), 400, words)
    assert emu.domains() == []


def test_create_refuses_a_body_that_is_not_json(api: httpx.Client) -> None:
    response = api.post("/inbound/domains", content=b"{domain:", headers={"content-type": "x"})
    assert_refused(response, 400, "not valid JSON")


# --- list and read ------------------------------------------------------------------------------


def test_list_rows_carry_status_as_a_number(api: httpx.Client) -> None:
    first, second = create(api, SMTP), create(api, FORWARD)
    api.patch(f"/inbound/settings/{second['uuid']}", json={"status": "disabled"})
    rows = api.get("/inbound/domains").json()["result"]
    assert [(r["uuid"], r["domain"], r["delivery_type"], r["status"]) for r in rows] == [
        (first["uuid"], "smtp.example.com", "smtp", 1),
        (second["uuid"], "fwd.example.com", "forward", 0),
    ]
    assert all(
        set(row) == {"uuid", "domain", "delivery_type", "status", "created_at"} for row in rows
    )
    assert all(abs(row["created_at"] - time.time()) < 60 for row in rows)


def test_read_webhook_domain_shows_its_fields_but_never_write_only_ones(api: httpx.Client) -> None:
    uuid = create(api, WEBHOOK)["uuid"]
    result = settings(api, uuid)
    assert result["status"] == "active"
    assert result["webhook_url"] == WEBHOOK["webhook_url"]
    assert result["webhook_method"] == "POST"
    assert result["webhook_timeout"] == 30000
    assert result["webhook_retry_count"] == 3
    assert not WRITE_ONLY & set(result)
    assert "smtp_servers" not in result
    assert "hook-secret" not in api.get(f"/inbound/settings/{uuid}").text


def test_read_smtp_and_forward_domains_show_only_their_modes_fields(api: httpx.Client) -> None:
    smtp = settings(api, create(api, SMTP)["uuid"])
    assert smtp["smtp_servers"] == [
        {"url": "mx1.example.net:25", "priority": 10, "tls_enabled": True}
    ]
    assert not any(key.startswith("webhook_") for key in smtp)
    forward = settings(api, create(api, FORWARD)["uuid"])
    assert set(forward) == {"uuid", "domain", "delivery_type", "status", *FLAGS}


@pytest.mark.parametrize(
    "uuid", ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "UPPER"], ids=str
)
def test_read_unknown_or_malformed_uuid_is_404(api: httpx.Client, uuid: str) -> None:
    if uuid == "UPPER":
        uuid = create(api, FORWARD)["uuid"].upper()
    assert_refused(api.get(f"/inbound/settings/{uuid}"), 404, "domain not found")


# --- update ---------------------------------------------------------------------------------


def patch(api: httpx.Client, uuid: str, body: Any) -> httpx.Response:
    return api.patch(f"/inbound/settings/{uuid}", json=body)


def test_update_status_answers_a_message_and_shows_as_string_and_number(api: httpx.Client) -> None:
    uuid = create(api, FORWARD)["uuid"]
    response = patch(api, uuid, {"status": "disabled"})
    assert response.status_code == 200
    assert response.json() == {"success": True, "message": "domain updated"}
    assert settings(api, uuid)["status"] == "disabled"
    assert api.get("/inbound/domains").json()["result"][0]["status"] == 0
    patch(api, uuid, {"status": "active"})
    assert settings(api, uuid)["status"] == "active"


INVALID_PATCH = [
    ("empty body", {}, "at least one of"),
    ("body a list", ["status"], "JSON object"),
    ("domain", {"domain": "other.example.com"}, "domain cannot be changed"),
    ("unknown field", {"webhook_secret": "whsec_x"}, "unknown field(s): webhook_secret"),
    ("bad status", {"status": "paused"}, "status"),
    ("null status", {"status": None}, "status cannot be null"),
    ("null delivery_type", {"delivery_type": None}, "delivery_type"),
    ("field of another mode", {"smtp_servers": ["mx.e.net:25"]}, "smtp_servers"),
    ("null field of another mode", {"smtp_servers": None}, "smtp_servers"),
    ("null webhook_method", {"webhook_method": None}, "webhook_method cannot be null"),
    ("null webhook_timeout", {"webhook_timeout": None}, "webhook_timeout"),
    ("bad webhook_timeout", {"webhook_timeout": -5}, "webhook_timeout"),
    ("switch to smtp without servers", {"delivery_type": "smtp"}, "smtp_servers is required"),
    (
        "switch to forward with a webhook field",
        {"delivery_type": "forward", "webhook_method": "PUT"},
        "webhook_method",
    ),
    ("valid status with invalid field", {"status": "disabled", "webhook_url": "x"}, "webhook_url"),
]


@pytest.mark.parametrize(
    ("body", "words"),
    [pytest.param(body, words, id=name) for name, body, words in INVALID_PATCH],
)
def test_update_refuses_an_invalid_body_with_400_and_changes_nothing(
    api: httpx.Client, emu: Emulator, body: Any, words: str
) -> None:
    uuid = create(api, WEBHOOK)["uuid"]
    before = emu.domain(uuid)
    assert_refused(patch(api, uuid, body), 400, words)
    assert emu.domain(uuid) == before


def test_update_checks_fields_against_the_new_delivery_type(api: httpx.Client) -> None:
    uuid = create(api, SMTP)["uuid"]
    response = patch(api, uuid, {"delivery_type": "webhook", "smtp_servers": ["mx.e.net:25"]})
    assert_refused(response, 400, "smtp_servers")
    response = patch(api, uuid, {"delivery_type": "webhook", "webhook_url": "https://h.net/in"})
    assert response.status_code == 200


def test_update_switch_to_webhook_needs_a_webhook_url(api: httpx.Client, emu: Emulator) -> None:
    uuid = create(api, SMTP)["uuid"]
    assert_refused(patch(api, uuid, {"delivery_type": "webhook"}), 400, "webhook_url is required")
    response = patch(api, uuid, {"delivery_type": "webhook", "webhook_url": None})
    assert_refused(response, 400, "webhook_url is required")
    assert settings(api, uuid)["delivery_type"] == "smtp"


def test_update_switch_drops_the_old_modes_fields_and_fills_defaults(
    api: httpx.Client, emu: Emulator
) -> None:
    uuid = create(api, SMTP)["uuid"]
    patch(api, uuid, {"delivery_type": "webhook", "webhook_url": "https://h.net/in"})
    result = settings(api, uuid)
    assert result["delivery_type"] == "webhook"
    assert "smtp_servers" not in result
    assert (result["webhook_method"], result["webhook_timeout"], result["webhook_retry_count"]) == (
        "POST",
        30000,
        3,
    )
    stored = emu.domain(uuid)
    assert stored is not None
    assert "smtp_servers" not in stored


def test_update_switch_away_from_webhook_drops_write_only_fields(
    api: httpx.Client, emu: Emulator
) -> None:
    created = create(api, WEBHOOK)
    assert patch(api, created["uuid"], {"delivery_type": "forward"}).status_code == 200
    stored = emu.domain(created["uuid"])
    assert stored is not None
    assert not any(key.startswith("webhook_") and key != "webhook_secret" for key in stored)
    assert stored["webhook_secret"] == created["webhook_secret"]
    assert set(settings(api, created["uuid"])) == {
        "uuid",
        "domain",
        "delivery_type",
        "status",
        *FLAGS,
    }


def test_update_null_clears_webhook_url_and_headers(api: httpx.Client, emu: Emulator) -> None:
    uuid = create(api, WEBHOOK)["uuid"]
    assert patch(api, uuid, {"webhook_headers": None, "webhook_url": None}).status_code == 200
    stored = emu.domain(uuid)
    assert stored is not None
    assert "webhook_headers" not in stored
    assert "webhook_url" not in settings(api, uuid)
    assert stored["webhook_auth_header"] == "Bearer hook-secret"


def test_update_writes_write_only_fields_without_showing_them(
    api: httpx.Client, emu: Emulator
) -> None:
    uuid = create(api, WEBHOOK)["uuid"]
    body = {"webhook_auth_header": "", "webhook_headers": {"X-New": "1"}, "webhook_method": "PUT"}
    assert patch(api, uuid, body).status_code == 200
    stored = emu.domain(uuid)
    assert stored is not None
    assert (stored["webhook_auth_header"], stored["webhook_headers"]) == ("", {"X-New": "1"})
    result = settings(api, uuid)
    assert result["webhook_method"] == "PUT"
    assert not WRITE_ONLY & set(result)


def test_update_replaces_smtp_servers(api: httpx.Client) -> None:
    uuid = create(api, SMTP)["uuid"]
    patch(api, uuid, {"smtp_servers": [{"url": "mx9.example.net:2525", "priority": 5}]})
    assert settings(api, uuid)["smtp_servers"] == [
        {"url": "mx9.example.net:2525", "priority": 5, "tls_enabled": True}
    ]


def test_update_unknown_uuid_is_404(api: httpx.Client) -> None:
    response = patch(api, "00000000-0000-4000-8000-000000000000", {"status": "active"})
    assert_refused(response, 404, "domain not found")


# --- delete -----------------------------------------------------------------------------------


def test_delete_removes_the_domain_and_its_rules(api: httpx.Client, emu: Emulator) -> None:
    uuid = create(api, FORWARD)["uuid"]
    rule = {"localpart": "info", "destination": "me@example.net"}
    assert api.post(f"/inbound/domains/{uuid}/forward-rules", json=rule).status_code == 200
    response = api.request("DELETE", "/inbound/domains", json={"uuid": uuid})
    assert response.status_code == 200
    assert response.json() == {"success": True, "message": "domain deleted"}
    assert_refused(api.get(f"/inbound/settings/{uuid}"), 404)
    assert_refused(api.get(f"/inbound/domains/{uuid}/forward-rules"), 404)
    assert api.get("/inbound/domains").json()["result"] == []
    assert emu.domains() == []


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({}, 400, "uuid is required"),
        (None, 400, "JSON object"),
        ({"uuid": 7}, 400, "uuid must be a string"),
        ({"uuid": "00000000-0000-4000-8000-000000000000"}, 404, "domain not found"),
        ({"uuid": "nope"}, 404, "domain not found"),
    ],
    ids=["no uuid", "no body", "uuid a number", "unknown uuid", "malformed uuid"],
)
def test_delete_refuses_a_bad_or_unknown_uuid(
    api: httpx.Client, emu: Emulator, body: Any, status: int, words: str
) -> None:
    create(api, FORWARD)
    assert_refused(api.request("DELETE", "/inbound/domains", json=body), status, words)
    assert len(emu.domains()) == 1


# --- DNS check --------------------------------------------------------------------------------


def test_check_reports_the_flags_set_out_of_band(api: httpx.Client, emu: Emulator) -> None:
    uuid = create(api, FORWARD)["uuid"]
    response = api.post(f"/inbound/domains/{uuid}/check")
    assert response.json() == {"success": True, "result": dict.fromkeys(FLAGS, 0)}
    emu.set_dns_verified(uuid, mx=True, dkim=True)
    expected = {**dict.fromkeys(FLAGS, 0), "forward_mx_verified": 1, "forward_dkim_verified": 1}
    assert api.post(f"/inbound/domains/{uuid}/check").json()["result"] == expected
    assert {flag: settings(api, uuid)[flag] for flag in FLAGS} == expected


def test_check_unknown_uuid_is_404(api: httpx.Client) -> None:
    response = api.post("/inbound/domains/00000000-0000-4000-8000-000000000000/check")
    assert_refused(response, 404, "domain not found")


def test_set_dns_verified_refuses_an_unknown_flag_or_domain(
    api: httpx.Client, emu: Emulator
) -> None:
    uuid = create(api, FORWARD)["uuid"]
    with pytest.raises(ValueError, match="mx, dkim, spf, dmarc"):
        emu.set_dns_verified(uuid, dns=True)
    with pytest.raises(KeyError):
        emu.set_dns_verified("00000000-0000-4000-8000-000000000000", mx=True)


# --- out-of-band store helpers -------------------------------------------------------------


def test_add_domain_is_seen_by_the_api_and_returns_the_secret(
    api: httpx.Client, emu: Emulator
) -> None:
    added = emu.add_domain(WEBHOOK)
    assert added["webhook_secret"].startswith("whsec_")
    assert added["webhook_auth_header"] == "Bearer hook-secret"
    assert settings(api, added["uuid"])["domain"] == "hook.example.com"
    assert_refused(api.post("/inbound/domains", json=WEBHOOK), 409)
    assert emu.count() == 2  # the helper itself made no request


def test_add_domain_applies_the_create_rules(emu: Emulator) -> None:
    with pytest.raises(ValueError, match="smtp_servers"):
        emu.add_domain({"domain": "e.com", "delivery_type": "smtp"})
    emu.add_domain(FORWARD)
    with pytest.raises(ValueError, match="already exists"):
        emu.add_domain(FORWARD)


def test_patch_domain_is_drift_the_api_shows(api: httpx.Client, emu: Emulator) -> None:
    uuid = create(api, WEBHOOK)["uuid"]
    emu.patch_domain(uuid, {"webhook_url": "https://drifted.example.net/", "status": "disabled"})
    result = settings(api, uuid)
    assert (result["webhook_url"], result["status"]) == ("https://drifted.example.net/", "disabled")
    with pytest.raises(ValueError, match="domain cannot be changed"):
        emu.patch_domain(uuid, {"domain": "other.example.com"})
    with pytest.raises(KeyError):
        emu.patch_domain("00000000-0000-4000-8000-000000000000", {"status": "active"})


def test_remove_domain_makes_the_api_answer_404(api: httpx.Client, emu: Emulator) -> None:
    uuid = create(api, FORWARD)["uuid"]
    emu.remove_domain(uuid)
    assert_refused(api.get(f"/inbound/settings/{uuid}"), 404)
    with pytest.raises(KeyError):
        emu.remove_domain(uuid)


def test_domains_are_deep_copies_with_secret_and_string_status(
    api: httpx.Client, emu: Emulator
) -> None:
    created = create(api, SMTP)
    stored = emu.domains()[0]
    assert stored["webhook_secret"] == created["webhook_secret"]
    assert stored["status"] == "active"
    stored["smtp_servers"][0]["url"] = "evil.example.net:25"
    stored["status"] = "disabled"
    assert emu.domain(created["uuid"]) == emu.domains()[0]
    assert settings(api, created["uuid"])["smtp_servers"][0]["url"] == "mx1.example.net:25"
    assert emu.domain("00000000-0000-4000-8000-000000000000") is None


# --- CLI ----------------------------------------------------------------------------------------


@contextlib.contextmanager
def served_cli(*args: str) -> Iterator[str]:
    """`python -m pulumi_jetemail.emulator --port 0 ARGS` running: its URL; stopped by SIGTERM
    at the end, which must end it cleanly."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pulumi_jetemail.emulator", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    stdout = process.stdout
    assert stdout is not None
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        yield lines.get(timeout=20).strip()
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr


def test_cli_prints_a_url_that_answers_and_stops_on_sigterm() -> None:
    with served_cli("--api-key", "api_cli") as url:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        response = httpx.get(f"{url}/inbound/domains", headers={"Authorization": "Bearer api_cli"})
        assert response.json() == {"success": True, "result": []}
        assert (
            httpx.get(
                f"{url}/inbound/domains", headers={"Authorization": "Bearer api_test"}
            ).status_code
            == 401
        )


def test_cli_refuses_a_non_account_key(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli_main(["--port", "0", "--api-key", "sk_x"])
    assert exited.value.code == 2
    assert "api_" in capsys.readouterr().err


# --- DNS verification plans ------------------------------------------------------------------


def _check(api: httpx.Client, uuid: str) -> dict[str, Any]:
    response = api.post(f"/inbound/domains/{uuid}/check")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["result"]
    return result


def test_records_verify_at_the_planned_check(emu: Emulator, api: httpx.Client) -> None:
    uuid = create(api, FORWARD)["uuid"]
    emu.verify_after(uuid, checks=2, flags=("mx", "spf"))
    assert _check(api, uuid) == dict.fromkeys(FLAGS, 0)
    second = _check(api, uuid)
    assert second == {**dict.fromkeys(FLAGS, 0), FLAGS[0]: 1, FLAGS[2]: 1}
    assert {k: settings(api, uuid)[k] for k in FLAGS} == second  # GET says so too
    emu.set_dns_verified(uuid, mx=False)  # a flag dropped later stays dropped
    assert _check(api, uuid)[FLAGS[0]] == 0


def test_records_verify_at_the_first_check_after_a_delay(emu: Emulator, api: httpx.Client) -> None:
    uuid = create(api, FORWARD)["uuid"]
    emu.verify_after(uuid, seconds=0)
    assert _check(api, uuid) == dict.fromkeys(FLAGS, 1)


def test_a_plan_for_every_new_domain_and_its_mistakes(emu: Emulator, api: httpx.Client) -> None:
    emu.verify_after(checks=1)
    uuid = create(api, FORWARD)["uuid"]
    assert _check(api, uuid) == dict.fromkeys(FLAGS, 1)
    with pytest.raises(ValueError, match="checks=N or seconds=S"):
        emu.verify_after(uuid)
    with pytest.raises(ValueError, match="unknown DNS flag"):
        emu.verify_after(uuid, checks=1, flags=("mxx",))
    with pytest.raises(KeyError):
        emu.verify_after("00000000-0000-4000-8000-000000000000", checks=1)
    emu.reset()  # forgets the plan for new domains
    uuid = create(api, FORWARD)["uuid"]
    assert _check(api, uuid) == dict.fromkeys(FLAGS, 0)


def test_cli_verify_after_checks_reaches_new_domains() -> None:
    with served_cli("--verify-after-checks", "2") as url:
        headers = {"Authorization": "Bearer api_test"}
        with httpx.Client(base_url=url, headers=headers, timeout=5) as api:
            uuid = create(api, FORWARD)["uuid"]
            assert _check(api, uuid) == dict.fromkeys(FLAGS, 0)
            assert _check(api, uuid) == dict.fromkeys(FLAGS, 1)
