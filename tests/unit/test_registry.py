"""Adding a resource is one folder and one line: a throwaway resource, declared in this test
only and added to `RESOURCES` (the one line), reaches the schema, the typed surface, both
doors' generated classes, both doors' providers and the package's exports."""

from __future__ import annotations

import base64
import importlib
import sys
import types
import uuid as uuidlib
from collections.abc import Iterator
from typing import Annotated, Any

import pulumi
import pytest
from pulumi.runtime import mocks, rpc
from pulumi.runtime.proto import provider_pb2
from pydantic import BeforeValidator

import pulumi_jetemail
from pulumi_jetemail import _codegen, resources
from pulumi_jetemail._declare import INTEGER, STRING, Declaration, Prop
from pulumi_jetemail._fields import integral
from pulumi_jetemail._lifecycle import (
    CreateRequest,
    CreateResult,
    DeclaredLifecycle,
    DeleteRequest,
    Lifecycle,
    ReadRequest,
    ReadResult,
    UpdateRequest,
    UpdateResult,
)
from pulumi_jetemail._registry import ResourceType
from pulumi_jetemail._wire import encode
from pulumi_jetemail.plugin import JetEmailPlugin
from pulumi_jetemail.testing import install_mocks


def _size(value: Any) -> int:
    return integral(value, "of centimetres")


WIDGET = Declaration(
    name="Widget",
    description="A throwaway resource, declared in a test.",
    props=(
        Prop(
            "size",
            INTEGER,
            "How big it is.",
            required=True,
            rule=Annotated[int, BeforeValidator(_size)],
        ),
        Prop("label", STRING, "What it says.", default="plain", rule=str),
        Prop("uuid", STRING, "Its id.", output=True),
    ),
)


class WidgetLifecycle(DeclaredLifecycle):
    """Keeps its widgets in memory: no API, no client."""

    def __init__(self) -> None:
        super().__init__(WIDGET)
        self.live: dict[str, dict[str, Any]] = {}

    def apply_create(self, request: CreateRequest) -> CreateResult:
        id_ = str(uuidlib.uuid4())
        self.live[id_] = {**request.inputs, "uuid": id_}
        return CreateResult(id_, dict(self.live[id_]))

    def read(self, request: ReadRequest) -> ReadResult | None:
        state = self.live.get(request.id)
        return self.read_result(request.id, None if state is None else dict(state))

    def apply_update(self, request: UpdateRequest) -> UpdateResult:
        self.live[request.id].update(request.news)
        return UpdateResult(dict(self.live[request.id]))

    def delete(self, request: DeleteRequest) -> None:
        self.live.pop(request.id, None)


WIDGET_TYPE = ResourceType(WIDGET, WidgetLifecycle())
URN = "urn:pulumi:dev::p::jetemail:index:Widget::w"


def _load(name: str, text: str, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """A generated module's text loaded in place of the package's (as `make generate` would
    have written it)."""
    module = types.ModuleType(name)
    module.__package__ = "pulumi_jetemail"
    monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setattr(pulumi_jetemail, name.rpartition(".")[2], module, raising=False)
    exec(compile(text, name, "exec"), module.__dict__)  # noqa: S102 - our own generated code
    return module


@pytest.fixture
def generated(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, types.ModuleType]]:
    """RESOURCES with the widget, and the generated modules made from it."""
    monkeypatch.setattr(resources, "RESOURCES", (*resources.RESOURCES, WIDGET_TYPE))
    modules = {
        "surface": _load("pulumi_jetemail._surface", _codegen.surface(), monkeypatch),
        "native": _load("pulumi_jetemail._native_classes", _codegen.native_classes(), monkeypatch),
        "dynamic": _load(
            "pulumi_jetemail._dynamic_classes", _codegen.dynamic_classes(), monkeypatch
        ),
    }
    native = importlib.reload(importlib.import_module("pulumi_jetemail.native"))
    yield modules
    monkeypatch.undo()  # the package's own modules back, then `native` made of them again
    importlib.reload(native)
    for name in ("Widget", "WidgetArgs"):
        pulumi_jetemail.__dict__.pop(name, None)


def test_a_lifecycle_is_a_lifecycle_and_one_without_its_api_calls_cannot_be_made() -> None:
    assert isinstance(WIDGET_TYPE.lifecycle, Lifecycle)

    class Half(DeclaredLifecycle):
        def read(self, request: ReadRequest) -> ReadResult | None:
            return None

    with pytest.raises(TypeError, match="abstract"):
        Half(WIDGET)  # type: ignore[abstract]


def test_the_widget_reaches_the_schema() -> None:
    spec = _codegen.schema(found=(*resources.RESOURCES, WIDGET_TYPE))["resources"]
    widget = spec["jetemail:index:Widget"]
    assert widget["requiredInputs"] == ["size"]
    assert widget["inputProperties"]["size"] == {"type": "integer", "description": "How big it is."}
    assert set(widget["properties"]) == {"size", "label", "uuid"}
    assert "jetemail:index:Widget" not in _codegen.schema()["resources"]  # the test's only


def test_the_widget_reaches_the_typed_surface(generated: dict[str, types.ModuleType]) -> None:
    surface = generated["surface"]
    assert [f for f in surface.WidgetArgs.__dataclass_fields__] == ["size", "label"]
    assert "size: pulumi.Input[int]," in _codegen.surface()
    assert surface.WidgetSurface.__doc__.startswith(WIDGET.description)


def test_the_widget_reaches_both_doors_classes_and_the_exports(
    generated: dict[str, types.ModuleType],
) -> None:
    native, dynamic = generated["native"].Widget, generated["dynamic"].Widget
    assert native.RESOURCE is WIDGET_TYPE
    assert dynamic.PROVIDER.resource is WIDGET_TYPE
    assert pulumi_jetemail.Widget is dynamic
    assert pulumi_jetemail.WidgetArgs is generated["surface"].WidgetArgs
    assert {"Widget", "WidgetArgs"} <= set(pulumi_jetemail.__all__)
    assert pulumi_jetemail.native.Widget is native
    assert "Widget" in pulumi_jetemail.native.__all__

    registered = _registered(lambda: native("n", size=3))
    assert registered["type"] == "jetemail:index:Widget"
    assert registered["object"]["size"] == 3
    registered = _registered(lambda: dynamic("d", size=4, label="big"))
    assert registered["type"] == "pulumi-python:dynamic/jetemail:Widget"
    assert registered["object"]["label"] == "big"
    pickled = base64.b64decode(registered["object"]["__provider"])  # by reference:
    assert b"pulumi_jetemail._dynamic_classes" in pickled
    assert b"WidgetProvider" in pickled


def test_the_native_plugin_serves_the_widget(generated: dict[str, types.ModuleType]) -> None:
    plugin = JetEmailPlugin()
    check = plugin.Check(provider_pb2.CheckRequest(urn=URN, news=_struct({"size": 3.0})), None)
    assert list(check.failures) == []
    assert dict(check.inputs) == {"size": 3.0, "label": "plain"}
    bad = plugin.Check(provider_pb2.CheckRequest(urn=URN, news=_struct({"size": "big"})), None)
    assert [f.property for f in bad.failures] == ["size"]
    assert "whole number of centimetres" in bad.failures[0].reason

    preview = plugin.Create(
        provider_pb2.CreateRequest(urn=URN, properties=check.inputs, preview=True), None
    )
    assert preview.id == ""
    created = plugin.Create(provider_pb2.CreateRequest(urn=URN, properties=check.inputs), None)
    assert created.id in WIDGET_TYPE.lifecycle.live  # type: ignore[attr-defined]
    diff = plugin.Diff(
        provider_pb2.DiffRequest(
            urn=URN, id=created.id, olds=created.properties, news=_struct({"size": 5})
        ),
        None,
    )
    assert list(diff.diffs) == ["size", "label"]


def test_the_dynamic_provider_serves_the_widget(generated: dict[str, types.ModuleType]) -> None:
    provider = generated["dynamic"].WidgetProvider()
    checked = provider.check({}, {"size": 2.0})
    assert checked.failures == []
    assert checked.inputs == {"size": 2, "label": "plain"}
    created = provider.create({**checked.inputs, "__provider": "(pickled)"})
    assert created.outs == {"size": 2, "label": "plain", "uuid": created.id}
    assert provider.diff(created.id, created.outs, {"size": 2, "label": "plain"}).changes is False
    assert provider.read(created.id, created.outs).outs == created.outs


def _struct(values: dict[str, Any]) -> Any:
    return encode(WIDGET, values)


class _Recording(mocks.MockMonitor):
    def __init__(self) -> None:
        super().__init__(_Echo())
        self.requests: list[dict[str, Any]] = []

    def RegisterResource(self, request: Any) -> Any:  # the gRPC method name
        if request.type != "pulumi:pulumi:Stack":
            inputs, _ = rpc.deserialize_properties_unwrap_secrets(request.object)
            self.requests.append({"type": request.type, "object": dict(inputs)})
        return super().RegisterResource(request)


class _Echo(mocks.Mocks):
    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return "id", args.inputs

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


def _registered(build: Any) -> dict[str, Any]:
    monitor = _Recording()
    install_mocks(_Echo(), monitor=monitor)

    @pulumi.runtime.test  # type: ignore[misc]
    def run() -> Any:
        return build().urn

    run()
    (request,) = monitor.requests
    return request
