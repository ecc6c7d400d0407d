"""The benchmarks' baseline: a dynamic provider that does nothing, as cheaply as possible.

It lives in an importable module so that dill pickles it by reference, as it does ours: the
serialized-provider row compares against it, and every timed row runs it through the same
`python -m pulumi.dynamic` server as `InboundDomainProvider`. The same source, run as a
program's `__main__`, is what the Pulumi docs' inline style costs (pickled by value).
"""

from __future__ import annotations

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
