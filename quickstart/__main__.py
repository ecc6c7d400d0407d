"""The quickstart stack: one inbound domain that posts each message to a webhook.

pulumi config set --secret jetemail:apiKey api_...
pulumi config set --secret hookAuth "Bearer <token your receiver expects>"
pulumi up
"""

import pulumi

from pulumi_jetemail import InboundDomain

config = pulumi.Config()
support = InboundDomain(
    "support",
    domain=config.get("domain") or "example.com",
    delivery_type="webhook",
    webhook_url="https://hooks.example.com/inbound",
    webhook_auth_header=config.get_secret("hookAuth"),
)
pulumi.export("uuid", support.uuid)
pulumi.export("webhook_secret", support.webhook_secret)  # shown as [secret]
pulumi.export("dns_records", support.dns_records)
