"""`make bench` cannot rot: `benchmarks/run.py` runs end to end on tiny sizes.

Timings at these sizes mean nothing, so no timing target is asserted here (they are
`make bench`'s job); only the rows that are not timings must pass. Also here: the property
the cold-start row relies on, that a preview never imports the HTTP client.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import API_KEY, INBOUND, registered

from pulumi_jetemail import InboundDomain
from pulumi_jetemail.testing import ProviderServer, urn

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "run.py"
ROWS = {
    "1": "CLI preview",
    "2": "CLI up",
    "2b": "up vs shaped no-op",
    "3": "refresh economy",
    "4": "pacing",
    "5": "two deploys, one key",
    "6a": "request floor",
    "6b": "serialized provider",
    "6c": "check + diff",
    "6d": "cold start",
    "6e": "memory (RSS)",
    "6f": "parallel apply",
}
NOT_TIMINGS = ("3", "6a", "6b")
EXIT_PASSED, EXIT_TARGET_MISSED = 0, 1


@pytest.mark.slow
def test_bench_script_runs_every_row_on_tiny_sizes(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--scale", "small", "--json", str(results)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        check=False,
    )
    output = run.stdout + run.stderr
    # 1 means a target was missed, which tiny sizes on a busy machine may well do.
    assert run.returncode in (EXIT_PASSED, EXIT_TARGET_MISSED), output
    table = [line for line in run.stdout.splitlines() if " | " in line]
    for number, name in ROWS.items():
        assert any(line.split(" | ")[:2] == [number.ljust(2), name.ljust(20)] for line in table), (
            output
        )

    report = json.loads(results.read_text(encoding="utf-8"))
    rows = {row["number"]: row for row in report["rows"]}
    assert sorted(rows) == sorted(ROWS)
    for number, row in rows.items():
        assert row["name"] == ROWS[number]
        assert row["error"] is None, row
        assert isinstance(row["ratio"], float), row
        for cell in ("figure", "baseline", "target"):
            assert row[cell], row
    for number in NOT_TIMINGS:
        assert rows[number]["passed"], rows[number]
    assert report["passed"] == (run.returncode == EXIT_PASSED)


def test_a_preview_never_imports_the_http_client() -> None:
    news = registered(
        lambda: InboundDomain(
            "lazy",
            domain="lazy.example.com",
            delivery_type="webhook",
            webhook_url="https://hooks.example.com/inbound",
        )
    )
    the_urn = urn(INBOUND, "lazy")
    with ProviderServer(env={"PYTHONPROFILEIMPORTTIME": "1"}) as server:
        server.configure(
            {"jetemail:apiKey": API_KEY, "jetemail:apiUrl": "http://127.0.0.1:9"},
            secret_keys=["jetemail:apiKey"],
        )
        checked = server.check(the_urn, {}, news)
        assert checked.failures == []
        assert server.diff("id", the_urn, checked.inputs, checked.inputs).changes == "none"
        imported = {
            line.rsplit("|", 1)[1].strip()
            for line in server.stderr_text().splitlines()
            if line.startswith("import time:")
        }
    assert "pulumi_jetemail._dynamic_classes" in imported
    assert "pulumi_jetemail.client" not in imported
    assert "httpx" not in imported
