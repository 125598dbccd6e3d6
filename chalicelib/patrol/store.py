"""Patrol tables: routes (checkpoints inside), plans, tasks (one per window of a plan), check-ins (one per task
and checkpoint, `missed` when the window ended without one) and smart-inspection anomalies."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    VersionAttribute,
)
from pynamodb.models import Model

from chalicelib.core import clock
from chalicelib.core.store import DocumentAttribute, gsi, meta


class RouteModel(Model):
    """巡检路线. enterprise_id is the owner, `_park` for a park route; `doc` holds name, liable person, checkpoints."""

    Meta = meta("patrol-routes")
    id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    doc = DocumentAttribute()
    created_ms = NumberAttribute()
    version = VersionAttribute()

    by_enterprise = gsi("by_enterprise", "enterprise_id", "created_ms")

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "id": self.id,
            "enterprise_id": self.enterprise_id,
            "created_at": clock.iso(int(self.created_ms)),
        }


class PlanModel(Model):
    """巡检计划: a route patrolled by a team every period, each time inside a window. `next_index`: the next task
    the sweep creates (task n's window starts at starts_ms + n * period_ms and lasts window_ms)."""

    Meta = meta("patrol-plans")
    id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    route_id = UnicodeAttribute()
    active = BooleanAttribute(default=True)
    starts_ms = NumberAttribute()
    period_ms = NumberAttribute()
    window_ms = NumberAttribute()
    next_index = NumberAttribute(default=0)
    doc = DocumentAttribute()  # name, team, cycle, cycle_unit, window_min, by
    created_ms = NumberAttribute()
    version = VersionAttribute()

    by_enterprise = gsi("by_enterprise", "enterprise_id", "created_ms")

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "id": self.id,
            "enterprise_id": self.enterprise_id,
            "route_id": self.route_id,
            "active": bool(self.active),
            "starts_at": clock.iso(int(self.starts_ms)),
            "next_index": int(self.next_index),
            "created_at": clock.iso(int(self.created_ms)),
        }


class TaskModel(Model):
    """巡检任务 `<plan>.<n>`: dispatched to the team's members (`assignees`, token subjects); counters kept by
    check-ins (atomic ADD), the status closed by the check-in that completes it or by the sweep at window end."""

    Meta = meta("patrol-tasks")
    id = UnicodeAttribute(hash_key=True)
    plan_id = UnicodeAttribute()
    route_id = UnicodeAttribute()
    enterprise_id = UnicodeAttribute()
    team = UnicodeAttribute()
    assignees = UnicodeSetAttribute()
    status = UnicodeAttribute()
    window_start_ms = NumberAttribute()
    window_end_ms = NumberAttribute()
    checkpoints = NumberAttribute()
    visited = NumberAttribute(default=0)
    failed_items = NumberAttribute(default=0)
    created_ms = NumberAttribute()

    by_enterprise = gsi("by_enterprise", "enterprise_id", "window_start_ms")
    # The sweep's question "which open tasks have ended?" is one query, not a scan of every task kept.
    by_status = gsi("by_status", "status", "window_end_ms")

    def data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "plan_id": self.plan_id,
            "route_id": self.route_id,
            "enterprise_id": self.enterprise_id,
            "team": self.team,
            "status": self.status,
            "window_start": clock.iso(int(self.window_start_ms)),
            "window_end": clock.iso(int(self.window_end_ms)),
            "window_start_ms": int(self.window_start_ms),
            "checkpoints": int(self.checkpoints),
            "visited": int(self.visited),
            "failed_items": int(self.failed_items),
        }


class CheckinModel(Model):
    """巡检打卡 of one checkpoint in one task: `done` (position, code, item results, photos, findings) or
    `missed` (written by the sweep when the window ended without one). Never two per task and checkpoint."""

    Meta = meta("patrol-checkins")
    task_id = UnicodeAttribute(hash_key=True)
    checkpoint_id = UnicodeAttribute(range_key=True)
    enterprise_id = UnicodeAttribute()
    status = UnicodeAttribute()  # done | missed
    at_ms = NumberAttribute()
    doc = DocumentAttribute(default=dict)

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "task_id": self.task_id,
            "checkpoint_id": self.checkpoint_id,
            "status": self.status,
            "at": clock.iso(int(self.at_ms)),
        }


class AnomalyModel(Model):
    """智能巡检异常, keyed by the reporter's own id (a repeated report changes nothing and texts nobody again)."""

    Meta = meta("inspection-anomalies")
    id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    priority = UnicodeAttribute()
    route_id = UnicodeAttribute(null=True)
    detected_ms = NumberAttribute()
    received_ms = NumberAttribute()
    doc = DocumentAttribute()

    by_enterprise = gsi("by_enterprise", "enterprise_id", "received_ms")

    def data(self) -> dict[str, Any]:
        return {
            "notified": [],
            **self.doc,
            "id": self.id,
            "enterprise_id": self.enterprise_id,
            "priority": self.priority,
            "route_id": self.route_id,
            "detected_at": clock.iso(int(self.detected_ms)),
            "received_at": clock.iso(int(self.received_ms)),
        }
