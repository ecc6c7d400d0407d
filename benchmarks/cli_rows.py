"""The rows a user feels: whole Pulumi runs under the real CLI, the requests a refresh costs,
the pace of the client, and two deploys sharing one account. Each is a ratio against a
baseline measured in the same run (see run.py for the table)."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from pulumi_jetemail._settings import DEFAULT_REQUESTS_PER_MINUTE, MAX_REQUESTS_PER_MINUTE
from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.testing import PulumiStack

HERE = Path(__file__).resolve().parent
PREVIEW_TARGET = 1.05
UP_TARGET = 1.05
PACING_TARGET = 0.98
TWO_DEPLOYS_TARGET = 1.1
PROVIDER_ENV: dict[str, str] = {"PYTHONDONTWRITEBYTECODE": ""}
"""Provider processes cache bytecode, as an installed package does (pip compiles it at
install): a shell that sets PYTHONDONTWRITEBYTECODE (empty is unset) would otherwise make
every provider process compile the package from source. `run.main()` points
PYTHONPYCACHEPREFIX at a temporary directory, so that the cache stays out of the tree and
goes with the run; every row's provider processes, under the CLI or not, use it."""


@dataclasses.dataclass(frozen=True)
class CliScale:
    preview_resources: int
    up_resources: int
    rounds: int
    refresh_domains: int
    refresh_rules: int
    pacing_requests: int
    deploy_domains: int


CLI_SCALES = {
    "full": CliScale(300, 100, 5, 20, 200, 300, 60),
    "small": CliScale(4, 3, 1, 3, 4, 15, 3),
}


def _webhook(index: int) -> dict[str, Any]:
    return {
        "domain": f"d{index}.cli.example.com",
        "delivery_type": "webhook",
        "webhook_url": "https://hooks.example.com/inbound",
        "webhook_timeout": 5000,
    }


def _ours(count: int) -> Callable[[], None]:
    def program() -> None:
        from pulumi_jetemail import InboundDomain

        for index in range(count):
            InboundDomain(f"r{index}", **_webhook(index))

    return program


def _noop(count: int, delay: float = 0.0, *, shaped: bool = False) -> Callable[[], None]:
    """The same program, the same InboundDomain resources (all their properties declared, as
    ours are), with the provider swapped for the no-op: what is left is the provider's cost.
    `shaped`: the no-op keeping state of ours' shape (see `ShapedNoopProvider`)."""

    def program() -> None:
        import pulumi
        from noop_provider import NoopProvider, ShapedNoopProvider, SleepyNoopProvider

        from pulumi_jetemail._program import resource_props
        from pulumi_jetemail.inbound_domain import InboundDomain
        from pulumi_jetemail.resources.inbound_domain import INBOUND_DOMAIN

        provider = (
            ShapedNoopProvider() if shaped else SleepyNoopProvider() if delay else NoopProvider()
        )
        opts = pulumi.ResourceOptions(additional_secret_outputs=list(INBOUND_DOMAIN.secret))
        for index in range(count):
            resource = InboundDomain.__new__(InboundDomain)
            props = resource_props(INBOUND_DOMAIN, None, _webhook(index))
            pulumi.dynamic.Resource.__init__(resource, provider, f"r{index}", props, opts)

    return program


def _bare(count: int) -> Callable[[], None]:
    """A no-op resource with the four inputs only (no output declared): shown beside, for
    what declaring every output as an attribute costs the SDK."""

    def program() -> None:
        from noop_provider import NoopProvider, NoopResource

        provider = NoopProvider()
        for index in range(count):
            NoopResource(provider, f"r{index}", _webhook(index))

    return program


API_KEY = "api_bench_cli_0123456789"
"""The account of the emulator every row but the two-deploys one runs against."""


def _stack(
    program: Callable[[], None],
    emulator: Emulator,
    rpm: int,
    delay: float = 0.0,
    shape: dict[str, Any] | None = None,
) -> PulumiStack:
    return PulumiStack(
        program,
        config={"jetemail:apiUrl": emulator.url, "jetemail:requestsPerMinute": str(rpm)},
        secrets={"jetemail:apiKey": API_KEY},
        # the no-op provider's module, imported by reference; the sleepy no-op's delay; the
        # shaped no-op's state
        env={
            "PYTHONPATH": str(HERE),
            "NOOP_CREATE_DELAY": str(delay),
            "NOOP_SHAPE": json.dumps(shape or {}),
            **PROVIDER_ENV,
        },
    )


def _seconds(run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _ratio_row(
    label: str,
    name: str,
    *,
    seconds: dict[str, list[float]],
    target: float,
    what: str,
    details: dict[str, Any],
) -> dict[str, Any]:
    medians = {side: statistics.median(runs) for side, runs in seconds.items()}
    ratio = medians["ours"] / medians["noop"]
    bare = f" (4-input no-op resource {medians['bare']:.2f} s)" if "bare" in medians else ""
    return {
        "number": label,
        "name": name,
        "figure": f"{medians['ours']:.2f} s / {what}",
        "baseline": f"no-op provider {medians['noop']:.2f} s{bare}",
        "ratio": ratio,
        "target": f"<= {target}x",
        "passed": ratio <= target,
        "details": {**details, "median_s": medians, "seconds": seconds},
    }


# --------------------------------------------------------------------- 1. preview, 2. up


def bench_cli_preview(emulator: Emulator, scale: CliScale) -> dict[str, Any]:
    """`pulumi preview` of N webhook domains, against the same program on the no-op."""
    count = scale.preview_resources
    seconds: dict[str, list[float]] = {"ours": [], "noop": [], "bare": []}
    with (
        _stack(_ours(count), emulator, MAX_REQUESTS_PER_MINUTE) as ours,
        _stack(_noop(count), emulator, MAX_REQUESTS_PER_MINUTE) as noop,
        _stack(_bare(count), emulator, MAX_REQUESTS_PER_MINUTE) as bare,
    ):
        sides = {"ours": ours, "noop": noop, "bare": bare}
        for stack in sides.values():
            stack.preview(diff=False)  # warm up: plugins, caches
        for _ in range(scale.rounds):
            for side, stack in sides.items():
                seconds[side].append(_seconds(lambda s=stack: s.preview(diff=False)))
    assert emulator.domains() == []
    return _ratio_row(
        "1",
        "CLI preview",
        seconds=seconds,
        target=PREVIEW_TARGET,
        what=f"{count} res",
        details={"resources": count, "rounds": scale.rounds, "statistic": "median"},
    )


def _shape_of_ours(emulator: Emulator) -> dict[str, Any]:
    """What ours adds to one domain's inputs at check, and the outputs it answers at create:
    the shaped no-op's state (a domain created and removed again on the emulator)."""
    from pulumi_jetemail.inbound_domain import InboundDomainProvider

    provider = InboundDomainProvider()
    config = {"jetemail:apiUrl": emulator.url, "jetemail:apiKey": API_KEY}
    provider.configure(SimpleNamespace(config=config))  # type: ignore[arg-type]
    given = _webhook(0)
    inputs = provider.check({}, given).inputs
    created = provider.create(inputs)
    provider.delete(created.id, dict(created.outs or {}))
    added = {k: v for k, v in inputs.items() if k not in given}
    return {"inputs": added, "outputs": dict(created.outs or {})}


def bench_cli_up(
    emulator: Emulator, scale: CliScale, latency: float = 0.05
) -> tuple[dict[str, Any], dict[str, Any]]:
    """`pulumi up` creating N domains with `latency` added to every emulator request, against
    the no-op provider sleeping as long in each create (row 2), and against that no-op
    keeping state of ours' shape (2b, printed): the engine writes the whole stack's state
    after each step, so bytes of state cost time too, and 2b shows what is left without them."""
    count = scale.up_resources
    shape = _shape_of_ours(emulator)
    sides = {
        "ours": _ours(count),
        "noop": _noop(count, latency),
        "shaped": _noop(count, latency, shaped=True),
    }
    seconds: dict[str, list[float]] = {side: [] for side in sides}
    for _ in range(scale.rounds):
        for side, program in sides.items():
            with _stack(program, emulator, MAX_REQUESTS_PER_MINUTE, latency, shape) as stack:
                stack.preview(diff=False)
                emulator.latency = latency
                seconds[side].append(_seconds(lambda s=stack: s.up(diff=False)))
                emulator.latency = 0
            emulator.reset()
    details = {"resources": count, "latency_s": latency, "rounds": scale.rounds}
    versus_noop = _ratio_row(
        "2",
        "CLI up",
        seconds={side: seconds[side] for side in ("ours", "noop")},
        target=UP_TARGET,
        what=f"{count} creates",
        details=details,
    )
    versus_shaped = _ratio_row(
        "2b",
        "up vs shaped no-op",
        seconds={"ours": seconds["ours"], "noop": seconds["shaped"]},
        target=UP_TARGET,
        what=f"{count} creates",
        details={**details, "shape": sorted(shape["outputs"])},
    )
    versus_shaped["baseline"] = versus_shaped["baseline"].replace("no-op", "shaped no-op", 1)
    versus_shaped.update(target="- (printed)", passed=True)
    return versus_noop, versus_shaped


# ---------------------------------------------------------------------- 3. refresh economy


def bench_refresh_economy(emulator: Emulator, scale: CliScale) -> dict[str, Any]:
    """Requests of a `pulumi refresh` of D domains and R rules on 2 forward domains."""
    domains, rules = scale.refresh_domains, scale.refresh_rules

    def program() -> None:
        from pulumi_jetemail import ForwardRule, InboundDomain

        forward = [
            InboundDomain(f"f{i}", domain=f"f{i}.cli.example.com", delivery_type="forward")
            for i in range(2)
        ]
        for index in range(domains - 2):
            InboundDomain(f"w{index}", **_webhook(index))
        for index in range(rules):
            ForwardRule(
                f"rule{index}",
                domain_uuid=forward[index % 2].id,
                localpart=f"u{index}",
                destination=f"t{index}@example.net",
            )

    with _stack(program, emulator, MAX_REQUESTS_PER_MINUTE) as stack:
        stack.up(diff=False)
        emulator.clear_log()
        stack.refresh(expect_no_changes=True)
        made = emulator.count()
        gets = emulator.count("GET", "/inbound/settings/*")
        lists = sum(1 for r in emulator.requests if r.path.endswith("/forward-rules"))
        stack.destroy()
    floor = domains + 2
    return {
        "number": "3",
        "name": "refresh economy",
        "figure": f"{made} req ({gets} domain GETs, {lists} rule lists)",
        "baseline": f"floor {floor} ({domains} domains + 2 lists; {rules} rules)",
        "ratio": made / floor,
        "target": "<= floor",
        "passed": made <= floor,
        "details": {"domains": domains, "rules": rules, "requests": made, "floor": floor},
    }


# ------------------------------------------------------------------------------ 4. pacing


def bench_pacing(scale: CliScale) -> dict[str, Any]:
    """N requests from 4 threads through one client at the default pace: the achieved rate
    against the configured one, and the most requests any 60-second window holds."""
    from pulumi_jetemail._ratelimit import RateLimiter
    from pulumi_jetemail.client import JetEmailClient

    rpm = DEFAULT_REQUESTS_PER_MINUTE
    sent: list[float] = []
    lock = threading.Lock()

    class Recording(RateLimiter):
        def acquire(self) -> float:
            slot = super().acquire()
            with lock:
                sent.append(time.monotonic())
            return slot

    limiter = Recording(rpm, 60.0)
    with (
        Emulator(API_KEY, rate_limit_per_minute=rpm) as limited,  # counts arrivals, as the API
        JetEmailClient(API_KEY, limited.url, limiter=limiter) as client,
        concurrent.futures.ThreadPoolExecutor(4) as pool,
    ):
        list(pool.map(lambda _: client.list_domains(), range(scale.pacing_requests)))
        refused = sum(1 for r in limited.requests if r.status == 429)
    sent.sort()
    achieved = (len(sent) - 1) / (sent[-1] - sent[0]) * 60 if len(sent) > 1 else float(rpm)
    busiest = max(sum(1 for t in sent if start <= t < start + 60) for start in sent)
    ratio = achieved / rpm
    return {
        "number": "4",
        "name": "pacing",
        "figure": f"{achieved:.1f}/min, busiest 60 s: {busiest}, 429s: {refused}",
        "baseline": f"configured {rpm}/min",
        "ratio": ratio,
        "target": f">= {PACING_TARGET}x, window <= {rpm}",
        "passed": ratio >= PACING_TARGET and busiest <= rpm and refused == 0,
        "details": {
            "requests": len(sent),
            "achieved_per_min": achieved,
            "busiest": busiest,
            "refused_429": refused,
        },
    }


# --------------------------------------------------------------------- 5. two deploys


def _deploy(url: str, key: str, domains: int, prefix: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            str(HERE / "deploy_one.py"),
            f"--url={url}",
            f"--key={key}",
            f"--domains={domains}",
            f"--prefix={prefix}",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=HERE,
        env={**os.environ, **PROVIDER_ENV},
    )


def _finish(process: subprocess.Popen[str]) -> float:
    out, _ = process.communicate(timeout=1800)
    if process.returncode != 0:
        raise RuntimeError(f"a deploy failed (exit {process.returncode})")
    return float(json.loads(out.strip().splitlines()[-1])["seconds"])


def bench_two_deploys(scale: CliScale) -> dict[str, Any]:
    """Two `pulumi up` at once on one account at the default pace (two stacks, two processes)
    against the emulator's real limit (240 a minute, a lockout past it), and the same domains
    in one deploy alone."""
    count = scale.deploy_domains
    key = "api_bench_shared_account"
    with Emulator(key, rate_limit_per_minute=240) as emulator:
        both = [_deploy(emulator.url, key, count, p) for p in ("a", "b")]
        together = max(_finish(process) for process in both)  # both `up`s began together
        lockouts = sum(1 for r in emulator.requests if r.status == 429)
        created = len(emulator.domains())
        emulator.reset()
        alone = _finish(_deploy(emulator.url, key, 2 * count, "c"))
        lockouts_alone = sum(1 for r in emulator.requests if r.status == 429)
    ratio = together / alone
    return {
        "number": "5",
        "name": "two deploys, one key",
        "figure": f"{together:.1f} s together, {lockouts} lockouts",
        "baseline": f"one deploy of all {2 * count}: {alone:.1f} s ({lockouts_alone} lockouts)",
        "ratio": ratio,
        "target": f"0 lockouts, <= {TWO_DEPLOYS_TARGET}x",
        "passed": lockouts == 0 and created == 2 * count and ratio <= TWO_DEPLOYS_TARGET,
        "details": {
            "domains_each": count,
            "together_s": together,
            "alone_s": alone,
            "lockouts": lockouts,
            "created": created,
        },
    }
