"""Bad input never crashes: `check` of both providers on arbitrary input dicts, and
the emulator's 400 answers reaching the user as one clear line each.

`check` is called on the provider classes directly (thousands of examples) and, for a smaller
sample, through `python -m pulumi.dynamic` over gRPC as the engine calls it, where the wire
turns numbers into floats, drops None-valued keys and carries `Unknown` values anywhere.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import httpx
import pytest
from helpers import API_KEY
from hypothesis import HealthCheck, given, settings, strategies as st
from pulumi.dynamic import CheckFailure, CheckResult
from pulumi.output import Unknown

from pulumi_jetemail import _dynamic_classes
from pulumi_jetemail.client import JetEmailClient
from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.errors import APIStatusError, ValidationError
from pulumi_jetemail.resources import RESOURCES
from pulumi_jetemail.testing import PROVIDER_KEY, ProviderServer, serialize_provider, urn

DECLARATIONS = {r.name: r.declaration for r in RESOURCES}
REQUIRED = {
    name: {p.name for p in decl.inputs if p.required or p.mode_required}
    for name, decl in DECLARATIONS.items()
}
"""Properties a failure may name although the input lacks them (required, or required by
the delivery type)."""
SECRET = "Bearer s3cr3t-sentinel"
"""Put in the secret inputs; must never show in a failure reason."""

# --- arbitrary values ----------------------------------------------------------------------------

huge_text = st.builds(
    lambda piece, times: piece * times,
    st.text(min_size=1, max_size=4),
    st.integers(min_value=2_000, max_value=50_000),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(),  # nan, inf, -0.0, subnormals included
    st.sampled_from([math.nan, math.inf, -math.inf, 0.5, 30000.0, 1e308]),
    st.text(),
    st.text(alphabet=st.sampled_from("\x00\r\n\t é中🙂\u202e\ufeff@:.*/")),
    huge_text,
    st.builds(Unknown),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)


def plausible(name: str) -> st.SearchStrategy[Any]:
    """Values near the valid ones, so that the examples reach the deeper rules too."""
    choices: dict[str, list[Any]] = {
        "domain": ["example.com", "Example.COM.", "mail.example.com", "a..b", "-x.com", "x" * 300],
        "delivery_type": ["smtp", "webhook", "forward", "SMTP", "email", ""],
        "smtp_servers": [
            ["mx.example.com:25"],
            [{"url": "mx.example.com:25", "priority": 10.0, "tls_enabled": True}],
            [{"url": "mx.example.com", "priority": -1}],
            ["mx.example.com:0", None],
            [],
        ],
        "webhook_url": ["https://hooks.example.com/in", "ftp://x", "http://", "https://a b"],
        "webhook_method": ["POST", "put", "GET"],
        "webhook_headers": [{"X-Team": SECRET}, {"bad name": SECRET}, {"X-A": SECRET + "\n"}],
        "webhook_timeout": [30000, 30000.0, 0, 1.5, True],
        "webhook_retry_count": [0, 3.0, -1, False],
        "webhook_auth_header": [SECRET, SECRET + "\r\n", SECRET + "\x00"],
        "enabled": [True, False, 1, "false"],
        "adopt_existing": [True, False, 0],
        "domain_uuid": [
            "0b0c2f4e-5a8b-4c1d-9e2f-3a4b5c6d7e8f",
            "0B0C2F4E-5A8B-4C1D-9E2F-3A4B5C6D7E8F",
        ],
        "localpart": ["*", "Support", "a@b", "a..b", "x" * 65],
        "destination": ["team@example.net", "team", "@example.net", "team@-bad"],
        "active": [True, False, "yes"],
    }
    return st.sampled_from(choices[name]) | values if name in choices else values


def input_dicts(fields: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts of some of `fields` (plausible or arbitrary values), plus unknown keys."""
    known = st.fixed_dictionaries({}, optional={name: plausible(name) for name in fields})
    extra = st.dictionaries(st.text(min_size=1, max_size=12), values, max_size=3)
    return st.builds(lambda k, e: {**e, **k}, known, extra)


PROVIDERS = {
    name: (
        getattr(_dynamic_classes, f"{name}Provider"),
        decl.input_names,
        f"pulumi-python:dynamic/jetemail:{name}",
    )
    for name, decl in DECLARATIONS.items()
}


def leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, Mapping):
        for item in value.values():
            yield from leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from leaves(item)
    else:
        yield value


def assert_good_failures(
    kind: str, news: Mapping[str, Any], failures: list[tuple[str, str]]
) -> None:
    """Every failure names a property given or required (a secret one in its reason only), in a
    short reason without a traceback or a secret."""
    for named, reason in failures:
        prop = named or reason.split(":", 1)[0]
        if not named:  # a secret input: the engine would print the value of a named property
            assert prop in DECLARATIONS[kind].secret_inputs, reason
        assert prop in news or prop in REQUIRED[kind], (prop, reason)
        assert "Traceback" not in reason, reason
        assert 'File "' not in reason, reason
        assert "could not be checked" not in reason, reason  # check's last-resort answer
        assert len(reason) <= 600, reason[:200]
        assert "s3cr3t" not in reason, reason
    named = [prop or reason.split(":", 1)[0] for prop, reason in failures]
    assert len(set(named)) == len(named)  # one failure per property


# --- the provider classes, called directly --------------------------------------------------------

CI = settings(
    max_examples=1000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("kind", PROVIDERS)
def test_check_answers_every_input_dict_with_a_check_result(kind: str) -> None:
    make, fields, _ = PROVIDERS[kind]
    provider = make()

    @CI
    @given(
        olds=st.dictionaries(st.sampled_from(fields), scalars, max_size=3), news=input_dicts(fields)
    )
    def run(olds: dict[str, Any], news: dict[str, Any]) -> None:
        result = provider.check(olds, news)
        assert isinstance(result, CheckResult)
        assert isinstance(result.inputs, dict)
        assert all(isinstance(f, CheckFailure) for f in result.failures or [])
        failures = [(f.property, f.reason) for f in result.failures or []]
        assert_good_failures(kind, news, failures)
        # Unknowns pass through as they came, wherever they were.
        for name, value in news.items():
            if any(isinstance(leaf, Unknown) for leaf in leaves(value)) and name in fields:
                assert result.inputs.get(name) is value
        # A failure-free answer is canonical: checking it again changes nothing.
        if not failures:
            again = provider.check({}, result.inputs)
            assert again.failures == []
            assert again.inputs == result.inputs

    run()


# --- the same through the provider process, as the engine calls it ---------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[ProviderServer]:
    with ProviderServer() as running:
        running.configure({})  # check needs no key and no endpoint
        yield running


@pytest.mark.parametrize("kind", PROVIDERS)
def test_check_over_grpc_answers_every_input_dict(kind: str, server: ProviderServer) -> None:
    make, fields, type_ = PROVIDERS[kind]
    provider_ref = serialize_provider(make())
    the_urn = urn(type_, "fuzz")

    @settings(CI, max_examples=150)
    @given(news=input_dicts(fields))
    def run(news: dict[str, Any]) -> None:
        checked = server.check(the_urn, {}, {**news, PROVIDER_KEY: provider_ref})
        wire_news = {k: v for k, v in news.items() if v is not None}
        assert_good_failures(kind, wire_news, checked.failures)
        assert checked.inputs[PROVIDER_KEY] == provider_ref

    run()
    assert server.returncode is None  # the provider process never died


# --- the emulator's 400 answers -----------------------------------------------------------

DOMAIN = "/inbound/domains"
GOOD = {
    "domain": "bad-input.example.com",
    "delivery_type": "webhook",
    "webhook_url": "https://h.example.com/",
}
BAD_CREATES = {
    "unknown field": {**GOOD, "colour": "blue"},
    "domain missing": {"delivery_type": "forward"},
    "bad domain": {"domain": "not a domain", "delivery_type": "forward"},
    "bad delivery type": {"domain": "x.example.com", "delivery_type": "email"},
    "field of another mode": {**GOOD, "smtp_servers": ["mx.example.com:25"]},
    "mode field missing": {"domain": "x.example.com", "delivery_type": "smtp"},
    "empty smtp list": {"domain": "x.example.com", "delivery_type": "smtp", "smtp_servers": []},
    "smtp item without port": {
        "domain": "x.example.com",
        "delivery_type": "smtp",
        "smtp_servers": ["mx.example.com"],
    },
    "smtp item of the wrong type": {
        "domain": "x.example.com",
        "delivery_type": "smtp",
        "smtp_servers": [7],
    },
    "smtp item with an unknown field": {
        "domain": "x.example.com",
        "delivery_type": "smtp",
        "smtp_servers": [{"url": "mx.example.com:25", "weight": 1}],
    },
    "smtp item without url": {
        "domain": "x.example.com",
        "delivery_type": "smtp",
        "smtp_servers": [{}],
    },
    "smtp priority out of range": {
        "domain": "x.example.com",
        "delivery_type": "smtp",
        "smtp_servers": [{"url": "mx.example.com:25", "priority": 70000}],
    },
    "smtp tls not a bool": {
        "domain": "x.example.com",
        "delivery_type": "smtp",
        "smtp_servers": [{"url": "mx.example.com:25", "tls_enabled": "yes"}],
    },
    "bad webhook url": {**GOOD, "webhook_url": "ftp://h.example.com/"},
    "bad webhook method": {**GOOD, "webhook_method": "GET"},
    "bad webhook headers": {**GOOD, "webhook_headers": {"X-A": 1}},
    "float webhook timeout": {**GOOD, "webhook_timeout": 30000.0},
    "negative webhook retries": {**GOOD, "webhook_retry_count": -1},
    "auth header not a string": {**GOOD, "webhook_auth_header": 12},
}


@pytest.fixture
def jet(emu: Emulator) -> Iterator[JetEmailClient]:
    """Our client, on a fresh account of the module's emulator."""
    with JetEmailClient(API_KEY, emu.url, requests_per_minute=10_000) as api:
        yield api


def raw_post(emulator: Emulator, path: str, body: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    return httpx.post(emulator.url + path, json=body, headers=headers)


def assert_one_clear_line(
    error: ValidationError, method: str, path: str, answer: httpx.Response
) -> None:
    text = str(error)
    api_message = answer.json()["error"]
    assert text == f"JetEmail API {method} {path}: 400 {api_message}"
    assert "\n" not in text
    assert "\r" not in text
    assert API_KEY not in text
    assert (error.status, error.message) == (400, api_message)


@pytest.mark.parametrize("body", BAD_CREATES.values(), ids=BAD_CREATES.keys())
def test_each_refused_create_is_one_clear_line(
    body: Any, jet: JetEmailClient, emulator: Emulator
) -> None:
    answer = raw_post(emulator, DOMAIN, body)  # what the API says to this body
    assert answer.status_code == 400
    with pytest.raises(ValidationError) as raised:
        jet.create_domain(body)
    assert_one_clear_line(raised.value, "POST", DOMAIN, answer)
    assert emulator.domains() == []


BAD_UPDATES: dict[str, Callable[[str], tuple[str, str, Any]]] = {
    "empty update": lambda uuid: ("PATCH", f"/inbound/settings/{uuid}", {}),
    "domain changed": lambda uuid: (
        "PATCH",
        f"/inbound/settings/{uuid}",
        {"domain": "y.example.com"},
    ),
    "bad status": lambda uuid: ("PATCH", f"/inbound/settings/{uuid}", {"status": "paused"}),
    "null for a field that cannot be cleared": lambda uuid: (
        "PATCH",
        f"/inbound/settings/{uuid}",
        {"webhook_method": None},
    ),
    "delete without a uuid string": lambda uuid: ("DELETE", DOMAIN, {"uuid": 7}),
    "rules of a domain that is not forward": lambda uuid: (
        "POST",
        f"/inbound/domains/{uuid}/forward-rules",
        {"localpart": "a", "destination": "b@example.com"},
    ),
}


@pytest.mark.parametrize("call", BAD_UPDATES.values(), ids=BAD_UPDATES.keys())
def test_each_refused_update_is_one_clear_line(
    call: Callable[[str], tuple[str, str, Any]], jet: JetEmailClient, emulator: Emulator
) -> None:
    uuid = emulator.add_domain(GOOD)["uuid"]
    method, path, body = call(uuid)
    answer = httpx.request(
        method, emulator.url + path, json=body, headers={"Authorization": f"Bearer {API_KEY}"}
    )
    assert answer.status_code == 400
    with pytest.raises(ValidationError) as raised:
        jet._request(method, path, body, idempotent=True)
    assert_one_clear_line(raised.value, method, path, answer)


BAD_RULES = {
    "bad localpart": {"localpart": "a b", "destination": "b@example.com"},
    "bad destination": {"localpart": "a", "destination": "Team <b@example.com>"},
    "active not a bool": {"localpart": "a", "destination": "b@example.com", "active": 1},
    "localpart missing": {"destination": "b@example.com"},
}


@pytest.mark.parametrize("body", BAD_RULES.values(), ids=BAD_RULES.keys())
def test_each_refused_rule_is_one_clear_line(
    body: dict[str, Any], jet: JetEmailClient, emulator: Emulator
) -> None:
    uuid = emulator.add_domain({"domain": "rules.example.com", "delivery_type": "forward"})["uuid"]
    path = f"/inbound/domains/{uuid}/forward-rules"
    answer = raw_post(emulator, path, body)
    assert answer.status_code == 400
    with pytest.raises(ValidationError) as raised:
        jet.create_forward_rule(uuid, body)
    assert_one_clear_line(raised.value, "POST", path, answer)


# --- any error answer, from the API or from something in front of it ----------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)
messages = st.text() | st.text(alphabet=st.sampled_from("\r\n\t\x00 ab")) | json_values
error_bodies = st.one_of(
    st.builds(lambda v: {"success": False, "error": v}, messages),
    st.builds(lambda v: {"message": v}, messages),
    st.builds(lambda e, m: {"error": e, "message": m}, messages, messages),
    json_values,
)


@settings(CI, max_examples=300)
@given(
    status=st.sampled_from([400, 401, 403, 404, 405, 409, 410, 418, 422, 500, 501, 505]),
    body=error_bodies,
    raw=st.none() | st.binary(max_size=200) | st.text(max_size=200),
)
def test_any_error_answer_becomes_one_line_without_the_key(
    status: int, body: Any, raw: Any
) -> None:
    content = raw.encode() if isinstance(raw, str) else raw

    def answer(request: httpx.Request) -> httpx.Response:
        if content is not None:
            return httpx.Response(status, content=content)
        return httpx.Response(status, json=body)

    transport = httpx.MockTransport(answer)
    with (
        JetEmailClient(API_KEY, transport=transport, max_retries=0) as api,
        pytest.raises(APIStatusError) as raised,
    ):
        api.list_domains()
    text = str(raised.value)
    assert text.startswith(f"JetEmail API GET /inbound/domains: {status} ")
    assert "\n" not in text
    assert "\r" not in text
    assert API_KEY not in text
    assert len(text) <= 500
