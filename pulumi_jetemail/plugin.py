"""pulumi-resource-jetemail: the native provider plugin for package `jetemail`.

The second front door: the same declarations and the same lifecycles (`resources/`) as the
dynamic resources, behind the engine's resource-provider protocol, so
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
from collections.abc import Callable, Mapping
from concurrent import futures
from typing import Any, TypeVar

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import (
    engine_pb2,
    engine_pb2_grpc,
    plugin_pb2,
    provider_pb2,
    provider_pb2_grpc as provider_grpc,
)

from . import __version__, _codegen, _lifeline
from ._check import Failure, check_inputs
from ._declare import Declaration
from ._door import checked, client_for, for_engine, refused_key, resolve_settings
from ._lifecycle import (
    CreateRequest,
    DeleteRequest,
    DiffRequest,
    ReadRequest,
    UpdateRequest,
    is_unknown,
)
from ._registry import PACKAGE, ResourceType
from ._settings import KEY_HINT, PROVIDER_CONFIG, ClientSettings, Setting
from ._wire import camel_names, decode, encode, type_of
from .errors import ConfigError, JetEmailError, redact
from .functions import function_named
from .resources import resource_named

__all__ = ["JetEmailPlugin", "main"]

log = logging.getLogger("pulumi_jetemail")
_R = TypeVar("_R")

WORKERS = 16
"""Calls served at once: the engine's default parallelism (4 per CPU) on a 4-CPU runner."""


# ---------------------------------------------------------------------------- provider


class JetEmailPlugin(provider_grpc.ResourceProviderServicer):
    """The engine's calls, each handed to the lifecycle of its resource type.

    A hand-written servicer on the SDK's protocol stubs rather than the typed
    `pulumi.provider.experimental.Provider`: that one serves the engine on asyncio
    (grpc.aio), while the lifecycles are synchronous code over an HTTP client and a rate
    limiter shared by threads (the engine runs creates and reads in parallel, and one budget
    must pace them all). Running them under asyncio would mean a thread hop per call and a
    second concurrency model for the same limiter; the wire code it would save is `_wire.py`.
    """

    def __init__(self, engine: str | None = None) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._settings: ClientSettings | ConfigError = resolve_settings(lambda _setting: None)
        self._log_stub: Any = None

    # ----------------------------------------------------------------- plumbing

    def _resource(self, urn: str) -> ResourceType:
        token = type_of(urn)
        found = resource_named(token.removeprefix(f"{PACKAGE}:index:"))
        if found is None or found.token != token:
            raise JetEmailError(f"unknown resource type {token!r} for the {PACKAGE} provider")
        return found

    def _warn(self, message: str, urn: str = "") -> None:
        """A warning the CLI shows, through the engine's log service."""
        self._log(engine_pb2.WARNING, message, urn)

    def _log(self, severity: Any, message: str, urn: str) -> None:
        """A line the CLI shows under the resource, through the engine's log service (else
        on stderr)."""
        try:
            if self._log_stub is None and self._engine:
                channel = grpc.insecure_channel(self._engine)
                self._log_stub = engine_pb2_grpc.EngineStub(channel)
            if self._log_stub is not None:
                request = engine_pb2.LogRequest(severity=severity, message=message, urn=urn)
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

        return provider_pb2.GetSchemaResponse(schema=json.dumps(_codegen.schema()))

    def Cancel(self, request: Any, context: Any) -> empty_pb2.Empty:
        return empty_pb2.Empty()

    def Attach(self, request: Any, context: Any) -> empty_pb2.Empty:
        return empty_pb2.Empty()

    def GetMapping(self, request: Any, context: Any) -> provider_pb2.GetMappingResponse:
        return provider_pb2.GetMappingResponse(provider="", data=b"")

    # ---------------------------------------------------------------- config

    def CheckConfig(self, request: Any, context: Any) -> provider_pb2.CheckResponse:
        news = decode(PROVIDER_CONFIG, request.news).values
        settings = resolve_settings(_lookup(news))
        failures = []
        if isinstance(settings, ConfigError):
            failures.append(provider_pb2.CheckFailure(property="", reason=str(settings)))
        return provider_pb2.CheckResponse(inputs=request.news, failures=failures)

    def DiffConfig(self, request: Any, context: Any) -> provider_pb2.DiffResponse:
        olds = decode(PROVIDER_CONFIG, request.olds).values
        news = decode(PROVIDER_CONFIG, request.news).values
        changed = [p.camel for p in PROVIDER_CONFIG.inputs if olds.get(p.name) != news.get(p.name)]
        return provider_pb2.DiffResponse(changes=_changes(bool(changed)), diffs=changed)

    def Configure(self, request: Any, context: Any) -> provider_pb2.ConfigureResponse:
        values = decode(PROVIDER_CONFIG, request.args).values
        for key, value in request.variables.items():  # `jetemail:config:apiKey` = ...
            name = key.removeprefix(f"{PACKAGE}:config:").removeprefix(f"{PACKAGE}:")
            prop = PROVIDER_CONFIG.by_camel.get(name)
            if prop is not None and values.get(prop.name) is None:
                values[prop.name] = value
        with self._lock:
            self._settings = resolve_settings(_lookup(values))
        _lifeline.watch()
        return provider_pb2.ConfigureResponse(
            acceptSecrets=True, supportsPreview=True, acceptResources=False
        )

    # ---------------------------------------------------------------- check, diff

    def Check(self, request: Any, context: Any) -> provider_pb2.CheckResponse:
        lifecycle = self._resource(request.urn).lifecycle
        decl = lifecycle.decl
        news = decode(decl, request.news)
        result = checked(lifecycle, news.values, self._settings)
        for warning in result.warnings:
            self._warn(warning, request.urn)
        return provider_pb2.CheckResponse(
            inputs=encode(decl, result.inputs, news.secret),
            failures=_check_failures(decl, result.failures),
        )

    def Diff(self, request: Any, context: Any) -> provider_pb2.DiffResponse:
        """The shared plan as it is: a replacing input not known yet replaces (unlike the
        dynamic door's, an update here previews with its outputs known, so an unknown id
        means that what it comes from is replaced too)."""
        lifecycle = self._resource(request.urn).lifecycle
        decl = lifecycle.decl
        olds = decode(decl, request.olds).values
        news = decode(decl, request.news).values
        ignored = set(request.ignoreChanges)
        plan = lifecycle.diff(DiffRequest(request.id, olds, news))
        changed = [n for n in plan.changed if decl.camel_of(n) not in ignored]
        replacing = [n for n in plan.replaces if n in changed]
        detailed = {
            decl.camel_of(name): provider_pb2.PropertyDiff(
                kind=_diff_kind(olds.get(name), news.get(name), name in replacing),
                inputDiff=True,
            )
            for name in changed
        }
        return provider_pb2.DiffResponse(
            changes=_changes(bool(changed)),
            replaces=camel_names(decl, replacing),
            diffs=camel_names(decl, changed),
            detailedDiff=detailed,
            hasDetailedDiff=True,
            deleteBeforeReplace=False,
        )

    # ------------------------------------------------------- create ... delete

    def Create(self, request: Any, context: Any) -> provider_pb2.CreateResponse:
        lifecycle = self._resource(request.urn).lifecycle
        decl = lifecycle.decl
        props = decode(decl, request.properties)
        call = CreateRequest(
            self._client,
            decl.inputs_from(props.values),
            preview=request.preview,
            timeout=request.timeout or None,
            progress=lambda message: self._log(engine_pb2.INFO, message, request.urn),
        )
        result = self._guarded(context, lambda: lifecycle.create(call))
        return provider_pb2.CreateResponse(
            id=result.id, properties=encode(decl, result.state, props.secret)
        )

    def Read(self, request: Any, context: Any) -> provider_pb2.ReadResponse:
        lifecycle = self._resource(request.urn).lifecycle
        decl = lifecycle.decl
        props = decode(decl, request.properties)
        secret = props.secret | decode(decl, request.inputs).secret
        call = ReadRequest(self._client, request.id, props.values)
        result = self._guarded(context, lambda: lifecycle.read(call))
        if result is None:
            return provider_pb2.ReadResponse(id="")
        return provider_pb2.ReadResponse(
            id=result.id,
            properties=encode(decl, result.state, secret),
            inputs=encode(decl, result.inputs, secret),
        )

    def Update(self, request: Any, context: Any) -> provider_pb2.UpdateResponse:
        lifecycle = self._resource(request.urn).lifecycle
        decl = lifecycle.decl
        olds = decode(decl, request.olds)
        news = decode(decl, request.news)
        call = UpdateRequest(
            self._client,
            request.id,
            olds.values,
            decl.inputs_from(news.values),
            preview=request.preview,
            timeout=request.timeout or None,
        )
        result = self._guarded(context, lambda: lifecycle.update(call))
        return provider_pb2.UpdateResponse(
            properties=encode(decl, result.state, olds.secret | news.secret)
        )

    def Delete(self, request: Any, context: Any) -> empty_pb2.Empty:
        lifecycle = self._resource(request.urn).lifecycle
        props = decode(lifecycle.decl, request.properties)
        call = DeleteRequest(
            self._client, request.id, props.values, timeout=request.timeout or None
        )
        self._guarded(context, lambda: lifecycle.delete(call))
        return empty_pb2.Empty()

    # ---------------------------------------------------------------- functions

    def Invoke(self, request: Any, context: Any) -> provider_pb2.InvokeResponse:
        """A provider function: its arguments checked as a resource's inputs are, then one
        lookup; a function that finds nothing fails naming what it looked for."""
        name = request.tok.removeprefix(f"{PACKAGE}:index:")
        function = function_named(name)
        if function is None or function.token != request.tok:
            message = f"unknown function {request.tok!r} for the {PACKAGE} provider"
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, message)
            raise JetEmailError(message)  # abort raises; this line is for type checkers
        args = decode(function.args, request.args).values
        values, failures = check_inputs(function.args, args, is_unknown)
        if failures:
            return provider_pb2.InvokeResponse(failures=_check_failures(function.args, failures))
        result = self._guarded(context, lambda: function.call(self._client(), values))
        return provider_pb2.InvokeResponse(**{"return": encode(function.result, result)})

    def _client(self) -> Any:
        with self._lock:
            settings = self._settings
        return client_for(settings)


def _check_failures(decl: Declaration, failures: list[Failure]) -> list[Any]:
    """Check failures as the engine takes them, in the programs' camelCase spelling."""
    return [
        provider_pb2.CheckFailure(property=prop, reason=reason)
        for prop, reason in (for_engine(f, decl.secret_inputs, decl.camel_of) for f in failures)
    ]


def _lookup(values: Mapping[str, Any]) -> Callable[[Setting], Any]:
    """The explicit provider's inputs (or the stack config) as a settings source."""
    return lambda setting: values.get(setting.name)


def _changes(some: bool) -> Any:
    return provider_pb2.DiffResponse.DIFF_SOME if some else provider_pb2.DiffResponse.DIFF_NONE


def _diff_kind(old: Any, new: Any, replaces: bool) -> Any:
    kinds = provider_pb2.PropertyDiff
    if old is None:
        return kinds.ADD_REPLACE if replaces else kinds.ADD
    if new is None:
        return kinds.DELETE_REPLACE if replaces else kinds.DELETE
    return kinds.UPDATE_REPLACE if replaces else kinds.UPDATE


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
