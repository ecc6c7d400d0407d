"""What the API is sent and what state is made of its answers, read from a declaration: the
create body, the PATCH bodies, the state from an answer, the state assumed after a PATCH that
could not be read back. No function here names a field, and nothing here sends anything."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from ._check import adapter
from ._declare import Declaration, Prop

__all__ = ["Bodies"]


class Bodies:
    """The request bodies and the state of one declaration's resource."""

    def __init__(self, decl: Declaration) -> None:
        self.decl = decl
        self.mode_prop = decl.by_name[decl.mode_prop] if decl.mode_prop else None

    # ---------------------------------------------------------------------- bodies

    def _mode(self, values: Mapping[str, Any]) -> Any:
        return values.get(self.mode_prop.name) if self.mode_prop else None

    def _sent(self, prop: Prop) -> bool:
        """Whether a PATCH may carry the property (a replacing one never changes in place)."""
        return (
            prop.api_name is not None
            and not prop.replaces
            and not prop.create_only
            and prop is not self.mode_prop
        )

    def create_body(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The POST body: the documented fields of the declared mode that create takes."""
        return {
            p.api_name: p.encode(inputs[p.name])
            for p in self.decl.visible_in(self._mode(inputs))
            if not p.output
            and p.api_name is not None
            and p.at_create
            and not p.create_only
            and inputs.get(p.name) is not None
        }

    def after_create_body(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The PATCH right after create for what the create body cannot carry (empty when
        those inputs are at their defaults, as the API creates them)."""
        body: dict[str, Any] = {}
        for p in self.decl.inputs:
            value = inputs.get(p.name, p.default)
            if not p.at_create and p.api_name is not None and value != p.default:
                body[p.api_name] = p.encode(value)
        return body

    def update_body(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """The PATCH for an update: only what changed. A mode switch sends the new mode and its
        set fields only, never a field of another mode (the API drops the old mode's itself);
        a removed field is sent as the value that clears it."""
        body: dict[str, Any] = {}
        for p in self.decl.common():
            old, new = olds.get(p.name, p.default), news.get(p.name, p.default)
            if self._sent(p) and not p.same(old, new):
                body[p.api_name] = p.encode(new)  # type: ignore[index]
        mode = self._mode(news)
        if self.mode_prop is not None and self._mode(olds) != mode:
            body[self.mode_prop.api_name] = mode  # type: ignore[index]
            body.update(self._set_fields(news, mode))
            return body
        for p in self.decl.mode_fields(mode):
            new = news.get(p.name)
            if p.api_name is not None and not p.same(olds.get(p.name), new):
                body[p.api_name] = p.encode(new) if new is not None else p.clear_value
        return body

    def declared_body(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """A PATCH that sets an existing object to exactly the declared state (to adopt it):
        every field that may be sent, the mode's removed ones as the value that clears them."""
        body = {
            p.api_name: p.encode(inputs.get(p.name, p.default))
            for p in self.decl.common()
            if p.api_name is not None and (self._sent(p) or p is self.mode_prop)
        }
        for p in self.decl.mode_fields(self._mode(inputs)):
            if p.api_name is not None:
                value = inputs.get(p.name)
                body[p.api_name] = p.encode(value) if value is not None else p.clear_value
        return body

    def _set_fields(self, inputs: Mapping[str, Any], mode: Any) -> dict[str, Any]:
        return {
            p.api_name: p.encode(inputs[p.name])
            for p in self.decl.mode_fields(mode)
            if p.api_name is not None and inputs.get(p.name) is not None
        }

    # ----------------------------------------------------------------------- state

    def state_of(self, answer: Mapping[str, Any], prior: Mapping[str, Any]) -> dict[str, Any]:
        """The outputs: canonical inputs as live, plus what the API computed.

        `prior` is what was known before (the inputs at create, the old outputs at read): it
        supplies what the API does not return (write-only fields, a secret shown at create
        only, the provider's own outputs) and the user's form of a value where the live one
        means the same."""
        mode = self._live(self.mode_prop, answer, prior) if self.mode_prop else None
        if mode is None and self.mode_prop:
            mode = prior.get(self.mode_prop.name)
        state: dict[str, Any] = {}
        for p in self.decl.visible_in(mode):
            if p.computed is not None:
                continue
            value = self._live(p, answer, prior)
            if value is None:
                value = prior.get(p.name)
            if value is None:
                value = p.default
            if value is not None:
                state[p.name] = p.type.coerce(value)
        for p in self.decl.props:
            if p.computed is not None:
                state[p.name] = p.computed(state)
        return state

    def _live(self, p: Prop, answer: Mapping[str, Any], prior: Mapping[str, Any]) -> Any:
        """The property as the API answered it, canonical; None if the API did not say."""
        if p.api_name is None or p.write_only:
            return None
        raw = answer.get(p.api_name)
        if raw is None:
            return None
        value = p.decode(raw)
        if not p.output and p.rule is not None:
            with contextlib.suppress(PydanticValidationError):
                value = adapter(p.rule).validate_python(value)
        old = prior.get(p.name)
        return old if old is not None and p.same(old, value) else value

    def assumed_state(
        self, olds: Mapping[str, Any], news: Mapping[str, Any], sent: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The state after a PATCH that succeeded but could not be read back: the new inputs
        are what is live; outputs that the change resets go back to their defaults."""
        prior = {**olds, **{p.name: news.get(p.name) for p in self.decl.inputs}}
        answer = {
            p.api_name: p.encode(prior[p.name])
            for p in self.decl.inputs
            if p.api_name is not None and prior.get(p.name) is not None
        }
        state = self.state_of(answer, prior)
        changed = {p.name for p in self.decl.inputs if p.api_name in sent}
        for p in self.decl.outputs:
            if changed & set(p.reset_by):
                state[p.name] = p.default
        return state

    def inputs_of(self, state: Mapping[str, Any]) -> dict[str, Any]:
        """The inputs part of a state (refreshed inputs, after a read)."""
        return {p.name: state[p.name] for p in self.decl.inputs if state.get(p.name) is not None}
