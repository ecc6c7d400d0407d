"""The native plugin's functions as typed Python calls, exported by `pulumi_jetemail.native`
(generated from `resources/` by `make generate`: do not edit by hand)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pulumi

from ._native_door import invoke, invoke_output
from ._surface import (
    DnsRecord,
    ForwardRuleInfo,
)

__all__ = [
    "GetForwardRulesResult",
    "GetInboundDomainResult",
    "get_forward_rules",
    "get_forward_rules_output",
    "get_inbound_domain",
    "get_inbound_domain_output",
]


@dataclass(frozen=True)
class GetInboundDomainResult:
    """What `get_inbound_domain` answers: An inbound domain as JetEmail has it."""

    domain: str
    """The domain that receives mail, e.g. 'example.com' (JetEmail asks for a primary domain,
    not mail.example.com). Stored lowercase without a trailing dot."""
    delivery_type: Literal["smtp", "webhook", "forward"]
    """How mail is handed on: 'smtp' (relay to your servers), 'webhook' (POST each message to
    a URL) or 'forward' (per-address forward rules)."""
    enabled: bool
    """Whether the domain accepts mail (the API's status active/disabled; default true)."""
    uuid: str
    """The domain's id at JetEmail (also the resource id)."""
    status: Literal["active", "disabled"]
    """'active' or 'disabled', as the API reports it."""
    forward_mx_verified: bool
    """forward mode: the MX record verifies."""
    forward_dkim_verified: bool
    """forward mode: the DKIM CNAME verifies."""
    forward_spf_verified: bool
    """forward mode: the SPF TXT record verifies."""
    forward_dmarc_verified: bool
    """forward mode: the DMARC TXT record verifies."""
    dns_records: list[DnsRecord]
    """Records to publish for the domain."""


def get_inbound_domain(
    *,
    domain: str | None = None,
    uuid: str | None = None,
    opts: pulumi.InvokeOptions | None = None,
) -> GetInboundDomainResult:
    """Look up an inbound domain on the account by its name or its uuid: its uuid, delivery
    type, status, DNS verification flags and the records to publish. `domain`: The
    domain's name, e.g. 'example.com'. `uuid`: The domain's uuid."""
    args = {"domain": domain, "uuid": uuid}
    return invoke(GetInboundDomainResult, "getInboundDomain", args, opts)


def get_inbound_domain_output(
    *,
    domain: pulumi.Input[str] | None = None,
    uuid: pulumi.Input[str] | None = None,
    opts: pulumi.InvokeOutputOptions | None = None,
) -> pulumi.Output[GetInboundDomainResult]:
    """`get_inbound_domain` with inputs that may be Outputs."""
    args = {"domain": domain, "uuid": uuid}
    return invoke_output(GetInboundDomainResult, "getInboundDomain", args, opts)


@dataclass(frozen=True)
class GetForwardRulesResult:
    """What `get_forward_rules` answers: The rules of the domain."""

    domain_uuid: str
    """The domain's uuid."""
    rules: list[ForwardRuleInfo]
    """Its forward rules, in creation order."""


def get_forward_rules(
    *,
    domain_uuid: str,
    opts: pulumi.InvokeOptions | None = None,
) -> GetForwardRulesResult:
    """List the forward rules of an inbound domain: each rule's uuid, local part,
    destination, whether it is active and whether its destination is verified.
    `domain_uuid`: The uuid of a forward-mode inbound domain."""
    args = {"domain_uuid": domain_uuid}
    return invoke(GetForwardRulesResult, "getForwardRules", args, opts)


def get_forward_rules_output(
    *,
    domain_uuid: pulumi.Input[str],
    opts: pulumi.InvokeOutputOptions | None = None,
) -> pulumi.Output[GetForwardRulesResult]:
    """`get_forward_rules` with inputs that may be Outputs."""
    args = {"domain_uuid": domain_uuid}
    return invoke_output(GetForwardRulesResult, "getForwardRules", args, opts)
