"""A ForwardRule's lifecycle: the rules of a domain read once per provider process (one list
request for every read of a refresh), a create reconciled on that list, and the API's
refusals of a rule call said in the user's terms."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ... import _lifeline
from ..._bodies import Bodies
from ..._declare import Declaration
from ..._lifecycle import (
    CreateRequest,
    CreateResult,
    DeclaredLifecycle,
    DeleteRequest,
    ReadRequest,
    ReadResult,
    UpdateRequest,
    UpdateResult,
)
from ..._reconcile import create_reconciled
from ...errors import JetEmailError, NotFoundError, ValidationError
from ..inbound_domain.declaration import INBOUND_DOMAIN

if TYPE_CHECKING:
    from ...client import JetEmailClient

__all__ = ["RuleLifecycle", "RuleLists", "split_rule_id"]

log = logging.getLogger("pulumi_jetemail")

MAX_RULES_PER_DOMAIN = 200
"""The API's limit of forward rules on one inbound domain."""
DOMAIN_BODIES = Bodies(INBOUND_DOMAIN)
"""To read a domain's delivery type from its answer (what a refused rule call is about)."""

_HINT_CREATE = "declare the domain with delivery_type='forward', or use a forward domain's uuid"
_HINT_EXISTING = (
    "rules must be removed while their domain is in forward mode; set delivery_type back to "
    "'forward' and deploy, then remove the rules, then switch the domain"
)


def _rule_name(props: Mapping[str, Any], id_: str = "") -> str:
    """How messages name a rule: its local part (else its uuid) and its domain's uuid."""
    rule = repr(props["localpart"]) if props.get("localpart") else id_
    return f"forward rule {rule} of inbound domain {props.get('domain_uuid')}"


def split_rule_id(id_: str) -> tuple[str | None, str]:
    """A rule's import id `<domain_uuid>/<rule_uuid>` (or a bare rule uuid)."""
    domain_uuid, slash, rule_uuid = id_.rpartition("/")
    return (domain_uuid or None) if slash else None, rule_uuid


@dataclass
class _Flight:
    done: threading.Event
    rules: dict[str, dict[str, Any]] | None = None
    error: BaseException | None = None


class RuleLists:
    """Each domain's rule list, read once per provider process and shared by every read of
    its rules, concurrent ones included (single flight): a refresh of 200 rules of one domain
    is one request, not 200. A write through this process drops the domain's list, so that
    the next read sees the write."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flights: dict[tuple[int, str], _Flight] = {}

    def rules(self, client: JetEmailClient, domain_uuid: str) -> dict[str, dict[str, Any]]:
        """The domain's rules by uuid (NotFoundError when the domain is gone)."""
        key = (id(client), domain_uuid)
        with self._lock:
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight(threading.Event())
        if leader:
            try:
                rows = client.list_forward_rules(domain_uuid)
                flight.rules = {str(row.get("uuid")): row for row in rows}
            except BaseException as exc:
                flight.error = exc
                self.forget(client, domain_uuid)  # a later read asks again
            finally:
                flight.done.set()
        flight.done.wait()
        if flight.error is not None:
            raise flight.error
        assert flight.rules is not None
        return flight.rules

    def forget(self, client: JetEmailClient, domain_uuid: str) -> None:
        with self._lock:
            self._flights.pop((id(client), domain_uuid), None)


class RuleLifecycle(DeclaredLifecycle):
    """A forward rule's lifecycle."""

    def __init__(self, decl: Declaration) -> None:
        super().__init__(decl)
        self.lists = RuleLists()

    def apply_create(self, request: CreateRequest) -> CreateResult:
        """One POST; after an ambiguous failure, the rule list tells whether it landed."""
        client, inputs = request.client, request.inputs
        domain_uuid = inputs["domain_uuid"]
        body = self.create_body(inputs)
        name = _rule_name(inputs)

        def post() -> dict[str, Any]:
            try:
                return client.create_forward_rule(domain_uuid, body)
            except NotFoundError:
                raise JetEmailError("no such inbound domain on this account") from None

        def on_conflict(after_lost_post: bool) -> dict[str, Any] | None:
            if not after_lost_post:
                raise JetEmailError(
                    "a rule for this local part already exists on the account: declare "
                    "each local part of a domain once, or delete the existing rule in JetEmail"
                )
            return None

        def reconcile() -> dict[str, Any] | None:
            found = self._find(client, domain_uuid, inputs["localpart"])
            if found is None:
                return None
            if str(found.get("destination", "")).lower() == inputs["destination"].lower():
                return found  # the lost POST did create it
            raise JetEmailError(
                f"a rule for this local part already exists on the account, forwarding to "
                f"{found.get('destination')}: delete it in JetEmail, or declare that destination"
            )

        with self._failing(f"cannot create {name}", client, domain_uuid, _HINT_CREATE):
            try:
                answer = create_reconciled(name, post, on_conflict=on_conflict, reconcile=reconcile)
            finally:
                self.lists.forget(client, domain_uuid)
        uuid = str(answer["uuid"])
        _lifeline.undo_if_orphaned(name, lambda: client.delete_forward_rule(domain_uuid, uuid))
        return CreateResult(uuid, self.state_of(answer, inputs))

    def _find(
        self, client: JetEmailClient, domain_uuid: str, localpart: str
    ) -> dict[str, Any] | None:
        for row in client.list_forward_rules(domain_uuid):
            if str(row.get("localpart", "")).lower() == localpart:
                return row
        return None

    def read(self, request: ReadRequest) -> ReadResult | None:
        """One GET; None when the rule (or its domain) is gone. An id
        `<domain_uuid>/<rule_uuid>` (an import) says the domain."""
        client, id_, prior = request.client, request.id, request.state
        from_id, rule_uuid = split_rule_id(id_)
        domain_uuid = prior.get("domain_uuid") or from_id
        if not domain_uuid:
            raise JetEmailError(
                f"forward rule {id_} cannot be read without its domain_uuid: import it as "
                "<domain_uuid>/<rule_uuid>, or look it up with "
                "ForwardRule.get(name, rule_uuid, domain_uuid=...)"
            )
        prior = {**prior, "domain_uuid": domain_uuid}
        name = _rule_name(prior, rule_uuid)
        with self._failing(f"cannot read {name}", client, domain_uuid, _HINT_EXISTING):
            try:
                answer = self.lists.rules(client, domain_uuid).get(rule_uuid)
            except NotFoundError:
                return None  # the domain is gone, and its rules with it
        return self.read_result(id_, None if answer is None else self.state_of(answer, prior))

    def apply_update(self, request: UpdateRequest) -> UpdateResult:
        """One PATCH of what changed, then one GET (verification may reset)."""
        client, id_, olds, news = request.client, request.id, request.olds, request.news
        domain_uuid = news["domain_uuid"]
        id_ = split_rule_id(id_)[1]  # an imported rule's id holds its domain's uuid too
        name = _rule_name(news, id_)
        body = self.update_body(olds, news)
        if body:
            with self._failing(f"cannot update {name}", client, domain_uuid, _HINT_EXISTING):
                try:
                    client.update_forward_rule(domain_uuid, id_, body)
                finally:
                    self.lists.forget(client, domain_uuid)
        try:
            answer = client.get_forward_rule(domain_uuid, id_)
        except JetEmailError as exc:
            log.warning("%s was updated but not read back (%s)", name, exc)
            return UpdateResult(self.assumed_state(olds, news, body))
        return UpdateResult(self.state_of(answer, {**olds, **news}))

    def delete(self, request: DeleteRequest) -> None:
        """One DELETE; a rule (or domain) already gone counts as deleted."""
        client, id_, state = request.client, request.id, request.state
        domain_uuid = state["domain_uuid"]
        id_ = split_rule_id(id_)[1]
        name = _rule_name(state, id_)
        with self._failing(f"cannot delete {name}", client, domain_uuid, _HINT_EXISTING):
            try:
                client.delete_forward_rule(domain_uuid, id_)
            except NotFoundError:
                log.info("%s was already gone", name)
            finally:
                self.lists.forget(client, domain_uuid)

    @contextlib.contextmanager
    def _failing(
        self, what: str, client: JetEmailClient, domain_uuid: str, hint: str
    ) -> Iterator[None]:
        """Turn a failure into one line: what failed (naming the rule), then why; `hint`
        says what to do when the domain is not in forward mode."""
        try:
            yield
        except ValidationError as exc:
            reason = _refusal(client, domain_uuid, exc, hint)
            raise JetEmailError(f"{what}: {reason}") from None
        except JetEmailError as exc:
            raise JetEmailError(f"{what}: {exc}") from None


def _refusal(client: JetEmailClient, domain_uuid: str, exc: ValidationError, hint: str) -> str:
    """What a 400 on a rule call means in the user's terms, since the API's wording is not
    documented: a domain not in forward mode, the 200-rule limit, or the API's message."""
    refused = f"JetEmail refused it ({exc.method} {exc.path}: {exc.status} {exc.message})"
    with contextlib.suppress(JetEmailError):
        mode = DOMAIN_BODIES.state_of(client.get_domain(domain_uuid), {}).get("delivery_type")
        if mode != "forward":
            return (
                f"the inbound domain has delivery_type '{mode}', and JetEmail keeps forward "
                f"rules only on a domain with delivery_type 'forward': {hint}"
            )
        count = len(client.list_forward_rules(domain_uuid))
        if count >= MAX_RULES_PER_DOMAIN:
            return (
                f"the domain already has {count} forward rules, the most JetEmail allows "
                f"(limit: {MAX_RULES_PER_DOMAIN} a domain); remove rules, or forward the "
                "rest with a catch-all '*' rule"
            )
    return refused
