"""One `pulumi up` of N forward domains on a throwaway stack, against an emulator account:
prints its seconds as JSON. The two-deploys row runs two of these at once (two processes, as
two CI jobs on one machine would), and one with both stacks' domains alone."""

from __future__ import annotations

import argparse
import json
import time

from pulumi_jetemail.testing import PulumiStack


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--domains", type=int, required=True)
    parser.add_argument("--prefix", required=True)
    args = parser.parse_args()

    def program() -> None:
        from pulumi_jetemail import InboundDomain

        for index in range(args.domains):
            InboundDomain(
                f"{args.prefix}{index}",
                domain=f"{args.prefix}{index}.bench.example.com",
                delivery_type="forward",
            )

    with PulumiStack(
        program,
        stack=args.prefix,
        config={"jetemail:apiUrl": args.url},  # the default pace: 200 a minute
        secrets={"jetemail:apiKey": args.key},
    ) as stack:
        stack.preview(diff=False)
        started = time.perf_counter()
        stack.up(diff=False)
        print(json.dumps({"seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    main()
