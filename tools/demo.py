"""`make demo`: the quickstart stack deployed, checked and destroyed under the real Pulumi CLI,
against a local emulator of the JetEmail API.

    make demo            # or: .venv/bin/python tools/demo.py (with a Pulumi CLI on PATH)

It starts the emulator, opens a throwaway stack of the repository's quickstart (``Pulumi.yaml``
→ ``quickstart/``) with its state in a temporary directory, and runs ``pulumi preview --diff``,
``pulumi up``, ``pulumi preview --diff --expect-no-changes``, ``pulumi stack output`` and
``pulumi destroy``, printing what the CLI prints. Secrets show as ``[secret]``.

Exit status: 0 when every step did what it should, 1 when one did not.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.testing import PulumiStack, StackCommandError

ROOT = Path(__file__).resolve().parent.parent
API_KEY = "api_demo_6f1c2a9d4e7b"
"""The emulator account's key: stack config as a secret, never printed."""
HOOK_AUTH = "Bearer demo-receiver-token-5d2e"
"""The quickstart's ``hookAuth`` secret (the Authorization header of each webhook delivery)."""
STEPS = 5


def section(number: int, title: str) -> None:
    heading = f"{number}/{STEPS}  {title}"
    print(f"\n=== {heading} " + "=" * max(3, 72 - len(heading)), flush=True)


def report(emulator: Emulator, when: str) -> int:
    domains = emulator.domains()
    noun = "inbound domain" if len(domains) == 1 else "inbound domains"
    listed = "".join(f"\n    {d['domain']} ({d['delivery_type']}, {d['status']})" for d in domains)
    print(f"\nThe emulator holds {len(domains)} {noun} {when}.{listed}")
    return len(domains)


def main() -> int:
    print("The quickstart stack (Pulumi.yaml -> quickstart/) under the Pulumi CLI, with a local")
    print("backend in a temporary directory, against a local emulator of the JetEmail API.")
    with Emulator(API_KEY) as emulator:
        print(f"Emulator: {emulator.url}")
        try:
            with PulumiStack(
                ROOT,
                stack="demo",
                config={"jetemail:apiUrl": emulator.url},
                secrets={"jetemail:apiKey": API_KEY, "hookAuth": HOOK_AUTH},
            ) as stack:
                section(1, "pulumi preview --diff")
                print(stack.preview().stdout)
                section(2, "pulumi up --yes")
                print(stack.up(diff=False).stdout)
                report(emulator, "after up")
                section(3, "pulumi preview --diff --expect-no-changes")
                print(stack.preview(expect_no_changes=True).stdout)
                print("OK: no changes, as expected.")
                section(4, "pulumi stack output")
                print(stack.cli("stack", "output").stdout)
                section(5, "pulumi destroy --yes")
                print(stack.destroy().stdout)
        except StackCommandError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        except FileNotFoundError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        if report(emulator, "after destroy"):
            print("error: destroy left inbound domains behind", file=sys.stderr)
            return 1
    print("\nDone: created, unchanged on a second preview, destroyed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
