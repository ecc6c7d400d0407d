"""A local JetEmail management API: for tests, `make demo` and offline stacks.

It behaves as the JetEmail API documentation describes the real API (which cannot be reached
from our machines), keeps its account in memory, and can be told to misbehave: injected faults, a
random fault mix, a rate limit with its account lockout, added latency. It depends only on
Starlette, uvicorn and the standard library (the `emulator` extra), never on the rest of
this package.

```python
from pulumi_jetemail.emulator import Emulator

with Emulator("api_test") as emu:
    ...  # point the client at emu.url with the key api_test
```
or, from a shell: `python -m pulumi_jetemail.emulator --port 8025 --api-key api_local`.

Picks where the docs say nothing (where the API documentation says nothing):

- Create answers 200 with exactly the seed page's fields; the domain is stored lowercased.
  Creating a rule also answers 200, with the rule.
- A duplicate domain (any case) is 409 `domain already exists`; a duplicate rule localpart
  is 409. Deleting an unknown uuid is 404 `domain not found`; a malformed uuid is the same.
- `GET /inbound/settings/{uuid}` returns `smtp_servers` as objects: a `"host:port"` item is
  filled in with `priority` 10 and `tls_enabled` true. It never returns `webhook_secret`,
  `webhook_headers` or `webhook_auth_header`, and omits a `webhook_url` cleared with null.
- The list rows are `{uuid, domain, delivery_type, status (1/0), created_at (unix s)}`.
- `POST /inbound/domains/{uuid}/check` answers `{"success": true, "result":
  {"forward_mx_verified": 0|1, …dkim, spf, dmarc}}` for a domain of any type; the flags are
  those `Emulator.set_dns_verified` set (also what GET shows).
- Updating a rule answers `{success, message}`; a new destination makes it unverified again.
- Rule calls on a domain that is not of type forward answer 400; switching a domain away
  from forward keeps its rules (hidden until it is forward again). Deleting a domain deletes
  its rules.
- Integers are strict JSON integers (`30000.0` and `true` are refused); `webhook_timeout`
  must be >= 1 and `webhook_retry_count` >= 0; `smtp_servers` must not be empty and every
  item needs a port from 1 to 65535; `priority` is 0-65535.
- `null` is accepted only in a PATCH, and only for `webhook_url` and `webhook_headers`; a
  field of another mode is refused even as null. A PATCH may clear the `webhook_url` of a
  webhook domain, but a switch to webhook needs one.
- Every request answers 401/403 first when the key is missing, wrong or transactional
  (also on unknown routes, which then answer 404 JSON; a wrong method answers 405 JSON).
- The rate limit counts only authenticated requests that were not refused with 429; going
  over starts the lockout and empties the window, so the account starts afresh after it.
- `Retry-After` of the rate limit is whole seconds (rounded up); that of an injected fault is
  the number given, which may be fractional (`0.05`).
"""

from __future__ import annotations

try:
    import starlette  # noqa: F401
    import uvicorn  # noqa: F401
except ModuleNotFoundError as missing:  # pragma: no cover - shown by a subprocess test
    raise ModuleNotFoundError(
        f"the JetEmail emulator needs {missing.name}, which the `emulator` extra installs: "
        "pip install 'pulumi-jetemail[emulator]'",
        name=missing.name,
    ) from None

from .app import RecordedRequest
from .server import Emulator

__all__ = ["Emulator", "RecordedRequest"]
