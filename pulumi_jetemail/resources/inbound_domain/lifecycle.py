"""An InboundDomain's lifecycle: a create reconciled after an ambiguous failure (and an
adoption when asked), one GET per read, one PATCH of what changed per update, one DELETE."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ... import _lifeline
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
from ..._reconcile import NoClearAnswer, create_reconciled
from ...errors import APIError, JetEmailError, NotFoundError
from .fields import inbound_domain_risks

if TYPE_CHECKING:
    from ...client import JetEmailClient

__all__ = ["DomainLifecycle"]

log = logging.getLogger("pulumi_jetemail")


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


class DomainLifecycle(DeclaredLifecycle):
    """An inbound domain's lifecycle: POST (reconciled), GET, PATCH, DELETE."""

    def warnings(self, inputs: Mapping[str, Any]) -> list[str]:
        return [f"inbound domain {inputs.get('domain')}: {r}" for r in inbound_domain_risks(inputs)]

    def apply_create(self, request: CreateRequest) -> CreateResult:
        """One POST (reconciled on an ambiguous failure), plus a PATCH for what the POST
        cannot carry (a disabled domain)."""
        client, inputs = request.client, request.inputs
        answer, adopted = self._create_or_adopt(client, inputs)
        uuid = str(answer["uuid"])
        state = self.state_of(answer, {**inputs, "adopted": adopted})
        if not adopted:
            state = self._after_create(client, uuid, inputs, answer, state)
            _lifeline.undo_if_orphaned(
                f"inbound domain {inputs['domain']}", lambda: client.delete_domain(uuid)
            )
        return CreateResult(uuid, state)

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
        except NoClearAnswer as exc:
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

    def read(self, request: ReadRequest) -> ReadResult | None:
        """One GET; None when the domain is gone (404)."""
        try:
            answer = request.client.get_domain(request.id)
        except NotFoundError:
            return None
        return self.read_result(request.id, self.state_of(answer, request.state))

    def apply_update(self, request: UpdateRequest) -> UpdateResult:
        """One PATCH with only what changed, then one GET; returns the full outputs."""
        client, id_, olds, news = request.client, request.id, request.olds, request.news
        if self._mode(olds) == "forward" and self._mode(news) != "forward":
            self._refuse_to_strand_rules(client, id_, news)
        body = self.update_body(olds, news)
        if body:
            client.update_domain(id_, body)
        prior = {**olds, **{p.name: news.get(p.name) for p in self.decl.inputs}}
        try:
            return UpdateResult(self.state_of(client.get_domain(id_), prior))
        except JetEmailError as exc:
            log.warning("inbound domain %s was updated but not read back (%s)", id_, exc)
            return UpdateResult(self.assumed_state(olds, news, body))

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

    def delete(self, request: DeleteRequest) -> None:
        """One DELETE; a domain already gone counts as deleted."""
        try:
            request.client.delete_domain(request.id)
        except NotFoundError:
            log.info("inbound domain %s was already gone", request.id)
