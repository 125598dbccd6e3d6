"""Dual-prevention tables: risk analysis units with their parts (events, measures, stops), check tasks and
check records (one per occurrence of a task)."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from chalicelib.core.store import DocumentAttribute, gsi, meta


class RiskUnitModel(Model):
    """风险分析单元. `missed_open` counts its checks standing missed (atomic ADD by the sweep and by make-ups)."""

    Meta = meta("risk-units")
    id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    risk_class = UnicodeAttribute()
    missed_open = NumberAttribute(default=0)
    doc = DocumentAttribute()
    created_ms = NumberAttribute()

    by_enterprise = gsi("by_enterprise", "enterprise_id", "created_ms")

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "id": self.id,
            "enterprise_id": self.enterprise_id,
            "risk_class": self.risk_class,
            "missed_open": int(self.missed_open),
            "created_ms": int(self.created_ms),
        }


class UnitPartModel(Model):
    """A unit's 风险事件 (`event#<id>`), 管控措施 (`measure#<id>`) and 停用检修 periods (`stop#<id>`)."""

    Meta = meta("risk-unit-parts")
    unit_id = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)
    doc = DocumentAttribute()
    created_ms = NumberAttribute()

    def data(self) -> dict[str, Any]:
        return {**self.doc, "id": self.key.partition("#")[2], "created_ms": int(self.created_ms)}


class CheckTaskModel(Model):
    """排查任务: a control measure checked every `cycle` `cycle_unit` from `starts_ms` by a post."""

    Meta = meta("check-tasks")
    id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    unit_id = UnicodeAttribute()
    active = BooleanAttribute(default=True)
    starts_ms = NumberAttribute()
    next_index = NumberAttribute(default=0)  # the next occurrence the sweep opens
    doc = DocumentAttribute()
    created_ms = NumberAttribute()
    version = VersionAttribute()

    by_enterprise = gsi("by_enterprise", "enterprise_id", "created_ms")

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "id": self.id,
            "enterprise_id": self.enterprise_id,
            "unit_id": self.unit_id,
            "active": bool(self.active),
            "starts_ms": int(self.starts_ms),
            "next_index": int(self.next_index),
            "created_ms": int(self.created_ms),
        }


class CheckRecordModel(Model):
    """排查记录: one occurrence of a task, id `<task>.<index>`; open when due, then done/late/missed/suspended."""

    Meta = meta("check-records")
    id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    task_id = UnicodeAttribute()
    unit_id = UnicodeAttribute()
    status = UnicodeAttribute()
    window_start_ms = NumberAttribute()
    deadline_ms = NumberAttribute()
    done_ms = NumberAttribute(null=True)
    doc = DocumentAttribute(default=dict)  # result, note, by, name

    by_enterprise = gsi("by_enterprise", "enterprise_id", "window_start_ms")
    by_task = gsi("by_task", "task_id", "window_start_ms")
    # The sweep's question "which open checks have ended?" is one query, not a scan of every record kept.
    by_status = gsi("by_status", "status", "deadline_ms")

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "id": self.id,
            "enterprise_id": self.enterprise_id,
            "task_id": self.task_id,
            "unit_id": self.unit_id,
            "status": self.status,
            "window_start_ms": int(self.window_start_ms),
            "deadline_ms": int(self.deadline_ms),
            "done_ms": int(self.done_ms) if self.done_ms is not None else None,
            "on_time": self.status == "done" if self.done_ms is not None else None,
        }
