"""Where and how to reach the JetEmail API: `ClientSettings`, resolved from the stack config,
then the environment, then the defaults, and checked.

No HTTP here, so that a provider can check its settings at `pulumi preview` without importing
the HTTP client.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from .errors import ConfigError, redact

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

CONFIG_API_KEY, ENV_API_KEY = "jetemail:apiKey", "JETEMAIL_API_KEY"
CONFIG_API_URL, ENV_API_URL = "jetemail:apiUrl", "JETEMAIL_API_URL"
CONFIG_RPM, ENV_RPM = "jetemail:requestsPerMinute", "JETEMAIL_REQUESTS_PER_MINUTE"
CONFIG_TIMEOUT, ENV_TIMEOUT = "jetemail:requestTimeout", "JETEMAIL_REQUEST_TIMEOUT"

KEY_HINT = f"; the key is set in {CONFIG_API_KEY} (stack config) or {ENV_API_KEY}"
"""Added to an authentication failure: where this provider read the key."""
MISSING_KEY_MESSAGE = (
    "No JetEmail API key is set. Set it in the stack config with "
    "`pulumi config set --secret jetemail:apiKey <key>`, or in the environment variable "
    "JETEMAIL_API_KEY (an account-management key, starting with `api_`)."
)


# --- settings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientSettings:
    """Where and how to reach the API. Frozen and hashable; `repr()` never shows the key."""

    api_key: str | None
    api_url: str = DEFAULT_API_URL
    requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT

    sources: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    """Where each field was read (`jetemail:apiUrl`, `JETEMAIL_API_URL`), for messages."""

    def __post_init__(self) -> None:
        """The one place settings are checked: a refused URL or a number out of range is a
        `ConfigError` that names where the value was set."""
        where = {
            "api_url": "api_url",
            "requests_per_minute": "requests_per_minute",
            "request_timeout": "request_timeout",
            **self.sources,
        }
        object.__setattr__(self, "api_url", check_api_url(self.api_url, where["api_url"]))
        check_requests_per_minute(self.requests_per_minute, where["requests_per_minute"])
        check_request_timeout(self.request_timeout, where["request_timeout"])

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
        found = {"api_url": url, "requests_per_minute": rpm, "request_timeout": timeout}
        return cls(
            api_key=None if key is None else _api_key_from(*key),
            api_url=DEFAULT_API_URL if url is None else url[1],  # type: ignore[arg-type]
            requests_per_minute=DEFAULT_REQUESTS_PER_MINUTE if rpm is None else _int_from(*rpm),
            request_timeout=DEFAULT_REQUEST_TIMEOUT if timeout is None else _seconds_from(*timeout),
            sources={name: value[0] for name, value in found.items() if value is not None},
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


def check_request_timeout(value: float, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{source} must be a number of seconds")
    if not (math.isfinite(value) and 0 < value <= MAX_REQUEST_TIMEOUT):
        raise ConfigError(
            f"{source} must be more than 0 and at most {MAX_REQUEST_TIMEOUT:g} seconds, not "
            f"{value:g} (the default is {DEFAULT_REQUEST_TIMEOUT:g})"
        )
    return float(value)


def check_requests_per_minute(value: int, source: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{source} must be a whole number of requests per minute")
    if not 1 <= value <= MAX_REQUESTS_PER_MINUTE:
        raise ConfigError(
            f"{source} must be between 1 and {MAX_REQUESTS_PER_MINUTE}, not {value} (the API "
            f"allows {API_REQUESTS_PER_MINUTE} a minute; the default is "
            f"{DEFAULT_REQUESTS_PER_MINUTE})"
        )
    return value


def check_api_url(value: object, source: str) -> str:
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
