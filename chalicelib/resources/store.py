"""Emergency resource tables: resources, their append-only history, and supply reminders."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

from chalicelib.core import ids
from chalicelib.core.store import DocumentAttribute, gsi, meta


class ResourceModel(Model):
    """One resource; `doc` holds name, location, contact, details and note as validated by the schema."""

    Meta = meta("resources")
    id = UnicodeAttribute(hash_key=True)
    owner = UnicodeAttribute()  # enterprise id, or "_park"
    kind = UnicodeAttribute()
    status = UnicodeAttribute()
    incident_id = UnicodeAttribute(null=True)
    doc = DocumentAttribute()
    created_ms = NumberAttribute()
    updated_ms = NumberAttribute()
    version = VersionAttribute()

    by_owner = gsi("by_owner", "owner", "id", UnicodeAttribute)

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "incident_id": self.incident_id,
            "created_at": int(self.created_ms),
            "updated_at": int(self.updated_ms),
        }


class ResourceHistoryModel(Model):
    """Who changed what on a resource, when (created, replaced, status, deleted). Append-only."""

    Meta = meta("resource-history", append_only=True)
    resource_id = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)
    ts = NumberAttribute()
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    doc = DocumentAttribute(default=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"ts": int(self.ts), "actor": self.actor, "action": self.action, **self.doc}


def history_entry(resource_id: str, ts: int, actor: str, action: str, **details: Any) -> ResourceHistoryModel:
    return ResourceHistoryModel(resource_id, ids.event_key(ts), ts=ts, actor=actor, action=action, doc=details)


class ReminderModel(Model):
    """A supply reminder. The open one has id `<resource>:<reason>` (a conditional put keeps it unique);
    once resolved it is archived under `<resource>:<reason>:<ulid>`."""

    Meta = meta("resource-reminders")
    id = UnicodeAttribute(hash_key=True)
    owner = UnicodeAttribute()
    resource_id = UnicodeAttribute()
    reason = UnicodeAttribute()
    status = UnicodeAttribute()  # open | resolved
    raised_ms = NumberAttribute()
    seen_ms = NumberAttribute()
    notified_ms = NumberAttribute(null=True)  # unset until SNS accepted it: the next sweep retries
    resolved_ms = NumberAttribute(null=True)
    doc = DocumentAttribute(default=dict)  # resource name, message, facts

    by_owner = gsi("by_owner", "owner", "raised_ms")

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "id": self.id,
            "resource_id": self.resource_id,
            "reason": self.reason,
            "status": self.status,
            "raised_at": int(self.raised_ms),
            "resolved_at": int(self.resolved_ms) if self.resolved_ms is not None else None,
        }


def page(
    model: Any, owners: list[str] | None, condition: Condition | None, limit: int, cursor: dict[str, Any] | None
) -> tuple[list[Any], dict[str, Any] | None]:
    """One page limited to `owners` (None = all): one owner is an index query, several a filtered scan.

    PynamoDB keeps reading until `limit` items passed the filter, so a filtered page is not cut short.
    """
    if owners is not None and len(owners) == 1:
        results = model.by_owner.query(owners[0], filter_condition=condition, limit=limit, last_evaluated_key=cursor)
    else:
        if owners is not None:
            scoped = model.owner.is_in(*owners)
            condition = scoped if condition is None else condition & scoped
        results = model.scan(condition, limit=limit, last_evaluated_key=cursor)
    items = list(results)
    return items, results.last_evaluated_key


def scan_all(model: Any, condition: Condition | None = None) -> list[Any]:
    return list(model.scan(condition))
