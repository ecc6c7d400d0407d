"""The quickstart stack and every example, under the real Pulumi CLI, against the emulator:
what a user runs and reads, from the first preview to destroy. Assertions are on the CLI's own
text and exit codes, and on what the emulator holds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, StackFactory
from helpers import API_KEY, changed_properties, edited

from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.testing import PulumiStack

HOOK_AUTH = "Bearer example-receiver-token-7c1e"


@dataclass(frozen=True)
class Example:
    """One example project and the edits a user would make to it."""

    project: Path
    mode: str
    edit: tuple[str, str]
    """One field changed in the program..."""
    edited_field: str
    """...and the one property the preview must show changed."""
    drift: dict[str, object]
    """A change made outside Pulumi (PATCH fields)..."""
    drifted_field: str
    """...and the property a refresh shows changed."""
    switch: tuple[tuple[str, str], ...]
    """Edits of the original program that switch the domain to another delivery mode..."""
    switched_to: str

    @property
    def main(self) -> Path:
        return (self.project / "quickstart" if self.project == ROOT else self.project) / (
            "__main__.py"
        )


QUICKSTART = Example(
    ROOT,
    "webhook",
    ('"https://hooks.example.com/inbound"', '"https://hooks.example.com/v2"'),
    "webhook_url",
    {"webhook_timeout": 5000},
    "webhook_timeout",
    (
        (
            'delivery_type="webhook",\n    webhook_url="https://hooks.example.com/inbound",\n'
            '    webhook_auth_header=config.get_secret("hookAuth"),',
            'delivery_type="smtp",\n    smtp_servers=["mx.example.com:25"],',
        ),
    ),
    "smtp",
)
SMTP = Example(
    ROOT / "examples" / "smtp-relay",
    "smtp",
    ('"mx2.example.com:2525"', '"mx3.example.com:2525"'),
    "smtp_servers",
    {"status": "disabled"},
    "enabled",
    (
        (
            'delivery_type="smtp",\n    smtp_servers=[\n'
            '        {"url": "mx1.example.com:25", "priority": 1, "tls_enabled": True},\n'
            '        "mx2.example.com:2525",  # a plain "host:port" string works too\n    ],',
            'delivery_type="webhook",\n    webhook_url="https://hooks.example.com/in",',
        ),
    ),
    "webhook",
)
WEBHOOK = Example(
    ROOT / "examples" / "webhook",
    "webhook",
    ("webhook_timeout=10000", "webhook_timeout=20000"),
    "webhook_timeout",
    {"webhook_method": "POST"},
    "webhook_method",
    (
        (
            'delivery_type="webhook",\n    webhook_url="https://api.example.com/inbound-mail",\n'
            '    webhook_method="PUT",\n    webhook_timeout=10000,\n    webhook_retry_count=5,\n'
            '    webhook_headers={"X-Source": "jetemail"},\n'
            '    webhook_auth_header=config.get_secret("hookAuth") or "Bearer change-me",',
            'delivery_type="forward",',
        ),
    ),
    "forward",
)


def open_example(stack: StackFactory, example: Example) -> PulumiStack:
    return stack(example.project, secrets={"hookAuth": HOOK_AUTH})


@pytest.mark.slow
@pytest.mark.parametrize(
    "example", [QUICKSTART, SMTP, WEBHOOK], ids=["quickstart", "smtp", "webhook"]
)
def test_example_lifecycle_under_the_cli(
    stack: StackFactory, emu: Emulator, example: Example, tmp_path: Path
) -> None:
    """Each delivery mode's walk: its own edit, its own drift, its own mode switch."""
    s = open_example(stack, example)

    preview = s.preview()
    assert preview.changes == {"create": 2}
    assert "+ 2 to create" in preview.stdout
    assert emu.requests == []  # a preview sends nothing to the API

    up = s.up()
    assert up.changes == {"create": 2}
    (domain,) = emu.domains()
    assert domain["delivery_type"] == example.mode
    assert s.preview(expect_no_changes=True).changes == {"same": 2}

    # One field edited: the diff shows that field and nothing else.
    s.program = edited(example.main, tmp_path / "edited.py", example.edit)
    diff = s.preview()
    assert diff.changes == {"update": 1, "same": 1}
    assert changed_properties(diff.stdout) == {example.edited_field}, diff.stdout
    s.up()

    # A change made outside Pulumi shows at refresh, and the next preview puts it back.
    emu.patch_domain(domain["uuid"], example.drift)
    refreshed = s.refresh()
    assert refreshed.changes.get("update") == 1, refreshed.stdout
    assert f"[diff: ~{example.drifted_field}]" in refreshed.stdout, refreshed.stdout
    back = s.preview()
    assert changed_properties(back.stdout) == {example.drifted_field}, back.stdout

    # A mode switch updates in place (and puts the drifted field back with it).
    s.program = edited(example.main, tmp_path / "switched.py", *example.switch)
    switch = s.preview()
    assert switch.changes == {"update": 1, "same": 1}, switch.stdout
    assert "delivery_type" in changed_properties(switch.stdout)
    s.up()
    (live,) = emu.domains()
    assert (live["uuid"], live["delivery_type"]) == (domain["uuid"], example.switched_to)
    s.preview(expect_no_changes=True)

    destroyed = s.destroy()
    assert destroyed.changes == {"delete": 2}
    assert emu.domains() == []


def test_previews_without_diff_name_the_field_and_a_rename_replaces(
    stack: StackFactory, emu: Emulator, tmp_path: Path
) -> None:
    """What is the same in every mode, once, on the quickstart: the summary line of a
    preview without --diff, and a new domain name previewed and applied as a replacement."""
    s = open_example(stack, QUICKSTART)
    s.up()
    (domain,) = emu.domains()
    s.program = edited(QUICKSTART.main, tmp_path / "edited.py", QUICKSTART.edit)
    assert f"[diff: ~{QUICKSTART.edited_field}]" in s.preview(diff=False).stdout

    # A new domain name is a replacement, shown as one because of `domain`.
    s.set_config("domain", "renamed.example.org")
    replace = s.preview()
    assert replace.changes == {"replace": 1, "same": 1}, replace.stdout
    assert "~ domain" in replace.stdout
    assert "+-pulumi-python:dynamic/jetemail:InboundDomain: (replace)" in replace.stdout
    assert "[diff: ~domain,webhook_url]" in s.preview(diff=False).stdout
    s.up()
    (renamed,) = emu.domains()
    assert renamed["domain"] == "renamed.example.org"
    assert renamed["uuid"] != domain["uuid"]
    assert renamed["webhook_url"] == "https://hooks.example.com/v2"

    assert s.destroy().changes == {"delete": 2}
    assert emu.domains() == []


@pytest.mark.smoke
def test_stack_outputs_are_masked_and_state_holds_no_plain_secret(
    stack: StackFactory, emu: Emulator
) -> None:
    s = open_example(stack, WEBHOOK)
    up = s.up()
    (domain,) = emu.domains()
    secret = domain["webhook_secret"]
    assert secret.startswith("whsec_")

    masked = s.cli("stack", "output")
    assert "webhook_secret  [secret]" in masked.stdout
    assert secret not in masked.output
    plain = s.cli("stack", "output", "webhook_secret", "--show-secrets")
    assert plain.stdout.strip() == secret
    assert s.outputs()["webhook_secret"].secret

    state = s.cli("stack", "export").stdout
    for plaintext in (API_KEY, secret, HOOK_AUTH, '"X-Source"'):
        assert plaintext not in state
    resources = json.loads(state)["deployment"]["resources"]
    (resource,) = [r for r in resources if r["type"].endswith("InboundDomain")]
    for key in ("webhook_secret", "webhook_auth_header", "webhook_headers"):
        assert resource["outputs"][key]["4dabf18193072939515e22adb298388d"] == (
            "1b47061264138c4ac30d75fd1eb44270"
        ), key  # Pulumi's secret signature: the value is ciphertext
    for key in ("webhook_auth_header", "webhook_headers"):
        assert "ciphertext" in resource["inputs"][key], key
    for text in (up.output, masked.output):
        assert secret not in text
        assert HOOK_AUTH not in text
        assert API_KEY not in text
    s.destroy()


FORWARDING = ROOT / "examples" / "forwarding"


@pytest.mark.slow
def test_forwarding_example_under_the_cli(
    stack: StackFactory, emu: Emulator, tmp_path: Path
) -> None:
    s = stack(FORWARDING)
    preview = s.preview()
    assert preview.changes == {"create": 4}
    # Rules wired to a domain created in the same deploy preview with its uuid unknown.
    assert preview.stdout.count("domain_uuid: [unknown]") == 2, preview.stdout
    s.up()
    (domain,) = emu.domains()
    rules = {r["localpart"]: r for r in emu.rules(domain["uuid"])}
    assert {k: r["destination"] for k, r in rules.items()} == {
        "sales": "sales-team@example.net",
        "*": "inbox@example.net",
    }
    s.preview(expect_no_changes=True)

    # A rule's destination edited: that field and nothing else.
    main = FORWARDING / "__main__.py"
    edit = ('"sales-team@example.net"', '"sales@example.org"')
    s.program = edited(main, tmp_path / "edited.py", edit)
    diff = s.preview()
    assert diff.changes == {"update": 1, "same": 3}
    assert changed_properties(diff.stdout) == {"destination"}, diff.stdout
    s.up()
    assert {r["destination"] for r in emu.rules(domain["uuid"])} == {
        "sales@example.org",
        "inbox@example.net",
    }

    # The owner of a destination confirms it: refresh records the rule's `verified` (an
    # output only: the CLI counts the rule as unchanged, as its inputs did not change).
    emu.set_rule_verified(domain["uuid"], rules["*"]["uuid"])
    assert s.refresh().changes == {"same": 4}
    assert rule_outputs(s, "catch-all")["verified"] is True
    assert rule_outputs(s, "sales")["verified"] is False
    s.preview(expect_no_changes=True)

    # A new domain name replaces the domain; its rules preview as updates (their domain_uuid
    # unknown until the new domain exists) and are replaced under it at up.
    s.set_config("domain", "other.example.org")
    replace = s.preview()
    assert replace.changes == {"replace": 1, "update": 2, "same": 1}, replace.stdout
    assert replace.stdout.count("~ domain_uuid: ") == 2
    up = s.up()
    assert up.changes == {"replace": 3, "same": 1}, up.stdout
    (renamed,) = emu.domains()
    assert renamed["domain"] == "other.example.org"
    assert {r["localpart"] for r in emu.rules(renamed["uuid"])} == {"sales", "*"}
    s.preview(expect_no_changes=True)

    # Out of forward mode in two deploys: the rules go first, then the domain switches.
    without_rules = tmp_path / "without_rules.py"
    text = (tmp_path / "edited.py").read_text()
    text = text[: text.index("sales = ForwardRule(")] + ('pulumi.export("uuid", domain.uuid)\n')
    without_rules.write_text(text)
    s.program = without_rules
    assert s.up().changes == {"delete": 2, "same": 2}
    assert emu.rules(renamed["uuid"]) == []
    s.program = edited(
        without_rules,
        tmp_path / "smtp.py",
        (
            'delivery_type="forward",',
            'delivery_type="smtp",\n    smtp_servers=["mx.example.com:25"],',
        ),
    )
    assert s.up().changes == {"update": 1, "same": 1}
    (switched,) = emu.domains()
    assert (switched["uuid"], switched["delivery_type"]) == (renamed["uuid"], "smtp")

    assert s.destroy().changes == {"delete": 2}
    assert emu.domains() == []


def rule_outputs(s: PulumiStack, name: str) -> dict[str, object]:
    """A ForwardRule's outputs in the stack's state."""
    resources = s.state()["deployment"]["resources"]
    (rule,) = [r for r in resources if r["urn"].endswith(f"ForwardRule::{name}")]
    return dict(rule["outputs"])
