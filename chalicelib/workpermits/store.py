"""Special work permit tables: permits, their append-only event trail and gas analyses.

Retention (GB 30871-2022 B.3: tickets kept ≥ 1 year): none of these tables has a TTL, so nothing expires;
the event and gas-analysis tables are append-only (no delete permission in AWS), and permits are never
deleted, only closed or cancelled (docs/work-permits.md)."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from chalicelib.core import ids
from chalicelib.core.store import DocumentAttribute, gsi, meta


def event_key(ts: int, order: int = 0) -> str:
    """Range key of trail entries and analyses: time-ordered, then by `order` (the permit's version, so steps
    taken within one millisecond still read in order), unique by a ULID."""
    order = max(order, 0)
    return f"{ts:013d}#{order:05d}#{ids.ulid(ts)}"


class PermitModel(Model):
    """One ticket; `doc` holds what the application and the rules made of it (level, approval, guardian...)."""

    Meta = meta("work-permits")
    id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    type = UnicodeAttribute()
    state = UnicodeAttribute()
    starts_ms = NumberAttribute()
    ends_ms = NumberAttribute()
    doc = DocumentAttribute()
    created_ms = NumberAttribute()
    updated_ms = NumberAttribute()
    version = VersionAttribute()

    by_enterprise = gsi("by_enterprise", "enterprise_id", "created_ms")
    by_state = gsi("by_state", "state", "starts_ms")

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "id": self.id,
            "enterprise_id": self.enterprise_id,
            "type": self.type,
            "state": self.state,
            "starts_ms": int(self.starts_ms),
            "ends_ms": int(self.ends_ms),
            "created_ms": int(self.created_ms),
            "updated_ms": int(self.updated_ms),
        }


class PermitEventModel(Model):
    """What happened to a ticket: created, approved, started, suspended (by whom or which alarm), resumed,
    closed, cancelled, gas analysis recorded. Append-only."""

    Meta = meta("work-permit-events", append_only=True)
    permit_id = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)
    ts = NumberAttribute()
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    doc = DocumentAttribute(default=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"ts": int(self.ts), "actor": self.actor, "action": self.action, **self.doc}


def event(permit_id: str, ts: int, actor: str, action: str, order: int = 0, **details: Any) -> PermitEventModel:
    return PermitEventModel(permit_id, event_key(ts, order), ts=ts, actor=actor, action=action, doc=details)


class GasAnalysisModel(Model):
    """One gas analysis (气体分析) of a ticket, keyed by sampling time; its verdict is computed on entry."""

    Meta = meta("work-permit-gas-analyses", append_only=True)
    permit_id = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)
    sampled_ms = NumberAttribute()
    recorded_ms = NumberAttribute()
    by = UnicodeAttribute()
    passed = BooleanAttribute()
    doc = DocumentAttribute()  # analyst, results, failures

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "id": self.key,
            "permit_id": self.permit_id,
            "sampled_ms": int(self.sampled_ms),
            "recorded_ms": int(self.recorded_ms),
            "by": self.by,
            "passed": bool(self.passed),
        }
