"""`make pulumi`: a Pulumi CLI for the real-engine tests, at or above the pinned version.

    .venv/bin/python tools/get_pulumi.py      # prints the CLI's path

1. ``.tools/pulumi/bin/pulumi`` built earlier at the pinned version: used as it is (seconds);
2. else a ``pulumi`` on PATH at or above the pinned version: used as it is;
3. else, with Go, the pinned version is built from the Go module proxy with the module in
   ``tools/pulumi-cli`` (its go.mod pins it; a few minutes the first time) into ``.tools/``.

The dynamic-provider plugin (``pulumi-resource-pulumi-python``) is written beside it
(``.tools/pulumi/bin``, which ``make`` puts first on PATH). With neither a CLI nor Go, it says
how to get one and exits 0, so that the real-engine tests skip with the same advice; under
``CI=true`` it exits 1.
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
MODULE = ROOT / "tools" / "pulumi-cli"
BIN = ROOT / ".tools" / "pulumi" / "bin"
PACKAGE = "github.com/pulumi/pulumi/pkg/v3"


def pinned() -> str:
    """The CLI version go.mod pins, e.g. '3.274.1'."""
    match = re.search(
        rf"^\s*(?:require\s+)?{re.escape(PACKAGE)} v(\S+)", (MODULE / "go.mod").read_text(), re.M
    )
    if match is None:
        raise SystemExit(f"error: {MODULE / 'go.mod'} does not require {PACKAGE}")
    return match.group(1)


def numbers(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def build(version: str) -> Path:
    go = shutil.which("go")
    if go is None:
        raise FileNotFoundError("go")
    print(
        f"building the Pulumi CLI v{version} from the Go module proxy (minutes the first time)",
        file=sys.stderr,
    )
    BIN.mkdir(parents=True, exist_ok=True)
    flags = f"-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v{version}"
    subprocess.run(  # noqa: S603 (the machine's go, fixed arguments)
        [go, "build", "-ldflags", flags, "-o", str(BIN / "pulumi"), f"{PACKAGE}/cmd/pulumi"],
        cwd=MODULE,
        env={**os.environ, "GOFLAGS": "-mod=readonly", "CGO_ENABLED": "0"},
        check=True,
    )
    return BIN / "pulumi"


def main() -> int:
    want = pinned()
    ours = BIN / "pulumi"
    cli: Path | None = None
    if ours.is_file() and cli_version(ours) == numbers(want):
        cli = ours
    else:
        on_path = find_cli(
            os.pathsep.join(
                p for p in os.environ.get("PATH", "").split(os.pathsep) if Path(p) != BIN
            )
        )
        have = cli_version(on_path) if on_path else None
        if on_path is not None and have is not None and have >= numbers(want):
            cli = on_path
        else:
            try:
                cli = build(want)
            except FileNotFoundError:
                print(
                    f"no Pulumi CLI >= {want} and no Go to build one: install the Pulumi CLI "
                    f"(>= {want}) on PATH, or Go, then run `make pulumi`; the real-engine tests "
                    "are skipped until then",
                    file=sys.stderr,
                )
                return 1 if os.environ.get("CI") == "true" else 0
            except subprocess.CalledProcessError as exc:
                print(f"error: building the Pulumi CLI failed ({exc})", file=sys.stderr)
                return 1
    write_dynamic_plugin(BIN)
    print(cli)
    return 0


if __name__ == "__main__":
    sys.exit(main())
