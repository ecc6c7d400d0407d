"""Program wiring, tested with Pulumi's mocks: what the resource classes send to the engine.

Mocks never call the provider; this suite checks the type tokens, the secret
markings and the inputs a program registers. The provider itself is tested over gRPC.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from google.protobuf import json_format
from pulumi.runtime import mocks, rpc

from pulumi_jetemail import ForwardRule, ForwardRuleArgs, InboundDomain, InboundDomainArgs
from pulumi_jetemail.testing import install_mocks

UUID = "550e8400-e29b-41d4-a716-446655440000"


class Recorder(mocks.Mocks):
    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        outputs = {**args.inputs, "uuid": args.resource_id or UUID}
        return outputs["uuid"], outputs

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


class RecordingMonitor(mocks.MockMonitor):
    """Sees the whole registration request, which MockResourceArgs does not carry."""

    def __init__(self, m: mocks.Mocks) -> None:
        super().__init__(m)
        self.registered: dict[str, dict[str, Any]] = {}
        self.read: dict[str, dict[str, Any]] = {}

    def RegisterResource(self, request: Any) -> Any:  # the gRPC method name
        if request.type != "pulumi:pulumi:Stack":
            self.registered[request.name] = {
                "type": request.type,
                "secret_outputs": set(request.additionalSecretOutputs),
                "object": json_format.MessageToDict(request.object),
            }
        return super().RegisterResource(request)

    def ReadResource(self, request: Any) -> Any:  # the gRPC method name
        self.read[request.name] = {"type": request.type, "id": request.id}
        return super().ReadResource(request)


@pytest.fixture
def monitor() -> RecordingMonitor:
    recording = RecordingMonitor(Recorder())
    install_mocks(Recorder(), monitor=recording)
    return recording


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(rpc._special_sig_key) == rpc._special_secret_sig


@pulumi.runtime.test  # type: ignore[misc]
def test_inbound_domain_registers_its_type_and_secret_outputs(
    monitor: RecordingMonitor,
) -> pulumi.Output[Any]:
    domain = InboundDomain(
        "support",
        domain="example.com",
        delivery_type="webhook",
        webhook_url="https://hooks.example.com/inbound",
        webhook_auth_header="Bearer hook-token",
        webhook_headers={"X-Team": "mail"},
    )

    def verify(_: Any) -> None:
        seen = monitor.registered["support"]
        assert seen["type"] == "pulumi-python:dynamic/jetemail:InboundDomain"
        assert {"webhook_secret", "webhook_auth_header", "webhook_headers"} <= seen[
            "secret_outputs"
        ]
        inputs = seen["object"]
        assert is_secret(inputs["webhook_auth_header"])
        assert is_secret(inputs["webhook_headers"])
        assert inputs["domain"] == "example.com"
        assert "__provider" in inputs

    return domain.urn.apply(verify)


@pulumi.runtime.test  # type: ignore[misc]
def test_inbound_domain_args_class_sends_the_same_inputs_as_keywords(
    monitor: RecordingMonitor,
) -> pulumi.Output[Any]:
    InboundDomain(
        "by-keywords",
        domain="example.com",
        delivery_type="smtp",
        smtp_servers=["mx.example.com:25"],
    )
    last = InboundDomain(
        "by-args",
        InboundDomainArgs(
            domain="example.com", delivery_type="smtp", smtp_servers=["mx.example.com:25"]
        ),
        pulumi.ResourceOptions(protect=False),
    )

    def verify(_: Any) -> None:
        by_keywords = monitor.registered["by-keywords"]["object"]
        by_args = monitor.registered["by-args"]["object"]
        assert by_keywords == by_args
        assert by_args["smtp_servers"] == ["mx.example.com:25"]

    return last.urn.apply(verify)


@pulumi.runtime.test  # type: ignore[misc]
def test_inbound_domain_exposes_every_output(monitor: RecordingMonitor) -> pulumi.Output[Any]:
    domain = InboundDomain("d", domain="example.com", delivery_type="forward")
    decl = InboundDomain.PROVIDER.resource.declaration
    names = [p.name for p in decl.props]
    assert (len(decl.inputs), len(decl.outputs)) == (11, 9)  # the contract (DESIGN.md)
    for name in names:
        assert isinstance(getattr(domain, name), pulumi.Output), name
    return domain.uuid.apply(lambda uuid: assert_equal(uuid, UUID))


@pulumi.runtime.test  # type: ignore[misc]
def test_forward_rule_exposes_every_output(monitor: RecordingMonitor) -> None:
    rule = ForwardRule("r", domain_uuid=UUID, localpart="a", destination="b@example.com")
    names = ["domain_uuid", "localpart", "destination", "active", "uuid", "verified", "created_at"]
    for name in names:
        assert isinstance(getattr(rule, name), pulumi.Output), name


def assert_equal(a: Any, b: Any) -> None:
    assert a == b


@pulumi.runtime.test  # type: ignore[misc]
def test_inbound_domain_get_reads_by_uuid(monitor: RecordingMonitor) -> pulumi.Output[Any]:
    found = InboundDomain.get("existing", UUID)

    def verify(_: Any) -> None:
        assert monitor.read["existing"] == {
            "type": "pulumi-python:dynamic/jetemail:InboundDomain",
            "id": UUID,
        }
        assert "existing" not in monitor.registered

    return found.urn.apply(verify)


@pulumi.runtime.test  # type: ignore[misc]
def test_forward_rule_wires_the_domain_uuid(monitor: RecordingMonitor) -> pulumi.Output[Any]:
    domain = InboundDomain("d", domain="example.com", delivery_type="forward")
    rule = ForwardRule(
        "r", ForwardRuleArgs(domain_uuid=domain.uuid, localpart="*", destination="ops@example.net")
    )

    def verify(_: Any) -> None:
        seen = monitor.registered["r"]
        assert seen["type"] == "pulumi-python:dynamic/jetemail:ForwardRule"
        assert seen["object"]["domain_uuid"] == UUID
        assert seen["object"]["localpart"] == "*"

    return rule.urn.apply(verify)
