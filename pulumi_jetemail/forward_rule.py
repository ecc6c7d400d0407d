"""ForwardRule: one forward rule of a forward-mode inbound domain, as a Pulumi resource.

In a fixed order (see STYLE.md): the arguments, the state, the provider's methods in
lifecycle order (check, diff, create, read, update, delete), the resource class with `get`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import CreateResult, ReadResult, UpdateResult

from ._provider import JetEmailProvider, is_unknown, resource_props
from .errors import ConflictError, JetEmailError, NotFoundError, ValidationError
from .inbound_domain import _ambiguous
from .models import (
    DomainAnswer,
    Failure,
    ForwardRuleAnswer,
    ForwardRuleInputs,
    canonical_forward_rule,
)

__all__ = ["ForwardRule", "ForwardRuleArgs", "ForwardRuleProvider"]

log = logging.getLogger("pulumi_jetemail")

# ------------------------------------------------------------------------ arguments


@dataclass(kw_only=True)
class ForwardRuleArgs:
    """The inputs of a ForwardRule."""

    domain_uuid: pulumi.Input[str] | None = None
    """The forward-mode InboundDomain's uuid: pass `domain.id`. Changing it replaces the rule."""
    localpart: pulumi.Input[str] | None = None
    """The part before '@' to forward, or '*' for a catch-all. Changing it replaces."""
    destination: pulumi.Input[str] | None = None
    """Where mail goes: a bare 'local@domain' (it must confirm a verification mail)."""
    active: pulumi.Input[bool] | None = None
    """Whether the rule forwards mail (default true)."""


# ---------------------------------------------------------------------------- state

RULE_FIELDS: tuple[str, ...] = tuple(ForwardRuleInputs.model_fields)
OUTPUT_KEYS: tuple[str, ...] = ("uuid", "verified", "created_at")
CREATE_ATTEMPTS = 3
"""POSTs of one create, counting those sent again after an ambiguous failure."""
MAX_RULES_PER_DOMAIN = 200
"""The API's limit of forward rules on one inbound domain (jetemail-api.md)."""


def state_of(domain_uuid: str, answer: ForwardRuleAnswer) -> dict[str, Any]:
    """The rule's outputs: its canonical inputs as live, plus uuid, verified, created_at."""
    return {
        "domain_uuid": domain_uuid,
        "localpart": answer.localpart.lower(),
        "destination": answer.destination,
        "active": answer.active,
        "uuid": answer.uuid,
        "verified": answer.verified,
        "created_at": answer.created_at,
    }


_HINT_CREATE = "declare the domain with delivery_type='forward', or use a forward domain's uuid"
_HINT_EXISTING = (
    "rules must be removed while their domain is in forward mode; set delivery_type back to "
    "'forward' and deploy, then remove the rules, then switch the domain"
)


def _rule_name(props: Mapping[str, Any], id_: str = "") -> str:
    """How messages name a rule: its local part (else its uuid) and its domain's uuid."""
    rule = repr(props["localpart"]) if props.get("localpart") else id_
    return f"forward rule {rule} of inbound domain {props.get('domain_uuid')}"


# ------------------------------------------------------------------------- provider


class ForwardRuleProvider(JetEmailProvider):
    """The dynamic provider behind ForwardRule."""

    INPUT_KEYS: ClassVar[tuple[str, ...]] = RULE_FIELDS
    REPLACE_ON: ClassVar[frozenset[str]] = frozenset({"domain_uuid", "localpart"})
    # A preview of any in-place update of the domain makes its uuid unknown (the engine
    # cannot preview a dynamic resource's outputs): showing every rule as replaced would
    # drown the one real change in a PR review. `pulumi up` diffs again, with the uuid known,
    # and replaces the rule only if the uuid really changed.
    REPLACE_ON_UNKNOWN: ClassVar[bool] = False

    def validate(self, news: Mapping[str, Any]) -> tuple[dict[str, Any], list[Failure]]:
        return canonical_forward_rule(news, is_unknown)

    # check and diff: JetEmailProvider (declarative, no network)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """One POST; after an ambiguous failure, the rule list tells whether it landed."""
        props = self.canonical(props)
        domain_uuid = props["domain_uuid"]
        body: dict[str, Any] = {
            k: props[k] for k in ("localpart", "destination", "active") if k in props
        }
        what = f"cannot create {_rule_name(props)}"
        with self._failing(what, domain_uuid, _HINT_CREATE):
            answer = self._create(domain_uuid, body)
        self.undo_if_orphaned(
            _rule_name(props), lambda: self.client.delete_forward_rule(domain_uuid, answer.uuid)
        )
        return CreateResult(answer.uuid, state_of(domain_uuid, answer))

    def _create(self, domain_uuid: str, body: dict[str, Any]) -> ForwardRuleAnswer:
        last: JetEmailError | None = None
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                return ForwardRuleAnswer.model_validate(
                    self.client.create_forward_rule(domain_uuid, body)
                )
            except ConflictError:
                if last is None:
                    raise JetEmailError(
                        "a rule for this local part already exists on the account: declare "
                        "each local part of a domain once, or delete the existing rule in JetEmail"
                    ) from None
            except NotFoundError:
                raise JetEmailError("no such inbound domain on this account") from None
            except JetEmailError as exc:
                if not _ambiguous(exc):
                    raise
                last = exc
                log.warning(
                    "create of %s got no clear answer (attempt %d of %d: %s); checking the "
                    "domain's rules before trying again",
                    _rule_name({"domain_uuid": domain_uuid, **body}),
                    attempt,
                    CREATE_ATTEMPTS,
                    exc,
                )
            found = self._find(domain_uuid, body["localpart"])
            if found is not None and found.destination.lower() == body["destination"].lower():
                return found  # the lost POST did create it
            if found is not None:
                raise JetEmailError(
                    f"a rule for this local part already exists on the account, forwarding to "
                    f"{found.destination}: delete it in JetEmail, or declare that destination"
                )
        raise JetEmailError(
            f"{CREATE_ATTEMPTS} attempts got no clear answer (last: {last}); nothing was left "
            "on the account, run the deploy again"
        )

    def _find(self, domain_uuid: str, localpart: str) -> ForwardRuleAnswer | None:
        for row in self.client.list_forward_rules(domain_uuid):
            rule = ForwardRuleAnswer.model_validate(row)
            if rule.localpart.lower() == localpart:
                return rule
        return None

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """One GET; 404 (rule or domain gone) means gone."""
        domain_uuid = props.get("domain_uuid")
        if not domain_uuid:
            raise JetEmailError(
                f"forward rule {id_} cannot be read without its domain_uuid: "
                "look it up with ForwardRule.get(name, rule_uuid, domain_uuid=...)"
            )
        with self._failing(f"cannot read {_rule_name(props, id_)}", domain_uuid, _HINT_EXISTING):
            try:
                found = self.client.get_forward_rule(domain_uuid, id_)
            except NotFoundError:
                return ReadResult("", {})
        state = state_of(domain_uuid, ForwardRuleAnswer.model_validate(found))
        return ReadResult(state["uuid"], state, {k: state[k] for k in RULE_FIELDS})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """One PATCH of destination and/or active, then one GET (verification may reset)."""
        news = self.canonical(news)
        domain_uuid = news["domain_uuid"]
        name = _rule_name(news, id_)
        body = {k: news[k] for k in ("destination", "active") if olds.get(k) != news.get(k)}
        if body:
            with self._failing(f"cannot update {name}", domain_uuid, _HINT_EXISTING):
                self.client.update_forward_rule(domain_uuid, id_, body)
        try:
            answer = ForwardRuleAnswer.model_validate(
                self.client.get_forward_rule(domain_uuid, id_)
            )
        except JetEmailError as exc:
            # The PATCH succeeded, so the new inputs are what is live.
            log.warning("%s was updated but not read back (%s)", name, exc)
            state = {**olds, **{k: news[k] for k in RULE_FIELDS if k in news}}
            if "destination" in body:
                state["verified"] = False  # a new destination must be verified again
            return UpdateResult(state)
        return UpdateResult(state_of(domain_uuid, answer))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """One DELETE; a rule (or domain) already gone counts as deleted."""
        domain_uuid = props["domain_uuid"]
        name = _rule_name(props, id_)
        with self._failing(f"cannot delete {name}", domain_uuid, _HINT_EXISTING):
            try:
                self.client.delete_forward_rule(domain_uuid, id_)
            except NotFoundError:
                log.info("%s was already gone", name)

    # ---------------------------------------------------------------------- errors

    @contextlib.contextmanager
    def _failing(self, what: str, domain_uuid: str, hint: str) -> Iterator[None]:
        """Turn a failure into one line: what failed (naming the rule), then why; `hint`
        says what to do when the domain is not in forward mode."""
        try:
            yield
        except ValidationError as exc:
            raise JetEmailError(f"{what}: {self._refusal(domain_uuid, exc, hint)}") from None
        except JetEmailError as exc:
            raise JetEmailError(f"{what}: {exc}") from None

    def _refusal(self, domain_uuid: str, exc: ValidationError, hint: str) -> str:
        """What a 400 on a rule call means in the user's terms, since the API's wording is not
        documented: a domain not in forward mode, the 200-rule limit, or the API's message."""
        refused = f"JetEmail refused it ({exc.method} {exc.path}: {exc.status} {exc.message})"
        with contextlib.suppress(JetEmailError):
            mode = DomainAnswer.model_validate(self.client.get_domain(domain_uuid)).delivery_type
            if mode != "forward":
                return (
                    f"the inbound domain has delivery_type '{mode}', and JetEmail keeps forward "
                    f"rules only on a domain with delivery_type 'forward': {hint}"
                )
            count = len(self.client.list_forward_rules(domain_uuid))
            if count >= MAX_RULES_PER_DOMAIN:
                return (
                    f"the domain already has {count} forward rules, the most JetEmail allows "
                    f"(limit: {MAX_RULES_PER_DOMAIN} a domain); remove rules, or forward the "
                    "rest with a catch-all '*' rule"
                )
        return refused


_PROVIDER = ForwardRuleProvider()

# ------------------------------------------------------------------------- resource


class ForwardRule(pulumi.dynamic.Resource, module="jetemail", name="ForwardRule"):
    """A forward rule: mail to `localpart@<domain>` goes to `destination`, once verified."""

    domain_uuid: pulumi.Output[str]
    """The uuid of the inbound domain."""
    localpart: pulumi.Output[str]
    """The local part, lowercase, or '*'."""
    destination: pulumi.Output[str]
    """Where mail goes."""
    active: pulumi.Output[bool]
    """Whether the rule forwards mail."""
    uuid: pulumi.Output[str]
    """The rule's id at JetEmail (also the resource id)."""
    verified: pulumi.Output[bool]
    """Whether the destination confirmed its verification mail (refresh updates it)."""
    created_at: pulumi.Output[int]
    """When the rule was created, in unix seconds."""

    def __init__(
        self,
        resource_name: str,
        args: ForwardRuleArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        domain_uuid: pulumi.Input[str] | None = None,
        localpart: pulumi.Input[str] | None = None,
        destination: pulumi.Input[str] | None = None,
        active: pulumi.Input[bool] | None = None,
    ) -> None:
        """Declare a forward rule, with a `ForwardRuleArgs` or keyword inputs."""
        keywords = {
            "domain_uuid": domain_uuid,
            "localpart": localpart,
            "destination": destination,
            "active": active,
        }
        props = resource_props(args, keywords, (*RULE_FIELDS, *OUTPUT_KEYS))
        super().__init__(_PROVIDER, resource_name, props, opts)

    @staticmethod
    def get(
        resource_name: str,
        id: pulumi.Input[str],
        domain_uuid: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> ForwardRule:
        """Look up an existing forward rule, read-only, by its uuid and its domain's uuid."""
        return ForwardRule(
            resource_name,
            domain_uuid=domain_uuid,
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id)),
        )
