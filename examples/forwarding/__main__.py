"""Forward mail per address: a forward-mode domain, two rules (one a catch-all) and the
four DNS records the domain needs before mail flows."""

import pulumi

from pulumi_jetemail import ForwardRule, InboundDomain

config = pulumi.Config()
domain = InboundDomain(
    "forwarding",
    domain=config.get("domain") or "forwarding.example",
    delivery_type="forward",
)
# `domain.id` is the domain's uuid too, and it stays known while a preview updates the domain
# in place (its other outputs do not), so the rules preview as unchanged.
sales = ForwardRule(
    "sales",
    domain_uuid=domain.id,
    localpart="sales",
    destination="sales-team@example.net",
)
catch_all = ForwardRule(
    "catch-all",
    domain_uuid=domain.id,
    localpart="*",
    destination="inbox@example.net",
)

pulumi.export("uuid", domain.uuid)
pulumi.export("dns_records", domain.dns_records)
pulumi.export(
    "verified",
    pulumi.Output.all(
        domain.forward_mx_verified,
        domain.forward_dkim_verified,
        domain.forward_spf_verified,
        domain.forward_dmarc_verified,
    ).apply(all),
)
pulumi.export("rules", {"sales": sales.uuid, "catch_all": catch_all.uuid})

# Publish the records with your DNS provider in the same program, e.g. Cloudflare:
#
# import pulumi_cloudflare as cloudflare
#
# def publish(records):
#     for i, record in enumerate(records):
#         cloudflare.Record(
#             f"jetemail-{i}",
#             zone_id=config.require("zoneId"),
#             name=record["name"],
#             type=record["type"],
#             content=record["value"],
#             priority=record.get("priority"),
#         )
#
# domain.dns_records.apply(publish)
