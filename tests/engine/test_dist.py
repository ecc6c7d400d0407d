"""The published artefacts: the sdist carries what its tests need, the wheel only what works
outside a checkout, and a stack runs from the wheel installed in a clean venv."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from helpers import once_per_run

import pulumi_jetemail

pytestmark = pytest.mark.slow

PROGRAM = """
import sys
from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.testing import PulumiStack

program = sys.argv[1]
with Emulator("api_wheel") as emu, PulumiStack(
    program, config={"jetemail:apiUrl": emu.url}, secrets={"jetemail:apiKey": "api_wheel"}
) as stack:
    up = stack.up()
    assert up.changes == {"create": 2}, up.stdout
    assert [d["domain"] for d in emu.domains()] == ["example.net"]
    stack.preview(expect_no_changes=True)
    stack.destroy()
    assert emu.domains() == []
print("stack from the wheel: ok")
"""


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel, built once per run (the build writes into the checkout)."""

    def build(out: Path) -> None:
        subprocess.run(
            [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)],
            check=True,
            capture_output=True,
        )

    return once_per_run(tmp_path_factory, "dist", build)


def test_the_wheel_holds_the_package_only(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "pulumi_jetemail/py.typed" in names
    # Pulumi's Python host reads off the installed package which plugin, at which version, a
    # program that imports it needs.
    plugin = json.loads(zipfile.ZipFile(wheel).read("pulumi_jetemail/pulumi-plugin.json"))
    assert plugin == {"resource": True, "name": "jetemail", "version": pulumi_jetemail.__version__}
    assert "pulumi_jetemail/testing/_stack.py" in names
    assert not [n for n in names if n.startswith(("tests/", "tools/", "examples/"))]
    assert not [n for n in names if "demo" in n]
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_the_sdist_carries_its_tests_examples_and_tools(dist: Path) -> None:
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    for needed in (
        "tests/conftest.py",
        "examples/forwarding/__main__.py",
        "quickstart/__main__.py",
        "Pulumi.yaml",
        "Makefile",
        "tools/pulumi-cli/go.sum",
        "tools/sdkgen/main.go",
        "sdk/nodejs/package.json",
        "sdk/go/jetemail/inboundDomain.go",
        "examples/typescript/index.ts",
        "examples/go/program.go",
        "LICENSE",
        "CHANGELOG.md",
    ):
        assert needed in names, needed
    assert not [n for n in names if n.startswith(".tools/") or "__pycache__" in n]
    assert not [n for n in names if "node_modules" in n or n.startswith("sdk/nodejs/bin/")]


def test_a_stack_runs_from_the_wheel_in_a_clean_venv(
    dist: Path, tmp_path: Path, pulumi_cli: Path
) -> None:
    (wheel,) = dist.glob("*.whl")
    venv = tmp_path / "venv"
    # A venv with nothing in it, filled by this Python's pip (no pip of its own to bootstrap)
    # and not byte-compiled ahead (Python compiles what it imports): the same packages a
    # user's `pip install` puts there, at a fraction of the CPU.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-compile",
            f"{wheel}[emulator]",
        ],
        check=True,
        capture_output=True,
    )
    script = tmp_path / "run.py"
    script.write_text(PROGRAM)
    env = {**os.environ, "PATH": os.pathsep.join([str(pulumi_cli.parent), os.environ["PATH"]])}
    done = subprocess.run(
        [str(python), str(script), str(ROOT / "examples" / "smtp-relay")],
        cwd=tmp_path,  # not the checkout: the package comes from the wheel
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "stack from the wheel: ok" in done.stdout
    origin = subprocess.run(
        [str(python), "-c", "import pulumi_jetemail; print(pulumi_jetemail.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(venv) in origin.stdout
