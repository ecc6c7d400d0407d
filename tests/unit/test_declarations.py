"""One declaration per resource: the typed surface and the schema match it, and a field added
to a declaration (here, in the test) flows through check, create, state, diff, update and
refresh with nothing else changed."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import uuid as uuidlib
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import BeforeValidator

from pulumi_jetemail import _codegen
from pulumi_jetemail._declare import INTEGER, Declaration, Prop
from pulumi_jetemail._fields import to_int
from pulumi_jetemail._lifecycle import (
    CheckRequest,
    CreateRequest,
    DiffRequest,
    ReadRequest,
    UpdateRequest,
)
from pulumi_jetemail._registry import ResourceType
from pulumi_jetemail.errors import NotFoundError
from pulumi_jetemail.resources import RESOURCES
from pulumi_jetemail.resources.forward_rule import RESOURCE as FORWARD_RULE_TYPE
from pulumi_jetemail.resources.inbound_domain import INBOUND_DOMAIN
from pulumi_jetemail.resources.inbound_domain.lifecycle import DomainLifecycle

DECLARATIONS = tuple(r.declaration for r in RESOURCES)

ROOT = Path(__file__).parents[2]

# ------------------------------------------------------------ generated, and current


def test_the_generated_surface_door_classes_and_schema_are_current() -> None:
    assert _codegen.SURFACE.read_text() == _codegen.surface(), "run `make generate`"
    assert _codegen.NATIVE_CLASSES.read_text() == _codegen.native_classes(), "make generate"
    assert _codegen.DYNAMIC_CLASSES.read_text() == _codegen.dynamic_classes(), "make generate"
    assert _codegen.SCHEMA.read_text() == _codegen.schema_text(), "run `make generate`"
    assert _codegen.NATIVE_FUNCTIONS.read_text() == _codegen.native_functions(), "make generate"
    assert _codegen.INSTALLATION.read_text() == _codegen.installation_configuration()


def test_the_registry_docs_name_only_what_the_schema_has_and_its_version() -> None:
    import re

    import pulumi_jetemail

    spec = _codegen.schema()
    assert spec["version"] == pulumi_jetemail.__version__  # on disk too, not 0.0.0
    assert json.loads(_codegen.SCHEMA.read_text())["version"] == pulumi_jetemail.__version__
    index = (ROOT / "docs" / "_index.md").read_text()
    tokens = set(re.findall(r"jetemail:index:\w+", index))
    assert tokens == set(spec["resources"]) | set(spec["functions"])
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'Homepage = "{spec["repository"]}"' in pyproject


def _classes() -> dict[str, ast.ClassDef]:
    tree = ast.parse(_codegen.SURFACE.read_text())
    return {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}


def _documented(cls: ast.ClassDef) -> dict[str, tuple[str, str]]:
    """{attribute: (annotation, docstring)} of a class body."""
    found: dict[str, tuple[str, str]] = {}
    body = cls.body
    for node, after in zip(body, [*body[1:], None], strict=True):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            doc = ""
            if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
                doc = " ".join(str(after.value.value).split())
            found[node.target.id] = (ast.unparse(node.annotation), doc)
    return found


@pytest.mark.parametrize("decl", DECLARATIONS, ids=lambda d: d.name)
def test_args_hold_every_input_with_its_description_and_requiredness(decl: Declaration) -> None:
    args = _documented(_classes()[f"{decl.name}Args"])
    assert list(args) == list(decl.input_names)
    for prop in decl.inputs:
        annotation, doc = args[prop.name]
        assert doc == " ".join(prop.doc.split())
        assert annotation.endswith("| None") is not prop.required, prop.name


@pytest.mark.parametrize("decl", DECLARATIONS, ids=lambda d: d.name)
def test_the_resource_annotates_every_property_once(decl: Declaration) -> None:
    outputs = _documented(_classes()[f"{decl.name}Surface"])
    assert list(outputs) == [p.name for p in decl.props]
    for prop in decl.props:
        assert outputs[prop.name][1] == " ".join(prop.doc.split())
        assert outputs[prop.name][0].startswith("pulumi.Output[")


@pytest.mark.parametrize("decl", DECLARATIONS, ids=lambda d: d.name)
def test_the_keyword_signature_requires_the_required_inputs(decl: Declaration) -> None:
    inits = [
        node
        for node in _classes()[f"{decl.name}Surface"].body
        if isinstance(node, ast.FunctionDef) and node.name == "__init__"
    ]
    keywords = inits[1].args  # the keyword overload
    names = [a.arg for a in keywords.kwonlyargs]
    assert sorted(names) == sorted(decl.input_names)
    required = {
        a.arg for a, d in zip(keywords.kwonlyargs, keywords.kw_defaults, strict=True) if d is None
    }
    assert required == {p.name for p in decl.inputs if p.required}


def test_the_runtime_classes_are_the_generated_ones() -> None:
    import pulumi_jetemail
    from pulumi_jetemail import _surface

    assert pulumi_jetemail.InboundDomainArgs is _surface.InboundDomainArgs
    assert issubclass(pulumi_jetemail.InboundDomain, _surface.InboundDomainSurface)
    assert issubclass(pulumi_jetemail.ForwardRule, _surface.ForwardRuleSurface)
    assert pulumi_jetemail.InboundDomain.__doc__ == _surface.InboundDomainSurface.__doc__


MISTAKES = """
import pulumi
from pulumi_jetemail import InboundDomain, InboundDomainArgs, ForwardRule
from pulumi_jetemail._surface import DnsRecord

InboundDomain("typo", domain="example.com", delivery_type="webhok")
InboundDomain("missing", delivery_type="forward")
InboundDomainArgs(delivery_type="smtp")
ForwardRule("rule", domain_uuid="x", localpart="a")
InboundDomain("fine", domain="example.com", delivery_type="forward", enabled=False)
InboundDomain("fine2", InboundDomainArgs(domain="example.com", delivery_type="smtp",
              smtp_servers=["mx.example.com:25", {"url": "mx2.example.com:25", "priority": 5}]))
d = InboundDomain("fine3", domain="example.com", delivery_type="webhook",
                  webhook_url="https://h.example", webhook_method="PUT")
p: pulumi.Output[int | None] = d.webhook_timeout
records: pulumi.Output[list[DnsRecord]] = d.dns_records
"""


def test_mypy_flags_a_misspelled_mode_and_a_missing_required_input(tmp_path: Path) -> None:
    program = tmp_path / "program.py"
    program.write_text(MISTAKES)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(program)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    lines = {int(line.split(":")[1]) for line in errors}
    assert lines == {6, 7, 8, 9}, result.stdout


# --------------------------------------------------------------------------- schema


@pytest.mark.parametrize("decl", DECLARATIONS, ids=lambda d: d.name)
def test_the_schema_says_each_property_as_declared(decl: Declaration) -> None:
    spec = json.loads(_codegen.SCHEMA.read_text())["resources"][f"jetemail:index:{decl.name}"]
    assert list(spec["inputProperties"]) == [p.camel for p in decl.inputs]
    assert list(spec["properties"]) == [p.camel for p in decl.props]
    assert spec["requiredInputs"] == [p.camel for p in decl.inputs if p.required]
    for prop in decl.props:
        entry = spec["properties"][prop.camel]
        assert entry["description"] == prop.doc
        assert entry.get("secret", False) is prop.secret
        assert entry.get("willReplaceOnChanges", False) is prop.replaces
        if prop.type.kind in ("string", "integer", "boolean"):
            assert entry["type"] == prop.type.kind


def test_integers_are_integers_in_the_schema() -> None:
    spec = json.loads(_codegen.SCHEMA.read_text())
    domain = spec["resources"]["jetemail:index:InboundDomain"]["properties"]
    assert domain["webhookTimeout"]["type"] == "integer"
    record = spec["types"]["jetemail:index:DnsRecord"]["properties"]
    assert record["priority"]["type"] == "integer"
    rule = spec["resources"]["jetemail:index:ForwardRule"]["properties"]
    assert rule["createdAt"]["type"] == "integer"


# ----------------------------------------------------------------------- field flow


def _max_size(value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError("must be a positive number of bytes")
    return value


MAX_SIZE = Prop(
    "webhook_max_size",
    INTEGER,
    "webhook mode only: the largest message delivered, in bytes (default 10485760).",
    mode="webhook",
    default=10485760,
    rule=Annotated[int, BeforeValidator(_max_size)],
    from_api=to_int,
)


class FakeAccount:
    """Just enough of the client for one domain, echoing every field it is sent."""

    def __init__(self) -> None:
        self.domains: dict[str, dict[str, Any]] = {}
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def create_domain(self, body: dict[str, Any]) -> dict[str, Any]:
        self.sent.append(("POST", body))
        uuid = str(uuidlib.uuid4())
        self.domains[uuid] = {"uuid": uuid, "status": "active", **body}
        return {**self.domains[uuid], "webhook_secret": "whsec_new"}

    def get_domain(self, uuid: str) -> dict[str, Any]:
        if uuid not in self.domains:
            raise NotFoundError("GET", f"/inbound/settings/{uuid}", 404, "not found")
        stored = self.domains[uuid]
        return {k: v for k, v in stored.items() if k not in ("webhook_auth_header",)}

    def update_domain(self, uuid: str, body: dict[str, Any]) -> None:
        self.sent.append(("PATCH", body))
        self.domains[uuid].update(body)


PROGRAM = {
    "domain": "flow.example.com",
    "delivery_type": "webhook",
    "webhook_url": "https://hooks.example.com/inbound",
}


def test_a_field_added_to_the_declaration_flows_through_everything() -> None:
    decl = INBOUND_DOMAIN.with_props(MAX_SIZE)
    logic = DomainLifecycle(decl)
    account = FakeAccount()

    def check(news: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
        result = logic.check(CheckRequest(news))
        return result.inputs, result.failures

    def diff(olds: dict[str, Any], news: dict[str, Any]) -> tuple[str, ...]:
        return logic.diff(DiffRequest("", olds, news)).changed

    # check: validated, canonical (the wire's float made an int), defaulted in its mode only
    inputs, failures = check({**PROGRAM, "webhook_max_size": 2048.0})
    assert failures == []
    assert inputs["webhook_max_size"] == 2048
    assert type(inputs["webhook_max_size"]) is int
    _, failures = check({**PROGRAM, "webhook_max_size": -1})
    assert [f.property for f in failures] == ["webhook_max_size"]
    _, failures = check({"domain": "a.example", "delivery_type": "forward", "webhook_max_size": 5})
    assert "only used when delivery_type is 'webhook'" in failures[0].reason
    defaulted, _ = check(PROGRAM)
    assert defaulted["webhook_max_size"] == 10485760
    assert (
        "webhook_max_size"
        not in check({**PROGRAM, "delivery_type": "forward", "webhook_url": None})[0]
    )

    # create: sent in the POST, kept in the state, and a quiet diff after
    created = logic.create(CreateRequest(lambda: account, inputs))
    uuid, state = created.id, created.state
    assert account.sent[-1] == (
        "POST",
        {
            **PROGRAM,
            "webhook_method": "POST",
            "webhook_timeout": 30000,
            "webhook_retry_count": 3,
            "webhook_max_size": 2048,
        },
    )
    assert state["webhook_max_size"] == 2048
    assert diff(state, inputs) == ()

    # update: only the field in the PATCH; removing it sends its default back
    news = {**inputs, "webhook_max_size": 4096}
    assert diff(state, news) == ("webhook_max_size",)
    state = logic.update(UpdateRequest(lambda: account, uuid, state, news)).state
    assert account.sent[-1] == ("PATCH", {"webhook_max_size": 4096})
    assert state["webhook_max_size"] == 4096
    removed = {k: v for k, v in news.items() if k != "webhook_max_size"}
    assert logic.update_body(state, removed) == {"webhook_max_size": 10485760}

    # refresh: a change made elsewhere shows in the state and in the refreshed inputs
    account.domains[uuid]["webhook_max_size"] = 8192.0
    read = logic.read(ReadRequest(lambda: account, uuid, state))
    assert read is not None
    assert read.state["webhook_max_size"] == 8192
    assert read.inputs["webhook_max_size"] == 8192
    assert diff(read.state, news) == ("webhook_max_size",)

    # and the generated surface and schema carry it, described as declared
    found = (ResourceType(decl, logic), FORWARD_RULE_TYPE)
    assert "webhook_max_size: pulumi.Input[int] | None = None" in _codegen.surface(found)
    spec = _codegen.schema(found=found)["resources"]["jetemail:index:InboundDomain"]
    assert spec["inputProperties"]["webhookMaxSize"] == {
        "type": "integer",
        "description": MAX_SIZE.description,
    }


def test_without_the_field_the_same_flow_sends_nothing_of_it() -> None:
    """The control: the field in the flow above comes from the declaration alone."""
    account = FakeAccount()
    logic = DomainLifecycle(INBOUND_DOMAIN)
    checked = logic.check(CheckRequest(PROGRAM))
    assert checked.failures == []
    created = logic.create(CreateRequest(lambda: account, checked.inputs))
    assert "webhook_max_size" not in account.sent[-1][1]
    assert "webhook_max_size" not in created.state
    failures = logic.check(CheckRequest({**PROGRAM, "webhook_max_size": 2048})).failures
    assert "has no property 'webhook_max_size'" in failures[0].reason


def test_the_native_wire_spells_objects_inside_properties_in_camel_case_too() -> None:
    from google.protobuf import json_format

    from pulumi_jetemail._wire import decode, encode

    servers = [{"url": "mx.example.com:25", "tls_enabled": True, "priority": 5}, "b.example:25"]
    struct = encode(INBOUND_DOMAIN, {"smtp_servers": servers})
    wire = json_format.MessageToDict(struct)["smtpServers"]
    assert wire[0] == {"url": "mx.example.com:25", "tlsEnabled": True, "priority": 5}
    assert decode(INBOUND_DOMAIN, struct).values["smtp_servers"] == servers
    # what a YAML program writes (camelCase) reaches check as declared
    typed = json_format.ParseDict(
        {"smtpServers": [{"url": "a.example:25", "tlsEnabled": False}]}, type(struct)()
    )
    assert decode(INBOUND_DOMAIN, typed).values["smtp_servers"] == [
        {"url": "a.example:25", "tls_enabled": False}
    ]


def test_a_replacing_property_says_so_once_and_a_lookup_result_does_not() -> None:
    from pulumi_jetemail.functions import function_named

    schema = json.loads((ROOT / "pulumi_jetemail" / "schema.json").read_text())
    for resource in schema["resources"].values():
        for name, spec in resource["inputProperties"].items():
            replaces = spec.get("willReplaceOnChanges", False)
            said = spec["description"].count("Changing it replaces")
            assert said == (1 if replaces else 0), name
    result = function_named("getInboundDomain").result
    assert not [p.name for p in result.props if "replaces" in p.doc]
