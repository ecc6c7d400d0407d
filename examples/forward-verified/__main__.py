"""A forward-mode domain whose deploy waits until its DNS records verify: the records to
publish are outputs (hand them to your DNS provider's resources in the same program), and a
DomainVerification waits, with a bound, until JetEmail sees them."""

import pulumi

from pulumi_jetemail import DomainVerification, ForwardRule, InboundDomain

config = pulumi.Config()
domain = InboundDomain(
    "verified",
    domain=config.get("domain") or "verified.example",
    delivery_type="forward",
)
# Publish domain.dns_records here with your DNS provider (see examples/forwarding), and make
# the wait depend on those records: opts=pulumi.ResourceOptions(depends_on=[...records]).
verification = DomainVerification(
    "verified-dns",
    domain_uuid=domain.id,
    timeout_seconds=config.get_int("verifyTimeout") or 600,
    poll_seconds=config.get_int("pollSeconds") or 10,
)
# Rules that depend on the verification are created only once mail can flow.
sales = ForwardRule(
    "sales",
    domain_uuid=domain.id,
    localpart="sales",
    destination="sales-team@example.net",
    opts=pulumi.ResourceOptions(depends_on=[verification]),
)

pulumi.export("dns_records", domain.dns_records)
pulumi.export("verified", verification.verified)
pulumi.export("verified_at", verification.verified_at)
