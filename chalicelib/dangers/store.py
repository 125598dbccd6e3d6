"""Hidden-danger tables: dangers, their append-only history, supervision orders (督办) and the regulator outbox."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from chalicelib.core import ids
from chalicelib.core.store import DocumentAttribute, gsi, meta


class DangerModel(Model):
    """One hidden danger; `doc` holds what was registered, the plan, submission and acceptance."""

    Meta = meta("hidden-dangers")
    id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    state = UnicodeAttribute()
    level = UnicodeAttribute()
    deadline_ms = NumberAttribute(null=True)
    overdue = BooleanAttribute(default=False)
    reported = NumberAttribute(null=True)  # the dangerState last queued for the regulator (major dangers)
    doc = DocumentAttribute()
    created_ms = NumberAttribute()
    updated_ms = NumberAttribute()
    version = VersionAttribute()

    by_enterprise = gsi("by_enterprise", "enterprise_id", "created_ms")

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "id": self.id,
            "enterprise_id": self.enterprise_id,
            "state": self.state,
            "level": self.level,
            "deadline_ms": int(self.deadline_ms) if self.deadline_ms is not None else None,
            "overdue": bool(self.overdue),
            "created_ms": int(self.created_ms),
            "updated_ms": int(self.updated_ms),
        }


class DangerEventModel(Model):
    """What happened to a danger, by whom, when (registered, planned, submitted, accepted...). Append-only."""

    Meta = meta("hidden-danger-events", append_only=True)
    danger_id = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)
    ts = NumberAttribute()
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    doc = DocumentAttribute(default=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"ts": int(self.ts), "actor": self.actor, "action": self.action, **self.doc}


def event(danger_id: str, ts: int, actor: str, action: str, **details: Any) -> DangerEventModel:
    return DangerEventModel(danger_id, ids.event_key(ts), ts=ts, actor=actor, action=action, doc=details)


class OrderModel(Model):
    """A supervision order (督办单). id = `sup_<danger>_<reason>`: one order per danger and reason."""

    Meta = meta("supervision-orders")
    id = UnicodeAttribute(hash_key=True)
    danger_id = UnicodeAttribute()
    enterprise_id = UnicodeAttribute()
    reason = UnicodeAttribute()  # major | overdue
    state = UnicodeAttribute()  # open | responded | closed
    escalated = BooleanAttribute(default=False)
    respond_by_ms = NumberAttribute()
    escalated_ms = NumberAttribute(null=True)
    closed_ms = NumberAttribute(null=True)
    doc = DocumentAttribute(default=dict)  # title, liable person, responses, notices
    created_ms = NumberAttribute()
    version = VersionAttribute()

    by_enterprise = gsi("by_enterprise", "enterprise_id", "created_ms")

    def data(self) -> dict[str, Any]:
        return {
            "responses": [],
            **self.doc,
            "id": self.id,
            "danger_id": self.danger_id,
            "enterprise_id": self.enterprise_id,
            "reason": self.reason,
            "state": self.state,
            "escalated": bool(self.escalated),
            "respond_by_ms": int(self.respond_by_ms),
            "escalated_ms": int(self.escalated_ms) if self.escalated_ms is not None else None,
            "closed_ms": int(self.closed_ms) if self.closed_ms is not None else None,
            "created_ms": int(self.created_ms),
        }


class OutboxModel(Model):
    """An outgoing message to the regulator's dual-prevention exchange, recorded before any transport sends it."""

    Meta = meta("regulator-outbox")
    id = UnicodeAttribute(hash_key=True)
    dataset = UnicodeAttribute()  # sec_hidden_danger_info
    ref = UnicodeAttribute()  # the danger
    enterprise_id = UnicodeAttribute()
    status = UnicodeAttribute(default="queued")  # queued | sent (by the exchange context, later)
    payload = UnicodeAttribute()
    created_ms = NumberAttribute()

    by_ref = gsi("by_ref", "ref", "created_ms")
