"""What both dynamic providers share: settings, the lazy client, a check that never raises,
and one declarative diff.

The provider instance is pickled (by reference, with its `__dict__`) into every resource's
`__provider` input, so it must be empty when the program creates it: settings are read in
`configure()`, which the engine calls in the provider process after unpickling, and the HTTP
client is built on first use after that. Nothing on the instance ever reaches state.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    DiffResult,
    ResourceProvider,
)
from pulumi.output import Unknown

from . import _lifeline
from .errors import ConfigError, JetEmailError, redact
from .models import Failure, contains_unknown

if TYPE_CHECKING:
    from ._settings import ClientSettings
    from .client import JetEmailClient

log = logging.getLogger("pulumi_jetemail")


def is_unknown(value: Any) -> bool:
    """True for a value the engine does not know yet (during preview)."""
    return isinstance(value, Unknown)


def known(value: Any) -> bool:
    """True when `value` holds no unknown anywhere."""
    return not contains_unknown(value, is_unknown)


class JetEmailProvider(ResourceProvider):
    """Base of the JetEmail providers.

    Subclasses declare their inputs and how they diff; they do not code diff themselves:
    - `INPUT_KEYS`: the input properties, in canonical form in both inputs and outputs;
    - `REPLACE_ON`: the inputs whose change replaces the resource;
    - `REPLACE_ON_UNKNOWN`: whether a value not known yet in `REPLACE_ON` previews as a
      replacement (else as an update; `pulumi up` diffs again with the value known);
    - `CREATE_ONLY`: inputs that only steer create and never cause a diff;
    - `SECRET_INPUTS`: inputs that are always secret (never named as a check failure's
      property, whose value the engine prints);
    - `EQUAL`: per-key comparisons by meaning (default: ==).
    """

    INPUT_KEYS: ClassVar[tuple[str, ...]] = ()
    REPLACE_ON: ClassVar[frozenset[str]] = frozenset()
    REPLACE_ON_UNKNOWN: ClassVar[bool] = True
    CREATE_ONLY: ClassVar[frozenset[str]] = frozenset()
    SECRET_INPUTS: ClassVar[frozenset[str]] = frozenset()
    EQUAL: ClassVar[Mapping[str, Callable[[Any, Any], bool]]] = {}

    _config_get: Callable[[str], Any]
    _settings: ClientSettings | ConfigError

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in ("create", "read", "update", "delete"):
            if name in vars(cls):
                setattr(cls, name, _lifecycle_call(vars(cls)[name]))

    # -------------------------------------------------------------- configuration

    def configure(self, req: ConfigureRequest) -> None:
        """Keep the stack config: settings are read from it (namespaced keys), else from the
        environment, by the first call that needs the API.

        Reading them there keeps the HTTP client (httpx) out of a process that only checks
        and diffs (a preview), whose cold start is the shorter for it. A bad setting is raised
        by that first call, so that check and diff still work and fail on the program, not on
        the settings."""
        self._config_get = req.config.get
        self.__dict__.pop("_settings", None)
        _lifeline.watch()

    def undo_if_orphaned(self, what: str, undo: Callable[[], None]) -> None:
        """After a create: if the engine that asked for it is gone (killed mid-deploy), undo
        it and fail, since no state will ever record it (see `_lifeline`)."""
        if _lifeline.engine_alive():
            return
        log.warning("the Pulumi engine went away while %s was created; removing it again", what)
        undo()
        raise JetEmailError(
            f"the Pulumi engine stopped while {what} was created, so it was removed again. "
            "Run `pulumi cancel` if the stack is still locked, then `pulumi refresh "
            "--clear-pending-creates` and `pulumi up`."
        )

    def settings(self) -> ClientSettings | ConfigError:
        """The client settings from the stack config and the environment, resolved once (a
        bad setting comes back as its error; no HTTP client is imported)."""
        settings = self.__dict__.get("_settings")
        if settings is None:  # the first call (no `_config_get` if the engine sent no Configure)
            settings = self._settings = _resolve(self.__dict__.get("_config_get", _no_config))
        return settings

    @property
    def client(self) -> JetEmailClient:
        """The process's shared client, built on first use (after `configure`)."""
        from .client import shared_client

        settings = self.settings()
        if isinstance(settings, ConfigError):
            raise settings
        return shared_client(settings)

    # ---------------------------------------------------------------------- check

    def validate(self, news: Mapping[str, Any]) -> tuple[dict[str, Any], list[Failure]]:
        """Canonical inputs and failures; subclasses implement it with their model."""
        raise NotImplementedError

    def canonical(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """Checked inputs as they come back over the wire, canonical again (the wire turns
        every number into a float, and the API refuses `30000.0` where it wants 30000)."""
        inputs, _ = self.validate({k: v for k, v in props.items() if k in self.INPUT_KEYS})
        return inputs

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate inputs and return them in canonical form. Never raises."""
        try:
            inputs, failures = self.validate(news)
        except Exception as exc:  # check must answer, whatever the input
            log.debug("check failed unexpectedly", exc_info=True)
            name = type(self).__name__.removesuffix("Provider")
            reason = f"{name} inputs could not be checked: {redact(str(exc))[:200]}"
            return CheckResult(dict(news), [CheckFailure("", reason)])
        failures = [*failures, *self._settings_failures()]
        for risk in self.risks(inputs):
            log.warning("%s", risk)
        return CheckResult(inputs, [self._check_failure(f) for f in failures])

    def risks(self, _inputs: Mapping[str, Any]) -> list[str]:
        """Legal but risky inputs, logged as warnings at check (preview and up); subclasses
        say which. The provider process's warnings reach the CLI's stderr."""
        return []

    def _settings_failures(self) -> list[Failure]:
        """A bad provider setting fails the preview too, before anything is sent; a missing
        API key does not (a preview needs none)."""
        settings = self.settings()
        if isinstance(settings, ConfigError):
            return [Failure("", f"provider settings: {settings}")]
        return []

    def _check_failure(self, failure: Failure) -> CheckFailure:
        """The engine prints a failure as `property <p> value {<program's value>} has a
        problem: <reason>`: the reason does not say the name again. A failure about a secret
        input names it in the reason only, so that its value is never printed."""
        name = failure.property
        reason = failure.reason.removeprefix(f"{name}: ") if name else failure.reason
        if name in self.SECRET_INPUTS:
            return CheckFailure("", f"{name}: {reason}")
        return CheckFailure(name, reason)

    # ----------------------------------------------------------------------- diff

    def same(self, key: str, old: Any, new: Any) -> bool:
        """Whether an input is unchanged; a value not known yet counts as changed."""
        if not known(new):
            return False
        return self.EQUAL.get(key, _plain_equal)(old, new)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare canonical inputs (old outputs against new inputs); no network."""
        changed = [
            key
            for key in self.INPUT_KEYS
            if key not in self.CREATE_ONLY and not self.same(key, olds.get(key), news.get(key))
        ]
        replaces = [
            key
            for key in changed
            if key in self.REPLACE_ON and (self.REPLACE_ON_UNKNOWN or known(news.get(key)))
        ]
        return DiffResult(
            changes=bool(changed), replaces=replaces, stables=[], delete_before_replace=False
        )


def _no_config(_key: str) -> None:
    return None


def _resolve(config_get: Callable[[str], Any]) -> ClientSettings | ConfigError:
    from ._settings import ClientSettings

    try:
        return ClientSettings.resolve(config_get, os.environ)
    except ConfigError as exc:
        return exc


_Method = TypeVar("_Method", bound=Callable[..., Any])


def _lifecycle_call(method: _Method) -> _Method:
    """A create, read, update or delete: counted as in flight (the process is not ended under
    it), and our own errors re-raised from the method itself, without their chain.

    The SDK's provider server sends the engine `traceback.format_exc()`: this keeps what the
    user reads to the message and two or three frames, instead of the client's internals."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _lifeline.in_flight():
            try:
                return method(*args, **kwargs)
            except JetEmailError as exc:
                raise exc.with_traceback(None) from None

    return wrapper  # type: ignore[return-value]


def _plain_equal(old: Any, new: Any) -> bool:
    return bool(old == new)


def resource_props(
    args: object | None,
    keywords: Mapping[str, Any],
    keys: Iterable[str],
    secret_inputs: Iterable[str] = (),
) -> dict[str, Any]:
    """The props a resource class hands `Resource.__init__`.

    Every input and output key is declared (as None when not given), since the SDK makes an
    attribute only for keys present; the fields of an `…Args` dataclass are taken as given
    (Outputs are not copied), and a keyword given wins over the same field; `secret_inputs`
    are wrapped as secrets whatever the program passed."""
    props: dict[str, Any] = dict.fromkeys(keys)
    if args is not None:
        fields = dataclasses.fields(args)  # type: ignore[arg-type]
        props.update({f.name: getattr(args, f.name) for f in fields})
    props.update({k: v for k, v in keywords.items() if v is not None})
    for key in secret_inputs:
        if props.get(key) is not None:
            props[key] = pulumi.Output.secret(props[key])
    return props
