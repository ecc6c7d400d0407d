"""`_lifeline`: how a provider process tells that the engine that started it is gone."""

from __future__ import annotations

import socket

import pytest

from pulumi_jetemail import _lifeline

MAIN = "/venv/lib/python3.11/site-packages/pulumi/dynamic/__main__.py"


@pytest.mark.parametrize(
    ("argv", "address"),
    [
        ([MAIN, "127.0.0.1:46701"], ("127.0.0.1", 46701)),
        ([MAIN, "[::1]:5000"], ("::1", 5000)),
        ([MAIN], None),
        ([MAIN, "not-an-address"], None),
        (["/usr/bin/pytest", "127.0.0.1:46701"], None),
    ],
    ids=["engine address", "ipv6", "no argument", "not an address", "not the dynamic server"],
)
def test_engine_address_comes_from_the_dynamic_servers_command_line(
    argv: list[str], address: tuple[str, int] | None
) -> None:
    assert _lifeline.engine_address(argv) == address


def test_engine_is_alive_while_its_address_listens_and_gone_once_it_refuses() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    address = listener.getsockname()[:2]
    assert _lifeline.engine_alive(address)
    listener.close()
    assert not _lifeline.engine_alive(address)


def test_a_process_not_started_by_an_engine_counts_it_alive() -> None:
    assert _lifeline.engine_address() is None  # pytest's own command line
    assert _lifeline.engine_alive()
