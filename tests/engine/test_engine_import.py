"""Taking over a domain that already exists, under the real Pulumi CLI: `pulumi import` cannot
import a Python dynamic resource (what it says is quoted in the README), `InboundDomain.get`
reads one, and `adopt_existing=True` takes it over."""

from __future__ import annotations

from pathlib import Path

from conftest import StackFactory

from pulumi_jetemail.emulator import Emulator

EXISTING = {
    "domain": "existing.example.com",
    "delivery_type": "webhook",
    "webhook_url": "https://hooks.example.com/old",
}


def test_pulumi_import_of_a_dynamic_resource_fails_for_want_of_its_provider(
    stack: StackFactory, emu: Emulator, tmp_path: Path
) -> None:
    domain = emu.add_domain(EXISTING)
    project = tmp_path / "project"
    project.mkdir()
    # `pulumi import` loads the project's language host, so the project is a YAML one (the
    # Python language host is not in the Go module proxy); the engine's import then reads the
    # resource through the same dynamic provider a Python program uses.
    (project / "Pulumi.yaml").write_text("name: adopt\nruntime: yaml\nresources: {}\n")
    s = stack(project)
    run = s.cli(
        "import",
        "pulumi-python:dynamic/jetemail:InboundDomain",
        "existing",
        domain["uuid"],
        "--yes",
        "--generate-code=false",
        check=False,
    )
    assert run.exit_code != 0
    assert "KeyError: '__provider'" in run.output, run.output
    assert " =  pulumi-python:dynamic/jetemail:InboundDomain existing import" in run.stdout
    assert [d["uuid"] for d in emu.domains()] == [domain["uuid"]]  # untouched


def test_get_reads_an_existing_domain_and_destroy_leaves_it(
    stack: StackFactory, emu: Emulator, tmp_path: Path
) -> None:
    domain = emu.add_domain(EXISTING)
    program = tmp_path / "get.py"
    program.write_text(
        "import pulumi\n"
        "from pulumi_jetemail import InboundDomain\n"
        "existing = InboundDomain.get('existing', pulumi.Config().require('uuid'))\n"
        "pulumi.export('url', existing.webhook_url)\n"
    )
    s = stack(program, config={"uuid": domain["uuid"]})
    up = s.up()
    assert "> pulumi-python:dynamic/jetemail:InboundDomain: (read)" in up.stdout
    assert s.outputs()["url"].value == EXISTING["webhook_url"]
    assert s.destroy().exit_code == 0
    assert [d["uuid"] for d in emu.domains()] == [domain["uuid"]]


def test_adopt_existing_takes_a_domain_over_under_the_cli(
    stack: StackFactory, emu: Emulator, tmp_path: Path
) -> None:
    domain = emu.add_domain(EXISTING)
    program = tmp_path / "adopt.py"
    body = (
        "from pulumi_jetemail import InboundDomain\n"
        "import pulumi\n"
        "d = InboundDomain('existing', domain='existing.example.com', delivery_type='webhook',\n"
        "    webhook_url='https://hooks.example.com/new', adopt_existing={adopt})\n"
        "pulumi.export('adopted', d.adopted)\n"
    )
    program.write_text(body.format(adopt=False))
    s = stack(program)
    refused = s.up(check=False)
    assert refused.exit_code != 0
    assert "already exists on this JetEmail account" in refused.stderr
    assert "adopt_existing=True" in refused.stderr
    program.write_text(body.format(adopt=True))
    s.up()
    assert s.outputs()["adopted"].value is True
    (live,) = emu.domains()
    assert (live["uuid"], live["webhook_url"]) == (domain["uuid"], "https://hooks.example.com/new")
    s.preview(expect_no_changes=True)
    s.destroy()
    assert emu.domains() == []
