"""The provider logic shared by both front doors (the dynamic resources and the native
plugin): check, diff, create, read, update and delete, on the client and a declaration.

The functions that build request bodies and state name no field: they read the declaration
(`declarations.py`). The lifecycle methods take the client as an argument; nothing here holds
a credential, and nothing here knows which door called.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from pulumi.output import Unknown
from pydantic import ValidationError as PydanticValidationError

from . import _lifeline
from ._declare import Declaration, Prop
from .declarations import FORWARD_RULE, INBOUND_DOMAIN
from .errors import APIError, ConflictError, JetEmailError, NotFoundError, ValidationError
from .models import Failure, _adapter, check_inputs, contains_unknown, inbound_domain_risks

if TYPE_CHECKING:
    from .client import JetEmailClient

__all__ = ["DomainLogic", "Logic", "Plan", "RuleLogic", "is_unknown", "known"]

log = logging.getLogger("pulumi_jetemail")

CREATE_ATTEMPTS = 3
"""POSTs of one create, counting those sent again after an ambiguous failure."""
MAX_RULES_PER_DOMAIN = 200
"""The API's limit of forward rules on one inbound domain."""


def is_unknown(value: Any) -> bool:
    """True for a value the engine does not know yet (during preview)."""
    return isinstance(value, Unknown)


def known(value: Any) -> bool:
    """True when `value` holds no unknown anywhere."""
    return not contains_unknown(value, is_unknown)


@dataclass(frozen=True)
class Plan:
    """What a diff found: the changed inputs, and those of them that replace the resource."""

    changed: tuple[str, ...]
    replaces: tuple[str, ...]


# ------------------------------------------------------------------ declared behaviour


class Logic:
    """What a declaration alone decides: check, diff, the request bodies and the state."""

    REPLACE_ON_UNKNOWN = True
    """Whether a value not known yet in a replacing input previews as a replacement (else as
    an update; `pulumi up` diffs again with the value known)."""

    def __init__(self, decl: Declaration) -> None:
        self.decl = decl
        self.mode_prop = decl.by_name[decl.mode_prop] if decl.mode_prop else None

    # ---------------------------------------------------------------- check, diff

    def check(self, news: Mapping[str, Any]) -> tuple[dict[str, Any], list[Failure]]:
        """Canonical inputs, and one failure per bad property (never raises on bad input)."""
        return check_inputs(self.decl, news, is_unknown)

    def canonical(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """Checked inputs as they come back over the wire, canonical again (the wire turns
        every number into a float, and the API refuses `30000.0` where it wants 30000)."""
        inputs, _ = self.check(
            {
                k: v
                for k, v in props.items()
                if k in self.decl.by_name and not self.decl.by_name[k].output
            }
        )
        return inputs

    def risks(self, _inputs: Mapping[str, Any]) -> list[str]:
        """Legal but risky inputs, to be logged as warnings at check."""
        return []

    def same(self, prop: Prop, old: Any, new: Any) -> bool:
        """Whether an input is unchanged; a value not known yet counts as changed."""
        return known(new) and prop.same(old, new)

    def diff(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Plan:
        """Compare canonical inputs (old outputs or inputs against new inputs); no network."""
        changed = tuple(
            p.name for p in self.decl.diffed if not self.same(p, olds.get(p.name), news.get(p.name))
        )
        replaces = tuple(
            name
            for name in changed
            if name in self.decl.replaces and (self.REPLACE_ON_UNKNOWN or known(news.get(name)))
        )
        return Plan(changed, replaces)

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
        if not p.output and p.check is not None:
            with contextlib.suppress(PydanticValidationError):
                value = _adapter(p.check).validate_python(value)
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


# -------------------------------------------------------------- the lost-create loop

_T = TypeVar("_T")


class _NoClearAnswer(JetEmailError):
    """Every POST of a create got no clear answer (and nothing was left behind)."""


def _ambiguous(exc: JetEmailError) -> bool:
    """A failure after which a POST may or may not have created the object: no answer, a
    5xx, or a 2xx that could not be read (the client sets `maybe_processed`)."""
    return isinstance(exc, APIError) and exc.maybe_processed


def create_reconciled(
    what: str,
    post: Callable[[], _T],
    *,
    on_conflict: Callable[[bool], _T | None],
    reconcile: Callable[[], _T | None],
) -> _T:
    """POST at most `CREATE_ATTEMPTS` times, so that nothing is created twice or orphaned.

    After an ambiguous failure (the POST may have landed), `reconcile()` looks at the account:
    it returns what the lost POST created, or None to post again (having removed what it must),
    or raises. A 409 calls `on_conflict(after_lost_post)`: it raises, returns a result (an
    adoption), or returns None to reconcile (the lost POST has landed since)."""
    last: JetEmailError | None = None
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        try:
            return post()
        except ConflictError:
            result = on_conflict(last is not None)
            if result is not None:
                return result
        except JetEmailError as exc:
            if not _ambiguous(exc):
                raise
            last = exc
            log.warning(
                "create of %s got no clear answer (attempt %d of %d: %s); checking the account "
                "before trying again",
                what,
                attempt,
                CREATE_ATTEMPTS,
                exc,
            )
        result = reconcile()
        if result is not None:
            return result
    raise _NoClearAnswer(
        f"{CREATE_ATTEMPTS} attempts got no clear answer (last: {last}); nothing was left on "
        "the account, run the deploy again"
    )


# -------------------------------------------------------------------- inbound domains


def _exists_message(domain: str, declared_twice: bool = False) -> str:
    if declared_twice:
        return (
            f"inbound domain {domain} is declared twice in this program: this deploy has just "
            "created it for another InboundDomain resource. Keep one declaration of each "
            "domain (adopt_existing=True would make two resources manage one domain)."
        )
    return (
        f"inbound domain {domain} already exists on this JetEmail account. If this program "
        "declares it twice, keep one declaration. If another stack or tool manages it, leave it "
        "to that one, or remove it there first: adopt_existing=True would give it two owners. "
        "If nothing manages it, set adopt_existing=True to take it over from this stack (its "
        "webhook_secret cannot be read back and will be empty), or delete it in JetEmail. If "
        "an earlier deploy was interrupted, this may be the domain it created."
    )


def _unchecked_message(domain: str, exc: APIError) -> str:
    return (
        f"creating inbound domain {domain} got no clear answer, and the account could not be "
        f"checked afterwards ({exc}). The domain may have been created: run the deploy again; "
        "if it then fails saying the domain already exists, that is this deploy's domain: "
        "delete it in JetEmail to have it created again with a webhook_secret, or set "
        "adopt_existing=True (its webhook_secret stays unknown)."
    )


class _CreatesHere:
    """The domains this provider process is creating or has created: a 409 for one of them
    means the program declares that domain twice (both creates run in this process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._under_way: Counter[str] = Counter()
        self._created: set[str] = set()

    @contextlib.contextmanager
    def creating(self, domain: str) -> Iterator[None]:
        with self._lock:
            self._under_way[domain] += 1
        try:
            yield
        finally:
            with self._lock:
                self._under_way[domain] -= 1

    def created(self, domain: str) -> None:
        with self._lock:
            self._created.add(domain)

    def declared_twice(self, domain: str) -> bool:
        """After a create of `domain` got a 409 (and left `creating`): whether another create
        of it in this process is under way or done."""
        with self._lock:
            return domain in self._created or self._under_way[domain] > 0


_CREATES_HERE = _CreatesHere()


class DomainLogic(Logic):
    """An inbound domain's lifecycle: POST (reconciled), GET, PATCH, DELETE."""

    def risks(self, inputs: Mapping[str, Any]) -> list[str]:
        return [f"inbound domain {inputs.get('domain')}: {r}" for r in inbound_domain_risks(inputs)]

    def create(
        self, client: JetEmailClient, inputs: Mapping[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        """One POST (reconciled on an ambiguous failure), plus a PATCH for what the POST
        cannot carry (a disabled domain)."""
        answer, adopted = self._create_or_adopt(client, inputs)
        uuid = str(answer["uuid"])
        state = self.state_of(answer, {**inputs, "adopted": adopted})
        if not adopted:
            state = self._after_create(client, uuid, inputs, answer, state)
            _lifeline.undo_if_orphaned(
                f"inbound domain {inputs['domain']}", lambda: client.delete_domain(uuid)
            )
        return uuid, state

    def _create_or_adopt(
        self, client: JetEmailClient, inputs: Mapping[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        domain = inputs["domain"]
        body = self.create_body(inputs)
        adopt = bool(inputs.get("adopt_existing"))

        def post() -> tuple[dict[str, Any], bool]:
            with _CREATES_HERE.creating(domain):
                answer = client.create_domain(body)
            _CREATES_HERE.created(domain)
            return answer, False

        def on_conflict(after_lost_post: bool) -> tuple[dict[str, Any], bool] | None:
            twice = _CREATES_HERE.declared_twice(domain)
            if adopt and not twice:
                return self._adopt(client, inputs), True
            if not after_lost_post or twice:
                raise JetEmailError(_exists_message(domain, twice))
            return None  # the create we lost earlier has landed since

        def reconcile() -> tuple[dict[str, Any], bool] | None:
            try:
                if adopt and self._find(client, domain) is not None:
                    return self._adopt(client, inputs), True
                self._remove_lost_create(client, inputs)
            except APIError as exc:
                # The lost POST may have created the domain, and we cannot tell: say so.
                raise JetEmailError(_unchecked_message(domain, exc)) from None
            return None

        try:
            return create_reconciled(
                f"inbound domain {domain}", post, on_conflict=on_conflict, reconcile=reconcile
            )
        except _NoClearAnswer as exc:
            raise JetEmailError(f"creating inbound domain {domain} failed: {exc}") from None

    def _find(self, client: JetEmailClient, domain: str) -> str | None:
        """The uuid of the account's domain of that name."""
        for row in client.list_domains():
            if str(row.get("domain", "")).lower() == domain:
                return str(row["uuid"])
        return None

    def _remove_lost_create(self, client: JetEmailClient, inputs: Mapping[str, Any]) -> None:
        """Delete the domain a lost POST created, so that the next POST returns its secret.

        Only a domain that matches what was sent, down to its mode fields (and with no forward
        rules), is taken for ours: anything else may predate this deploy and is left alone.
        """
        uuid = self._find(client, inputs["domain"])
        if uuid is None:
            return
        live = self.state_of(client.get_domain(uuid), {})
        sent = self.create_body(inputs)
        is_ours = all(
            p.same(live.get(p.name), inputs[p.name])
            for p in self.decl.visible_in(self._mode(inputs))
            if p.api_name in sent and not p.write_only
        )
        if is_ours and self._mode(inputs) == "forward":
            is_ours = not client.list_forward_rules(uuid)
        if not is_ours:
            raise JetEmailError(_exists_message(inputs["domain"]))
        log.warning("removing inbound domain %s left by a lost create, to create it again", uuid)
        with contextlib.suppress(NotFoundError):
            client.delete_domain(uuid)

    def _adopt(self, client: JetEmailClient, inputs: Mapping[str, Any]) -> dict[str, Any]:
        uuid = self._find(client, inputs["domain"])
        if uuid is None:
            raise JetEmailError(
                f"inbound domain {inputs['domain']} was reported as existing but is not listed "
                "on this account; run the deploy again"
            )
        client.update_domain(uuid, self.declared_body(inputs))
        return client.get_domain(uuid)

    def _after_create(
        self,
        client: JetEmailClient,
        uuid: str,
        inputs: Mapping[str, Any],
        answer: Mapping[str, Any],
        state: dict[str, Any],
    ) -> dict[str, Any]:
        body = self.after_create_body(inputs)
        if not body:
            return state
        try:
            client.update_domain(uuid, body)
        except JetEmailError as exc:
            # Keep the id in state whatever happens: the next preview shows the change to make.
            names = [p for p in self.decl.inputs if p.api_name in body]
            wanted = ", ".join(
                p.name if p.secret else f"{p.name}={inputs[p.name]!r}" for p in names
            )
            log.warning(
                "inbound domain %s was created but could not be set to %s (%s); it stays as "
                "created until the next deploy",
                inputs["domain"],
                wanted,
                exc,
            )
            return state
        return self.state_of({**answer, **body}, state)

    def read(
        self, client: JetEmailClient, id_: str, prior: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """One GET; None when the domain is gone (404)."""
        try:
            return self.state_of(client.get_domain(id_), prior)
        except NotFoundError:
            return None

    def update(
        self,
        client: JetEmailClient,
        id_: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
    ) -> dict[str, Any]:
        """One PATCH with only what changed, then one GET; returns the full outputs."""
        if self._mode(olds) == "forward" and self._mode(news) != "forward":
            self._refuse_to_strand_rules(client, id_, news)
        body = self.update_body(olds, news)
        if body:
            client.update_domain(id_, body)
        prior = {**olds, **{p.name: news.get(p.name) for p in self.decl.inputs}}
        try:
            return self.state_of(client.get_domain(id_), prior)
        except JetEmailError as exc:
            log.warning("inbound domain %s was updated but not read back (%s)", id_, exc)
            return self.assumed_state(olds, news, body)

    def _refuse_to_strand_rules(
        self, client: JetEmailClient, id_: str, news: Mapping[str, Any]
    ) -> None:
        """A domain leaving forward mode with rules would strand them: the API refuses every
        rule call on a domain in another mode, so their refresh and delete would fail."""
        rules = client.list_forward_rules(id_)
        if rules:
            count = f"{len(rules)} forward rule" + ("" if len(rules) == 1 else "s")
            raise JetEmailError(
                f"cannot switch inbound domain {news['domain']} from forward to "
                f"{news['delivery_type']} mode: it still has {count}, which the API would no "
                "longer let this stack refresh or delete. Remove the ForwardRule resources of "
                "this domain and run `pulumi up`, then switch delivery_type in a second "
                "`pulumi up`. Nothing was changed."
            )

    def delete(self, client: JetEmailClient, id_: str, _state: Mapping[str, Any]) -> None:
        """One DELETE; a domain already gone counts as deleted."""
        try:
            client.delete_domain(id_)
        except NotFoundError:
            log.info("inbound domain %s was already gone", id_)


# ---------------------------------------------------------------------- forward rules

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


class RuleLogic(Logic):
    """A forward rule's lifecycle."""

    # A preview of any in-place update of the domain makes its uuid unknown (the engine
    # cannot preview a dynamic resource's outputs): showing every rule as replaced would
    # drown the one real change in a PR review. `pulumi up` diffs again, with the uuid known,
    # and replaces the rule only if the uuid really changed.
    REPLACE_ON_UNKNOWN = False

    def __init__(self, decl: Declaration) -> None:
        super().__init__(decl)
        self.lists = RuleLists()

    def create(
        self, client: JetEmailClient, inputs: Mapping[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        """One POST; after an ambiguous failure, the rule list tells whether it landed."""
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
        return uuid, self.state_of(answer, inputs)

    def _find(
        self, client: JetEmailClient, domain_uuid: str, localpart: str
    ) -> dict[str, Any] | None:
        for row in client.list_forward_rules(domain_uuid):
            if str(row.get("localpart", "")).lower() == localpart:
                return row
        return None

    def read(
        self, client: JetEmailClient, id_: str, prior: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """One GET; None when the rule (or its domain) is gone. An id
        `<domain_uuid>/<rule_uuid>` (an import) says the domain."""
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
        return None if answer is None else self.state_of(answer, prior)

    def update(
        self,
        client: JetEmailClient,
        id_: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
    ) -> dict[str, Any]:
        """One PATCH of what changed, then one GET (verification may reset)."""
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
            return self.assumed_state(olds, news, body)
        return self.state_of(answer, {**olds, **news})

    def delete(self, client: JetEmailClient, id_: str, state: Mapping[str, Any]) -> None:
        """One DELETE; a rule (or domain) already gone counts as deleted."""
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
        mode = DOMAIN.state_of(client.get_domain(domain_uuid), {}).get("delivery_type")
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


DOMAIN = DomainLogic(INBOUND_DOMAIN)
RULE = RuleLogic(FORWARD_RULE)
LOGIC: dict[str, Logic] = {"InboundDomain": DOMAIN, "ForwardRule": RULE}
