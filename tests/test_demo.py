"""`make demo` without the Pulumi CLI: `python -m pulumi_jetemail.demo` runs the quickstart
stack offline, shows each step, and never prints a secret."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from pulumi_jetemail.demo import API_KEY, HOOK_AUTH

ROOT = Path(__file__).resolve().parent.parent


def path_without_pulumi() -> str:
    entries = [
        entry
        for entry in os.environ.get("PATH", "").split(os.pathsep)
        if entry and shutil.which("pulumi", path=entry) is None
    ]
    return os.pathsep.join([str(Path(sys.executable).parent), *entries])


def test_demo_runs_the_quickstart_offline_and_shows_no_secret() -> None:
    path = path_without_pulumi()
    assert shutil.which("pulumi", path=path) is None
    env = {**os.environ, "PATH": path}
    for variable in ("JETEMAIL_API_KEY", "JETEMAIL_API_URL", "PULUMI_CONFIG"):
        env.pop(variable, None)
    done = subprocess.run(
        [sys.executable, "-m", "pulumi_jetemail.demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    out = done.stdout
    assert done.returncode == 0, done.stdout + done.stderr
    assert "The Pulumi CLI is not installed here" in out
    assert "pulumi_jetemail.testing.OfflineStack" in out
    sections = re.findall(r"^=== (\d/4 .*?) =+$", out, flags=re.MULTILINE)
    assert sections == [
        "1/4  pulumi preview --diff",
        "2/4  pulumi up --yes",
        "3/4  pulumi preview --diff --expect-no-changes",
        "4/4  pulumi destroy --yes",
    ]
    preview, up, again, destroy = re.split(r"^=== \d/4 .*$", out, flags=re.MULTILINE)[1:]
    assert "+ 2 to create" in preview
    assert "+ 2 created" in up
    assert re.search(r"uuid\s+: \"[0-9a-f-]{36}\"", up)
    assert re.search(r"webhook_secret: \[secret\]", up)
    assert "webhook_auth_header: [secret]" in up
    assert "The emulator holds 1 inbound domain after up." in up
    assert "2 unchanged (no changes)" in again
    assert "- 2 deleted" in destroy
    assert "The emulator holds 0 inbound domains after destroy." in destroy
    everything = done.stdout + done.stderr
    for secret in (API_KEY, HOOK_AUTH, "whsec_"):
        assert secret not in everything
