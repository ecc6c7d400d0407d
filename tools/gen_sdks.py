"""The TypeScript and Go SDKs (`sdk/nodejs`, `sdk/go`), generated from `pulumi_jetemail/schema.json`
by Pulumi's own code generator (`tools/sdkgen`, a small Go program over pkg/v3/codegen).

    python tools/gen_sdks.py            # rewrite sdk/nodejs and sdk/go (make generate does)
    python tools/gen_sdks.py --check    # exit 1, naming what differs, if either is stale

Needs Go (the generator is built from the Go module proxy at the version tools/sdkgen/go.mod
pins, the CLI's). Without Go it says so and exits 1: the committed SDKs stay as they are.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "pulumi_jetemail" / "schema.json"
SDKS = {"nodejs": ROOT / "sdk" / "nodejs", "go": ROOT / "sdk" / "go"}
GENERATOR = ROOT / "tools" / "sdkgen"
IGNORED = {"node_modules", "bin"}  # what building the TypeScript SDK adds; never generated


def generate(into: dict[str, Path]) -> None:
    go = shutil.which("go")
    if go is None:
        raise SystemExit("error: generating the SDKs needs Go (https://go.dev/dl/) on PATH")
    with tempfile.TemporaryDirectory(prefix="sdkgen-") as tmp:
        tool = Path(tmp) / "sdkgen"
        env = {**os.environ, "GOFLAGS": "-mod=readonly", "CGO_ENABLED": "0"}
        subprocess.run([go, "build", "-o", str(tool), "."], cwd=GENERATOR, env=env, check=True)
        for language, out in into.items():
            subprocess.run([str(tool), str(SCHEMA), language, str(out)], check=True)


def differences(left: Path, right: Path) -> list[str]:
    """Paths under `left` and `right` that differ or exist on one side only (IGNORED aside)."""
    compared = filecmp.dircmp(left, right, ignore=[*IGNORED])
    # Contents compared whatever the files' sizes and times (dircmp's diff_files trusts them).
    _, mismatch, errors = filecmp.cmpfiles(left, right, compared.common_files, shallow=False)
    odd = compared.left_only + compared.right_only + compared.common_funny
    found = [str(left / n) for n in odd + mismatch + errors]
    for sub in compared.common_dirs:
        found += differences(left / sub, right / sub)
    return found


def main(argv: list[str]) -> int:
    if "--check" in argv:
        with tempfile.TemporaryDirectory(prefix="sdks-") as tmp:
            fresh = {language: Path(tmp) / language for language in SDKS}
            generate(fresh)
            stale = [
                p
                for language, path in SDKS.items()
                for p in (differences(path, fresh[language]) if path.is_dir() else [str(path)])
            ]
        if stale:
            print(f"out of date: {', '.join(stale)}; run `make generate`", file=sys.stderr)
            return 1
        return 0
    generate(SDKS)
    for path in SDKS.values():
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
