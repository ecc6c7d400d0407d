"""A reference for the parallel-apply row: a dynamic provider that is nothing but httpx.

It makes the same HTTP requests as `InboundDomainProvider` (one POST per create, one GET per
read, one DELETE per delete) through one shared `httpx.Client`, and nothing else: no
validation, no rate limiter, no retries, no models. Run through the same
`python -m pulumi.dynamic` server, it shows what any httpx-based dynamic provider costs on
top of plain httpx calls (the engine's own gRPC server, its (de)serialization and its
worker threads), so that a gap between ours and plain httpx can be told apart from it.
"""

from __future__ import annotations

import threading
from typing import Any

import httpx
from pulumi.dynamic import CreateResult, ReadResult, ResourceProvider
from pulumi.dynamic.dynamic import ConfigureRequest

API_FIELDS = (
    "domain",
    "delivery_type",
    "smtp_servers",
    "webhook_url",
    "webhook_method",
    "webhook_headers",
    "webhook_timeout",
    "webhook_retry_count",
    "webhook_auth_header",
)
INTEGERS = ("webhook_timeout", "webhook_retry_count")

_lock = threading.Lock()
_clients: dict[tuple[str, str], httpx.Client] = {}


def _client(url: str, key: str) -> httpx.Client:
    with _lock:
        if (url, key) not in _clients:
            headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
            _clients[url, key] = httpx.Client(base_url=url, headers=headers, timeout=30)
        return _clients[url, key]


class HttpxProvider(ResourceProvider):
    """create = POST, read = GET, delete = DELETE, as ours does, with bare httpx."""

    def configure(self, req: ConfigureRequest) -> None:
        self._url = str(req.config.get("jetemail:apiUrl"))
        self._key = str(req.config.get("jetemail:apiKey"))

    def create(self, props: dict[str, Any]) -> CreateResult:
        body = {k: props[k] for k in API_FIELDS if k in props}
        body.update({k: int(body[k]) for k in INTEGERS if k in body})
        answer = _client(self._url, self._key).post("/inbound/domains", json=body)
        answer.raise_for_status()
        result = answer.json()["result"]
        return CreateResult(result["uuid"], {**props, **result})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        answer = _client(self._url, self._key).get(f"/inbound/settings/{id_}")
        answer.raise_for_status()
        return ReadResult(id_, {**props, **answer.json()["result"]})

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        answer = _client(self._url, self._key).request(
            "DELETE", "/inbound/domains", json={"uuid": id_}
        )
        answer.raise_for_status()
