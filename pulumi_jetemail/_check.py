"""The check: a declaration's rules applied to a resource's inputs.

Two layers: the field rules (one pydantic type per property, `Prop.rule`), run property by
property so that every bad property gets its own failure and values not known yet are simply
skipped; and the mode rules (which fields a delivery mode takes and requires), read from the
declaration. A failure is a value (`Failure`) that each door formats once. Knows nothing of
HTTP or of Pulumi.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError as PydanticValidationError

from ._fields import show

if TYPE_CHECKING:
    from ._declare import Declaration, Prop

__all__ = ["Failure", "adapter", "check_inputs", "contains_unknown", "mode_failures"]


@dataclass(frozen=True)
class Failure:
    """One bad property, as a value each door formats once: which property (empty for the
    resource as a whole), where inside it (`path`, e.g. 'item 0, url'), and what is wrong and
    how to fix it (`message`, which does not say the property's name again)."""

    property: str
    message: str
    path: str = ""

    @builtins.property  # (`property` is a field here)
    def detail(self) -> str:
        """Where inside the property, then what is wrong."""
        return f"{self.path}: {self.message}" if self.path else self.message

    @builtins.property
    def reason(self) -> str:
        """The whole failure in one line: `<property>: [<path>: ]<message>`."""
        return f"{self.property}: {self.detail}" if self.property else self.detail


_SCALARS = frozenset({str, int, float, bool, type(None)})
"""Types that hold nothing inside: `contains_unknown` skips the container checks for them."""


def contains_unknown(value: Any, is_unknown: Callable[[Any], bool]) -> bool:
    """True when `value` is, or holds anywhere inside it, a value not known yet."""
    if is_unknown(value):
        return True
    if type(value) in _SCALARS:  # the common case: no need for the (slower) ABC checks
        return False
    if isinstance(value, Mapping):
        return any(contains_unknown(v, is_unknown) for v in value.values())
    if isinstance(value, list | tuple):
        return any(contains_unknown(v, is_unknown) for v in value)
    return False


_ADAPTERS: dict[int, tuple[Any, TypeAdapter[Any]]] = {}


def adapter(rule: Any) -> TypeAdapter[Any]:
    """The pydantic adapter of a property's validator type (built once per type)."""
    entry = _ADAPTERS.get(id(rule))
    if entry is None:
        entry = _ADAPTERS[id(rule)] = (rule, TypeAdapter(rule))
    return entry[1]


_OUR_WORDS = {
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be a string",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "dict_type": "must be an object",
    "list_type": "must be a list",
    "missing": "is required",
}
"""pydantic's error types in our words (its own name Python types: `float`, `dict`)."""


def _describe_error(prop: Prop, error: Any) -> Failure:
    """A pydantic error of one property as our failure, in our words."""
    loc = list(error["loc"])
    kind = error["type"]
    if kind == "jetemail":
        message = str(error["msg"])
    elif kind == "extra_forbidden":
        key = loc.pop() if loc else "?"
        keys = ", ".join(f.name for t in prop.type.objects() for f in t.fields)
        message = f"unknown key {key!r}" + (f": the keys are {keys}" if keys else "")
    elif kind == "missing":
        message = _OUR_WORDS[kind]
    elif kind in _OUR_WORDS:
        message = f"{_OUR_WORDS[kind]} (got {show(error.get('input'))})"
    else:
        text = str(error["msg"])
        message = f"{text[:1].lower()}{text[1:]} (got {show(error.get('input'))})"
    where = ", ".join(f"item {p}" if isinstance(p, int) else str(p) for p in loc)
    return Failure(prop.name, message, where)


def _validate_fields(
    decl: Declaration, values: Mapping[str, Any]
) -> tuple[dict[str, Any], list[Failure]]:
    """Validate each field on its own: every bad property gets one failure."""
    canonical: dict[str, Any] = {}
    failures: list[Failure] = []
    for name, value in values.items():
        prop = decl.by_name[name]
        try:
            canonical[name] = adapter(prop.rule).validate_python(value)
        except PydanticValidationError as exc:
            failures.append(_describe_error(prop, exc.errors()[0]))
    return canonical, failures


def _split_inputs(
    decl: Declaration, news: Mapping[str, Any], is_unknown: Callable[[Any], bool]
) -> tuple[dict[str, Any], dict[str, Any], list[Failure]]:
    """(known values, unknown values, failures for unknown property names)."""
    known: dict[str, Any] = {}
    pending: dict[str, Any] = {}
    failures: list[Failure] = []
    for name, value in news.items():
        if name.startswith("__") or value is None:
            continue  # the SDK's own keys; None means absent on the Pulumi wire
        prop = decl.by_name.get(name)
        if prop is None or prop.output:
            valid = ", ".join(decl.input_names)
            failures.append(
                Failure(name, f"{decl.name} has no property {name!r}; valid properties are {valid}")
            )
        elif contains_unknown(value, is_unknown):
            pending[name] = value
        else:
            known[name] = value
    return known, pending, failures


def mode_failures(decl: Declaration, mode: str, present: Iterable[str]) -> list[Failure]:
    """Failures of the mode rules: fields of another mode, and required fields missing."""
    present = set(present)
    switch = decl.mode_prop
    failures = [
        Failure(
            p.name,
            f"only used when {switch} is '{p.mode}', but {switch} is "
            f"'{mode}': remove {p.name}, or set {switch}='{p.mode}'",
        )
        for p in sorted(decl.inputs, key=lambda p: p.name)
        if p.name in present and p.mode is not None and p.mode != mode
    ]
    failures += [
        Failure(p.name, f"required when {switch} is '{mode}': {p.missing}")
        for p in decl.mode_fields(mode)
        if p.mode_required and p.name not in present
    ]
    return failures


def check_inputs(
    decl: Declaration, news: Mapping[str, Any], is_unknown: Callable[[Any], bool]
) -> tuple[dict[str, Any], list[Failure]]:
    """Check a resource's inputs: canonical inputs and one failure per bad property.

    Values that are not known yet (`is_unknown`, possibly nested) pass through unchecked.
    Defaults are filled in where a property is absent (a mode's field only in that mode).
    """
    known, pending, failures = _split_inputs(decl, news, is_unknown)
    canonical, field_failures = _validate_fields(decl, known)
    present = set(known) | set(pending)
    by_property = {f.property: f for f in field_failures}
    mode = canonical.get(decl.mode_prop) if decl.mode_prop else None
    if mode is not None:
        # A field of another mode is wrong whatever its value: say that, not a format detail.
        for failure in mode_failures(decl, mode, present):
            if failure.property not in by_property or decl.by_name[failure.property].mode != mode:
                by_property[failure.property] = failure
    for prop in decl.inputs:
        if prop.name in present:
            continue
        if prop.required:
            hint = prop.missing or prop.description
            by_property[prop.name] = Failure(prop.name, f"required: {hint}")
        elif prop.default is not None and (prop.mode is None or prop.mode == mode):
            canonical[prop.name] = prop.default
    failures += by_property.values()
    return _merge(known, canonical, pending), failures


def _merge(
    known: dict[str, Any], canonical: dict[str, Any], pending: dict[str, Any]
) -> dict[str, Any]:
    """Canonical values, unknowns as they came, and the user's value where a property failed
    (so the engine shows what was written)."""
    return {**{k: v for k, v in known.items() if k not in canonical}, **canonical, **pending}
