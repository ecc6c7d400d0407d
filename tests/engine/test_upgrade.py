"""Upgrade safety: the state an earlier release wrote (`fixtures/upgrade/state-<version>.json`,
recorded by `fixtures/upgrade/record.py` from `program.py` under the real CLI) previews with
the current code, both doors at once: no changes, no replacements."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import StackFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "upgrade"
STATES = sorted(FIXTURES.glob("state-*.json"))


def _api_url(state: dict[str, object]) -> str:
    """The apiUrl the recorded default provider was configured with: previewing with another
    one would (rightly) show the provider's configuration changed."""
    resources = state["deployment"]["resources"]  # type: ignore[index]
    (provider,) = [r for r in resources if r["type"] == "pulumi:providers:jetemail"]
    return str(provider["inputs"]["apiUrl"])


@pytest.mark.smoke
@pytest.mark.parametrize("recorded", STATES, ids=[p.stem for p in STATES])
def test_state_of_an_earlier_release_previews_with_no_changes(
    stack: StackFactory, recorded: Path
) -> None:
    state = json.loads(recorded.read_text())
    s = stack(FIXTURES / "program.py", config={"jetemail:apiUrl": _api_url(state)})
    s.cli("stack", "import", "--file", str(recorded))
    assert len(s.state()["deployment"]["resources"]) == len(state["deployment"]["resources"])

    preview = s.preview(expect_no_changes=True)
    assert preview.changes == {"same": len(state["deployment"]["resources"]) - 2}
    assert "replace" not in preview.stdout
