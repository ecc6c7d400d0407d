"""The API's answers as the client reads them: the envelope's `result` checked for its shape, a
failure's message on one line, what each kind of connection failure means (sent or not),
and the hint after a refused key. No state, no I/O."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx

from .errors import APIConnectionError, APIError, APITimeoutError

__all__ = [
    "NO_ANSWER",
    "as_dict",
    "as_list_of_dicts",
    "auth_hint",
    "error_message",
    "path_of",
]

_MAX_MESSAGE_CHARS = 300

NoAnswerRow = tuple[tuple[type[httpx.RequestError], ...], type[APIConnectionError], str, bool]
NO_ANSWER: tuple[NoAnswerRow, ...] = (
    # (httpx failures, error class, what happened, maybe_processed), first match wins.
    # Never sent: no connection was made, or none was free in the pool.
    ((httpx.ConnectTimeout, httpx.PoolTimeout), APITimeoutError, "no connection", False),
    ((httpx.ConnectError,), APIConnectionError, "could not connect", False),
    # Sent, at least in part: the API may have acted on it.
    ((httpx.TimeoutException,), APITimeoutError, "no answer in time", True),
    ((httpx.RequestError,), APIConnectionError, "connection lost", True),
)


def path_of(*segments: str) -> str:
    """`/a/b/c` from segments; each is percent-encoded so a uuid cannot change the path."""
    for segment in segments:
        if not isinstance(segment, str) or not segment:
            raise ValueError(f"a uuid must be a non-empty string, not {segment!r}")
    return "/" + "/".join(quote(segment, safe="") for segment in segments)


def error_message(response: httpx.Response) -> str:
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


def auth_hint(api_key: str, message: str) -> str:
    """What to check after a 401/403, unless the API's message already says it."""
    if "api_" in message:
        return ""
    if not api_key.startswith("api_"):
        return (
            " (the configured key does not start with `api_`: only account-management keys "
            "can manage inbound domains; transactional keys are refused)"
        )
    return " (check the API key: it may be mistyped, revoked or of another account)"


def as_dict(method: str, path: str, result: object) -> dict[str, Any]:
    if not isinstance(result, dict):
        raise APIError(method, path, f"unexpected answer: `result` is {_kind(result)}")
    return result


def as_list_of_dicts(method: str, path: str, result: object) -> list[dict[str, Any]]:
    if not isinstance(result, list) or not all(isinstance(item, dict) for item in result):
        raise APIError(method, path, f"unexpected answer: `result` is {_kind(result)}")
    return result


def _kind(value: object) -> str:
    return "missing" if value is None else f"a {type(value).__name__}, not the expected shape"
