"""ForwardRule through `python -m pulumi.dynamic` over gRPC, as the engine drives it, against
the emulator: the lifecycle of a rule on a forward-mode domain created through the provider,
the failures a user meets and what they read, and the forward-mode outputs of InboundDomain."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from helpers import API_KEY, INBOUND, RULE, Deployed, registered
from pulumi.output import Unknown

from pulumi_jetemail import ForwardRule
from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.testing import ProviderError, ProviderServer, urn

_names = itertools.count()
DESTINATION = "team@example.net"


def fresh_domain() -> str:
    return f"fr{next(_names)}.example.com"


def forward_domain(provider: ProviderServer) -> Deployed:
    return Deployed(
        provider, INBOUND, "fwd", {"domain": fresh_domain(), "delivery_type": "forward"}
    )


@pytest.fixture
def domain(provider: ProviderServer, emulator: Emulator) -> Deployed:
    """A forward-mode InboundDomain created through the provider; the request log cleared."""
    deployed = forward_domain(provider)
    emulator.clear_log()
    return deployed


def rule_inputs(domain: Deployed, **overrides: Any) -> dict[str, Any]:
    return {"domain_uuid": domain.id, "localpart": "sales", "destination": DESTINATION, **overrides}


def deploy_rule(provider: ProviderServer, domain: Deployed, **overrides: Any) -> Deployed:
    return Deployed(provider, RULE, "rule", rule_inputs(domain, **overrides))


def create_failure(provider: ProviderServer, inputs: dict[str, Any]) -> str:
    """Check then Create inputs that pass check but fail at apply; the message a user reads."""
    news = registered(lambda: ForwardRule("bad", **inputs))
    checked = provider.check(urn(RULE, "bad"), {}, news)
    assert checked.failures == []
    with pytest.raises(ProviderError) as failure:
        provider.create(urn(RULE, "bad"), checked.inputs)
    return error_line(failure.value)


def error_line(failure: ProviderError) -> str:
    """The provider's message: the last line of the traceback the SDK sends the engine, which
    must hold the whole message (one line) and never a credential."""
    assert API_KEY not in failure.details
    assert "Bearer" not in failure.details
    last = failure.details.strip().splitlines()[-1]
    prefix = "pulumi_jetemail.errors.JetEmailError: "
    assert last.startswith(prefix), failure.details
    return last.removeprefix(prefix)


def api(emulator: Emulator) -> httpx.Client:
    """Another tool on the same account: raw HTTP, not this package's client."""
    return httpx.Client(base_url=emulator.url, headers={"Authorization": f"Bearer {API_KEY}"})


def rules_path(domain_uuid: str) -> str:
    return f"/inbound/domains/{domain_uuid}/forward-rules"


def last_body(emulator: Emulator, method: str) -> Any:
    return next(r.body for r in reversed(emulator.requests) if r.method == method)


# --------------------------------------------------------------------------------- check


@pytest.mark.parametrize(
    ("inputs", "prop"),
    [
        pytest.param({"localpart": "sales@example.com"}, "localpart", id="localpart with an @"),
        pytest.param({"localpart": "a" * 65}, "localpart", id="localpart over 64 characters"),
        pytest.param({"localpart": "two words"}, "localpart", id="localpart with a space"),
        pytest.param({"localpart": "a..b"}, "localpart", id="localpart with a double dot"),
        pytest.param({"destination": "team"}, "destination", id="destination without a domain"),
        pytest.param(
            {"destination": "Team <team@example.net>"},
            "destination",
            id="destination with a display name",
        ),
        pytest.param({"destination": None}, "destination", id="destination missing"),
        pytest.param({"domain_uuid": "example.com"}, "domain_uuid", id="domain_uuid not a uuid"),
        pytest.param(
            {"domain_uuid": "00000000-0000-1000-8000-000000000000"},
            "domain_uuid",
            id="domain_uuid not a v4 uuid",
        ),
        pytest.param({"domain_uuid": None}, "domain_uuid", id="domain_uuid missing"),
    ],
)
def test_preview_rejects_a_bad_rule_naming_its_property_before_anything_is_sent(
    provider: ProviderServer, emulator: Emulator, inputs: dict[str, Any], prop: str
) -> None:
    valid = {
        "domain_uuid": "6f1c2a9e-3b7d-4c1e-9a2b-1d2e3f4a5b6c",
        "localpart": "sales",
        "destination": DESTINATION,
    }
    news = registered(lambda: ForwardRule("bad", **{**valid, **inputs}))
    emulator.clear_log()
    checked = provider.check(urn(RULE, "bad"), {}, news)
    assert [p for p, _ in checked.failures] == [prop]
    assert not checked.failures[0][1].startswith(prop)  # the engine prints the name already
    assert emulator.requests == []


def test_preview_passes_an_unknown_domain_uuid_through(provider: ProviderServer) -> None:
    news = registered(
        lambda: ForwardRule(
            "u", domain_uuid="x", localpart=" Sales ", destination="Team@Example.NET"
        )
    )
    news["domain_uuid"] = Unknown()  # the domain is created in the same deploy
    checked = provider.check(urn(RULE, "u"), {}, news)
    assert checked.failures == []
    assert isinstance(checked.inputs["domain_uuid"], Unknown)
    assert checked.inputs["localpart"] == "sales"
    assert checked.inputs["destination"] == "Team@example.net"
    assert checked.inputs["active"] is True


# ------------------------------------------------------------------------ create and read


def test_create_stores_the_rule_and_a_second_preview_is_quiet(
    provider: ProviderServer, emulator: Emulator, domain: Deployed
) -> None:
    rule = deploy_rule(provider, domain, localpart="Sales", destination="Team@Example.NET")

    (live,) = emulator.rules(domain.id)
    assert (live["uuid"], live["localpart"], live["destination"]) == (
        rule.id,
        "sales",
        "Team@example.net",
    )
    assert (live["active"], live["verified"]) == (1, 0)
    assert last_body(emulator, "POST") == {
        "localpart": "sales",
        "destination": "Team@example.net",
        "active": True,
    }
    assert emulator.count("POST") == 1
    assert rule.outs == {
        **rule.inputs,
        "uuid": rule.id,
        "verified": False,
        "created_at": live["created_at"],
    }
    assert float(rule.outs["created_at"]).is_integer()
    assert abs(rule.outs["created_at"] - time.time()) < 60
    assert rule.plan(**rule_inputs(domain, localpart="SALES", destination="Team@example.net"))[
        :2
    ] == ("none", [])


def test_catch_all_rule_is_created_and_previews_quietly(
    provider: ProviderServer, emulator: Emulator, domain: Deployed
) -> None:
    rule = deploy_rule(provider, domain, localpart="*")
    assert [r["localpart"] for r in emulator.rules(domain.id)] == ["*"]
    assert rule.outs["localpart"] == "*"
    assert rule.plan(**rule_inputs(domain, localpart="*"))[:2] == ("none", [])


def test_inactive_rule_is_created_inactive(
    provider: ProviderServer, emulator: Emulator, domain: Deployed
) -> None:
    rule = deploy_rule(provider, domain, active=False)
    assert emulator.rules(domain.id)[0]["active"] == 0
    assert rule.outs["active"] is False
    assert rule.plan(**rule_inputs(domain, active=False))[:2] == ("none", [])


def test_refresh_picks_up_verification_without_drift(
    provider: ProviderServer, emulator: Emulator, domain: Deployed
) -> None:
    rule = deploy_rule(provider, domain)
    emulator.set_rule_verified(domain.id, rule.id)
    read = rule.refresh()
    assert read.id == rule.id
    assert read.outs["verified"] is True
    assert rule.plan(**rule_inputs(domain))[:2] == ("none", [])


@pytest.mark.parametrize(
    "sent_as",
    [
        pytest.param("inputs", id="as the engine sends a get: inputs only"),
        pytest.param("properties", id="as old properties"),
    ],
)
def test_get_reads_a_rule_given_only_its_domain_uuid(
    provider: ProviderServer, emulator: Emulator, domain: Deployed, sent_as: str
) -> None:
    rule = deploy_rule(provider, domain, localpart="Billing")
    emulator.set_rule_verified(domain.id, rule.id)
    looked_up = {"__provider": rule.inputs["__provider"], "domain_uuid": domain.id}
    if sent_as == "inputs":
        read = provider.read(rule.id, urn(RULE, "looked-up"), {}, looked_up)
    else:
        read = provider.read(rule.id, urn(RULE, "looked-up"), looked_up)
    assert read.id == rule.id
    assert {k: v for k, v in read.outs.items() if k != "__provider"} == {
        "domain_uuid": domain.id,
        "localpart": "billing",
        "destination": DESTINATION,
        "active": True,
        "uuid": rule.id,
        "verified": True,
        "created_at": rule.outs["created_at"],
    }


def test_get_without_a_domain_uuid_fails_naming_it(
    provider: ProviderServer, domain: Deployed
) -> None:
    rule = deploy_rule(provider, domain)
    with pytest.raises(ProviderError) as failure:
        provider.read(rule.id, urn(RULE, "x"), {"__provider": rule.inputs["__provider"]})
    assert "domain_uuid" in error_line(failure.value)


# -------------------------------------------------------------------------------- update


def test_new_destination_updates_in_place_and_needs_verifying_again(
    provider: ProviderServer, emulator: Emulator, domain: Deployed
) -> None:
    rule = deploy_rule(provider, domain)
    emulator.set_rule_verified(domain.id, rule.id)
    rule.refresh()
    emulator.clear_log()

    outs = rule.apply(**rule_inputs(domain, destination="ops@example.org"))
    assert last_body(emulator, "PATCH") == {"destination": "ops@example.org"}
    assert emulator.count() == 2  # one PATCH, one GET
    assert (outs["destination"], outs["verified"], outs["uuid"]) == (
        "ops@example.org",
        False,
        rule.id,
    )
    assert outs["created_at"] == rule.outs["created_at"]
    assert emulator.rules(domain.id)[0]["destination"] == "ops@example.org"
    assert rule.plan(**rule_inputs(domain, destination="ops@example.org"))[:2] == ("none", [])


def test_deactivating_updates_in_place_and_keeps_verification(
    provider: ProviderServer, emulator: Emulator, domain: Deployed
) -> None:
    rule = deploy_rule(provider, domain)
    emulator.set_rule_verified(domain.id, rule.id)
    rule.refresh()
    emulator.clear_log()

    outs = rule.apply(**rule_inputs(domain, active=False))
    assert last_body(emulator, "PATCH") == {"active": False}
    assert (outs["active"], outs["verified"]) == (False, True)
    assert emulator.rules(domain.id)[0]["active"] == 0
    assert rule.plan(**rule_inputs(domain, active=False))[:2] == ("none", [])

    outs = rule.apply(**rule_inputs(domain))
    assert last_body(emulator, "PATCH") == {"active": True}
    assert outs["active"] is True


def test_new_localpart_replaces_the_rule(
    provider: ProviderServer, emulator: Emulator, domain: Deployed
) -> None:
    rule = deploy_rule(provider, domain)
    changes, replaces, news = rule.plan(**rule_inputs(domain, localpart="billing"))
    assert (changes, replaces) == ("some", ["localpart"])

    new_id, new_outs = provider.create(rule.urn, news)  # create before delete, as the engine does
    rule.delete()
    assert [(r["uuid"], r["localpart"]) for r in emulator.rules(domain.id)] == [(new_id, "billing")]
    assert new_outs["localpart"] == "billing"


def test_new_domain_uuid_replaces_the_rule(
    provider: ProviderServer, emulator: Emulator, domain: Deployed
) -> None:
    rule = deploy_rule(provider, domain)
    other = forward_domain(provider)
    changes, replaces, news = rule.plan(**rule_inputs(other))
    assert (changes, replaces) == ("some", ["domain_uuid"])

    new_id, _ = provider.create(rule.urn, news)
    rule.delete()
    assert emulator.rules(domain.id) == []
    assert [r["uuid"] for r in emulator.rules(other.id)] == [new_id]


def test_preview_shows_an_update_when_the_domain_uuid_is_not_known_yet(
    provider: ProviderServer, domain: Deployed
) -> None:
    rule = deploy_rule(provider, domain)
    news = rule.registered(**rule_inputs(domain))
    news["domain_uuid"] = Unknown()  # the domain is updated (or replaced) in the same deploy
    checked = provider.check(rule.urn, rule.inputs, news)
    diff = provider.diff(rule.id, rule.urn, rule.outs, checked.inputs)
    assert (diff.changes, diff.replaces) == ("some", [])

    # At `pulumi up` the uuid is known: the same one is no change at all.
    known = provider.check(rule.urn, rule.inputs, rule.registered(**rule_inputs(domain)))
    assert provider.diff(rule.id, rule.urn, rule.outs, known.inputs).changes == "none"


# ------------------------------------------------------------------- gone and delete


def test_refresh_after_an_out_of_band_delete_reports_gone(
    provider: ProviderServer, emulator: Emulator, domain: Deployed
) -> None:
    rule = deploy_rule(provider, domain)
    with api(emulator) as http:
        http.delete(f"{rules_path(domain.id)}/{rule.id}").raise_for_status()
    assert rule.refresh().id == ""


def test_delete_of_a_rule_already_gone_succeeds(
    provider: ProviderServer, emulator: Emulator, domain: Deployed
) -> None:
    rule = deploy_rule(provider, domain)
    with api(emulator) as http:
        http.delete(f"{rules_path(domain.id)}/{rule.id}").raise_for_status()
    rule.delete()
    assert emulator.rules(domain.id) == []


def test_rule_of_a_deleted_domain_is_gone_and_deletes_cleanly(
    provider: ProviderServer, emulator: Emulator, domain: Deployed
) -> None:
    rule = deploy_rule(provider, domain)
    domain.delete()
    assert emulator.domain(domain.id) is None
    assert rule.refresh().id == ""
    rule.delete()


# -------------------------------------------------------------------- failures at apply


def test_the_201st_rule_fails_naming_the_limit(
    provider: ProviderServer, emulator: Emulator, domain: Deployed
) -> None:
    with api(emulator) as http:
        for n in range(200):
            body = {"localpart": f"user{n}", "destination": DESTINATION}
            http.post(rules_path(domain.id), json=body).raise_for_status()

    message = create_failure(provider, rule_inputs(domain, localpart="one-too-many"))
    assert "200" in message
    assert "'one-too-many'" in message
    assert len(emulator.rules(domain.id)) == 200


def test_rule_on_a_domain_not_in_forward_mode_fails_clearly(
    provider: ProviderServer, emulator: Emulator
) -> None:
    smtp = emulator.add_domain(
        {"domain": fresh_domain(), "delivery_type": "smtp", "smtp_servers": ["mx.example.com:25"]}
    )
    inputs = {"domain_uuid": smtp["uuid"], "localpart": "sales", "destination": DESTINATION}
    message = create_failure(provider, inputs)
    assert "forward" in message
    assert "'sales'" in message
    assert smtp["uuid"] in message


def test_duplicate_localpart_fails_clearly(
    provider: ProviderServer, emulator: Emulator, domain: Deployed
) -> None:
    deploy_rule(provider, domain)
    message = create_failure(provider, rule_inputs(domain, localpart="SALES"))
    assert "'sales'" in message
    assert "already exists" in message
    assert len(emulator.rules(domain.id)) == 1


def test_rule_on_an_unknown_domain_fails_clearly(provider: ProviderServer) -> None:
    missing = "6f1c2a9e-3b7d-4c1e-9a2b-1d2e3f4a5b6c"
    message = create_failure(
        provider, {"domain_uuid": missing, "localpart": "sales", "destination": DESTINATION}
    )
    assert missing in message
    assert "no such inbound domain" in message


def test_rule_of_a_domain_switched_out_of_forward_mode_fails_to_refresh_and_delete_clearly(
    provider: ProviderServer, emulator: Emulator, domain: Deployed
) -> None:
    rule = deploy_rule(provider, domain)
    # Switched outside Pulumi (this stack refuses to strand the rules itself).
    emulator.patch_domain(
        domain.id, {"delivery_type": "webhook", "webhook_url": "https://hooks.example.com/in"}
    )

    for call in (rule.refresh, rule.delete):
        with pytest.raises(ProviderError) as failure:
            call()
        message = error_line(failure.value)
        assert "'sales'" in message
        assert "delivery_type 'webhook'" in message
        assert "set delivery_type back to 'forward'" in message
    assert len(emulator.rules(domain.id)) == 1  # kept by JetEmail, hidden until forward again


# ------------------------------------------------------------------ ambiguous creates


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"status": 503, "processed": True}, id="503 after creating it"),
        pytest.param({"drop": True}, id="connection lost after creating it"),
        pytest.param({"status": 503}, id="503 before creating it"),
    ],
)
def test_create_without_a_clear_answer_leaves_exactly_one_rule(
    provider: ProviderServer, emulator: Emulator, domain: Deployed, fault: dict[str, Any]
) -> None:
    emulator.inject("POST", rules_path(domain.id), **fault)
    rule = deploy_rule(provider, domain)
    (live,) = emulator.rules(domain.id)
    assert rule.id == live["uuid"]
    assert rule.outs["localpart"] == "sales"
    assert rule.plan(**rule_inputs(domain))[:2] == ("none", [])


def test_create_that_never_gets_a_clear_answer_fails_and_leaves_nothing(
    provider: ProviderServer, emulator: Emulator, domain: Deployed
) -> None:
    emulator.inject("POST", rules_path(domain.id), status=503, times=3)
    message = create_failure(provider, rule_inputs(domain))
    assert "'sales'" in message
    assert "3 attempts" in message
    assert "nothing was left" in message
    assert emulator.rules(domain.id) == []


# ------------------------------------------------------- InboundDomain in forward mode


FORWARD_RECORDS: list[dict[str, Any]] = [
    {"type": "MX", "name": "{d}", "value": "smtp.jetsmtp.net", "priority": 10},
    {"type": "CNAME", "name": "je1._domainkey.{d}", "value": "inbound.jetsmtp.net"},
    {"type": "TXT", "name": "{d}", "value": "v=spf1 include:inbound-spf.jetsmtp.net -all"},
    {"type": "TXT", "name": "_dmarc.{d}", "value": "v=DMARC1; p=none"},
]
FLAGS = [
    "forward_mx_verified",
    "forward_dkim_verified",
    "forward_spf_verified",
    "forward_dmarc_verified",
]


def records(name: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"priority": None, **row, "name": row["name"].format(d=name)} for row in rows]


def without_nones(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if v is not None} for row in rows]


def test_forward_domain_lists_its_four_records_and_refresh_sees_them_verify(
    provider: ProviderServer, emulator: Emulator, domain: Deployed
) -> None:
    name = domain.outs["domain"]
    assert without_nones(domain.outs["dns_records"]) == without_nones(
        records(name, FORWARD_RECORDS)
    )
    assert [domain.outs[flag] for flag in FLAGS] == [False] * 4

    emulator.set_dns_verified(domain.id, mx=True, dkim=True, spf=True, dmarc=True)
    read = domain.refresh()
    assert [read.outs[flag] for flag in FLAGS] == [True] * 4
    assert without_nones(read.outs["dns_records"]) == without_nones(records(name, FORWARD_RECORDS))
    assert domain.plan(domain=name, delivery_type="forward")[:2] == ("none", [])


@pytest.mark.parametrize(
    "inputs",
    [
        pytest.param({"delivery_type": "smtp", "smtp_servers": ["mx.example.com:25"]}, id="smtp"),
        pytest.param(
            {"delivery_type": "webhook", "webhook_url": "https://hooks.example.com/in"},
            id="webhook",
        ),
    ],
)
def test_smtp_and_webhook_domains_list_only_the_mx_record(
    provider: ProviderServer, inputs: dict[str, Any]
) -> None:
    name = fresh_domain()
    deployed = Deployed(provider, INBOUND, "d", {"domain": name, **inputs})
    assert without_nones(deployed.outs["dns_records"]) == without_nones(
        records(name, FORWARD_RECORDS[:1])
    )
    assert without_nones(deployed.refresh().outs["dns_records"]) == without_nones(
        records(name, FORWARD_RECORDS[:1])
    )


@pytest.fixture(autouse=True)
def _no_faults_left(emulator: Emulator) -> Iterator[None]:
    """A fault a test injected but did not use must not leak into the next test."""
    yield
    emulator.reset()
