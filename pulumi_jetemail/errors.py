"""The one error tree of pulumi-jetemail.

    JetEmailError                      anything this package raises on purpose
    ├── ConfigError                    missing API key, refused apiUrl, bad setting
    └── APIError(method, path)         a call to the JetEmail API failed
        ├── APIConnectionError         no answer: refused, reset, dropped (see `maybe_processed`)
        │   └── APITimeoutError        no answer in time
        └── APIStatusError(status, message)
            ├── ValidationError        400: the API refused the body
            ├── AuthError              401/403: the key is wrong or not an account key
            ├── NotFoundError          404
            ├── ConflictError          409: e.g. the domain already exists
            ├── RateLimitError         429 (`retry_after` seconds)
            └── ServerError            5xx

Every `APIError` says whether the API may have acted on the request (`maybe_processed`): a
create that failed with `maybe_processed` true must be reconciled before it is sent again.

No message in this tree ever holds a credential: messages are built from the method, the
path (uuids only), the status and the API's own message, which `redact()` scrubs again.
"""

from __future__ import annotations

import re

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthError",
    "ConfigError",
    "ConflictError",
    "JetEmailError",
    "NotFoundError",
    "RateLimitError",
    "ServerError",
    "ValidationError",
    "error_for_status",
    "redact",
]

# API keys (`api_…`, `transactional_…`), webhook secrets (`whsec_…`) and bearer tokens.
_SECRET_PATTERN = re.compile(
    r"(?i)\b(api_|transactional_|whsec_)[A-Za-z0-9_\-]+|(bearer\s+)[^\s\"',;]+"
)


def redact(text: str) -> str:
    """Replace anything shaped like a credential in `text` with `[redacted]`."""

    def _sub(match: re.Match[str]) -> str:
        prefix = match.group(1) or match.group(2) or ""
        return f"{prefix}[redacted]"

    return _SECRET_PATTERN.sub(_sub, text)


class JetEmailError(Exception):
    """Base class of every error pulumi-jetemail raises on purpose."""


class ConfigError(JetEmailError):
    """The provider's settings are missing or refused (API key, apiUrl, rate limit)."""


class APIError(JetEmailError):
    """A call to the JetEmail API failed."""

    maybe_processed: bool = True
    """Whether the API may have acted on the request. False only when it certainly did not:
    the connection was never made, or the API refused the call with a 4xx."""

    def __init__(self, method: str, path: str, message: str) -> None:
        self.method = method
        self.path = path
        self.message = redact(message)
        super().__init__(f"JetEmail API {method} {path}: {self.message}")


class APIConnectionError(APIError):
    """The API gave no answer (refused, reset or dropped connection)."""

    def __init__(
        self, method: str, path: str, message: str, *, maybe_processed: bool = True
    ) -> None:
        super().__init__(method, path, message)
        self.maybe_processed = maybe_processed
        """False only when the request certainly never reached the server (connect failed)."""


class APITimeoutError(APIConnectionError):
    """The API gave no answer in time."""


class APIStatusError(APIError):
    """The API answered with a non-2xx status."""

    def __init__(
        self,
        method: str,
        path: str,
        status: int,
        message: str,
        retry_after: float | None = None,
    ) -> None:
        self.status = status
        super().__init__(method, path, f"{status} {message}")
        self.message = redact(message)
        self.retry_after = retry_after
        """Seconds the answer's `Retry-After` asked to wait (429, 503), else None."""
        # A 4xx is a refusal: nothing happened. Anything else (5xx, a garbled 2xx) may have.
        self.maybe_processed = not 400 <= status < 500


class ValidationError(APIStatusError):
    """400: the API refused the request body."""


class AuthError(APIStatusError):
    """401 or 403: the API key is wrong, revoked, or not an account-management (`api_`) key."""


class NotFoundError(APIStatusError):
    """404: no such domain or rule."""


class ConflictError(APIStatusError):
    """409: the thing already exists (e.g. a domain already on an account)."""


class RateLimitError(APIStatusError):
    """429: the account went over its rate limit and is blocked for a while."""

    def __init__(
        self, method: str, path: str, status: int, message: str, retry_after: float | None
    ) -> None:
        super().__init__(method, path, status, message, retry_after)


class ServerError(APIStatusError):
    """5xx: the API failed; the request may or may not have been processed."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: ValidationError,
    401: AuthError,
    403: AuthError,
    404: NotFoundError,
    409: ConflictError,
}


def error_for_status(
    method: str, path: str, status: int, message: str, retry_after: float | None = None
) -> APIStatusError:
    """The one factory that picks the error class for an HTTP status."""
    if status == 429:
        return RateLimitError(method, path, status, message, retry_after)
    if status >= 500:
        return ServerError(method, path, status, message, retry_after)
    cls = _BY_STATUS.get(status, APIStatusError)
    return cls(method, path, status, message, retry_after)
