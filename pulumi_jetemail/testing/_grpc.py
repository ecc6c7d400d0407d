"""Drive a Python dynamic provider over gRPC exactly as the Pulumi engine does.

`ProviderServer` starts ``python -u -m pulumi.dynamic`` (what the engine's
``pulumi-resource-pulumi-python`` shim runs) with ``PULUMI_PROJECT`` set, reads the port it
prints, and calls the ``ResourceProvider`` service with plain Python dicts encoded by the SDK's
own ``pulumi.runtime.rpc.serialize_properties`` and decoded by ``deserialize_properties``.

What the wire does to values (checked against pulumi 3.272's ``pulumi/dynamic/__main__.py``):

- The provider receives numbers as floats (``3`` arrives as ``3.0``), tuples as lists, and never
  sees a key whose value is ``None``: None-valued keys are dropped at every depth of a dict
  (a ``None`` inside a list stays).
- ``pulumi.output.Unknown()`` values, nested anywhere, reach ``check`` and ``diff`` as
  ``Unknown``: the SDK decodes those two with ``keep_unknowns=True``. The engine sends unknowns
  to nothing else, so this harness refuses them in create/read/update/delete requests.
  Unknowns the provider returns come back as ``Unknown`` too.
- Secrets: the provider answers ``Configure`` with ``acceptSecrets: false``, so the engine sends
  plain values everywhere after Configure; this harness refuses secret-wrapped values in
  requests. In ``Configure`` itself the engine sends ``--secret`` stack config wrapped as
  secrets (``configure(secret_keys=...)`` does the same); the SDK unwraps them. An answer only
  carries a secret if the provider put a raw ``rpc.wrap_rpc_secret(...)`` dict in its outputs;
  such values are decoded to plain values and their top-level keys listed in
  ``Props.secret_keys``.
- Check, Create, Read and Update answers hold ``__provider`` (the SDK adds it): pass them back
  unchanged as the next call's ``olds``/``props``, which is what the engine does.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any, cast

from google.protobuf import empty_pb2 as _empty_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import (
    provider_pb2 as _provider_pb2,
    provider_pb2_grpc as _provider_pb2_grpc,
)

from ._messages import (
    PROVIDER_KEY,
    CheckOutcome,
    DiffChanges,
    DiffOutcome,
    Props,
    ProtocolViolation,
    ProviderError,
    ProviderStartError,
    ReadOutcome,
    decode_properties,
    encode_properties,
    refuse_secrets,
    refuse_unknowns,
    require_provider_key,
    serialize_provider,
    split_urn,
    urn,
)
from ._process import ProviderProcess

__all__ = [
    "PROVIDER_KEY",
    "CheckOutcome",
    "DiffOutcome",
    "Props",
    "ProtocolViolation",
    "ProviderError",
    "ProviderServer",
    "ProviderStartError",
    "ReadOutcome",
    "decode_properties",
    "encode_properties",
    "serialize_provider",
    "urn",
]

# The generated protobuf and gRPC modules carry no usable types: narrow them to Any once here.
_pb: Any = _provider_pb2
_pb_grpc: Any = _provider_pb2_grpc
_empty: Any = _empty_pb2


_DIFF_CHANGES = {
    _pb.DiffResponse.DIFF_UNKNOWN: "unknown",
    _pb.DiffResponse.DIFF_NONE: "none",
    _pb.DiffResponse.DIFF_SOME: "some",
}


class ProviderServer(ProviderProcess):
    """``python -m pulumi.dynamic`` in a subprocess, called over gRPC as the engine calls it.

    Usage::

        with ProviderServer(env={"JETEMAIL_API_URL": url}) as server:
            server.configure({"jetemail:apiKey": "api_x"})      # always first, as the engine does
            checked = server.check(the_urn, {}, {"__provider": serialize_provider(P()), ...})
            id_, outs = server.create(the_urn, checked.inputs)
            ...

    The child inherits this process's environment, plus ``PULUMI_PROJECT=project``, plus ``env``
    (a ``None`` value removes a variable). It runs in ``cwd``: ``python -m`` puts that directory
    on ``sys.path``, which is how the provider process imports the module a provider class was
    pickled from (``__provider`` holds a reference to ``module.Class``, not its code).

    Methods are thread-safe; the server has 4 worker threads, like the engine's. Each call
    waits at most ``timeout`` seconds (an attribute, adjustable).
    """

    def configure(self, config: Mapping[str, object], *, secret_keys: Iterable[str] = ()) -> None:
        """Send ``Configure`` with the whole stack config, as the engine does before anything.

        Keys are namespaced (``"jetemail:apiKey"``). Keys in ``secret_keys`` are sent wrapped as
        secrets, as the engine sends ``--secret`` config; the SDK unwraps them. The SDK reads
        only ``args`` (not ``variables``) and hands the config to the provider's ``configure()``
        lazily, on the first call that unpickles a given ``__provider``; that happens once per
        process, so a later ``configure()`` does not reach an already configured provider.
        """
        secret = set(secret_keys)
        if missing := secret - set(config):
            raise ValueError(f"secret_keys not in config: {sorted(missing)}")
        for key in config:
            if ":" not in key:
                raise ValueError(
                    f"config key {key!r} is not namespaced: stack config keys look like "
                    "'jetemail:apiKey'"
                )
        args = {
            key: rpc.wrap_rpc_secret(value) if key in secret else value
            for key, value in config.items()
        }
        request = _pb.ConfigureRequest(
            args=encode_properties(args),
            acceptSecrets=True,
            acceptResources=True,
            sends_old_inputs=True,
            sends_old_inputs_to_delete=True,
        )
        response = self._call("Configure", request, needs_configure=False)
        self._accept_secrets = bool(response.acceptSecrets)
        self._configured = True

    def check(self, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> CheckOutcome:
        """``Check``: ``olds`` are the old inputs (``{}`` on create), ``news`` the new inputs."""
        require_provider_key("check", news)
        refuse_secrets("check", olds, news)
        name, type_ = split_urn(urn)
        request = _pb.CheckRequest(
            urn=urn,
            name=name,
            type=type_,
            olds=encode_properties(olds),
            news=encode_properties(news),
            randomSeed=os.urandom(32),
        )
        response = self._call("Check", request)
        return CheckOutcome(
            inputs=decode_properties(response.inputs),
            failures=[(failure.property, failure.reason) for failure in response.failures],
        )

    def diff(
        self, id: str, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> DiffOutcome:
        """``Diff``: ``olds`` are the old *outputs*, ``news`` the new checked inputs."""
        require_provider_key("diff", news, olds)
        refuse_secrets("diff", olds, news)
        name, type_ = split_urn(urn)
        request = _pb.DiffRequest(
            id=id,
            urn=urn,
            name=name,
            type=type_,
            olds=encode_properties(olds),
            news=encode_properties(news),
        )
        response = self._call("Diff", request)
        return DiffOutcome(
            changes=cast(DiffChanges, _DIFF_CHANGES.get(int(response.changes), "unknown")),
            replaces=list(response.replaces),
            delete_before_replace=bool(response.deleteBeforeReplace),
        )

    def create(self, urn: str, props: Mapping[str, Any]) -> tuple[str, Props]:
        """``Create`` with the checked inputs; returns ``(id, outputs)``.

        Raises `ProtocolViolation` on an empty id, which the engine refuses.
        """
        require_provider_key("create", props)
        refuse_secrets("create", props)
        refuse_unknowns("create", props)
        name, type_ = split_urn(urn)
        request = _pb.CreateRequest(
            urn=urn,
            name=name,
            type=type_,
            properties=encode_properties(props),
            timeout=self.timeout,
            preview=False,
        )
        response = self._call("Create", request)
        if not response.id:
            raise ProtocolViolation(
                f"create returned an empty id for {urn}: the engine fails the update"
            )
        return str(response.id), decode_properties(response.properties)

    def read(
        self,
        id: str,
        urn: str,
        props: Mapping[str, Any],
        inputs: Mapping[str, Any] | None = None,
    ) -> ReadOutcome:
        """``Read`` (refresh, or ``get`` when ``props`` is empty and ``inputs`` given).

        ``props`` are the old outputs, ``inputs`` the old inputs.
        """
        require_provider_key("read", props, inputs or {})
        refuse_secrets("read", props, inputs or {})
        refuse_unknowns("read", props, inputs or {})
        name, type_ = split_urn(urn)
        fields: dict[str, Any] = {
            "id": id,
            "urn": urn,
            "name": name,
            "type": type_,
            "properties": encode_properties(props),
            "timeout": self.timeout,
        }
        if inputs is not None:
            fields["inputs"] = encode_properties(inputs)
        response = self._call("Read", _pb.ReadRequest(**fields))
        return ReadOutcome(
            id=str(response.id),
            outs=decode_properties(response.properties),
            inputs=decode_properties(response.inputs) if response.HasField("inputs") else None,
        )

    def update(self, id: str, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Props:
        """``Update``: ``olds`` are the old *outputs*; returns the new outputs."""
        require_provider_key("update", news)
        refuse_secrets("update", olds, news)
        refuse_unknowns("update", olds, news)
        name, type_ = split_urn(urn)
        request = _pb.UpdateRequest(
            id=id,
            urn=urn,
            name=name,
            type=type_,
            olds=encode_properties(olds),
            news=encode_properties(news),
            timeout=self.timeout,
            preview=False,
        )
        response = self._call("Update", request)
        return decode_properties(response.properties)

    def delete(self, id: str, urn: str, props: Mapping[str, Any]) -> None:
        """``Delete`` with the old outputs."""
        require_provider_key("delete", props)
        refuse_secrets("delete", props)
        refuse_unknowns("delete", props)
        name, type_ = split_urn(urn)
        request = _pb.DeleteRequest(
            id=id,
            urn=urn,
            name=name,
            type=type_,
            properties=encode_properties(props),
            timeout=self.timeout,
        )
        self._call("Delete", request)

    # -- internals -------------------------------------------------------------------------
