"""`make test-matrix`: the unit and provider tiers and the engine tier's smoke tests (or, with
``--all-tiers``, the whole suite) on every supported Python the machine has, and once more on
the lowest of them with the lowest versions of pulumi, httpx and pydantic the package declares.
The engine tier drives the same CLI from every Python; what differs between Pythons is the
package's own code, which the first two tiers exercise whole.

    .venv/bin/python tools/test_matrix.py [--only 3.12] [--skip-lowest] [--all-tiers]

The supported versions are the ``Programming Language :: Python :: 3.X`` classifiers of
pyproject.toml, and the lowest pins are the ``>=`` bounds of its runtime dependencies: both
are read from there, so they cannot drift from what is published. Interpreters are the
machine's own (``python3.X`` on PATH, else pyenv's versions); none is ever downloaded. Each
run gets a venv of its own under ``.venv-matrix/``, kept between runs (a second run only
re-runs the suite), and the Pulumi CLI of ``make pulumi``. Exit status 1 when a run fails or
no interpreter is found.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENVS = ROOT / ".venv-matrix"
BIN = ROOT / ".tools" / "pulumi" / "bin"
PINNED = ("pulumi", "httpx", "pydantic")


@dataclass
class Run:
    name: str
    python: Path | None
    pins: dict[str, str]
    result: str = "not run"
    seconds: float = 0.0


def pyproject() -> str:
    # Read as text: tomllib is 3.11+, and this runs on the oldest supported Python too.
    return (ROOT / "pyproject.toml").read_text()


def supported_versions() -> list[str]:
    found = re.findall(r'"Programming Language :: Python :: (3\.\d+)"', pyproject())
    return sorted(set(found), key=lambda v: tuple(int(p) for p in v.split(".")))


def lowest_pins() -> dict[str, str]:
    found = re.findall(r'^\s*"([A-Za-z0-9_.-]+)>=([0-9.]+)[^"]*",', pyproject(), re.MULTILINE)
    return {name: version for name, version in found if name in PINNED}


def interpreter(version: str) -> Path | None:
    """The machine's python<version>, checked to run and to be that version."""
    candidates = [shutil.which(f"python{version}")]
    pyenv = shutil.which("pyenv")
    if pyenv:
        root = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
        versions = Path(root.stdout.strip()) / "versions"
        candidates += sorted(str(p) for p in versions.glob(f"{version}.*/bin/python{version}"))
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return Path(candidate)
    return None


def prepare(run: Run) -> Path:
    """The run's venv with the project, its dev extra and the pins installed; its python."""
    assert run.python is not None
    venv = VENVS / run.name
    python = venv / "bin" / "python"
    stamp = venv / ".installed"
    wanted = "\n".join(
        [(ROOT / "pyproject.toml").read_text(), *(f"{k}=={v}" for k, v in run.pins.items())]
    )
    if stamp.is_file() and stamp.read_text() == wanted:
        return python
    if not python.is_file():
        subprocess.run([str(run.python), "-m", "venv", str(venv)], check=True)
    pins = [f"{k}=={v}" for k, v in run.pins.items()]
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "-e", f"{ROOT}[dev]", *pins], check=True
    )
    stamp.write_text(wanted)
    return python


SMOKE = ["-m", "not engine or smoke"]
"""The tests of a matrix run: every unit and provider test, and the engine's smoke tests."""


def execute(run: Run, selection: list[str]) -> None:
    started = time.monotonic()
    try:
        python = prepare(run)
    except subprocess.CalledProcessError as exc:
        run.result, run.seconds = f"FAIL (install: {exc})", time.monotonic() - started
        return
    print(f"\n=== {run.name}: {python} {' '.join(f'{k}=={v}' for k, v in run.pins.items())}")
    env = {**os.environ, "PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", "")])}
    done = subprocess.run(
        [
            str(python),
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-n",
            "4",
            "--dist",
            "load",
            "--maxschedchunk",
            "1",
            *selection,
        ],
        cwd=ROOT,
        env=env,
        check=False,
    )
    run.seconds = time.monotonic() - started
    run.result = "pass" if done.returncode == 0 else f"FAIL (pytest exit {done.returncode})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="run only these versions (3.12 …)")
    parser.add_argument("--skip-lowest", action="store_true", help="skip the lowest-pins run")
    parser.add_argument("--all-tiers", action="store_true", help="the whole engine tier too")
    args = parser.parse_args()
    versions = supported_versions()
    runs = [Run(f"py{v}", interpreter(v), {}) for v in versions if not args.only or v in args.only]
    found = [r for r in runs if r.python is not None]
    if found and not args.skip_lowest:
        lowest = min(found, key=lambda r: tuple(int(p) for p in r.name[2:].split(".")))
        runs.append(Run(f"{lowest.name}-lowest", lowest.python, lowest_pins()))
    print("supported:", ", ".join(versions))
    for run in runs:
        print(f"  {run.name:<14} {run.python or 'not found on this machine'}")
    for run in runs:
        if run.python is not None:
            execute(run, [] if args.all_tiers else SMOKE)
    print("\n| run | interpreter | pins | result | time |\n|---|---|---|---|---|")
    for run in runs:
        pins = " ".join(f"{k}=={v}" for k, v in run.pins.items()) or "newest"
        where = run.python or "not found"
        print(f"| {run.name} | {where} | {pins} | {run.result} | {run.seconds:.0f} s |")
    ran = [r for r in runs if r.python is not None]
    return 0 if ran and all(r.result == "pass" for r in ran) else 1


if __name__ == "__main__":
    sys.exit(main())
