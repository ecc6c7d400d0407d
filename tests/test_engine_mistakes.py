"""Mistakes in a program, as the real Pulumi CLI shows them: `pulumi preview` fails with one
line per bad property, no traceback, nothing sent, and no secret in anything it prints."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import StackFactory
from helpers import API_KEY

from pulumi_jetemail.emulator import Emulator

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
    assert sorted(named) == sorted(
        ["domain", "webhook_url", "webhook_timeout", "webhook_auth_header", "webhook_headers"]
    ), run.stderr
    assert len(errors) == len(named) + 1  # and the engine's own "Resource monitor has terminated"
    assert "Traceback" not in run.output
    assert emu.requests == []
    for secret in (AUTH.strip(), HEADER.strip(), API_KEY):
        assert secret not in run.output
    # The engine prints a failing property's program value; a secret one as [secret].
    assert "property webhook_auth_header value {[secret]}" in run.stderr


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
