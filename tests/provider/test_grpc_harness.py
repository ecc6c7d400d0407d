"""ProviderServer: a dynamic provider driven over gRPC exactly as the Pulumi engine drives it.

Uses the throwaway EchoProvider (tests/fake_providers.py), which reports what it received.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime
import os
import signal
import sys
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from pulumi.output import Unknown
from pulumi.runtime import rpc

from pulumi_jetemail.testing import (
    PROVIDER_KEY,
    DiffOutcome,
    ProtocolViolation,
    ProviderError,
    ProviderServer,
    ProviderStartError,
    decode_properties,
    encode_properties,
    serialize_provider,
    urn,
)

HERE = Path(__file__).resolve().parent.parent  # fake_providers.py
# The provider process imports the pickled class by module name; it runs with cwd=HERE, so the
# module must be imported here under the same top-level name whatever pytest's import mode.
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
fake_providers: Any = import_module("fake_providers")

ECHO = serialize_provider(fake_providers.EchoProvider())


def echo_urn(name: str) -> str:
    return urn(fake_providers.ECHO_TYPE, name)


def inputs(**values: Any) -> dict[str, Any]:
    return {PROVIDER_KEY: ECHO, **values}


@pytest.fixture(scope="module")
def server() -> Iterator[ProviderServer]:
    with ProviderServer(cwd=HERE) as running:
        running.configure(
            {"fake:marker": "from-stack-config", "test:marker": "project-scoped"},
            secret_keys=["fake:marker"],
        )
        yield running


def test_configure_reaches_the_provider_and_secret_config_arrives_plain(
    server: ProviderServer,
) -> None:
    _, outs = server.create(echo_urn("cfg"), inputs(name="cfg"))
    assert outs["configured_marker"] == "from-stack-config"
    assert outs["project_marker"] == "project-scoped"  # PULUMI_PROJECT=test namespaces it
    assert server.accept_secrets is False
    assert server.wait_for_stderr("fake: configured with marker 'from-stack-config'")


def test_check_failures_round_trip_as_property_and_reason(server: ProviderServer) -> None:
    outcome = server.check(echo_urn("bad"), {}, inputs(name="bad", count=-1))
    assert outcome.failures == [
        ("name", "'bad' is reserved: choose another name"),
        ("count", "must be zero or more"),
    ]


def test_check_receives_old_inputs(server: ProviderServer) -> None:
    olds = inputs(name="x", value="v1")
    outcome = server.check(echo_urn("x"), olds, inputs(name="x", value="v2"))
    assert outcome.failures == []
    assert outcome.inputs["seen_olds"] == ["name", "value"]
    assert outcome.inputs[PROVIDER_KEY] == ECHO


def test_unknowns_in_news_reach_check_as_unknown_and_come_back_unknown(
    server: ProviderServer,
) -> None:
    news = inputs(
        name="u",
        value=Unknown(),
        tags=["known", Unknown()],
        meta={"owner": Unknown(), "team": "ops"},
    )
    checked = server.check(echo_urn("u"), {}, news).inputs
    assert checked["seen_unknowns"] == ["meta.owner", "tags[1]", "value"]
    assert isinstance(checked["value"], Unknown)
    assert checked["tags"][0] == "known"
    assert isinstance(checked["tags"][1], Unknown)
    assert isinstance(checked["meta"]["owner"], Unknown)
    assert checked["meta"]["team"] == "ops"


def test_wire_makes_numbers_floats_and_drops_none_valued_keys(server: ProviderServer) -> None:
    news = inputs(count=3, flag=True, gone=None, nested={"x": None, "y": 1}, items=[None, 2])
    checked = server.check(echo_urn("types"), {}, news).inputs
    assert checked["seen_types"] == {
        "count": "float",
        "flag": "bool",
        "nested": "dict",
        "items": "list",
    }
    assert "gone" not in checked
    assert checked["nested"] == {"y": 1}
    assert checked["items"] == [None, 2]
    assert isinstance(checked["count"], float)


def test_diff_answers_round_trip(server: ProviderServer) -> None:
    the_urn = echo_urn("d")
    _, olds = server.create(the_urn, inputs(name="d", value="v1"))
    cases = [
        ("nothing changed", inputs(name="d", value="v1"), DiffOutcome("none", [], False)),
        ("value changed", inputs(name="d", value="v2"), DiffOutcome("some", [], False)),
        (
            "name changed, delete first",
            inputs(name="e", value="v1", delete_first=True),
            DiffOutcome("some", ["name"], True),
        ),
        (
            "name unknown",
            inputs(name=Unknown(), value="v1"),
            DiffOutcome("unknown", ["name"], False),
        ),
    ]
    for case, news, expected in cases:
        assert server.diff("echo-d", the_urn, olds, news) == expected, case


def test_lifecycle_create_read_update_delete(server: ProviderServer) -> None:
    the_urn = echo_urn("life")
    checked = server.check(the_urn, {}, inputs(name="life", value="v1"))
    id_, outs = server.create(the_urn, checked.inputs)
    assert id_ == "echo-life"
    assert outs[PROVIDER_KEY] == ECHO
    assert outs["name"] == "life"
    assert outs["value"] == "v1"

    refreshed = server.read(id_, the_urn, outs, checked.inputs)
    assert refreshed.id == id_
    assert refreshed.outs["reads"] == 1
    assert refreshed.inputs is None

    drifted = server.read(id_, the_urn, {**outs, "drifted": True}, checked.inputs)
    assert drifted.inputs == {PROVIDER_KEY: ECHO, "name": "life", "value": "drift"}

    news = server.check(the_urn, checked.inputs, inputs(name="life", value="v2")).inputs
    assert server.diff(id_, the_urn, outs, news).changes == "some"
    updated = server.update(id_, the_urn, outs, news)
    assert updated["value"] == "v2"
    assert updated["previous_value"] == "v1"
    assert updated["configured_marker"] == "from-stack-config"

    server.delete(id_, the_urn, updated)
    assert server.wait_for_stderr("fake: deleted echo-life (name life)")

    gone = server.read("gone-life", the_urn, updated)
    assert gone.id == ""
    assert gone.outs == {PROVIDER_KEY: ECHO}  # the SDK always adds __provider
    assert gone.inputs is None


def test_read_for_a_get_uses_inputs_when_there_are_no_outputs(server: ProviderServer) -> None:
    outcome = server.read("echo-got", echo_urn("got"), {}, inputs(name="got"))
    assert outcome.id == "echo-got"
    assert outcome.outs["name"] == "got"


def test_provider_exception_becomes_provider_error_with_the_traceback(
    server: ProviderServer,
) -> None:
    with pytest.raises(ProviderError) as raised:
        server.create(echo_urn("boom"), inputs(name="boom", explode="quota exhausted"))
    assert raised.value.code == "UNKNOWN"
    assert raised.value.method == "Create"
    assert "Traceback (most recent call last)" in raised.value.details
    assert "RuntimeError: create refused: quota exhausted" in raised.value.details

    with pytest.raises(ProviderError, match="diff exploded on purpose"):
        server.diff("echo-x", echo_urn("x"), inputs(name="x"), inputs(name="x", explode="diff"))


def test_secret_marked_outputs_come_back_plain_and_listed(server: ProviderServer) -> None:
    _, outs = server.create(echo_urn("s"), inputs(name="s", secret_output=True))
    assert outs["token"] == "s3cret"
    assert outs.secret_keys == {"token"}
    _, plain = server.create(echo_urn("p"), inputs(name="p"))
    assert plain.secret_keys == frozenset()


def test_empty_id_from_create_is_refused_as_the_engine_refuses_it(
    server: ProviderServer,
) -> None:
    with pytest.raises(ProtocolViolation, match="empty id"):
        server.create(echo_urn("noid"), inputs(name="noid", forced_id=""))


def test_four_concurrent_creates_run_in_parallel(server: ProviderServer) -> None:
    names = [f"c{index}" for index in range(fake_providers.CONCURRENT_CREATES)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(names)) as pool:
        futures = [
            pool.submit(server.create, echo_urn(name), inputs(name=name, wait_for_peers=True))
            for name in names
        ]
        results = [future.result(timeout=60) for future in futures]
    # Each create waited on a 4-party barrier inside the provider: all 4 ran at once.
    assert sorted(id_ for id_, _ in results) == [f"echo-{name}" for name in names]
    assert {outs["pid"] for _, outs in results} == {server.pid}


def test_pid_is_the_provider_process(server: ProviderServer) -> None:
    status = Path(f"/proc/{server.pid}/status")
    if not status.exists():
        pytest.skip("no /proc on this platform")
    assert "VmRSS:" in status.read_text()
    assert "pulumi.dynamic" in Path(f"/proc/{server.pid}/cmdline").read_text()


def test_stderr_text_holds_what_the_provider_logged(server: ProviderServer) -> None:
    server.create(echo_urn("logged"), inputs(name="logged"))
    assert server.wait_for_stderr("fake: creating logged")
    assert "fake: creating logged" in server.stderr_text()


def test_a_chatty_provider_never_blocks_on_a_full_pipe(server: ProviderServer) -> None:
    id_, _ = server.create(echo_urn("chatty"), inputs(name="chatty", spew_bytes=1_000_000))
    assert id_ == "echo-chatty"
    assert server.wait_for_stderr("fake: creating chatty")
    assert "e" * 1_000_000 in server.stderr_text()


@pytest.mark.parametrize(
    ("case", "call", "message"),
    [
        ("no __provider", lambda s: s.create(echo_urn("n"), {"name": "n"}), "lack '__provider'"),
        (
            "unknown in create",
            lambda s: s.create(echo_urn("n"), inputs(name=Unknown())),
            "name is Unknown",
        ),
        (
            "unknown in update",
            lambda s: s.update("i", echo_urn("n"), inputs(), inputs(v=[Unknown()])),
            r"v\[0\] is Unknown",
        ),
        (
            "unknown in delete",
            lambda s: s.delete("i", echo_urn("n"), inputs(v={"a": Unknown()})),
            "v.a is Unknown",
        ),
        (
            "secret in check",
            lambda s: s.check(echo_urn("n"), {}, inputs(v=rpc.wrap_rpc_secret("x"))),
            "v is a secret-wrapped value",
        ),
        ("not a URN", lambda s: s.check("echo", {}, inputs()), "not a URN"),
        (
            "config key without namespace",
            lambda s: s.configure({"apiKey": "api_x"}),
            "not namespaced",
        ),
        (
            "secret key not in config",
            lambda s: s.configure({"a:b": "c"}, secret_keys=["a:c"]),
            "not in config",
        ),
    ],
)
def test_harness_refuses_what_the_engine_never_sends(
    server: ProviderServer, case: str, call: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        call(server)


def test_values_must_be_plain_data(server: ProviderServer) -> None:
    when = datetime.datetime.now(tz=datetime.timezone.utc)
    with pytest.raises(TypeError, match="when: datetime is not plain data"):
        server.check(echo_urn("t"), {}, inputs(when=when))


def test_a_fresh_server_needs_configure_keeps_its_first_config_and_times_out() -> None:
    with ProviderServer(cwd=HERE, project="other", timeout=30) as fresh:
        with pytest.raises(RuntimeError, match=r"configure\(\) first"):
            fresh.check(echo_urn("f"), {}, inputs(name="f"))
        fresh.configure({"fake:marker": "first", "other:marker": "other-project"})
        _, outs = fresh.create(echo_urn("f1"), inputs(name="f1"))
        assert outs["configured_marker"] == "first"
        assert outs["project_marker"] == "other-project"

        # The SDK configures a provider once, when it first unpickles it: like the engine.
        fresh.configure({"fake:marker": "second"})
        _, outs = fresh.create(echo_urn("f2"), inputs(name="f2"))
        assert outs["configured_marker"] == "first"

        fresh.timeout = 0.2
        with pytest.raises(ProviderError) as raised:
            fresh.create(echo_urn("slow"), inputs(name="slow", hold_seconds=2))
        assert raised.value.code == "DEADLINE_EXCEEDED"
    assert fresh.returncode is not None
    with pytest.raises(RuntimeError, match="not running"):
        fresh.configure({})


def test_a_provider_that_dies_fails_the_next_call_with_its_exit_code() -> None:
    with ProviderServer(cwd=HERE) as doomed:
        doomed.configure({})
        os.kill(doomed.pid, signal.SIGKILL)
        with pytest.raises(ProviderError) as raised:
            doomed.check(echo_urn("d"), {}, inputs(name="d"))
    assert raised.value.code == "UNAVAILABLE"
    assert f"exited with code {-signal.SIGKILL}" in str(raised.value)


def test_start_failure_raises_with_the_provider_stderr(tmp_path: Path) -> None:
    shadow = tmp_path / "pulumi"
    shadow.mkdir()
    (shadow / "__init__.py").write_text(
        "import sys\nsys.stderr.write('this pulumi is broken\\n')\nsys.exit(3)\n"
    )
    server = ProviderServer(cwd=tmp_path)
    with pytest.raises(ProviderStartError) as raised:
        server.start()
    assert raised.value.returncode == 3
    assert "this pulumi is broken" in raised.value.stderr
    assert "exited before printing its port" in str(raised.value)


def test_a_provider_that_never_prints_its_port_fails_at_the_deadline(tmp_path: Path) -> None:
    shadow = tmp_path / "pulumi"
    shadow.mkdir()
    (shadow / "__init__.py").write_text(
        "import sys, threading\nprint('stuck', file=sys.stderr)\nthreading.Event().wait()\n"
    )
    server = ProviderServer(cwd=tmp_path, start_timeout=0.5)
    with pytest.raises(ProviderStartError, match=r"no port within 0.5 s") as raised:
        server.start()
    assert "stuck" in raised.value.stderr
    assert server.returncode is not None  # killed, not left behind


def test_env_is_passed_and_can_remove_variables(tmp_path: Path) -> None:
    shadow = tmp_path / "pulumi"
    shadow.mkdir()
    (shadow / "__init__.py").write_text(
        "import os, sys\n"
        "sys.stderr.write(repr((os.environ.get('PULUMI_PROJECT'), os.environ.get('EXTRA'),"
        " os.environ.get('HOME'))))\n"
        "sys.exit(1)\n"
    )
    server = ProviderServer(cwd=tmp_path, project="proj", env={"EXTRA": "yes", "HOME": None})
    with pytest.raises(ProviderStartError) as raised:
        server.start()
    assert raised.value.stderr == "('proj', 'yes', None)"


def test_encoding_is_the_engine_wire_format_without_a_running_program() -> None:
    struct = encode_properties({"u": Unknown(), "l": [1, Unknown()], "d": {"x": Unknown()}})
    assert struct["u"] == rpc.UNKNOWN
    assert struct["l"][1] == rpc.UNKNOWN
    assert struct["d"]["x"] == rpc.UNKNOWN
    decoded = decode_properties(struct)
    assert isinstance(decoded["u"], Unknown)
    assert decoded["l"][0] == 1
    assert isinstance(decoded["l"][1], Unknown)


def test_decoding_lists_keys_that_hold_a_secret_anywhere() -> None:
    struct = encode_properties(
        {
            "plain": "a",
            "nested": {"inner": [rpc.wrap_rpc_secret("b")]},
            "top": rpc.wrap_rpc_secret(1),
        }
    )
    decoded = decode_properties(struct)
    assert decoded == {"plain": "a", "nested": {"inner": ["b"]}, "top": 1}
    assert decoded.secret_keys == {"nested", "top"}


def test_encoding_works_inside_a_running_event_loop() -> None:
    async def encode_in_loop() -> Any:
        return encode_properties({"a": 1})

    loop = asyncio.new_event_loop()
    try:
        struct = loop.run_until_complete(encode_in_loop())
    finally:
        loop.close()
    assert struct["a"] == 1


def test_urn_has_the_engine_shape() -> None:
    assert (
        urn("pulumi-python:dynamic/jetemail:InboundDomain", "support")
        == "urn:pulumi:dev::test::pulumi-python:dynamic/jetemail:InboundDomain::support"
    )
    with pytest.raises(ValueError, match="full type token"):
        urn("InboundDomain", "support")


def test_serialized_provider_is_a_reference_not_the_class() -> None:
    assert len(ECHO) < 200
