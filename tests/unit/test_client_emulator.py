"""The client against the local emulator over loopback: every endpoint, every error class,
and the retry policy against real HTTP (faults injected, sleeps recorded, never slept)."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator

import httpx
import pytest

from pulumi_jetemail.client import JetEmailClient
from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.errors import (
    APIConnectionError,
    APITimeoutError,
    AuthError,
    ConflictError,
    NotFoundError,
    ServerError,
    ValidationError,
)

KEY = "api_emulated_k3y"
UNKNOWN = "00000000-0000-4000-8000-000000000000"
WEBHOOK = {
    "domain": "example.com",
    "delivery_type": "webhook",
    "webhook_url": "https://hooks.example.com/inbound",
}
FORWARD = {"domain": "forward.example", "delivery_type": "forward"}


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(KEY) as emulator:
        yield emulator


class Sleeps(list[float]):
    """A `sleep` that records instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def jet(emu: Emulator, sleeps: Sleeps) -> Iterator[JetEmailClient]:
    with JetEmailClient(KEY, emu.url, requests_per_minute=10_000, sleep=sleeps) as jet:
        yield jet


def test_domain_lifecycle(jet: JetEmailClient, emu: Emulator) -> None:
    created = jet.create_domain(WEBHOOK)
    uuid = created["uuid"]
    assert created["webhook_secret"].startswith("whsec_")
    assert created["domain"] == "example.com"

    assert [row["uuid"] for row in jet.list_domains()] == [uuid]
    assert jet.get_domain(uuid)["webhook_url"] == WEBHOOK["webhook_url"]

    assert jet.update_domain(uuid, {"status": "disabled", "webhook_timeout": 5000}) is None
    read = jet.get_domain(uuid)
    assert (read["status"], read["webhook_timeout"]) == ("disabled", 5000)

    emu.set_dns_verified(uuid, mx=True)
    flags = jet.check_domain(uuid)
    assert flags["forward_mx_verified"] in (1, True)

    assert jet.delete_domain(uuid) is None
    assert jet.list_domains() == []
    with pytest.raises(NotFoundError):
        jet.get_domain(uuid)


def test_forward_rule_lifecycle(jet: JetEmailClient) -> None:
    domain = jet.create_domain(FORWARD)["uuid"]
    rule = jet.create_forward_rule(domain, {"localpart": "Info", "destination": "me@ex.org"})
    assert rule["localpart"] == "info"

    assert [r["uuid"] for r in jet.list_forward_rules(domain)] == [rule["uuid"]]
    assert jet.get_forward_rule(domain, rule["uuid"])["destination"] == "me@ex.org"

    jet.update_forward_rule(domain, rule["uuid"], {"active": False})
    assert jet.get_forward_rule(domain, rule["uuid"])["active"] in (0, False)

    jet.delete_forward_rule(domain, rule["uuid"])
    assert jet.list_forward_rules(domain) == []
    with pytest.raises(NotFoundError):
        jet.get_forward_rule(domain, rule["uuid"])


def test_the_emulator_receives_exactly_the_documented_requests(
    jet: JetEmailClient, emu: Emulator
) -> None:
    uuid = jet.create_domain(WEBHOOK)["uuid"]
    jet.delete_domain(uuid)
    (post, delete) = emu.requests
    assert (post.method, post.path, post.body) == ("POST", "/inbound/domains", WEBHOOK)
    assert (delete.method, delete.path, delete.body) == (
        "DELETE",
        "/inbound/domains",
        {"uuid": uuid},
    )


def test_a_wrong_key_is_a_401_that_never_shows_the_key(emu: Emulator) -> None:
    with JetEmailClient("api_wrong_k3y", emu.url) as client, pytest.raises(AuthError) as caught:
        client.list_domains()
    assert caught.value.status == 401
    assert "api_wrong_k3y" not in str(caught.value)
    assert emu.count("GET", "/inbound/domains") == 1  # not retried


def test_a_transactional_key_is_a_403(emu: Emulator) -> None:
    with (
        JetEmailClient("transactional_abc", emu.url) as client,
        pytest.raises(AuthError) as caught,
    ):
        client.list_domains()
    assert caught.value.status == 403
    assert "transactional_abc" not in str(caught.value)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.get_domain(UNKNOWN), id="get"),
        pytest.param(lambda c: c.update_domain(UNKNOWN, {"status": "active"}), id="update"),
        pytest.param(lambda c: c.delete_domain(UNKNOWN), id="delete"),
        pytest.param(lambda c: c.list_forward_rules(UNKNOWN), id="list rules"),
    ],
)
def test_an_unknown_uuid_is_a_404(jet: JetEmailClient, call: object) -> None:
    with pytest.raises(NotFoundError) as caught:
        call(jet)  # type: ignore[operator]
    assert caught.value.status == 404
    assert caught.value.message


def test_a_duplicate_domain_is_a_409_after_one_post(jet: JetEmailClient, emu: Emulator) -> None:
    jet.create_domain(WEBHOOK)
    with pytest.raises(ConflictError, match="already exists"):
        jet.create_domain({**WEBHOOK, "domain": "EXAMPLE.com"})
    assert emu.count("POST", "/inbound/domains") == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({**WEBHOOK, "domain": "not a domain"}, "domain", id="bad domain"),
        pytest.param({"domain": "example.com"}, "delivery_type", id="missing delivery_type"),
        pytest.param(
            {**FORWARD, "webhook_url": "https://x.example"},
            "webhook_url",
            id="field of another mode",
        ),
        pytest.param(
            {"domain": "example.com", "delivery_type": "smtp"}, "smtp_servers", id="missing servers"
        ),
    ],
)
def test_a_bad_body_is_a_400_naming_the_field(
    jet: JetEmailClient, emu: Emulator, body: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        jet.create_domain(body)
    assert field in caught.value.message
    assert emu.count("POST", "/inbound/domains") == 1


def test_an_empty_update_is_a_400(jet: JetEmailClient) -> None:
    uuid = jet.create_domain(FORWARD)["uuid"]
    with pytest.raises(ValidationError):
        jet.update_domain(uuid, {})


def test_a_get_rides_out_two_503s(jet: JetEmailClient, emu: Emulator, sleeps: Sleeps) -> None:
    emu.inject("GET", "/inbound/domains", status=503, times=2)
    assert jet.list_domains() == []
    assert emu.count("GET", "/inbound/domains") == 3
    assert len(sleeps) == 2


def test_a_429_is_waited_out_and_logged(
    jet: JetEmailClient, emu: Emulator, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    emu.inject("GET", "/inbound/domains", status=429, retry_after=2)
    with caplog.at_level(logging.WARNING, logger="pulumi_jetemail"):
        assert jet.list_domains() == []
    assert emu.count("GET", "/inbound/domains") == 2
    assert sum(sleeps) == pytest.approx(2.0, abs=0.1)
    assert "pausing all requests for 2.0 s" in caplog.text


def test_an_ambiguous_create_is_not_sent_again(jet: JetEmailClient, emu: Emulator) -> None:
    emu.inject("POST", "/inbound/domains", status=502, processed=True)
    with pytest.raises(ServerError) as caught:
        jet.create_domain(WEBHOOK)
    assert caught.value.maybe_processed
    assert emu.count("POST", "/inbound/domains") == 1
    # ...and indeed the domain exists: the provider must list before posting again.
    assert [row["domain"] for row in jet.list_domains()] == ["example.com"]


def test_a_create_dropped_after_processing_is_not_sent_again(
    jet: JetEmailClient, emu: Emulator
) -> None:
    emu.inject("POST", "/inbound/domains", drop=True)
    with pytest.raises(APIConnectionError) as caught:
        jet.create_domain(WEBHOOK)
    assert caught.value.maybe_processed
    assert emu.count("POST", "/inbound/domains") == 1


def test_a_dropped_read_is_retried(jet: JetEmailClient, emu: Emulator) -> None:
    uuid = jet.create_domain(FORWARD)["uuid"]
    emu.inject("GET", f"/inbound/settings/{uuid}", drop=True)
    assert jet.get_domain(uuid)["uuid"] == uuid
    assert emu.count("GET", f"/inbound/settings/{uuid}") == 2


def test_a_slow_answer_times_out_and_the_read_is_retried(emu: Emulator, sleeps: Sleeps) -> None:
    emu.inject("GET", "/inbound/domains", delay=1.0)
    with JetEmailClient(KEY, emu.url, timeout=httpx.Timeout(0.2), sleep=sleeps) as client:
        assert client.list_domains() == []
    assert emu.count("GET", "/inbound/domains") == 2


def test_a_slow_create_times_out_as_ambiguous(emu: Emulator, sleeps: Sleeps) -> None:
    emu.inject("POST", "/inbound/domains", delay=1.0)
    with (
        JetEmailClient(KEY, emu.url, timeout=httpx.Timeout(0.2), sleep=sleeps) as client,
        pytest.raises(APITimeoutError) as caught,
    ):
        client.create_domain(WEBHOOK)
    assert caught.value.maybe_processed
    assert emu.count("POST", "/inbound/domains") == 1


def test_nobody_listening_is_a_connection_error_where_nothing_was_sent(sleeps: Sleeps) -> None:
    with socket.socket() as probe:  # a loopback port that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (
        JetEmailClient(KEY, f"http://127.0.0.1:{port}", max_retries=2, sleep=sleeps) as client,
        pytest.raises(APIConnectionError) as caught,
    ):
        client.create_domain(WEBHOOK)
    assert caught.value.maybe_processed is False
    assert len(sleeps) == 2  # a create that never left is safe to retry
    assert f"127.0.0.1:{port}" in str(caught.value)


def test_threads_share_one_client_safely(jet: JetEmailClient, emu: Emulator) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            uuid = jet.create_domain({**FORWARD, "domain": f"d{n}.example"})["uuid"]
            jet.update_domain(uuid, {"status": "disabled"})
            assert jet.get_domain(uuid)["status"] == "disabled"
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(jet.list_domains()) == 8
    assert emu.count("POST", "/inbound/domains") == 8
