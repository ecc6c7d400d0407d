"""What an InboundDomain and a ForwardRule are: every property once, in the order of the API.

Each `Prop` says the property's type, whether it is an input or an output, required, secret,
write-only, whether a change replaces the resource, which delivery mode takes it, its
default, what a PATCH sends to clear it, its description and its validator (`models.py`).
The check, the request bodies, the state, the diff, the secret outputs, the typed Python
classes (`_surface.py`, generated) and the Pulumi schema (`schema.json`, generated) are
computed from these two declarations: to add a field, add it here (and to the emulator, which
keeps its own copy of the API's rules), then run `make generate`.
"""

from __future__ import annotations

from ._declare import BOOLEAN, INTEGER, STRING, Declaration, Prop, Type
from .models import (
    AuthHeader,
    DeliveryTypeField,
    Destination,
    Domain,
    DomainUuid,
    Localpart,
    RetryCount,
    SmtpServers,
    StrictBool,
    WebhookHeaders,
    WebhookMethod,
    WebhookTimeout,
    WebhookUrl,
    dns_records_for,
    smtp_servers_equal,
    to_bool,
    to_int,
    to_status,
)

__all__ = ["DECLARATIONS", "FORWARD_RULE", "INBOUND_DOMAIN", "PROVIDER_CONFIG"]


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
            "domain, not mail.example.com). Stored lowercase without a trailing dot. Changing it "
            "replaces the resource.",
            required=True,
            replaces=True,
            check=Domain,
            missing="set domain to the domain that receives mail, e.g. 'example.com'",
        ),
        Prop(
            "delivery_type",
            Type.string("smtp", "webhook", "forward"),
            "How mail is handed on: 'smtp' (relay to your servers), 'webhook' (POST each "
            "message to a URL) or 'forward' (per-address forward rules).",
            required=True,
            check=DeliveryTypeField,
            missing="set delivery_type to 'smtp', 'webhook' or 'forward'",
        ),
        Prop(
            "smtp_servers",
            Type.array(Type.one_of(STRING, SMTP_SERVER)),
            "smtp mode only, required there: servers to relay to, each 'host:port' or "
            "{url, priority, tls_enabled}.",
            mode="smtp",
            mode_required=True,
            check=SmtpServers,
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
            check=WebhookUrl,
            missing="set webhook_url to the URL that receives mail, "
            "e.g. 'https://hooks.example.com/inbound'",
        ),
        Prop(
            "webhook_method",
            Type.string("POST", "PUT"),
            "webhook mode only: 'POST' (default) or 'PUT'.",
            mode="webhook",
            default="POST",
            check=WebhookMethod,
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
            check=WebhookHeaders,
        ),
        Prop(
            "webhook_timeout",
            INTEGER,
            "webhook mode only: timeout of a delivery in milliseconds (default 30000).",
            mode="webhook",
            default=30000,
            check=WebhookTimeout,
            from_api=to_int,
        ),
        Prop(
            "webhook_retry_count",
            INTEGER,
            "webhook mode only: retries of a failed delivery (default 3).",
            mode="webhook",
            default=3,
            check=RetryCount,
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
            check=AuthHeader,
        ),
        Prop(
            "enabled",
            BOOLEAN,
            "Whether the domain accepts mail (the API's status active/disabled; default true).",
            default=True,
            check=StrictBool,
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
            check=StrictBool,
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

FORWARD_RULE = Declaration(
    name="ForwardRule",
    description="A forward rule of a forward-mode inbound domain: mail to "
    "`localpart@<domain>` goes to `destination`, once the destination is verified.",
    props=(
        # ---- inputs: POST /inbound/forward-rules/{domain_uuid}, PATCH .../{rule_uuid}
        Prop(
            "domain_uuid",
            STRING,
            "The uuid of the forward-mode InboundDomain the rule belongs to: pass domain.id "
            "(known even while a preview updates the domain). Changing it replaces the rule.",
            required=True,
            replaces=True,
            check=DomainUuid,
            api=None,
        ),
        Prop(
            "localpart",
            STRING,
            "The address part before '@' to forward, or '*' for a catch-all. Stored "
            "lowercase; changing it replaces the rule.",
            required=True,
            replaces=True,
            check=Localpart,
        ),
        Prop(
            "destination",
            STRING,
            "Where mail is forwarded: a bare address 'local@domain'. It receives a "
            "verification mail; the rule forwards nothing until it is verified.",
            required=True,
            check=Destination,
        ),
        Prop(
            "active",
            BOOLEAN,
            "Whether the rule forwards mail (default true).",
            default=True,
            check=StrictBool,
            from_api=to_bool,
        ),
        # ---- outputs
        Prop("uuid", STRING, "The rule's id at JetEmail (also the resource id).", output=True),
        Prop(
            "verified",
            BOOLEAN,
            "Whether the destination confirmed its verification mail (refresh updates it).",
            output=True,
            from_api=to_bool,
            default=False,
            reset_by=("destination",),
        ),
        Prop(
            "created_at",
            INTEGER,
            "When the rule was created, in unix seconds.",
            output=True,
            from_api=to_int,
            default=0,
        ),
    ),
)

DECLARATIONS = (INBOUND_DOMAIN, FORWARD_RULE)

PROVIDER_CONFIG = Declaration(
    name="Provider",
    description="How the native provider reaches JetEmail. Each setting falls back to its "
    "environment variable (JETEMAIL_API_KEY, JETEMAIL_API_URL, JETEMAIL_REQUESTS_PER_MINUTE, "
    "JETEMAIL_REQUEST_TIMEOUT), then to its default.",
    kind="provider",
    props=(
        Prop(
            "api_key",
            STRING,
            "The account-management API key (starts with `api_`); secret.",
            secret=True,
        ),
        Prop("api_url", STRING, "The API's base URL (default https://api.jetemail.com)."),
        Prop(
            "requests_per_minute",
            INTEGER,
            "Requests a minute this provider process sends at most (default 200; the API "
            "allows 240 an account).",
        ),
        Prop(
            "request_timeout",
            Type("number"),
            "Seconds a request may take to send and to answer (default 30).",
        ),
    ),
)
