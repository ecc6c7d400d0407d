"""Relay mail for a domain to two SMTP servers, the first preferred, with TLS."""

import pulumi

from pulumi_jetemail import InboundDomain

config = pulumi.Config()
relay = InboundDomain(
    "relay",
    domain=config.get("domain") or "example.net",
    delivery_type="smtp",
    smtp_servers=[
        {"url": "mx1.example.com:25", "priority": 1, "tls_enabled": True},
        "mx2.example.com:2525",  # a plain "host:port" string works too
    ],
)
pulumi.export("uuid", relay.uuid)
pulumi.export("status", relay.status)
pulumi.export("mx_record", relay.dns_records[0])
