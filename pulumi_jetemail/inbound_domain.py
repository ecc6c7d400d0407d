"""InboundDomain: a JetEmail inbound domain as a Pulumi resource.

In a fixed order (see STYLE.md): the arguments, the state, the provider's methods in
lifecycle order (check, diff, create, read, update, delete), the resource class with `get`.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import CreateResult, ReadResult, UpdateResult

from ._provider import JetEmailProvider, is_unknown, resource_props
from .errors import APIError, ConflictError, JetEmailError, NotFoundError
from .models import (
    INBOUND_DOMAIN_FIELDS,
    MODE_DEFAULTS,
    MODE_FIELDS,
    DomainAnswer,
    DomainRow,
    Failure,
    canonical_inbound_domain,
    dns_records_for,
    inbound_domain_risks,
    keep_user_form,
    smtp_servers_equal,
)

__all__ = ["InboundDomain", "InboundDomainArgs", "InboundDomainProvider"]

log = logging.getLogger("pulumi_jetemail")

# ------------------------------------------------------------------------ arguments


@dataclass(kw_only=True)
class InboundDomainArgs:
    """The inputs of an InboundDomain (see the README for each field)."""

    domain: pulumi.Input[str] | None = None
    """The domain that receives mail, e.g. 'example.com'. Changing it replaces it."""
    delivery_type: pulumi.Input[str] | None = None
    """'smtp', 'webhook' or 'forward'."""
    smtp_servers: pulumi.Input[list[Any]] | None = None
    """smtp mode: servers to relay to, each 'host:port' or {url, priority, tls_enabled}."""
    webhook_url: pulumi.Input[str] | None = None
    """webhook mode: the absolute http(s) URL that receives each message."""
    webhook_method: pulumi.Input[str] | None = None
    """webhook mode: 'POST' (default) or 'PUT'."""
    webhook_headers: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    """webhook mode: extra headers sent with each delivery (always secret)."""
    webhook_timeout: pulumi.Input[int] | None = None
    """webhook mode: delivery timeout in milliseconds (default 30000)."""
    webhook_retry_count: pulumi.Input[int] | None = None
    """webhook mode: retries of a failed delivery (default 3)."""
    webhook_auth_header: pulumi.Input[str] | None = None
    """webhook mode: Authorization header value sent with each delivery (always secret)."""
    enabled: pulumi.Input[bool] | None = None
    """Whether the domain accepts mail (default true)."""
    adopt_existing: pulumi.Input[bool] | None = None
    """Take over the domain if it already exists on the account (default false)."""


# ---------------------------------------------------------------------------- state

OUTPUT_KEYS: tuple[str, ...] = (
    "uuid",
    "status",
    "webhook_secret",
    "forward_mx_verified",
    "forward_dkim_verified",
    "forward_spf_verified",
    "forward_dmarc_verified",
    "dns_records",
    "adopted",
)
SECRET_OUTPUTS: list[str] = ["webhook_secret", "webhook_auth_header", "webhook_headers"]
WRITE_ONLY: tuple[str, ...] = ("webhook_headers", "webhook_auth_header")
"""Inputs the API never returns: kept from state, so their drift cannot be seen."""

CLEARED: dict[str, Any] = {
    "webhook_url": None,
    "webhook_headers": None,
    "webhook_auth_header": "",
    **MODE_DEFAULTS["webhook"],
}
"""What a PATCH sends to clear a removed field: null where the API allows it, else the
default (DESIGN.md, "update")."""

CREATE_ATTEMPTS = 3
"""POSTs of one create, counting those retried after an ambiguous failure."""


def _mode_fields(inputs: Mapping[str, Any], mode: str) -> dict[str, Any]:
    """The set fields of one mode: all the API may be sent for that mode."""
    return {k: inputs[k] for k in MODE_FIELDS[mode] if inputs.get(k) is not None}


def create_body(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The POST body: documented fields of the declared mode only."""
    mode = inputs["delivery_type"]
    return {"domain": inputs["domain"], "delivery_type": mode, **_mode_fields(inputs, mode)}


def declared_body(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """A PATCH that sets a domain to exactly the declared state (used to adopt one)."""
    mode = inputs["delivery_type"]
    body: dict[str, Any] = {
        "status": "active" if inputs.get("enabled", True) else "disabled",
        "delivery_type": mode,
    }
    for key in MODE_FIELDS[mode]:
        body[key] = inputs[key] if inputs.get(key) is not None else CLEARED[key]
    return body


def update_body(olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
    """The PATCH for an update: only what changed (DESIGN.md, "update")."""
    body: dict[str, Any] = {}
    if bool(olds.get("enabled", True)) != bool(news.get("enabled", True)):
        body["status"] = "active" if news.get("enabled", True) else "disabled"
    mode = news["delivery_type"]
    if olds.get("delivery_type") != mode:
        # A switch sends the new mode's fields only: the API drops the old mode's itself.
        body["delivery_type"] = mode
        body.update(_mode_fields(news, mode))
        return body
    for key in MODE_FIELDS[mode]:
        new = news.get(key)
        if not _same(key, olds.get(key), new):
            body[key] = new if new is not None else CLEARED[key]
    return body


EQUAL_BY_MEANING: dict[str, Callable[[Any, Any], bool]] = {"smtp_servers": smtp_servers_equal}
"""Inputs compared by meaning rather than by ==, in diff and wherever the provider compares."""


def _same(key: str, old: Any, new: Any) -> bool:
    equal = EQUAL_BY_MEANING.get(key)
    return equal(old, new) if equal is not None else bool(old == new)


def state_of(answer: DomainAnswer, prior: Mapping[str, Any]) -> dict[str, Any]:
    """The resource's outputs: canonical inputs as live, plus what the API computed.

    `prior` is what was known before (the inputs at create, the old outputs at read): it
    supplies the fields the API does not return (write-only ones, the webhook secret after
    create) and the user's form of `smtp_servers` where it means the same as the live list.
    """
    mode = answer.delivery_type
    state: dict[str, Any] = {
        "domain": answer.domain,
        "delivery_type": mode,
        "enabled": answer.status == "active",
        "adopt_existing": bool(prior.get("adopt_existing") or False),
        "uuid": answer.uuid,
        "status": answer.status,
        "webhook_secret": answer.webhook_secret or prior.get("webhook_secret") or "",
        "forward_mx_verified": answer.forward_mx_verified,
        "forward_dkim_verified": answer.forward_dkim_verified,
        "forward_spf_verified": answer.forward_spf_verified,
        "forward_dmarc_verified": answer.forward_dmarc_verified,
        "dns_records": dns_records_for(answer.domain, mode),
        "adopted": bool(prior.get("adopted") or False),
    }
    live = answer.model_dump(include=set(MODE_FIELDS[mode]), exclude_none=True)
    if "smtp_servers" in live:
        live["smtp_servers"] = keep_user_form(prior.get("smtp_servers"), live["smtp_servers"])
    if "webhook_method" in live:
        live["webhook_method"] = str(live["webhook_method"]).upper()
    for key in MODE_FIELDS[mode]:
        value = live.get(key, prior.get(key))
        if value is None:
            value = MODE_DEFAULTS.get(mode, {}).get(key)
        if value is not None:
            state[key] = value
    return state


def inputs_of(state: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs part of a state, for `ReadResult(inputs=...)` after a refresh."""
    return {k: state[k] for k in INBOUND_DOMAIN_FIELDS if state.get(k) is not None}


def _ambiguous(exc: JetEmailError) -> bool:
    """A failure after which the POST may or may not have created the domain: no answer,
    a 5xx, or a 2xx that could not be read (the client sets `maybe_processed`)."""
    return isinstance(exc, APIError) and exc.maybe_processed


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


def _unchecked_message(domain: str, exc: APIError) -> str:
    return (
        f"creating inbound domain {domain} got no clear answer, and the account could not be "
        f"checked afterwards ({exc}). The domain may have been created: run the deploy again; "
        "if it then fails saying the domain already exists, that is this deploy's domain: "
        "delete it in JetEmail to have it created again with a webhook_secret, or set "
        "adopt_existing=True (its webhook_secret stays unknown)."
    )


# ------------------------------------------------------------------------- provider


class InboundDomainProvider(JetEmailProvider):
    """The dynamic provider behind InboundDomain (check, diff, create, read, update, delete)."""

    INPUT_KEYS: ClassVar[tuple[str, ...]] = INBOUND_DOMAIN_FIELDS
    REPLACE_ON: ClassVar[frozenset[str]] = frozenset({"domain"})
    CREATE_ONLY: ClassVar[frozenset[str]] = frozenset({"adopt_existing"})
    SECRET_INPUTS: ClassVar[frozenset[str]] = frozenset(WRITE_ONLY)
    EQUAL: ClassVar[Mapping[str, Callable[[Any, Any], bool]]] = EQUAL_BY_MEANING

    def validate(self, news: Mapping[str, Any]) -> tuple[dict[str, Any], list[Failure]]:
        return canonical_inbound_domain(news, is_unknown)

    def risks(self, inputs: Mapping[str, Any]) -> list[str]:
        return [f"inbound domain {inputs.get('domain')}: {r}" for r in inbound_domain_risks(inputs)]

    # check and diff: JetEmailProvider (declarative, no network)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """One POST (reconciled on an ambiguous failure), plus a PATCH if disabled."""
        inputs = self.canonical(props)
        answer, adopted = self._create_or_adopt(inputs)
        state = state_of(answer, {**inputs, "adopted": adopted})
        if not adopted:
            if not inputs.get("enabled", True):
                state = self._disable_after_create(answer.uuid, state)
            self.undo_if_orphaned(
                f"inbound domain {inputs['domain']}",
                lambda: self.client.delete_domain(answer.uuid),
            )
        return CreateResult(answer.uuid, state)

    def _create_or_adopt(self, inputs: dict[str, Any]) -> tuple[DomainAnswer, bool]:
        domain = inputs["domain"]
        body = create_body(inputs)
        last: JetEmailError | None = None
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                with _CREATES_HERE.creating(domain):
                    answer = DomainAnswer.model_validate(self.client.create_domain(body))
                _CREATES_HERE.created(domain)
                return answer, False
            except ConflictError as exc:
                twice = _CREATES_HERE.declared_twice(domain)
                if inputs.get("adopt_existing") and not twice:
                    return self._adopt(inputs), True
                if last is None or twice:
                    raise JetEmailError(_exists_message(domain, twice)) from None
                last = exc  # the create we lost earlier has landed since
            except JetEmailError as exc:
                if not _ambiguous(exc):
                    raise
                last = exc
                log.warning(
                    "create of inbound domain %s got no clear answer (attempt %d of %d: %s); "
                    "checking the account before trying again",
                    domain,
                    attempt,
                    CREATE_ATTEMPTS,
                    exc,
                )
            try:
                if inputs.get("adopt_existing") and self._find(domain) is not None:
                    return self._adopt(inputs), True
                self._remove_lost_create(inputs)
            except APIError as exc:
                # The lost POST may have created the domain, and we cannot tell: say so.
                raise JetEmailError(_unchecked_message(domain, exc)) from None
        raise JetEmailError(
            f"creating inbound domain {domain} failed {CREATE_ATTEMPTS} times without a clear "
            f"answer (last: {last}). Nothing was left on the account; run the deploy again."
        )

    def _find(self, domain: str) -> DomainRow | None:
        for row in self.client.list_domains():
            parsed = DomainRow.model_validate(row)
            if parsed.domain.lower() == domain:
                return parsed
        return None

    def _remove_lost_create(self, inputs: Mapping[str, Any]) -> None:
        """Delete the domain a lost POST created, so that the next POST returns its secret.

        Only a domain that matches what was sent, down to its mode fields (and with no forward
        rules), is taken for ours: anything else may predate this deploy and is left alone.
        """
        row = self._find(inputs["domain"])
        if row is None:
            return
        live = DomainAnswer.model_validate(self.client.get_domain(row.uuid))
        mode = inputs["delivery_type"]
        fields = live.model_dump()
        ours = live.delivery_type == mode and all(
            _same(key, fields.get(key), value)
            for key, value in _mode_fields(inputs, mode).items()
            if key not in WRITE_ONLY
        )
        if ours and mode == "forward":
            ours = not self.client.list_forward_rules(row.uuid)
        if not ours:
            raise JetEmailError(_exists_message(inputs["domain"]))
        log.warning(
            "removing inbound domain %s left by a lost create, to create it again", row.uuid
        )
        with contextlib.suppress(NotFoundError):
            self.client.delete_domain(row.uuid)

    def _adopt(self, inputs: Mapping[str, Any]) -> DomainAnswer:
        row = self._find(inputs["domain"])
        if row is None:
            raise JetEmailError(
                f"inbound domain {inputs['domain']} was reported as existing but is not listed "
                "on this account; run the deploy again"
            )
        self.client.update_domain(row.uuid, declared_body(inputs))
        return DomainAnswer.model_validate(self.client.get_domain(row.uuid))

    def _disable_after_create(self, uuid: str, state: dict[str, Any]) -> dict[str, Any]:
        try:
            self.client.update_domain(uuid, {"status": "disabled"})
        except JetEmailError as exc:
            # Keep the id in state whatever happens: the next preview shows enabled to change.
            log.warning(
                "inbound domain %s was created but could not be disabled (%s); it is active "
                "until the next deploy",
                state["domain"],
                exc,
            )
            return state
        return {**state, "enabled": False, "status": "disabled"}

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """One GET; 404 means gone. Refreshed inputs make drift show in the next preview."""
        try:
            answer = DomainAnswer.model_validate(self.client.get_domain(id_))
        except NotFoundError:
            return ReadResult("", {})
        state = state_of(answer, props)
        return ReadResult(answer.uuid, state, inputs_of(state))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """One PATCH with only what changed, then one GET; returns the full outputs."""
        news = self.canonical(news)
        if olds.get("delivery_type") == "forward" and news["delivery_type"] != "forward":
            self._refuse_to_strand_rules(id_, news)
        body = update_body(olds, news)
        prior = {**olds, **{k: news.get(k) for k in INBOUND_DOMAIN_FIELDS}}
        if body:
            self.client.update_domain(id_, body)
        try:
            answer = DomainAnswer.model_validate(self.client.get_domain(id_))
        except JetEmailError as exc:
            # The PATCH succeeded, so the new inputs are what is live.
            log.warning("inbound domain %s was updated but not read back (%s)", id_, exc)
            state = {k: v for k, v in prior.items() if v is not None}
            state["dns_records"] = dns_records_for(news["domain"], news["delivery_type"])
            state["status"] = "active" if news.get("enabled", True) else "disabled"
            return UpdateResult(state)
        return UpdateResult(state_of(answer, prior))

    def _refuse_to_strand_rules(self, id_: str, news: Mapping[str, Any]) -> None:
        """A domain leaving forward mode with rules would strand them: the API refuses every
        rule call on a domain in another mode, so their refresh and delete would fail."""
        rules = self.client.list_forward_rules(id_)
        if rules:
            count = f"{len(rules)} forward rule" + ("" if len(rules) == 1 else "s")
            raise JetEmailError(
                f"cannot switch inbound domain {news['domain']} from forward to "
                f"{news['delivery_type']} mode: it still has {count}, which the API would no "
                "longer let this stack refresh or delete. Remove the ForwardRule resources of "
                "this domain and run `pulumi up`, then switch delivery_type in a second "
                "`pulumi up`. Nothing was changed."
            )

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        """One DELETE; a domain already gone counts as deleted."""
        try:
            self.client.delete_domain(id_)
        except NotFoundError:
            log.info("inbound domain %s was already gone", id_)


_PROVIDER = InboundDomainProvider()

# ------------------------------------------------------------------------- resource


class InboundDomain(pulumi.dynamic.Resource, module="jetemail", name="InboundDomain"):
    """A JetEmail inbound domain: a domain that receives mail and hands it on by SMTP relay,
    webhook or forwarding.

    `webhook_secret`, `webhook_auth_header` and `webhook_headers` are always secret.
    """

    domain: pulumi.Output[str]
    """The domain, lowercase, without a trailing dot."""
    delivery_type: pulumi.Output[str]
    """'smtp', 'webhook' or 'forward'."""
    smtp_servers: pulumi.Output[list[Any] | None]
    """smtp mode: the servers, in the form given."""
    webhook_url: pulumi.Output[str | None]
    """webhook mode: the URL that receives each message."""
    webhook_method: pulumi.Output[str | None]
    """webhook mode: 'POST' or 'PUT'."""
    webhook_headers: pulumi.Output[dict[str, str] | None]
    """webhook mode: extra headers (secret)."""
    webhook_timeout: pulumi.Output[int | None]
    """webhook mode: delivery timeout in milliseconds."""
    webhook_retry_count: pulumi.Output[int | None]
    """webhook mode: retries of a failed delivery."""
    webhook_auth_header: pulumi.Output[str | None]
    """webhook mode: Authorization header value (secret)."""
    enabled: pulumi.Output[bool]
    """Whether the domain accepts mail."""
    adopt_existing: pulumi.Output[bool]
    """Whether an existing domain may be taken over at create."""
    uuid: pulumi.Output[str]
    """The domain's id at JetEmail (also the resource id)."""
    status: pulumi.Output[str]
    """'active' or 'disabled', as the API reports it."""
    webhook_secret: pulumi.Output[str]
    """Key of the HMAC signature on webhook deliveries (secret; empty for adopted domains)."""
    forward_mx_verified: pulumi.Output[bool]
    """forward mode: the MX record verifies."""
    forward_dkim_verified: pulumi.Output[bool]
    """forward mode: the DKIM CNAME verifies."""
    forward_spf_verified: pulumi.Output[bool]
    """forward mode: the SPF TXT record verifies."""
    forward_dmarc_verified: pulumi.Output[bool]
    """forward mode: the DMARC TXT record verifies."""
    dns_records: pulumi.Output[list[dict[str, Any]]]
    """Records to publish: {type, name, value, priority}, in a stable order."""
    adopted: pulumi.Output[bool]
    """Whether the domain existed and was taken over rather than created."""

    def __init__(
        self,
        resource_name: str,
        args: InboundDomainArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        domain: pulumi.Input[str] | None = None,
        delivery_type: pulumi.Input[str] | None = None,
        smtp_servers: pulumi.Input[list[Any]] | None = None,
        webhook_url: pulumi.Input[str] | None = None,
        webhook_method: pulumi.Input[str] | None = None,
        webhook_headers: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        webhook_timeout: pulumi.Input[int] | None = None,
        webhook_retry_count: pulumi.Input[int] | None = None,
        webhook_auth_header: pulumi.Input[str] | None = None,
        enabled: pulumi.Input[bool] | None = None,
        adopt_existing: pulumi.Input[bool] | None = None,
    ) -> None:
        """Declare an inbound domain, with an `InboundDomainArgs` or keyword inputs
        (a keyword given wins over the same field of `args`)."""
        keywords = {
            "domain": domain,
            "delivery_type": delivery_type,
            "smtp_servers": smtp_servers,
            "webhook_url": webhook_url,
            "webhook_method": webhook_method,
            "webhook_headers": webhook_headers,
            "webhook_timeout": webhook_timeout,
            "webhook_retry_count": webhook_retry_count,
            "webhook_auth_header": webhook_auth_header,
            "enabled": enabled,
            "adopt_existing": adopt_existing,
        }
        props = resource_props(args, keywords, (*INBOUND_DOMAIN_FIELDS, *OUTPUT_KEYS), WRITE_ONLY)
        opts = pulumi.ResourceOptions.merge(
            pulumi.ResourceOptions(additional_secret_outputs=SECRET_OUTPUTS), opts
        )
        super().__init__(_PROVIDER, resource_name, props, opts)

    @staticmethod
    def get(
        resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> InboundDomain:
        """Look up an existing inbound domain by uuid, read-only (it is not managed)."""
        return InboundDomain(
            resource_name, opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        )
