"""ForwardRule: one forward rule of a forward-mode inbound domain, as a Pulumi resource.

In a fixed order (see STYLE.md): the arguments, the state, the provider's methods in
lifecycle order (check, diff, create, read, update, delete), the resource class with `get`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import CreateResult, ReadResult, UpdateResult

from ._provider import JetEmailProvider, args_dict, is_unknown
from .errors import ConflictError, JetEmailError, NotFoundError, ValidationError
from .inbound_domain import _ambiguous
from .models import (
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
    """The uuid of the forward-mode InboundDomain (e.g. `domain.uuid`). Changing it replaces."""
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


def _rule_name(inputs: Mapping[str, Any]) -> str:
    return f"forward rule {inputs.get('localpart')!r} of inbound domain {inputs.get('domain_uuid')}"


# ------------------------------------------------------------------------- provider


class ForwardRuleProvider(JetEmailProvider):
    """The dynamic provider behind ForwardRule."""

    INPUT_KEYS: ClassVar[tuple[str, ...]] = RULE_FIELDS
    REPLACE_ON: ClassVar[frozenset[str]] = frozenset({"domain_uuid", "localpart"})

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
        last: JetEmailError | None = None
        for _attempt in range(CREATE_ATTEMPTS):
            try:
                answer = self.client.create_forward_rule(domain_uuid, body)
                return self._created(domain_uuid, ForwardRuleAnswer.model_validate(answer))
            except ConflictError:
                if last is None:
                    raise JetEmailError(
                        f"{_rule_name(props)} already exists: remove it from the account, or "
                        "declare each local part once"
                    ) from None
            except NotFoundError:
                raise JetEmailError(
                    f"cannot create {_rule_name(props)}: no such inbound domain on this account"
                ) from None
            except ValidationError as exc:
                raise JetEmailError(
                    f"JetEmail refused {_rule_name(props)}: {exc.message}"
                ) from None
            except JetEmailError as exc:
                if not _ambiguous(exc):
                    raise
                last = exc
            found = self._find(domain_uuid, props["localpart"])
            if found is not None and found.destination.lower() == props["destination"].lower():
                return self._created(domain_uuid, found)  # the lost POST did create it
            if found is not None:
                raise JetEmailError(f"{_rule_name(props)} already exists with another destination")
        raise JetEmailError(
            f"creating {_rule_name(props)} failed {CREATE_ATTEMPTS} times without a clear "
            f"answer (last: {last}); nothing was left on the account, run the deploy again"
        )

    def _created(self, domain_uuid: str, answer: ForwardRuleAnswer) -> CreateResult:
        return CreateResult(answer.uuid, state_of(domain_uuid, answer))

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
        try:
            answer = ForwardRuleAnswer.model_validate(
                self.client.get_forward_rule(domain_uuid, id_)
            )
        except NotFoundError:
            return ReadResult("", {})
        state = state_of(domain_uuid, answer)
        return ReadResult(answer.uuid, state, {k: state[k] for k in RULE_FIELDS})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """One PATCH of destination and/or active, then one GET (verification may reset)."""
        news = self.canonical(news)
        domain_uuid = news["domain_uuid"]
        body = {k: news[k] for k in ("destination", "active") if olds.get(k) != news.get(k)}
        if body:
            self.client.update_forward_rule(domain_uuid, id_, body)
        try:
            answer = self.client.get_forward_rule(domain_uuid, id_)
        except JetEmailError as exc:
            log.warning("forward rule %s was updated but not read back (%s)", id_, exc)
            return UpdateResult({**olds, **{k: news[k] for k in RULE_FIELDS if k in news}})
        return UpdateResult(state_of(domain_uuid, ForwardRuleAnswer.model_validate(answer)))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """One DELETE; a rule (or domain) already gone counts as deleted."""
        try:
            self.client.delete_forward_rule(props["domain_uuid"], id_)
        except NotFoundError:
            log.info("forward rule %s was already gone", id_)


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
        # Every input and output is declared: the SDK makes attributes only for keys given.
        props: dict[str, Any] = dict.fromkeys((*RULE_FIELDS, *OUTPUT_KEYS))
        props.update({k: v for k, v in args_dict(args).items() if v is not None})
        props.update({k: v for k, v in keywords.items() if v is not None})
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
