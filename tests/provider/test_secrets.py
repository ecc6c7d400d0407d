"""Nothing leaks: across a whole lifecycle with faults, nothing the provider returns
to the engine or writes to its output holds a secret in plain text, except the values the
contract marks secret; the API key appears nowhere at all. Plain http to anything but
loopback is refused before any request.
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pytest
from google.protobuf import json_format
from helpers import API_KEY, INBOUND, registered
from pulumi.runtime import mocks, rpc

from pulumi_jetemail import InboundDomain, InboundDomainArgs
from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.testing import PROVIDER_KEY, ProviderError, ProviderServer, install_mocks, urn

AUTH = ("Bearer auth-sentinel-one", "Bearer auth-sentinel-two")
HEADER = ("hdr-sentinel-one", "hdr-sentinel-two")
WRONG_KEY = "api_wrong_sentinel_key_42"
SECRET_OUTPUTS = {"webhook_secret", "webhook_auth_header", "webhook_headers"}
"""Outputs the contract marks secret: the engine masks them (additional_secret_outputs)."""
SECRET_INPUTS = {"webhook_auth_header", "webhook_headers"}
"""Inputs the resource class wraps as secrets: the engine keeps them secret in check/read."""
FAST = 0.01
DOMAINS = "/inbound/domains"


@dataclass
class Seen:
    """Everything the provider handed the engine, by where it went."""

    outputs: list[Mapping[str, Any]] = field(default_factory=list)
    inputs: list[Mapping[str, Any]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def error(self, raised: pytest.ExceptionInfo[ProviderError]) -> str:
        self.texts.append(raised.value.details)
        return raised.value.details


def webhook(domain: str, auth: str, header: str, **more: Any) -> dict[str, Any]:
    fields = {
        "domain": domain,
        "delivery_type": "webhook",
        "webhook_url": "https://hooks.example.com/inbound",
        "webhook_auth_header": auth,
        "webhook_headers": {"X-Token": header, "X-Team": "mail"},
        **more,
    }
    return registered(lambda: InboundDomain("hook", **fields))


def walk(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, text) of every leaf, keys included."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield f"{path}.{key}", str(key)
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")
    else:
        yield path, str(value)


def provider_bytes(props: Mapping[str, Any]) -> bytes:
    """The serialized provider, decoded: a dill pickle (by reference) of the provider."""
    return base64.b64decode(props[PROVIDER_KEY])


def hits(seen: Seen, secret: str) -> list[str]:
    """Where `secret` shows outside the values the contract marks secret."""
    found = []
    for kind, bags, allowed in (
        ("output", seen.outputs, SECRET_OUTPUTS),
        ("input", seen.inputs, SECRET_INPUTS),
    ):
        for bag in bags:
            if secret.encode() in provider_bytes(bag):
                found.append(f"{kind} {PROVIDER_KEY}")
            for key, value in bag.items():
                if key in allowed:
                    continue
                found += [f"{kind} {path}" for path, text in walk(value, key) if secret in text]
    found += [f"text {text[:80]!r}" for text in seen.texts if secret in text]
    return found


def test_a_lifecycle_with_faults_leaks_no_secret(emu: Emulator) -> None:
    seen = Seen()
    the_urn = urn(INBOUND, "hook")
    with ProviderServer() as server:
        server.configure(
            {
                "jetemail:apiKey": API_KEY,
                "jetemail:apiUrl": emu.url,
                "jetemail:requestsPerMinute": "10000",  # 200 a minute would pace this test
            },
            secret_keys=["jetemail:apiKey"],
        )

        def check(olds: Mapping[str, Any], news: dict[str, Any]) -> dict[str, Any]:
            checked = server.check(the_urn, olds, news)
            assert checked.failures == []
            seen.inputs.append(checked.inputs)
            return checked.inputs

        # Create, through a lost POST (the provider reconciles) and a flaky listing.
        emu.inject("POST", DOMAINS, status=502, processed=True)
        emu.inject("GET", DOMAINS, status=503, retry_after=FAST)
        inputs = check({}, webhook("hook.example.com", AUTH[0], HEADER[0]))
        uuid, outs = server.create(the_urn, inputs)
        seen.outputs.append(outs)
        secret = outs["webhook_secret"]
        assert secret == emu.domain(uuid)["webhook_secret"]  # type: ignore[index]
        assert server.wait_for_stderr("checking the account before trying again")

        # Update the auth header and a header value, through a 429 and a dropped read.
        emu.inject("PATCH", "/inbound/settings/*", status=429, retry_after=FAST)
        emu.inject("GET", "/inbound/settings/*", drop=True)
        news = check(inputs, webhook("hook.example.com", AUTH[1], HEADER[1]))
        outs = server.update(uuid, the_urn, outs, news)
        seen.outputs.append(outs)
        assert server.wait_for_stderr("JetEmail rate limit hit")

        # Refresh, through a 503; then an update the API refuses.
        emu.inject("GET", "/inbound/settings/*", status=503, retry_after=FAST)
        read = server.read(uuid, the_urn, outs, news)
        seen.outputs.append(read.outs)
        assert read.inputs is not None
        seen.inputs.append(read.inputs)
        refused = check(news, webhook("hook.example.com", AUTH[0], HEADER[0]))
        emu.inject("PATCH", "/inbound/settings/*", status=400)
        with pytest.raises(ProviderError) as raised:
            server.update(uuid, the_urn, read.outs, refused)
        assert "400" in seen.error(raised)

        # Switch to smtp: the webhook secrets leave the outputs (the webhook_secret stays).
        smtp = {k: v for k, v in news.items() if not k.startswith("webhook_")}
        smtp |= {"delivery_type": "smtp", "smtp_servers": ["mx.example.com:25"]}
        smtp = check(news, smtp)
        outs = server.update(uuid, the_urn, read.outs, smtp)
        seen.outputs.append(outs)
        assert outs["webhook_secret"] == secret
        assert not SECRET_INPUTS & set(outs)

        # A create that keeps getting lost fails, and leaves nothing.
        emu.inject("POST", DOMAINS, status=504, processed=True, times=3)
        other = urn(INBOUND, "other")
        lost = server.check(other, {}, webhook("other.example.com", AUTH[0], HEADER[0])).inputs
        with pytest.raises(ProviderError) as raised:
            server.create(other, lost)
        assert "3 attempts" in seen.error(raised)

        # Delete, through an ambiguous 504.
        emu.inject("DELETE", DOMAINS, status=504, processed=True)
        server.delete(uuid, the_urn, outs)
        assert emu.domains() == []
        seen.texts += [server.stderr_text(), server.stdout_text()]

    assert API_KEY not in repr(seen)  # nowhere at all, secret-marked values included
    for bag in seen.inputs + seen.outputs:
        assert API_KEY.encode() not in provider_bytes(bag)
    for value in (secret, *AUTH, *HEADER):
        assert hits(seen, value) == [], value
    # ...and the secrets did reach the engine where the contract says they go.
    assert seen.outputs[0]["webhook_auth_header"] == AUTH[0]
    assert seen.outputs[1]["webhook_headers"]["X-Token"] == HEADER[1]


def test_a_wrong_key_is_named_nowhere(emu: Emulator) -> None:
    with ProviderServer() as server:
        server.configure(
            {"jetemail:apiKey": WRONG_KEY, "jetemail:apiUrl": emu.url},
            secret_keys=["jetemail:apiKey"],
        )
        news = webhook("wrong.example.com", AUTH[0], HEADER[0])
        checked = server.check(urn(INBOUND, "w"), {}, news)
        with pytest.raises(ProviderError) as raised:
            server.create(urn(INBOUND, "w"), checked.inputs)
        details = raised.value.details
        assert "401" in details
        everything = details + server.stderr_text() + server.stdout_text() + repr(checked)
        assert WRONG_KEY not in everything
        assert AUTH[0] not in details + server.stderr_text()


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com",
        "http://api.jetemail.com",
        "http://10.0.0.7:8025",
        "http://localhost.example.com",
        "http://[::ffff:8.8.8.8]:80",
    ],
)
def test_plain_http_to_a_remote_host_is_refused_before_any_request(url: str, emu: Emulator) -> None:
    # The environment points at the emulator: were the stack config ignored, it would be hit.
    with ProviderServer(env={"JETEMAIL_API_URL": emu.url}) as server:
        server.configure(
            {"jetemail:apiKey": API_KEY, "jetemail:apiUrl": url}, secret_keys=["jetemail:apiKey"]
        )
        news = registered(
            lambda: InboundDomain("h", domain="h.example.com", delivery_type="forward")
        )
        checked = server.check(urn(INBOUND, "h"), {}, news)
        # The preview fails already, naming the setting (and up would fail the same way).
        ((prop, reason),) = checked.failures
        assert prop == ""
        assert reason.startswith("provider settings: jetemail:apiUrl ")
        assert "plain http would send the API key unencrypted" in reason
        with pytest.raises(ProviderError) as raised:
            server.create(urn(INBOUND, "h"), checked.inputs)
    last = raised.value.details.rstrip().rsplit("\n", 1)[-1]
    assert last.startswith("pulumi_jetemail.errors.ConfigError: jetemail:apiUrl ")
    assert "plain http would send the API key unencrypted" in last
    assert API_KEY not in raised.value.details
    assert emu.requests == []


# --- what the program registers (mocks) -------------------------------------------------------


class _Mocks(mocks.Mocks):
    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return "0b0c2f4e-5a8b-4c1d-9e2f-3a4b5c6d7e8f", dict(args.inputs)

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


class _Monitor(mocks.MockMonitor):
    def __init__(self) -> None:
        super().__init__(_Mocks())
        self.requests: list[tuple[str, set[str], dict[str, Any]]] = []

    def RegisterResource(self, request: Any) -> Any:  # the gRPC method name
        self._record("register", request)
        return super().RegisterResource(request)

    def ReadResource(self, request: Any) -> Any:  # the gRPC method name
        self._record("read", request)
        return super().ReadResource(request)

    def _record(self, kind: str, request: Any) -> None:
        if request.type != "pulumi:pulumi:Stack":
            props = json_format.MessageToDict(
                request.properties if kind == "read" else request.object
            )
            self.requests.append((kind, set(request.additionalSecretOutputs), props))


_program_names = itertools.count()


def program(build: Any) -> list[tuple[str, set[str], dict[str, Any]]]:
    monitor = _Monitor()
    install_mocks(_Mocks(), monitor=monitor)

    @pulumi.runtime.test  # type: ignore[misc]
    def run() -> pulumi.Output[str]:
        return build().urn

    run()
    return monitor.requests


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(rpc._special_sig_key) == rpc._special_secret_sig


PLAIN_PROGRAMS = {
    "keywords": lambda: InboundDomain(
        "p",
        domain="example.com",
        delivery_type="webhook",
        webhook_url="https://hooks.example.com/inbound",
        webhook_auth_header=AUTH[0],
        webhook_headers={"X-Token": HEADER[0]},
    ),
    "args class": lambda: InboundDomain(
        "p",
        InboundDomainArgs(
            domain="example.com",
            delivery_type="webhook",
            webhook_url="https://hooks.example.com/inbound",
            webhook_auth_header=AUTH[0],
            webhook_headers={"X-Token": HEADER[0]},
        ),
    ),
    "plain outputs": lambda: InboundDomain(
        "p",
        domain="example.com",
        delivery_type="webhook",
        webhook_url="https://hooks.example.com/inbound",
        webhook_auth_header=pulumi.Output.from_input(AUTH[0]),
        webhook_headers={"X-Token": pulumi.Output.from_input(HEADER[0])},
    ),
}


@pytest.mark.parametrize("build", PLAIN_PROGRAMS.values(), ids=PLAIN_PROGRAMS.keys())
def test_plain_secret_inputs_are_registered_secret_with_the_secret_outputs(build: Any) -> None:
    ((kind, secret_outputs, props),) = program(build)
    assert kind == "register"
    assert secret_outputs >= SECRET_OUTPUTS
    for name in SECRET_INPUTS:
        assert is_secret(props[name]), name
    plain = {k: v for k, v in props.items() if k not in SECRET_INPUTS}
    assert AUTH[0] not in repr(plain)
    assert HEADER[0] not in repr(plain)


def test_a_looked_up_domain_is_read_with_the_secret_outputs() -> None:
    ((kind, secret_outputs, _),) = program(
        lambda: InboundDomain.get("found", "0b0c2f4e-5a8b-4c1d-9e2f-3a4b5c6d7e8f")
    )
    assert kind == "read"
    assert secret_outputs >= SECRET_OUTPUTS
