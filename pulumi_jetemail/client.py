"""The JetEmail management API over HTTP: settings, auth, rate limit, retries, error mapping.

This layer knows nothing of Pulumi. Answers are the API's raw `result` objects (the envelope
unwrapped); parsing them is `models.py`'s job. Failures are the error tree of `errors.py`.

One call goes through a chain of small methods, each doing one thing:

    _request      the retry loop (policy in `_retry.py`)
    _attempt      one attempt: build the request, take a rate-limit slot, send, read the answer
    _build        method, path, bearer auth and JSON body as an `httpx.Request`
    _send         the network; httpx failures become `APIConnectionError` / `APITimeoutError`
    _read         2xx: unwrap the envelope; otherwise `error_for_status(...)`

The API key is never logged, never put in a message, and never pickled.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, NoReturn

import httpx

from . import _process
from ._answers import (
    NO_ANSWER,
    as_dict,
    as_list_of_dicts,
    auth_hint,
    error_message,
    path_of,
)
from ._ratelimit import RateLimiter
from ._retry import (
    DEFAULT_MAX_RETRIES,
    Random,
    is_retryable,
    parse_retry_after,
    retry_delay,
)
from ._settings import (
    API_REQUESTS_PER_MINUTE,
    CONNECT_TIMEOUT,
    DEFAULT_API_URL,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_REQUESTS_PER_MINUTE,
    ClientSettings,
)
from ._version import __version__
from .errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    ConfigError,
    RateLimitError,
    error_for_status,
    redact,
)

__all__ = ["DEFAULT_LIMITS", "DEFAULT_TIMEOUT", "JetEmailClient"]

logger = logging.getLogger("pulumi_jetemail")

DEFAULT_TIMEOUT = httpx.Timeout(DEFAULT_REQUEST_TIMEOUT, connect=CONNECT_TIMEOUT)
DEFAULT_LIMITS = httpx.Limits(max_connections=16, max_keepalive_connections=8)
"""The engine drives a provider with 4 threads, two providers share a client: 8 suffices."""

USER_AGENT = f"pulumi-jetemail/{__version__} httpx/{httpx.__version__}"


def _timeout_of(settings: ClientSettings) -> httpx.Timeout:
    """The client's timeouts: `request_timeout`, and at most 5 s to connect."""
    return httpx.Timeout(
        settings.request_timeout, connect=min(CONNECT_TIMEOUT, settings.request_timeout)
    )


# --- the client -----------------------------------------------------------------------------


class JetEmailClient:
    """A thread-safe client of the JetEmail management API.

    One keep-alive `httpx.Client`, bearer auth, a client-side rate limiter every attempt goes
    through, retries with backoff (`_retry.py`), and API failures raised as `errors.py`'s
    tree. `transport` is the test seam (`httpx.MockTransport`); `clock` and `sleep` drive the
    limiter and the backoff, so tests never wait. Pass `limiter` to share one across clients.
    """

    def __init__(
        self,
        api_key: str | None,
        base_url: str = DEFAULT_API_URL,
        *,
        requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Random | None = None,
        limiter: RateLimiter | None = None,
        settings: ClientSettings | None = None,
    ) -> None:
        """`settings` (from `from_settings`) were checked when made; else the arguments are
        checked here, by making them settings."""
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError("max_retries must be a non-negative int")
        if settings is None:
            settings = ClientSettings(
                api_key,
                base_url,
                requests_per_minute,
                sources={"api_url": "base_url"},
            )
        self.base_url = settings.api_url
        self.max_retries = max_retries
        self._api_key = api_key
        self._sleep = sleep
        self._clock = clock
        self._rng: Random = rng if rng is not None else random.Random()  # noqa: S311 - jitter, not a secret
        if limiter is None:
            limiter = RateLimiter(settings.requests_per_minute, 60.0, clock=clock, sleep=sleep)
        self.limiter = limiter
        if limiter.max_requests > API_REQUESTS_PER_MINUTE and self.base_url == DEFAULT_API_URL:
            logger.warning(
                "pacing %d requests a minute, over the API's %d: a 429 blocks the account "
                "for 5 minutes",
                limiter.max_requests,
                API_REQUESTS_PER_MINUTE,
            )
        self._http = httpx.Client(
            base_url=self.base_url,
            verify=_process.tls_context(self.base_url),
            transport=transport,
            timeout=timeout,
            limits=DEFAULT_LIMITS,
            follow_redirects=False,
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
        )

    @classmethod
    def from_settings(cls, settings: ClientSettings, **kwargs: Any) -> JetEmailClient:
        """A client for `settings`; `kwargs` go to the constructor."""
        return cls(
            settings.api_key,
            settings.api_url,
            settings=settings,
            **{"timeout": _timeout_of(settings), **kwargs},
        )

    def __repr__(self) -> str:
        return f"JetEmailClient({self.base_url!r})"

    def __getstate__(self) -> NoReturn:
        # Pickling would put the key in Pulumi state: build the client in configure().
        raise TypeError("JetEmailClient cannot be pickled (it holds the API key)")

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> JetEmailClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- inbound domains ---

    def list_domains(self) -> list[dict[str, Any]]:
        """`GET /inbound/domains`: every inbound domain of the account."""
        return as_list_of_dicts("GET", "/inbound/domains", self._get("/inbound/domains"))

    def create_domain(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """`POST /inbound/domains`: the new domain, with its `uuid` and `webhook_secret`.

        Not retried when the API may have acted on it: an `APIError` with `maybe_processed`
        true means the domain may exist now, and the caller must look before posting again.
        """
        path = "/inbound/domains"
        return as_dict("POST", path, self._request("POST", path, body, idempotent=False))

    def get_domain(self, uuid: str) -> dict[str, Any]:
        """`GET /inbound/settings/{uuid}`: one domain's settings."""
        path = path_of("inbound", "settings", uuid)
        return as_dict("GET", path, self._get(path))

    def update_domain(self, uuid: str, body: Mapping[str, Any]) -> None:
        """`PATCH /inbound/settings/{uuid}` with the fields to change."""
        self._request("PATCH", path_of("inbound", "settings", uuid), body, idempotent=True)

    def delete_domain(self, uuid: str) -> None:
        """`DELETE /inbound/domains` with the JSON body `{"uuid": uuid}`."""
        path_of("inbound", "domains", uuid)  # validates the uuid
        self._request("DELETE", "/inbound/domains", {"uuid": uuid}, idempotent=True)

    def check_domain(self, uuid: str) -> dict[str, Any]:
        """`POST /inbound/domains/{uuid}/check`: re-check the forward-mode DNS records.

        Returns the answer's object, or `{}` when the API answers with a message only.
        """
        path = path_of("inbound", "domains", uuid, "check")
        result = self._request("POST", path, None, idempotent=True)
        return {} if result is None else as_dict("POST", path, result)

    # --- forward rules ---

    def list_forward_rules(self, domain_uuid: str) -> list[dict[str, Any]]:
        """`GET /inbound/domains/{domain_uuid}/forward-rules`."""
        path = path_of("inbound", "domains", domain_uuid, "forward-rules")
        return as_list_of_dicts("GET", path, self._get(path))

    def create_forward_rule(self, domain_uuid: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """`POST /inbound/domains/{domain_uuid}/forward-rules`: the new rule.

        Not retried when the API may have acted on it (see `create_domain`).
        """
        path = path_of("inbound", "domains", domain_uuid, "forward-rules")
        return as_dict("POST", path, self._request("POST", path, body, idempotent=False))

    def get_forward_rule(self, domain_uuid: str, rule_uuid: str) -> dict[str, Any]:
        """`GET /inbound/domains/{domain_uuid}/forward-rules/{rule_uuid}`."""
        path = path_of("inbound", "domains", domain_uuid, "forward-rules", rule_uuid)
        return as_dict("GET", path, self._get(path))

    def update_forward_rule(
        self, domain_uuid: str, rule_uuid: str, body: Mapping[str, Any]
    ) -> None:
        """`PATCH /inbound/domains/{domain_uuid}/forward-rules/{rule_uuid}`."""
        path = path_of("inbound", "domains", domain_uuid, "forward-rules", rule_uuid)
        self._request("PATCH", path, body, idempotent=True)

    def delete_forward_rule(self, domain_uuid: str, rule_uuid: str) -> None:
        """`DELETE /inbound/domains/{domain_uuid}/forward-rules/{rule_uuid}`."""
        path = path_of("inbound", "domains", domain_uuid, "forward-rules", rule_uuid)
        self._request("DELETE", path, None, idempotent=True)

    # --- the send path ---

    def _get(self, path: str) -> object:
        return self._request("GET", path, None, idempotent=True)

    def _request(
        self, method: str, path: str, body: Mapping[str, Any] | None, *, idempotent: bool
    ) -> object:
        """One API call with retries: the envelope's `result`, or None for a message."""
        if not self._api_key:
            raise ConfigError("no JetEmail API key was given to the client")
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._attempt(method, path, body)
            except APIError as error:
                delay = self._delay_after(error, attempt)
                if attempt > self.max_retries or not is_retryable(error, idempotent=idempotent):
                    raise
                logger.info(
                    "retrying %s %s in %.1f s (attempt %d of %d) after: %s",
                    method,
                    path,
                    delay,
                    attempt + 1,
                    self.max_retries + 1,
                    error.message,
                )
                if not isinstance(error, RateLimitError):
                    self._sleep(delay)  # after a 429 the limiter is paused: acquire() waits

    def _delay_after(self, error: APIError, attempt: int) -> float:
        """The wait before the next attempt; a 429 also pauses the limiter for everyone."""
        retry_after = error.retry_after if isinstance(error, APIStatusError) else None
        delay = retry_delay(attempt, retry_after, self._rng)
        if isinstance(error, RateLimitError):
            self.limiter.pause(delay)
            logger.warning(
                "JetEmail rate limit hit (429 on %s %s); pausing all requests for %.1f s",
                error.method,
                error.path,
                delay,
            )
        return delay

    def _attempt(self, method: str, path: str, body: Mapping[str, Any] | None) -> object:
        """One attempt: build, wait for a rate-limit slot, send, read."""
        request = self._build(method, path, body)
        self.limiter.acquire()
        started = self._clock()
        try:
            response = self._send(method, path, request)
        except APIConnectionError as error:
            self._log_exchange(method, path, type(error.__cause__).__name__, started)
            raise
        self._log_exchange(method, path, str(response.status_code), started)
        return self._read(method, path, response)

    def _build(self, method: str, path: str, body: Mapping[str, Any] | None) -> httpx.Request:
        """The request with bearer auth and, if any, a JSON body (DELETE included)."""
        headers = {"Authorization": f"Bearer {self._api_key}"}
        json_body = dict(body) if body is not None else None
        return self._http.build_request(method, path, json=json_body, headers=headers)

    def _send(self, method: str, path: str, request: httpx.Request) -> httpx.Response:
        """Send once; httpx's failures become the error tree's connection errors."""
        try:
            return self._http.send(request)
        except httpx.RequestError as exc:
            raise self._connection_error(method, path, exc) from exc

    def _connection_error(
        self, method: str, path: str, exc: httpx.RequestError
    ) -> APIConnectionError:
        """The error for an httpx failure: the first row of `NO_ANSWER` that matches."""
        _kinds, error_class, what, maybe_processed = next(
            row for row in NO_ANSWER if isinstance(exc, row[0])
        )
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        message = self._scrub(f"{what} to {self.base_url} ({detail})")
        return error_class(method, path, message, maybe_processed=maybe_processed)

    def _read(self, method: str, path: str, response: httpx.Response) -> object:
        """A 2xx answer's `result` (None for a message-only answer); else raise its error."""
        if not response.is_success:
            raise self._status_error(method, path, response)
        if not response.content.strip():
            return None
        try:
            body = response.json()
        except ValueError:
            raise APIStatusError(
                method,
                path,
                response.status_code,
                f"the answer is not JSON ({len(response.content)} bytes of "
                f"{response.headers.get('content-type', 'no content type')})",
            ) from None
        if isinstance(body, dict):
            if body.get("success") is False:  # a failure dressed as a 2xx
                raise self._status_error(method, path, response)
            if "result" in body:
                return body["result"]
            if "success" in body or "message" in body:
                return None
        return body  # an answer without the envelope: taken as the result itself

    def _status_error(self, method: str, path: str, response: httpx.Response) -> APIStatusError:
        message = self._scrub(error_message(response))
        if response.status_code in (401, 403):
            message += auth_hint(self._api_key or "", message)
        retry_after = parse_retry_after(response.headers, time.time())
        return error_for_status(method, path, response.status_code, message, retry_after)

    def _scrub(self, text: str) -> str:
        """Remove the key itself (whatever its shape) on top of `redact()`'s patterns."""
        if self._api_key:
            text = text.replace(self._api_key, "[redacted]")
        return redact(text)

    def _log_exchange(self, method: str, path: str, outcome: str, started: float) -> None:
        elapsed_ms = (self._clock() - started) * 1000
        logger.debug("%s %s -> %s (%.0f ms)", method, path, outcome, elapsed_ms)
