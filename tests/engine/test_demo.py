"""`make demo`: `tools/demo.py` runs the quickstart stack under the real Pulumi CLI against the
emulator, shows each step as the CLI prints it, and never prints a secret."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

DEMO = ROOT / "tools" / "demo.py"


def test_demo_runs_the_quickstart_under_the_cli_and_shows_no_secret(pulumi_cli: Path) -> None:
    env = {**os.environ, "PATH": os.pathsep.join([str(pulumi_cli.parent), os.environ["PATH"]])}
    for variable in ("JETEMAIL_API_KEY", "JETEMAIL_API_URL", "PULUMI_CONFIG"):
        env.pop(variable, None)
    done = subprocess.run(
        [sys.executable, str(DEMO)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    out = done.stdout
    assert done.returncode == 0, done.stdout + done.stderr
    sections = re.findall(r"^=== (\d/5 .*?) =+$", out, flags=re.MULTILINE)
    assert sections == [
        "1/5  pulumi preview --diff",
        "2/5  pulumi up --yes",
        "3/5  pulumi preview --diff --expect-no-changes",
        "4/5  pulumi stack output",
        "5/5  pulumi destroy --yes",
    ]
    preview, up, again, outputs, destroy = re.split(r"^=== \d/5 .*$", out, flags=re.MULTILINE)[1:]
    assert "+ 2 to create" in preview
    assert "webhook_auth_header: [secret]" in preview
    assert "+ 2 created" in up
    assert "The emulator holds 1 inbound domain after up." in up
    assert "2 unchanged" in again
    assert re.search(r"uuid\s+[0-9a-f-]{36}", outputs)
    assert re.search(r"webhook_secret\s+\[secret\]", outputs)
    assert "- 2 deleted" in destroy
    assert "The emulator holds 0 inbound domains after destroy." in destroy
    everything = done.stdout + done.stderr
    spec = importlib.util.spec_from_file_location("demo", DEMO)
    assert spec is not None
    assert spec.loader is not None
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    for secret in (demo.API_KEY, demo.HOOK_AUTH, "whsec_"):
        assert secret not in everything
