"""The schema as the Pulumi CLI judges it: `pulumi schema check` finds nothing wrong, and the
plugin serves the schema the package carries."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import ROOT


def test_pulumi_schema_check_passes(pulumi_cli: Path, tmp_path: Path) -> None:
    schema = ROOT / "pulumi_jetemail" / "schema.json"
    run = subprocess.run(
        [str(pulumi_cli), "schema", "check", str(schema)],
        capture_output=True,
        text=True,
        check=False,
        env={
            "PATH": str(pulumi_cli.parent),
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "HOME": str(tmp_path),
        },
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "error" not in (run.stdout + run.stderr).lower()
