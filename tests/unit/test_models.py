"""The canonical-input rules of both resources, as a user meets them at preview."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown

from pulumi_jetemail._check import check_inputs
from pulumi_jetemail._lifecycle import is_unknown
from pulumi_jetemail.resources import forward_rule, inbound_domain
from pulumi_jetemail.resources.inbound_domain.fields import dns_records_for, smtp_servers_equal

INBOUND_DOMAIN, FORWARD_RULE = inbound_domain.INBOUND_DOMAIN, forward_rule.FORWARD_RULE
DOMAIN, RULE = inbound_domain.RESOURCE.lifecycle, forward_rule.RESOURCE.lifecycle

SMTP = {"domain": "example.com", "delivery_type": "smtp", "smtp_servers": ["mx.example.com:25"]}
WEBHOOK = {
    "domain": "example.com",
    "delivery_type": "webhook",
    "webhook_url": "https://hooks.example.com/inbound",
}
FORWARD = {"domain": "example.com", "delivery_type": "forward"}


def check(news: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    inputs, failures = check_inputs(INBOUND_DOMAIN, news, is_unknown)
    return inputs, {f.property: f.reason for f in failures}


# ------------------------------------------------------------------ valid inputs


@pytest.mark.parametrize(
    ("case", "news", "expected"),
    [
        (
            "domain is lowercased and loses its trailing dot",
            {**FORWARD, "domain": " Example.COM. "},
            {"domain": "example.com"},
        ),
        (
            "an internationalised domain becomes its ASCII form",
            {**FORWARD, "domain": "bücher.de"},
            {"domain": "xn--bcher-kva.de"},
        ),
        (
            "delivery_type is case-insensitive",
            {**FORWARD, "delivery_type": "Forward"},
            {"delivery_type": "forward"},
        ),
        (
            "webhook defaults are filled in",
            WEBHOOK,
            {"webhook_method": "POST", "webhook_timeout": 30000, "webhook_retry_count": 3},
        ),
        (
            "a whole float from the wire becomes an int",
            {**WEBHOOK, "webhook_timeout": 15000.0, "webhook_retry_count": 0.0},
            {"webhook_timeout": 15000, "webhook_retry_count": 0},
        ),
        (
            "webhook_method is uppercased",
            {**WEBHOOK, "webhook_method": "put"},
            {"webhook_method": "PUT"},
        ),
        (
            "an smtp string stays a string",
            {**SMTP, "smtp_servers": ["mx1.example.com:25", "10.0.0.1:2525", "[::1]:25"]},
            {"smtp_servers": ["mx1.example.com:25", "10.0.0.1:2525", "[::1]:25"]},
        ),
        (
            "an smtp object keeps only the keys given",
            {**SMTP, "smtp_servers": [{"url": "mx.example.com:25", "priority": 2.0}]},
            {"smtp_servers": [{"url": "mx.example.com:25", "priority": 2}]},
        ),
        (
            "enabled and adopt_existing get defaults",
            FORWARD,
            {"enabled": True, "adopt_existing": False},
        ),
    ],
)
def test_check_canonical_form(case: str, news: dict[str, Any], expected: dict[str, Any]) -> None:
    inputs, failures = check(news)
    assert failures == {}, case
    for key, value in expected.items():
        assert inputs[key] == value, case
        assert type(inputs[key]) is type(value), case


def test_check_fills_no_webhook_defaults_for_other_modes() -> None:
    inputs, failures = check(SMTP)
    assert failures == {}
    assert not any(key.startswith("webhook_") for key in inputs)


def test_check_none_means_absent() -> None:
    inputs, failures = check({**SMTP, "webhook_url": None, "webhook_headers": None})
    assert failures == {}
    assert "webhook_url" not in inputs


# ---------------------------------------------------------------- invalid inputs


@pytest.mark.parametrize(
    ("case", "news", "prop", "words"),
    [
        ("a missing domain", {"delivery_type": "forward"}, "domain", "required"),
        (
            "a domain with a scheme",
            {**FORWARD, "domain": "https://example.com"},
            "domain",
            "use the bare domain",
        ),
        ("a domain that is a number", {**FORWARD, "domain": 42}, "domain", "domain name"),
        (
            "a missing delivery_type",
            {"domain": "example.com"},
            "delivery_type",
            "'smtp', 'webhook' or 'forward'",
        ),
        (
            "an unknown delivery_type",
            {**FORWARD, "delivery_type": "pop3"},
            "delivery_type",
            "'pop3'",
        ),
        (
            "smtp without servers",
            {**SMTP, "smtp_servers": None},
            "smtp_servers",
            "required when delivery_type is 'smtp'",
        ),
        (
            "smtp with an empty server list",
            {**SMTP, "smtp_servers": []},
            "smtp_servers",
            "at least one",
        ),
        (
            "a server without a port",
            {**SMTP, "smtp_servers": ["mx.example.com"]},
            "smtp_servers",
            "host:port",
        ),
        (
            "a port out of range",
            {**SMTP, "smtp_servers": ["mx.example.com:0"]},
            "smtp_servers",
            "1 to 65535",
        ),
        (
            "a server listed twice",
            {**SMTP, "smtp_servers": ["a.example:25", {"url": "A.example:25"}]},
            "smtp_servers",
            "twice",
        ),
        (
            "a server object with an unknown key",
            {**SMTP, "smtp_servers": [{"url": "a.b:25", "weight": 1}]},
            "smtp_servers",
            "item 0: unknown key 'weight': the keys are url, priority, tls_enabled",
        ),
        (
            "a negative priority",
            {**SMTP, "smtp_servers": [{"url": "a.b:25", "priority": -1}]},
            "smtp_servers",
            "item 0, priority: must be from 0 to 65535",
        ),
        (
            "a priority above 16 bits",
            {**SMTP, "smtp_servers": [{"url": "a.b:25", "priority": 65536}]},
            "smtp_servers",
            "item 0, priority: must be from 0 to 65535",
        ),
        (
            "servers given as one string",
            {**SMTP, "smtp_servers": "mx.example.com:25"},
            "smtp_servers",
            "must be a list (got 'mx.example.com:25')",
        ),
        (
            "a header value that is a number",
            {**WEBHOOK, "webhook_headers": {"X-Retry": 3}},
            "webhook_headers",
            "must be a string (got a number)",
        ),
        (
            "tls_enabled as a string",
            {**SMTP, "smtp_servers": [{"url": "a.b:25", "tls_enabled": "yes"}]},
            "smtp_servers",
            "true or false",
        ),
        (
            "webhook without a URL",
            {**WEBHOOK, "webhook_url": None},
            "webhook_url",
            "required when delivery_type is 'webhook'",
        ),
        (
            "a relative webhook URL",
            {**WEBHOOK, "webhook_url": "/inbound"},
            "webhook_url",
            "absolute http(s) URL",
        ),
        (
            "an ftp webhook URL",
            {**WEBHOOK, "webhook_url": "ftp://a.example/x"},
            "webhook_url",
            "absolute http(s) URL",
        ),
        (
            "a GET webhook method",
            {**WEBHOOK, "webhook_method": "GET"},
            "webhook_method",
            "'POST' or 'PUT'",
        ),
        ("a zero timeout", {**WEBHOOK, "webhook_timeout": 0}, "webhook_timeout", "more than 0"),
        (
            "a fractional timeout",
            {**WEBHOOK, "webhook_timeout": 1.5},
            "webhook_timeout",
            "whole number",
        ),
        (
            "a boolean timeout",
            {**WEBHOOK, "webhook_timeout": True},
            "webhook_timeout",
            "whole number",
        ),
        (
            "a negative retry count",
            {**WEBHOOK, "webhook_retry_count": -1},
            "webhook_retry_count",
            "0 or more",
        ),
        (
            "a header value that is a number",
            {**WEBHOOK, "webhook_headers": {"X-Id": 7}},
            "webhook_headers",
            "must be a string",
        ),
        (
            "a header name with a space",
            {**WEBHOOK, "webhook_headers": {"X Id": "7"}},
            "webhook_headers",
            "header name",
        ),
        (
            "a header value with a line break",
            {**WEBHOOK, "webhook_headers": {"X-Id": "a\r\nb"}},
            "webhook_headers",
            "line breaks",
        ),
        (
            "an auth header that is not a string",
            {**WEBHOOK, "webhook_auth_header": 5},
            "webhook_auth_header",
            "string",
        ),
        (
            "smtp servers on a webhook domain",
            {**WEBHOOK, "smtp_servers": ["a.b:25"]},
            "smtp_servers",
            "only used when delivery_type is 'smtp'",
        ),
        (
            "a webhook URL on an smtp domain",
            {**SMTP, "webhook_url": "https://a.b/"},
            "webhook_url",
            "only used when delivery_type is 'webhook'",
        ),
        (
            "a webhook field on a forward domain",
            {**FORWARD, "webhook_timeout": 10},
            "webhook_timeout",
            "only used when delivery_type is 'webhook'",
        ),
        ("enabled as a string", {**FORWARD, "enabled": "false"}, "enabled", "true or false"),
        (
            "a misspelt property",
            {**FORWARD, "delivery": "smtp"},
            "delivery",
            "no property 'delivery'",
        ),
    ],
)
def test_check_names_the_bad_property(
    case: str, news: dict[str, Any], prop: str, words: str
) -> None:
    _, failures = check(news)
    assert prop in failures, case
    assert failures[prop].startswith(prop), case
    assert words in failures[prop], case
    for python_words in ("extra inputs", "float", "dict", "input should be"):
        assert python_words not in failures[prop].lower(), case


def test_check_reports_every_bad_property_once() -> None:
    _, failures = check(
        {"domain": "not a domain", "delivery_type": "smtp", "webhook_url": "x", "enabled": 1}
    )
    assert set(failures) == {"domain", "webhook_url", "enabled", "smtp_servers"}


def test_check_mode_mismatch_wins_over_a_format_detail() -> None:
    _, failures = check({**FORWARD, "smtp_servers": []})
    assert "only used when delivery_type is 'smtp'" in failures["smtp_servers"]


# -------------------------------------------------------------------- unknowns


def test_check_passes_unknowns_through_unvalidated() -> None:
    unknown_domain, unknown_server = Unknown(), Unknown()
    inputs, failures = check(
        {
            "domain": unknown_domain,
            "delivery_type": "smtp",
            "smtp_servers": ["a.b:25", unknown_server],
        }
    )
    assert failures == {}
    assert inputs["domain"] is unknown_domain
    assert inputs["smtp_servers"][1] is unknown_server


def test_check_with_unknown_mode_skips_mode_rules() -> None:
    inputs, failures = check(
        {"domain": "a.example", "delivery_type": Unknown(), "webhook_url": "https://a.b/"}
    )
    assert failures == {}
    assert "webhook_method" not in inputs


def test_check_still_rejects_known_bad_fields_beside_unknowns() -> None:
    _, failures = check({"domain": Unknown(), "delivery_type": "webhook", "webhook_url": "nope"})
    assert set(failures) == {"webhook_url"}


def test_check_unknown_required_field_counts_as_present() -> None:
    _, failures = check({**SMTP, "smtp_servers": Unknown()})
    assert failures == {}


# --------------------------------------------------------------- smtp by meaning


@pytest.mark.parametrize(
    ("case", "old", "new", "same"),
    [
        (
            "a string equals an object with its url",
            ["a.b:25"],
            [{"url": "a.b:25", "priority": 1, "tls_enabled": True}],
            True,
        ),
        ("host case does not matter", ["A.B:25"], ["a.b:25"], True),
        ("a different port differs", ["a.b:25"], ["a.b:2525"], False),
        (
            "a stated priority that differs differs",
            [{"url": "a.b:25", "priority": 1}],
            [{"url": "a.b:25", "priority": 2}],
            False,
        ),
        ("order matters", ["a.b:25", "c.d:25"], ["c.d:25", "a.b:25"], False),
        ("an added server differs", ["a.b:25"], ["a.b:25", "c.d:25"], False),
    ],
)
def test_smtp_servers_equal(case: str, old: list[Any], new: list[Any], same: bool) -> None:
    assert smtp_servers_equal(old, new) is same, case
    assert smtp_servers_equal(new, old) is same, case


# ------------------------------------------------------------------ forward rules


UUID = "550e8400-e29b-41d4-a716-446655440000"


def test_forward_rule_canonical_form() -> None:
    inputs, failures = check_inputs(
        FORWARD_RULE,
        {
            "domain_uuid": UUID.upper(),
            "localpart": " Sales.Team ",
            "destination": "Ops@Example.NET",
        },
        is_unknown,
    )
    assert failures == []
    assert inputs == {
        "domain_uuid": UUID,
        "localpart": "sales.team",
        "destination": "Ops@example.net",
        "active": True,
    }


@pytest.mark.parametrize(
    ("case", "news", "prop", "words"),
    [
        ("a domain_uuid that is not a uuid", {"domain_uuid": "abc"}, "domain_uuid", "uuid"),
        ("a localpart with an @", {"localpart": "a@b.c"}, "localpart", "before it"),
        ("a localpart of 65 characters", {"localpart": "a" * 65}, "localpart", "64"),
        ("a localpart with a double dot", {"localpart": "a..b"}, "localpart", "single dots"),
        (
            "a destination with a display name",
            {"destination": "Ops <ops@a.b>"},
            "destination",
            "local@domain",
        ),
        ("a destination without a domain", {"destination": "ops@"}, "destination", "local@domain"),
        ("active as a number", {"active": 1}, "active", "true or false"),
    ],
)
def test_forward_rule_names_the_bad_property(
    case: str, news: dict[str, Any], prop: str, words: str
) -> None:
    base = {"domain_uuid": UUID, "localpart": "*", "destination": "ops@example.net"}
    _, failures = check_inputs(FORWARD_RULE, {**base, **news}, is_unknown)
    reasons = {f.property: f.reason for f in failures}
    assert list(reasons) == [prop], case
    assert words in reasons[prop], case


def test_forward_rule_catch_all_is_valid() -> None:
    _, failures = check_inputs(
        FORWARD_RULE,
        {"domain_uuid": UUID, "localpart": "*", "destination": "ops@example.net"},
        is_unknown,
    )
    assert failures == []


def test_forward_rule_missing_inputs_are_named() -> None:
    _, failures = check_inputs(FORWARD_RULE, {}, is_unknown)
    assert {f.property for f in failures} == {"domain_uuid", "localpart", "destination"}


# ------------------------------------------------------------------- API answers


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("active", "active"),
        ("disabled", "disabled"),
        (1, "active"),
        (0, "disabled"),
        ("1", "active"),
    ],
)
def test_domain_answer_status_in_either_form(status: Any, expected: str) -> None:
    state = DOMAIN.state_of(
        {"uuid": UUID, "domain": "a.b", "delivery_type": "forward", "status": status}, {}
    )
    assert state["status"] == expected
    assert state["enabled"] is (expected == "active")


def test_answers_turn_flags_into_booleans() -> None:
    state = DOMAIN.state_of(
        {
            "uuid": UUID,
            "domain": "a.b",
            "delivery_type": "forward",
            "status": "active",
            "forward_mx_verified": 1,
            "forward_spf_verified": 0,
        },
        {},
    )
    assert state["forward_mx_verified"] is True
    assert state["forward_spf_verified"] is False
    rule = RULE.state_of(
        {
            "uuid": UUID,
            "localpart": "a",
            "destination": "b@c.d",
            "active": 0,
            "verified": 1,
            "created_at": 5.0,
        },
        {"domain_uuid": UUID},
    )
    assert (rule["active"], rule["verified"], rule["created_at"]) == (False, True, 5)
    assert type(rule["created_at"]) is int


def test_dns_records_forward_mode_lists_all_four_in_order() -> None:
    records = dns_records_for("example.com", "forward")
    assert [(r["type"], r["name"]) for r in records] == [
        ("MX", "example.com"),
        ("CNAME", "je1._domainkey.example.com"),
        ("TXT", "example.com"),
        ("TXT", "_dmarc.example.com"),
    ]
    assert records[0]["priority"] == 10
    assert records[2]["value"] == "v=spf1 include:inbound-spf.jetsmtp.net -all"


@pytest.mark.parametrize("mode", ["smtp", "webhook"])
def test_dns_records_other_modes_list_the_mx_record(mode: str) -> None:
    assert dns_records_for("example.com", mode) == [
        {"type": "MX", "name": "example.com", "value": "smtp.jetsmtp.net", "priority": 10}
    ]
