"""Every fenced Python block of the README runs as written: the programs under the real
Pulumi CLI against the emulator, the test snippets as pytest would run them, the rest as
scripts."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import ROOT, StackFactory

from pulumi_jetemail.emulator import Emulator

BLOCKS = re.findall(r"^```python\n(.*?)^```$", (ROOT / "README.md").read_text(), re.M | re.S)


def test_the_readme_has_python_blocks() -> None:
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block {i + 1}" for i in range(len(BLOCKS))])
def test_readme_block_runs_as_written(
    block: str,
    *,
    stack: StackFactory,
    emu: Emulator,
    tmp_path: Path,
    pulumi_cli: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if "pulumi.export(" in block:  # a Pulumi program
        emu.verify_after(checks=1)  # the records verify at the first check, once published
        program = tmp_path / "__main__.py"
        program.write_text(block)
        s = stack(program, secrets={"hookAuth": "Bearer readme-token"})
        assert s.up().changes.get("create")
        assert emu.domains()
        s.destroy()
        assert emu.domains() == []
        return
    namespace: dict[str, object] = {"__name__": "readme"}
    monkeypatch.chdir(ROOT)  # the test snippet sits next to Pulumi.yaml, the quickstart
    monkeypatch.setenv("PATH", os.pathsep.join([str(pulumi_cli.parent), os.environ["PATH"]]))
    exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 (our own README)
    tests = [f for name, f in namespace.items() if name.startswith("test_") and callable(f)]
    for test in tests:
        test()


def test_the_readme_yaml_programs_are_the_tested_examples() -> None:
    blocks = re.findall(r"^```yaml\n(.*?)^```$", (ROOT / "README.md").read_text(), re.M | re.S)
    examples = [(ROOT / "examples" / name / "Pulumi.yaml").read_text() for name in EXAMPLES]
    assert blocks == examples


EXAMPLES = ("yaml-lookup", "yaml-native")
"""The YAML programs the README shows, in its order (each run by tests/engine)."""


def test_the_plugin_install_line_names_the_package_version() -> None:
    import pulumi_jetemail

    readme = (ROOT / "README.md").read_text()
    assert f"pulumi plugin install resource jetemail {pulumi_jetemail.__version__} --file" in readme


@pytest.mark.parametrize(
    ("fence", "example"),
    [("typescript", "examples/typescript/index.ts"), ("go", "examples/go/program.go")],
)
def test_the_readme_typescript_and_go_programs_are_the_tested_examples(
    fence: str, example: str
) -> None:
    """Each is run by tests/engine/test_sdks.py through its language's Automation API."""
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(rf"^```{fence}\n(.*?)^```$", readme, re.M | re.S)
    assert blocks == [(ROOT / example).read_text()]


def test_the_go_sdk_version_the_readme_names_is_the_one_the_example_is_tested_with() -> None:
    readme = (ROOT / "README.md").read_text()
    (named,) = re.findall(r"go get github\.com/pulumi/pulumi/sdk/v3@(v\S+)", readme)
    go_mod = (ROOT / "examples" / "go" / "go.mod").read_text()
    assert f"github.com/pulumi/pulumi/sdk/v3 {named}\n" in go_mod
