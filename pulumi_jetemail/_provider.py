"""The dynamic door: the SDK's `ResourceProvider` calls handed to the shared provider logic.
What both doors share lives in `_door.py` (the provider process) and `_program.py` (the
program's resource classes); the native door imports nothing from here.

The provider instance is pickled (by reference, with its `__dict__`) into every resource's
`__provider` input, so it must be empty when the program creates it: settings are read in
`configure()`, which the engine calls in the provider process after unpickling, and the HTTP
client is built on first use after that. Nothing on the instance ever reaches state.
"""

from __future__ import annotations

import functools
import logging
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
from ._door import checked, client_for, for_engine, no_config, refused_key, resolve_settings
from ._logic import Logic
from ._program import registration
from ._settings import KEY_HINT
from .errors import ConfigError, JetEmailError

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
                self.__dict__.get("_config_get", no_config)
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
        return CheckResult(
            inputs, [CheckFailure(*for_engine(f, self.logic.decl.secret_inputs)) for f in failures]
        )

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
                if refused_key(exc):
                    raise JetEmailError(f"{exc}{KEY_HINT}") from None
                raise exc.with_traceback(None) from None

    return wrapper  # type: ignore[return-value]


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
