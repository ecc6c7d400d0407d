"""`make pulumi`: a Pulumi CLI for the real-engine tests, at or above the pinned version, and
the plugins those tests need beside it.

    .venv/bin/python tools/get_pulumi.py      # prints the CLI's path

The CLI:
1. ``.tools/pulumi/bin/pulumi`` built earlier at the pinned version: used as it is (seconds);
2. else a ``pulumi`` on PATH at or above the pinned version: used as it is;
3. else, with Go, the pinned version is built from the Go module proxy with the module in
   ``tools/pulumi-cli`` (its go.mod pins it; minutes the first time) into ``.tools/``.

Beside it, in ``.tools/pulumi/bin`` (which ``make`` puts first on PATH): the dynamic-provider
plugin (``pulumi-resource-pulumi-python``, a few lines of shell), and the YAML language host
(``pulumi-language-yaml``, built with ``tools/pulumi-yaml`` unless the CLI has one beside it).
With neither a CLI nor Go, it says how to get one and exits 0, so that the real-engine tests
skip with the same advice; under ``CI=true`` it exits 1.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from pulumi_jetemail.testing._cli import cli_version, find_cli, write_dynamic_plugin

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools"
BIN = ROOT / ".tools" / "pulumi" / "bin"
CLI = ("pulumi-cli", "github.com/pulumi/pulumi/pkg/v3", "cmd/pulumi", "pulumi")
YAML = (
    "pulumi-yaml",
    "github.com/pulumi/pulumi-yaml",
    "cmd/pulumi-language-yaml",
    "pulumi-language-yaml",
)
VERSION_FLAG = {"pulumi": "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v{}"}


def pinned(module: str, package: str) -> str:
    """The version of `package` that ``tools/<module>/go.mod`` pins, e.g. '3.274.1'."""
    go_mod = TOOLS / module / "go.mod"
    match = re.search(rf"^\s*(?:require\s+)?{re.escape(package)} v(\S+)", go_mod.read_text(), re.M)
    if match is None:
        raise SystemExit(f"error: {go_mod} does not require {package}")
    return match.group(1)


def numbers(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def build(what: tuple[str, str, str, str]) -> Path:
    """Build one pinned program of a tools module into BIN; its path."""
    module, package, command, name = what
    go = shutil.which("go")
    if go is None:
        raise FileNotFoundError("go")
    version = pinned(module, package)
    print(
        f"building {name} v{version} from the Go module proxy (minutes the first time)",
        file=sys.stderr,
    )
    BIN.mkdir(parents=True, exist_ok=True)
    flags = VERSION_FLAG.get(name, "").format(version)
    subprocess.run(
        [go, "build", "-ldflags", flags, "-o", str(BIN / name), f"{package}/{command}"],
        cwd=TOOLS / module,
        env={**os.environ, "GOFLAGS": "-mod=readonly", "CGO_ENABLED": "0"},
        check=True,
    )
    (BIN / f".{name}.version").write_text(version)
    return BIN / name


def built(what: tuple[str, str, str, str]) -> bool:
    """Whether BIN holds `what` built at its pinned version."""
    module, package, _, name = what
    stamp = BIN / f".{name}.version"
    return (
        (BIN / name).is_file() and stamp.is_file() and stamp.read_text() == pinned(module, package)
    )


def find() -> Path:
    """The CLI to use, building it if need be (FileNotFoundError: no Go to build it)."""
    if built(CLI):
        return BIN / "pulumi"
    want = numbers(pinned(CLI[0], CLI[1]))
    elsewhere = os.pathsep.join(
        p for p in os.environ.get("PATH", "").split(os.pathsep) if Path(p) != BIN
    )
    on_path = find_cli(elsewhere)
    have = cli_version(on_path) if on_path else None
    if on_path is not None and have is not None and have >= want:
        return on_path
    return build(CLI)


def main() -> int:
    try:
        cli = find()
        if not (cli.resolve().parent / YAML[3]).is_file() and not built(YAML):
            build(YAML)
    except FileNotFoundError:
        want = pinned(CLI[0], CLI[1])
        print(
            f"no Pulumi CLI >= {want} and no Go to build one: install the Pulumi CLI (>= {want}) "
            "on PATH, or Go, then run `make pulumi`; the real-engine tests are skipped until then",
            file=sys.stderr,
        )
        return 1 if os.environ.get("CI") == "true" else 0
    except subprocess.CalledProcessError as exc:
        print(f"error: building a Pulumi tool failed ({exc})", file=sys.stderr)
        return 1
    write_dynamic_plugin(BIN)
    print(cli)
    return 0


if __name__ == "__main__":
    sys.exit(main())
