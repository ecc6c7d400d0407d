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
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ._declare import INTEGER, STRING, Declaration, Prop, Type, camel
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


# --- one setting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One provider setting, said once: its name, type and description (for the schema's
    `config` and the explicit provider's inputs), its environment variable, its default, how
    a raw value is read and how it is checked. `SETTINGS` lists them; `ClientSettings`, the
    schema, the typed surface and both doors read them from there."""

    name: str
    """snake_case, as `ClientSettings` and the Python classes spell it."""
    type: Type
    description: str
    env: str
    default: Any
    read: Callable[[str, object], Any]
    """A raw value (a string from the environment, a value from the config) as the setting's
    type, or `ConfigError` naming where it was set."""
    valid: Callable[[Any, str], Any] | None = None
    """The value checked (range, form) and made canonical, or `ConfigError` naming where it
    was set."""
    secret: bool = False

    @property
    def camel(self) -> str:
        return camel(self.name)

    @property
    def config_key(self) -> str:
        """The stack-config key, e.g. `jetemail:apiKey`."""
        return f"jetemail:{self.camel}"

    @property
    def prop(self) -> Prop:
        """The setting as an input of the explicit provider (its description says the
        default and where else it is read)."""
        default = "" if self.default is None else f" Default: {self.default}."
        text = f"{self.description}{default} Falls back to {self.config_key}, then {self.env}."
        return Prop(self.name, self.type, text, secret=self.secret)


# --- settings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientSettings:
    """Where and how to reach the API. Frozen and hashable; `repr()` never shows the key."""

    api_key: str | None = None
    api_url: str = DEFAULT_API_URL
    requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT

    sources: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    """Where each field was read (`jetemail:apiUrl`, `JETEMAIL_API_URL`), for messages."""

    def __post_init__(self) -> None:
        """The one place settings are checked: a refused URL or a number out of range is a
        `ConfigError` that names where the value was set."""
        for setting in SETTINGS:
            if setting.valid is not None:
                where = self.sources.get(setting.name, setting.name)
                value = setting.valid(getattr(self, setting.name), where)
                object.__setattr__(self, setting.name, value)

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

        `config_get` looks a setting's stack-config key up (`jetemail:apiKey`...), `environ`
        is `os.environ` or alike (`JETEMAIL_API_KEY`...). An empty value counts as unset.
        Raises `ConfigError` for a refused URL or a bad number; a missing key is only an
        error at the first API call.
        """
        return cls.of(lambda s: config_get(s.config_key), environ)

    @classmethod
    def of(
        cls, value_of: Callable[[Setting], object | None], environ: Mapping[str, str]
    ) -> ClientSettings:
        """Settings from `value_of(setting)` (a door's own source, named in messages by the
        setting's config key), else the environment, else the defaults."""
        values: dict[str, Any] = {}
        sources: dict[str, str] = {}
        for setting in SETTINGS:
            for source, raw in (
                (setting.config_key, value_of(setting)),
                (setting.env, environ.get(setting.env)),
            ):
                if raw is not None and not (isinstance(raw, str) and not raw.strip()):
                    values[setting.name] = setting.read(source, raw)
                    sources[setting.name] = source
                    break
        return cls(**values, sources=sources)


def _read_key(source: str, value: object) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{source} must be a string (the API key)")
    return value.strip()


def _read_int(source: str, value: object) -> int:
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


def _read_seconds(source: str, value: object) -> float:
    try:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError
        return float(value)
    except ValueError:
        raise ConfigError(
            f"{source} must be a number of seconds, not {str(value)[:40]!r}"
        ) from None


def _valid_timeout(value: float, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{source} must be a number of seconds")
    if not (math.isfinite(value) and 0 < value <= MAX_REQUEST_TIMEOUT):
        raise ConfigError(
            f"{source} must be more than 0 and at most {MAX_REQUEST_TIMEOUT:g} seconds, not "
            f"{value:g} (the default is {DEFAULT_REQUEST_TIMEOUT:g})"
        )
    return float(value)


def _valid_pace(value: int, source: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{source} must be a whole number of requests per minute")
    if not 1 <= value <= MAX_REQUESTS_PER_MINUTE:
        raise ConfigError(
            f"{source} must be between 1 and {MAX_REQUESTS_PER_MINUTE}, not {value} (the API "
            f"allows {API_REQUESTS_PER_MINUTE} a minute; the default is "
            f"{DEFAULT_REQUESTS_PER_MINUTE})"
        )
    return value


def _valid_url(value: object, source: str) -> str:
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


def _read_url(source: str, value: object) -> object:
    return value  # `_valid_url` says what a URL must be


SETTINGS = (
    Setting(
        "api_key",
        STRING,
        "The account-management API key (starts with `api_`); secret.",
        env="JETEMAIL_API_KEY",
        default=None,
        read=_read_key,
        secret=True,
    ),
    Setting(
        "api_url",
        STRING,
        "The API's base URL.",
        env="JETEMAIL_API_URL",
        default=DEFAULT_API_URL,
        read=_read_url,
        valid=_valid_url,
    ),
    Setting(
        "requests_per_minute",
        INTEGER,
        f"Requests a minute this provider process sends at most (the API allows "
        f"{API_REQUESTS_PER_MINUTE} an account).",
        env="JETEMAIL_REQUESTS_PER_MINUTE",
        default=DEFAULT_REQUESTS_PER_MINUTE,
        read=_read_int,
        valid=_valid_pace,
    ),
    Setting(
        "request_timeout",
        Type("number"),
        "Seconds a request may take to send and to answer.",
        env="JETEMAIL_REQUEST_TIMEOUT",
        default=DEFAULT_REQUEST_TIMEOUT,
        read=_read_seconds,
        valid=_valid_timeout,
    ),
)
"""The provider's settings, in the order of the schema."""

_KEY = SETTINGS[0]
KEY_HINT = f"; the key is set in {_KEY.config_key} (stack config) or {_KEY.env}"
"""Added to an authentication failure: where this provider read the key."""
MISSING_KEY_MESSAGE = (
    "No JetEmail API key is set. Set it in the stack config with "
    f"`pulumi config set --secret {_KEY.config_key} <key>`, or in the environment variable "
    f"{_KEY.env} (an account-management key, starting with `api_`)."
)
"""The error of the first API call made with no key."""

PROVIDER_CONFIG = Declaration(
    name="Provider",
    description="How the native provider reaches JetEmail. Each setting falls back to its "
    "stack-config key, then to its environment variable, then to its default.",
    kind="provider",
    props=tuple(setting.prop for setting in SETTINGS),
)
"""The settings as the inputs of an explicit provider (the schema's `config` too)."""
