"""Every example project, and the quickstart stack at the repository root, run as a user runs
them: preview, up, a preview that shows no changes (and a refresh that finds no drift),
destroy; against the emulator, through the real provider process (`OfflineStack`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import API_KEY
from pulumi.output import Unknown

from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.testing import OfflineStack, ProviderServer, RunResult

ROOT = Path(__file__).resolve().parent.parent
HOOK_AUTH = "Bearer example-receiver-token"


@pytest.fixture(autouse=True)
def fresh_account(emulator: Emulator) -> None:
    emulator.reset()


def deploy(
    project: Path,
    emulator: Emulator,
    provider: ProviderServer,
    live: Callable[[RunResult], None] = lambda up: None,
) -> tuple[RunResult, RunResult]:
    """preview → up → preview → destroy, checking what a user would notice at each step.

    ``live`` inspects the emulator right after ``up``; the preview and up results come back.
    """
    with OfflineStack(
        project,
        config={"jetemail:apiUrl": emulator.url},
        secrets={"jetemail:apiKey": API_KEY, "hookAuth": HOOK_AUTH},
        server=provider,
    ) as stack:
        preview = stack.preview()
        assert {step.op for step in preview.steps} == {"create"}
        assert emulator.requests == []  # a preview sends nothing to the API
        up = stack.up()
        assert up.summary == preview.summary
        assert len(emulator.domains()) == 1
        live(up)
        again = stack.preview()
        assert not again.changed, again.render()
        assert "(no changes)" in again.render()
        refreshed = stack.refresh()
        assert not refreshed.changed, refreshed.render()  # what was deployed reads back as is
        destroyed = stack.destroy()
        assert {step.op for step in destroyed.steps} == {"delete"}
        assert emulator.domains() == []
        return preview, up


def test_quickstart_stack_deploys_a_webhook_domain_with_a_secret(
    emulator: Emulator, provider: ProviderServer
) -> None:
    def live(up: RunResult) -> None:
        (domain,) = emulator.domains()
        assert domain["domain"] == "example.com"  # Pulumi.yaml's config default
        assert domain["webhook_auth_header"] == HOOK_AUTH  # from the secret stack config
        assert up.outputs["uuid"].value == domain["uuid"]
        assert up.outputs["webhook_secret"].secret
        assert up.outputs["webhook_secret"].value == domain["webhook_secret"]
        assert domain["webhook_secret"] not in up.render()

    preview, up = deploy(ROOT, emulator, provider, live)
    assert isinstance(preview.outputs["uuid"].value, Unknown)
    assert "webhook_auth_header: [secret]" in up.render()
    assert HOOK_AUTH not in up.render()


def test_smtp_relay_example(emulator: Emulator, provider: ProviderServer) -> None:
    def live(up: RunResult) -> None:
        (domain,) = emulator.domains()
        assert [s["url"] for s in domain["smtp_servers"]] == [
            "mx1.example.com:25",
            "mx2.example.com:2525",
        ]

    _, up = deploy(ROOT / "examples" / "smtp-relay", emulator, provider, live)
    assert up.outputs["status"].value == "active"
    assert up.outputs["mx_record"].value["type"] == "MX"


def test_webhook_example_exports_its_signing_secret_as_a_secret(
    emulator: Emulator, provider: ProviderServer
) -> None:
    def live(up: RunResult) -> None:
        (domain,) = emulator.domains()
        assert (domain["webhook_method"], domain["webhook_timeout"]) == ("PUT", 10000)
        assert up.outputs["webhook_secret"].value == domain["webhook_secret"]

    _, up = deploy(ROOT / "examples" / "webhook", emulator, provider, live)
    assert up.outputs["webhook_secret"].secret
    assert "webhook_secret: [secret]" in up.render()


def test_forwarding_example_creates_both_rules_and_the_four_dns_records(
    emulator: Emulator, provider: ProviderServer
) -> None:
    def live(up: RunResult) -> None:
        (domain,) = emulator.domains()
        rules = {r["localpart"]: r["destination"] for r in emulator.rules(domain["uuid"])}
        assert rules == {"sales": "sales-team@example.net", "*": "inbox@example.net"}
        assert set(up.outputs["rules"].value) == {"sales", "catch_all"}

    preview, up = deploy(ROOT / "examples" / "forwarding", emulator, provider, live)
    assert isinstance(preview.outputs["rules"].value["catch_all"], Unknown)
    records = up.outputs["dns_records"].value
    assert [(r["type"], r["name"]) for r in records] == [
        ("MX", "forward.example.com"),
        ("CNAME", "je1._domainkey.forward.example.com"),
        ("TXT", "forward.example.com"),
        ("TXT", "_dmarc.forward.example.com"),
    ]
    assert up.outputs["verified"].value is False
