"""pulumi-resource-jetemail: the native provider plugin for package `jetemail`.

The second front door: the same declarations (`declarations.py`) and the same provider logic
(`_logic.py`) as the dynamic resources, behind the engine's resource-provider protocol, so
that every Pulumi language can use them, `pulumi import` works, previews know what an update
cannot change, and diffs are exact. This module only translates: the wire's camelCase names,
secrets and unknowns on one side; the declarations' snake_case, plain values on the other.

The engine starts it as `pulumi-resource-jetemail <engine address>` and reads the port it
prints. Calls are served on a thread pool (the engine runs creates and reads in parallel);
the client underneath is thread-safe and paced per account.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent import futures
from dataclasses import dataclass
from typing import Any, TypeVar

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, plugin_pb2, provider_pb2
from pulumi.runtime.proto import provider_pb2_grpc as provider_grpc

from . import __version__, _codegen, _lifeline
from ._declare import Declaration, Prop
from ._door import checked, client_for, for_engine, refused_key, resolve_settings
from ._logic import LOGIC, Logic, known
from ._settings import KEY_HINT, ClientSettings
from .declarations import PROVIDER_CONFIG
from .errors import ConfigError, JetEmailError, redact

__all__ = ["JetEmailPlugin", "main"]

log = logging.getLogger("pulumi_jetemail")
_R = TypeVar("_R")

PACKAGE = _codegen.PACKAGE
_SECRET = {rpc._special_sig_key: rpc._special_secret_sig}
WORKERS = 16
"""Calls served at once: the engine's default parallelism (4 per CPU) on a 4-CPU runner."""


# ---------------------------------------------------------------------------- the wire


def _unknown() -> Any:
    """A value the engine does not know yet (as the shared logic recognises it)."""
    return Unknown()  # type: ignore[no-untyped-call]


def _from_wire(value: Any, secrets: set[str] | None = None, key: str = "") -> Any:
    """A wire value as plain Python: secrets unwrapped (their top-level keys noted),
    the unknown sentinel as `_unknown()`."""
    if value == rpc.UNKNOWN:
        return _unknown()
    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            if secrets is not None and key:
                secrets.add(key)
            return _from_wire(value.get("value"), secrets, key)
        return {k: _from_wire(v, secrets, key) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_wire(v, secrets, key) for v in value]
    return value


def _to_wire(value: Any) -> Any:
    if isinstance(value, Unknown):
        return rpc.UNKNOWN
    if isinstance(value, Mapping):
        return {k: _to_wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_wire(v) for v in value]
    return value


@dataclass
class Props:
    """Properties of one call in the declarations' terms, and which of them came secret."""

    values: dict[str, Any]
    secret: set[str]


def decode(decl: Declaration, struct: struct_pb2.Struct) -> Props:
    """camelCase wire properties as snake_case values (keys the declaration does not know
    are kept as they came, so that check can name them)."""
    raw = json_format.MessageToDict(struct)
    secret: set[str] = set()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        prop = decl.by_camel.get(key)
        name = prop.name if prop is not None else key
        plain = _from_wire(value, secret, name)
        values[name] = prop.type.coerce(plain) if prop is not None else plain
    return Props(values, secret)


def encode(
    decl: Declaration, values: Mapping[str, Any], secret: set[str] | None = None
) -> struct_pb2.Struct:
    """snake_case values as camelCase wire properties; secret where the declaration says so
    or where the program sent a secret."""
    wire: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            continue
        prop = decl.by_name.get(name)
        key = prop.camel if prop is not None else name
        plain = _to_wire(value)
        if (prop is not None and prop.secret) or name in (secret or ()):
            plain = {**_SECRET, "value": plain}
        wire[key] = plain
    struct = struct_pb2.Struct()
    struct.update(wire)
    return struct


def _type_of(urn: str) -> str:
    """`jetemail:index:InboundDomain` from a URN (a parent's type comes before a `$`)."""
    parts = urn.split("::")
    return parts[2].rsplit("$", 1)[-1] if len(parts) > 3 else ""


def _camel_names(decl: Declaration, names: Iterator[str] | tuple[str, ...]) -> list[str]:
    return [decl.by_name[n].camel if n in decl.by_name else n for n in names]


# ---------------------------------------------------------------------------- provider


class JetEmailPlugin(provider_grpc.ResourceProviderServicer):
    """The engine's calls, each handed to the shared logic of its resource type."""

    def __init__(self, engine: str | None = None) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._settings: ClientSettings | ConfigError = resolve_settings(lambda _key: None)
        self._log_stub: Any = None

    # ----------------------------------------------------------------- plumbing

    def _logic(self, urn: str) -> Logic:
        token = _type_of(urn)
        name = token.removeprefix(f"{PACKAGE}:index:")
        if name not in LOGIC or not token.startswith(f"{PACKAGE}:"):
            raise JetEmailError(f"unknown resource type {token!r} for the {PACKAGE} provider")
        return LOGIC[name]

    def _warn(self, message: str, urn: str = "") -> None:
        """A warning the CLI shows, through the engine's log service."""
        try:
            if self._log_stub is None and self._engine:
                channel = grpc.insecure_channel(self._engine)
                self._log_stub = engine_pb2_grpc.EngineStub(channel)
            if self._log_stub is not None:
                request = engine_pb2.LogRequest(
                    severity=engine_pb2.WARNING, message=message, urn=urn
                )
                self._log_stub.Log(request, timeout=5)
                return
        except grpc.RpcError:
            pass
        log.warning("%s", message)

    def _guarded(self, context: grpc.ServicerContext, call: Callable[[], _R]) -> _R:
        """A call that reaches the API: our errors reach the CLI as their message, never as
        a traceback; the process is not ended under it."""
        try:
            with _lifeline.in_flight():
                return call()
        except JetEmailError as exc:
            message = str(exc)
            if refused_key(exc):
                message += f"{KEY_HINT} (or the explicit provider's apiKey)"
            context.abort(grpc.StatusCode.UNKNOWN, redact(message))
            raise  # abort raises; this line is for type checkers

    # ----------------------------------------------------------------- the plugin

    def GetPluginInfo(self, request: Any, context: Any) -> plugin_pb2.PluginInfo:
        return plugin_pb2.PluginInfo(version=__version__)

    def GetSchema(self, request: Any, context: Any) -> provider_pb2.GetSchemaResponse:
        import json

        return provider_pb2.GetSchemaResponse(schema=json.dumps(_codegen.schema(__version__)))

    def Cancel(self, request: Any, context: Any) -> empty_pb2.Empty:
        return empty_pb2.Empty()

    def Attach(self, request: Any, context: Any) -> empty_pb2.Empty:
        return empty_pb2.Empty()

    def GetMapping(self, request: Any, context: Any) -> provider_pb2.GetMappingResponse:
        return provider_pb2.GetMappingResponse(provider="", data=b"")

    # ---------------------------------------------------------------- config

    def _settings_of(self, values: Mapping[str, Any]) -> ClientSettings | ConfigError:
        def config_get(key: str) -> Any:
            name = key.removeprefix(f"{PACKAGE}:")
            prop = PROVIDER_CONFIG.by_camel.get(name)
            return values.get(prop.name) if prop is not None else None

        return resolve_settings(config_get)

    def CheckConfig(self, request: Any, context: Any) -> provider_pb2.CheckResponse:
        news = decode(PROVIDER_CONFIG, request.news)
        settings = self._settings_of(news.values)
        failures = []
        if isinstance(settings, ConfigError):
            failures.append(provider_pb2.CheckFailure(property="", reason=str(settings)))
        return provider_pb2.CheckResponse(inputs=request.news, failures=failures)

    def DiffConfig(self, request: Any, context: Any) -> provider_pb2.DiffResponse:
        olds = decode(PROVIDER_CONFIG, request.olds).values
        news = decode(PROVIDER_CONFIG, request.news).values
        changed = [p.camel for p in PROVIDER_CONFIG.inputs if olds.get(p.name) != news.get(p.name)]
        return provider_pb2.DiffResponse(
            changes=_changes(bool(changed)),
            diffs=changed,
        )

    def Configure(self, request: Any, context: Any) -> provider_pb2.ConfigureResponse:
        values = decode(PROVIDER_CONFIG, request.args).values
        for key, value in request.variables.items():  # `jetemail:config:apiKey` = ...
            name = key.removeprefix(f"{PACKAGE}:config:").removeprefix(f"{PACKAGE}:")
            prop = PROVIDER_CONFIG.by_camel.get(name)
            if prop is not None and values.get(prop.name) is None:
                values[prop.name] = value
        with self._lock:
            self._settings = self._settings_of(values)
        _lifeline.watch()
        return provider_pb2.ConfigureResponse(
            acceptSecrets=True, supportsPreview=True, acceptResources=False
        )

    # ---------------------------------------------------------------- check, diff

    def Check(self, request: Any, context: Any) -> provider_pb2.CheckResponse:
        logic = self._logic(request.urn)
        news = decode(logic.decl, request.news)
        inputs, failures = checked(logic, news.values, self._settings)
        for risk in logic.risks(inputs):
            self._warn(risk, request.urn)
        return provider_pb2.CheckResponse(
            inputs=encode(logic.decl, inputs, news.secret),
            failures=[
                provider_pb2.CheckFailure(property=prop, reason=reason)
                for prop, reason in (
                    for_engine(f, logic.decl.secret_inputs, logic.decl.camel_of) for f in failures
                )
            ],
        )

    def Diff(self, request: Any, context: Any) -> provider_pb2.DiffResponse:
        logic = self._logic(request.urn)
        olds = decode(logic.decl, request.olds).values
        news = decode(logic.decl, request.news).values
        ignored = set(request.ignoreChanges)
        plan = logic.diff(olds, news)
        changed = [n for n in plan.changed if logic.decl.by_name[n].camel not in ignored]
        # Unlike the dynamic door's, a replacing input not known yet here means that what it
        # comes from is replaced too (an update previews with its outputs known): say so.
        replacing = [n for n in changed if n in logic.decl.replaces]
        detailed = {}
        for name in changed:
            prop = logic.decl.by_name[name]
            replaces = name in replacing
            detailed[prop.camel] = provider_pb2.PropertyDiff(
                kind=_diff_kind(olds.get(name), news.get(name), replaces), inputDiff=True
            )
        return provider_pb2.DiffResponse(
            changes=_changes(bool(changed)),
            replaces=_camel_names(logic.decl, tuple(replacing)),
            diffs=_camel_names(logic.decl, tuple(changed)),
            detailedDiff=detailed,
            hasDetailedDiff=True,
            deleteBeforeReplace=False,
        )

    # ------------------------------------------------------- create ... delete

    def Create(self, request: Any, context: Any) -> provider_pb2.CreateResponse:
        logic = self._logic(request.urn)
        props = decode(logic.decl, request.properties)
        inputs = logic.canonical(props.values)
        if request.preview:
            return provider_pb2.CreateResponse(
                id="", properties=encode(logic.decl, _planned(logic, inputs), props.secret)
            )
        id_, state = self._guarded(context, lambda: logic.create(self._client(), inputs))  # type: ignore[attr-defined]
        return provider_pb2.CreateResponse(
            id=id_, properties=encode(logic.decl, state, props.secret)
        )

    def Read(self, request: Any, context: Any) -> provider_pb2.ReadResponse:
        logic = self._logic(request.urn)
        props = decode(logic.decl, request.properties)
        secret = props.secret | decode(logic.decl, request.inputs).secret
        state = self._guarded(
            context,
            lambda: logic.read(self._client(), request.id, props.values),  # type: ignore[attr-defined]
        )
        if state is None:
            return provider_pb2.ReadResponse(id="")
        return provider_pb2.ReadResponse(
            id=request.id,
            properties=encode(logic.decl, state, secret),
            inputs=encode(logic.decl, logic.inputs_of(state), secret),
        )

    def Update(self, request: Any, context: Any) -> provider_pb2.UpdateResponse:
        logic = self._logic(request.urn)
        olds = decode(logic.decl, request.olds)
        news = decode(logic.decl, request.news)
        inputs = logic.canonical(news.values)
        secret = olds.secret | news.secret
        if request.preview:
            planned = _planned_update(logic, olds.values, inputs)
            return provider_pb2.UpdateResponse(properties=encode(logic.decl, planned, secret))
        state = self._guarded(
            context,
            lambda: logic.update(self._client(), request.id, olds.values, inputs),  # type: ignore[attr-defined]
        )
        return provider_pb2.UpdateResponse(properties=encode(logic.decl, state, secret))

    def Delete(self, request: Any, context: Any) -> empty_pb2.Empty:
        logic = self._logic(request.urn)
        props = decode(logic.decl, request.properties)
        self._guarded(context, lambda: logic.delete(self._client(), request.id, props.values))  # type: ignore[attr-defined]
        return empty_pb2.Empty()

    def _client(self) -> Any:
        with self._lock:
            settings = self._settings
        return client_for(settings)


def _changes(some: bool) -> Any:
    return provider_pb2.DiffResponse.DIFF_SOME if some else provider_pb2.DiffResponse.DIFF_NONE


def _diff_kind(old: Any, new: Any, replaces: bool) -> Any:
    kinds = provider_pb2.PropertyDiff
    if old is None:
        return kinds.ADD_REPLACE if replaces else kinds.ADD
    if new is None:
        return kinds.DELETE_REPLACE if replaces else kinds.DELETE
    return kinds.UPDATE_REPLACE if replaces else kinds.UPDATE


def _planned(logic: Logic, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """A create's preview: the inputs, what the declaration computes from them, and the
    API's outputs not known yet."""
    known_inputs = {k: v for k, v in inputs.items() if known(v)}
    planned: dict[str, Any] = dict(inputs)
    for prop in logic.decl.outputs:
        planned[prop.name] = _computed_or_unknown(prop, known_inputs)
    return planned


def _computed_or_unknown(prop: Prop, state: Mapping[str, Any]) -> Any:
    if prop.computed is not None:
        with contextlib.suppress(KeyError, TypeError):
            return prop.computed(state)
    return _unknown()


def _planned_update(
    logic: Logic, olds: Mapping[str, Any], news: Mapping[str, Any]
) -> dict[str, Any]:
    """An update's preview: the old state with the new inputs; what the update may change
    (computed outputs from unknown inputs, outputs the change resets) not known yet."""
    all_known = known(dict(news))
    if all_known:
        planned = logic.assumed_state(olds, news, logic.update_body(olds, news))
    else:
        planned = {**olds, **news}
    changed = set(logic.diff(olds, news).changed)
    for prop in logic.decl.outputs:
        if (prop.computed is not None and not all_known) or changed & set(prop.reset_by):
            planned[prop.name] = _unknown()
    return planned


# -------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    """Serve the provider protocol on a loopback port and print it, as the engine expects."""
    args = sys.argv[1:] if argv is None else argv
    engine = next((a for a in args if not a.startswith("-")), None)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(message)s")
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="jetemail"),
        options=[("grpc.max_receive_message_length", 400 * 1024 * 1024)],
    )
    provider_grpc.add_ResourceProviderServicer_to_server(JetEmailPlugin(engine), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    server.wait_for_termination()


def _run() -> None:  # pragma: no cover - the console script
    with contextlib.suppress(KeyboardInterrupt):
        main()


if __name__ == "__main__":  # pragma: no cover
    _run()
