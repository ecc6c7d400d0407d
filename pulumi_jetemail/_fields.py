"""Field rules every resource may use: how a rule fails (`fail`, in the user's words), whole
numbers off the Pulumi wire, domain names, strict booleans, and the API's answers made
canonical (flags as 0/1, a status as a number). Knows nothing of HTTP or of Pulumi."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

__all__ = [
    "Domain",
    "StrictBool",
    "canonical_domain",
    "fail",
    "integral",
    "kind_of",
    "non_negative_int",
    "show",
    "to_bool",
    "to_int",
    "to_status",
]


def fail(message: str) -> PydanticCustomError:
    """A validation error whose message is shown to the user as written."""
    return PydanticCustomError("jetemail", message)


def integral(value: Any, what: str) -> int:
    """Accept an int or an integral float (the Pulumi wire sends numbers as floats)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise fail(f"must be a whole number {what} (got {show(value)})")
    if isinstance(value, float):
        if not value.is_integer():
            raise fail(f"must be a whole number {what} (got {value!r})")
        return int(value)
    return value


def kind_of(value: Any) -> str:
    """What a value is, in the words of a Pulumi program's author (never the value itself)."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return "nothing" if value is None else "a value of another kind"


def show(value: Any) -> str:
    """A short, safe rendering of a bad value for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


DOMAIN_PATTERN = re.compile(r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,}$")


def canonical_domain(value: Any) -> str:
    if not isinstance(value, str):
        raise fail(f"must be a domain name such as 'example.com' (got {show(value)})")
    domain = value.strip().rstrip(".").lower()
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise fail(f"{show(value)} is not a valid internationalised domain name") from None
    if len(domain) > 253 or not DOMAIN_PATTERN.match(domain):
        raise fail(
            f"{show(value)} is not a domain name: use the bare domain, "
            "like 'example.com' (no scheme, no path, no '@')"
        )
    return domain


Domain = Annotated[str, BeforeValidator(canonical_domain)]


def non_negative_int(value: Any) -> int:
    number = integral(value, "of 0 or more")
    if number < 0:
        raise fail(f"must be 0 or more (got {number})")
    return number


def strict_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise fail(f"must be true or false (got {show(value)})")
    return value


StrictBool = Annotated[bool, BeforeValidator(strict_bool)]

# -------------------------------------------------------------------- API answers


def to_bool(value: Any) -> Any:
    """The API answers flags as 0/1 or booleans."""
    if isinstance(value, bool) or value is None:
        return bool(value)
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("0", "1", "true", "false"):
        return value.strip().lower() in ("1", "true")
    return value


def to_status(value: Any) -> Any:
    """The API answers status as 'active'/'disabled' or as 1/0."""
    if isinstance(value, bool):
        return "active" if value else "disabled"
    if isinstance(value, int | float):
        return "active" if value == 1 else "disabled"
    if isinstance(value, str) and value.strip() in ("1", "0"):
        return "active" if value.strip() == "1" else "disabled"
    return value.strip().lower() if isinstance(value, str) else value


def to_int(value: Any) -> Any:
    """A number the API may answer as a float or a numeric string, as an int."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value
