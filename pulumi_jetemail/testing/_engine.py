"""`OfflineStack`: run a whole Pulumi program without the Pulumi CLI.

A miniature Pulumi engine. The program runs in this process, on the Pulumi SDK's own runtime
(``run_in_stack``, as the language host runs it), with a resource monitor that does what the
engine does for every dynamic resource the program declares: it drives the real provider process
(``python -m pulumi.dynamic``, through `ProviderServer`) with Check, Diff, Create, Update, Read
and Delete, keeps the stack's state between runs, and hands the program back what the engine
would, secrets and unknowns included. Point the stack config at the emulator and a program runs
end to end on a laptop or in CI, with no cloud account and no CLI::

    from pulumi_jetemail.emulator import Emulator
    from pulumi_jetemail.testing import OfflineStack

    with Emulator("api_test") as emu, OfflineStack(
        "path/to/project",                    # Pulumi.yaml's directory, a .py file or a callable
        config={"jetemail:apiUrl": emu.url},
        secrets={"jetemail:apiKey": "api_test"},
    ) as stack:
        print(stack.preview().render())       # like `pulumi preview --diff`
        up = stack.up()                       # like `pulumi up --yes`
        print(up.outputs["uuid"].value)
        assert not stack.preview().changed    # like `pulumi preview --expect-no-changes`
        stack.destroy()

In a pytest suite (a provider process costs about a second: share one per module when the
stacks share their provider config)::

    import pytest
    from pulumi_jetemail.emulator import Emulator
    from pulumi_jetemail.testing import OfflineStack

    @pytest.fixture
    def emulator():
        with Emulator("api_test") as emu:
            yield emu

    def test_program_deploys_and_is_stable(emulator):
        config = {"jetemail:apiUrl": emulator.url}
        secrets = {"jetemail:apiKey": "api_test"}
        with OfflineStack("infra/", config=config, secrets=secrets) as stack:
            stack.up()
            assert not stack.preview().changed
            assert len(emulator.domains()) == 1
            stack.destroy()
            assert emulator.domains() == []

What it does as the engine does (pulumi 3.x, read from its source):

- Check gets the old *inputs*, Diff/Update/Delete/Read the old *outputs*; a Diff that replaces
  creates the new resource first and deletes the old one after the program (unless the
  provider or ``delete_before_replace`` asks otherwise); resources the program no longer
  declares are deleted in reverse order.
- A preview calls only Check and Diff: a create or update answers the checked inputs as outputs,
  so every computed output (``uuid``…) is unknown to the program, and what depends on it (a
  ForwardRule's ``domain_uuid``) reaches Check and Diff as unknown.
- ``InboundDomain.get`` (a ReadResource) calls Read, in a preview too; an empty id is an error.
- Refresh reads every resource: an empty id drops it from state, and the inputs Read returns
  replace the stored ones, so drift shows in the next preview.
- Secrets: the provider says ``acceptSecrets: false``, so inputs go to it plain; an output is
  secret if it is named in ``additional_secret_outputs``, shares its name with a secret input, or
  came back secret. The program, the stack outputs and `RunResult.render` see them as secrets.
- Check failures abort the run with every ``property: reason`` of the resource; a failed
  provider call aborts with the provider's message. A failed ``up`` keeps what it did in state.

Where it differs from the engine: no plugins other than Python dynamic providers, no invokes,
no ``import``, no policy packs, no stack references, no parallelism between steps (they run one
at a time, in the order the program registers them), ``ignore_changes`` and
``replace_on_changes`` by top-level property only, no aliases. The provider process is kept
between runs while the stack config stays the same (the engine starts a new one each run).
"""

from __future__ import annotations

import asyncio
import contextvars
import copy
import inspect
import json
import logging
import os
import runpy
import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from pulumi.automation import OutputValue
from pulumi.output import Unknown
from pulumi.runtime import mocks, rpc
from pulumi.runtime import settings as _settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.proto import resource_pb2 as _resource_pb2
from pulumi.runtime.stack import run_in_stack

from pulumi_jetemail.testing._grpc import ProviderError, ProviderServer

__all__ = [
    "ABSENT",
    "SECRET",
    "UNKNOWN",
    "Change",
    "CheckFailedError",
    "CheckProblem",
    "OfflineStack",
    "OfflineStackError",
    "ProgramFailedError",
    "ResourceFailedError",
    "ResourceState",
    "RunResult",
    "Step",
]

# The generated protobuf modules carry no usable types: narrow them to Any once here.
_pb: Any = _resource_pb2
_struct: Any = _struct_pb2
_empty: Any = _empty_pb2

log = logging.getLogger("pulumi_jetemail.testing")

DYNAMIC_PREFIX = "pulumi-python:dynamic/"
"""Type tokens of Python dynamic resources: the only custom resources an OfflineStack runs."""
STACK_TYPE = "pulumi:pulumi:Stack"
STATE_VERSION = 1
_RUN_LOCK = threading.Lock()
"""One program at a time per process: runpy swaps `sys.modules['__main__']` while it runs."""

Op = Literal["create", "update", "replace", "delete", "same", "read", "refresh"]
Kind = Literal["preview", "up", "refresh", "destroy"]
ProgramLike = Callable[[], object] | str | os.PathLike[str]


class _Marker:
    """A stand-in for a value a display must not (or cannot) show."""

    def __init__(self, text: str) -> None:
        self._text = text

    def __repr__(self) -> str:
        return self._text

    def __reduce__(self) -> str:  # copies and pickles keep the singleton
        return {"[secret]": "SECRET", "[unknown]": "UNKNOWN"}.get(self._text, "ABSENT")


SECRET: Any = _Marker("[secret]")
"""Stands for a secret value in steps and displays: the plaintext is never kept there."""
UNKNOWN: Any = _Marker("[unknown]")
"""Stands for a value not known until the resource is created (in a preview)."""
ABSENT: Any = _Marker("<absent>")
"""Stands for a property that is not set, on one side of a `Change`."""


# ---------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Change:
    """One input (or, in a refresh, output) property that differs: ``old`` → ``new``.

    Values are masked: `SECRET` for a secret, `UNKNOWN` for a value known only after apply,
    `ABSENT` when the property is not set on that side.
    """

    key: str
    old: Any
    new: Any
    replaces: bool = False
    """Whether this change forces the resource to be replaced."""


@dataclass(frozen=True)
class Step:
    """What a run did (or, in a preview, would do) to one resource.

    ``changes`` lists the differing inputs of an update or replace (outputs, for a refresh);
    ``inputs`` holds the inputs of a create or replace. Both are masked (`SECRET`, `UNKNOWN`).
    """

    op: Op
    urn: str
    type: str
    name: str
    id: str = ""
    changes: tuple[Change, ...] = ()
    inputs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def changed_keys(self) -> tuple[str, ...]:
        """The names of the changed properties."""
        return tuple(change.key for change in self.changes)


@dataclass(frozen=True)
class RunResult:
    """The outcome of `OfflineStack.preview`, `up`, `refresh` or `destroy`.

    ``outputs`` are the stack outputs after the run (a preview: as the program computed them,
    unknowns included), as `pulumi.automation.OutputValue` (``.value``, ``.secret``; the repr of
    a secret one is ``[secret]``).
    """

    kind: Kind
    stack: str
    steps: tuple[Step, ...]
    outputs: Mapping[str, OutputValue]
    previous_outputs: Mapping[str, OutputValue] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, int]:
        """How many resources each operation touched, e.g. ``{"create": 2, "same": 1}``."""
        counts: dict[str, int] = {}
        for step in self.steps:
            counts[step.op] = counts.get(step.op, 0) + 1
        return counts

    @property
    def changed(self) -> bool:
        """Whether the run changed (a preview: would change) any resource."""
        return any(step.op not in ("same", "read") for step in self.steps)

    def step(self, name: str, type_: str | None = None) -> Step:
        """The step of the resource called ``name`` (and of type ``type_``, if several are)."""
        found = [s for s in self.steps if s.name == name and type_ in (None, s.type)]
        if len(found) != 1:
            raise KeyError(f"{len(found)} steps for a resource named {name!r}")
        return found[0]

    def render(self) -> str:
        """The run as ``pulumi preview --diff`` (or ``up``) shows it; secrets as ``[secret]``."""
        return _render(self)

    def __str__(self) -> str:
        return self.render()


@dataclass(repr=False)
class ResourceState:
    """One resource in the stack's state: what the engine records after a step.

    ``inputs`` and ``outputs`` hold plain values, secrets included (as in a state file); the
    names of the secret ones are in ``secret_inputs`` and ``secret_outputs``. The repr shows
    neither.
    """

    urn: str
    type: str
    name: str
    id: str
    custom: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    secret_inputs: frozenset[str] = frozenset()
    secret_outputs: frozenset[str] = frozenset()
    parent: str = ""
    dependencies: tuple[str, ...] = ()
    external: bool = False
    """Read with `.get()`: never created, updated or deleted by the stack."""
    protect: bool = False
    retain_on_delete: bool = False

    def __repr__(self) -> str:
        return f"ResourceState({self.type} {self.name!r}, id={self.id!r})"

    def masked_outputs(self) -> dict[str, Any]:
        """The outputs, secrets replaced by `SECRET` (``__`` internals left out)."""
        return {
            k: SECRET if k in self.secret_outputs else copy.deepcopy(v)
            for k, v in self.outputs.items()
            if not k.startswith("__")
        }

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict (secrets included): one entry of a state file."""
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "id": self.id,
            "custom": self.custom,
            "inputs": self.inputs,
            "outputs": self.outputs,
            "secret_inputs": sorted(self.secret_inputs),
            "secret_outputs": sorted(self.secret_outputs),
            "parent": self.parent,
            "dependencies": list(self.dependencies),
            "external": self.external,
            "protect": self.protect,
            "retain_on_delete": self.retain_on_delete,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ResourceState:
        """The inverse of `to_json`."""
        return cls(
            urn=str(data["urn"]),
            type=str(data["type"]),
            name=str(data["name"]),
            id=str(data["id"]),
            custom=bool(data["custom"]),
            inputs=dict(data["inputs"]),
            outputs=dict(data["outputs"]),
            secret_inputs=frozenset(data.get("secret_inputs", ())),
            secret_outputs=frozenset(data.get("secret_outputs", ())),
            parent=str(data.get("parent", "")),
            dependencies=tuple(data.get("dependencies", ())),
            external=bool(data.get("external", False)),
            protect=bool(data.get("protect", False)),
            retain_on_delete=bool(data.get("retain_on_delete", False)),
        )


# ----------------------------------------------------------------------------------- errors


class OfflineStackError(Exception):
    """A run of an `OfflineStack` failed (what ``pulumi up`` reports as ``error:``)."""


@dataclass(frozen=True)
class CheckProblem:
    """One failure the provider's Check reported for one property of one resource."""

    urn: str
    type: str
    name: str
    property: str
    reason: str

    def __str__(self) -> str:
        if self.property:
            return (
                f"{self.type} resource '{self.name}': property {self.property} has a problem: "
                f"{self.reason}"
            )
        return f"{self.type} resource '{self.name}' has a problem: {self.reason}"


class CheckFailedError(OfflineStackError):
    """The provider's Check refused a resource's inputs; nothing was changed for it."""

    def __init__(self, problems: Iterable[CheckProblem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"the inputs of a resource are invalid:\n{lines}")


class ResourceFailedError(OfflineStackError):
    """A provider call failed; ``details`` is everything the provider process sent back."""

    def __init__(self, type_: str, name: str, op: str, details: str) -> None:
        self.type, self.name, self.op, self.details = type_, name, op, details
        super().__init__(f"{type_} resource '{name}': {op} failed: {_headline(details)}")


class ProgramFailedError(OfflineStackError):
    """The program itself raised; the exception is the ``__cause__``."""


class _Aborted(Exception):
    """Raised into the program for registrations after the run already failed."""


def _headline(details: str) -> str:
    """The line of a provider's traceback that says what went wrong (its last one)."""
    lines = [line.strip() for line in details.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no message)"


# -------------------------------------------------------------------------------- programs


@dataclass(frozen=True)
class _Program:
    """What to run, under which project name, with which config defaults."""

    run: Callable[[], object]
    project: str
    directory: Path | None
    config_defaults: dict[str, str]


def _load_program(program: ProgramLike, project: str | None) -> _Program:
    if callable(program):
        return _Program(program, project or "test", None, {})
    path = Path(program).resolve()
    if path.is_file():
        target, directory, settings = path, path.parent, _project_file(path.parent)
    elif (path / "Pulumi.yaml").is_file():
        settings = _project_file(path)
        target = (path / str(settings.get("main") or ".")).resolve()
        directory = path
    elif (path / "__main__.py").is_file():
        target, directory, settings = path, path, {}
    else:
        raise FileNotFoundError(
            f"{path} is not a Pulumi program: give a directory with Pulumi.yaml or __main__.py, "
            "a .py file, or a callable"
        )
    name = project or str(settings.get("name") or directory.name)
    defaults = _config_defaults(settings.get("config"), name)

    def run() -> None:
        runpy.run_path(str(target), run_name="__main__")

    return _Program(run, name, directory, defaults)


def _project_file(directory: Path) -> dict[str, Any]:
    path = directory / "Pulumi.yaml"
    if not path.is_file():
        return {}
    import yaml  # type: ignore[import-untyped,unused-ignore]  # a dependency of pulumi

    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return dict(loaded) if isinstance(loaded, dict) else {}


def _config_defaults(section: object, project: str) -> dict[str, str]:
    """Pulumi.yaml's ``config:`` values and defaults, keys namespaced."""
    defaults: dict[str, str] = {}
    if not isinstance(section, dict):
        return defaults
    for key, spec in section.items():
        value = spec.get("value", spec.get("default")) if isinstance(spec, dict) else spec
        if value is not None:
            defaults[_namespaced(str(key), project)] = _config_text(value)
    return defaults


def _namespaced(key: str, project: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _config_text(value: object) -> str:
    """Config values are strings on the wire; objects and lists are JSON (as the CLI stores)."""
    if isinstance(value, str):
        return value
    return json.dumps(value)


# ------------------------------------------------------------------------------- the stack


class OfflineStack:
    """A Pulumi stack whose program runs here and whose resources go to a provider process.

    ``program`` is a callable (the inline program), a directory with ``Pulumi.yaml`` (its
    ``name``, ``main`` and ``config`` defaults are used), a directory with ``__main__.py``, or a
    ``.py`` file. ``config`` and ``secrets`` are the stack config (``pulumi config set`` and
    ``pulumi config set --secret``); a key without a namespace belongs to the project.

    The provider process is started on first use and stopped by `close` (or the ``with``
    block). Pass ``server`` to share one across stacks: it is configured with this stack's
    config if it is not configured yet, and never stopped here (a provider process keeps the
    config of its first Configure, so share one only between stacks with the same provider
    config). ``env`` is added to the environment of a provider process started here.

    ``state_file``: a JSON file the state is loaded from (if it exists) and saved to after every
    run that changes it. It holds secrets in plain text, like ``pulumi stack export
    --show-secrets``; it is written with mode 0600. Without it, state lives in this object.
    """

    def __init__(
        self,
        program: ProgramLike,
        *,
        project: str | None = None,
        stack: str = "dev",
        config: Mapping[str, object] | None = None,
        secrets: Mapping[str, object] | None = None,
        server: ProviderServer | None = None,
        env: Mapping[str, str | None] | None = None,
        state_file: str | os.PathLike[str] | None = None,
    ) -> None:
        self._program = _load_program(program, project)
        self.project = self._program.project
        self.stack = stack
        self._config: dict[str, str] = dict(self._program.config_defaults)
        self._secret_keys: set[str] = set()
        for key, value in (config or {}).items():
            self.set_config(key, value)
        for key, value in (secrets or {}).items():
            self.set_config(key, value, secret=True)
        self._shared_server = server
        self._own_server: ProviderServer | None = None
        self._own_server_config: tuple[dict[str, str], frozenset[str]] | None = None
        self._env = dict(env or {})
        self._state: dict[str, ResourceState] = {}
        self._pending_deletes: list[ResourceState] = []
        self._lock = threading.Lock()
        self.state_file = Path(state_file) if state_file is not None else None
        if self.state_file is not None and self.state_file.exists():
            self._load_state(self.state_file)

    # -- config ---------------------------------------------------------------------------

    def set_config(self, key: str, value: object, *, secret: bool = False) -> None:
        """``pulumi config set [--secret] key value``; a bare key belongs to the project."""
        name = _namespaced(key, self.project)
        self._config[name] = _config_text(value)
        if secret:
            self._secret_keys.add(name)
        else:
            self._secret_keys.discard(name)

    def remove_config(self, key: str) -> None:
        """``pulumi config rm key``."""
        name = _namespaced(key, self.project)
        self._config.pop(name, None)
        self._secret_keys.discard(name)

    @property
    def config_keys(self) -> tuple[str, ...]:
        """The namespaced config keys set (values are not shown: some are secrets)."""
        return tuple(sorted(self._config))

    # -- runs ------------------------------------------------------------------------------

    def preview(self) -> RunResult:
        """``pulumi preview``: run the program; Check and Diff only, nothing is changed."""
        return self._deploy("preview")

    def up(self) -> RunResult:
        """``pulumi up --yes``: run the program and apply every step; the state is kept."""
        return self._deploy("up")

    def refresh(self) -> RunResult:
        """``pulumi refresh --yes``: Read every resource and record what is live."""
        with _RUN_LOCK, self._lock:
            deployment = _Deployment(self, "refresh")
            try:
                deployment.refresh()
            finally:
                self._commit(deployment)
            return deployment.result()

    def destroy(self) -> RunResult:
        """``pulumi destroy --yes``: delete every resource, dependents first."""
        with _RUN_LOCK, self._lock:
            deployment = _Deployment(self, "destroy")
            try:
                deployment.destroy()
            finally:
                self._commit(deployment)
            return deployment.result()

    # -- state -----------------------------------------------------------------------------

    @property
    def resources(self) -> tuple[ResourceState, ...]:
        """Copies of the resources in state, the stack itself included, in creation order."""
        with self._lock:
            return tuple(copy.deepcopy(list(self._state.values())))

    def resource(self, name: str, type_: str | None = None) -> ResourceState:
        """A copy of the one resource in state called ``name`` (of type ``type_``)."""
        found = [r for r in self.resources if r.name == name and type_ in (None, r.type)]
        if len(found) != 1:
            raise KeyError(f"{len(found)} resources named {name!r} in state")
        return found[0]

    @property
    def outputs(self) -> dict[str, OutputValue]:
        """The stack outputs of the last ``up`` (``pulumi stack output``)."""
        with self._lock:
            return _stack_outputs(self._state)

    def export_state(self) -> dict[str, Any]:
        """The whole state as JSON-serialisable data, secrets in plain text."""
        with self._lock:
            return self._exported()

    def save_state(self, path: str | os.PathLike[str]) -> None:
        """Write `export_state` to ``path`` (mode 0600, replaced atomically)."""
        _write_private(Path(path), self.export_state())

    def _exported(self) -> dict[str, Any]:
        return copy.deepcopy(
            {
                "version": STATE_VERSION,
                "project": self.project,
                "stack": self.stack,
                "resources": [r.to_json() for r in self._state.values()],
                "pending_deletes": [r.to_json() for r in self._pending_deletes],
            }
        )

    def _load_state(self, path: Path) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != STATE_VERSION:
            raise OfflineStackError(f"{path}: unsupported state version {data.get('version')!r}")
        resources = [ResourceState.from_json(r) for r in data.get("resources", [])]
        self._state = {r.urn: r for r in resources}
        owed = data.get("pending_deletes", [])
        self._pending_deletes = [ResourceState.from_json(r) for r in owed]

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Stop the provider process started here (a shared ``server`` is left running)."""
        with self._lock:
            if self._own_server is not None:
                self._own_server.stop()
                self._own_server = None
                self._own_server_config = None

    def __enter__(self) -> OfflineStack:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"OfflineStack({self.project}/{self.stack}, {len(self._state)} resources)"

    # -- internals -------------------------------------------------------------------------

    def _deploy(self, kind: Literal["preview", "up"]) -> RunResult:
        with _RUN_LOCK, self._lock:
            deployment = _Deployment(self, kind)
            try:
                failure = self._run_program(deployment)
                deployment.finish(failure)
            finally:
                if kind == "up":
                    self._commit(deployment)
            return deployment.result()

    def _commit(self, deployment: _Deployment) -> None:
        self._state = deployment.new_state()
        self._pending_deletes = deployment.leftover_deletes()
        if self.state_file is not None:
            _write_private(self.state_file, self._exported())

    def _provider(self) -> ProviderServer:
        """The provider process, configured with the stack config (started on first use)."""
        wanted = (dict(self._config), frozenset(self._secret_keys))
        if self._shared_server is not None:
            if self._shared_server.accept_secrets is None:
                self._shared_server.configure(wanted[0], secret_keys=wanted[1])
            return self._shared_server
        if self._own_server is not None and self._own_server_config != wanted:
            # A config change reaches the provider only through a new process, as with the CLI.
            self._own_server.stop()
            self._own_server = None
        if self._own_server is None:
            server = ProviderServer(
                env=self._env,
                project=self.project,
                cwd=self._program.directory,
            ).start()
            try:
                server.configure(wanted[0], secret_keys=wanted[1])
            except BaseException:
                server.stop()
                raise
            self._own_server, self._own_server_config = server, wanted
        return self._own_server

    def _main(self) -> Awaitable[None] | None:
        """The program as `run_in_stack` takes it (an async inline program is awaited)."""
        result = self._program.run()
        return cast(Awaitable[None], result) if inspect.isawaitable(result) else None

    def _run_program(self, deployment: _Deployment) -> Exception | None:
        """Run the program once, on a fresh SDK runtime, in a context of its own."""
        context = contextvars.copy_context()
        return context.run(self._run_in_context, deployment)

    def _run_in_context(self, deployment: _Deployment) -> Exception | None:
        saved = _settings_defaults()
        loop = asyncio.new_event_loop()
        try:
            # What the language host does before it runs a program (automation/_server.py),
            # with our monitor in place of the engine's address.
            _settings.ROOT.set(None)
            _settings.configure(
                _settings.Settings(
                    project=self.project,
                    stack=self.stack,
                    monitor=_Monitor(deployment),
                    engine=mocks.MockEngine(logging.getLogger("pulumi_jetemail.program")),
                    dry_run=deployment.preview,
                    organization="organization",
                    root_directory=str(self._program.directory or Path.cwd()),
                )
            )
            set_all_config(dict(self._config), sorted(self._secret_keys))
            loop.set_default_executor(
                ThreadPoolExecutor(max_workers=8, thread_name_prefix="offline-stack")
            )
            loop.set_exception_handler(_quiet)
            try:
                loop.run_until_complete(run_in_stack(self._main))
            except Exception as exc:  # the program's failure (or ours, raised into it)
                return exc
            return None
        finally:
            _close_loop(loop)
            _restore_settings_defaults(saved)


def _write_private(target: Path, data: Mapping[str, Any]) -> None:
    """JSON to ``target``, readable by its owner only, replaced atomically."""
    text = json.dumps(data, indent=2, sort_keys=True)
    temporary = target.with_name(f".{target.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, target)


# ---------------------------------------------------------------------------- one run


@dataclass(frozen=True)
class _Goal:
    """One registration of a custom resource: what the program declared, checked."""

    urn: str
    type: str
    name: str
    request: Any
    inputs: dict[str, Any]


class _Deployment:
    """One run: the steps it takes, the state it builds, the errors it meets."""

    def __init__(self, stack: OfflineStack, kind: Kind) -> None:
        self.stack = stack
        self.kind = kind
        self.preview = kind == "preview"
        self.prior: dict[str, ResourceState] = copy.deepcopy(stack._state)
        self.registered: dict[str, ResourceState] = {}
        self.deleted: set[int] = set()
        """ids (``id()``) of prior states deleted (or dropped) by this run."""
        self.replaced: list[ResourceState] = []
        """Prior states replaced create-before-delete: deleted after the program."""
        self.pending: list[ResourceState] = copy.deepcopy(stack._pending_deletes)
        self.steps: list[Step] = []
        self.errors: list[Exception] = []
        self.lock = threading.Lock()
        self.previous_outputs = _stack_outputs(self.prior)

    # -- the monitor's side -----------------------------------------------------------------

    def guarded(self, action: Callable[[], Any]) -> Any:
        """Run one monitor request under the lock; record any failure and abort the rest."""
        with self.lock:
            if self.errors:
                raise _Aborted("the run has already failed")
            try:
                return action()
            except Exception as exc:
                self.errors.append(exc)
                raise

    def register(self, urn: str, request: Any) -> Any:
        """RegisterResource: the steps the engine takes for one declared resource."""
        if urn in self.registered:
            raise OfflineStackError(
                f"duplicate resource URN {urn!r}: give each resource of a type a unique name"
            )
        if not request.custom:
            if request.remote:
                raise OfflineStackError(f"{request.type}: remote components are not supported")
            return self._register_component(urn, request)
        self._require_dynamic(request.type, request.name)
        if request.importId:
            raise OfflineStackError(f"resource '{request.name}': import is not supported")
        news, secret_inputs = _decode(request.object)
        old = self.prior.get(urn)
        if old is not None and old.external:
            self.deleted.add(id(old))  # a resource read before, managed now: created anew
            old = None
        for key in request.ignoreChanges:
            if old is not None and key in old.inputs:
                news[key] = old.inputs[key]
            elif old is not None:
                news.pop(key, None)
        server = self.stack._provider()
        goal = _Goal(
            urn, request.type, request.name, request, self._check(server, urn, request, old, news)
        )
        if old is None:
            id_, outs = self._create(server, goal)
            op: Op = "create"
            changes: tuple[Change, ...] = ()
        else:
            id_, outs, op, changes = self._change(server, goal, old)
        secret_outputs = (
            frozenset(request.additionalSecretOutputs)
            | (secret_inputs & set(outs))
            | _secret_keys_of(outs)
        )
        if op == "same" and old is not None:
            secret_outputs |= old.secret_outputs
        self.registered[urn] = ResourceState(
            urn=urn,
            type=request.type,
            name=request.name,
            id=id_,
            custom=True,
            inputs=goal.inputs,
            outputs=dict(outs),
            secret_inputs=secret_inputs,
            secret_outputs=secret_outputs,
            parent=request.parent,
            dependencies=tuple(request.dependencies),
            protect=bool(request.protect),
            retain_on_delete=bool(request.retainOnDelete),
        )
        shown = _masked_map(goal.inputs, secret_inputs) if op in ("create", "replace") else {}
        self.steps.append(Step(op, urn, request.type, request.name, id_, changes, shown))
        return _pb.RegisterResourceResponse(
            urn=urn, id=id_, object=_to_struct(_with_secrets(outs, secret_outputs))
        )

    def _check(
        self,
        server: ProviderServer,
        urn: str,
        request: Any,
        old: ResourceState | None,
        news: dict[str, Any],
    ) -> dict[str, Any]:
        """Check: the old inputs and the new; the checked inputs, or `CheckFailedError`."""
        try:
            outcome = server.check(urn, old.inputs if old is not None else {}, news)
        except ProviderError as exc:
            raise ResourceFailedError(request.type, request.name, "check", exc.details) from None
        if outcome.failures:
            raise CheckFailedError(
                CheckProblem(urn, request.type, request.name, prop, reason)
                for prop, reason in outcome.failures
            )
        return dict(outcome.inputs)

    def _create(self, server: ProviderServer, goal: _Goal) -> tuple[str, dict[str, Any]]:
        """Create (a preview: the checked inputs stand for the outputs, the id is unknown)."""
        if self.preview:
            return "", dict(goal.inputs)
        try:
            id_, outs = server.create(goal.urn, goal.inputs)
        except ProviderError as exc:
            raise ResourceFailedError(goal.type, goal.name, "create", exc.details) from None
        return id_, dict(outs)

    def _change(
        self, server: ProviderServer, goal: _Goal, old: ResourceState
    ) -> tuple[str, dict[str, Any], Op, tuple[Change, ...]]:
        """Diff against the old outputs, then same, update or replace."""
        try:
            diff = server.diff(old.id, goal.urn, old.outputs, goal.inputs)
        except ProviderError as exc:
            raise ResourceFailedError(goal.type, goal.name, "diff", exc.details) from None
        differing = _differing_keys(old.inputs, goal.inputs)
        forced = set(goal.request.replaceOnChanges) & set(differing)
        replaces = set(diff.replaces) | forced
        changed = bool(differing) if diff.changes == "unknown" else diff.changes == "some"
        changes = _changes(old, goal.inputs, differing, replaces)
        if replaces and (changed or forced):
            id_, outs = self._replace(server, goal, old, diff.delete_before_replace)
            return id_, outs, "replace", changes
        if not changed:
            return old.id, copy.deepcopy(old.outputs), "same", ()
        if self.preview:
            return old.id, dict(goal.inputs), "update", changes
        try:
            outs = server.update(old.id, goal.urn, old.outputs, goal.inputs)
        except ProviderError as exc:
            raise ResourceFailedError(goal.type, goal.name, "update", exc.details) from None
        return old.id, dict(outs), "update", changes

    def _replace(
        self, server: ProviderServer, goal: _Goal, old: ResourceState, provider_dbr: bool
    ) -> tuple[str, dict[str, Any]]:
        """Create the new resource, then (after the program) delete the old one; or the other
        way round when the provider or the `delete_before_replace` option asks for it."""
        if old.protect:
            raise OfflineStackError(
                f"unable to replace resource {old.urn!r}: it is protected "
                "(set protect=False and run up first)"
            )
        if self.preview:
            return "", dict(goal.inputs)
        request = goal.request
        delete_first = (
            bool(request.deleteBeforeReplace)
            if request.deleteBeforeReplaceDefined
            else provider_dbr
        )
        if delete_first:
            self._delete(server, old)
            self.deleted.add(id(old))
        id_, outs = self._create(server, goal)
        if not delete_first:
            self.replaced.append(old)
        return id_, outs

    def _register_component(self, urn: str, request: Any) -> Any:
        old = self.prior.get(urn)
        state = ResourceState(
            urn=urn,
            type=request.type,
            name=request.name,
            id="",
            custom=False,
            inputs={},
            outputs=copy.deepcopy(old.outputs) if old is not None else {},
            secret_outputs=old.secret_outputs if old is not None else frozenset(),
            parent=request.parent,
            dependencies=tuple(request.dependencies),
            protect=bool(request.protect),
        )
        self.registered[urn] = state
        op: Op = "same" if old is not None and not old.custom else "create"
        self.steps.append(Step(op, urn, request.type, request.name))
        return _pb.RegisterResourceResponse(urn=urn)

    def register_outputs(self, urn: str, outputs: Any) -> None:
        """RegisterResourceOutputs: a component's (the stack's: its exports) outputs."""
        state = self.registered.get(urn)
        if state is not None:
            values, secret = _decode(outputs)
            state.outputs, state.secret_outputs = values, secret

    def read(self, urn: str, request: Any) -> Any:
        """ReadResource (``Resource.get``): Read the resource by id; it is not managed."""
        self._require_dynamic(request.type, request.name)
        props, secret_inputs = _decode(request.properties)
        id_ = str(request.id)
        if id_ in ("", rpc.UNKNOWN) or rpc.contains_unknowns(props):
            if self.preview:  # what it needs is computed by a step that has not run: skip it
                self.steps.append(Step("read", urn, request.type, request.name))
                return _pb.ReadResourceResponse(urn=urn)
            raise OfflineStackError(f"resource '{request.name}': get() needs a known id")
        server = self.stack._provider()
        try:
            outcome = server.read(id_, urn, {}, props)
        except ProviderError as exc:
            raise ResourceFailedError(request.type, request.name, "read", exc.details) from None
        if not outcome.id:
            raise ResourceFailedError(
                request.type, request.name, "read", f"resource '{id_}' does not exist"
            )
        outs = dict(outcome.outs)
        declared = frozenset(request.additionalSecretOutputs)
        secret_outputs = declared | (secret_inputs & set(outs)) | outcome.outs.secret_keys
        self.registered[urn] = ResourceState(
            urn=urn,
            type=request.type,
            name=request.name,
            id=outcome.id,
            custom=True,
            inputs=dict(outcome.inputs) if outcome.inputs is not None else props,
            outputs=outs,
            secret_inputs=secret_inputs,
            secret_outputs=secret_outputs,
            parent=request.parent,
            dependencies=tuple(request.dependencies),
            external=True,
        )
        self.steps.append(Step("read", urn, request.type, request.name, outcome.id))
        return _pb.ReadResourceResponse(
            urn=urn, id=outcome.id, properties=_to_struct(_with_secrets(outs, secret_outputs))
        )

    def _require_dynamic(self, type_: str, name: str) -> None:
        if not type_.startswith(DYNAMIC_PREFIX):
            raise OfflineStackError(
                f"{type_} resource '{name}': an OfflineStack runs only Python dynamic resources "
                f"({DYNAMIC_PREFIX}…), such as pulumi_jetemail's"
            )

    # -- after the program ------------------------------------------------------------------

    def finish(self, failure: Exception | None) -> None:
        """Delete what the program no longer declares (and what was replaced), or fail."""
        if self.errors:
            self.raise_error()
        if failure is not None:
            raise ProgramFailedError(f"the program failed: {failure!r}") from failure
        doomed = [
            r
            for r in reversed(list(self.prior.values()))
            if r.urn not in self.registered and id(r) not in self.deleted
        ]
        self._delete_all([*reversed(self.pending), *self.replaced[::-1], *doomed])

    def raise_error(self) -> None:
        """Raise the first failure of the run, as an `OfflineStackError`."""
        error = self.errors[0]
        if isinstance(error, OfflineStackError):
            raise error
        raise OfflineStackError(f"the run failed: {error}") from error

    def destroy(self) -> None:
        """Every resource, dependents first."""
        doomed = [r for r in reversed(list(self.prior.values())) if id(r) not in self.deleted]
        self._delete_all([*reversed(self.pending), *doomed])

    def _delete_all(self, doomed: list[ResourceState]) -> None:
        for state in _deletion_order(doomed):
            if state.external:  # read, not managed: only forgotten
                self.deleted.add(id(state))
                continue
            if not self.preview:
                server = self.stack._provider() if state.custom else None
                try:
                    self._delete(server, state)
                except OfflineStackError as exc:
                    self.errors.append(exc)
                    raise
            self.deleted.add(id(state))
            self.pending = [r for r in self.pending if r is not state]
            if all(state is not r for r in self.replaced):
                self.steps.append(Step("delete", state.urn, state.type, state.name, state.id))

    def _delete(self, server: ProviderServer | None, state: ResourceState) -> None:
        if state.protect:
            raise OfflineStackError(
                f"unable to delete resource {state.urn!r}: it is protected "
                "(set protect=False and run up first)"
            )
        if server is None or state.retain_on_delete:
            return
        try:
            server.delete(state.id, state.urn, state.outputs)
        except ProviderError as exc:
            raise ResourceFailedError(state.type, state.name, "delete", exc.details) from None

    def refresh(self) -> None:
        """Read every resource: gone ones leave the state, live values replace stored ones."""
        for state in self.prior.values():
            if not state.custom:
                self.registered[state.urn] = state
                self.steps.append(Step("same", state.urn, state.type, state.name))
                continue
            server = self.stack._provider()
            try:
                outcome = server.read(state.id, state.urn, state.outputs, state.inputs)
            except ProviderError as exc:
                self.errors.append(
                    ResourceFailedError(state.type, state.name, "refresh", exc.details)
                )
                raise self.errors[-1] from None
            if not outcome.id:
                self.deleted.add(id(state))
                self.steps.append(Step("delete", state.urn, state.type, state.name, state.id))
                continue
            outs = dict(outcome.outs)
            refreshed = copy.copy(state)
            refreshed.id, refreshed.outputs = outcome.id, outs
            refreshed.secret_outputs = state.secret_outputs | outcome.outs.secret_keys
            if outcome.inputs is not None:
                refreshed.inputs = dict(outcome.inputs)
            self.registered[state.urn] = refreshed
            differing = _differing_keys(state.outputs, outs)
            changes = tuple(
                Change(
                    key,
                    _masked(state.outputs.get(key, ABSENT), key in refreshed.secret_outputs),
                    _masked(outs.get(key, ABSENT), key in refreshed.secret_outputs),
                )
                for key in differing
            )
            op: Op = "refresh" if changes or refreshed.inputs != state.inputs else "same"
            self.steps.append(Step(op, state.urn, state.type, state.name, outcome.id, changes))

    # -- the outcome ------------------------------------------------------------------------

    def new_state(self) -> dict[str, ResourceState]:
        """The state after this run: what it registered, then what it did not reach or delete
        (a run that failed part-way keeps both what it did and what it left alone)."""
        if self.kind == "destroy":
            return {u: r for u, r in self.prior.items() if id(r) not in self.deleted}
        state = dict(self.registered)
        for urn, old in self.prior.items():
            if urn not in state and id(old) not in self.deleted:
                state[urn] = old
        return state

    def leftover_deletes(self) -> list[ResourceState]:
        """Deletes still owed (of replaced resources): the next ``up`` or ``destroy`` does them."""
        return [*self.pending, *(r for r in self.replaced if id(r) not in self.deleted)]

    def result(self) -> RunResult:
        return RunResult(
            kind=self.kind,
            stack=self.stack.stack,
            steps=tuple(self.steps),
            outputs=_stack_outputs(self.new_state()),
            previous_outputs=self.previous_outputs,
        )


def _deletion_order(doomed: list[ResourceState]) -> list[ResourceState]:
    """Deletions, each resource before what it depends on or is parented to.

    ``doomed`` arrives in reverse creation order, which already is such an order; this only
    corrects it where the recorded dependencies say otherwise (a state file edited by hand).
    """
    remaining = list(doomed)
    ordered: list[ResourceState] = []
    while remaining:
        index = next(
            (
                i
                for i, r in enumerate(remaining)
                if not any(
                    d.urn != r.urn and (r.urn in d.dependencies or d.parent == r.urn)
                    for d in remaining
                )
            ),
            0,  # a cycle, which a real state cannot hold: keep the given order
        )
        ordered.append(remaining.pop(index))
    return ordered


# ------------------------------------------------------------------------------ the monitor


class _NoMocks(mocks.Mocks):
    """The monitor below answers every request itself: the mocks are never asked."""

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        raise AssertionError("not called")

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[Any, Any], None]:
        raise OfflineStackError(f"invoke {args.token}: an OfflineStack runs no invokes")


class _Monitor(mocks.MockMonitor):
    """The resource monitor the program talks to, forwarding to a `_Deployment`.

    The SDK calls it from its executor threads; every request takes the deployment's lock.
    """

    def __init__(self, deployment: _Deployment) -> None:
        super().__init__(_NoMocks())
        self._deployment = deployment

    def RegisterResource(self, request: Any) -> Any:  # the gRPC method name
        urn = self.make_urn(request.parent, request.type, request.name)
        response = self._deployment.guarded(lambda: self._deployment.register(urn, request))
        self.resources[urn] = mocks.MockMonitor.ResourceRegistration(urn, response.id, {})
        return response

    def ReadResource(self, request: Any) -> Any:  # the gRPC method name
        urn = self.make_urn(request.parent, request.type, request.name)
        response = self._deployment.guarded(lambda: self._deployment.read(urn, request))
        self.resources[urn] = mocks.MockMonitor.ResourceRegistration(urn, response.id, {})
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:  # the gRPC method name
        self._deployment.guarded(
            lambda: self._deployment.register_outputs(request.urn, request.outputs)
        )
        return _empty.Empty()

    def Invoke(self, request: Any) -> Any:  # the gRPC method name
        if request.tok != "pulumi:pulumi:getResource":
            raise OfflineStackError(f"invoke {request.tok}: an OfflineStack runs no invokes")
        return cast(Any, super()).Invoke(request)


# --------------------------------------------------------------------------- wire helpers


def _decode(struct: Any) -> tuple[dict[str, Any], frozenset[str]]:
    """A property Struct from the program: plain values (unknowns kept), and the secret keys."""
    raw = rpc.deserialize_properties(struct, keep_unknowns=True)
    values: dict[str, Any] = {}
    secret: set[str] = set()
    for key, value in cast(dict[str, Any], raw).items():
        if rpc.is_rpc_secret(value):
            secret.add(key)
        values[key] = rpc.unwrap_rpc_secret(value)
    return values, frozenset(secret)


def _secret_keys_of(outs: Mapping[str, Any]) -> frozenset[str]:
    return cast(frozenset[str], getattr(outs, "secret_keys", frozenset()))


def _with_secrets(values: Mapping[str, Any], secret: Iterable[str]) -> dict[str, Any]:
    keys = set(secret)
    return {k: rpc.wrap_rpc_secret(v) if k in keys else v for k, v in values.items()}


def _to_struct(values: Mapping[str, Any]) -> Any:
    """Plain values (secret-wrapped ones and `Unknown` included) as the engine sends them."""
    struct = _struct.Struct()
    struct.update({key: _wire(value) for key, value in values.items()})
    return struct


def _wire(value: Any) -> Any:
    if isinstance(value, Unknown):
        return rpc.UNKNOWN
    if isinstance(value, Mapping):
        return {str(k): _wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_wire(v) for v in value]
    return value


def _stack_outputs(state: Mapping[str, ResourceState]) -> dict[str, OutputValue]:
    for resource in state.values():
        if resource.type == STACK_TYPE and not resource.parent:
            return {
                key: OutputValue(copy.deepcopy(value), key in resource.secret_outputs)
                for key, value in resource.outputs.items()
            }
    return {}


# -------------------------------------------------------------------------------- diffs


def _differing_keys(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Keys whose values differ (an unknown always does); ``__`` internals left out."""
    keys = sorted(set(old) | set(new))
    return [
        k
        for k in keys
        if not k.startswith("__")
        and (k not in old or k not in new or old[k] != new[k] or rpc.contains_unknowns(new[k]))
    ]


def _changes(
    old: ResourceState, news: Mapping[str, Any], keys: Iterable[str], replaces: set[str]
) -> tuple[Change, ...]:
    secret = old.secret_inputs | old.secret_outputs
    return tuple(
        Change(
            key,
            _masked(old.inputs.get(key, ABSENT), key in secret),
            _masked(news.get(key, ABSENT), key in secret),
            key in replaces,
        )
        for key in keys
    )


def _masked(value: Any, secret: bool) -> Any:
    if value is ABSENT:
        return ABSENT
    if secret:
        return SECRET
    return _mark_unknowns(value)


def _masked_map(values: Mapping[str, Any], secret: Iterable[str]) -> dict[str, Any]:
    keys = set(secret)
    return {k: _masked(v, k in keys) for k, v in values.items() if not k.startswith("__")}


def _mark_unknowns(value: Any) -> Any:
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, Mapping):
        return {k: _mark_unknowns(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mark_unknowns(v) for v in value]
    return value


# ------------------------------------------------------------------------------ display

_SYMBOL: dict[str, str] = {
    "create": "+",
    "update": "~",
    "replace": "+-",
    "delete": "-",
    "same": " ",
    "read": ">",
    "refresh": "~",
}
_HEADER: dict[str, str] = {
    "preview": "Previewing update",
    "up": "Updating",
    "refresh": "Refreshing",
    "destroy": "Destroying",
}
_PLANNED = {"create": "to create", "update": "to update", "replace": "to replace"}
_DONE = {"create": "created", "update": "updated", "replace": "replaced"}
_COUNTED = ("create", "update", "replace", "delete", "refresh")


def _render(result: RunResult) -> str:
    lines = [f"{_HEADER[result.kind]} ({result.stack}):"]
    for step in result.steps:
        indent = "    " if step.type != STACK_TYPE else ""
        lines.append(f"{indent}{_SYMBOL[step.op]:<2} {step.type} {step.name} ({step.op})")
        detail = indent + "        "
        if step.op == "create":
            rows = [("", key, _show(value)) for key, value in sorted(step.inputs.items())]
            lines.extend(_aligned(detail, rows))
        elif step.op in ("update", "replace", "refresh"):
            lines.extend(_aligned(detail, [_change_row(c) for c in step.changes]))
    lines.extend(_render_outputs(result))
    lines.extend(_render_summary(result))
    return "\n".join(lines) + "\n"


def _change_row(change: Change) -> tuple[str, str, str]:
    suffix = " (forces replacement)" if change.replaces else ""
    if change.old is ABSENT:
        return "+ ", change.key, _show(change.new) + suffix
    if change.new is ABSENT:
        return "- ", change.key, _show(change.old) + suffix
    return "~ ", change.key, f"{_show(change.old)} => {_show(change.new)}{suffix}"


def _aligned(indent: str, rows: list[tuple[str, str, str]]) -> list[str]:
    width = max((len(key) for _, key, _ in rows), default=0)
    lines = []
    for mark, key, text in rows:
        hanging = text.replace("\n", "\n" + indent + " " * len(mark))
        lines.append(f"{indent}{mark}{key:<{width}}: {hanging}")
    return lines


def _render_outputs(result: RunResult) -> list[str]:
    now = {k: _shown_output(v) for k, v in result.outputs.items()}
    before = {k: _shown_output(v) for k, v in result.previous_outputs.items()}
    rows: list[tuple[str, str, str]] = []
    if result.kind == "destroy":
        rows = [("- ", k, v) for k, v in sorted(before.items()) if k not in now]
    elif result.kind in ("preview", "up"):
        for key in sorted(set(now) | set(before)):
            if key not in now:
                rows.append(("- ", key, before[key]))
            elif key not in before:
                rows.append(("+ ", key, now[key]))
            elif now[key] != before[key]:
                rows.append(("~ ", key, f"{before[key]} => {now[key]}"))
            else:
                rows.append(("  ", key, now[key]))
    return ["Outputs:", *_aligned("    ", rows)] if rows else []


def _shown_output(value: OutputValue) -> str:
    return _show(SECRET if value.secret else _mark_unknowns(value.value))


def _render_summary(result: RunResult) -> list[str]:
    counts = result.summary
    words = _PLANNED if result.kind == "preview" else _DONE
    lines = ["Resources:"]
    for op in _COUNTED:
        if counts.get(op):
            if op == "delete":
                word = "to delete" if result.kind == "preview" else "deleted"
            elif op == "refresh":
                word = "changed outside the stack (refreshed)"
            else:
                word = words[op]
            lines.append(f"    {_SYMBOL[op]:<2}{counts[op]} {word}")
    unchanged = counts.get("same", 0) + counts.get("read", 0)
    if not result.changed:
        lines.append(f"    {unchanged} unchanged (no changes)")
    elif unchanged:
        lines.append(f"    {unchanged} unchanged")
    return lines


def _show(value: Any, indent: str = "") -> str:
    """A value as the display shows it: JSON-like; a long container over several lines, one
    item a line, where a flat object (a DNS record) stays on one line."""
    if isinstance(value, _Marker):
        return repr(value)
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str | int | float):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        children = [v for _, v in sorted(value.items())]
        items = [f"{_key(k)}: {_show(v, indent + '    ')}" for k, v in sorted(value.items())]
        opening, closing = "{", "}"
    elif isinstance(value, list | tuple):
        children = list(value)
        items = [_show(v, indent + "    ") for v in value]
        opening, closing = "[", "]"
    else:
        return repr(value)
    compact = opening + ", ".join(items) + closing
    flat = not any(isinstance(v, Mapping | list | tuple) for v in children)
    if "\n" not in compact and len(compact) <= (_FLAT_WIDTH if flat else _NESTED_WIDTH):
        return compact
    inner = "".join(f"\n{indent}    {item}," for item in items)
    return f"{opening}{inner}\n{indent}{closing}"


_FLAT_WIDTH = 100
"""Longest container of plain values kept on one line."""
_NESTED_WIDTH = 60
"""Longest container of containers kept on one line."""


def _key(key: object) -> str:
    """An object key as Pulumi shows it: bare if it is an identifier, else quoted."""
    text = str(key)
    return text if text.isidentifier() else json.dumps(text)


# ------------------------------------------------------------------------ SDK runtime


def _quiet(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Failed tasks nobody awaited: the run reports the failure itself, once."""
    log.debug("unobserved failure in the program's event loop: %s", context.get("message"))


def _close_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what is left, join the executor's threads and close the loop."""
    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()


_DEFAULT = "_ContextProperty__default"
"""Where `pulumi._utils.ContextProperty` keeps its default (a name-mangled private)."""


def _settings_defaults() -> list[tuple[object, object]]:
    """The SDK's settings are ContextVars whose *default* the first write in a fresh context
    replaces (``pulumi._utils.ContextProperty.fset``). A run writes them in a context of its
    own; this snapshot lets it put the defaults back, so that nothing of the run (its monitor
    above all) leaks into threads and contexts that never set them."""
    return [
        (prop, getattr(prop, _DEFAULT))
        for prop in vars(_settings.Settings).values()
        if hasattr(prop, _DEFAULT)
    ]


def _restore_settings_defaults(saved: list[tuple[object, object]]) -> None:
    for prop, default in saved:
        setattr(prop, _DEFAULT, default)
