"""Mistakes in a program, as the real Pulumi CLI shows them: `pulumi preview` fails with one
line per bad property, no traceback, nothing sent, and no secret in anything it prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, StackFactory
from helpers import API_KEY, edited

from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.testing import PulumiStack

AUTH = "Bearer leaked-if-printed-4f2a\n"
HEADER = "header-value-leaked-if-printed-9b1c\r\n"

BAD_PROGRAM = f"""
from pulumi_jetemail import InboundDomain

InboundDomain(
    "support",
    domain="https://example.com/",
    delivery_type="webhook",
    webhook_url="ftp://hooks.example.com",
    webhook_timeout=-5,
    webhook_auth_header={AUTH!r},
    webhook_headers={{"X-Token": {HEADER!r}}},
)
"""


@pytest.mark.smoke
def test_bad_inputs_fail_the_preview_one_line_each_with_no_secret(
    stack: StackFactory, emu: Emulator, tmp_path: Path
) -> None:
    program = tmp_path / "bad.py"
    program.write_text(BAD_PROGRAM)
    s = stack(program)
    run = s.preview(check=False)
    assert run.exit_code != 0
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    named = re.findall(r"resource 'support': property (\w+) value", run.stderr)
    assert sorted(named) == ["domain", "webhook_timeout", "webhook_url"], run.stderr
    # A failure about a secret input names it in its reason: the engine prints the value of
    # the property a failure names, and no value of a secret input is ever printed.
    unnamed = re.findall(r"resource 'support' has a problem: (\w+): ", run.stderr)
    assert sorted(unnamed) == ["webhook_auth_header", "webhook_headers"], run.stderr
    assert len(errors) == len(named) + len(unnamed) + 1  # + "Resource monitor has terminated"
    for prop in named:  # the reason does not say the name again
        assert not re.search(rf"property {prop} value .* has a problem: {prop}\b", run.stderr)
    assert "Traceback" not in run.output
    assert emu.requests == []
    for secret in (AUTH.strip(), HEADER.strip(), API_KEY):
        assert secret not in run.output


def test_a_failed_preview_of_one_resource_sends_nothing_for_the_others(
    stack: StackFactory, emu: Emulator, tmp_path: Path
) -> None:
    program = tmp_path / "two.py"
    program.write_text(
        "from pulumi_jetemail import InboundDomain\n"
        'InboundDomain("good", domain="good.example.com", delivery_type="forward")\n'
        'InboundDomain("bad", domain="bad.example.com", delivery_type="smtp")\n'
    )
    s = stack(program)
    run = s.preview(check=False)
    assert run.exit_code != 0
    assert "resource 'bad': property smtp_servers value {<nil>} has a problem" in run.stderr
    assert "Traceback" not in run.output
    assert emu.requests == []


SETTINGS = [
    ("jetemail:apiUrl", "http://api.jetemail.example", "plain http would send the API key"),
    ("jetemail:requestsPerMinute", "lots", "must be a whole number of requests per minute"),
    ("jetemail:requestTimeout", "0", "must be more than 0 and at most 600 seconds"),
]


@pytest.mark.parametrize(("key", "value", "says"), SETTINGS, ids=[k for k, _, _ in SETTINGS])
def test_a_bad_provider_setting_fails_the_preview_naming_the_config_key(
    stack: StackFactory, emu: Emulator, key: str, value: str, says: str
) -> None:
    s = stack(ROOT / "examples" / "smtp-relay", config={key: value})
    run = s.preview(check=False)
    assert run.exit_code != 0
    assert f"resource 'relay' has a problem: provider settings: {key} " in run.stderr
    assert says in run.stderr
    assert "Traceback" not in run.output
    assert emu.requests == []


def test_a_preview_needs_no_api_key(pulumi_cli: Path, emu: Emulator) -> None:
    with PulumiStack(
        ROOT / "examples" / "smtp-relay", cli=pulumi_cli, config={"jetemail:apiUrl": emu.url}
    ) as s:
        assert s.preview().changes == {"create": 2}
        failed = s.up(check=False)
        assert "No JetEmail API key is set" in failed.stderr
    assert emu.requests == []


def test_leaving_forward_mode_with_rules_declared_fails_at_up_and_changes_nothing(
    stack: StackFactory, emu: Emulator, tmp_path: Path
) -> None:
    forwarding = ROOT / "examples" / "forwarding"
    s = stack(forwarding)
    s.up()
    (domain,) = emu.domains()
    s.program = edited(
        forwarding / "__main__.py",
        tmp_path / "smtp.py",
        (
            'delivery_type="forward",',
            'delivery_type="smtp",\n    smtp_servers=["mx.example.com:25"],',
        ),
    )
    assert s.preview().changes == {"update": 1, "same": 3}  # a preview cannot see the rules
    failed = s.up(check=False)
    assert failed.exit_code != 0
    assert "from forward to smtp mode: it still has 2 forward rules" in failed.stderr
    assert "Remove the ForwardRule resources of this domain" in failed.stderr
    (live,) = emu.domains()
    assert live["delivery_type"] == "forward"
    assert len(emu.rules(domain["uuid"])) == 2
    s.refresh()  # the rules still refresh and destroy
    s.destroy()
    assert emu.domains() == []


def test_the_same_domain_declared_twice_fails_saying_so(
    stack: StackFactory, emu: Emulator, tmp_path: Path
) -> None:
    program = tmp_path / "twice.py"
    declare = (
        "from pulumi_jetemail import InboundDomain\n"
        'InboundDomain("{name}", domain="{domain}", delivery_type="forward")\n'
    )
    program.write_text(
        declare.format(name="support", domain="example.com")
        + declare.format(name="support-again", domain="Example.com.").split("\n", 1)[1]
    )
    s = stack(program)
    failed = s.up(check=False)
    assert failed.exit_code != 0
    assert "inbound domain example.com is declared twice in this program" in failed.stderr
    assert "adopt_existing=True would make two resources manage one domain" in failed.stderr
    assert len(emu.domains()) == 1
    # Keep the declaration whose create went through (the one the state holds).
    (kept,) = [
        r["urn"].rsplit("::", 1)[1]
        for r in s.state()["deployment"]["resources"]
        if r["type"].endswith("InboundDomain")
    ]
    program.write_text(declare.format(name=kept, domain="example.com"))
    s.up()
    s.preview(expect_no_changes=True)
    assert len(emu.domains()) == 1
    s.destroy()
    assert emu.domains() == []


def test_a_domain_that_exists_elsewhere_is_refused_with_both_cases_explained(
    stack: StackFactory, emu: Emulator, tmp_path: Path
) -> None:
    emu.add_domain({"domain": "example.com", "delivery_type": "forward"})
    program = tmp_path / "once.py"
    program.write_text(
        "from pulumi_jetemail import InboundDomain\n"
        'InboundDomain("support", domain="example.com", delivery_type="forward")\n'
    )
    failed = stack(program).up(check=False)
    assert "If this program declares it twice, keep one declaration" in failed.stderr
    assert "adopt_existing=True would give it two owners" in failed.stderr
    assert len(emu.domains()) == 1


def test_risky_but_legal_webhook_inputs_are_said_out_loud_at_preview(
    stack: StackFactory, emu: Emulator, tmp_path: Path
) -> None:
    program = tmp_path / "risky.py"
    program.write_text(
        "from pulumi_jetemail import InboundDomain\n"
        'InboundDomain("hooks", domain="example.org", delivery_type="webhook",\n'
        '    webhook_url="http://hooks.example.org/in",\n'
        f"    webhook_auth_header={AUTH.strip()!r},\n"
        f'    webhook_headers={{"authorization": {HEADER.strip()!r}}})\n'
    )
    run = stack(program).preview()
    assert run.changes == {"create": 2}
    assert "webhook_url is plain http:// and webhook_auth_header is set" in run.stderr
    assert "webhook_headers has an Authorization header and webhook_auth_header" in run.stderr
    for secret in (AUTH.strip(), HEADER.strip()):
        assert secret not in run.output
    assert emu.requests == []


def test_an_https_webhook_with_an_auth_header_warns_of_nothing(
    stack: StackFactory, tmp_path: Path
) -> None:
    program = tmp_path / "fine.py"
    program.write_text(
        "from pulumi_jetemail import InboundDomain\n"
        'InboundDomain("hooks", domain="example.org", delivery_type="webhook",\n'
        '    webhook_url="https://hooks.example.org/in", webhook_auth_header="Bearer t",\n'
        '    webhook_headers={"X-Team": "mail"})\n'
    )
    run = stack(program).preview()
    assert "webhook_" not in run.stderr
