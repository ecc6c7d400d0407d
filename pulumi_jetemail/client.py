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

import ipaddress
import json
import logging
import math
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import metadata
from types import TracebackType
from typing import Any, NoReturn
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from ._ratelimit import RateLimiter
from ._retry import (
    DEFAULT_MAX_RETRIES,
    INITIAL_RETRY_DELAY,
    MAX_RETRY_AFTER,
    MAX_RETRY_DELAY,
    Random,
    is_retryable,
    parse_retry_after,
    retry_delay,
)
from .errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    ConfigError,
    RateLimitError,
    error_for_status,
    redact,
)

__all__ = [
    "API_REQUESTS_PER_MINUTE",
    "DEFAULT_API_URL",
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_REQUESTS_PER_MINUTE",
    "DEFAULT_REQUEST_TIMEOUT",
    "DEFAULT_TIMEOUT",
    "INITIAL_RETRY_DELAY",
    "MAX_REQUESTS_PER_MINUTE",
    "MAX_REQUEST_TIMEOUT",
    "MAX_RETRY_AFTER",
    "MAX_RETRY_DELAY",
    "ClientSettings",
    "JetEmailClient",
    "RateLimiter",
    "parse_retry_after",
    "retry_delay",
    "shared_client",
]

logger = logging.getLogger("pulumi_jetemail")

DEFAULT_API_URL = "https://api.jetemail.com"
DEFAULT_REQUESTS_PER_MINUTE = 200
"""Our default pace: under the API's 240/min with room for clock and network skew."""
API_REQUESTS_PER_MINUTE = 240
"""The API's documented limit per account; going over blocks the account for 5 minutes."""
MAX_REQUESTS_PER_MINUTE = 10_000
"""Anything above is taken for a typo (useful only against the local emulator anyway)."""
DEFAULT_REQUEST_TIMEOUT = 30.0
"""Seconds a request may take to send and to answer (`jetemail:requestTimeout`)."""
MAX_REQUEST_TIMEOUT = 600.0
"""Anything above is taken for a typo (a value in milliseconds, say)."""
CONNECT_TIMEOUT = 5.0
DEFAULT_TIMEOUT = httpx.Timeout(DEFAULT_REQUEST_TIMEOUT, connect=CONNECT_TIMEOUT)
DEFAULT_LIMITS = httpx.Limits(max_connections=16, max_keepalive_connections=8)
"""The engine drives a provider with 4 threads, two providers share a client: 8 suffices."""

CONFIG_API_KEY, ENV_API_KEY = "jetemail:apiKey", "JETEMAIL_API_KEY"
CONFIG_API_URL, ENV_API_URL = "jetemail:apiUrl", "JETEMAIL_API_URL"
CONFIG_RPM, ENV_RPM = "jetemail:requestsPerMinute", "JETEMAIL_REQUESTS_PER_MINUTE"
CONFIG_TIMEOUT, ENV_TIMEOUT = "jetemail:requestTimeout", "JETEMAIL_REQUEST_TIMEOUT"

MISSING_KEY_MESSAGE = (
    "No JetEmail API key is set. Set it in the stack config with "
    "`pulumi config set --secret jetemail:apiKey <key>`, or in the environment variable "
    "JETEMAIL_API_KEY (an account-management key, starting with `api_`)."
)
_MAX_MESSAGE_CHARS = 300

try:
    _VERSION = metadata.version("pulumi-jetemail")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    _VERSION = "0"
USER_AGENT = f"pulumi-jetemail/{_VERSION} httpx/{httpx.__version__}"


# --- settings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientSettings:
    """Where and how to reach the API. Frozen and hashable; `repr()` never shows the key."""

    api_key: str | None
    api_url: str = DEFAULT_API_URL
    requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT

    def __post_init__(self) -> None:
        object.__setattr__(self, "api_url", _check_api_url(self.api_url, "api_url"))
        _check_requests_per_minute(self.requests_per_minute, "requests_per_minute")
        _check_request_timeout(self.request_timeout, "request_timeout")

    @property
    def timeout(self) -> httpx.Timeout:
        """The client's timeouts: `request_timeout`, and at most 5 s to connect."""
        return httpx.Timeout(
            self.request_timeout, connect=min(CONNECT_TIMEOUT, self.request_timeout)
        )

    def __repr__(self) -> str:
        key = "None" if self.api_key is None else "'[redacted]'"
        return (
            f"ClientSettings(api_key={key}, api_url={self.api_url!r}, "
            f"requests_per_minute={self.requests_per_minute}, "
            f"request_timeout={self.request_timeout:g})"
        )

    @classmethod
    def resolve(
        cls, config_get: Callable[[str], object | None], environ: Mapping[str, str]
    ) -> ClientSettings:
        """Settings from the stack config, else the environment, else the defaults.

        `config_get` looks a namespaced stack-config key up (`jetemail:apiKey`,
        `jetemail:apiUrl`, `jetemail:requestsPerMinute`, `jetemail:requestTimeout`); `environ`
        is `os.environ` or alike (`JETEMAIL_API_KEY`, `JETEMAIL_API_URL`,
        `JETEMAIL_REQUESTS_PER_MINUTE`, `JETEMAIL_REQUEST_TIMEOUT`). An empty value
        counts as unset. Raises `ConfigError` for a refused URL or a bad number; a missing key
        is only an error at the first API call.
        """
        key = _lookup(config_get, environ, CONFIG_API_KEY, ENV_API_KEY)
        url = _lookup(config_get, environ, CONFIG_API_URL, ENV_API_URL)
        rpm = _lookup(config_get, environ, CONFIG_RPM, ENV_RPM)
        timeout = _lookup(config_get, environ, CONFIG_TIMEOUT, ENV_TIMEOUT)
        return cls(
            api_key=None if key is None else _api_key_from(*key),
            api_url=DEFAULT_API_URL if url is None else _check_api_url(url[1], url[0]),
            requests_per_minute=(
                DEFAULT_REQUESTS_PER_MINUTE
                if rpm is None
                else _check_requests_per_minute(_int_from(*rpm), rpm[0])
            ),
            request_timeout=(
                DEFAULT_REQUEST_TIMEOUT
                if timeout is None
                else _check_request_timeout(_seconds_from(*timeout), timeout[0])
            ),
        )


def _lookup(
    config_get: Callable[[str], object | None],
    environ: Mapping[str, str],
    config_key: str,
    env_key: str,
) -> tuple[str, object] | None:
    """(source name, value) of the first set value: stack config first, then environment."""
    for source, value in ((config_key, config_get(config_key)), (env_key, environ.get(env_key))):
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return source, value
    return None


def _api_key_from(source: str, value: object) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{source} must be a string (the API key)")
    return value.strip()


def _int_from(source: str, value: object) -> int:
    number: float
    if isinstance(value, bool):
        raise ConfigError(f"{source} must be a whole number of requests per minute")
    if isinstance(value, int):
        return value
    try:
        number = float(value) if isinstance(value, (float, str)) else math.nan
    except ValueError:
        number = math.nan
    if not (math.isfinite(number) and number.is_integer()):
        raise ConfigError(
            f"{source} must be a whole number of requests per minute, not {str(value)[:40]!r}"
        )
    return int(number)


def _seconds_from(source: str, value: object) -> float:
    try:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError
        return float(value)
    except ValueError:
        raise ConfigError(
            f"{source} must be a number of seconds, not {str(value)[:40]!r}"
        ) from None


def _check_request_timeout(value: float, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{source} must be a number of seconds")
    if not (math.isfinite(value) and 0 < value <= MAX_REQUEST_TIMEOUT):
        raise ConfigError(
            f"{source} must be more than 0 and at most {MAX_REQUEST_TIMEOUT:g} seconds, not "
            f"{value:g} (the default is {DEFAULT_REQUEST_TIMEOUT:g})"
        )
    return float(value)


def _check_requests_per_minute(value: int, source: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{source} must be a whole number of requests per minute")
    if not 1 <= value <= MAX_REQUESTS_PER_MINUTE:
        raise ConfigError(
            f"{source} must be between 1 and {MAX_REQUESTS_PER_MINUTE}, not {value} (the API "
            f"allows {API_REQUESTS_PER_MINUTE} a minute; the default is "
            f"{DEFAULT_REQUESTS_PER_MINUTE})"
        )
    return value


def _check_api_url(value: object, source: str) -> str:
    """The URL without a trailing slash, or ConfigError: absolute http(s), https unless loopback."""
    if not isinstance(value, str):
        raise ConfigError(f"{source} must be a URL string such as {DEFAULT_API_URL}")
    url = value.strip()
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a bad port
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"{source} must be an absolute http(s) URL such as {DEFAULT_API_URL}, "
            f"not {redact(url)[:100]!r}"
        )
    if parts.username is not None or parts.password is not None:
        raise ConfigError(
            f"{source} must not carry credentials; set the key with jetemail:apiKey instead"
        )
    if parts.query or parts.fragment:
        raise ConfigError(f"{source} must not have a query or a fragment: {url!r}")
    scheme = parts.scheme.lower()
    if scheme == "http" and not _is_loopback(parts.hostname):
        raise ConfigError(
            f"{source} {url!r} is refused: plain http would send the API key unencrypted. "
            "Use https://, or http only to a loopback host (127.0.0.1, ::1, localhost)."
        )
    return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def _is_loopback(host: str) -> bool:
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


# --- one client per process ---------------------------------------------------------------

_shared_lock = threading.Lock()
_shared_clients: dict[ClientSettings, JetEmailClient] = {}
_shared_limiters: dict[tuple[str, str | None], RateLimiter] = {}


def shared_client(settings: ClientSettings) -> JetEmailClient:
    """The process's client for `settings`, created at the first call. Thread-safe.

    Every provider of the process gets the same client for the same settings, and every
    client of one (API URL, key) shares one rate limiter: the API's limit is per account.
    """
    with _shared_lock:
        client = _shared_clients.get(settings)
        if client is None:
            client = JetEmailClient.from_settings(settings, limiter=_shared_limiter(settings))
            _shared_clients[settings] = client
        return client


def _shared_limiter(settings: ClientSettings) -> RateLimiter:
    """The limiter of (url, key), made on first use. Call with `_shared_lock` held."""
    account = (settings.api_url, settings.api_key)
    limiter = _shared_limiters.get(account)
    if limiter is None:
        limiter = RateLimiter(settings.requests_per_minute, 60.0)
        _shared_limiters[account] = limiter
    elif limiter.max_requests != settings.requests_per_minute:
        logger.warning(
            "requestsPerMinute %d ignored for %s: this process already paces that account "
            "at %d a minute",
            settings.requests_per_minute,
            settings.api_url,
            limiter.max_requests,
        )
    return limiter


def _close_shared_clients() -> None:
    """Close and forget every shared client and limiter (for tests)."""
    with _shared_lock:
        for client in _shared_clients.values():
            client.close()
        _shared_clients.clear()
        _shared_limiters.clear()


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
    ) -> None:
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError("max_retries must be a non-negative int")
        self.base_url = _check_api_url(base_url, "base_url")
        self.max_retries = max_retries
        self._api_key = api_key
        self._sleep = sleep
        self._clock = clock
        self._rng: Random = rng if rng is not None else random.Random()  # noqa: S311 - jitter, not a secret
        if limiter is None:
            rpm = _check_requests_per_minute(requests_per_minute, "requests_per_minute")
            limiter = RateLimiter(rpm, 60.0, clock=clock, sleep=sleep)
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
            requests_per_minute=settings.requests_per_minute,
            **{"timeout": settings.timeout, **kwargs},
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
        return _list_of_dicts("GET", "/inbound/domains", self._get("/inbound/domains"))

    def create_domain(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """`POST /inbound/domains`: the new domain, with its `uuid` and `webhook_secret`.

        Not retried when the API may have acted on it: an `APIError` with `maybe_processed`
        true means the domain may exist now, and the caller must look before posting again.
        """
        path = "/inbound/domains"
        return _dict("POST", path, self._request("POST", path, body, idempotent=False))

    def get_domain(self, uuid: str) -> dict[str, Any]:
        """`GET /inbound/settings/{uuid}`: one domain's settings."""
        path = _path("inbound", "settings", uuid)
        return _dict("GET", path, self._get(path))

    def update_domain(self, uuid: str, body: Mapping[str, Any]) -> None:
        """`PATCH /inbound/settings/{uuid}` with the fields to change."""
        self._request("PATCH", _path("inbound", "settings", uuid), body, idempotent=True)

    def delete_domain(self, uuid: str) -> None:
        """`DELETE /inbound/domains` with the JSON body `{"uuid": uuid}`."""
        _path("inbound", "domains", uuid)  # validates the uuid
        self._request("DELETE", "/inbound/domains", {"uuid": uuid}, idempotent=True)

    def check_domain(self, uuid: str) -> dict[str, Any]:
        """`POST /inbound/domains/{uuid}/check`: re-check the forward-mode DNS records.

        Returns the answer's object, or `{}` when the API answers with a message only.
        """
        path = _path("inbound", "domains", uuid, "check")
        result = self._request("POST", path, None, idempotent=True)
        return {} if result is None else _dict("POST", path, result)

    # --- forward rules ---

    def list_forward_rules(self, domain_uuid: str) -> list[dict[str, Any]]:
        """`GET /inbound/domains/{domain_uuid}/forward-rules`."""
        path = _path("inbound", "domains", domain_uuid, "forward-rules")
        return _list_of_dicts("GET", path, self._get(path))

    def create_forward_rule(self, domain_uuid: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """`POST /inbound/domains/{domain_uuid}/forward-rules`: the new rule.

        Not retried when the API may have acted on it (see `create_domain`).
        """
        path = _path("inbound", "domains", domain_uuid, "forward-rules")
        return _dict("POST", path, self._request("POST", path, body, idempotent=False))

    def get_forward_rule(self, domain_uuid: str, rule_uuid: str) -> dict[str, Any]:
        """`GET /inbound/domains/{domain_uuid}/forward-rules/{rule_uuid}`."""
        path = _path("inbound", "domains", domain_uuid, "forward-rules", rule_uuid)
        return _dict("GET", path, self._get(path))

    def update_forward_rule(
        self, domain_uuid: str, rule_uuid: str, body: Mapping[str, Any]
    ) -> None:
        """`PATCH /inbound/domains/{domain_uuid}/forward-rules/{rule_uuid}`."""
        path = _path("inbound", "domains", domain_uuid, "forward-rules", rule_uuid)
        self._request("PATCH", path, body, idempotent=True)

    def delete_forward_rule(self, domain_uuid: str, rule_uuid: str) -> None:
        """`DELETE /inbound/domains/{domain_uuid}/forward-rules/{rule_uuid}`."""
        path = _path("inbound", "domains", domain_uuid, "forward-rules", rule_uuid)
        self._request("DELETE", path, None, idempotent=True)

    # --- the send path ---

    def _get(self, path: str) -> object:
        return self._request("GET", path, None, idempotent=True)

    def _request(
        self, method: str, path: str, body: Mapping[str, Any] | None, *, idempotent: bool
    ) -> object:
        """One API call with retries: the envelope's `result`, or None for a message."""
        if not self._api_key:
            raise ConfigError(MISSING_KEY_MESSAGE)
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
        """The error for an httpx failure: the first row of `_NO_ANSWER` that matches."""
        _kinds, error_class, what, maybe_processed = next(
            row for row in _NO_ANSWER if isinstance(exc, row[0])
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
        message = self._scrub(_error_message(response))
        if response.status_code in (401, 403):
            message += _auth_hint(self._api_key or "", message)
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


# --- helpers --------------------------------------------------------------------------------

_NoAnswerRow = tuple[tuple[type[httpx.RequestError], ...], type[APIConnectionError], str, bool]
_NO_ANSWER: tuple[_NoAnswerRow, ...] = (
    # (httpx failures, error class, what happened, maybe_processed), first match wins.
    # Never sent: no connection was made, or none was free in the pool.
    ((httpx.ConnectTimeout, httpx.PoolTimeout), APITimeoutError, "no connection", False),
    ((httpx.ConnectError,), APIConnectionError, "could not connect", False),
    # Sent, at least in part: the API may have acted on it.
    ((httpx.TimeoutException,), APITimeoutError, "no answer in time", True),
    ((httpx.RequestError,), APIConnectionError, "connection lost", True),
)


def _path(*segments: str) -> str:
    """`/a/b/c` from segments; each is percent-encoded so a uuid cannot change the path."""
    for segment in segments:
        if not isinstance(segment, str) or not segment:
            raise ValueError(f"a uuid must be a non-empty string, not {segment!r}")
    return "/" + "/".join(quote(segment, safe="") for segment in segments)


def _error_message(response: httpx.Response) -> str:
    """The API's word on a failure: JSON `error`, then `message`, then text, then reason."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        for field in ("error", "message"):
            value = body.get(field)
            if isinstance(value, str) and value.strip():
                return _truncate(value)
            if value:  # e.g. {"error": {"field": "domain", ...}}
                return _truncate(json.dumps(value, separators=(",", ":"), sort_keys=True))
    text = " ".join(response.text.split())
    if text:
        return _truncate(text)
    return response.reason_phrase or "no message"


def _truncate(text: str) -> str:
    """The API's message on one line (line breaks and runs of spaces become one space), cut
    to `_MAX_MESSAGE_CHARS`: an error is one line in the user's terminal and CI log."""
    text = " ".join(text.split())
    if len(text) <= _MAX_MESSAGE_CHARS:
        return text
    return text[: _MAX_MESSAGE_CHARS - 1] + "…"


def _auth_hint(api_key: str, message: str) -> str:
    """What to check after a 401/403, unless the API's message already says it."""
    if "api_" in message:
        return ""
    if not api_key.startswith("api_"):
        return (
            " (the configured key does not start with `api_`: only account-management keys "
            "can manage inbound domains; transactional keys are refused)"
        )
    return f" (check the key set in {CONFIG_API_KEY} or {ENV_API_KEY})"


def _dict(method: str, path: str, result: object) -> dict[str, Any]:
    if not isinstance(result, dict):
        raise APIError(method, path, f"unexpected answer: `result` is {_kind(result)}")
    return result


def _list_of_dicts(method: str, path: str, result: object) -> list[dict[str, Any]]:
    if not isinstance(result, list) or not all(isinstance(item, dict) for item in result):
        raise APIError(method, path, f"unexpected answer: `result` is {_kind(result)}")
    return result


def _kind(value: object) -> str:
    return "missing" if value is None else f"a {type(value).__name__}, not the expected shape"
