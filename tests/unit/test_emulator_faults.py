"""The emulator's injected faults, fault mix, rate limit, lockout, latency and request log."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from helpers import API_KEY

from pulumi_jetemail.emulator import Emulator, RecordedRequest

KEY = API_KEY
AUTH = {"Authorization": f"Bearer {KEY}"}
DOMAINS = "/inbound/domains"


@pytest.fixture
def limited() -> Iterator[tuple[Emulator, httpx.Client]]:
    """An emulator allowing 5 requests a minute, with a 1 s lockout."""
    with (
        Emulator(KEY, rate_limit_per_minute=5, lockout_seconds=1) as emulator,
        httpx.Client(base_url=emulator.url, headers=AUTH, timeout=5) as http,
    ):
        yield emulator, http


def domain_body(number: int = 0) -> dict[str, Any]:
    return {"domain": f"d{number}.example.com", "delivery_type": "forward"}


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


# --- injected faults ------------------------------------------------------------------------


def test_inject_status_answers_it_without_touching_the_store(
    http: httpx.Client, emu: Emulator
) -> None:
    emu.inject("POST", DOMAINS, status=503)
    response = http.post(DOMAINS, json=domain_body())
    assert response.status_code == 503
    assert response.json()["success"] is False
    assert "503" in response.json()["error"]
    assert "retry-after" not in response.headers
    assert emu.domains() == []
    assert http.post(DOMAINS, json=domain_body()).status_code == 200  # used up


def test_inject_processed_status_applies_the_request_first(
    http: httpx.Client, emu: Emulator
) -> None:
    emu.inject("POST", DOMAINS, status=502, processed=True)
    assert http.post(DOMAINS, json=domain_body()).status_code == 502
    assert [d["domain"] for d in emu.domains()] == ["d0.example.com"]
    assert http.post(DOMAINS, json=domain_body()).status_code == 409


@pytest.mark.parametrize(("retry_after", "header"), [(2, "2"), (0.05, "0.05")])
def test_inject_retry_after_sets_the_header(
    http: httpx.Client, emu: Emulator, retry_after: float, header: str
) -> None:
    emu.inject("GET", DOMAINS, status=429, retry_after=retry_after)
    response = http.get(DOMAINS)
    assert (response.status_code, response.headers["retry-after"]) == (429, header)


def test_inject_times_faults_that_many_matching_requests(http: httpx.Client, emu: Emulator) -> None:
    emu.inject("GET", DOMAINS, status=504, times=2)
    statuses = [http.get(DOMAINS).status_code for _ in range(3)]
    assert statuses == [504, 504, 200]


def test_inject_leaves_other_methods_and_paths_alone(http: httpx.Client, emu: Emulator) -> None:
    emu.inject("POST", DOMAINS, status=500)
    assert http.get(DOMAINS).status_code == 200
    assert http.get("/inbound/settings/x").status_code == 404
    assert http.post(DOMAINS, json=domain_body()).status_code == 500


def test_inject_any_method_and_path_prefix(http: httpx.Client, emu: Emulator) -> None:
    uuid = emu.add_domain(domain_body())["uuid"]
    emu.inject("*", "/inbound/settings/*", status=500, times=2)
    assert http.get(DOMAINS).status_code == 200
    assert http.get(f"/inbound/settings/{uuid}").status_code == 500
    assert http.patch(f"/inbound/settings/{uuid}", json={"status": "disabled"}).status_code == 500
    assert http.get(f"/inbound/settings/{uuid}").json()["result"]["status"] == "active"


def test_inject_faults_are_used_in_the_order_injected(http: httpx.Client, emu: Emulator) -> None:
    emu.inject("GET", DOMAINS, status=503)
    emu.inject("*", "*", status=502)
    assert [http.get(DOMAINS).status_code for _ in range(3)] == [503, 502, 200]


def test_inject_drop_applies_the_request_then_gives_no_answer(
    http: httpx.Client, emu: Emulator
) -> None:
    emu.inject("POST", DOMAINS, drop=True)
    with pytest.raises(httpx.RemoteProtocolError):
        http.post(DOMAINS, json=domain_body())
    assert [d["domain"] for d in emu.domains()] == ["d0.example.com"]
    assert http.get(DOMAINS).status_code == 200  # the http recovers on a new connection
    assert emu.requests[0] == RecordedRequest("POST", DOMAINS, domain_body(), None, "drop")


def test_inject_drop_logs_no_error_or_traceback(
    http: httpx.Client, emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    emu.inject("GET", DOMAINS, drop=True)
    with pytest.raises(httpx.TransportError):
        http.get(DOMAINS)
    assert http.get(DOMAINS).status_code == 200
    assert [
        record.getMessage() for record in caplog.records if record.name.startswith("uvicorn")
    ] == []


def test_inject_delay_answers_late_after_applying(http: httpx.Client, emu: Emulator) -> None:
    emu.inject("POST", DOMAINS, delay=0.2)
    started = time.monotonic()
    assert http.post(DOMAINS, json=domain_body()).status_code == 200
    assert time.monotonic() - started >= 0.2
    emu.inject("POST", DOMAINS, delay=2)
    with pytest.raises(httpx.ReadTimeout):
        http.post(DOMAINS, json=domain_body(1), timeout=0.2)
    wait_until(lambda: len(emu.domains()) == 2)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"status": 503, "drop": True},
        {"status": 200},
        {"drop": True, "processed": True},
        {"drop": True, "retry_after": 1},
        {"status": 503, "times": 0},
        {"delay": -1},
    ],
    ids=[
        "no fault",
        "status and drop",
        "success status",
        "processed drop",
        "drop retry_after",
        "zero times",
        "negative delay",
    ],
)
def test_inject_refuses_a_meaningless_fault(emu: Emulator, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        emu.inject("GET", DOMAINS, **kwargs)


# --- fault mix ------------------------------------------------------------------------------


def run_mix(
    emu: Emulator, http: httpx.Client, seed: int, count: int = 60
) -> list[tuple[int | None, str | None]]:
    """`count` creates under a 50% fault mix; each request's (status, fault) from the log."""
    emu.reset()
    emu.fault_mix(0.5, seed=seed, slow_delay=0.01, retry_after=0.01)
    for number in range(count):
        with contextlib.suppress(httpx.TransportError):
            http.post(DOMAINS, json=domain_body(number))
    emu.fault_mix(0)
    return [(r.status, r.fault) for r in emu.requests]


def test_fault_mix_same_seed_gives_the_same_faults(http: httpx.Client, emu: Emulator) -> None:
    first = run_mix(emu, http, seed=7)
    assert run_mix(emu, http, seed=7) == first
    assert run_mix(emu, http, seed=8) != first


def test_fault_mix_gives_every_kind_and_applies_what_it_says(
    http: httpx.Client, emu: Emulator
) -> None:
    emu.fault_mix(0.5, seed=3, slow_delay=0.01, retry_after=0.01)
    answers: list[httpx.Response | None] = []
    for number in range(100):
        try:
            answers.append(http.post(DOMAINS, json=domain_body(number)))
        except httpx.TransportError:
            answers.append(None)
    log = emu.requests
    faults = [record.fault for record in log]
    assert 30 <= sum(fault is not None for fault in faults) <= 70
    kinds = {
        fault.split()[0] + (" processed" if "processed" in fault else "")
        for fault in faults
        if fault
    }
    assert kinds == {"status", "status processed", "drop", "delay"}
    assert {f for f in faults if f and f.startswith("status 429")} == {"status 429"}
    for answer, record in zip(answers, log, strict=True):
        assert (answer is None) == (record.fault == "drop")
        if answer is not None:
            assert answer.status_code == record.status
            assert ("retry-after" in answer.headers) == (answer.status_code == 429)
    applied = [
        record.body["domain"]
        for record in log
        if record.status == 200 or record.fault == "drop" or "processed" in (record.fault or "")
    ]
    assert sorted(d["domain"] for d in emu.domains()) == sorted(applied)


def test_fault_mix_zero_turns_it_off(http: httpx.Client, emu: Emulator) -> None:
    emu.fault_mix(1.0, seed=1, drop_share=0, slow_share=0, statuses=(503,))
    assert http.get(DOMAINS).status_code == 503
    emu.fault_mix(0)
    assert [http.get(DOMAINS).status_code for _ in range(10)] == [200] * 10


def test_fault_mix_comes_after_injected_faults(http: httpx.Client, emu: Emulator) -> None:
    emu.fault_mix(1.0, drop_share=0, slow_share=0, statuses=(503,))
    emu.inject("GET", DOMAINS, status=418)
    assert [http.get(DOMAINS).status_code for _ in range(2)] == [418, 503]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rate": 1.5},
        {"rate": 0.5, "drop_share": 0.7, "slow_share": 0.7},
        {"rate": 0.5, "statuses": ()},
    ],
    ids=["rate above 1", "shares above 1", "no statuses"],
)
def test_fault_mix_refuses_impossible_settings(emu: Emulator, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        emu.fault_mix(**kwargs)


# --- rate limit and lockout -------------------------------------------------------------------


def test_rate_limit_over_the_window_locks_the_whole_account_out(
    limited: tuple[Emulator, httpx.Client],
) -> None:
    emu, http = limited
    assert [http.get(DOMAINS).status_code for _ in range(5)] == [200] * 5
    started = time.monotonic()
    over = http.get(DOMAINS)
    assert (over.status_code, over.headers["retry-after"]) == (429, "1")
    assert over.json()["success"] is False
    blocked = http.post(DOMAINS, json=domain_body())  # another route, same account
    assert blocked.status_code == 429
    assert emu.domains() == []
    wait_until(lambda: http.get(DOMAINS).status_code == 200)
    assert time.monotonic() - started >= 0.9
    assert emu.requests[5].fault is None  # a real 429, not an injected one


def test_rate_limit_ignores_unauthenticated_requests(
    limited: tuple[Emulator, httpx.Client],
) -> None:
    _, http = limited
    wrong = {"Authorization": "Bearer api_wrong"}
    assert {http.get(DOMAINS, headers=wrong).status_code for _ in range(10)} == {401}
    assert [http.get(DOMAINS).status_code for _ in range(6)] == [200] * 5 + [429]


def test_rate_limit_ignores_unprocessed_injected_faults(
    limited: tuple[Emulator, httpx.Client],
) -> None:
    emu, http = limited
    emu.inject("GET", DOMAINS, status=503, times=5)
    assert [http.get(DOMAINS).status_code for _ in range(11)] == [503] * 5 + [200] * 5 + [429]


def test_rate_limit_retry_after_is_the_lockout_rounded_up() -> None:
    with (
        Emulator(KEY, rate_limit_per_minute=1, lockout_seconds=2.5) as emu,
        httpx.Client(base_url=emu.url, headers=AUTH) as http,
    ):
        assert http.get(DOMAINS).status_code == 200
        assert http.get(DOMAINS).headers["retry-after"] == "3"
        assert int(http.get(DOMAINS).headers["retry-after"]) in (2, 3)


def test_rate_limit_default_lockout_is_five_minutes() -> None:
    with (
        Emulator(KEY, rate_limit_per_minute=1) as emu,
        httpx.Client(base_url=emu.url, headers=AUTH) as http,
    ):
        http.get(DOMAINS)
        assert http.get(DOMAINS).headers["retry-after"] == "300"


def test_lock_out_blocks_every_call_until_it_ends(http: httpx.Client, emu: Emulator) -> None:
    emu.lock_out(0.3)
    response = http.get(DOMAINS)
    assert (response.status_code, response.headers["retry-after"]) == (429, "1")
    assert http.post(DOMAINS, json=domain_body()).status_code == 429
    wait_until(lambda: http.get(DOMAINS).status_code == 200)
    assert http.post(DOMAINS, json=domain_body()).status_code == 200


def test_emulator_refuses_a_zero_rate_limit() -> None:
    with pytest.raises(ValueError, match="rate_limit_per_minute"):
        Emulator(KEY, rate_limit_per_minute=0)


# --- latency ------------------------------------------------------------------------------------


def test_latency_delays_every_answer_without_serialising_them(
    http: httpx.Client, emu: Emulator
) -> None:
    emu.latency = 0.2
    assert emu.latency == 0.2
    durations: list[float] = []

    def call() -> None:
        started = time.monotonic()
        with httpx.Client(base_url=emu.url, headers=AUTH) as own:
            own.get(DOMAINS)
        durations.append(time.monotonic() - started)

    started = time.monotonic()
    callers = [threading.Thread(target=call) for _ in range(4)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(5)
    assert len(durations) == 4
    assert min(durations) >= 0.2
    assert time.monotonic() - started < 0.7  # four 0.2 s answers at once, not one after another
    emu.latency = 0
    started = time.monotonic()
    http.get(DOMAINS)
    assert time.monotonic() - started < 0.2


def test_latency_can_be_set_at_construction() -> None:
    with (
        Emulator(KEY, latency=0.1) as emu,
        httpx.Client(base_url=emu.url, headers=AUTH) as http,
    ):
        started = time.monotonic()
        http.get(DOMAINS)
        assert time.monotonic() - started >= 0.1


# --- request log --------------------------------------------------------------------------------


def test_request_log_records_every_request_with_body_and_status(
    http: httpx.Client, emu: Emulator
) -> None:
    uuid = emu.add_domain(domain_body())["uuid"]
    http.patch(f"/inbound/settings/{uuid}", json={"status": "disabled"})
    http.get(DOMAINS, headers={"Authorization": "Bearer api_wrong"})
    http.post(DOMAINS, content=b"not json")
    emu.inject("DELETE", DOMAINS, status=503)
    http.request("DELETE", DOMAINS, json={"uuid": uuid})
    assert emu.requests == [
        RecordedRequest("PATCH", f"/inbound/settings/{uuid}", {"status": "disabled"}, 200, None),
        RecordedRequest("GET", DOMAINS, None, 401, None),
        RecordedRequest("POST", DOMAINS, None, 400, None),
        RecordedRequest("DELETE", DOMAINS, {"uuid": uuid}, 503, "status 503"),
    ]


def test_request_log_count_by_method_and_path_prefix(http: httpx.Client, emu: Emulator) -> None:
    uuid = emu.add_domain(domain_body())["uuid"]
    http.get(DOMAINS)
    http.get(f"/inbound/settings/{uuid}")
    http.patch(f"/inbound/settings/{uuid}", json={"status": "disabled"})
    assert emu.count() == 3
    assert emu.count("GET") == 2
    assert emu.count("get", DOMAINS) == 1
    assert emu.count(path="/inbound/settings/*") == 2
    assert emu.count("PATCH", "/inbound/*") == 1
    assert emu.count(path="/inbound/settings") == 0
    emu.clear_log()
    assert (emu.count(), emu.requests) == (0, [])
