"""Risk table: the current level of each installation, enterprise and the park (written on change)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.core.store import gsi, meta


class RiskModel(Model):
    """scope = "installation:<id>" | "enterprise:<id>" | "park"."""

    Meta = meta("risk")
    scope = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()  # "_park" for the park row
    level = UnicodeAttribute()
    static_level = UnicodeAttribute(default="blue")
    reasons = UnicodeAttribute(default="[]")
    name = UnicodeAttribute(default="")
    since_ms = NumberAttribute()
    updated_ms = NumberAttribute()

    by_enterprise = gsi("by_enterprise", "enterprise_id", "scope", UnicodeAttribute)
