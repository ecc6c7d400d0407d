"""The pure parts of the InboundDomain provider: diff, the PATCH bodies, the state."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown

from pulumi_jetemail.inbound_domain import InboundDomainProvider
from pulumi_jetemail.resources.inbound_domain import INBOUND_DOMAIN
from pulumi_jetemail.resources.inbound_domain.lifecycle import DomainLifecycle

DOMAIN = DomainLifecycle(INBOUND_DOMAIN)

create_body, declared_body, update_body = (
    DOMAIN.create_body,
    DOMAIN.declared_body,
    DOMAIN.update_body,
)
state_of = DOMAIN.state_of

UUID = "550e8400-e29b-41d4-a716-446655440000"
WEBHOOK = {
    "domain": "example.com",
    "delivery_type": "webhook",
    "webhook_url": "https://hooks.example.com/inbound",
    "webhook_method": "POST",
    "webhook_timeout": 30000,
    "webhook_retry_count": 3,
    "webhook_headers": {"X-Team": "mail"},
    "webhook_auth_header": "Bearer hook-token",
    "enabled": True,
    "adopt_existing": False,
}
SMTP = {
    "domain": "example.com",
    "delivery_type": "smtp",
    "smtp_servers": ["mx.example.com:25"],
    "enabled": True,
    "adopt_existing": False,
}
FORWARD = {
    "domain": "example.com",
    "delivery_type": "forward",
    "enabled": True,
    "adopt_existing": False,
}


def diff(olds: dict[str, Any], news: dict[str, Any]) -> tuple[bool | None, list[str]]:
    result = InboundDomainProvider().diff(UUID, olds, news)
    return result.changes, list(result.replaces or [])


@pytest.mark.parametrize(
    ("case", "olds", "news", "changes", "replaces"),
    [
        ("same inputs show no change", WEBHOOK, WEBHOOK, False, []),
        (
            "a float from the wire equals the int",
            {**WEBHOOK, "webhook_timeout": 30000.0},
            WEBHOOK,
            False,
            [],
        ),
        ("a new domain replaces", WEBHOOK, {**WEBHOOK, "domain": "example.org"}, True, ["domain"]),
        ("an unknown domain replaces", WEBHOOK, {**WEBHOOK, "domain": Unknown()}, True, ["domain"]),
        (
            "a new URL updates in place",
            WEBHOOK,
            {**WEBHOOK, "webhook_url": "https://b.example/"},
            True,
            [],
        ),
        ("a mode switch updates in place", WEBHOOK, SMTP, True, []),
        ("disabling updates in place", FORWARD, {**FORWARD, "enabled": False}, True, []),
        (
            "adopt_existing alone changes nothing",
            FORWARD,
            {**FORWARD, "adopt_existing": True},
            False,
            [],
        ),
        (
            "a server string equals its object",
            SMTP,
            {**SMTP, "smtp_servers": [{"url": "mx.example.com:25"}]},
            False,
            [],
        ),
        ("an unknown server list is a change", SMTP, {**SMTP, "smtp_servers": Unknown()}, True, []),
        (
            "a removed header map is a change",
            WEBHOOK,
            {**WEBHOOK, "webhook_headers": None},
            True,
            [],
        ),
        (
            "outputs in olds do not count",
            {**FORWARD, "uuid": UUID, "status": "active"},
            FORWARD,
            False,
            [],
        ),
    ],
)
def test_diff(
    case: str, olds: dict[str, Any], news: dict[str, Any], changes: bool, replaces: list[str]
) -> None:
    assert diff(olds, news) == (changes, replaces), case


def test_create_body_sends_only_documented_fields_of_the_mode() -> None:
    body = create_body({**SMTP, "adopt_existing": True, "enabled": False})
    assert body == {
        "domain": "example.com",
        "delivery_type": "smtp",
        "smtp_servers": ["mx.example.com:25"],
    }


@pytest.mark.parametrize(
    ("case", "olds", "news", "body"),
    [
        ("nothing changed sends nothing", WEBHOOK, WEBHOOK, {}),
        (
            "a new URL sends only the URL",
            WEBHOOK,
            {**WEBHOOK, "webhook_url": "https://b.example/"},
            {"webhook_url": "https://b.example/"},
        ),
        (
            "disabling sends the status",
            FORWARD,
            {**FORWARD, "enabled": False},
            {"status": "disabled"},
        ),
        (
            "removed headers are cleared with null",
            WEBHOOK,
            {**WEBHOOK, "webhook_headers": None},
            {"webhook_headers": None},
        ),
        (
            "a removed auth header is cleared with an empty string",
            WEBHOOK,
            {**WEBHOOK, "webhook_auth_header": None},
            {"webhook_auth_header": ""},
        ),
        (
            "a removed method is reset to its default",
            {**WEBHOOK, "webhook_method": "PUT"},
            {**WEBHOOK, "webhook_method": None},
            {"webhook_method": "POST"},
        ),
        (
            "a switch to smtp sends the type and the servers only",
            WEBHOOK,
            SMTP,
            {"delivery_type": "smtp", "smtp_servers": ["mx.example.com:25"]},
        ),
        ("a switch to forward sends the type only", SMTP, FORWARD, {"delivery_type": "forward"}),
        (
            "a switch to webhook sends the webhook fields",
            FORWARD,
            WEBHOOK,
            {k: v for k, v in WEBHOOK.items() if k.startswith("webhook_") or k == "delivery_type"},
        ),
        (
            "servers equal by meaning send nothing",
            SMTP,
            {**SMTP, "smtp_servers": [{"url": "mx.example.com:25"}]},
            {},
        ),
        (
            "a new server list is sent whole",
            SMTP,
            {**SMTP, "smtp_servers": ["a.b:25", "c.d:25"]},
            {"smtp_servers": ["a.b:25", "c.d:25"]},
        ),
    ],
)
def test_update_body(
    case: str, olds: dict[str, Any], news: dict[str, Any], body: dict[str, Any]
) -> None:
    assert update_body(olds, news) == body, case


def test_declared_body_clears_what_the_program_does_not_set() -> None:
    body = declared_body(
        {**WEBHOOK, "webhook_headers": None, "webhook_auth_header": None, "enabled": False}
    )
    assert body["status"] == "disabled"
    assert body["webhook_headers"] is None
    assert body["webhook_auth_header"] == ""
    assert "smtp_servers" not in body


def answer(**fields: Any) -> dict[str, Any]:
    """An answer of `GET /inbound/settings/{uuid}`."""
    base = {"uuid": UUID, "domain": "example.com", "delivery_type": "forward", "status": "active"}
    return {**base, **fields}


def test_state_keeps_write_only_fields_and_the_secret_from_prior() -> None:
    live = answer(
        delivery_type="webhook",
        webhook_url="https://hooks.example.com/inbound",
        webhook_method="post",
        webhook_timeout=30000,
        webhook_retry_count=3,
    )
    state = state_of(live, {**WEBHOOK, "webhook_secret": "whsec_abc"})
    assert state["webhook_headers"] == {"X-Team": "mail"}
    assert state["webhook_auth_header"] == "Bearer hook-token"
    assert state["webhook_secret"] == "whsec_abc"
    assert state["webhook_method"] == "POST"


def test_state_shows_drift_of_the_mode() -> None:
    live = answer(
        delivery_type="smtp",
        smtp_servers=[{"url": "other.example:25", "priority": 1, "tls_enabled": True}],
    )
    state = state_of(live, WEBHOOK)
    assert state["delivery_type"] == "smtp"
    assert state["smtp_servers"] == [
        {"url": "other.example:25", "priority": 1, "tls_enabled": True}
    ]
    assert not any(key.startswith("webhook_") and key != "webhook_secret" for key in state)


def test_state_keeps_the_users_form_of_servers_when_it_means_the_same() -> None:
    live = answer(
        delivery_type="smtp",
        smtp_servers=[{"url": "mx.example.com:25", "priority": 10, "tls_enabled": True}],
    )
    assert state_of(live, SMTP)["smtp_servers"] == ["mx.example.com:25"]


def test_state_reports_status_and_flags() -> None:
    state = state_of(answer(status=0, forward_mx_verified=1), FORWARD)
    assert (state["enabled"], state["status"]) == (False, "disabled")
    assert state["forward_mx_verified"] is True
    assert len(state["dns_records"]) == 4


def test_provider_instance_pickles_without_state() -> None:
    from pulumi.dynamic.dynamic import serialize_provider

    from pulumi_jetemail.inbound_domain import InboundDomain

    _PROVIDER = InboundDomain.PROVIDER

    assert vars(_PROVIDER) == {}
    assert len(serialize_provider(_PROVIDER)) <= 128
