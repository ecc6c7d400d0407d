"""POST each inbound message to a webhook; the receiver checks the signature with the
exported webhook_secret (see pulumi_jetemail.webhooks.verify_request)."""

import pulumi

from pulumi_jetemail import InboundDomain

config = pulumi.Config()
hooks = InboundDomain(
    "hooks",
    domain=config.get("domain") or "example.org",
    delivery_type="webhook",
    webhook_url="https://api.example.com/inbound-mail",
    webhook_method="PUT",
    webhook_timeout=10000,
    webhook_retry_count=5,
    webhook_headers={"X-Source": "jetemail"},
    webhook_auth_header=config.get_secret("hookAuth") or "Bearer change-me",
)
pulumi.export("uuid", hooks.uuid)
pulumi.export("webhook_secret", hooks.webhook_secret)  # [secret]: give it to the receiver
