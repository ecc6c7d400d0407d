"""What one provider process shares: the TLS context (made once), a client per settings, and
a rate limiter per account (shared with the machine's other processes that use it)."""

from __future__ import annotations

import logging
import ssl
import threading

import httpx

from . import client as api
from ._ratelimit import RateLimiter, SharedRateLimiter, shared_path
from ._settings import ClientSettings

__all__ = ["close_shared_clients", "shared_client", "tls_context"]

logger = logging.getLogger("pulumi_jetemail")


# --- TLS, set up once per process ----------------------------------------------------------

_tls_lock = threading.Lock()
_tls: ssl.SSLContext | None = None


def tls_context(base_url: str) -> ssl.SSLContext:
    """The TLS context of a client of `base_url`, verifying as httpx's default does.

    httpx builds one for every `Client` (loading the CA bundle: 40 to 90 ms here), whether the
    URL is https or not. This one is made once per process for https; a plain-http URL (which
    the settings allow only to a loopback host, such as the emulator) gets a context with no
    CA loaded, which verifies as strictly and is never used, since nothing is sent over TLS
    there and redirects are not followed."""
    global _tls  # noqa: PLW0603 - one per process, on purpose
    if not base_url.lower().startswith("https:"):
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifying, and no CA: trusts nothing
    with _tls_lock:
        if _tls is None:
            _tls = httpx.create_ssl_context()
        return _tls


# --- one client per process ---------------------------------------------------------------

_shared_lock = threading.Lock()
_shared_clients: dict[ClientSettings, api.JetEmailClient] = {}
_shared_limiters: dict[tuple[str, str | None], RateLimiter] = {}


def shared_client(settings: ClientSettings) -> api.JetEmailClient:
    """The process's client for `settings`, created at the first call. Thread-safe.

    Every provider of the process gets the same client for the same settings, and every
    client of one (API URL, key) shares one rate limiter: the API's limit is per account.
    """
    with _shared_lock:
        client = _shared_clients.get(settings)
        if client is None:
            client = api.JetEmailClient.from_settings(settings, limiter=_shared_limiter(settings))
            _shared_clients[settings] = client
        return client


def _shared_limiter(settings: ClientSettings) -> RateLimiter:
    """The limiter of (url, key), made on first use, shared with the other processes of this
    machine that use the same account. Call with `_shared_lock` held."""
    account = (settings.api_url, settings.api_key)
    limiter = _shared_limiters.get(account)
    if limiter is None:
        path = shared_path(settings.api_url, settings.api_key or "")
        limiter = SharedRateLimiter(settings.requests_per_minute, 60.0, path=path)
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


def close_shared_clients() -> None:
    """Close and forget every shared client and limiter (for tests)."""
    with _shared_lock:
        for client in _shared_clients.values():
            client.close()
        _shared_clients.clear()
        _shared_limiters.clear()
