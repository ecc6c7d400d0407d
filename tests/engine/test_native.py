"""The native provider (`pulumi-resource-jetemail`) under the real Pulumi CLI, against the
emulator: a YAML program and a Python program go through preview, up, a quiet preview, an
edit with an exact diff, import, refresh and destroy; two explicit providers manage two
accounts; the plugin installed the two ways the README gives."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, StackFactory
from helpers import API_KEY

import pulumi_jetemail
from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.testing import PulumiStack
from pulumi_jetemail.testing._stack import UNKNOWN

YAML_EXAMPLE = ROOT / "examples" / "yaml-native"
TOKEN = "jetemail:index:InboundDomain"
RULE_TOKEN = "jetemail:index:ForwardRule"
AMBIENT = "using pulumi-resource-jetemail from $PATH"


def _edit(s: PulumiStack, old: str, new: str) -> None:
    """Edit the copied YAML project, as a user edits Pulumi.yaml."""
    path = s.work_dir / "Pulumi.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def _resources(s: PulumiStack, token: str) -> list[dict[str, Any]]:
    resources = s.state()["deployment"].get("resources", [])
    return [r for r in resources if r["type"] == token]


# ------------------------------------------------------------------------ YAML program


@pytest.mark.slow
def test_a_yaml_program_goes_through_the_whole_lifecycle(
    stack: StackFactory, emu: Emulator
) -> None:
    s = stack(YAML_EXAMPLE)

    preview = s.preview()
    assert preview.changes == {"create": 3}
    assert f"+ {TOKEN}: (create)" in preview.stdout
    assert emu.domains() == []  # a preview sends nothing

    s.up()
    (domain,) = emu.domains()
    assert len(emu.rules(domain["uuid"])) == 1
    outputs = s.outputs()
    assert outputs["uuid"].value == domain["uuid"]
    assert outputs["dnsRecords"].value[0] == {
        "type": "MX",
        "name": "yaml.example.com",
        "value": "smtp.jetsmtp.net",
        "priority": 10,
    }
    state = json.dumps(s.state())
    assert domain["webhook_secret"] not in state  # secret by the schema
    assert API_KEY not in state
    s.preview(expect_no_changes=True)

    # An edit: the diff shows that one field, nothing unknown, nothing else.
    _edit(s, "destination: team@example.net", "destination: other@example.net")
    edited = s.preview()
    assert edited.changes == {"update": 1, "same": 2}
    assert '~ destination: "team@example.net" => "other@example.net"' in edited.stdout
    assert "[unknown]" not in edited.stdout
    body = edited.stdout.split(f"{RULE_TOKEN}: (update)")[1].split("Resources:")[0]
    marks = [line.strip()[0] for line in body.splitlines() if line.strip()]
    assert [m for m in marks if m in "~+-"] == ["~"]
    s.up()
    assert emu.rules(domain["uuid"])[0]["destination"] == "other@example.net"

    # A change of domain is a replacement, and the diff says which property causes it.
    _edit(s, "default: yaml.example.com", "default: yaml2.example.com")
    replaced = s.preview()
    assert f"+-{TOKEN}: (replace)" in replaced.stdout
    assert '~ domain: "yaml.example.com" => "yaml2.example.com"' in replaced.stdout
    assert f"+-{RULE_TOKEN}: (replace)" in replaced.stdout  # its domain_uuid will change
    _edit(s, "default: yaml2.example.com", "default: yaml.example.com")

    # Refresh: a change made in JetEmail shows as drift, and the next preview puts it back.
    emu.patch_domain(domain["uuid"], {"status": "disabled"})
    refreshed = s.refresh()
    assert refreshed.changes.get("update") == 1
    drift = s.preview()
    assert "~ enabled: false => true" in drift.stdout
    s.up()
    assert emu.domain(domain["uuid"])["status"] == "active"  # type: ignore[index]

    s.destroy()
    assert emu.domains() == []


IMPORTED = {
    "domain": "existing.example.com",
    "delivery_type": "webhook",
    "webhook_url": "https://hooks.example.com/inbound",
}


def test_pulumi_import_brings_a_domain_and_a_rule_under_management(
    stack: StackFactory, emu: Emulator, tmp_path: Path
) -> None:
    domain = emu.add_domain(IMPORTED)
    forward = emu.add_domain({"domain": "fwd.example.com", "delivery_type": "forward"})
    rule = emu.add_rule(forward["uuid"], {"localpart": "sales", "destination": "t@example.net"})
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: adopt\nruntime: yaml\nresources: {}\n")
    s = stack(project)

    generated = tmp_path / "generated.yaml"
    s.cli("import", TOKEN, "existing", domain["uuid"], "--yes", "--out", str(generated))
    s.cli(
        "import",
        RULE_TOKEN,
        "sales",
        f"{forward['uuid']}/{rule['uuid']}",
        "--yes",
        "--out",
        str(tmp_path / "rule.yaml"),
    )
    # The generated code, put in the program, has no diff on the next preview.
    code = generated.read_text().split("resources:\n", 1)[1]
    code += (tmp_path / "rule.yaml").read_text().split("resources:\n", 1)[1]
    (s.work_dir / "Pulumi.yaml").write_text(f"name: adopt\nruntime: yaml\nresources:\n{code}")
    assert "webhookUrl: https://hooks.example.com/inbound" in code
    assert "webhookAuthHeader" not in code  # write-only: the API never shows it
    s.preview(expect_no_changes=True)
    assert emu.count("POST") == 0
    assert emu.count("PATCH") == 0
    assert [d["uuid"] for d in emu.domains()] == [domain["uuid"], forward["uuid"]]

    # Managed now: an edit of the imported rule updates it, and destroy deletes what was
    # imported (the rule's domain was not, and stays).
    edited = (s.work_dir / "Pulumi.yaml").read_text().replace("t@example.net", "u@example.net")
    (s.work_dir / "Pulumi.yaml").write_text(edited.replace("protect: true", "protect: false"))
    s.up()
    assert emu.rules(forward["uuid"])[0]["destination"] == "u@example.net"
    s.destroy()
    assert [d["uuid"] for d in emu.domains()] == [forward["uuid"]]
    assert emu.rules(forward["uuid"]) == []


def test_the_import_option_adopts_with_no_diff(
    stack: StackFactory, emu: Emulator, tmp_path: Path
) -> None:
    domain = emu.add_domain(IMPORTED)
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(
        "name: adopt\nruntime: yaml\nresources:\n"
        f"  existing:\n    type: {TOKEN}\n    properties:\n"
        "      domain: existing.example.com\n      deliveryType: webhook\n"
        "      webhookUrl: https://hooks.example.com/inbound\n"
        f"    options:\n      import: {domain['uuid']}\n"
    )
    s = stack(project)
    up = s.up()
    assert up.changes.get("import") == 1
    s.preview(expect_no_changes=True)
    (state,) = _resources(s, TOKEN)
    assert state["id"] == domain["uuid"]
    assert emu.count("POST") == 0


def test_a_mistake_is_caught_at_preview_naming_the_property(
    stack: StackFactory, emu: Emulator
) -> None:
    s = stack(YAML_EXAMPLE)
    _edit(s, "deliveryType: forward", "deliveryType: forwrd")
    failed = s.preview(check=False)
    assert failed.exit_code != 0
    assert "deliveryType" in failed.output
    assert "must be one of 'smtp', 'webhook' or 'forward'" in failed.output
    assert "Traceback" not in failed.output
    assert emu.requests == []


# ---------------------------------------------------------------------- Python program


def _python_program() -> None:
    import pulumi

    from pulumi_jetemail import native

    config = pulumi.Config()
    hook = native.InboundDomain(
        "hook",
        domain="native.example.org",
        delivery_type="webhook",
        webhook_url="https://hooks.example.org/inbound",
        webhook_timeout=int(config.get("timeout") or 30000),
        webhook_auth_header=config.require_secret("hookAuth"),
        opts=pulumi.ResourceOptions(import_=config.get("importUuid")),
    )
    pulumi.export("uuid", hook.uuid)
    pulumi.export("uuid_known", hook.uuid.apply(lambda _: "known"))
    pulumi.export("secret_known", hook.webhook_secret.apply(lambda _: "known"))
    pulumi.export("secret", hook.webhook_secret)
    pulumi.export("timeout_kind", hook.webhook_timeout.apply(lambda t: type(t).__name__))


@pytest.mark.slow
@pytest.mark.smoke
def test_a_python_program_on_the_native_provider(stack: StackFactory, emu: Emulator) -> None:
    s = stack(_python_program, secrets={"hookAuth": "Bearer n4tive-hook-token"})
    s.up()
    (domain,) = emu.domains()
    assert s.outputs()["uuid"].value == domain["uuid"]
    assert s.outputs()["secret"].secret
    assert s.outputs()["timeout_kind"].value == "int"
    s.preview(expect_no_changes=True)

    # An in-place update previews with uuid and webhook_secret known (from the old state).
    s.set_config("timeout", "5000")
    planned = s.planned_outputs()["hook"]
    assert planned["uuid"] == domain["uuid"]
    assert planned["webhookSecret"] == "[secret]"  # known, and secret
    assert planned["webhookTimeout"] == 5000
    assert UNKNOWN not in planned.values()
    preview = s.preview()
    assert preview.changes == {"update": 1, "same": 1}
    assert "~ webhookTimeout: 30000 => 5000" in preview.stdout
    assert "[unknown]" not in preview.stdout
    assert "uuid_known" not in preview.stdout.split("--outputs:--")[-1]  # unchanged, so not shown
    s.up()
    assert emu.domain(domain["uuid"])["webhook_timeout"] == 5000  # type: ignore[index]

    state = json.dumps(s.state())
    assert "n4tive-hook-token" not in state
    assert domain["webhook_secret"] not in state
    assert API_KEY not in state

    # Import through the `import_` option, in a second stack that adopts the same domain.
    s.destroy()
    adopted = emu.add_domain(
        {
            "domain": "native.example.org",
            "delivery_type": "webhook",
            "webhook_url": "https://hooks.example.org/inbound",
            "webhook_timeout": 5000,
        }
    )
    s.set_config("importUuid", adopted["uuid"])
    # The auth header is write-only, so the import cannot read it: the engine imports what
    # it can read, then an update sets the header the program declares; then all is quiet.
    imported = s.up()
    assert imported.changes == {"create": 1, "import": 1, "update": 1}
    assert "+ webhookAuthHeader: [secret]" in imported.stdout
    assert "n4tive-hook-token" not in imported.output
    patch = [r for r in emu.requests if r.method == "PATCH"][-1]
    assert patch.body == {"webhook_auth_header": "Bearer n4tive-hook-token"}
    s.preview(expect_no_changes=True)


# ----------------------------------------------------------------------- two accounts


def _two_accounts() -> None:
    import pulumi

    from pulumi_jetemail import native

    config = pulumi.Config()
    for name in ("first", "second"):
        provider = native.Provider(
            name,
            api_key=config.require_secret(f"{name}Key"),
            api_url=config.require(f"{name}Url"),
        )
        native.InboundDomain(
            f"{name}-domain",
            domain=f"{name}.example.com",
            delivery_type="forward",
            opts=pulumi.ResourceOptions(provider=provider),
        )


def test_two_explicit_providers_manage_two_accounts(stack: StackFactory, emu: Emulator) -> None:
    with Emulator("api_second_account") as second:
        s = stack(
            _two_accounts,
            config={"firstUrl": emu.url, "secondUrl": second.url},
            secrets={"firstKey": API_KEY, "secondKey": "api_second_account"},
        )
        s.up()
        assert [d["domain"] for d in emu.domains()] == ["first.example.com"]
        assert [d["domain"] for d in second.domains()] == ["second.example.com"]
        state = json.dumps(s.state())
        assert "api_second_account" not in state
        assert API_KEY not in state
        s.preview(expect_no_changes=True)
        s.destroy()
        assert emu.domains() == []
        assert second.domains() == []


# ------------------------------------------------------------------ installing the plugin


def test_the_plugin_installed_with_pulumi_plugin_install(
    pulumi_cli: Path, emu: Emulator, tmp_path: Path
) -> None:
    script = shutil.which("pulumi-resource-jetemail", path=str(Path(sys.executable).parent))
    assert script is not None, "pip installs the console script beside the Python"
    path = os.pathsep.join([str(pulumi_cli.parent), "/usr/bin", "/bin"])  # no venv on PATH
    with PulumiStack(
        YAML_EXAMPLE,
        config={"jetemail:apiUrl": emu.url},
        secrets={"jetemail:apiKey": API_KEY},
        env={"PATH": path},
    ) as s:
        version = pulumi_jetemail.__version__
        s.cli("plugin", "install", "resource", "jetemail", version, "--file", script)
        listed = s.cli("plugin", "ls")
        assert "jetemail" in listed.stdout
        assert version in listed.stdout
        up = s.up()
        assert AMBIENT not in up.output  # the installed plugin, not one from PATH
        assert [d["domain"] for d in emu.domains()] == ["yaml.example.com"]
        s.destroy()


def test_the_plugin_found_on_path_says_so(
    pulumi_cli: Path, emu: Emulator, stack: StackFactory
) -> None:
    path = os.pathsep.join([str(Path(sys.executable).parent), str(pulumi_cli.parent), "/usr/bin"])
    up = stack(YAML_EXAMPLE, plugins_from=None, env={"PATH": path}).up()
    assert AMBIENT in up.output  # the engine's own note about a plugin taken from PATH
    assert [d["domain"] for d in emu.domains()] == ["yaml.example.com"]


def test_the_plugin_serves_its_version_and_the_committed_schema() -> None:
    import subprocess

    import grpc
    from google.protobuf import empty_pb2
    from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

    from pulumi_jetemail import _codegen

    script = Path(sys.executable).parent / "pulumi-resource-jetemail"
    with subprocess.Popen([script, "127.0.0.1:1"], stdout=subprocess.PIPE, text=True) as plugin:
        try:
            port = int(plugin.stdout.readline())  # type: ignore[union-attr]
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = provider_pb2_grpc.ResourceProviderStub(channel)
                info = stub.GetPluginInfo(empty_pb2.Empty(), timeout=10)
                served = stub.GetSchema(provider_pb2.GetSchemaRequest(), timeout=10)
        finally:
            plugin.terminate()
    assert info.version == pulumi_jetemail.__version__
    schema = json.loads(served.schema)
    committed = json.loads(_codegen.SCHEMA.read_text())
    assert schema == {**committed, "version": pulumi_jetemail.__version__}


def test_a_risky_input_is_warned_of_through_the_engine(
    stack: StackFactory, emu: Emulator, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(
        "name: risky\nruntime: yaml\nresources:\n"
        f"  hook:\n    type: {TOKEN}\n    properties:\n"
        "      domain: risky.example.com\n      deliveryType: webhook\n"
        "      webhookUrl: http://hooks.example.com/inbound\n"
        "      webhookAuthHeader:\n        fn::secret: Bearer r1sky-token\n"
    )
    preview = stack(project).preview()
    warning = "warning: inbound domain risky.example.com: webhook_url is plain http:// and"
    assert warning in preview.output  # through the engine's log, as the engine's warnings
    assert "r1sky-token" not in preview.output
    assert emu.domains() == []
