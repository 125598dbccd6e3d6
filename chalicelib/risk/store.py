"""Risk tables: the current level of each installation, enterprise and the park (written on change), the daily
profile snapshots of each enterprise (kept `risk_snapshot_days`, TTL) and the risk notices to enterprises."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from chalicelib.core.store import DocumentAttribute, gsi, meta


class RiskModel(Model):
    """scope = "installation:<id>" | "enterprise:<id>" | "park"."""

    Meta = meta("risk")
    scope = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()  # "_park" for the park row
    level = UnicodeAttribute()
    static_level = UnicodeAttribute(default="blue")
    reasons = UnicodeAttribute(default="[]")
    name = UnicodeAttribute(default="")
    score = NumberAttribute(null=True)  # an enterprise's profile score (docs/risk.md)
    since_ms = NumberAttribute()
    updated_ms = NumberAttribute()

    by_enterprise = gsi("by_enterprise", "enterprise_id", "scope", UnicodeAttribute)


class SnapshotModel(Model):
    """One enterprise's profile on one park-local day, taken once by the snapshot sweep."""

    Meta = meta("risk-snapshots")
    enterprise_id = UnicodeAttribute(hash_key=True)
    day = UnicodeAttribute(range_key=True)  # YYYY-MM-DD, park local time
    score = NumberAttribute()
    level = UnicodeAttribute()
    contributions = UnicodeAttribute(default="[]")  # JSON: Profile.as_dict()["contributions"]
    taken_ms = NumberAttribute()
    expires = TTLAttribute()  # moto never expires items: reads filter on it


class NoticeModel(Model):
    """A risk notice (风险提示) from the park to one enterprise; `doc` holds the text, who did what, the SMS."""

    Meta = meta("risk-notices")
    id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    state = UnicodeAttribute()  # issued | acknowledged | closed
    level = UnicodeAttribute()
    title = UnicodeAttribute()
    due_ms = NumberAttribute(null=True)
    created_ms = NumberAttribute()
    acked_ms = NumberAttribute(null=True)
    closed_ms = NumberAttribute(null=True)
    doc = DocumentAttribute(default=dict)
    version = VersionAttribute()

    by_enterprise = gsi("by_enterprise", "enterprise_id", "created_ms")

    def data(self) -> dict[str, Any]:
        def ms(value: Any) -> int | None:
            return int(value) if value is not None else None

        return {
            "history": [],
            "sms": [],
            **self.doc,
            "id": self.id,
            "enterprise_id": self.enterprise_id,
            "state": self.state,
            "level": self.level,
            "title": self.title,
            "due_ms": ms(self.due_ms),
            "created_ms": int(self.created_ms),
            "acked_ms": ms(self.acked_ms),
            "closed_ms": ms(self.closed_ms),
        }
