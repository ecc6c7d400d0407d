"""`python -m pulumi_jetemail.emulator`: serve the emulated API in the foreground.

Prints the URL alone on one line of stdout as soon as the server listens (so scripts can
read it), then serves until SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from .server import Emulator


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_jetemail.emulator",
        description="A local JetEmail management API (inbound domains and forward rules).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8025, help="port, 0 for a free one (8025)")
    parser.add_argument("--api-key", default="api_test", help="the accepted api_ key (api_test)")
    parser.add_argument(
        "--rate-limit", type=int, default=None, metavar="N", help="requests per minute (no limit)"
    )
    parser.add_argument(
        "--lockout",
        type=float,
        default=300.0,
        metavar="S",
        help="seconds a rate-limited account stays blocked (300)",
    )
    parser.add_argument(
        "--latency", type=float, default=0.0, metavar="S", help="seconds added to every answer"
    )
    parser.add_argument(
        "--verify-after-checks",
        type=int,
        default=None,
        metavar="N",
        help="a new domain's DNS records verify at its N-th DNS check (never, by default)",
    )
    parser.add_argument(
        "--verify-after-seconds",
        type=float,
        default=None,
        metavar="S",
        help="a new domain's DNS records verify at its first DNS check S seconds after create",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator until interrupted; the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        emulator = Emulator(
            args.api_key,
            host=args.host,
            port=args.port,
            rate_limit_per_minute=args.rate_limit,
            lockout_seconds=args.lockout,
            latency=args.latency,
        )
        if args.verify_after_checks is not None or args.verify_after_seconds is not None:
            emulator.verify_after(
                checks=args.verify_after_checks, seconds=args.verify_after_seconds
            )
    except ValueError as exc:
        parser.error(str(exc))
    done = threading.Event()

    def _exit(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGINT, _exit)
    signal.signal(signal.SIGTERM, _exit)
    try:
        emulator.start()
    except OSError as exc:
        print(f"cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    try:
        print(emulator.url, flush=True)
        print("JetEmail API emulator running; Ctrl-C to stop", file=sys.stderr, flush=True)
        while not done.wait(0.5):
            pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
