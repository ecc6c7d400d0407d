"""``make demo``: the quickstart stack deployed, checked and destroyed against a local JetEmail.

    python -m pulumi_jetemail.demo

It starts the emulator (a local JetEmail API) and takes the repository's quickstart stack
(``Pulumi.yaml`` → ``quickstart/``) through preview, up, a second preview that must show no
changes, and destroy:

- with the Pulumi CLI on PATH, by running it: a local backend in a temporary directory
  (``pulumi login file://…``, what ``--local`` does, kept out of your home), a ``demo`` stack
  with the emulator's URL and key as stack config, then ``up``, ``preview --diff
  --expect-no-changes`` and ``destroy``;
- without it, offline: the same program runs in this process on the Pulumi SDK, and each
  resource goes through the real provider process, by `pulumi_jetemail.testing.OfflineStack`.

Exit status: 0 when every step did what it should, 1 when one did not, 2 when there is no
quickstart stack to run (the demo runs from a checkout of the repository).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pulumi_jetemail.emulator import Emulator

__all__ = ["API_KEY", "HOOK_AUTH", "main"]

API_KEY = "api_demo_6f1c2a9d4e7b"
"""The emulator account's key: stack config as a secret, never printed."""
HOOK_AUTH = "Bearer demo-receiver-token-5d2e"
"""The quickstart's ``hookAuth`` secret (the Authorization header of each webhook delivery)."""
STACK = "demo"
PASSPHRASE = "jetemail-demo"  # noqa: S105 (encrypts the throwaway demo stack's secrets)


def main() -> int:
    """Run the demo; the exit status."""
    project = _find_project()
    if project is None:
        print(
            "error: no quickstart stack found (Pulumi.yaml with quickstart/): run the demo "
            "from a checkout of pulumi-jetemail, e.g. with `make demo`",
            file=sys.stderr,
        )
        return 2
    pulumi = shutil.which("pulumi")
    if pulumi is not None:
        return _with_cli(pulumi, project)
    return _offline(project)


def _find_project() -> Path | None:
    for directory in (Path.cwd(), Path(__file__).resolve().parent.parent):
        if (directory / "Pulumi.yaml").is_file() and (directory / "quickstart").is_dir():
            return directory
    return None


def _section(title: str) -> None:
    print(f"\n=== {title} " + "=" * max(3, 72 - len(title)), flush=True)


def _offline(project: Path) -> int:
    from pulumi_jetemail.testing import OfflineStack, OfflineStackError

    print(
        "The Pulumi CLI is not installed here, so this demo runs the quickstart stack offline:\n"
        "the program (Pulumi.yaml -> quickstart/) runs in this process on the Pulumi SDK, and\n"
        "each resource goes through the real provider process (python -m pulumi.dynamic), as\n"
        "`pulumi up` would drive it, via pulumi_jetemail.testing.OfflineStack. JetEmail is the\n"
        "local emulator. Secrets are shown as [secret]."
    )
    with Emulator(API_KEY) as emulator:
        print(f"\nEmulator: {emulator.url}")
        print("Stack config: jetemail:apiUrl = the emulator, jetemail:apiKey and hookAuth secret.")
        stack = OfflineStack(
            project,
            stack=STACK,
            config={"jetemail:apiUrl": emulator.url},
            secrets={"jetemail:apiKey": API_KEY, "hookAuth": HOOK_AUTH},
        )
        try:
            with stack:
                _section("1/4  pulumi preview --diff")
                print(stack.preview().render(), end="")
                _section("2/4  pulumi up --yes")
                print(stack.up().render(), end="")
                _report_domains(emulator, "after up")
                _section("3/4  pulumi preview --diff --expect-no-changes")
                again = stack.preview()
                print(again.render(), end="")
                if again.changed:
                    print("error: the second preview shows changes; expected none", file=sys.stderr)
                    return 1
                print("OK: no changes, as expected.")
                _section("4/4  pulumi destroy --yes")
                print(stack.destroy().render(), end="")
        except OfflineStackError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        left = _report_domains(emulator, "after destroy")
    if left:
        print("error: destroy left inbound domains behind", file=sys.stderr)
        return 1
    print("\nDone: created, unchanged on a second preview, destroyed.")
    return 0


def _report_domains(emulator: Emulator, when: str) -> int:
    domains = emulator.domains()
    noun = "inbound domain" if len(domains) == 1 else "inbound domains"
    listed = "".join(f"\n    {d['domain']} ({d['delivery_type']}, {d['status']})" for d in domains)
    print(f"\nThe emulator holds {len(domains)} {noun} {when}.{listed}")
    return len(domains)


def _with_cli(pulumi: str, project: Path) -> int:
    print(f"Using the Pulumi CLI ({pulumi}) with a local backend in a temporary directory.")
    with Emulator(API_KEY) as emulator, tempfile.TemporaryDirectory(prefix="jetemail-demo-") as tmp:
        env = {
            **os.environ,
            "PULUMI_HOME": str(Path(tmp) / "home"),
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
        }

        def run(*args: str, secret: str | None = None) -> None:
            _section("pulumi " + " ".join(args))
            subprocess.run(  # noqa: S603 (the CLI found on PATH, fixed arguments)
                [pulumi, *args, "--cwd", str(project)],
                env=env,
                input=secret,
                text=True,
                check=True,
            )

        try:
            run("login", f"file://{tmp}")
            run("stack", "init", STACK)
            try:
                run("config", "set", "jetemail:apiUrl", emulator.url)
                run("config", "set", "--secret", "jetemail:apiKey", secret=API_KEY)
                run("config", "set", "--secret", "hookAuth", secret=HOOK_AUTH)
                run("up", "--yes")
                run("preview", "--diff", "--expect-no-changes")
                run("destroy", "--yes")
            finally:
                run("stack", "rm", "--yes", "--force", STACK)  # also removes Pulumi.demo.yaml
        except subprocess.CalledProcessError as exc:
            print(f"error: `pulumi {' '.join(exc.cmd[1:3])}` failed", file=sys.stderr)
            return 1
        left = _report_domains(emulator, "after destroy")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
