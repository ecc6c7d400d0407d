"""DomainVerification's lifecycle against the emulator over loopback: a create that waits until
the records verify (the emulator flips them after some checks), one that times out naming each
record to publish, the engine's timeout over the input's, refresh after a flag drops, and the
requests a long wait costs. The waits run on a fake clock: nothing here sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from helpers import API_KEY, FakeTime

from pulumi_jetemail._lifecycle import (
    CheckRequest,
    CreateRequest,
    DeleteRequest,
    DiffRequest,
    ReadRequest,
)
from pulumi_jetemail.client import JetEmailClient
from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.errors import JetEmailError
from pulumi_jetemail.resources.domain_verification import DOMAIN_VERIFICATION
from pulumi_jetemail.resources.domain_verification.lifecycle import VerificationLifecycle


@pytest.fixture
def client(emulator: Emulator) -> Iterator[JetEmailClient]:
    with JetEmailClient(API_KEY, emulator.url, requests_per_minute=10_000) as c:
        yield c


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


@pytest.fixture
def life(fake: FakeTime, monkeypatch: pytest.MonkeyPatch) -> VerificationLifecycle:
    lifecycle = VerificationLifecycle(DOMAIN_VERIFICATION, clock=fake.clock, sleep=fake.sleep)
    monkeypatch.setattr("pulumi_jetemail._lifeline.engine_alive", lambda *a: True)
    return lifecycle


def checks(emu: Emulator) -> int:
    """The DNS checks the emulator was asked for (`POST /inbound/domains/{uuid}/check`)."""
    return sum(1 for r in emu.requests if r.method == "POST" and r.path.endswith("/check"))


def _inputs(life: VerificationLifecycle, **news: Any) -> dict[str, Any]:
    result = life.check(CheckRequest(news))
    assert result.failures == []
    return result.inputs


def _forward(emu: Emulator, name: str = "wait.example.com") -> str:
    return str(emu.add_domain({"domain": name, "delivery_type": "forward"})["uuid"])


def test_a_create_waits_until_the_records_verify(
    emu: Emulator, client: JetEmailClient, life: VerificationLifecycle, fake: FakeTime
) -> None:
    uuid = _forward(emu)
    emu.verify_after(uuid, checks=3)
    said: list[str] = []
    inputs = _inputs(life, domain_uuid=uuid, poll_seconds=2)
    created = life.create(CreateRequest(lambda: client, inputs, progress=said.append))
    assert created.id == uuid
    assert created.state["verified"] is True
    assert created.state["domain"] == "wait.example.com"
    assert all(created.state[f"forward_{n}_verified"] for n in ("mx", "dkim", "spf", "dmarc"))
    assert created.state["verified_at"] > 0
    assert checks(emu) == 3
    assert fake.sleeps == [2.0, 3.0]  # backoff: half as long again
    assert len(said) == 2
    assert "MX, DKIM, SPF, DMARC not verified yet" in said[0]


def test_only_the_wanted_records_are_waited_for(
    emu: Emulator, client: JetEmailClient, life: VerificationLifecycle
) -> None:
    uuid = _forward(emu)
    emu.verify_after(uuid, checks=2, flags=("mx",))
    inputs = _inputs(life, domain_uuid=uuid, records=["MX"], poll_seconds=1)
    created = life.create(CreateRequest(lambda: client, inputs))
    assert created.state["verified"] is True
    assert created.state["forward_mx_verified"] is True
    assert created.state["forward_dkim_verified"] is False


def test_a_wait_that_times_out_names_each_record_to_publish(
    emu: Emulator, client: JetEmailClient, life: VerificationLifecycle, fake: FakeTime
) -> None:
    uuid = _forward(emu, "late.example.com")
    emu.set_dns_verified(uuid, mx=True)
    inputs = _inputs(life, domain_uuid=uuid, timeout_seconds=30, poll_seconds=10)
    with pytest.raises(JetEmailError) as failed:
        life.create(CreateRequest(lambda: client, inputs))
    message = str(failed.value)
    assert "late.example.com" in message
    assert "did not verify in 30 s" in message
    assert "MX:" not in message  # that one verified
    assert "DKIM: CNAME je1._domainkey.late.example.com -> inbound.jetsmtp.net" in message
    assert "SPF: TXT late.example.com -> v=spf1 include:inbound-spf.jetsmtp.net -all" in message
    assert "DMARC: TXT _dmarc.late.example.com -> v=DMARC1; p=none" in message
    assert sum(fake.sleeps) == 30  # waited the whole bound, and no longer
    assert checks(emu) == 4  # at 0, 10, 25 and 30 s


def test_the_engines_timeout_wins_over_the_input(
    emu: Emulator, client: JetEmailClient, life: VerificationLifecycle, fake: FakeTime
) -> None:
    uuid = _forward(emu)
    inputs = _inputs(life, domain_uuid=uuid, timeout_seconds=3600, poll_seconds=1)
    with pytest.raises(JetEmailError, match="did not verify in 5 s"):
        life.create(CreateRequest(lambda: client, inputs, timeout=5.0))
    assert sum(fake.sleeps) == 5


def test_the_default_wait_is_ten_minutes_and_stays_far_inside_the_budget(
    emu: Emulator, client: JetEmailClient, life: VerificationLifecycle, fake: FakeTime
) -> None:
    uuid = _forward(emu)
    inputs = _inputs(life, domain_uuid=uuid)
    with pytest.raises(JetEmailError, match="did not verify in 600 s"):
        life.create(CreateRequest(lambda: client, inputs))
    asked = checks(emu)
    assert sum(fake.sleeps) == 600
    assert max(fake.sleeps) <= 60  # at least one check a minute
    assert asked <= 20  # 10 minutes of waiting: under 2 requests a minute, of the 240 allowed


def test_a_domain_not_in_forward_mode_is_refused_before_any_check(
    emu: Emulator, client: JetEmailClient, life: VerificationLifecycle
) -> None:
    uuid = emu.add_domain(
        {"domain": "hooks.example.com", "delivery_type": "webhook", "webhook_url": "https://h.x/"}
    )["uuid"]
    inputs = _inputs(life, domain_uuid=uuid)
    with pytest.raises(JetEmailError, match=r"delivery_type 'webhook'.*forward"):
        life.create(CreateRequest(lambda: client, inputs))
    assert checks(emu) == 0


def test_a_preview_sends_nothing_and_plans_the_flags_unknown(
    emu: Emulator, life: VerificationLifecycle
) -> None:
    inputs = _inputs(life, domain_uuid="0b0c2f4e-5a8b-4c1d-9e2f-3a4b5c6d7e8f")

    def no_client() -> JetEmailClient:
        raise AssertionError("a preview needs no client")

    planned = life.create(CreateRequest(no_client, inputs, preview=True))
    assert planned.id == ""
    assert type(planned.state["verified"]).__name__ == "Unknown"
    assert emu.requests == []


def test_refresh_reads_the_flags_without_a_check_and_shows_a_drop(
    emu: Emulator, client: JetEmailClient, life: VerificationLifecycle
) -> None:
    uuid = _forward(emu)
    emu.verify_after(uuid, checks=1)
    inputs = _inputs(life, domain_uuid=uuid)
    created = life.create(CreateRequest(lambda: client, inputs))
    emu.set_dns_verified(uuid, dkim=False)
    emu.clear_log()
    read = life.read(ReadRequest(lambda: client, uuid, created.state))
    assert read is not None
    assert read.state["forward_dkim_verified"] is False
    assert read.state["verified"] is False
    assert read.inputs["records"] == ["mx", "spf", "dmarc"]  # what the wait still covers
    assert life.diff(DiffRequest(uuid, read.state, inputs)).replaces == ("records",)
    assert checks(emu) == 0
    emu.remove_domain(uuid)
    assert life.read(ReadRequest(lambda: client, uuid, created.state)) is None


def test_delete_removes_nothing(
    emu: Emulator, client: JetEmailClient, life: VerificationLifecycle
) -> None:
    uuid = _forward(emu)
    emu.clear_log()
    life.delete(DeleteRequest(lambda: client, uuid, {"domain_uuid": uuid}))
    assert emu.requests == []
    assert emu.domain(uuid) is not None


@pytest.mark.parametrize(
    ("news", "property_", "words"),
    [
        ({"records": []}, "records", "must be a list"),
        ({"records": ["mx", "mx"]}, "records", "listed twice"),
        ({"records": ["a"]}, "records", "is not a record"),
        ({"timeout_seconds": 0}, "timeout_seconds", "from 1 to 86400"),
        ({"poll_seconds": 1.5}, "poll_seconds", "whole number"),
        ({"domain_uuid": "nope"}, "domain_uuid", "pass domain.id"),
    ],
)
def test_bad_inputs_fail_at_check_naming_the_property(
    life: VerificationLifecycle, news: dict[str, Any], property_: str, words: str
) -> None:
    base = {"domain_uuid": "0b0c2f4e-5a8b-4c1d-9e2f-3a4b5c6d7e8f"}
    failures = life.check(CheckRequest({**base, **news})).failures
    assert [f.property for f in failures] == [property_]
    assert words in failures[0].message
