"""The typed surface of the resources, generated from `resources/` by
`make generate` (python -m pulumi_jetemail._codegen): do not edit by hand.

Both doors subclass these: `pulumi_jetemail.InboundDomain` (dynamic) and
`pulumi_jetemail.native.InboundDomain` implement `_register`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, overload

import pulumi
from typing_extensions import Required, Self, TypedDict

__all__ = [
    "DnsRecord",
    "DnsRecordArgs",
    "DomainVerificationArgs",
    "DomainVerificationSurface",
    "ForwardRuleArgs",
    "ForwardRuleInfo",
    "ForwardRuleInfoArgs",
    "ForwardRuleSurface",
    "InboundDomainArgs",
    "InboundDomainSurface",
    "ProviderSurface",
    "SmtpServer",
    "SmtpServerArgs",
]


class SmtpServerArgs(TypedDict, total=False):
    """One SMTP server to relay to, in object form. (input)"""
    url: Required[pulumi.Input[str]]
    """The server as 'host:port', e.g. 'mx.example.com:25'."""
    priority: pulumi.Input[int]
    """Lower is tried first (0 to 65535)."""
    tls_enabled: pulumi.Input[bool]
    """Deliver over TLS."""


class SmtpServer(TypedDict, total=False):
    """One SMTP server to relay to, in object form."""
    url: Required[str]
    """The server as 'host:port', e.g. 'mx.example.com:25'."""
    priority: int
    """Lower is tried first (0 to 65535)."""
    tls_enabled: bool
    """Deliver over TLS."""


class DnsRecordArgs(TypedDict, total=False):
    """A DNS record to publish for the domain. (input)"""
    type: Required[pulumi.Input[str]]
    """'MX', 'CNAME' or 'TXT'."""
    name: Required[pulumi.Input[str]]
    """The record's name."""
    value: Required[pulumi.Input[str]]
    """The record's value."""
    priority: pulumi.Input[int]
    """The MX preference (MX records only)."""


class DnsRecord(TypedDict, total=False):
    """A DNS record to publish for the domain."""
    type: Required[str]
    """'MX', 'CNAME' or 'TXT'."""
    name: Required[str]
    """The record's name."""
    value: Required[str]
    """The record's value."""
    priority: int
    """The MX preference (MX records only)."""


class ForwardRuleInfoArgs(TypedDict, total=False):
    """A forward rule as JetEmail has it. (input)"""
    localpart: Required[pulumi.Input[str]]
    """The address part before '@' to forward, or '*' for a catch-all. Stored lowercase;
    changing it replaces the rule."""
    destination: Required[pulumi.Input[str]]
    """Where mail is forwarded: a bare address 'local@domain'. It receives a verification
    mail; the rule forwards nothing until it is verified."""
    active: Required[pulumi.Input[bool]]
    """Whether the rule forwards mail (default true)."""
    uuid: Required[pulumi.Input[str]]
    """The rule's id at JetEmail (also the resource id)."""
    verified: Required[pulumi.Input[bool]]
    """Whether the destination confirmed its verification mail (refresh updates it)."""
    created_at: Required[pulumi.Input[int]]
    """When the rule was created, in unix seconds."""


class ForwardRuleInfo(TypedDict, total=False):
    """A forward rule as JetEmail has it."""
    localpart: Required[str]
    """The address part before '@' to forward, or '*' for a catch-all. Stored lowercase;
    changing it replaces the rule."""
    destination: Required[str]
    """Where mail is forwarded: a bare address 'local@domain'. It receives a verification
    mail; the rule forwards nothing until it is verified."""
    active: Required[bool]
    """Whether the rule forwards mail (default true)."""
    uuid: Required[str]
    """The rule's id at JetEmail (also the resource id)."""
    verified: Required[bool]
    """Whether the destination confirmed its verification mail (refresh updates it)."""
    created_at: Required[int]
    """When the rule was created, in unix seconds."""


@dataclass(kw_only=True)
class InboundDomainArgs:
    """The inputs of an InboundDomain."""
    domain: pulumi.Input[str]
    """The domain that receives mail, e.g. 'example.com' (JetEmail asks for a primary domain,
    not mail.example.com). Stored lowercase without a trailing dot. Changing it replaces
    the resource."""
    delivery_type: pulumi.Input[Literal["smtp", "webhook", "forward"]]
    """How mail is handed on: 'smtp' (relay to your servers), 'webhook' (POST each message to
    a URL) or 'forward' (per-address forward rules)."""
    smtp_servers: pulumi.Input[Sequence[pulumi.Input[str | SmtpServerArgs]]] | None = None
    """smtp mode only, required there: servers to relay to, each 'host:port' or {url,
    priority, tls_enabled}."""
    webhook_url: pulumi.Input[str] | None = None
    """webhook mode only, required there: the absolute http(s) URL that receives each
    message."""
    webhook_method: pulumi.Input[Literal["POST", "PUT"]] | None = None
    """webhook mode only: 'POST' (default) or 'PUT'."""
    webhook_headers: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    """webhook mode only: extra headers sent with each delivery (secret; the API never
    returns them, so their drift cannot be seen)."""
    webhook_timeout: pulumi.Input[int] | None = None
    """webhook mode only: timeout of a delivery in milliseconds (default 30000)."""
    webhook_retry_count: pulumi.Input[int] | None = None
    """webhook mode only: retries of a failed delivery (default 3)."""
    webhook_auth_header: pulumi.Input[str] | None = None
    """webhook mode only: the Authorization header value sent with each delivery (secret; the
    API never returns it, so its drift cannot be seen)."""
    enabled: pulumi.Input[bool] | None = None
    """Whether the domain accepts mail (the API's status active/disabled; default true)."""
    adopt_existing: pulumi.Input[bool] | None = None
    """Take over the domain if it already exists on the account instead of failing (default
    false). An adopted domain's webhook_secret is empty: the API shows it only at create."""


class InboundDomainSurface:
    """A JetEmail inbound domain: a domain that receives mail and hands it on by SMTP relay,
    webhook or forwarding. `webhook_secret`, `webhook_auth_header` and `webhook_headers`
    are always secret. (The typed surface: annotations and signatures.)"""
    domain: pulumi.Output[str]
    """The domain that receives mail, e.g. 'example.com' (JetEmail asks for a primary domain,
    not mail.example.com). Stored lowercase without a trailing dot. Changing it replaces
    the resource."""
    delivery_type: pulumi.Output[Literal["smtp", "webhook", "forward"]]
    """How mail is handed on: 'smtp' (relay to your servers), 'webhook' (POST each message to
    a URL) or 'forward' (per-address forward rules)."""
    smtp_servers: pulumi.Output[list[str | SmtpServer] | None]
    """smtp mode only, required there: servers to relay to, each 'host:port' or {url,
    priority, tls_enabled}."""
    webhook_url: pulumi.Output[str | None]
    """webhook mode only, required there: the absolute http(s) URL that receives each
    message."""
    webhook_method: pulumi.Output[Literal["POST", "PUT"] | None]
    """webhook mode only: 'POST' (default) or 'PUT'."""
    webhook_headers: pulumi.Output[dict[str, str] | None]
    """webhook mode only: extra headers sent with each delivery (secret; the API never
    returns them, so their drift cannot be seen)."""
    webhook_timeout: pulumi.Output[int | None]
    """webhook mode only: timeout of a delivery in milliseconds (default 30000)."""
    webhook_retry_count: pulumi.Output[int | None]
    """webhook mode only: retries of a failed delivery (default 3)."""
    webhook_auth_header: pulumi.Output[str | None]
    """webhook mode only: the Authorization header value sent with each delivery (secret; the
    API never returns it, so its drift cannot be seen)."""
    enabled: pulumi.Output[bool]
    """Whether the domain accepts mail (the API's status active/disabled; default true)."""
    adopt_existing: pulumi.Output[bool]
    """Take over the domain if it already exists on the account instead of failing (default
    false). An adopted domain's webhook_secret is empty: the API shows it only at create."""
    uuid: pulumi.Output[str]
    """The domain's id at JetEmail (also the resource id)."""
    status: pulumi.Output[Literal["active", "disabled"]]
    """'active' or 'disabled', as the API reports it."""
    webhook_secret: pulumi.Output[str]
    """Key of the HMAC signature on webhook deliveries (secret). The API returns it at create
    only: empty for an adopted domain."""
    forward_mx_verified: pulumi.Output[bool]
    """forward mode: the MX record verifies."""
    forward_dkim_verified: pulumi.Output[bool]
    """forward mode: the DKIM CNAME verifies."""
    forward_spf_verified: pulumi.Output[bool]
    """forward mode: the SPF TXT record verifies."""
    forward_dmarc_verified: pulumi.Output[bool]
    """forward mode: the DMARC TXT record verifies."""
    dns_records: pulumi.Output[list[DnsRecord]]
    """Records to publish: {type, name, value, priority}, in a stable order (the MX record;
    in forward mode also DKIM, SPF and DMARC)."""
    adopted: pulumi.Output[bool]
    """Whether the domain existed and was taken over rather than created."""

    @overload
    def __init__(
        self, resource_name: str, args: InboundDomainArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        args: None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        domain: pulumi.Input[str],
        delivery_type: pulumi.Input[Literal["smtp", "webhook", "forward"]],
        smtp_servers: pulumi.Input[Sequence[pulumi.Input[str | SmtpServerArgs]]] | None = None,
        webhook_url: pulumi.Input[str] | None = None,
        webhook_method: pulumi.Input[Literal["POST", "PUT"]] | None = None,
        webhook_headers: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        webhook_timeout: pulumi.Input[int] | None = None,
        webhook_retry_count: pulumi.Input[int] | None = None,
        webhook_auth_header: pulumi.Input[str] | None = None,
        enabled: pulumi.Input[bool] | None = None,
        adopt_existing: pulumi.Input[bool] | None = None,
    ) -> None: ...

    def __init__(
        self,
        resource_name: str,
        args: InboundDomainArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **keywords: Any,
    ) -> None:
        """Declare an InboundDomain, with `InboundDomainArgs` or keyword inputs (a keyword
        given wins over the same field of `args`)."""
        self._register(resource_name, args, opts, keywords)

    @classmethod
    def get(
        cls,
        resource_name: str,
        id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> Self:
        """Look up an existing InboundDomain, read-only (it is not managed), by its id."""
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        lookup: dict[str, Any] = {}
        return cls(resource_name, None, opts, **lookup)

    def _register(
        self,
        resource_name: str,
        args: InboundDomainArgs | None,
        opts: pulumi.ResourceOptions | None,
        keywords: dict[str, Any],
    ) -> None:
        raise NotImplementedError


@dataclass(kw_only=True)
class ForwardRuleArgs:
    """The inputs of a ForwardRule."""
    domain_uuid: pulumi.Input[str]
    """The uuid of the forward-mode InboundDomain the rule belongs to: pass domain.id (known
    even while a preview updates the domain). Changing it replaces the resource."""
    localpart: pulumi.Input[str]
    """The address part before '@' to forward, or '*' for a catch-all. Stored lowercase;
    changing it replaces the rule. Changing it replaces the resource."""
    destination: pulumi.Input[str]
    """Where mail is forwarded: a bare address 'local@domain'. It receives a verification
    mail; the rule forwards nothing until it is verified."""
    active: pulumi.Input[bool] | None = None
    """Whether the rule forwards mail (default true)."""


class ForwardRuleSurface:
    """A forward rule of a forward-mode inbound domain: mail to `localpart@<domain>` goes to
    `destination`, once the destination is verified. (The typed surface: annotations and
    signatures.)"""
    domain_uuid: pulumi.Output[str]
    """The uuid of the forward-mode InboundDomain the rule belongs to: pass domain.id (known
    even while a preview updates the domain). Changing it replaces the resource."""
    localpart: pulumi.Output[str]
    """The address part before '@' to forward, or '*' for a catch-all. Stored lowercase;
    changing it replaces the rule. Changing it replaces the resource."""
    destination: pulumi.Output[str]
    """Where mail is forwarded: a bare address 'local@domain'. It receives a verification
    mail; the rule forwards nothing until it is verified."""
    active: pulumi.Output[bool]
    """Whether the rule forwards mail (default true)."""
    uuid: pulumi.Output[str]
    """The rule's id at JetEmail (also the resource id)."""
    verified: pulumi.Output[bool]
    """Whether the destination confirmed its verification mail (refresh updates it)."""
    created_at: pulumi.Output[int]
    """When the rule was created, in unix seconds."""

    @overload
    def __init__(
        self, resource_name: str, args: ForwardRuleArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        args: None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        domain_uuid: pulumi.Input[str],
        localpart: pulumi.Input[str],
        destination: pulumi.Input[str],
        active: pulumi.Input[bool] | None = None,
    ) -> None: ...

    def __init__(
        self,
        resource_name: str,
        args: ForwardRuleArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **keywords: Any,
    ) -> None:
        """Declare a ForwardRule, with `ForwardRuleArgs` or keyword inputs (a keyword given
        wins over the same field of `args`)."""
        self._register(resource_name, args, opts, keywords)

    @classmethod
    def get(
        cls,
        resource_name: str,
        id: pulumi.Input[str],
        domain_uuid: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> Self:
        """Look up an existing ForwardRule, read-only (it is not managed), by its id and its
        domain_uuid."""
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        lookup: dict[str, Any] = {"domain_uuid": domain_uuid}
        return cls(resource_name, None, opts, **lookup)

    def _register(
        self,
        resource_name: str,
        args: ForwardRuleArgs | None,
        opts: pulumi.ResourceOptions | None,
        keywords: dict[str, Any],
    ) -> None:
        raise NotImplementedError


@dataclass(kw_only=True)
class DomainVerificationArgs:
    """The inputs of a DomainVerification."""
    domain_uuid: pulumi.Input[str]
    """The uuid of the forward-mode InboundDomain to wait for: pass domain.id (a replacement
    waits again). Changing it replaces the resource."""
    records: pulumi.Input[Sequence[pulumi.Input[Literal["mx", "dkim", "spf", "dmarc"]]]] | None = None
    """The records that must verify: some of 'mx', 'dkim', 'spf' and 'dmarc' (default all
    four, which forward mode needs before mail flows). Changing it replaces the resource."""
    timeout_seconds: pulumi.Input[int] | None = None
    """How long the create waits, in seconds (default 600). The native provider takes the
    engine's `customTimeouts.create` first, when the program sets it."""
    poll_seconds: pulumi.Input[int] | None = None
    """Seconds before the first re-check (default 10); each wait after is half as long again,
    up to a minute."""


class DomainVerificationSurface:
    """A wait for a forward-mode inbound domain's DNS records to verify: its create asks
    JetEmail to check them, again and again with backoff inside the provider's request
    budget, until every wanted record verifies or the time is up (then it fails, naming
    each record still to publish, and leaves nothing in state). Refresh reads the flags
    again without asking for a check; delete removes nothing at JetEmail. (The typed
    surface: annotations and signatures.)"""
    domain_uuid: pulumi.Output[str]
    """The uuid of the forward-mode InboundDomain to wait for: pass domain.id (a replacement
    waits again). Changing it replaces the resource."""
    records: pulumi.Output[list[Literal["mx", "dkim", "spf", "dmarc"]]]
    """The records that must verify: some of 'mx', 'dkim', 'spf' and 'dmarc' (default all
    four, which forward mode needs before mail flows). Changing it replaces the resource."""
    timeout_seconds: pulumi.Output[int | None]
    """How long the create waits, in seconds (default 600). The native provider takes the
    engine's `customTimeouts.create` first, when the program sets it."""
    poll_seconds: pulumi.Output[int]
    """Seconds before the first re-check (default 10); each wait after is half as long again,
    up to a minute."""
    domain: pulumi.Output[str]
    """The domain's name."""
    forward_mx_verified: pulumi.Output[bool]
    """Whether the MX record verifies, as JetEmail last checked it (refresh reads it again)."""
    forward_dkim_verified: pulumi.Output[bool]
    """Whether the DKIM CNAME verifies, as JetEmail last checked it (refresh reads it again)."""
    forward_spf_verified: pulumi.Output[bool]
    """Whether the SPF TXT record verifies, as JetEmail last checked it (refresh reads it
    again)."""
    forward_dmarc_verified: pulumi.Output[bool]
    """Whether the DMARC TXT record verifies, as JetEmail last checked it (refresh reads it
    again)."""
    verified: pulumi.Output[bool]
    """Whether every wanted record verifies (false after a refresh that saw one drop)."""
    verified_at: pulumi.Output[int]
    """When every wanted record verified, in unix seconds."""

    @overload
    def __init__(
        self, resource_name: str, args: DomainVerificationArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        args: None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        domain_uuid: pulumi.Input[str],
        records: pulumi.Input[Sequence[pulumi.Input[Literal["mx", "dkim", "spf", "dmarc"]]]] | None = None,
        timeout_seconds: pulumi.Input[int] | None = None,
        poll_seconds: pulumi.Input[int] | None = None,
    ) -> None: ...

    def __init__(
        self,
        resource_name: str,
        args: DomainVerificationArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **keywords: Any,
    ) -> None:
        """Declare a DomainVerification, with `DomainVerificationArgs` or keyword inputs (a
        keyword given wins over the same field of `args`)."""
        self._register(resource_name, args, opts, keywords)

    @classmethod
    def get(
        cls,
        resource_name: str,
        id: pulumi.Input[str],
        domain_uuid: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> Self:
        """Look up an existing DomainVerification, read-only (it is not managed), by its id
        and its domain_uuid."""
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        lookup: dict[str, Any] = {"domain_uuid": domain_uuid}
        return cls(resource_name, None, opts, **lookup)

    def _register(
        self,
        resource_name: str,
        args: DomainVerificationArgs | None,
        opts: pulumi.ResourceOptions | None,
        keywords: dict[str, Any],
    ) -> None:
        raise NotImplementedError


class ProviderSurface:
    """How the native provider reaches JetEmail. Each setting falls back to its stack-config
    key, then to its environment variable, then to its default."""

    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        api_key: pulumi.Input[str] | None = None,
        api_url: pulumi.Input[str] | None = None,
        requests_per_minute: pulumi.Input[int] | None = None,
        request_timeout: pulumi.Input[float] | None = None,
    ) -> None:
        """An explicit JetEmail provider: pass it as
        `opts=pulumi.ResourceOptions(provider=...)`. `api_key`: The account-management API
        key (starts with `api_`); secret. Falls back to jetemail:apiKey, then
        JETEMAIL_API_KEY. `api_url`: The API's base URL. Default:
        https://api.jetemail.com. Falls back to jetemail:apiUrl, then JETEMAIL_API_URL.
        `requests_per_minute`: Requests a minute this provider process sends at most (the
        API allows 240 an account). Default: 200. Falls back to
        jetemail:requestsPerMinute, then JETEMAIL_REQUESTS_PER_MINUTE. `request_timeout`:
        Seconds a request may take to send and to answer. Default: 30.0. Falls back to
        jetemail:requestTimeout, then JETEMAIL_REQUEST_TIMEOUT."""
        self._register(resource_name, opts, {"api_key": api_key, "api_url": api_url, "requests_per_minute": requests_per_minute, "request_timeout": request_timeout})

    def _register(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None,
        keywords: dict[str, Any],
    ) -> None:
        raise NotImplementedError
