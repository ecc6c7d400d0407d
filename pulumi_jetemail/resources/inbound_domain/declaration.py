"""What an InboundDomain is: every property once, in the order of the API.

Each `Prop` says the property's type, whether it is an input or an output, required, secret,
write-only, whether a change replaces the resource, which delivery mode takes it, its
default, what a PATCH sends to clear it, its description and its field rule (`fields.py`).
The check, the request bodies, the state, the diff, the typed Python classes and the Pulumi
schema are computed from it: to add a field, add it here (and to the emulator, which keeps
its own copy of the API's rules), then run `make generate`.
"""

from __future__ import annotations

from ..._declare import BOOLEAN, INTEGER, STRING, Declaration, Prop, Type
from ..._fields import Domain, StrictBool, to_bool, to_int, to_status
from .fields import (
    AuthHeader,
    DeliveryTypeField,
    RetryCount,
    SmtpServers,
    WebhookHeaders,
    WebhookMethod,
    WebhookTimeout,
    WebhookUrl,
    dns_records_for,
    smtp_servers_equal,
)

__all__ = ["DNS_RECORD", "INBOUND_DOMAIN", "SMTP_SERVER"]


def _status_of(enabled: bool) -> str:
    return "active" if enabled else "disabled"


def _enabled_of(status: object) -> bool:
    return bool(to_status(status) == "active")


SMTP_SERVER = Type.object(
    "SmtpServer",
    "One SMTP server to relay to, in object form.",
    Prop("url", STRING, "The server as 'host:port', e.g. 'mx.example.com:25'.", required=True),
    Prop("priority", INTEGER, "Lower is tried first (0 to 65535)."),
    Prop("tls_enabled", BOOLEAN, "Deliver over TLS."),
)

DNS_RECORD = Type.object(
    "DnsRecord",
    "A DNS record to publish for the domain.",
    Prop("type", STRING, "'MX', 'CNAME' or 'TXT'.", required=True),
    Prop("name", STRING, "The record's name.", required=True),
    Prop("value", STRING, "The record's value.", required=True),
    Prop("priority", INTEGER, "The MX preference (MX records only)."),
)


def _flag(name: str, description: str) -> Prop:
    """A verification flag the API answers as 0/1 or a boolean."""
    return Prop(name, BOOLEAN, description, output=True, from_api=to_bool, default=False)


INBOUND_DOMAIN = Declaration(
    name="InboundDomain",
    description="A JetEmail inbound domain: a domain that receives mail and hands it on by "
    "SMTP relay, webhook or forwarding. `webhook_secret`, `webhook_auth_header` and "
    "`webhook_headers` are always secret.",
    mode_prop="delivery_type",
    props=(
        # ---- inputs: POST /inbound/domains, PATCH /inbound/settings/{uuid}
        Prop(
            "domain",
            STRING,
            "The domain that receives mail, e.g. 'example.com' (JetEmail asks for a primary "
            "domain, not mail.example.com). Stored lowercase without a trailing dot.",
            required=True,
            replaces=True,
            rule=Domain,
            missing="set domain to the domain that receives mail, e.g. 'example.com'",
        ),
        Prop(
            "delivery_type",
            Type.string("smtp", "webhook", "forward"),
            "How mail is handed on: 'smtp' (relay to your servers), 'webhook' (POST each "
            "message to a URL) or 'forward' (per-address forward rules).",
            required=True,
            rule=DeliveryTypeField,
            missing="set delivery_type to 'smtp', 'webhook' or 'forward'",
        ),
        Prop(
            "smtp_servers",
            Type.array(Type.one_of(STRING, SMTP_SERVER)),
            "smtp mode only, required there: servers to relay to, each 'host:port' or "
            "{url, priority, tls_enabled}.",
            mode="smtp",
            mode_required=True,
            rule=SmtpServers,
            equal=smtp_servers_equal,
            missing="set smtp_servers to the servers to relay to, e.g. ['mx.example.com:25']",
        ),
        Prop(
            "webhook_url",
            STRING,
            "webhook mode only, required there: the absolute http(s) URL that receives each "
            "message.",
            mode="webhook",
            mode_required=True,
            clear=None,
            rule=WebhookUrl,
            missing="set webhook_url to the URL that receives mail, "
            "e.g. 'https://hooks.example.com/inbound'",
        ),
        Prop(
            "webhook_method",
            Type.string("POST", "PUT"),
            "webhook mode only: 'POST' (default) or 'PUT'.",
            mode="webhook",
            default="POST",
            rule=WebhookMethod,
        ),
        Prop(
            "webhook_headers",
            Type.map(STRING),
            "webhook mode only: extra headers sent with each delivery (secret; the API never "
            "returns them, so their drift cannot be seen).",
            mode="webhook",
            secret=True,
            write_only=True,
            clear=None,
            rule=WebhookHeaders,
        ),
        Prop(
            "webhook_timeout",
            INTEGER,
            "webhook mode only: timeout of a delivery in milliseconds (default 30000).",
            mode="webhook",
            default=30000,
            rule=WebhookTimeout,
            from_api=to_int,
        ),
        Prop(
            "webhook_retry_count",
            INTEGER,
            "webhook mode only: retries of a failed delivery (default 3).",
            mode="webhook",
            default=3,
            rule=RetryCount,
            from_api=to_int,
        ),
        Prop(
            "webhook_auth_header",
            STRING,
            "webhook mode only: the Authorization header value sent with each delivery "
            "(secret; the API never returns it, so its drift cannot be seen).",
            mode="webhook",
            secret=True,
            write_only=True,
            clear="",
            rule=AuthHeader,
        ),
        Prop(
            "enabled",
            BOOLEAN,
            "Whether the domain accepts mail (the API's status active/disabled; default true).",
            default=True,
            rule=StrictBool,
            api="status",
            to_api=_status_of,
            from_api=_enabled_of,
            at_create=False,
        ),
        Prop(
            "adopt_existing",
            BOOLEAN,
            "Take over the domain if it already exists on the account instead of failing "
            "(default false). An adopted domain's webhook_secret is empty: the API shows it "
            "only at create.",
            default=False,
            create_only=True,
            rule=StrictBool,
            api=None,
        ),
        # ---- outputs: what the API computed, and what the provider derives
        Prop(
            "uuid",
            STRING,
            "The domain's id at JetEmail (also the resource id).",
            output=True,
        ),
        Prop(
            "status",
            Type.string("active", "disabled"),
            "'active' or 'disabled', as the API reports it.",
            output=True,
            from_api=to_status,
        ),
        Prop(
            "webhook_secret",
            STRING,
            "Key of the HMAC signature on webhook deliveries (secret). The API returns it at "
            "create only: empty for an adopted domain.",
            output=True,
            secret=True,
            default="",
        ),
        _flag("forward_mx_verified", "forward mode: the MX record verifies."),
        _flag("forward_dkim_verified", "forward mode: the DKIM CNAME verifies."),
        _flag("forward_spf_verified", "forward mode: the SPF TXT record verifies."),
        _flag("forward_dmarc_verified", "forward mode: the DMARC TXT record verifies."),
        Prop(
            "dns_records",
            Type.array(DNS_RECORD),
            "Records to publish: {type, name, value, priority}, in a stable order (the MX "
            "record; in forward mode also DKIM, SPF and DMARC).",
            output=True,
            api=None,
            computed=lambda state: dns_records_for(state["domain"], state["delivery_type"]),
        ),
        Prop(
            "adopted",
            BOOLEAN,
            "Whether the domain existed and was taken over rather than created.",
            output=True,
            api=None,
            default=False,
        ),
    ),
)
