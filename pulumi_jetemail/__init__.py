"""JetEmail inbound mail (domains, delivery modes, forward rules) as Pulumi resources."""

from __future__ import annotations

__all__: list[str] = []
