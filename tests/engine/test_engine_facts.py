"""Facts about how the real Pulumi engine drives the dynamic provider, each checked under the
CLI: the README and the provider's design rely on them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, StackFactory
from helpers import edited

from pulumi_jetemail.emulator import Emulator

FORWARDING = ROOT / "examples" / "forwarding"
SMTP = ROOT / "examples" / "smtp-relay"


def test_refresh_and_destroy_use_the_key_saved_at_the_last_up(
    stack: StackFactory, emu: Emulator
) -> None:
    s = stack(SMTP)
    s.up()
    # A rotated key in stack config reaches neither refresh nor destroy: both configure the
    # provider from the config saved in state at the last `up`.
    s.set_config("jetemail:apiKey", "api_rotated_but_not_deployed", secret=True)
    assert s.refresh().exit_code == 0
    assert emu.count("GET", "/inbound/settings/*") == 1  # read with the old, valid key
    assert s.destroy().changes == {"delete": 2}
    assert emu.domains() == []


def test_a_new_key_reaches_the_provider_at_the_next_up(stack: StackFactory, emu: Emulator) -> None:
    s = stack(SMTP)
    s.up()
    s.set_config("jetemail:apiKey", "api_wrong", secret=True)
    s.set_config("domain", "other.example.com")  # something for up to do
    failed = s.up(check=False)
    assert failed.exit_code != 0
    assert "401" in failed.stderr
    assert "api_wrong" not in failed.output


def test_rules_wired_with_domain_id_preview_unchanged_while_the_domain_updates_in_place(
    stack: StackFactory, emu: Emulator, tmp_path: Path
) -> None:
    s = stack(FORWARDING)
    s.up()
    s.program = edited(
        FORWARDING / "__main__.py",
        tmp_path / "disabled.py",
        ('delivery_type="forward",', 'delivery_type="forward",\n    enabled=False,'),
        (
            'pulumi.export("uuid", domain.uuid)',
            'pulumi.export("domain_uuid_seen", domain.uuid.apply(lambda _: "known"))\n'
            'pulumi.export("domain_id_seen", domain.id.apply(lambda _: "known"))\n'
            'pulumi.export("rule_uuid_seen", sales.uuid.apply(lambda _: "known"))',
        ),
    )
    preview = s.preview()
    # The domain's `id` stays known in the preview of its update (its other outputs, `uuid`
    # among them, do not), so the rules wired to it are unchanged.
    assert preview.changes == {"update": 1, "same": 3}, preview.stdout
    assert re.search(r"domain_uuid_seen: \[unknown\]", preview.stdout), preview.stdout
    assert re.search(r'domain_id_seen\s*: "known"', preview.stdout), preview.stdout
    assert re.search(r'rule_uuid_seen\s*: "known"', preview.stdout), preview.stdout
    s.up()
    (domain,) = emu.domains()
    assert domain["status"] == "disabled"
    s.destroy()


def _integer_outputs() -> None:
    import pulumi

    from pulumi_jetemail import ForwardRule, InboundDomain

    hook = InboundDomain(
        "hook",
        domain="ints.example.org",
        delivery_type="webhook",
        webhook_url="https://hooks.example.org/inbound",
    )
    fwd = InboundDomain("fwd", domain="ints.example.net", delivery_type="forward")
    rule = ForwardRule("rule", domain_uuid=fwd.id, localpart="a", destination="b@example.com")
    pulumi.export("mx", fwd.dns_records.apply(lambda r: f"{r[0]['priority']} {r[0]['value']}"))
    pulumi.export(
        "kinds",
        pulumi.Output.all(
            fwd.dns_records, hook.webhook_timeout, hook.webhook_retry_count, rule.created_at
        ).apply(lambda v: [type(v[0][0]["priority"]).__name__, *(type(x).__name__ for x in v[1:])]),
    )


@pytest.mark.smoke
def test_integer_outputs_reach_the_program_as_int(stack: StackFactory, emu: Emulator) -> None:
    s = stack(_integer_outputs)
    s.up()
    outputs = s.outputs()
    assert outputs["mx"].value == "10 smtp.jetsmtp.net"  # a valid MX value, not "10.0 ..."
    assert outputs["kinds"].value == ["int", "int", "int", "int"]


SOURCE_PROGRAM = """\
import pulumi
import pulumi_jetemail
from pulumi_jetemail import native

hook = pulumi_jetemail.InboundDomain("hook", domain="hook.example.com", delivery_type="webhook", webhook_url="https://h.example.com/in")
fwd = pulumi_jetemail.InboundDomain("fwd", domain="fwd.example.com", delivery_type="forward")
rule = pulumi_jetemail.ForwardRule("rule", domain_uuid=fwd.id, localpart="a", destination="a@b.net")
nat = native.InboundDomain("nat", domain="nat.example.com", delivery_type="forward")
seen = pulumi_jetemail.InboundDomain.get("seen", pulumi.Config().require("seen"))
"""


def test_each_resource_records_the_program_line_that_declared_it(
    stack: StackFactory, emu: Emulator, tmp_path: Path
) -> None:
    program = tmp_path / "__main__.py"
    program.write_text(SOURCE_PROGRAM, encoding="utf-8")
    lines = {
        name: number
        for number, text in enumerate(SOURCE_PROGRAM.splitlines(), start=1)
        for name in ("hook", "fwd", "rule", "nat", "seen")
        if text.startswith(f"{name} = ")
    }
    existing = emu.add_domain({"domain": "seen.example.com", "delivery_type": "forward"})
    s = stack(program, config={"seen": existing["uuid"]})
    s.up()
    resources = {r["urn"].rsplit("::", 1)[1]: r for r in s.state()["deployment"]["resources"]}
    # What `pulumi stack export` (and Pulumi Cloud's "defined at") shows: the user's line,
    # not the library's registration code; a lookup (`get`) names it just under `get`.
    for name in ("hook", "fwd", "rule", "nat"):
        assert resources[name]["sourcePosition"].endswith(f"__main__.py#{lines[name]}"), name
    frames = [f.get("sourcePosition", "") for f in resources["seen"]["stackTrace"]]
    assert frames[1].endswith(f"__main__.py#{lines['seen']}"), frames[:3]
    assert "pulumi_jetemail" not in resources["hook"]["stackTrace"][0]["sourcePosition"]
