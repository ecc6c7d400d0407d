"""DNS verification and lookups under the real Pulumi CLI, against the emulator: a deploy that
waits until the records verify, one that times out (the records to publish printed, nothing
kept), the native door's wait shortened by `customTimeouts`, drift after a flag drops, and the
provider functions finding a domain made out of band or failing cleanly."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, StackFactory

from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.testing import PulumiStack

VERIFIED = ROOT / "examples" / "forward-verified"
LOOKUP = ROOT / "examples" / "yaml-lookup"
DYNAMIC = "pulumi-python:dynamic/jetemail:DomainVerification"
NATIVE = "jetemail:index:DomainVerification"

NATIVE_WAIT = """\
name: jetemail-native-wait
runtime: yaml
resources:
  support:
    type: jetemail:index:InboundDomain
    properties:
      domain: native-wait.example.com
      deliveryType: forward
  dns:
    type: jetemail:index:DomainVerification
    properties:
      domainUuid: ${support.id}
      pollSeconds: 1
    options:
      customTimeouts:
        create: 3s
outputs:
  verified: ${dns.verified}
"""


def _checks(emu: Emulator) -> int:
    return sum(1 for r in emu.requests if r.method == "POST" and r.path.endswith("/check"))


def _of_type(s: PulumiStack, token: str) -> list[dict[str, Any]]:
    return [r for r in s.state()["deployment"].get("resources", []) if r["type"] == token]


def test_a_deploy_waits_until_the_records_verify_then_refresh_shows_a_drop(
    stack: StackFactory, emu: Emulator
) -> None:
    emu.verify_after(checks=3)  # every new domain: its records verify at the third check
    s = stack(VERIFIED, config={"domain": "wait.example.com", "pollSeconds": "1"})
    run = s.up()
    outputs = s.outputs()
    assert outputs["verified"].value is True
    assert outputs["verified_at"].value > 0
    assert _checks(emu) == 3
    assert "not verified yet" in run.output  # progress, while it waited
    (domain,) = emu.domains()
    assert len(emu.rules(domain["uuid"])) == 1  # the rule came after the wait
    s.preview(expect_no_changes=True)

    emu.set_dns_verified(domain["uuid"], dkim=False)
    checks = _checks(emu)
    refreshed = s.refresh()
    assert refreshed.changes.get("update") == 1, refreshed.stdout  # the drift, as refresh shows it
    (verification,) = _of_type(s, DYNAMIC)
    assert verification["outputs"]["forward_dkim_verified"] is False
    assert verification["outputs"]["verified"] is False
    assert _checks(emu) == checks  # refresh reads; it asks for no check
    again = s.preview()  # and the next deploy waits again, for what the program wants
    assert again.changes.get("replace") == 1, again.stdout
    assert "records" in again.stdout


def test_a_wait_that_times_out_prints_the_records_and_keeps_nothing(
    stack: StackFactory, emu: Emulator
) -> None:
    s = stack(
        VERIFIED,
        config={"domain": "late.example.com", "pollSeconds": "1", "verifyTimeout": "3"},
    )
    run = s.up(check=False)
    assert run.exit_code != 0
    assert "did not verify in 3 s" in run.output
    assert "DKIM: CNAME je1._domainkey.late.example.com -> inbound.jetsmtp.net" in run.output
    assert "MX: MX late.example.com -> smtp.jetsmtp.net (priority 10)" in run.output
    # The SDK's dynamic provider server sends the engine a traceback; ours is cut to the
    # message and the frames of our provider class, none of the client's internals.
    assert "client.py" not in run.output
    assert "_lifecycle" not in run.output
    assert _of_type(s, DYNAMIC) == []  # nothing in state for the wait
    assert len(emu.domains()) == 1  # the domain itself stays, as created
    assert all(emu.rules(d["uuid"]) == [] for d in emu.domains())  # nor what depended on it


def test_the_native_door_takes_custom_timeouts_for_its_bound(
    stack: StackFactory, emu: Emulator, tmp_path: Path
) -> None:
    (tmp_path / "Pulumi.yaml").write_text(NATIVE_WAIT)
    s = stack(tmp_path)
    started = time.monotonic()
    run = s.up(check=False)
    assert run.exit_code != 0
    assert time.monotonic() - started < 120  # 3 s of waiting, not the default 10 minutes
    assert "did not verify in 3 s" in run.output
    assert "not verified yet; next check in" in run.output  # the engine's log, while it waited
    assert "SPF: TXT native-wait.example.com -> v=spf1 include:inbound-spf.jetsmtp.net -all" in (
        run.output
    )
    assert _of_type(s, NATIVE) == []

    (domain,) = emu.domains()
    emu.verify_after(domain["uuid"], checks=1)
    s.up()
    (verification,) = _of_type(s, NATIVE)
    assert verification["outputs"]["verified"] is True
    assert s.outputs()["verified"].value is True


def test_a_lookup_finds_a_domain_made_out_of_band_and_fails_cleanly_for_none(
    stack: StackFactory, emu: Emulator
) -> None:
    made = emu.add_domain({"domain": "existing.example.com", "delivery_type": "forward"})
    emu.add_rule(made["uuid"], {"localpart": "sales", "destination": "team@example.net"})
    s = stack(LOOKUP)
    s.up()
    outputs = s.outputs()
    assert outputs["uuid"].value == made["uuid"]
    assert outputs["deliveryType"].value == "forward"
    assert outputs["dnsRecords"].value[0]["name"] == "existing.example.com"
    assert [r["localpart"] for r in outputs["rules"].value] == ["sales"]

    s.set_config("domain", "missing.example.com")
    run = s.preview(check=False)
    assert run.exit_code != 0
    assert "no inbound domain missing.example.com on this JetEmail account" in run.output
    assert "existing.example.com" in run.output  # what the account does have
    assert "Traceback" not in run.output


@pytest.mark.parametrize("door", ["dynamic", "native"])
def test_a_preview_of_a_wait_sends_nothing(
    door: str, stack: StackFactory, emu: Emulator, tmp_path: Path
) -> None:
    if door == "native":
        (tmp_path / "Pulumi.yaml").write_text(NATIVE_WAIT)
        s = stack(tmp_path)
    else:
        s = stack(VERIFIED, config={"domain": "preview.example.com"})
    preview = s.preview()
    assert preview.changes.get("create", 0) >= 2
    assert emu.requests == []
