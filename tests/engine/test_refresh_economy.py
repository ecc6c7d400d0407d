"""A refresh costs one request per domain plus one rule list per forward domain, not one
request per rule: rules of a domain are read with its list, once per provider process and
shared by concurrent reads; a write through the process makes the next read see it."""

from __future__ import annotations

import threading
from typing import Any

from conftest import StackFactory

from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.resources.forward_rule.lifecycle import RuleLists

FORWARD_DOMAINS, RULES, OTHER_DOMAINS = 2, 8, 2


def _program() -> None:
    from pulumi_jetemail import ForwardRule, InboundDomain

    for d in range(FORWARD_DOMAINS):
        domain = InboundDomain(f"fwd{d}", domain=f"fwd{d}.example.com", delivery_type="forward")
        for r in range(RULES):
            ForwardRule(
                f"fwd{d}-r{r}",
                domain_uuid=domain.id,
                localpart=f"user{r}",
                destination=f"team{r}@example.net",
            )
    for d in range(OTHER_DOMAINS):
        InboundDomain(
            f"smtp{d}",
            domain=f"smtp{d}.example.com",
            delivery_type="smtp",
            smtp_servers=["mx.example.com:25"],
        )


def test_refresh_reads_each_domains_rules_with_one_list(stack: StackFactory, emu: Emulator) -> None:
    s = stack(_program)
    s.up()
    emu.clear_log()
    s.refresh(expect_no_changes=True)
    domains = FORWARD_DOMAINS + OTHER_DOMAINS
    assert emu.count("GET", "/inbound/settings/*") == domains
    rule_calls = [r.path.split("/")[4:] for r in emu.requests if "/forward-rules" in r.path]
    assert rule_calls == [["forward-rules"]] * FORWARD_DOMAINS  # lists only, no rule's GET
    assert emu.count() == domains + FORWARD_DOMAINS

    # Drift of one rule is still seen, and a rule deleted elsewhere is dropped.
    fwd = next(d for d in emu.domains() if d["domain"] == "fwd0.example.com")
    first, second = emu.rules(fwd["uuid"])[:2]
    emu.patch_rule(fwd["uuid"], first["uuid"], {"destination": "moved@example.net"})
    emu.remove_rule(fwd["uuid"], second["uuid"])
    refreshed = s.refresh()
    assert refreshed.changes.get("update") == 1
    assert refreshed.changes.get("delete") == 1
    s.up()
    assert {r["destination"] for r in emu.rules(fwd["uuid"])} >= {"team0@example.net"}
    assert len(emu.rules(fwd["uuid"])) == RULES


class SlowAccount:
    """A rule list that answers only once every reader has asked."""

    def __init__(self, readers: int) -> None:
        self.lists = 0
        self.rules = [{"uuid": "r1", "localpart": "a"}]
        self.barrier = threading.Barrier(readers, timeout=10)
        self.lock = threading.Lock()

    def list_forward_rules(self, _domain_uuid: str) -> list[dict[str, Any]]:
        with self.lock:
            self.lists += 1
        return list(self.rules)


def test_concurrent_reads_share_one_list_and_a_write_is_seen_next() -> None:
    readers = 8
    account = SlowAccount(readers)
    lists = RuleLists()
    found: list[Any] = []

    def read() -> None:
        account.barrier.wait()  # all start together
        found.append(lists.rules(account, "d1").get("r1"))  # type: ignore[arg-type]

    threads = [threading.Thread(target=read) for _ in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert account.lists == 1
    assert len(found) == readers
    assert all(rule == {"uuid": "r1", "localpart": "a"} for rule in found)

    account.rules.append({"uuid": "r2", "localpart": "b"})
    assert "r2" not in lists.rules(account, "d1")  # one list per process...
    lists.forget(account, "d1")  # ...until this process writes to the domain
    assert "r2" in lists.rules(account, "d1")
    assert account.lists == 2
