"""Reliability through the gRPC path: faults, lockouts, pacing, partial failures.

Each test drives `python -m pulumi.dynamic` over gRPC as the engine does (4 worker threads)
against a fresh emulator. What is asserted, whatever the faults: every create succeeds or fails
with one clear line; the account holds exactly the domains the outputs name, each with the
secret the outputs hold; a create is never posted again without first listing the account.
"""

from __future__ import annotations

import concurrent.futures
import functools
import itertools
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from helpers import API_KEY, INBOUND, registered

from pulumi_jetemail import InboundDomain
from pulumi_jetemail._ratelimit import default_burst
from pulumi_jetemail._settings import DEFAULT_REQUEST_TIMEOUT, ClientSettings
from pulumi_jetemail.client import DEFAULT_TIMEOUT, _timeout_of
from pulumi_jetemail.emulator import Emulator, RecordedRequest
from pulumi_jetemail.errors import ConfigError
from pulumi_jetemail.testing import ProviderError, ProviderServer, urn

WORKERS = 4
"""The engine's worker threads for one provider process."""
DOMAINS = "/inbound/domains"
SETTINGS = "/inbound/settings/*"
NUMBERS = itertools.count()
FAST_RETRY = 0.01
"""Retry-After of injected faults: honoured as given, so persistent faults cost no time."""


@contextmanager
def provider_for(emulator: Emulator, **config: str) -> Iterator[ProviderServer]:
    """A provider process configured against `emulator`; `config` adds `jetemail:` keys."""
    settings = {
        "jetemail:apiKey": API_KEY,
        "jetemail:apiUrl": emulator.url,
        "jetemail:requestsPerMinute": "10000",  # pacing has a test of its own below
        **{f"jetemail:{key}": value for key, value in config.items()},
    }
    with ProviderServer() as server:
        server.configure(settings, secret_keys=["jetemail:apiKey"])
        yield server


@functools.cache
def _template(mode: str, enabled: bool) -> tuple[tuple[str, Any], ...]:
    fields: dict[str, Any] = {"domain": "template.example.com", "delivery_type": mode}
    if mode == "webhook":
        fields |= {
            "webhook_url": "https://hooks.example.com/inbound",
            "webhook_headers": {"X-Team": "mail"},
            "webhook_auth_header": "Bearer hook-token",
        }
    elif mode == "smtp":
        fields["smtp_servers"] = ["mx.example.com:25", {"url": "mx2.example.com:2525"}]
    if not enabled:
        fields["enabled"] = False
    return tuple(registered(lambda: InboundDomain("t", **fields)).items())


def program_inputs(domain: str, mode: str = "forward", *, enabled: bool = True) -> dict[str, Any]:
    """What a program registers for one InboundDomain (built once per shape by the class)."""
    return {**dict(_template(mode, enabled)), "domain": domain}


@dataclass
class Outcome:
    """One resource's create, as the engine saw it."""

    urn: str
    domain: str
    id: str = ""
    outs: dict[str, Any] | None = None
    error: ProviderError | None = None


def deploy(server: ProviderServer, name: str, news: dict[str, Any]) -> Outcome:
    """Check then Create, as `pulumi up` does for a new resource; an error is kept."""
    outcome = Outcome(urn(INBOUND, name), news["domain"])
    checked = server.check(outcome.urn, {}, news)
    assert checked.failures == []
    try:
        outcome.id, outcome.outs = server.create(outcome.urn, checked.inputs)
    except ProviderError as error:
        outcome.error = error
    return outcome


def in_parallel(work: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(work, items))


ONE_LINE = re.compile(r"^pulumi_jetemail\.errors\.\w+: (?P<message>[^\n]{10,600})$")


def error_line(error: ProviderError) -> str:
    """The line the user reads: the traceback's last line, the error and its message."""
    assert error.code == "UNKNOWN"
    last = error.details.rstrip("\n").rsplit("\n", 1)[-1]
    match = ONE_LINE.match(last)
    assert match, f"not one clear line: {error.details!r}"
    return match["message"]


MAYBE_CREATED = "The domain may have been created"
"""What a create says when the account could not be checked after a lost POST."""


def assert_account_matches(emulator: Emulator, outcomes: Sequence[Outcome]) -> None:
    """The account holds exactly the domains the outputs name, with the outputs' secrets.

    The one exception is a create whose error says that the domain may have been created
    (the API stayed unreachable after a lost POST): its domain may be there, once.
    """
    created = [o for o in outcomes if o.outs is not None]
    maybe = maybe_created(outcomes)
    live = {d["uuid"]: d for d in emulator.domains()}
    ours = {uuid for uuid, d in live.items() if d["domain"] not in maybe}
    assert sorted(ours) == sorted(o.id for o in created)  # no orphan, nothing missing
    names = Counter(d["domain"] for d in live.values())
    assert [n for n, count in names.items() if count > 1] == []  # no duplicate
    for outcome in created:
        assert outcome.outs is not None
        stored = live[outcome.id]
        assert outcome.outs["uuid"] == outcome.id
        assert stored["domain"] == outcome.domain
        assert outcome.outs["webhook_secret"]
        assert outcome.outs["webhook_secret"] == stored["webhook_secret"]
        assert outcome.outs["enabled"] == (stored["status"] == "active")


def unmatched_reposts(log: Sequence[RecordedRequest]) -> list[tuple[str, int]]:
    """The POSTs of a domain sent again without a fresh GET of the domain list before them.

    A POST answered 429 was refused unprocessed: the client may send it again as it is.
    Otherwise each repeat POST needs its own GET /inbound/domains after the previous POST of
    the same domain (matched one to one, earliest deadline first, so that one thread's list
    cannot vouch for two repeats).
    """
    lists = [i for i, r in enumerate(log) if (r.method, r.path) == ("GET", DOMAINS)]
    posts: dict[str, list[int]] = {}
    for index, request in enumerate(log):
        if (request.method, request.path) == ("POST", DOMAINS) and isinstance(request.body, dict):
            posts.setdefault(str(request.body.get("domain")), []).append(index)
    gaps = [
        (later, earlier, domain)
        for domain, indexes in posts.items()
        for earlier, later in itertools.pairwise(indexes)
        if log[earlier].status != 429
    ]
    used: set[int] = set()
    missing = []
    for later, earlier, domain in sorted(gaps):
        found = next((i for i in lists if earlier < i < later and i not in used), None)
        if found is None:
            missing.append((domain, later))
        else:
            used.add(found)
    return missing


@pytest.fixture(autouse=True)
def _fresh_account(emulator: Emulator) -> None:
    """conftest's emulator is shared by the module: each test starts on a fresh account."""
    emulator.reset()


@pytest.fixture
def server(provider: ProviderServer) -> ProviderServer:
    """conftest's provider process, configured against `emulator` at 10000 a minute."""
    return provider


# --- the fault-injection suite ----------------------------------------------------------------

FAULT_RATE = 0.2
DESTROY_FAULT_RATE = 0.1
SLOW_DELAY = 0.6
REQUEST_TIMEOUT = "0.3"
"""Shorter than the slow answers, so that those time out after the API acted on them."""


def spec(number: int) -> tuple[str, dict[str, Any]]:
    mode = ("webhook", "smtp", "forward")[number % 3]
    return f"r{number}", program_inputs(f"d{number}.example.com", mode, enabled=number % 5 != 0)


@pytest.mark.slow
def test_100_creates_under_faults_leave_exactly_what_the_outputs_name() -> None:
    with (
        Emulator(API_KEY) as emulator,
        provider_for(emulator, requestTimeout=REQUEST_TIMEOUT) as server,
    ):
        emulator.fault_mix(FAULT_RATE, seed=5, slow_delay=SLOW_DELAY, retry_after=FAST_RETRY)
        outcomes = in_parallel(lambda s: deploy(server, *s), [spec(n) for n in range(100)])
        log = emulator.requests

        # Every create succeeded or failed with one clear line, naming its domain and why:
        # three lost POSTs in a row, or a lost POST after which the account stayed unreachable.
        failed = [o for o in outcomes if o.error is not None]
        for outcome in failed:
            assert outcome.error is not None
            message = error_line(outcome.error)
            assert f"creating inbound domain {outcome.domain} " in message
            assert "failed: 3 attempts got no clear answer" in message or MAYBE_CREATED in message
        assert len(failed) <= 5
        assert_account_matches(emulator, outcomes)
        assert unmatched_reposts(log) == []

        # The mix did what it says: at least 10% of calls faulted, every kind among them,
        # and some creates were ambiguous (so the reconciliation above was exercised).
        kinds = [r.fault for r in log if r.fault]
        assert len(kinds) >= 0.1 * len(log)
        for kind in ("status 429", "status 502", "status 503", "status 504", "drop", "delay"):
            assert any(k.startswith(kind) for k in kinds), kind
        lost = [r for r in log if (r.method, r.path) == ("POST", DOMAINS) and r.status != 200]
        assert any(r.fault != "status 429" for r in lost)
        assert emulator.count("DELETE", DOMAINS) > 0  # lost creates were removed and redone

        # Destroy, by 4 threads, under faults (fewer: every 5xx costs a backoff of 0.5 s and
        # more). A delete may fail in one line when each of its 6 attempts met a fault:
        # running the destroy again finishes it.
        emulator.fault_mix(
            DESTROY_FAULT_RATE, seed=6, slow_delay=SLOW_DELAY, retry_after=FAST_RETRY
        )
        created = [o for o in outcomes if o.outs is not None]
        errors = in_parallel(destroy(server), created)
        left = [o for o, error in zip(created, errors, strict=True) if error]
        assert len(left) <= 2
        assert all(error is None for error in in_parallel(destroy(server), left))
        assert [d for d in emulator.domains() if d["domain"] not in maybe_created(outcomes)] == []


def destroy(server: ProviderServer) -> Callable[[Outcome], str | None]:
    """Delete, as `pulumi destroy` does: None, or the error's line."""

    def delete(outcome: Outcome) -> str | None:
        try:
            server.delete(outcome.id, outcome.urn, outcome.outs or {})
        except ProviderError as error:
            message = error_line(error)
            assert message.startswith("JetEmail API DELETE /inbound/domains: ")
            return message
        return None

    return delete


def maybe_created(outcomes: Sequence[Outcome]) -> set[str]:
    return {o.domain for o in outcomes if o.error and MAYBE_CREATED in o.error.details}


def test_a_create_that_keeps_getting_lost_fails_in_one_line_and_leaves_nothing(
    emulator: Emulator, server: ProviderServer
) -> None:
    emulator.inject("POST", DOMAINS, status=502, processed=True, times=3)
    outcome = deploy(server, "lost", program_inputs("lost.example.com", "webhook"))
    assert outcome.error is not None
    message = error_line(outcome.error)
    assert "lost.example.com" in message
    assert "3 attempts got no clear answer" in message
    assert "nothing was left on the account" in message
    assert emulator.domains() == []
    assert emulator.count("POST", DOMAINS) == 3
    assert unmatched_reposts(emulator.requests) == []


def test_a_lost_create_that_cannot_be_checked_says_the_domain_may_exist(
    emulator: Emulator, server: ProviderServer
) -> None:
    emulator.inject("POST", DOMAINS, status=504, processed=True)
    emulator.inject("GET", DOMAINS, status=503, retry_after=FAST_RETRY, times=6)
    news = program_inputs("unsure.example.com", "webhook")
    outcome = deploy(server, "unsure", news)
    assert outcome.error is not None
    message = error_line(outcome.error)
    assert "unsure.example.com" in message
    assert MAYBE_CREATED in message
    assert "GET /inbound/domains: 503" in message
    assert emulator.count("POST", DOMAINS) == 1  # never posted again without looking

    # The next deploy says that the domain exists, and how to take it over.
    again = deploy(server, "unsure", news)
    assert again.error is not None
    assert "adopt_existing" in error_line(again.error)
    assert len(emulator.domains()) == 1


def test_a_domain_that_is_not_ours_is_never_deleted_by_reconciliation(
    emulator: Emulator, server: ProviderServer
) -> None:
    # Another tool creates the domain (other settings) while our POST is lost.
    emulator.inject("POST", DOMAINS, status=503)
    emulator.add_domain({"domain": "taken.example.com", "delivery_type": "forward"})
    outcome = deploy(server, "taken", program_inputs("taken.example.com", "smtp"))
    assert outcome.error is not None
    assert "adopt_existing" in error_line(outcome.error)
    (only,) = emulator.domains()
    assert only["delivery_type"] == "forward"
    assert emulator.count("DELETE") == 0


def test_with_adopt_existing_an_ambiguous_create_adopts_what_it_finds(
    emulator: Emulator, server: ProviderServer
) -> None:
    emulator.inject("POST", DOMAINS, drop=True)
    news = {**program_inputs("adopt.example.com", "forward"), "adopt_existing": True}
    outcome = deploy(server, "adopt", news)
    assert outcome.outs is not None
    (only,) = emulator.domains()
    assert outcome.id == only["uuid"]
    assert outcome.outs["adopted"] is True
    assert emulator.count("POST", DOMAINS) == 1


# --- the account's rate limit -------------------------------------------------------------------


@pytest.mark.parametrize(
    "lock",
    [
        pytest.param(lambda emulator: emulator.lock_out(2), id="lock_out(2)"),
        pytest.param(None, id="rate limit of 5 a minute, lockout 2 s"),
    ],
)
def test_a_2_second_lockout_is_waited_out_and_logged(
    lock: Callable[[Emulator], None] | None,
) -> None:
    limit = None if lock is not None else 5
    with (
        Emulator(API_KEY, rate_limit_per_minute=limit, lockout_seconds=2) as emulator,
        provider_for(emulator) as server,
    ):
        names = [f"l{n}.example.com" for n in range(8)]
        checked = [
            server.check(urn(INBOUND, name), {}, program_inputs(name)).inputs for name in names
        ]
        started = time.monotonic()
        if lock is not None:
            lock(emulator)
        created = in_parallel(lambda n: server.create(urn(INBOUND, names[n]), checked[n]), range(8))
        waited = time.monotonic() - started

        assert len({uuid for uuid, _ in created}) == 8
        assert len(emulator.domains()) == 8
        refused = [r for r in emulator.requests if r.status == 429]
        # Each thread met the lockout at most once: the first 429 paused all of them.
        assert 1 <= len(refused) <= WORKERS
        assert waited >= 1.9  # the account reopened 2 s after the lockout began
        assert server.wait_for_stderr("JetEmail rate limit hit (429 on POST /inbound/domains)")
        assert re.search(r"pausing all requests for [12]\.0 s", server.stderr_text())


def test_requests_per_minute_from_stack_config_paces_the_provider() -> None:
    rpm, calls = 600, 20
    burst, interval = default_burst(rpm), 60.0 / rpm  # 10 at once, then one every 0.1 s
    with (
        Emulator(API_KEY) as emulator,
        provider_for(emulator, requestsPerMinute=str(rpm)) as server,
    ):
        existing = emulator.add_domain({"domain": "paced.example.com", "delivery_type": "forward"})
        props = {**program_inputs("paced.example.com"), "uuid": existing["uuid"]}
        the_urn = urn(INBOUND, "paced")
        started = time.monotonic()
        reads = in_parallel(lambda _: server.read(existing["uuid"], the_urn, props), range(calls))
        elapsed = time.monotonic() - started
        assert [r.id for r in reads] == [existing["uuid"]] * calls
        assert emulator.count("GET") == calls
        # No more than `burst` requests at once, then one per interval: an upper bound on the
        # requests in a window, which a slow machine can only make easier to meet.
        assert elapsed >= (calls - burst) * interval - 0.01


# --- partial failures -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"status": 400}, id="400 on the PATCH"),
        pytest.param({"status": 503, "retry_after": FAST_RETRY, "times": 6}, id="persistent 503"),
    ],
)
def test_a_disabled_create_whose_patch_fails_keeps_the_id_and_shows_a_diff(
    fault: dict[str, Any], emulator: Emulator, server: ProviderServer
) -> None:
    emulator.inject("PATCH", SETTINGS, **fault)
    name = f"half{next(NUMBERS)}.example.com"
    news = program_inputs(name, "forward", enabled=False)
    outcome = deploy(server, "half", news)
    assert outcome.outs is not None, outcome.error
    assert emulator.count("PATCH") == fault.get("times", 1)
    (live,) = emulator.domains()
    assert outcome.id == live["uuid"]
    assert (outcome.outs["enabled"], outcome.outs["status"]) == (True, "active")
    assert live["status"] == "active"
    assert outcome.outs["webhook_secret"] == live["webhook_secret"]
    assert server.wait_for_stderr(
        f"inbound domain {name} was created but could not be set to enabled=False"
    )

    checked = server.check(outcome.urn, news, news)
    diff = server.diff(outcome.id, outcome.urn, outcome.outs, checked.inputs)
    assert (diff.changes, diff.replaces) == ("some", [])
    outs = server.update(outcome.id, outcome.urn, outcome.outs, checked.inputs)
    assert (outs["enabled"], emulator.domains()[0]["status"]) == (False, "disabled")


UPDATES = {
    "a new timeout": {"webhook_timeout": 5000},
    "headers removed": {"webhook_headers": None, "webhook_auth_header": None},
    "disabled": {"enabled": False},
    "switch to smtp": {
        "delivery_type": "smtp",
        "smtp_servers": ["relay.example.com:25"],
        "webhook_url": None,
        "webhook_headers": None,
        "webhook_auth_header": None,
    },
    "switch to forward": {
        "delivery_type": "forward",
        "webhook_url": None,
        "webhook_headers": None,
        "webhook_auth_header": None,
    },
}


@pytest.mark.parametrize("change", UPDATES.values(), ids=UPDATES.keys())
def test_an_update_not_read_back_returns_what_was_written(
    change: dict[str, Any], emulator: Emulator, server: ProviderServer
) -> None:
    outcome = deploy(server, "w", program_inputs("w.example.com", "webhook"))
    assert outcome.outs is not None
    news = {**program_inputs("w.example.com", "webhook"), **change}
    news = {k: v for k, v in news.items() if v is not None}
    checked = server.check(outcome.urn, outcome.outs, news)
    assert checked.failures == []
    emulator.inject("GET", SETTINGS, status=503, retry_after=FAST_RETRY, times=6)
    outs = server.update(outcome.id, outcome.urn, outcome.outs, checked.inputs)
    assert emulator.count("GET", SETTINGS) == 6
    assert server.wait_for_stderr(f"inbound domain {outcome.id} was updated but not read back")

    # What the update returned is what a refresh now finds live, and needs no change.
    read = server.read(outcome.id, outcome.urn, outs, checked.inputs)
    assert dict(outs) == dict(read.outs)
    diff = server.diff(outcome.id, outcome.urn, outs, checked.inputs)
    assert diff.changes == "none"


def test_an_update_refused_by_the_api_fails_in_one_line_and_changes_nothing(
    emulator: Emulator, server: ProviderServer
) -> None:
    outcome = deploy(server, "w", program_inputs("refused.example.com", "webhook"))
    assert outcome.outs is not None
    before = emulator.domains()
    news = {**program_inputs("refused.example.com", "webhook"), "webhook_timeout": 5000}
    checked = server.check(outcome.urn, outcome.outs, news)
    emulator.inject("PATCH", SETTINGS, status=400)
    with pytest.raises(ProviderError) as raised:
        server.update(outcome.id, outcome.urn, outcome.outs, checked.inputs)
    message = error_line(raised.value)
    assert f"PATCH /inbound/settings/{outcome.id}: 400" in message
    assert emulator.domains() == before


# --- the request timeout setting ------------------------------------------------------------


def test_request_timeout_defaults_to_30_seconds_with_5_to_connect() -> None:
    settings = ClientSettings.resolve(lambda _key: None, {})
    assert settings.request_timeout == DEFAULT_REQUEST_TIMEOUT == 30.0
    assert _timeout_of(settings) == DEFAULT_TIMEOUT


@pytest.mark.parametrize(
    ("config", "environ", "expected"),
    [
        ({"jetemail:requestTimeout": "2.5"}, {}, 2.5),
        ({"jetemail:requestTimeout": 10}, {"JETEMAIL_REQUEST_TIMEOUT": "3"}, 10.0),
        ({}, {"JETEMAIL_REQUEST_TIMEOUT": " 0.3 "}, 0.3),
    ],
)
def test_request_timeout_comes_from_stack_config_then_the_environment(
    config: dict[str, object], environ: dict[str, str], expected: float
) -> None:
    settings = ClientSettings.resolve(config.get, environ)
    assert settings.request_timeout == expected
    assert _timeout_of(settings).read == expected
    assert _timeout_of(settings).connect == min(5.0, expected)


@pytest.mark.parametrize("value", ["soon", "0", -1, "nan", "inf", 10**4, True])
def test_request_timeout_refuses_nonsense_naming_the_setting(value: object) -> None:
    with pytest.raises(ConfigError, match="jetemail:requestTimeout"):
        ClientSettings.resolve({"jetemail:requestTimeout": value}.get, {})
