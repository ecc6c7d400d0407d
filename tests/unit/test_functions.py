"""The provider functions: the plugin's `Invoke` called in process against the emulator (a
domain found by name or uuid, its rules, a clear failure for one that is not there, bad
arguments as check failures), and the typed Python wrappers under Pulumi's mocks."""

from __future__ import annotations

from typing import Any

import grpc
import pulumi
import pytest
from google.protobuf import json_format
from helpers import API_KEY
from pulumi.runtime import mocks
from pulumi.runtime.proto import provider_pb2

from pulumi_jetemail import native
from pulumi_jetemail._wire import encode
from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.functions import FUNCTIONS, function_named
from pulumi_jetemail.plugin import JetEmailPlugin
from pulumi_jetemail.testing import install_mocks

UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000"


class Aborted(Exception):
    pass


class Context:
    """What a servicer method sees of gRPC: `abort` ends the call with a status."""

    def abort(self, code: grpc.StatusCode, details: str) -> None:
        raise Aborted(code, details)


@pytest.fixture
def plugin(emulator: Emulator) -> JetEmailPlugin:
    emulator.reset()
    served = JetEmailPlugin()
    config = {"apiKey": API_KEY, "apiUrl": emulator.url, "requestsPerMinute": 10000}
    args = json_format.ParseDict(config, provider_pb2.ConfigureRequest().args)
    served.Configure(provider_pb2.ConfigureRequest(args=args), Context())
    return served


def invoke(plugin: JetEmailPlugin, name: str, **args: Any) -> tuple[dict[str, Any], list[Any]]:
    function = function_named(name)
    assert function is not None
    request = provider_pb2.InvokeRequest(tok=function.token, args=encode(function.args, args))
    answer = plugin.Invoke(request, Context())
    failures = [(f.property, f.reason) for f in answer.failures]
    return json_format.MessageToDict(getattr(answer, "return")), failures


def test_a_domain_made_out_of_band_is_found_by_name_and_by_uuid(
    plugin: JetEmailPlugin, emulator: Emulator
) -> None:
    made = emulator.add_domain({"domain": "found.example.com", "delivery_type": "forward"})
    emulator.set_dns_verified(made["uuid"], mx=True)
    by_name, failures = invoke(plugin, "getInboundDomain", domain="Found.Example.com.")
    assert failures == []
    assert by_name["uuid"] == made["uuid"]
    assert by_name["deliveryType"] == "forward"
    assert by_name["status"] == "active"
    assert by_name["forwardMxVerified"] is True
    assert by_name["forwardDkimVerified"] is False
    assert [r["type"] for r in by_name["dnsRecords"]] == ["MX", "CNAME", "TXT", "TXT"]
    by_uuid, _ = invoke(plugin, "getInboundDomain", uuid=made["uuid"])
    assert by_uuid == by_name


def test_a_domain_that_is_not_there_fails_naming_it(
    plugin: JetEmailPlugin, emulator: Emulator
) -> None:
    emulator.add_domain({"domain": "other.example.com", "delivery_type": "forward"})
    with pytest.raises(Aborted) as failed:
        invoke(plugin, "getInboundDomain", domain="missing.example.com")
    assert failed.value.args[0] == grpc.StatusCode.UNKNOWN
    assert failed.value.args[1] == (
        "no inbound domain missing.example.com on this JetEmail account (it has: other.example.com)"
    )
    with pytest.raises(Aborted, match=UNKNOWN_UUID):
        invoke(plugin, "getInboundDomain", uuid=UNKNOWN_UUID)
    with pytest.raises(Aborted, match=r"its uuid: give one"):
        invoke(plugin, "getInboundDomain")


def test_bad_arguments_are_check_failures_naming_the_argument(plugin: JetEmailPlugin) -> None:
    _, failures = invoke(plugin, "getInboundDomain", domain="not a domain")
    assert [prop for prop, _ in failures] == ["domain"]
    _, failures = invoke(plugin, "getForwardRules")
    assert failures == [("domainUuid", failures[0][1])]
    assert "required" in failures[0][1]


def test_the_rules_of_a_domain(plugin: JetEmailPlugin, emulator: Emulator) -> None:
    uuid = emulator.add_domain({"domain": "rules.example.com", "delivery_type": "forward"})["uuid"]
    rule = emulator.add_rule(uuid, {"localpart": "sales", "destination": "team@example.net"})
    emulator.set_rule_verified(uuid, rule["uuid"])
    result, failures = invoke(plugin, "getForwardRules", domainUuid=uuid)
    assert failures == []
    assert result["domainUuid"] == uuid
    (listed,) = result["rules"]
    assert listed["uuid"] == rule["uuid"]
    assert listed["localpart"] == "sales"
    assert listed["verified"] is True
    assert listed["active"] is True
    assert isinstance(listed["createdAt"], float)  # the wire's number
    hooks = emulator.add_domain(
        {"domain": "hooks.example.com", "delivery_type": "webhook", "webhook_url": "https://h.x/"}
    )
    with pytest.raises(Aborted, match="only a domain with delivery_type 'forward' has rules"):
        invoke(plugin, "getForwardRules", domain_uuid=hooks["uuid"])


def test_an_unknown_function_is_refused(plugin: JetEmailPlugin) -> None:
    request = provider_pb2.InvokeRequest(tok="jetemail:index:getNothing")
    with pytest.raises(Aborted, match="unknown function 'jetemail:index:getNothing'"):
        plugin.Invoke(request, Context())


def test_every_function_is_in_the_schema_with_its_arguments() -> None:
    from pulumi_jetemail import _codegen

    spec = _codegen.schema()["functions"]
    assert set(spec) == {f.token for f in FUNCTIONS}
    inbound = spec["jetemail:index:getInboundDomain"]
    assert set(inbound["inputs"]["properties"]) == {"domain", "uuid"}
    assert inbound["outputs"]["properties"]["dnsRecords"]["items"] == {
        "$ref": "#/types/jetemail:index:DnsRecord"
    }


# --- the Python wrappers, under mocks -----------------------------------------------------------


class Answers(mocks.Mocks):
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return "id", args.inputs

    def call(self, args: mocks.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        self.calls.append((args.token, dict(args.args)))
        rule = {"uuid": "r1", "localpart": "*", "destination": "a@b.example", "active": True}
        rule |= {"verified": False, "createdAt": 1700000000.0}
        return {"domainUuid": args.args.get("domainUuid"), "rules": [rule]}


def test_the_typed_wrappers_send_camel_case_and_answer_snake_case_ints() -> None:
    answers = Answers()
    install_mocks(answers)

    @pulumi.runtime.test  # type: ignore[misc]
    def run() -> Any:
        plain = native.get_forward_rules(domain_uuid=UNKNOWN_UUID)
        assert plain.rules[0]["created_at"] == 1700000000
        assert type(plain.rules[0]["created_at"]) is int
        out = native.get_forward_rules_output(domain_uuid=pulumi.Output.from_input(UNKNOWN_UUID))
        return out.apply(lambda r: r.domain_uuid)

    run()
    tokens = [token for token, _ in answers.calls]
    assert tokens == ["jetemail:index:getForwardRules"] * 2
    assert answers.calls[0][1] == {"domainUuid": UNKNOWN_UUID}
