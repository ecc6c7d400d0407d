"""Drive a Python dynamic provider over gRPC exactly as the Pulumi engine does.

`ProviderServer` starts ``python -u -m pulumi.dynamic`` (what the engine's
``pulumi-resource-pulumi-python`` shim runs) with ``PULUMI_PROJECT`` set, reads the port it
prints, and calls the ``ResourceProvider`` service with plain Python dicts encoded by the SDK's
own ``pulumi.runtime.rpc.serialize_properties`` and decoded by ``deserialize_properties``.

What the wire does to values (checked against pulumi 3.272's ``pulumi/dynamic/__main__.py``):

- The provider receives numbers as floats (``3`` arrives as ``3.0``), tuples as lists, and never
  sees a key whose value is ``None``: None-valued keys are dropped at every depth of a dict
  (a ``None`` inside a list stays).
- ``pulumi.output.Unknown()`` values, nested anywhere, reach ``check`` and ``diff`` as
  ``Unknown``: the SDK decodes those two with ``keep_unknowns=True``. The engine sends unknowns
  to nothing else, so this harness refuses them in create/read/update/delete requests.
  Unknowns the provider returns come back as ``Unknown`` too.
- Secrets: the provider answers ``Configure`` with ``acceptSecrets: false``, so the engine sends
  plain values everywhere after Configure; this harness refuses secret-wrapped values in
  requests. In ``Configure`` itself the engine sends ``--secret`` stack config wrapped as
  secrets (``configure(secret_keys=...)`` does the same); the SDK unwraps them. An answer only
  carries a secret if the provider put a raw ``rpc.wrap_rpc_secret(...)`` dict in its outputs;
  such values are decoded to plain values and their top-level keys listed in
  ``Props.secret_keys``.
- Check, Create, Read and Update answers hold ``__provider`` (the SDK adds it): pass them back
  unchanged as the next call's ``olds``/``props``, which is what the engine does.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Coroutine, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any, Literal, TypeVar, cast

import grpc
from google.protobuf import empty_pb2 as _empty_pb2
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider as _sdk_serialize_provider
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime.proto import (
    provider_pb2 as _provider_pb2,
    provider_pb2_grpc as _provider_pb2_grpc,
)

__all__ = [
    "PROVIDER_KEY",
    "CheckOutcome",
    "DiffOutcome",
    "Props",
    "ProtocolViolation",
    "ProviderError",
    "ProviderServer",
    "ProviderStartError",
    "ReadOutcome",
    "decode_properties",
    "encode_properties",
    "serialize_provider",
    "urn",
]

# The generated protobuf and gRPC modules carry no usable types: narrow them to Any once here.
_pb: Any = _provider_pb2
_pb_grpc: Any = _provider_pb2_grpc
_empty: Any = _empty_pb2

PROVIDER_KEY = "__provider"
"""The input and output holding the serialized provider (see `serialize_provider`)."""

DEFAULT_CALL_TIMEOUT = 60.0
DEFAULT_START_TIMEOUT = 30.0
_STOP_GRACE = 5.0
# Loopback only: never let a proxy from the environment see the connection.
_CHANNEL_OPTIONS = [
    ("grpc.enable_http_proxy", 0),
    ("grpc.max_receive_message_length", 400 * 1024 * 1024),
]
_DIFF_CHANGES = {
    _pb.DiffResponse.DIFF_UNKNOWN: "unknown",
    _pb.DiffResponse.DIFF_NONE: "none",
    _pb.DiffResponse.DIFF_SOME: "some",
}

_T = TypeVar("_T")
DiffChanges = Literal["some", "none", "unknown"]


class Props(dict[str, Any]):
    """A property bag decoded from the wire; a plain dict plus the keys that came back secret.

    ``secret_keys`` names the top-level keys that held a secret anywhere inside them (the SDK
    pushes secretness up to the top-level key). Equality ignores it: ``Props`` compares equal
    to the plain dict with the same items.
    """

    secret_keys: frozenset[str]

    def __init__(
        self, values: Mapping[str, Any] | None = None, secret_keys: Iterable[str] = ()
    ) -> None:
        super().__init__(values or {})
        self.secret_keys = frozenset(secret_keys)


@dataclass(frozen=True)
class CheckOutcome:
    """What ``Check`` answered: the checked inputs and one (property, reason) per failure."""

    inputs: Props
    failures: list[tuple[str, str]]


@dataclass(frozen=True)
class DiffOutcome:
    """What ``Diff`` answered. The SDK never sends stables, diffs or a detailed diff."""

    changes: DiffChanges
    replaces: list[str]
    delete_before_replace: bool


@dataclass(frozen=True)
class ReadOutcome:
    """What ``Read`` answered: ``id == ""`` means gone; ``inputs`` is None unless refreshed."""

    id: str
    outs: Props
    inputs: Props | None


class ProviderError(Exception):
    """A gRPC call failed: the provider raised, or the process is gone or too slow.

    ``code`` is the gRPC status name (``"UNKNOWN"`` when a provider method raised, since the SDK
    aborts with that code; ``"DEADLINE_EXCEEDED"`` on a timeout; ``"UNAVAILABLE"`` when the
    process died). ``details`` is what the engine receives and shows the user: for a provider
    exception, the full traceback text the SDK formats.
    """

    def __init__(self, method: str, code: str, details: str, context: str = "") -> None:
        self.method = method
        self.code = code
        self.details = details
        message = f"{method} failed with {code}: {details}"
        super().__init__(f"{message}\n{context}" if context else message)


class ProviderStartError(RuntimeError):
    """The provider process died or stayed silent before serving; carries its stderr."""

    def __init__(self, message: str, returncode: int | None, stderr: str) -> None:
        self.returncode = returncode
        self.stderr = stderr
        super().__init__(f"{message}\n--- provider stderr ---\n{stderr}" if stderr else message)


class ProtocolViolation(AssertionError):
    """The provider answered something the engine would refuse (e.g. an empty id from create)."""


def urn(type_: str, name: str, project: str = "test", stack: str = "dev") -> str:
    """The URN the engine gives a resource at the root of a stack.

    ``type_`` is the full type token, e.g. ``"pulumi-python:dynamic/jetemail:InboundDomain"``
    (a dynamic resource's ``module`` and ``name`` after ``pulumi-python:dynamic/``).
    """
    if type_.count(":") < 2 or "::" in type_:
        raise ValueError(
            f"type_ must be a full type token like "
            f"'pulumi-python:dynamic/jetemail:InboundDomain', got {type_!r}"
        )
    return f"urn:pulumi:{stack}::{project}::{type_}::{name}"


def serialize_provider(provider: ResourceProvider) -> str:
    """The ``__provider`` input the SDK builds for ``provider``: base64 of its dill pickle.

    Not thread-safe: the SDK patches the global pickler while it runs.
    """
    return cast(str, _sdk_serialize_provider(provider))


def encode_properties(props: Mapping[str, Any]) -> Any:
    """Encode plain values to the ``google.protobuf.Struct`` the engine would send.

    Uses the SDK's ``serialize_properties`` (no running Pulumi program needed). Allowed values:
    None, bool, int, float, str, lists/tuples, mappings with str keys, ``Unknown()``.
    """
    for path, value in _leaves(props):
        if not isinstance(value, (str, int, float, bool, Unknown)) and value is not None:
            raise TypeError(
                f"{path or '<root>'}: {type(value).__name__} is not plain data "
                "(use str, numbers, bools, None, lists, dicts or pulumi.output.Unknown())"
            )
    return _run_coroutine(rpc.serialize_properties(dict(props), {}))


def decode_properties(struct: Any) -> Props:
    """Decode a ``Struct`` from the provider as the engine's SDK does, keeping unknowns."""
    raw = rpc.deserialize_properties(struct, keep_unknowns=True)
    if not isinstance(raw, dict):
        raise ProtocolViolation(f"expected a property map, got {type(raw).__name__}")
    values: dict[str, Any] = {}
    secret_keys: set[str] = set()
    for key, value in raw.items():
        if rpc.is_rpc_secret(value):
            secret_keys.add(key)
            values[key] = rpc.unwrap_rpc_secret(value)
        else:
            values[key] = value
    return Props(values, secret_keys)


class ProviderServer:
    """``python -m pulumi.dynamic`` in a subprocess, called over gRPC as the engine calls it.

    Usage::

        with ProviderServer(env={"JETEMAIL_API_URL": url}) as server:
            server.configure({"jetemail:apiKey": "api_x"})      # always first, as the engine does
            checked = server.check(the_urn, {}, {"__provider": serialize_provider(P()), ...})
            id_, outs = server.create(the_urn, checked.inputs)
            ...

    The child inherits this process's environment, plus ``PULUMI_PROJECT=project``, plus ``env``
    (a ``None`` value removes a variable). It runs in ``cwd``: ``python -m`` puts that directory
    on ``sys.path``, which is how the provider process imports the module a provider class was
    pickled from (``__provider`` holds a reference to ``module.Class``, not its code).

    Methods are thread-safe; the server has 4 worker threads, like the engine's. Each call
    waits at most ``timeout`` seconds (an attribute, adjustable).
    """

    def __init__(
        self,
        *,
        env: Mapping[str, str | None] | None = None,
        project: str = "test",
        python: str = sys.executable,
        cwd: str | os.PathLike[str] | None = None,
        timeout: float = DEFAULT_CALL_TIMEOUT,
        start_timeout: float = DEFAULT_START_TIMEOUT,
    ) -> None:
        self.project = project
        self.python = python
        self.cwd = cwd
        self.timeout = timeout
        self.start_timeout = start_timeout
        self._env = dict(env or {})
        self._process: subprocess.Popen[bytes] | None = None
        self._channel: Any = None
        self._stub: Any = None
        self._configured = False
        self._accept_secrets: bool | None = None
        self._lock = threading.Lock()
        self._output_arrived = threading.Condition(self._lock)
        self._stderr: list[bytes] = []
        self._stdout: list[bytes] = []
        self._port_line: bytes | None = None
        self._port_seen = threading.Event()
        self._readers: list[threading.Thread] = []
        self._finalizer: weakref.finalize[Any, Any] | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> ProviderServer:
        """Start the provider and wait until it serves; raise `ProviderStartError` if it can't."""
        if self._process is not None:
            raise RuntimeError("a ProviderServer starts once: make a new one")
        environ = dict(os.environ)
        environ["PULUMI_PROJECT"] = self.project
        for key, value in self._env.items():
            if value is None:
                environ.pop(key, None)
            else:
                environ[key] = value
        deadline = time.monotonic() + self.start_timeout
        process = subprocess.Popen(  # noqa: S603 (the interpreter and module are fixed, no shell)
            [self.python, "-u", "-m", "pulumi.dynamic"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environ,
            cwd=self.cwd,
        )
        self._process = process
        self._finalizer = weakref.finalize(self, _kill, process)
        assert process.stdout is not None
        assert process.stderr is not None
        self._readers = [
            threading.Thread(
                target=self._drain_stdout, args=(process.stdout,), name="provider-stdout"
            ),
            threading.Thread(
                target=self._drain, args=(process.stderr, self._stderr), name="provider-stderr"
            ),
        ]
        for reader in self._readers:
            reader.daemon = True
            reader.start()
        try:
            port = self._await_port(deadline)
            self._connect(port, deadline)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Close the channel and end the process (SIGTERM, then SIGKILL after 5 s). Idempotent."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None
            self._stub = None
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=_STOP_GRACE)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=_STOP_GRACE)
        for reader in self._readers:
            reader.join(timeout=_STOP_GRACE)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
        if self._finalizer is not None:
            self._finalizer.detach()

    def __enter__(self) -> ProviderServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        """The provider process id (e.g. to read its RSS from ``/proc/<pid>/status``)."""
        if self._process is None:
            raise RuntimeError("the provider is not started")
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        """The provider's exit code, or None while it runs (or before it started)."""
        return None if self._process is None else self._process.poll()

    @property
    def accept_secrets(self) -> bool | None:
        """What the provider answered to Configure's ``acceptSecrets`` (None before it)."""
        return self._accept_secrets

    def stderr_text(self) -> str:
        """Everything the provider process wrote to stderr so far (drained continuously)."""
        with self._lock:
            data = b"".join(self._stderr)
        return data.decode("utf-8", errors="replace")

    def wait_for_stderr(self, text: str, timeout: float = 10.0) -> bool:
        """Wait until ``text`` appears in the provider's stderr; False if it did not in time."""
        deadline = time.monotonic() + timeout
        with self._output_arrived:
            while text not in b"".join(self._stderr).decode("utf-8", errors="replace"):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._output_arrived.wait(remaining)
        return True

    def stdout_text(self) -> str:
        """What the provider process wrote to stdout after its port line."""
        with self._lock:
            data = b"".join(self._stdout)
        return data.decode("utf-8", errors="replace")

    # -- the ResourceProvider calls, in the order the engine makes them -------------------

    def configure(self, config: Mapping[str, object], *, secret_keys: Iterable[str] = ()) -> None:
        """Send ``Configure`` with the whole stack config, as the engine does before anything.

        Keys are namespaced (``"jetemail:apiKey"``). Keys in ``secret_keys`` are sent wrapped as
        secrets, as the engine sends ``--secret`` config; the SDK unwraps them. The SDK reads
        only ``args`` (not ``variables``) and hands the config to the provider's ``configure()``
        lazily, on the first call that unpickles a given ``__provider``; that happens once per
        process, so a later ``configure()`` does not reach an already configured provider.
        """
        secret = set(secret_keys)
        if missing := secret - set(config):
            raise ValueError(f"secret_keys not in config: {sorted(missing)}")
        for key in config:
            if ":" not in key:
                raise ValueError(
                    f"config key {key!r} is not namespaced: stack config keys look like "
                    "'jetemail:apiKey'"
                )
        args = {
            key: rpc.wrap_rpc_secret(value) if key in secret else value
            for key, value in config.items()
        }
        request = _pb.ConfigureRequest(
            args=encode_properties(args),
            acceptSecrets=True,
            acceptResources=True,
            sends_old_inputs=True,
            sends_old_inputs_to_delete=True,
        )
        response = self._call("Configure", request, needs_configure=False)
        self._accept_secrets = bool(response.acceptSecrets)
        self._configured = True

    def check(self, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> CheckOutcome:
        """``Check``: ``olds`` are the old inputs (``{}`` on create), ``news`` the new inputs."""
        _require_provider_key("check", news)
        _refuse_secrets("check", olds, news)
        name, type_ = _split_urn(urn)
        request = _pb.CheckRequest(
            urn=urn,
            name=name,
            type=type_,
            olds=encode_properties(olds),
            news=encode_properties(news),
            randomSeed=os.urandom(32),
        )
        response = self._call("Check", request)
        return CheckOutcome(
            inputs=decode_properties(response.inputs),
            failures=[(failure.property, failure.reason) for failure in response.failures],
        )

    def diff(
        self, id: str, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> DiffOutcome:
        """``Diff``: ``olds`` are the old *outputs*, ``news`` the new checked inputs."""
        _require_provider_key("diff", news, olds)
        _refuse_secrets("diff", olds, news)
        name, type_ = _split_urn(urn)
        request = _pb.DiffRequest(
            id=id,
            urn=urn,
            name=name,
            type=type_,
            olds=encode_properties(olds),
            news=encode_properties(news),
        )
        response = self._call("Diff", request)
        return DiffOutcome(
            changes=cast(DiffChanges, _DIFF_CHANGES.get(int(response.changes), "unknown")),
            replaces=list(response.replaces),
            delete_before_replace=bool(response.deleteBeforeReplace),
        )

    def create(self, urn: str, props: Mapping[str, Any]) -> tuple[str, Props]:
        """``Create`` with the checked inputs; returns ``(id, outputs)``.

        Raises `ProtocolViolation` on an empty id, which the engine refuses.
        """
        _require_provider_key("create", props)
        _refuse_secrets("create", props)
        _refuse_unknowns("create", props)
        name, type_ = _split_urn(urn)
        request = _pb.CreateRequest(
            urn=urn,
            name=name,
            type=type_,
            properties=encode_properties(props),
            timeout=self.timeout,
            preview=False,
        )
        response = self._call("Create", request)
        if not response.id:
            raise ProtocolViolation(
                f"create returned an empty id for {urn}: the engine fails the update"
            )
        return str(response.id), decode_properties(response.properties)

    def read(
        self,
        id: str,
        urn: str,
        props: Mapping[str, Any],
        inputs: Mapping[str, Any] | None = None,
    ) -> ReadOutcome:
        """``Read`` (refresh, or ``get`` when ``props`` is empty and ``inputs`` given).

        ``props`` are the old outputs, ``inputs`` the old inputs.
        """
        _require_provider_key("read", props, inputs or {})
        _refuse_secrets("read", props, inputs or {})
        _refuse_unknowns("read", props, inputs or {})
        name, type_ = _split_urn(urn)
        fields: dict[str, Any] = {
            "id": id,
            "urn": urn,
            "name": name,
            "type": type_,
            "properties": encode_properties(props),
            "timeout": self.timeout,
        }
        if inputs is not None:
            fields["inputs"] = encode_properties(inputs)
        response = self._call("Read", _pb.ReadRequest(**fields))
        return ReadOutcome(
            id=str(response.id),
            outs=decode_properties(response.properties),
            inputs=decode_properties(response.inputs) if response.HasField("inputs") else None,
        )

    def update(self, id: str, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Props:
        """``Update``: ``olds`` are the old *outputs*; returns the new outputs."""
        _require_provider_key("update", news)
        _refuse_secrets("update", olds, news)
        _refuse_unknowns("update", olds, news)
        name, type_ = _split_urn(urn)
        request = _pb.UpdateRequest(
            id=id,
            urn=urn,
            name=name,
            type=type_,
            olds=encode_properties(olds),
            news=encode_properties(news),
            timeout=self.timeout,
            preview=False,
        )
        response = self._call("Update", request)
        return decode_properties(response.properties)

    def delete(self, id: str, urn: str, props: Mapping[str, Any]) -> None:
        """``Delete`` with the old outputs."""
        _require_provider_key("delete", props)
        _refuse_secrets("delete", props)
        _refuse_unknowns("delete", props)
        name, type_ = _split_urn(urn)
        request = _pb.DeleteRequest(
            id=id,
            urn=urn,
            name=name,
            type=type_,
            properties=encode_properties(props),
            timeout=self.timeout,
        )
        self._call("Delete", request)

    # -- internals -------------------------------------------------------------------------

    def _call(self, method: str, request: Any, *, needs_configure: bool = True) -> Any:
        stub = self._stub
        if stub is None:
            raise RuntimeError("the provider is not running: call start() (or use `with`)")
        if needs_configure and not self._configured:
            raise RuntimeError(
                "call configure() first, as the engine does (configure({}) for no stack config)"
            )
        try:
            return getattr(stub, method)(request, timeout=self.timeout)
        except grpc.RpcError as error:
            raise self._error(method, error) from None

    def _error(self, method: str, error: Any) -> ProviderError:
        status = error.code()
        code = status.name if status is not None else "UNKNOWN"
        details = error.details() or ""
        context = ""
        process = self._process
        if process is not None and code == "UNAVAILABLE":
            # A dead provider resets the connection a moment before it can be reaped.
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=1.0)
        if process is not None and process.poll() is not None:
            for reader in self._readers:
                reader.join(timeout=_STOP_GRACE)
            context = (
                f"(provider process exited with code {process.returncode})\n"
                f"--- provider stderr ---\n{self.stderr_text()}"
            )
        return ProviderError(method, code, details, context)

    def _drain(self, stream: IO[bytes], sink: list[bytes]) -> None:
        read = getattr(stream, "read1", stream.read)
        while chunk := read(65536):
            with self._output_arrived:
                sink.append(chunk)
                self._output_arrived.notify_all()

    def _drain_stdout(self, stream: IO[bytes]) -> None:
        try:
            self._port_line = stream.readline()
        finally:
            self._port_seen.set()
        self._drain(stream, self._stdout)

    def _await_port(self, deadline: float) -> int:
        process = self._process
        assert process is not None
        if not self._port_seen.wait(timeout=max(0.0, deadline - time.monotonic())):
            process.kill()
            process.wait(timeout=_STOP_GRACE)
            raise self._start_error(
                f"the provider printed no port within {self.start_timeout:g} s", process
            )
        line = (self._port_line or b"").strip()
        if not line.isdigit():
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=_STOP_GRACE)
            what = "exited before printing its port" if line == b"" else f"printed {line!r}"
            raise self._start_error(f"the provider {what}, not a port", process)
        return int(line)

    def _start_error(self, message: str, process: subprocess.Popen[bytes]) -> ProviderStartError:
        for reader in self._readers:
            reader.join(timeout=_STOP_GRACE)
        return ProviderStartError(
            f"{message} ({self.python} -m pulumi.dynamic, exit code {process.returncode})",
            process.returncode,
            self.stderr_text(),
        )

    def _connect(self, port: int, deadline: float) -> None:
        channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=_CHANNEL_OPTIONS)
        try:
            grpc.channel_ready_future(channel).result(timeout=max(0.0, deadline - time.monotonic()))
        except grpc.FutureTimeoutError:
            channel.close()
            process = self._process
            assert process is not None
            raise self._start_error(
                f"the provider did not accept a connection on port {port}", process
            ) from None
        self._channel = channel
        self._stub = _pb_grpc.ResourceProviderStub(channel)
        # The engine's first call; proves the service answers before any test relies on it.
        self._call("GetPluginInfo", _empty.Empty(), needs_configure=False)


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Finalizer: never leave a provider running when its ProviderServer is forgotten."""
    if process.poll() is None:
        process.kill()
        process.wait(timeout=_STOP_GRACE)


def _split_urn(urn: str) -> tuple[str, str]:
    """(name, type) of a URN, as the engine fills CheckRequest.name and .type."""
    parts = urn.split("::", 3)
    if not urn.startswith("urn:pulumi:") or len(parts) != 4:
        raise ValueError(f"not a URN: {urn!r} (build one with pulumi_jetemail.testing.urn)")
    return parts[3], parts[2].rsplit("$", 1)[-1]


def _require_provider_key(method: str, props: Mapping[str, Any], *more: Mapping[str, Any]) -> None:
    if PROVIDER_KEY not in props and not any(PROVIDER_KEY in extra for extra in more):
        raise ValueError(
            f"{method}: the properties lack {PROVIDER_KEY!r}; the engine always sends it. "
            f"Add {{{PROVIDER_KEY!r}: serialize_provider(YourProvider())}} or pass "
            "the previous answer (check inputs, create/update outputs) unchanged"
        )


def _refuse_unknowns(method: str, *bags: Mapping[str, Any]) -> None:
    for bag in bags:
        for path, value in _leaves(bag):
            if isinstance(value, Unknown):
                raise ValueError(
                    f"{method}: {path} is Unknown, but the engine sends unknowns only to "
                    "check and diff (during a preview)"
                )


def _refuse_secrets(method: str, *bags: Mapping[str, Any]) -> None:
    for bag in bags:
        for path, value in _walk(bag):
            if rpc.is_rpc_secret(value):
                raise ValueError(
                    f"{method}: {path} is a secret-wrapped value, but the provider does not "
                    "accept secrets, so the engine sends it plain"
                )


def _walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every value in a nested structure (containers included) with its path."""
    yield path, value
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path or '<root>'}: key {key!r} is not a string")
            yield from _walk(item, f"{path}.{key}" if path else key)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


def _leaves(value: Any) -> Iterator[tuple[str, Any]]:
    for path, item in _walk(value):
        if not isinstance(item, (Mapping, list, tuple)):
            yield path, item


def _run_coroutine(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run an SDK coroutine to completion from synchronous code.

    A fresh event loop, never installed as the thread's current loop (``asyncio.run`` would
    leave the main thread without one, breaking later ``asyncio.get_event_loop()`` callers
    such as Pulumi's mocks). From inside a running loop, a helper thread runs it.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _run_in_fresh_loop(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_run_in_fresh_loop, coroutine).result()


def _run_in_fresh_loop(coroutine: Coroutine[Any, Any, _T]) -> _T:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()
