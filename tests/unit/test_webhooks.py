"""Inbound webhook signatures: what a receiver accepts and rejects.

Expected signatures are computed here with hashlib/hmac (or were computed with
`openssl dgst -sha256 -hmac`), never with the module under test.
"""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest
from hypothesis import given, strategies as st

from pulumi_jetemail.webhooks import (
    DEFAULT_TOLERANCE,
    sign,
    signature_headers,
    verify_request,
    verify_signature,
)

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
WEBHOOK_ID = "msg_2Zk9"
TIMESTAMP = 1_700_000_000
BODY = b'{"to":"support@example.com","subject":"Hi"}'
# printf '%s' 'msg_2Zk9.1700000000.{"to":"support@example.com","subject":"Hi"}' \
#   | openssl dgst -sha256 -hmac 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
OPENSSL_SIGNATURE = "ef77c268cc49b1724cfd310ee9118a2e9bf7f8cc075ff09db66e7f1c148da5a0"


def reference_signature(secret: str, webhook_id: str, timestamp: str, body: bytes) -> str:
    message = webhook_id.encode() + b"." + timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


SIGNATURE = reference_signature(SECRET, WEBHOOK_ID, str(TIMESTAMP), BODY)


def verify(**overrides: object) -> bool:
    arguments: dict[str, object] = {
        "secret": SECRET,
        "webhook_id": WEBHOOK_ID,
        "timestamp": str(TIMESTAMP),
        "body": BODY,
        "signature": SIGNATURE,
        "now": TIMESTAMP + 5,
    }
    arguments.update(overrides)
    return verify_signature(**arguments)  # type: ignore[arg-type]


def test_reference_signature_matches_openssl() -> None:
    assert SIGNATURE == OPENSSL_SIGNATURE


def test_sign_matches_the_independent_computation() -> None:
    assert sign(SECRET, WEBHOOK_ID, TIMESTAMP, BODY) == OPENSSL_SIGNATURE
    assert sign(SECRET, WEBHOOK_ID, str(TIMESTAMP), BODY.decode()) == OPENSSL_SIGNATURE


def test_the_key_is_the_whole_secret_prefix_included() -> None:
    without_prefix = reference_signature(SECRET.removeprefix("whsec_"), WEBHOOK_ID, "1", BODY)
    assert sign(SECRET, WEBHOOK_ID, 1, BODY) != without_prefix
    assert not verify(timestamp="1", now=1, signature=without_prefix)


def test_genuine_delivery_is_accepted() -> None:
    assert verify()


def test_uppercase_hex_signature_is_accepted() -> None:
    assert verify(signature=SIGNATURE.upper())


def test_integer_timestamp_is_accepted() -> None:
    assert verify(timestamp=TIMESTAMP)


def test_str_and_bytes_bodies_are_equivalent() -> None:
    text = '{"subject":"Grüße ✉"}'
    signature = reference_signature(SECRET, WEBHOOK_ID, str(TIMESTAMP), text.encode("utf-8"))
    assert verify(body=text, signature=signature)
    assert verify(body=text.encode("utf-8"), signature=signature)
    assert sign(SECRET, WEBHOOK_ID, TIMESTAMP, text) == signature


@pytest.mark.parametrize(
    ("case", "overrides"),
    [
        ("tampered body", {"body": BODY.replace(b"Hi", b"Ho")}),
        (
            "body re-encoded with spaces",
            {"body": b'{"to": "support@example.com", "subject": "Hi"}'},
        ),
        ("wrong secret", {"secret": "whsec_someone-elses"}),
        ("wrong id", {"webhook_id": "msg_other"}),
        ("timestamp changed", {"timestamp": str(TIMESTAMP + 1), "now": TIMESTAMP}),
        ("signature of another delivery", {"signature": "0" * 64}),
    ],
)
def test_a_delivery_that_was_not_signed_so_is_rejected(
    case: str, overrides: dict[str, object]
) -> None:
    assert not verify(**overrides), case


@pytest.mark.parametrize(
    ("case", "now", "accepted"),
    [
        ("exactly at the tolerance in the past", TIMESTAMP + DEFAULT_TOLERANCE, True),
        ("one second staler than the tolerance", TIMESTAMP + DEFAULT_TOLERANCE + 1, False),
        ("an hour old (replayed)", TIMESTAMP + 3600, False),
        ("exactly at the tolerance in the future", TIMESTAMP - DEFAULT_TOLERANCE, True),
        ("one second further in the future", TIMESTAMP - DEFAULT_TOLERANCE - 1, False),
    ],
)
def test_timestamp_window(case: str, now: float, accepted: bool) -> None:
    assert verify(now=now) is accepted, case


def test_custom_tolerance() -> None:
    assert not verify(now=TIMESTAMP + 11, tolerance=10)
    assert verify(now=TIMESTAMP + 10, tolerance=10)
    assert verify(now=TIMESTAMP, tolerance=0)


def test_default_clock_is_the_current_time() -> None:
    fresh = int(time.time())
    signature = reference_signature(SECRET, WEBHOOK_ID, str(fresh), BODY)
    assert verify_signature(SECRET, WEBHOOK_ID, str(fresh), BODY, signature)
    stale = reference_signature(SECRET, WEBHOOK_ID, str(TIMESTAMP), BODY)
    assert not verify_signature(SECRET, WEBHOOK_ID, str(TIMESTAMP), BODY, stale)


@pytest.mark.parametrize(
    ("case", "overrides"),
    [
        ("signature too short", {"signature": SIGNATURE[:-2]}),
        ("signature too long", {"signature": SIGNATURE + "00"}),
        ("signature not hex", {"signature": "z" * 64}),
        ("signature with a scheme prefix", {"signature": "sha256=" + SIGNATURE[7:]}),
        ("signature with spaces inside", {"signature": SIGNATURE[:32] + " " + SIGNATURE[33:]}),
        ("signature empty", {"signature": ""}),
        ("signature missing", {"signature": None}),
        ("signature of the wrong type", {"signature": SIGNATURE.encode()}),
        ("non-ASCII signature", {"signature": "é" * 64}),
        ("timestamp not numeric", {"timestamp": "yesterday"}),
        ("timestamp with a sign", {"timestamp": "+1700000000"}),
        ("timestamp with a fraction", {"timestamp": "1700000000.0"}),
        ("timestamp with whitespace", {"timestamp": " 1700000000"}),
        ("timestamp in non-ASCII digits", {"timestamp": "\u0661\u0667" + "\u0660" * 8}),
        ("timestamp absurdly long", {"timestamp": "9" * 5000}),
        ("timestamp empty", {"timestamp": ""}),
        ("timestamp missing", {"timestamp": None}),
        ("timestamp negative", {"timestamp": -5}),
        ("timestamp a bool", {"timestamp": True}),
        ("id empty", {"webhook_id": ""}),
        ("id missing", {"webhook_id": None}),
    ],
)
def test_malformed_input_is_rejected_without_raising(
    case: str, overrides: dict[str, object]
) -> None:
    assert verify(**overrides) is False, case


@pytest.mark.parametrize(
    ("case", "overrides", "error"),
    [
        ("empty secret", {"secret": ""}, ValueError),
        ("secret not a string", {"secret": SECRET.encode()}, TypeError),
        ("secret missing", {"secret": None}, TypeError),
        ("body of another type", {"body": {"to": "x"}}, TypeError),
        ("negative tolerance", {"tolerance": -1}, ValueError),
    ],
)
def test_programmer_errors_raise(
    case: str, overrides: dict[str, object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        verify(**overrides)


def test_sign_refuses_what_it_cannot_sign() -> None:
    with pytest.raises(ValueError, match="secret"):
        sign("", WEBHOOK_ID, TIMESTAMP, BODY)
    with pytest.raises(ValueError, match="webhook_id"):
        sign(SECRET, "", TIMESTAMP, BODY)
    with pytest.raises(ValueError, match="timestamp"):
        sign(SECRET, WEBHOOK_ID, "soon", BODY)


def test_request_headers_are_read_whatever_their_case() -> None:
    for headers in (
        {
            "X-Webhook-ID": WEBHOOK_ID,
            "X-Webhook-Timestamp": str(TIMESTAMP),
            "X-Webhook-Signature": SIGNATURE,
        },
        {
            "x-webhook-id": WEBHOOK_ID,
            "x-webhook-timestamp": str(TIMESTAMP),
            "x-webhook-signature": SIGNATURE,
        },
        {
            "X-WEBHOOK-ID": WEBHOOK_ID,
            "x-Webhook-timestamp": str(TIMESTAMP),
            "X-Webhook-SIGNATURE": SIGNATURE,
            "Content-Type": "application/json",
        },
    ):
        assert verify_request(SECRET, headers, BODY, now=TIMESTAMP), headers


def test_request_with_a_missing_header_is_rejected() -> None:
    headers = {"X-Webhook-ID": WEBHOOK_ID, "X-Webhook-Signature": SIGNATURE}
    assert not verify_request(SECRET, headers, BODY, now=TIMESTAMP)


def test_request_with_conflicting_duplicate_headers_is_rejected() -> None:
    headers = {
        "X-Webhook-ID": WEBHOOK_ID,
        "x-webhook-id": "msg_other",
        "X-Webhook-Timestamp": str(TIMESTAMP),
        "X-Webhook-Signature": SIGNATURE,
    }
    assert not verify_request(SECRET, headers, BODY, now=TIMESTAMP)


def test_request_tolerance_is_applied() -> None:
    headers = signature_headers(SECRET, WEBHOOK_ID, TIMESTAMP, BODY)
    assert verify_request(SECRET, headers, BODY, now=TIMESTAMP + 60, tolerance=60)
    assert not verify_request(SECRET, headers, BODY, now=TIMESTAMP + 61, tolerance=60)


def test_signature_headers_describe_a_genuine_delivery() -> None:
    headers = signature_headers(SECRET, WEBHOOK_ID, TIMESTAMP, BODY)
    assert headers == {
        "X-Webhook-ID": WEBHOOK_ID,
        "X-Webhook-Timestamp": str(TIMESTAMP),
        "X-Webhook-Signature": OPENSSL_SIGNATURE,
    }


secrets = st.text(min_size=1).map(lambda s: "whsec_" + s)
ids = st.text(min_size=1)
timestamps = st.integers(min_value=0, max_value=10**10)


@given(secret=secrets, webhook_id=ids, timestamp=timestamps, body=st.binary())
def test_property_sign_then_verify_round_trips(
    secret: str, webhook_id: str, timestamp: int, body: bytes
) -> None:
    signature = sign(secret, webhook_id, timestamp, body)
    assert signature == reference_signature(secret, webhook_id, str(timestamp), body)
    assert verify_signature(secret, webhook_id, str(timestamp), body, signature, now=timestamp)


@given(
    secret=secrets,
    webhook_id=ids,
    timestamp=timestamps,
    body=st.binary(min_size=1),
    data=st.data(),
)
def test_property_any_single_byte_change_fails(
    secret: str, webhook_id: str, timestamp: int, body: bytes, data: st.DataObject
) -> None:
    signature = sign(secret, webhook_id, timestamp, body)
    index = data.draw(st.integers(min_value=0, max_value=len(body) - 1), label="index")
    flip = data.draw(st.integers(min_value=1, max_value=255), label="xor")
    tampered = bytearray(body)
    tampered[index] ^= flip
    assert not verify_signature(
        secret, webhook_id, str(timestamp), bytes(tampered), signature, now=timestamp
    )
