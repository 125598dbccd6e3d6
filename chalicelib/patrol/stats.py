"""Patrol statistics (5.3.2-4): coverage (checkpoints checked in over checkpoints due) and completion (tasks
with every checkpoint over tasks ended) per route and per team for a calendar month in park local time."""

from __future__ import annotations

from typing import Any

from chalicelib.core import clock
from chalicelib.core.identity import Identity
from chalicelib.core.settings import get_settings
from chalicelib.patrol import domain, store
from chalicelib.patrol.schemas import StatsQuery


def this_month(offset_h: int) -> str:
    return clock.iso(clock.now_ms() + offset_h * 3_600_000)[:7]


def stats(q: StatsQuery, who: Identity) -> dict[str, Any]:
    offset = get_settings().park_utc_offset_h
    month = q.month or this_month(offset)
    start, end = domain.month_bounds(month, offset)
    scope, model = who.scope(q.enterprise_id), store.TaskModel
    condition = model.route_id == q.route_id if q.route_id else None
    if scope is not None:
        rows = model.by_enterprise.query(
            scope, model.window_start_ms.between(start, end - 1), filter_condition=condition
        )
    else:
        window = model.window_start_ms.between(start, end - 1)
        rows = model.scan(window & condition if condition is not None else window)
    tasks = [t.data() for t in rows]
    return {
        "month": month,
        "enterprise_id": scope,
        "total": domain.figures(tasks),
        "by_route": domain.grouped(tasks, "route_id"),
        "by_team": domain.grouped(tasks, "team"),
    }
