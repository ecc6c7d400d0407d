"""The package's public names: exactly these, each importable, and none that drags in the
emulator or the test harness."""

from __future__ import annotations

import subprocess
import sys

import pulumi_jetemail

PUBLIC = {
    "InboundDomain",
    "InboundDomainArgs",
    "ForwardRule",
    "ForwardRuleArgs",
    "DomainVerification",
    "DomainVerificationArgs",
    "JetEmailError",
    "ConfigError",
    "APIError",
    "APIConnectionError",
    "APITimeoutError",
    "APIStatusError",
    "ValidationError",
    "AuthError",
    "NotFoundError",
    "ConflictError",
    "RateLimitError",
    "ServerError",
    "__version__",
}


def test_all_holds_exactly_the_public_names() -> None:
    assert set(pulumi_jetemail.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(pulumi_jetemail, name) is not None


def test_version_is_the_installed_distributions() -> None:
    from importlib.metadata import version
    from pathlib import Path

    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text()
    assert pulumi_jetemail.__version__ == version("pulumi-jetemail")
    assert 'version = { attr = "pulumi_jetemail._version.__version__" }' in pyproject


def test_every_error_is_a_jetemail_error() -> None:
    for name in PUBLIC - {"__version__"}:
        value = getattr(pulumi_jetemail, name)
        if name.endswith("Error"):
            assert issubclass(value, pulumi_jetemail.JetEmailError), name


def test_importing_the_package_loads_neither_emulator_nor_harness_nor_httpx() -> None:
    code = (
        "import sys, pulumi_jetemail; "
        "print(sorted(m for m in sys.modules if m.startswith(("
        "'pulumi_jetemail.emulator', 'pulumi_jetemail.testing', 'starlette', 'uvicorn', 'httpx'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_emulator_without_its_extra_names_the_extra() -> None:
    # Starlette hidden as if the `emulator` extra were not installed.
    code = "import sys; sys.modules['starlette'] = None; import pulumi_jetemail.emulator"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode != 0
    last = out.stderr.strip().splitlines()[-1]
    assert last == (
        "ModuleNotFoundError: the JetEmail emulator needs starlette, which the `emulator` extra "
        "installs: pip install 'pulumi-jetemail[emulator]'"
    )
