"""Build the generated SDKs and their example programs (`make sdks`; the SDK tests call it).

    python tools/build_sdks.py [nodejs] [go]     # both when none is named

nodejs: `npm install` and `tsc` in sdk/nodejs (the package is then sdk/nodejs/bin, which npm
installs from a path), then examples/typescript, which depends on that path, built the same
way; its runner is examples/typescript/bin/automation.js.
go: `go build` of examples/go, which uses sdk/go through a replace directive: once as the
program a user runs, once with `-tags automation` as the runner, .tools/examples/jetemail-go.

Everything comes from the npm registry and the Go module proxy; nothing is committed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_SDK = ROOT / "sdk" / "nodejs"
TS_EXAMPLE = ROOT / "examples" / "typescript"
GO_EXAMPLE = ROOT / "examples" / "go"
OUT = ROOT / ".tools" / "examples"
NPM_INSTALL = ("install", "--no-package-lock", "--no-audit", "--no-fund", "--loglevel=error")


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    subprocess.run(args, cwd=cwd, check=True, env={**os.environ, **(env or {})})


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(name)
    return found


def build_nodejs() -> Path:
    """Build the TypeScript SDK and example; the example's Automation API runner."""
    npm = _tool("npm")
    _run([npm, *NPM_INSTALL], NODE_SDK)
    _run([str(NODE_SDK / "node_modules" / ".bin" / "tsc")], NODE_SDK)
    for name in ("package.json", "README.md"):
        shutil.copy(NODE_SDK / name, NODE_SDK / "bin" / name)
    # npm copies a path dependency (install-links); drop the old copy so a rebuilt SDK lands.
    shutil.rmtree(TS_EXAMPLE / "node_modules" / "@pulumi-jetemail", ignore_errors=True)
    _run([npm, *NPM_INSTALL], TS_EXAMPLE)
    _run([str(TS_EXAMPLE / "node_modules" / ".bin" / "tsc")], TS_EXAMPLE)
    return TS_EXAMPLE / "bin" / "automation.js"


def build_go() -> Path:
    """Build the Go example (so the Go SDK) both ways; the Automation API runner."""
    go = _tool("go")
    env = {"GOFLAGS": "-mod=readonly", "CGO_ENABLED": "0"}
    OUT.mkdir(parents=True, exist_ok=True)
    _run([go, "build", "github.com/pulumi-jetemail/pulumi-jetemail/sdk/go/..."], GO_EXAMPLE, env)
    _run([go, "build", "-o", str(OUT / "jetemail-go-program"), "."], GO_EXAMPLE, env)
    _run([go, "build", "-tags", "automation", "-o", str(OUT / "jetemail-go"), "."], GO_EXAMPLE, env)
    return OUT / "jetemail-go"


BUILDERS = {"nodejs": build_nodejs, "go": build_go}


def main(argv: list[str]) -> int:
    for name in argv or list(BUILDERS):
        if name not in BUILDERS:
            print(f"error: no SDK {name!r} (nodejs or go)", file=sys.stderr)
            return 2
        try:
            print(BUILDERS[name]())
        except FileNotFoundError as exc:
            print(f"error: building the {name} SDK needs {exc.args[0]} on PATH", file=sys.stderr)
            return 1
        except subprocess.CalledProcessError as exc:
            print(f"error: building the {name} SDK failed ({exc})", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
