"""Each door on its own: the native plugin process and the native Python classes load nothing
of the dynamic door, and the package's dynamic classes still load where a program uses them."""

from __future__ import annotations

import subprocess
import sys

DYNAMIC_DOOR = {"pulumi_jetemail._dynamic", "pulumi_jetemail._dynamic_classes"}
LEGACY = {"pulumi_jetemail.inbound_domain", "pulumi_jetemail.forward_rule"}


def _loaded(statement: str) -> set[str]:
    """The package's modules a fresh interpreter has loaded after `statement`."""
    code = (
        f"import sys; {statement}; "
        "print(' '.join(m for m in sys.modules if m.startswith('pulumi_jetemail')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_the_native_plugin_process_loads_nothing_of_the_dynamic_door() -> None:
    loaded = _loaded("import pulumi_jetemail.plugin")
    assert "pulumi_jetemail.plugin" in loaded
    assert loaded & (DYNAMIC_DOOR | LEGACY) == set()


def test_the_native_classes_load_nothing_of_the_dynamic_door() -> None:
    loaded = _loaded("from pulumi_jetemail import native; native.InboundDomain")
    assert "pulumi_jetemail.native" in loaded
    assert loaded & (DYNAMIC_DOOR | LEGACY) == set()


def test_a_program_gets_the_dynamic_classes_from_the_package() -> None:
    loaded = _loaded(
        "from pulumi_jetemail import ForwardRule, InboundDomain; "
        "assert InboundDomain.__module__ == 'pulumi_jetemail._dynamic_classes'"
    )
    assert loaded >= DYNAMIC_DOOR


def test_the_names_that_state_written_by_0_1_0_pickled_still_resolve() -> None:
    """0.1.0 pickled each dynamic provider by reference under its module of then."""
    from pulumi_jetemail import _dynamic_classes
    from pulumi_jetemail.forward_rule import ForwardRuleProvider
    from pulumi_jetemail.inbound_domain import InboundDomainProvider

    assert InboundDomainProvider is _dynamic_classes.InboundDomainProvider
    assert ForwardRuleProvider is _dynamic_classes.ForwardRuleProvider
