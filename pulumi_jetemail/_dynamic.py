"""The dynamic door: the SDK's `ResourceProvider` calls handed to each resource's lifecycle.
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
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

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
from ._lifecycle import (
    CreateRequest as LifecycleCreate,
    DeleteRequest,
    DiffRequest,
    Lifecycle,
    ReadRequest as LifecycleRead,
    UpdateRequest as LifecycleUpdate,
    known,
)
from ._program import integer_outputs, registration
from ._settings import KEY_HINT
from .errors import ConfigError, JetEmailError
from .resources import resource_named

if TYPE_CHECKING:
    from ._registry import ResourceType
    from ._settings import ClientSettings
    from .client import JetEmailClient

log = logging.getLogger("pulumi_jetemail")


class JetEmailProvider(ResourceProvider):
    """Base of the dynamic providers: the engine's calls handed to the lifecycle of the
    resource type a subclass names (`class InboundDomainProvider(JetEmailProvider,
    resource="InboundDomain")`, generated in `_dynamic_classes.py`)."""

    RESOURCE_NAME: ClassVar[str]

    _config_get: Callable[[str], Any]
    _settings: ClientSettings | ConfigError

    def __init_subclass__(cls, resource: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.RESOURCE_NAME = resource
        for name in ("create", "read", "update", "delete"):
            setattr(cls, name, _lifecycle_call(getattr(cls, name)))

    @property
    def resource(self) -> ResourceType:
        found = resource_named(self.RESOURCE_NAME)
        if found is None:
            raise JetEmailError(f"no resource type {self.RESOURCE_NAME!r} in this package")
        return found

    @property
    def lifecycle(self) -> Lifecycle:
        return self.resource.lifecycle

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
            config_get = self.__dict__.get("_config_get")
            settings = self._settings = resolve_settings(
                no_config if config_get is None else lambda s: config_get(s.config_key)
            )
        return settings

    @property
    def client(self) -> JetEmailClient:
        """The process's shared client, built on first use (after `configure`)."""
        return client_for(self.settings())

    # ---------------------------------------------------------------------- check

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate inputs and return them in canonical form. Never raises."""
        lifecycle = self.lifecycle
        result = checked(lifecycle, news, self.settings())
        for warning in result.warnings:  # the provider's stderr reaches the CLI's
            log.warning("%s", warning)
        secret = lifecycle.decl.secret_inputs
        failures = [CheckFailure(*for_engine(f, secret)) for f in result.failures]
        return CheckResult(result.inputs, failures)

    # ----------------------------------------------------------------------- diff

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare canonical inputs (old outputs against new inputs); no network.

        What only this door does: a replacing input that holds another resource's id
        (`Prop.refers_to`) and is not known yet previews as an update, not a replacement.
        The engine cannot preview a dynamic resource's outputs, so any in-place update of an
        InboundDomain makes its uuid unknown: showing every ForwardRule of it as replaced
        would drown the one real change in a PR review. `pulumi up` diffs again with the
        uuid known, and replaces the rule only if the uuid really changed. (The native door
        previews an update with its outputs known: an unknown id there does mean a
        replacement, and it keeps the shared plan as it is.)"""
        lifecycle = self.lifecycle
        plan = lifecycle.diff(DiffRequest(id_, olds, news))
        decl = lifecycle.decl
        replaces = [
            n for n in plan.replaces if decl.by_name[n].refers_to is None or known(news.get(n))
        ]
        return DiffResult(
            changes=bool(plan.changed),
            replaces=replaces,
            stables=[],
            delete_before_replace=False,
        )

    # --------------------------------------------------------- create ... delete

    def create(self, props: dict[str, Any]) -> CreateResult:
        lifecycle = self.lifecycle
        inputs = lifecycle.decl.inputs_from(props)
        result = lifecycle.create(LifecycleCreate(self._connect, inputs, progress=_progress))
        return CreateResult(result.id, result.state)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Refreshed inputs make drift show in the next preview; gone is an empty id."""
        result = self.lifecycle.read(LifecycleRead(self._connect, id_, props))
        if result is None:
            return ReadResult("", {})
        return ReadResult(result.id, result.state, result.inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Returns the full outputs (`UpdateResult()` would wipe them)."""
        lifecycle = self.lifecycle
        inputs = lifecycle.decl.inputs_from(news)
        return UpdateResult(
            lifecycle.update(LifecycleUpdate(self._connect, id_, olds, inputs)).state
        )

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self.lifecycle.delete(DeleteRequest(self._connect, id_, props))

    def _connect(self) -> JetEmailClient:
        return self.client


def _progress(message: str) -> None:
    """A long create's progress: the provider's stderr, which the CLI shows."""
    log.warning("%s", message)


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
    provider (`PROVIDER`, an instance of a `JetEmailProvider`), and integer outputs given to
    the program as `int`. First among the bases, so that its `_register` is the one the
    surface's `__init__` and `get` call."""

    PROVIDER: ClassVar[JetEmailProvider]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        provider = cls.__dict__.get("PROVIDER")
        if provider is not None:
            integer_outputs(cls, provider.resource.declaration)

    def _register(
        self,
        resource_name: str,
        args: object | None,
        opts: pulumi.ResourceOptions | None,
        keywords: dict[str, Any],
    ) -> None:
        register_dynamic(
            self,  # type: ignore[arg-type]
            self.PROVIDER,
            resource_name,
            args=args,
            opts=opts,
            keywords=keywords,
        )


def register_dynamic(
    resource: pulumi.dynamic.Resource,
    provider: JetEmailProvider,
    resource_name: str,
    *,
    args: object | None,
    opts: pulumi.ResourceOptions | None,
    keywords: Mapping[str, Any],
) -> None:
    """Register a dynamic resource (its `_register`): the provider's declaration says what.

    This is what `pulumi.dynamic.Resource.__init__` does (the provider pickled into
    `__provider`, a secret), without its frame: the SDK records as the resource's source
    position (`sourcePosition` in state) the frame above the third `__init__` on the stack,
    meant to be the resource class's. Through the SDK's, that line was this function; this
    way it is the user's."""
    props, opts = registration(provider.resource.declaration, args, opts, keywords)
    props[PROVIDER_KEY] = pulumi.Output.secret(serialize_provider(provider))
    kind = f"pulumi-python:{resource._resource_type_name}"
    pulumi.CustomResource.__init__(resource, kind, resource_name, props, opts)
