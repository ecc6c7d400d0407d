"""The benchmarks' baseline: a dynamic provider that does nothing, as cheaply as possible.

It lives in an importable module so that dill pickles it by reference, as it does ours: the
serialized-provider row compares against it, and every timed row runs it through the same
`python -m pulumi.dynamic` server as `InboundDomainProvider`. The same source, run as a
program's `__main__`, is what the Pulumi docs' inline style costs (pickled by value).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from typing import Any

from pulumi.dynamic import (
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
)


class NoopProvider(ResourceProvider):
    """Echoes inputs in check, reports no change in diff, stores nothing anywhere."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(news, [])

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(str(uuid.uuid4()), props)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, props)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class SleepyNoopProvider(NoopProvider):
    """The no-op, waiting `NOOP_CREATE_DELAY` seconds (environment) in each create: a provider
    whose API answers in exactly that time and that costs nothing else (the baseline of a
    whole `pulumi up`). Its state is in the environment, not on the instance, so that it
    pickles as the no-op does: by reference."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        time.sleep(float(os.environ.get("NOOP_CREATE_DELAY", "0")))
        return CreateResult(str(uuid.uuid4()), props)


class NoopResource(Resource, module="bench", name="Noop"):
    """A resource of one of the providers above, with the inputs it is given."""

    def __init__(self, provider: ResourceProvider, name: str, props: dict[str, Any]) -> None:
        super().__init__(provider, name, props)


class ShapedNoopProvider(SleepyNoopProvider):
    """The sleepy no-op, keeping state of ours' shape: check adds the inputs ours adds (its
    defaults), create answers with the outputs ours answered for one domain (recorded by the
    bench in `NOOP_SHAPE`, JSON `{"inputs": ..., "outputs": ...}`), this resource's inputs
    over them. The engine then checkpoints as many bytes per resource as it does for ours,
    and what is left between the two is the provider's own cost."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult({**_shape()["inputs"], **news}, [])

    def create(self, props: dict[str, Any]) -> CreateResult:
        time.sleep(float(os.environ.get("NOOP_CREATE_DELAY", "0")))
        id_ = str(uuid.uuid4())
        return CreateResult(id_, {**_shape()["outputs"], **props, "uuid": id_})


def _shape() -> dict[str, dict[str, Any]]:
    shape: dict[str, dict[str, Any]] = json.loads(os.environ["NOOP_SHAPE"])
    return shape
