"""What a resource's lifecycle is: the calls both doors make, each with a request object and a
result object, and `DeclaredLifecycle`, which does what the declaration alone decides (check,
diff, the previews of create and update) so that a resource implements only the calls that
reach the API.

A door builds the requests from what the engine sent (the native door: inputs, old state,
`preview`, the engine's `timeout`; the dynamic door: what the SDK hands its provider) and turns
the results back into what the engine expects. Nothing here holds a credential: a request
carries `connect`, which returns the process's shared client, built on first use.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from pulumi.output import Unknown

from ._bodies import Bodies
from ._check import Failure, check_inputs, contains_unknown
from ._declare import Declaration, Prop

if TYPE_CHECKING:
    from .client import JetEmailClient

__all__ = [
    "CheckRequest",
    "CheckResult",
    "CreateRequest",
    "CreateResult",
    "DeclaredLifecycle",
    "DeleteRequest",
    "DiffRequest",
    "Lifecycle",
    "Plan",
    "ReadRequest",
    "ReadResult",
    "UpdateRequest",
    "UpdateResult",
    "is_unknown",
    "known",
]


def is_unknown(value: Any) -> bool:
    """True for a value the engine does not know yet (during preview)."""
    return isinstance(value, Unknown)


def known(value: Any) -> bool:
    """True when `value` holds no unknown anywhere."""
    return not contains_unknown(value, is_unknown)


def unknown() -> Any:
    """A value not known yet, as the lifecycles and the doors recognise it."""
    return Unknown()  # type: ignore[no-untyped-call]


# ------------------------------------------------------------------ requests, results


@dataclass(frozen=True)
class CheckRequest:
    news: Mapping[str, Any]
    """The program's inputs (values not known yet as `Unknown`)."""
    olds: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckResult:
    inputs: dict[str, Any]
    """Canonical inputs (a failed property keeps the program's value, so the engine shows it)."""
    failures: list[Failure]
    warnings: list[str] = field(default_factory=list)
    """Legal but risky inputs, for the door to show as warnings."""


@dataclass(frozen=True)
class DiffRequest:
    id: str
    olds: Mapping[str, Any]
    """The old outputs (canonical inputs among them)."""
    news: Mapping[str, Any]
    """The checked new inputs."""


@dataclass(frozen=True)
class Plan:
    """What a diff found: the changed inputs, and those of them that replace the resource
    (a replacing input not known yet counts; a door that must preview otherwise filters)."""

    changed: tuple[str, ...]
    replaces: tuple[str, ...]


@dataclass(frozen=True)
class _Call:
    connect: Callable[[], JetEmailClient]
    """The process's shared client (a bad or missing setting is raised here)."""

    @property
    def client(self) -> JetEmailClient:
        return self.connect()


def _quiet(_message: str) -> None:
    return None


@dataclass(frozen=True)
class CreateRequest(_Call):
    inputs: Mapping[str, Any]
    preview: bool = False
    """A preview: say what the outputs will be, send nothing."""
    timeout: float | None = None
    """Seconds the engine allows (`customTimeouts.create`), when it says."""
    progress: Callable[[str], None] = _quiet
    """Where a long create says how it is getting on (the CLI's status line, or its log)."""


@dataclass(frozen=True)
class CreateResult:
    id: str
    """Empty at preview."""
    state: dict[str, Any]


@dataclass(frozen=True)
class ReadRequest(_Call):
    id: str
    state: Mapping[str, Any]
    """What was known before (the old outputs; only the id at an import or a `get`)."""


@dataclass(frozen=True)
class ReadResult:
    id: str
    state: dict[str, Any]
    inputs: dict[str, Any]
    """The inputs part of the state: drift shows in the next preview."""


@dataclass(frozen=True)
class UpdateRequest(_Call):
    id: str
    olds: Mapping[str, Any]
    news: Mapping[str, Any]
    preview: bool = False
    timeout: float | None = None


@dataclass(frozen=True)
class UpdateResult:
    state: dict[str, Any]
    """The full outputs after the update."""


@dataclass(frozen=True)
class DeleteRequest(_Call):
    id: str
    state: Mapping[str, Any]
    timeout: float | None = None


@runtime_checkable
class Lifecycle(Protocol):
    """What both doors call on a resource type. `read` returns None when the object is
    gone; every call that reaches the API raises `JetEmailError` with a message for the user."""

    decl: Declaration

    def check(self, request: CheckRequest) -> CheckResult: ...

    def diff(self, request: DiffRequest) -> Plan: ...

    def create(self, request: CreateRequest) -> CreateResult: ...

    def read(self, request: ReadRequest) -> ReadResult | None: ...

    def update(self, request: UpdateRequest) -> UpdateResult: ...

    def delete(self, request: DeleteRequest) -> None: ...


# ------------------------------------------------------------------ declared behaviour


class DeclaredLifecycle(Bodies, abc.ABC):
    """What a declaration alone decides: the check, the diff, what a preview shows. A resource
    subclasses it and implements the calls that reach the API (`apply_create`, `read`,
    `apply_update`, `delete`: abstract, so a lifecycle that lacks one cannot be made); it may
    override `warnings`, which says nothing by default."""

    # ---------------------------------------------------------------- check, diff

    def check(self, request: CheckRequest) -> CheckResult:
        """Canonical inputs, one failure per bad property, and the warnings (never raises on
        bad input)."""
        inputs, failures = check_inputs(self.decl, request.news, is_unknown)
        return CheckResult(inputs, failures, self.warnings(inputs))

    def warnings(self, _inputs: Mapping[str, Any]) -> list[str]:
        """Legal but risky inputs, to be shown as warnings at check."""
        return []

    def diff(self, request: DiffRequest) -> Plan:
        """Compare canonical inputs (old outputs against new inputs); no network. A value not
        known yet counts as changed."""
        olds, news = request.olds, request.news
        changed = tuple(
            p.name
            for p in self.decl.diffed
            if not (known(news.get(p.name)) and p.same(olds.get(p.name), news.get(p.name)))
        )
        return Plan(changed, tuple(n for n in changed if n in self.decl.replaces))

    # ------------------------------------------------------------ create, update

    def create(self, request: CreateRequest) -> CreateResult:
        if request.preview:
            return CreateResult("", self.planned_create(request.inputs))
        return self.apply_create(request)

    def update(self, request: UpdateRequest) -> UpdateResult:
        if request.preview:
            return UpdateResult(self.planned_update(request.olds, request.news))
        return self.apply_update(request)

    @abc.abstractmethod
    def apply_create(self, request: CreateRequest) -> CreateResult:
        """Create the object (not a preview)."""

    @abc.abstractmethod
    def apply_update(self, request: UpdateRequest) -> UpdateResult:
        """Update the object (not a preview)."""

    @abc.abstractmethod
    def read(self, request: ReadRequest) -> ReadResult | None:
        """The object as it is live; None when it is gone."""

    @abc.abstractmethod
    def delete(self, request: DeleteRequest) -> None:
        """Delete the object; one already gone counts as deleted."""

    def read_result(self, id_: str, state: dict[str, Any] | None) -> ReadResult | None:
        """A read's answer: None when gone, else the state and its inputs part."""
        return None if state is None else ReadResult(id_, state, self.inputs_of(state))

    # ------------------------------------------------------------------ previews

    def planned_create(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """A create's preview: the inputs, what the declaration computes from them, and the
        API's outputs not known yet."""
        known_inputs = {k: v for k, v in inputs.items() if known(v)}
        planned: dict[str, Any] = dict(inputs)
        for prop in self.decl.outputs:
            planned[prop.name] = _computed_or_unknown(prop, known_inputs)
        return planned

    def planned_update(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """An update's preview: the old state with the new inputs; what the update may change
        (computed outputs from unknown inputs, outputs the change resets) not known yet."""
        all_known = known(dict(news))
        if all_known:
            planned = self.assumed_state(olds, news, self.update_body(olds, news))
        else:
            planned = {**olds, **news}
        changed = set(self.diff(DiffRequest("", olds, news)).changed)
        for prop in self.decl.outputs:
            if (prop.computed is not None and not all_known) or changed & set(prop.reset_by):
                planned[prop.name] = unknown()
        return planned


def _computed_or_unknown(prop: Prop, state: Mapping[str, Any]) -> Any:
    if prop.computed is not None:
        with contextlib.suppress(KeyError, TypeError):
            return prop.computed(state)
    return unknown()
