"""Risk table: the current level of each installation, enterprise and the park (written on change)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.core.store import meta


class ByEnterprise(GlobalSecondaryIndex["RiskModel"]):
    class Meta:
        index_name = "by_enterprise"
        projection = AllProjection()

    enterprise_id = UnicodeAttribute(hash_key=True)
    scope = UnicodeAttribute(range_key=True)


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

    by_enterprise = ByEnterprise()
