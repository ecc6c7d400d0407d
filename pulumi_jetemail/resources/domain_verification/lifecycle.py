"""A DomainVerification's lifecycle: at create, ask JetEmail to check the domain's DNS records
until the wanted ones verify or the time is up; at read, the flags as JetEmail last saw them;
at delete, nothing."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ... import _lifeline
from ..._declare import Declaration
from ..._fields import to_bool
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
from ...errors import JetEmailError, NotFoundError
from ..inbound_domain.fields import dns_records_for
from .declaration import DEFAULT_TIMEOUT_SECONDS
from .fields import RECORD_NAMES

if TYPE_CHECKING:
    from ...client import JetEmailClient

__all__ = ["MAX_POLL_INTERVAL", "VerificationLifecycle"]

log = logging.getLogger("pulumi_jetemail")

MAX_POLL_INTERVAL = 60.0
"""The longest wait between two checks: at most one check a minute once the backoff is up,
a small part of the account's budget (240 requests a minute) however long the wait."""
BACKOFF = 1.5


def _flag(name: str) -> str:
    return f"forward_{name}_verified"


class VerificationLifecycle(DeclaredLifecycle):
    """Waits at create; reads flags at refresh; deletes nothing."""

    def __init__(
        self,
        decl: Declaration,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`clock` and `sleep` drive the wait (tests pass a fake clock: nothing sleeps)."""
        super().__init__(decl)
        self.clock = clock
        self.sleep = sleep

    def apply_create(self, request: CreateRequest) -> CreateResult:
        client, inputs = request.client, request.inputs
        uuid = inputs["domain_uuid"]
        wanted = list(inputs.get("records") or RECORD_NAMES)
        domain = self._forward_domain(client, uuid)
        limit = request.timeout or inputs.get("timeout_seconds") or DEFAULT_TIMEOUT_SECONDS
        deadline = self.clock() + limit
        interval = float(inputs.get("poll_seconds") or 10)
        while True:
            flags = self._checked(client, uuid)
            missing = [n for n in wanted if not flags[_flag(n)]]
            if not missing:
                state = self._state(inputs, domain, flags, wanted)
                return CreateResult(uuid, {**state, "verified_at": int(time.time())})
            left = deadline - self.clock()
            if left <= 0:
                raise JetEmailError(_timed_out(domain, uuid, missing, limit))
            if not _lifeline.engine_alive():
                raise JetEmailError(f"stopped waiting for {domain}: the engine is gone")
            wait = min(interval, left)
            request.progress(
                f"waiting for {domain}'s DNS records: {', '.join(m.upper() for m in missing)} "
                f"not verified yet; next check in {math.ceil(wait)} s, {math.ceil(left)} s left"
            )
            self.sleep(wait)
            interval = min(interval * BACKOFF, max(MAX_POLL_INTERVAL, interval))

    def read(self, request: ReadRequest) -> ReadResult | None:
        """One GET of the domain: its flags as JetEmail last checked them (no check asked)."""
        uuid = request.state.get("domain_uuid") or request.id
        try:
            answer = request.client.get_domain(uuid)
        except NotFoundError:
            return None
        inputs = {**self.inputs_of(request.state), "domain_uuid": uuid}
        wanted = list(inputs.get("records") or RECORD_NAMES)
        flags = _flags(answer)
        state = self._state(inputs, str(answer.get("domain", "")), flags, wanted)
        if state["verified"]:
            state["verified_at"] = request.state.get("verified_at") or int(time.time())
        # A record that no longer verifies is drift in what this wait covers: the refreshed
        # `records` lists only those still verified, so the next preview shows the change and
        # the next `pulumi up` waits again (a replacement) for the records the program wants.
        state["records"] = [n for n in wanted if flags[_flag(n)]]
        return self.read_result(request.id, state)

    def apply_update(self, request: UpdateRequest) -> UpdateResult:
        """Only create-only inputs can change in place (every other replaces): nothing to do."""
        return UpdateResult({**request.olds, **request.news})

    def delete(self, request: DeleteRequest) -> None:
        """Nothing at JetEmail: the domain and its records are the InboundDomain's."""

    # --------------------------------------------------------------------------------

    def _forward_domain(self, client: JetEmailClient, uuid: str) -> str:
        try:
            answer = client.get_domain(uuid)
        except NotFoundError:
            raise JetEmailError(
                f"no inbound domain {uuid} on this account: pass the InboundDomain's id"
            ) from None
        name, mode = str(answer.get("domain", uuid)), answer.get("delivery_type")
        if mode != "forward":
            raise JetEmailError(
                f"inbound domain {name} has delivery_type {mode!r}: only a forward-mode "
                "domain has DNS records to verify; set delivery_type='forward'"
            )
        return name

    def _checked(self, client: JetEmailClient, uuid: str) -> dict[str, bool]:
        """Ask JetEmail to check the records; the flags (read back if the check says none)."""
        answer = client.check_domain(uuid)
        if not any(_flag(n) in answer for n in RECORD_NAMES):
            answer = client.get_domain(uuid)
        return _flags(answer)

    def _state(
        self,
        inputs: Mapping[str, Any],
        domain: str,
        flags: Mapping[str, bool],
        wanted: list[str],
    ) -> dict[str, Any]:
        verified = all(flags[_flag(n)] for n in wanted)
        return {**inputs, "domain": domain, **flags, "verified": verified, "verified_at": 0}


def _flags(answer: Mapping[str, Any]) -> dict[str, bool]:
    return {_flag(n): bool(to_bool(answer.get(_flag(n)))) for n in RECORD_NAMES}


def _timed_out(domain: str, uuid: str, missing: list[str], limit: float) -> str:
    records = dict(zip(RECORD_NAMES, dns_records_for(domain, "forward"), strict=True))
    rows = []
    for name in missing:
        record = records[name]
        priority = f" (priority {record['priority']})" if record.get("priority") else ""
        rows.append(
            f"{name.upper()}: {record['type']} {record['name']} -> {record['value']}{priority}"
        )
    return (
        f"inbound domain {domain} ({uuid}) did not verify in {limit:g} s; still not verified: "
        + "; ".join(rows)
        + ". Publish these records with your DNS provider and run `pulumi up` again (DNS can "
        "take a while to propagate: give the wait more time with customTimeouts.create or "
        "timeout_seconds). Nothing was kept in state."
    )
