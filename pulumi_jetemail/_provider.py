"""The dynamic door: the SDK's `ResourceProvider` calls handed to the shared provider logic,
plus what both doors share about settings and check failures.

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
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.dynamic.dynamic import PROVIDER_KEY, serialize_provider

from . import _lifeline
from ._declare import Declaration, Prop
from ._logic import Logic
from ._settings import KEY_HINT, MISSING_KEY_MESSAGE
from .errors import AuthError, ConfigError, JetEmailError, redact
from .models import Failure

if TYPE_CHECKING:
    from ._settings import ClientSettings
    from .client import JetEmailClient

log = logging.getLogger("pulumi_jetemail")


class JetEmailProvider(ResourceProvider):
    """Base of the dynamic providers: the engine's calls handed to the shared logic
    (`_logic.py`), which a subclass names in `LOGIC`."""

    LOGIC: ClassVar[Any]

    _config_get: Callable[[str], Any]
    _settings: ClientSettings | ConfigError

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in ("create", "read", "update", "delete"):
            setattr(cls, name, _lifecycle_call(getattr(cls, name)))

    @property
    def logic(self) -> Logic:
        return cast("Logic", type(self).LOGIC)

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

    def settings(self) -> ClientSettings | ConfigError:
        """The client settings from the stack config and the environment, resolved once (a
        bad setting comes back as its error; no HTTP client is imported)."""
        settings = self.__dict__.get("_settings")
        if settings is None:  # the first call (no `_config_get` if the engine sent no Configure)
            settings = self._settings = resolve_settings(
                self.__dict__.get("_config_get", _no_config)
            )
        return settings

    @property
    def client(self) -> JetEmailClient:
        """The process's shared client, built on first use (after `configure`)."""
        return client_for(self.settings())

    # ---------------------------------------------------------------------- check

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate inputs and return them in canonical form. Never raises."""
        inputs, failures = checked(self.logic, news, self.settings())
        for risk in self.logic.risks(inputs):  # the provider's stderr reaches the CLI's
            log.warning("%s", risk)
        return CheckResult(inputs, [CheckFailure(f.property, f.reason) for f in failures])

    # ----------------------------------------------------------------------- diff

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare canonical inputs (old outputs against new inputs); no network."""
        plan = self.logic.diff(olds, news)
        return DiffResult(
            changes=bool(plan.changed),
            replaces=list(plan.replaces),
            stables=[],
            delete_before_replace=False,
        )

    # --------------------------------------------------------- create ... delete

    def create(self, props: dict[str, Any]) -> CreateResult:
        id_, state = self.logic.create(self.client, self.logic.canonical(props))  # type: ignore[attr-defined]
        return CreateResult(id_, state)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Refreshed inputs make drift show in the next preview; gone is an empty id."""
        state = self.logic.read(self.client, id_, props)  # type: ignore[attr-defined]
        if state is None:
            return ReadResult("", {})
        return ReadResult(state["uuid"], state, self.logic.inputs_of(state))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Returns the full outputs (`UpdateResult()` would wipe them)."""
        news = self.logic.canonical(news)
        return UpdateResult(self.logic.update(self.client, id_, olds, news))  # type: ignore[attr-defined]

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self.logic.delete(self.client, id_, props)  # type: ignore[attr-defined]


def checked(
    logic: Logic, news: Mapping[str, Any], settings: ClientSettings | ConfigError
) -> tuple[dict[str, Any], list[Failure]]:
    """Check for both doors: canonical inputs and the failures as the engine should print
    them. Never raises; a bad provider setting fails the preview too, before anything is
    sent (a missing API key does not: a preview needs none)."""
    try:
        inputs, failures = logic.check(news)
    except Exception as exc:  # check must answer, whatever the input
        log.debug("check failed unexpectedly", exc_info=True)
        reason = f"{logic.decl.name} inputs could not be checked: {redact(str(exc))[:200]}"
        return dict(news), [Failure("", reason)]
    if isinstance(settings, ConfigError):
        failures = [*failures, Failure("", f"provider settings: {settings}")]
    return inputs, [_for_engine(logic, f) for f in failures]


def _for_engine(logic: Logic, failure: Failure) -> Failure:
    """The engine prints a failure as `property <p> value {<program's value>} has a
    problem: <reason>`: the reason does not say the name again. A failure about a secret
    input names it in the reason only, so that its value is never printed."""
    name = failure.property
    reason = failure.reason.removeprefix(f"{name}: ") if name else failure.reason
    if name in logic.decl.secret_inputs:
        return Failure("", f"{name}: {reason}")
    return Failure(name, reason)


def client_for(settings: ClientSettings | ConfigError) -> JetEmailClient:
    """The process's shared client for these settings (a bad setting is raised here)."""
    from .client import shared_client

    if isinstance(settings, ConfigError):
        raise settings
    if not settings.api_key:
        raise ConfigError(MISSING_KEY_MESSAGE)
    return shared_client(settings)


def _no_config(_key: str) -> None:
    return None


def resolve_settings(config_get: Callable[[str], Any]) -> ClientSettings | ConfigError:
    """Settings from a config lookup, then the environment; a bad one as its error."""
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
                if _refused_key(exc):
                    raise JetEmailError(f"{exc}{KEY_HINT}") from None
                raise exc.with_traceback(None) from None

    return wrapper  # type: ignore[return-value]


def _refused_key(exc: BaseException | None) -> bool:
    """Whether the API refused the key, here or in what this error was raised from."""
    while exc is not None:
        if isinstance(exc, AuthError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def resource_props(
    decl: Declaration, args: object | None, keywords: Mapping[str, Any]
) -> dict[str, Any]:
    """The props a resource class hands the SDK.

    Every input and output is declared (as None when not given), since the SDK makes an
    attribute only for keys present; the fields of an `…Args` dataclass are taken as given
    (Outputs are not copied), and a keyword given wins over the same field; secret inputs
    are wrapped as secrets whatever the program passed."""
    unexpected = sorted(set(keywords) - set(decl.input_names))
    if unexpected:
        raise TypeError(
            f"{decl.name}() got an unexpected keyword argument {unexpected[0]!r}; its inputs "
            f"are {', '.join(decl.input_names)}"
        )
    props: dict[str, Any] = dict.fromkeys((*decl.input_names, *decl.output_names))
    if args is not None:
        fields = dataclasses.fields(args)  # type: ignore[arg-type]
        props.update({f.name: getattr(args, f.name) for f in fields})
    props.update({k: v for k, v in keywords.items() if v is not None})
    for key in decl.secret_inputs:
        if props.get(key) is not None:
            props[key] = pulumi.Output.secret(props[key])
    return props


class _IntegerOutput:
    """An output with integers in its type, as the program reads it: the SDK's Output (whose
    numbers the wire made floats) with every integer made an `int`, made on first access so
    that a program that never reads it pays nothing. A data descriptor, so it wins over the
    instance attribute the SDK sets."""

    def __init__(self, prop: Prop) -> None:
        self.prop = prop
        self.cached = f"_jetemail_int_{prop.name}"

    def __get__(self, resource: Any, owner: type | None = None) -> Any:
        if resource is None:
            return self
        found = resource.__dict__.get(self.cached)
        if found is None:
            raw = resource.__dict__[self.prop.name]
            found = resource.__dict__[self.cached] = raw.apply(self.prop.type.coerce)
        return found

    def __set__(self, resource: Any, value: Any) -> None:
        resource.__dict__[self.prop.name] = value
        resource.__dict__.pop(self.cached, None)


def integer_outputs(cls: type, decl: Declaration) -> None:
    """Make a resource class give its integer outputs to the program as `int`."""
    for prop in decl.props:
        if prop.type.has_integer:
            setattr(cls, prop.name, _IntegerOutput(prop))


class DynamicDoor:
    """What a dynamic resource class adds to its typed surface: registration with its
    provider (`PROVIDER`, an instance of a `JetEmailProvider`). First among the bases, so that
    its `_declare` is the one the surface's `__init__` and `get` call."""

    PROVIDER: ClassVar[JetEmailProvider]

    def _declare(
        self,
        resource_name: str,
        args: object | None,
        opts: pulumi.ResourceOptions | None,
        keywords: dict[str, Any],
    ) -> None:
        declare_dynamic(
            self,  # type: ignore[arg-type]
            self.PROVIDER,
            resource_name,
            args=args,
            opts=opts,
            keywords=keywords,
        )


def declare_dynamic(
    resource: pulumi.dynamic.Resource,
    provider: JetEmailProvider,
    resource_name: str,
    *,
    args: object | None,
    opts: pulumi.ResourceOptions | None,
    keywords: Mapping[str, Any],
) -> None:
    """Register a dynamic resource (its `_declare`): the provider's declaration says what.

    This is what `pulumi.dynamic.Resource.__init__` does (the provider pickled into
    `__provider`, a secret), without its frame: the SDK records as the resource's source
    position (`sourcePosition` in state) the frame above the third `__init__` on the stack,
    meant to be the resource class's. Through the SDK's, that line was this function; this
    way it is the user's."""
    props, opts = registration(provider.logic.decl, args, opts, keywords)
    props[PROVIDER_KEY] = pulumi.Output.secret(serialize_provider(provider))
    kind = f"pulumi-python:{resource._resource_type_name}"
    pulumi.CustomResource.__init__(resource, kind, resource_name, props, opts)


def registration(
    decl: Declaration,
    args: object | None,
    opts: pulumi.ResourceOptions | None,
    keywords: Mapping[str, Any],
) -> tuple[dict[str, Any], pulumi.ResourceOptions]:
    """What both doors hand the SDK for a resource of `decl`: its props, and its options
    with every secret output named."""
    secrets = pulumi.ResourceOptions(additional_secret_outputs=list(decl.secret))
    return resource_props(decl, args, keywords), pulumi.ResourceOptions.merge(secrets, opts)
