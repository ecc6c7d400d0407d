"""OfflineStack: whole programs previewed, deployed, refreshed and destroyed against the
emulator, through the real provider process, as `pulumi preview/up/refresh/destroy` would."""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
from helpers import API_KEY
from pulumi.output import Unknown
from pulumi.runtime import settings

from pulumi_jetemail import ForwardRule, InboundDomain
from pulumi_jetemail.emulator import Emulator
from pulumi_jetemail.testing import (
    SECRET,
    UNKNOWN,
    Change,
    CheckFailedError,
    OfflineStack,
    ProgramFailedError,
    ProviderServer,
    ResourceFailedError,
    RunResult,
)

INBOUND = "pulumi-python:dynamic/jetemail:InboundDomain"
HOOK_AUTH = "Bearer hook-token-never-shown"
HEADER_VALUE = "header-value-never-shown"
WRITES = ("POST", "PATCH", "DELETE")


@pytest.fixture(autouse=True)
def fresh_account(emulator: Emulator) -> None:
    emulator.reset()


def stack_config(emulator: Emulator) -> dict[str, Any]:
    return {"jetemail:apiUrl": emulator.url, "jetemail:requestsPerMinute": "10000"}


def secrets() -> dict[str, Any]:
    return {"jetemail:apiKey": API_KEY, "hookAuth": HOOK_AUTH}


@pytest.fixture
def make_stack(
    emulator: Emulator, provider: ProviderServer
) -> Iterator[Callable[..., OfflineStack]]:
    """An OfflineStack on the module's provider process, destroyed after the test."""
    made: list[OfflineStack] = []

    def make(program: Callable[[], None], **options: Any) -> OfflineStack:
        options.setdefault("server", provider)
        stack = OfflineStack(program, config=stack_config(emulator), secrets=secrets(), **options)
        made.append(stack)
        return stack

    yield make
    for stack in made:
        with stack:
            stack.destroy()


def writes(emulator: Emulator) -> int:
    return sum(emulator.count(method) for method in WRITES)


def webhook_program(knobs: dict[str, Any]) -> Callable[[], None]:
    """A webhook domain whose domain and URL the test turns, like a user editing a program."""

    def program() -> None:
        hooks = InboundDomain(
            "hooks",
            domain=knobs["domain"],
            delivery_type="webhook",
            webhook_url=knobs["url"],
            webhook_headers={"X-Token": HEADER_VALUE},
            webhook_auth_header=pulumi.Config().require_secret("hookAuth"),
        )
        pulumi.export("uuid", hooks.uuid)
        pulumi.export("webhook_secret", hooks.webhook_secret)

    return program


def only_domain(emulator: Emulator) -> dict[str, Any]:
    (domain,) = emulator.domains()
    return domain


def test_lifecycle_create_no_change_update_replace_destroy(
    emulator: Emulator, make_stack: Callable[..., OfflineStack]
) -> None:
    knobs = {"domain": "a.example.com", "url": "https://hooks.example.com/a"}
    stack = make_stack(webhook_program(knobs))

    preview = stack.preview()
    assert [(s.op, s.name) for s in preview.steps] == [("create", "test-dev"), ("create", "hooks")]
    assert isinstance(preview.outputs["uuid"].value, Unknown)
    assert "+ 2 to create" in preview.render()
    assert emulator.requests == []  # a preview sends nothing to the API

    up = stack.up()
    created = only_domain(emulator)
    assert created["domain"] == "a.example.com"
    assert created["webhook_url"] == "https://hooks.example.com/a"
    assert up.outputs["uuid"].value == created["uuid"]
    assert up.outputs["webhook_secret"].secret
    assert up.outputs["webhook_secret"].value == created["webhook_secret"]
    assert stack.resource("hooks").id == created["uuid"]

    before = writes(emulator)
    again = stack.preview()
    assert not again.changed
    assert again.summary == {"same": 2}
    assert "2 unchanged (no changes)" in again.render()
    assert writes(emulator) == before

    knobs["url"] = "https://hooks.example.com/b"
    planned = stack.preview()
    assert planned.step("hooks").op == "update"
    assert planned.step("hooks").changes == (
        Change("webhook_url", "https://hooks.example.com/a", "https://hooks.example.com/b"),
    )
    assert writes(emulator) == before
    updated = stack.up()
    assert updated.step("hooks").op == "update"
    assert only_domain(emulator)["webhook_url"] == "https://hooks.example.com/b"
    assert only_domain(emulator)["uuid"] == created["uuid"]

    knobs["domain"] = "b.example.com"
    replaced = stack.up()
    step = replaced.step("hooks")
    assert step.op == "replace"
    assert step.changes == (Change("domain", "a.example.com", "b.example.com", replaces=True),)
    renewed = only_domain(emulator)
    assert renewed["domain"] == "b.example.com"
    assert replaced.outputs["uuid"].value == renewed["uuid"] != created["uuid"]
    # Create before delete: the new domain exists before the old one goes.
    tail = [(r.method, r.path) for r in emulator.requests if r.method in ("POST", "DELETE")]
    assert tail[-2:] == [("POST", "/inbound/domains"), ("DELETE", "/inbound/domains")]

    destroyed = stack.destroy()
    assert [(s.op, s.name) for s in destroyed.steps] == [
        ("delete", "hooks"),
        ("delete", "test-dev"),
    ]
    assert emulator.domains() == []
    assert stack.resources == ()
    assert stack.outputs == {}


def test_refresh_records_drift_and_a_domain_deleted_out_of_band(
    emulator: Emulator, make_stack: Callable[..., OfflineStack]
) -> None:
    knobs = {"domain": "drift.example.com", "url": "https://hooks.example.com/declared"}
    stack = make_stack(webhook_program(knobs))
    uuid = stack.up().outputs["uuid"].value

    emulator.patch_domain(uuid, {"webhook_url": "https://elsewhere.example.com/x"})
    refreshed = stack.refresh()
    assert refreshed.step("hooks").op == "refresh"
    assert refreshed.step("hooks").changes == (
        Change(
            "webhook_url", "https://hooks.example.com/declared", "https://elsewhere.example.com/x"
        ),
    )
    assert stack.resource("hooks").inputs["webhook_url"] == "https://elsewhere.example.com/x"
    back = stack.preview()
    assert back.step("hooks").op == "update"
    assert back.step("hooks").changed_keys == ("webhook_url",)
    stack.up()
    assert only_domain(emulator)["webhook_url"] == "https://hooks.example.com/declared"

    emulator.remove_domain(uuid)
    gone = stack.refresh()
    assert gone.step("hooks").op == "delete"
    assert [r.name for r in stack.resources] == ["test-dev"]
    assert stack.preview().step("hooks").op == "create"
    recreated = stack.up()
    assert recreated.outputs["uuid"].value == only_domain(emulator)["uuid"] != uuid


def test_preview_hands_dependents_unknowns_which_reach_check_as_unknowns(
    emulator: Emulator, make_stack: Callable[..., OfflineStack]
) -> None:
    def program() -> None:
        domain = InboundDomain("fwd", domain="fwd.example.com", delivery_type="forward")
        ForwardRule("sales", domain_uuid=domain.uuid, localpart="Sales", destination="s@x.net")
        pulumi.export("seen", InboundDomain.get("seen", domain.uuid).domain)

    preview = make_stack(program).preview()
    rule = preview.step("sales")
    assert rule.op == "create"
    # The provider's Check saw the unknown, passed it through and canonicalised the rest.
    assert rule.inputs["domain_uuid"] is UNKNOWN
    assert rule.inputs["localpart"] == "sales"
    assert preview.step("seen").op == "read"  # skipped: the id to read is not known yet
    assert isinstance(preview.outputs["seen"].value, Unknown)
    assert "[unknown]" in preview.render()
    assert emulator.requests == []


def test_check_failure_aborts_the_run_and_names_the_property(
    emulator: Emulator, make_stack: Callable[..., OfflineStack]
) -> None:
    def program() -> None:
        InboundDomain("bad", domain="bad.example.com", delivery_type="fax")

    stack = make_stack(program)
    for run in (stack.preview, stack.up):
        with pytest.raises(CheckFailedError) as caught:
            run()
        (problem,) = caught.value.problems
        assert (problem.name, problem.property) == ("bad", "delivery_type")
        assert "resource 'bad': property delivery_type has a problem:" in str(caught.value)
        assert "'smtp', 'webhook' or 'forward'" in str(caught.value)
    assert emulator.requests == []
    assert all(r.name != "bad" for r in stack.resources)


def test_provider_error_aborts_and_the_state_keeps_what_the_run_did(
    emulator: Emulator, make_stack: Callable[..., OfflineStack]
) -> None:
    emulator.add_domain({"domain": "taken.example.com", "delivery_type": "forward"})
    knobs = {"with_taken": True}

    def program() -> None:
        first = InboundDomain("first", domain="first.example.com", delivery_type="forward")
        if knobs["with_taken"]:  # registered once "first" is: the failure comes second
            after_first = pulumi.ResourceOptions(depends_on=[first])
            InboundDomain(
                "taken", None, after_first, domain="taken.example.com", delivery_type="forward"
            )

    stack = make_stack(program)
    with pytest.raises(ResourceFailedError) as caught:
        stack.up()
    assert (caught.value.name, caught.value.op) == ("taken", "create")
    assert "already exists" in str(caught.value)
    assert "adopt_existing" in str(caught.value)  # the provider's own advice
    assert [r.name for r in stack.resources] == ["test-dev", "first"]

    knobs["with_taken"] = False
    retried = stack.up()
    assert retried.step("first").op == "same"  # created by the failed run, kept in state
    assert sorted(d["domain"] for d in emulator.domains()) == [
        "first.example.com",
        "taken.example.com",
    ]


def test_a_replaced_domain_that_fails_to_delete_is_deleted_by_the_next_up(
    emulator: Emulator, make_stack: Callable[..., OfflineStack]
) -> None:
    knobs = {"domain": "old.example.com", "url": "https://hooks.example.com/a"}
    stack = make_stack(webhook_program(knobs))
    stack.up()
    knobs["domain"] = "new.example.com"
    emulator.inject("DELETE", "/inbound/domains", status=400)
    with pytest.raises(ResourceFailedError) as caught:
        stack.up()
    assert (caught.value.name, caught.value.op) == ("hooks", "delete")
    assert sorted(d["domain"] for d in emulator.domains()) == [
        "new.example.com",
        "old.example.com",
    ]
    assert stack.resource("hooks").inputs["domain"] == "new.example.com"

    settled = stack.up()
    assert [(s.op, s.name) for s in settled.steps][-1] == ("delete", "hooks")
    assert only_domain(emulator)["domain"] == "new.example.com"
    assert not stack.preview().changed


def test_a_failing_program_aborts_with_its_exception(
    make_stack: Callable[..., OfflineStack],
) -> None:
    def program() -> None:
        raise RuntimeError("the program is broken")

    with pytest.raises(ProgramFailedError, match="the program is broken") as caught:
        make_stack(program).up()
    assert isinstance(caught.value.__cause__, RuntimeError)


def test_get_reads_a_domain_without_managing_it(
    emulator: Emulator, make_stack: Callable[..., OfflineStack]
) -> None:
    existing = emulator.add_domain(
        {"domain": "existing.example.com", "delivery_type": "smtp", "smtp_servers": ["mx:25"]}
    )

    def program() -> None:
        found = InboundDomain.get("existing", existing["uuid"])
        pulumi.export("delivery_type", found.delivery_type)

    stack = make_stack(program)
    up = stack.up()
    assert up.step("existing").op == "read"
    assert up.outputs["delivery_type"].value == "smtp"
    stack.destroy()
    assert [d["uuid"] for d in emulator.domains()] == [existing["uuid"]]  # read, not deleted

    def missing() -> None:
        InboundDomain.get("missing", "00000000-0000-4000-8000-000000000000")

    with pytest.raises(ResourceFailedError, match="does not exist"):
        make_stack(missing).preview()


def test_secrets_never_reach_renders_results_or_reprs(emulator: Emulator, tmp_path: Path) -> None:
    """Its own provider process, configured with the API key as a secret, as the CLI does."""
    knobs = {"domain": "secret.example.com", "url": "https://hooks.example.com/a"}
    shown: list[str] = []

    def record(result: RunResult) -> RunResult:
        shown.extend([result.render(), repr(result), repr(result.outputs)])
        return result

    state_file = tmp_path / "state.json"
    with OfflineStack(
        webhook_program(knobs),
        config=stack_config(emulator),
        secrets=secrets(),
        state_file=state_file,
    ) as stack:
        record(stack.preview())
        up = record(stack.up())
        webhook_secret = only_domain(emulator)["webhook_secret"]
        assert up.outputs["webhook_secret"].value == webhook_secret
        assert repr(up.outputs["webhook_secret"]) == "[secret]"
        created = up.step("hooks").inputs
        assert created["webhook_auth_header"] is SECRET
        assert created["webhook_headers"] is SECRET
        hooks = stack.resource("hooks")
        assert {"webhook_auth_header", "webhook_headers"} <= hooks.secret_inputs
        assert {"webhook_secret", "webhook_auth_header", "webhook_headers"} <= hooks.secret_outputs
        assert hooks.masked_outputs()["webhook_secret"] is SECRET
        shown.append(repr(stack.resources))
        assert webhook_secret in state_file.read_text()
        knobs["url"] = "https://hooks.example.com/b"
        record(stack.preview())
        record(stack.refresh())
        record(stack.destroy())

    text = "\n".join(shown)
    for secret in (HOOK_AUTH, HEADER_VALUE, API_KEY, webhook_secret):
        assert secret not in text
    assert "[secret]" in text
    # The state file is the one place secrets are kept (the user asked for it), owner-only.
    assert stat.S_IMODE(os.stat(state_file).st_mode) == 0o600


def test_state_file_carries_the_stack_to_a_new_process(
    emulator: Emulator, provider: ProviderServer, tmp_path: Path
) -> None:
    knobs = {"domain": "saved.example.com", "url": "https://hooks.example.com/a"}
    state_file = tmp_path / "stack.json"
    options: dict[str, Any] = {
        "config": stack_config(emulator),
        "secrets": secrets(),
        "server": provider,
        "state_file": state_file,
    }
    OfflineStack(webhook_program(knobs), **options).up()
    saved = json.loads(state_file.read_text())
    assert [r["name"] for r in saved["resources"]] == ["test-dev", "hooks"]

    later = OfflineStack(webhook_program(knobs), **options)
    assert not later.preview().changed
    assert later.outputs["uuid"].value == only_domain(emulator)["uuid"]
    later.destroy()
    assert emulator.domains() == []
    assert json.loads(state_file.read_text())["resources"] == []


def test_a_run_leaves_the_sdk_settings_as_it_found_them(
    make_stack: Callable[..., OfflineStack],
) -> None:
    def seen_from_a_new_thread() -> tuple[Any, Any, Any]:
        box: list[tuple[Any, Any, Any]] = []
        thread = threading.Thread(
            target=lambda: box.append(
                (settings.get_monitor(), settings.get_root_resource(), settings.is_dry_run())
            )
        )
        thread.start()
        thread.join()
        return box[0]

    here = (settings.get_monitor(), settings.get_root_resource(), settings.get_project())
    elsewhere = seen_from_a_new_thread()
    stack = make_stack(webhook_program({"domain": "x.example.com", "url": "https://h.example.com"}))
    stack.preview()
    stack.up()  # a second program in the same process: the root stack resource starts afresh
    assert (settings.get_monitor(), settings.get_root_resource(), settings.get_project()) == here
    assert seen_from_a_new_thread() == elsewhere


def test_render_reads_like_pulumi_preview_diff(make_stack: Callable[..., OfflineStack]) -> None:
    knobs = {"domain": "render.example.com", "url": "https://hooks.example.com/a"}
    stack = make_stack(webhook_program(knobs))
    first = stack.preview().render().splitlines()
    assert first[0] == "Previewing update (dev):"
    assert f"    +  {INBOUND} hooks (create)" in first
    assert '            domain             : "render.example.com"' in first
    assert "            webhook_auth_header: [secret]" in first
    assert "    + uuid          : [unknown]" in first
    assert first[-2:] == ["Resources:", "    + 2 to create"]

    stack.up()
    knobs["url"] = "https://hooks.example.com/b"
    update = stack.preview().render().splitlines()
    assert f"    ~  {INBOUND} hooks (update)" in update
    assert (
        '            ~ webhook_url: "https://hooks.example.com/a" => "https://hooks.example.com/b"'
        in update
    )
    assert "      webhook_secret: [secret] => [unknown]" not in update  # the key is marked ~
    assert "    ~ webhook_secret: [secret] => [unknown]" in update
    assert update[-3:] == ["Resources:", "    ~ 1 to update", "    1 unchanged"]


@pytest.mark.parametrize(
    ("wiring", "rule_op"),
    [("id", "same"), ("uuid", "update")],
    ids=["rules wired with domain.id stay unchanged", "rules wired with domain.uuid update"],
)
def test_disabling_a_forward_domain_never_previews_its_rules_as_replaced(
    emulator: Emulator, make_stack: Callable[..., OfflineStack], wiring: str, rule_op: str
) -> None:
    knobs = {"enabled": True}

    def program() -> None:
        domain = InboundDomain(
            "fwd", domain="rules.example.com", delivery_type="forward", enabled=knobs["enabled"]
        )
        ForwardRule(
            "sales", domain_uuid=getattr(domain, wiring), localpart="sales", destination="s@x.net"
        )

    stack = make_stack(program)
    stack.up()
    (rule,) = emulator.rules(only_domain(emulator)["uuid"])
    knobs["enabled"] = False

    preview = stack.preview()
    assert preview.step("fwd").op == "update"
    assert preview.step("sales").op == rule_op
    stack.up()
    assert [r["uuid"] for r in emulator.rules(only_domain(emulator)["uuid"])] == [rule["uuid"]]
