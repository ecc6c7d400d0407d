"""What both doors share in the provider process: provider settings resolved from a config
lookup, the process's client, the check as the engine should print its failures, and whether
an error is the API refusing the key. Imports neither door (nor `pulumi.dynamic` itself)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any

from ._check import Failure
from ._lifecycle import CheckRequest, CheckResult, Lifecycle
from ._settings import MISSING_KEY_MESSAGE
from .errors import AuthError, ConfigError, redact

if TYPE_CHECKING:
    from ._settings import ClientSettings, Setting
    from .client import JetEmailClient

__all__ = ["checked", "client_for", "for_engine", "no_config", "refused_key", "resolve_settings"]

log = logging.getLogger("pulumi_jetemail")


def checked(
    lifecycle: Lifecycle, news: Mapping[str, Any], settings: ClientSettings | ConfigError
) -> CheckResult:
    """Check for both doors: canonical inputs, the failures (`for_engine` formats them) and
    the warnings. Never raises; a bad provider setting fails the preview too, before anything
    is sent (a missing API key does not: a preview needs none)."""
    try:
        result = lifecycle.check(CheckRequest(news))
    except Exception as exc:  # check must answer, whatever the input
        log.debug("check failed unexpectedly", exc_info=True)
        reason = f"{lifecycle.decl.name} inputs could not be checked: {redact(str(exc))[:200]}"
        return CheckResult(dict(news), [Failure("", reason)])
    if isinstance(settings, ConfigError):
        failure = Failure("", f"provider settings: {settings}")
        return CheckResult(result.inputs, [*result.failures, failure], result.warnings)
    return result


def for_engine(
    failure: Failure, secret_inputs: Collection[str], name_of: Callable[[str], str] = str
) -> tuple[str, str]:
    """A failure as (property, reason) for the engine, which prints `property <p> value
    {<program's value>} has a problem: <reason>`: the reason does not say the name again. A
    failure about a secret input names it in the reason only, so that its value is never
    printed. `name_of` is how the door's programs spell a property."""
    name = name_of(failure.property) if failure.property else ""
    if failure.property in secret_inputs:
        return "", f"{name}: {failure.detail}"
    return name, failure.detail


def client_for(settings: ClientSettings | ConfigError) -> JetEmailClient:
    """The process's shared client for these settings (a bad setting is raised here)."""
    from ._process import shared_client

    if isinstance(settings, ConfigError):
        raise settings
    if not settings.api_key:
        raise ConfigError(MISSING_KEY_MESSAGE)
    return shared_client(settings)


def no_config(_setting: Setting) -> None:
    return None


def resolve_settings(value_of: Callable[[Setting], Any]) -> ClientSettings | ConfigError:
    """Settings from a door's own source (`value_of(setting)`), then the environment; a bad
    one as its error."""
    from ._settings import ClientSettings

    try:
        return ClientSettings.of(value_of, os.environ)
    except ConfigError as exc:
        return exc


def refused_key(exc: BaseException | None) -> bool:
    """Whether the API refused the key, here or in what this error was raised from."""
    while exc is not None:
        if isinstance(exc, AuthError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False
