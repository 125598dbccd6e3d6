"""CMDB and change tables: configuration items, their history, change requests and change timelines."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from chalicelib.core.store import DocumentAttribute, gsi, meta


class CIModel(Model):
    """A configuration item (配置项). `declared` is the approved configuration and changes only through a
    completed change request; `observed` is what discovery or an engineer last saw, per attribute."""

    Meta = meta("cmdb-items")
    id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    kind = UnicodeAttribute()
    owner = UnicodeAttribute()
    location = UnicodeAttribute(default="")
    description = UnicodeAttribute(default="")
    declared = DocumentAttribute(default=dict)  # attribute -> value
    observed = DocumentAttribute(default=dict)  # attribute -> {value, at, by, source}
    last_observed_ms = NumberAttribute(null=True)
    last_observed_by = UnicodeAttribute(null=True)
    revision = NumberAttribute(default=0)  # +1 per change applied to the declared configuration
    open_change = UnicodeAttribute(null=True)  # the one change request in progress on this CI
    created_ms = NumberAttribute()
    created_by = UnicodeAttribute()
    updated_ms = NumberAttribute()
    version = VersionAttribute()


class CIHistoryModel(Model):
    """Configuration change archive (配置变更档案, 6.2.4-3): registered, change requested, declared change
    (before/after, by which change request), observation. Append-only."""

    Meta = meta("cmdb-history", append_only=True)
    ci_id = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)
    type = UnicodeAttribute()  # created | change_requested | declared | observed
    ts = NumberAttribute()
    actor = UnicodeAttribute()
    change_id = UnicodeAttribute(null=True)
    doc = DocumentAttribute(default=dict)

    by_type = gsi("by_type", "type", "ts")

    def as_dict(self) -> dict[str, Any]:
        return {
            "ts": int(self.ts),
            "type": self.type,
            "actor": self.actor,
            "change_id": self.change_id,
            **self.doc,
        }


class ChangeModel(Model):
    """A change request (变更申请). `token` is the waiting workflow step's task token, never shown."""

    Meta = meta("changes")
    id = UnicodeAttribute(hash_key=True)
    title = UnicodeAttribute()
    status = UnicodeAttribute()
    awaiting = UnicodeAttribute(null=True)  # the human step that can be completed now
    token = UnicodeAttribute(null=True)
    requester = UnicodeAttribute()
    implementer = UnicodeAttribute(null=True)
    doc = DocumentAttribute()  # description, items, risk, plans, window, limits
    created_ms = NumberAttribute()
    updated_ms = NumberAttribute()
    outcome = UnicodeAttribute(null=True)
    closed_ms = NumberAttribute(null=True)
    report_key = UnicodeAttribute(null=True)
    audit_seq = NumberAttribute(null=True)  # the archive's audit record, once appended
    version = VersionAttribute()

    by_status = gsi("by_status", "status", "created_ms")
    by_outcome = gsi("by_outcome", "outcome", "closed_ms")

    def doc_map(self) -> dict[str, Any]:
        return self.doc


class ChangeEventModel(Model):
    """Timeline of a change: every step with its time, actor and notes. Append-only."""

    Meta = meta("change-events", append_only=True)
    change_id = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)
    ts = NumberAttribute()
    action = UnicodeAttribute()
    actor = UnicodeAttribute()
    doc = DocumentAttribute(default=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"ts": int(self.ts), "action": self.action, "actor": self.actor, **self.doc}
