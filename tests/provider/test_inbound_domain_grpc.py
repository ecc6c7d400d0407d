"""InboundDomain through `python -m pulumi.dynamic` over gRPC, as the engine drives it,
against the emulator: the whole lifecycle of each delivery mode."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from helpers import INBOUND, Deployed, registered
from pulumi.output import Unknown

from pulumi_jetemail import InboundDomain
from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.testing import ProviderError, ProviderServer, urn

_names = itertools.count()


def fresh_domain() -> str:
    return f"d{next(_names)}.example.com"


def webhook(domain: str, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "domain": domain,
        "delivery_type": "webhook",
        "webhook_url": "https://hooks.example.com/inbound",
        "webhook_headers": {"X-Team": "mail"},
        "webhook_auth_header": "Bearer hook-token-123",
    }
    return {**fields, **overrides}


def smtp(domain: str, **overrides: Any) -> dict[str, Any]:
    return {
        "domain": domain,
        "delivery_type": "smtp",
        "smtp_servers": ["mx.example.com:25"],
        **overrides,
    }


def forward(domain: str, **overrides: Any) -> dict[str, Any]:
    return {"domain": domain, "delivery_type": "forward", **overrides}


def last_body(emulator: Emulator, method: str) -> Any:
    return next(r.body for r in reversed(emulator.requests) if r.method == method)


@pytest.mark.parametrize("mode", [webhook, smtp, forward], ids=["webhook", "smtp", "forward"])
def test_lifecycle_create_preview_destroy(
    provider: ProviderServer, emulator: Emulator, mode: Any
) -> None:
    name = fresh_domain()
    emulator.clear_log()
    deployed = Deployed(provider, INBOUND, "d", mode(name))

    live = emulator.domain(deployed.id)
    assert live is not None
    assert live["domain"] == name
    assert emulator.count("POST", "/inbound/domains") == 1
    assert deployed.outs["uuid"] == deployed.id
    assert deployed.outs["webhook_secret"].startswith("whsec_")
    assert deployed.outs["status"] == "active"
    assert deployed.plan(**mode(name))[:2] == ("none", [])

    provider.delete(deployed.id, deployed.urn, deployed.outs)
    assert emulator.domain(deployed.id) is None


def test_preview_with_unknowns_passes_them_through(provider: ProviderServer) -> None:
    news = registered(lambda: InboundDomain("u", **smtp("u.example.com")))
    news["domain"] = Unknown()
    checked = provider.check(urn(INBOUND, "u"), {}, news)
    assert checked.failures == []
    assert isinstance(checked.inputs["domain"], Unknown)


def test_preview_rejects_a_bad_combination_before_anything_is_sent(
    provider: ProviderServer, emulator: Emulator
) -> None:
    emulator.clear_log()
    news = registered(
        lambda: InboundDomain("bad", **smtp("bad.example.com", webhook_url="https://a.b/"))
    )
    checked = provider.check(urn(INBOUND, "bad"), {}, news)
    assert [prop for prop, _ in checked.failures] == ["webhook_url"]
    assert "delivery_type" in checked.failures[0][1]
    assert emulator.requests == []


def test_webhook_defaults_are_outputs_and_secrets_survive_refresh(
    provider: ProviderServer, emulator: Emulator
) -> None:
    deployed = Deployed(provider, INBOUND, "w", webhook(fresh_domain()))
    assert deployed.outs["webhook_method"] == "POST"
    assert deployed.outs["webhook_timeout"] == 30000
    read = provider.read(deployed.id, deployed.urn, deployed.outs, deployed.inputs)
    assert read.outs["webhook_secret"] == deployed.outs["webhook_secret"]
    assert read.outs["webhook_auth_header"] == "Bearer hook-token-123"
    assert read.outs["webhook_headers"] == {"X-Team": "mail"}
    assert read.inputs is not None
    assert provider.diff(deployed.id, deployed.urn, read.outs, deployed.inputs).changes == "none"


def test_update_in_place_sends_only_what_changed(
    provider: ProviderServer, emulator: Emulator
) -> None:
    name = fresh_domain()
    deployed = Deployed(provider, INBOUND, "w", webhook(name))
    emulator.clear_log()
    outs = deployed.apply(**webhook(name, webhook_timeout=5000))
    assert last_body(emulator, "PATCH") == {"webhook_timeout": 5000}
    assert emulator.count() == 2  # one PATCH, one GET
    assert outs["webhook_timeout"] == 5000
    assert outs["webhook_secret"] == deployed.outs["webhook_secret"]
    assert deployed.plan(**webhook(name, webhook_timeout=5000))[:2] == ("none", [])


def test_update_clears_removed_fields(provider: ProviderServer, emulator: Emulator) -> None:
    name = fresh_domain()
    deployed = Deployed(provider, INBOUND, "w", webhook(name, webhook_method="PUT"))
    without = {
        k: v
        for k, v in webhook(name).items()
        if k not in ("webhook_headers", "webhook_auth_header")
    }
    outs = deployed.apply(**without)
    assert last_body(emulator, "PATCH") == {
        "webhook_method": "POST",
        "webhook_headers": None,
        "webhook_auth_header": "",
    }
    assert "webhook_headers" not in outs
    assert "webhook_auth_header" not in outs


def test_mode_switch_sends_the_new_mode_only(provider: ProviderServer, emulator: Emulator) -> None:
    name = fresh_domain()
    deployed = Deployed(provider, INBOUND, "w", webhook(name))
    outs = deployed.apply(**smtp(name))
    assert last_body(emulator, "PATCH") == {
        "delivery_type": "smtp",
        "smtp_servers": ["mx.example.com:25"],
    }
    assert outs["delivery_type"] == "smtp"
    assert outs["smtp_servers"] == ["mx.example.com:25"]  # the user's form, not the API's objects
    assert not [k for k in outs if k.startswith("webhook_") and k != "webhook_secret"]
    assert deployed.plan(**smtp(name))[:2] == ("none", [])

    outs = deployed.apply(**forward(name))
    assert last_body(emulator, "PATCH") == {"delivery_type": "forward"}
    assert len(outs["dns_records"]) == 4


def test_leaving_forward_mode_with_rules_fails_before_changing_anything(
    provider: ProviderServer, emulator: Emulator
) -> None:
    name = fresh_domain()
    deployed = Deployed(provider, INBOUND, "f", forward(name))
    rule = emulator.add_rule(deployed.id, {"localpart": "sales", "destination": "a@example.net"})
    _, _, news = deployed.plan(**smtp(name))
    emulator.clear_log()
    with pytest.raises(ProviderError) as raised:
        provider.update(deployed.id, deployed.urn, deployed.outs, news)
    message = raised.value.details.rstrip().rsplit("\n", 1)[-1]
    assert f"cannot switch inbound domain {name} from forward to smtp mode" in message
    assert "still has 1 forward rule," in message
    assert "Remove the ForwardRule resources" in message
    assert [(r.method, r.path) for r in emulator.requests] == [
        ("GET", f"/inbound/domains/{deployed.id}/forward-rules")
    ]
    live = emulator.domain(deployed.id)
    assert live is not None
    assert live["delivery_type"] == "forward"
    assert [r["uuid"] for r in emulator.rules(deployed.id)] == [rule["uuid"]]

    # Once the rules are gone, the same switch goes through.
    emulator.remove_rule(deployed.id, rule["uuid"])
    outs = deployed.apply(**smtp(name))
    assert outs["delivery_type"] == "smtp"


def test_a_switch_between_other_modes_lists_no_rules(
    provider: ProviderServer, emulator: Emulator
) -> None:
    name = fresh_domain()
    deployed = Deployed(provider, INBOUND, "w", webhook(name))
    emulator.clear_log()
    deployed.apply(**smtp(name))
    assert not [r for r in emulator.requests if r.path.endswith("/forward-rules")]


def test_disable_and_enable(provider: ProviderServer, emulator: Emulator) -> None:
    name = fresh_domain()
    deployed = Deployed(provider, INBOUND, "f", forward(name, enabled=False))
    assert deployed.outs["enabled"] is False
    assert emulator.domain(deployed.id)["status"] == "disabled"  # type: ignore[index]
    outs = deployed.apply(**forward(name))
    assert (outs["enabled"], outs["status"]) == (True, "active")


def test_new_domain_replaces(provider: ProviderServer, emulator: Emulator) -> None:
    deployed = Deployed(provider, INBOUND, "r", forward(fresh_domain()))
    changes, replaces, news = deployed.plan(**forward(fresh_domain()))
    assert (changes, replaces) == ("some", ["domain"])
    new_id, _ = provider.create(deployed.urn, news)
    provider.delete(deployed.id, deployed.urn, deployed.outs)
    assert emulator.domain(new_id) is not None
    assert emulator.domain(deployed.id) is None


def test_refresh_shows_drift_in_the_next_preview(
    provider: ProviderServer, emulator: Emulator
) -> None:
    name = fresh_domain()
    deployed = Deployed(provider, INBOUND, "s", smtp(name))
    emulator.patch_domain(
        deployed.id, {"smtp_servers": ["other.example.com:2525"], "status": "disabled"}
    )

    read = provider.read(deployed.id, deployed.urn, deployed.outs, deployed.inputs)
    assert read.outs["smtp_servers"] == [
        {"url": "other.example.com:2525", "priority": 10, "tls_enabled": True}
    ]
    assert read.outs["enabled"] is False
    assert read.inputs is not None
    assert read.inputs["enabled"] is False
    deployed.outs = read.outs
    changes, replaces, _ = deployed.plan(**smtp(name))
    assert (changes, replaces) == ("some", [])
    outs = deployed.apply(**smtp(name))
    assert emulator.domain(deployed.id)["status"] == "active"  # type: ignore[index]
    assert outs["smtp_servers"] == ["mx.example.com:25"]


def test_refresh_after_out_of_band_delete_reports_gone(
    provider: ProviderServer, emulator: Emulator
) -> None:
    deployed = Deployed(provider, INBOUND, "g", forward(fresh_domain()))
    emulator.remove_domain(deployed.id)
    read = provider.read(deployed.id, deployed.urn, deployed.outs, deployed.inputs)
    assert read.id == ""


def test_delete_of_a_domain_already_gone_succeeds(
    provider: ProviderServer, emulator: Emulator
) -> None:
    deployed = Deployed(provider, INBOUND, "g", forward(fresh_domain()))
    emulator.remove_domain(deployed.id)
    provider.delete(deployed.id, deployed.urn, deployed.outs)


def test_existing_domain_fails_naming_adopt_existing(
    provider: ProviderServer, emulator: Emulator
) -> None:
    name = fresh_domain()
    emulator.add_domain({"domain": name, "delivery_type": "forward"})
    news = registered(lambda: InboundDomain("e", **forward(name)))
    checked = provider.check(urn(INBOUND, "e"), {}, news)
    with pytest.raises(ProviderError) as failure:
        provider.create(urn(INBOUND, "e"), checked.inputs)
    assert "adopt_existing" in failure.value.details
    assert len([d for d in emulator.domains() if d["domain"] == name]) == 1


def test_adopt_existing_takes_the_domain_over(provider: ProviderServer, emulator: Emulator) -> None:
    name = fresh_domain()
    existing = emulator.add_domain({"domain": name, "delivery_type": "forward"})
    deployed = Deployed(provider, INBOUND, "a", webhook(name, adopt_existing=True, enabled=False))
    assert deployed.id == existing["uuid"]
    assert deployed.outs["adopted"] is True
    assert deployed.outs["webhook_secret"] == ""
    live = emulator.domain(existing["uuid"])
    assert live is not None
    assert (live["delivery_type"], live["status"]) == ("webhook", "disabled")
    assert live["webhook_auth_header"] == "Bearer hook-token-123"


def test_get_reads_a_domain_by_uuid(provider: ProviderServer, emulator: Emulator) -> None:
    existing = emulator.add_domain(smtp(fresh_domain()))
    news = registered(lambda: InboundDomain("x", **forward("x.example.com")))
    read = provider.read(
        existing["uuid"], urn(INBOUND, "looked-up"), {"__provider": news["__provider"]}
    )
    assert read.outs["domain"] == existing["domain"]
    assert read.outs["delivery_type"] == "smtp"
    assert read.outs["webhook_secret"] == ""
