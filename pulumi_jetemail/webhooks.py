"""Verify (and, for tests, produce) the signature of a JetEmail inbound webhook delivery.

A delivery to an inbound domain's ``webhook_url`` carries three headers:

- ``X-Webhook-ID``: the delivery's id;
- ``X-Webhook-Timestamp``: unix seconds, as decimal digits;
- ``X-Webhook-Signature``: hex HMAC-SHA256 over ``"{id}.{timestamp}.{raw body}"``, keyed with
  the domain's ``webhook_secret`` output.

The key is the **whole** secret string as JetEmail returns it, ``whsec_`` prefix included,
encoded as UTF-8. It is *not* base64-decoded after the prefix as Standard Webhooks / Svix
secrets are.

The body is the raw bytes of the request as received: verify before parsing the JSON, since
re-encoding parsed JSON changes spacing and key order and so the signature.

Failure policy: anything that can come from the network (a missing or malformed header, a
non-numeric or out-of-window timestamp, a signature of the wrong length or not hex, a wrong
signature) makes ``verify_signature`` / ``verify_request`` return ``False``; they never raise
on it. Mistakes only the calling code can make (an empty or non-string secret, a body that is
neither ``bytes`` nor ``str``, a negative tolerance) raise ``TypeError`` / ``ValueError``, so
that a misconfigured receiver fails loudly instead of rejecting every delivery quietly.
"""

from __future__ import annotations

import hashlib
import hmac
import string
import time
from collections.abc import Mapping

__all__ = [
    "DEFAULT_TOLERANCE",
    "HEADER_ID",
    "HEADER_SIGNATURE",
    "HEADER_TIMESTAMP",
    "sign",
    "signature_headers",
    "verify_request",
    "verify_signature",
]

HEADER_ID = "X-Webhook-ID"
HEADER_TIMESTAMP = "X-Webhook-Timestamp"
HEADER_SIGNATURE = "X-Webhook-Signature"

DEFAULT_TOLERANCE = 300
"""Seconds a delivery's timestamp may lie in the past or the future of the receiver's clock."""

_SIGNATURE_HEX_LENGTH = hashlib.sha256().digest_size * 2
# Unix seconds have 10 digits until the year 2286. The bound also keeps int() away from
# Python's limit on the digits it converts, which raises ValueError on very long strings.
_MAX_TIMESTAMP_DIGITS = 15
_HEX_DIGITS = frozenset(string.hexdigits)
_DECIMAL_DIGITS = frozenset(string.digits)


def sign(secret: str, webhook_id: str, timestamp: str | int, body: bytes | str) -> str:
    """Return the lowercase hex ``X-Webhook-Signature`` JetEmail sends for this delivery.

    For receivers' tests and for the project's emulator. ``secret`` is the whole
    ``webhook_secret`` (``whsec_…``), ``timestamp`` unix seconds as an ``int`` or a string of
    decimal digits (signed exactly as given), ``body`` the raw body (a ``str`` is encoded as
    UTF-8). Raises ``ValueError``/``TypeError`` on an empty secret or id, a timestamp that is not
    decimal digits, or a body of another type.
    """
    key = _key(secret)
    if not isinstance(webhook_id, str) or not webhook_id:
        raise ValueError("webhook_id must be a non-empty string")
    stamp = _timestamp_text(timestamp)
    if stamp is None:
        raise ValueError(f"timestamp must be unix seconds (decimal digits), got {timestamp!r}")
    return _mac(key, webhook_id, stamp, _body_bytes(body)).hexdigest()


def signature_headers(
    secret: str, webhook_id: str, timestamp: str | int, body: bytes | str
) -> dict[str, str]:
    """Return the three ``X-Webhook-*`` headers of a delivery of ``body`` (see `sign`)."""
    return {
        HEADER_ID: webhook_id,
        HEADER_TIMESTAMP: str(timestamp),
        HEADER_SIGNATURE: sign(secret, webhook_id, timestamp, body),
    }


def verify_signature(
    secret: str,
    webhook_id: str | None,
    timestamp: str | int | None,
    body: bytes | str,
    signature: str | None,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> bool:
    """Tell whether a delivery is genuine and fresh.

    ``secret`` is the inbound domain's whole ``webhook_secret`` (``whsec_…``, prefix included,
    used as UTF-8 key bytes). ``webhook_id``, ``timestamp`` and ``signature`` are the
    ``X-Webhook-ID``, ``X-Webhook-Timestamp`` and ``X-Webhook-Signature`` header values as
    received (``None`` for a missing header is accepted and rejected); ``body`` is the raw
    request body (a ``str`` is encoded as UTF-8, so pass bytes when you have them).

    Returns ``False`` when a header is missing or empty, the timestamp is not decimal digits or
    lies more than ``tolerance`` seconds before or after ``now`` (default: the current time),
    the signature is not 64 hex digits (either case), or it does not match. The comparison
    is constant-time. Never raises for what a sender controls; raises ``ValueError`` for an
    empty secret or a negative tolerance and ``TypeError`` for a non-string secret or a body
    that is neither ``bytes`` nor ``str``.
    """
    key = _key(secret)
    raw_body = _body_bytes(body)
    if isinstance(tolerance, bool) or not isinstance(tolerance, int) or tolerance < 0:
        raise ValueError(f"tolerance must be a non-negative number of seconds, got {tolerance!r}")

    if not isinstance(webhook_id, str) or not webhook_id:
        return False
    stamp = _timestamp_text(timestamp)
    if stamp is None:
        return False
    current = time.time() if now is None else now
    if abs(current - int(stamp)) > tolerance:
        return False
    expected = _parse_signature(signature)
    if expected is None:
        return False
    return hmac.compare_digest(_mac(key, webhook_id, stamp, raw_body).digest(), expected)


def verify_request(
    secret: str,
    headers: Mapping[str, str],
    body: bytes | str,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> bool:
    """`verify_signature` with the three ``X-Webhook-*`` values read from ``headers``.

    Header names match whatever their case (a plain ``dict`` from any framework works, as do
    case-insensitive header objects). A header given twice under different spellings with
    different values makes the delivery ambiguous: it is rejected.
    """
    found: dict[str, str | None] = {}
    wanted = {HEADER_ID.lower(), HEADER_TIMESTAMP.lower(), HEADER_SIGNATURE.lower()}
    for name, value in headers.items():
        folded = name.lower() if isinstance(name, str) else None
        if folded not in wanted:
            continue
        text: str | None = value if isinstance(value, str) else None
        if folded in found and found[folded] != text:
            text = None
        found[folded] = text
    return verify_signature(
        secret,
        found.get(HEADER_ID.lower()),
        found.get(HEADER_TIMESTAMP.lower()),
        body,
        found.get(HEADER_SIGNATURE.lower()),
        tolerance=tolerance,
        now=now,
    )


def _key(secret: str) -> bytes:
    if not isinstance(secret, str):
        raise TypeError(f"secret must be the webhook_secret string, got {type(secret).__name__}")
    if not secret:
        raise ValueError("secret is empty: pass the inbound domain's webhook_secret output")
    return secret.encode("utf-8")


def _body_bytes(body: bytes | str) -> bytes:
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    raise TypeError(f"body must be the raw request body (bytes or str), got {type(body).__name__}")


def _timestamp_text(timestamp: str | int | None) -> str | None:
    """The timestamp as signed (digits exactly as given), or None if it is not unix seconds."""
    if isinstance(timestamp, bool):
        return None
    if isinstance(timestamp, int):
        return str(timestamp) if timestamp >= 0 else None
    if (
        isinstance(timestamp, str)
        and 0 < len(timestamp) <= _MAX_TIMESTAMP_DIGITS
        and set(timestamp) <= _DECIMAL_DIGITS
    ):
        return timestamp
    return None


def _parse_signature(signature: str | None) -> bytes | None:
    if (
        not isinstance(signature, str)
        or len(signature) != _SIGNATURE_HEX_LENGTH
        or not set(signature) <= _HEX_DIGITS
    ):
        return None
    return bytes.fromhex(signature)


def _mac(key: bytes, webhook_id: str, timestamp: str, body: bytes) -> hmac.HMAC:
    mac = hmac.new(key, digestmod=hashlib.sha256)
    mac.update(f"{webhook_id}.{timestamp}.".encode())
    mac.update(body)
    return mac
