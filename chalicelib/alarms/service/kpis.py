"""Alarm KPIs read from the counters maintained on write (`alarm-kpis`): one Query per partition over at most
MAX_WINDOW_DAYS of hour and alarm-day rows, plus the alarms open now; never a scan of the events."""

from __future__ import annotations

from typing import Any

from chalicelib.alarms import store
from chalicelib.alarms.domain import kpis as rules
from chalicelib.alarms.service.reads import open_alarms
from chalicelib.core import clock
from chalicelib.core.identity import Identity
from chalicelib.registry import service as registry


def _scope(who: Identity, enterprise_id: str | None, area: str | None) -> tuple[str, str]:
    """(counter partition, what the answer names): an area the caller may see, an enterprise, or the park."""
    if area is not None:
        if area.startswith("ins_"):
            registry.require(registry.INSTALLATION, area, who)  # 404 outside the caller's enterprise
        elif not who.can_see(area):
            registry.require(registry.ENTERPRISE, area, who)
        return f"a#{area}", area
    scope = who.scope(enterprise_id)  # an enterprise user: always their own enterprise
    return (f"e#{scope}", scope) if scope is not None else ("park", "park")


def _rows(partition: str, low: str, high: str) -> list[store.AlarmKpiModel]:
    return list(store.AlarmKpiModel.query(partition, store.AlarmKpiModel.bucket.between(low, high)))


def kpis(who: Identity, enterprise_id: str | None, area: str | None, start: int, end: int) -> dict[str, Any]:
    """GET /alarms/kpis: the window is at most MAX_WINDOW_DAYS (KpiQuery refuses a longer one)."""
    partition, named = _scope(who, enterprise_id, area)
    hours = [
        (int(r.bucket[2:]), r.counts())
        for r in _rows(partition, rules.hour_bucket(start), rules.hour_bucket(max(start, end - 1)))
    ]
    first, last = rules.alarm_bucket(start, "", ""), rules.alarm_bucket(max(start, end - 1), "~", "")
    alarms = [(r.tag_id or "", r.condition or "", r.counts()) for r in _rows(partition, first[:15], last)]
    kind, _, key = partition.partition("#")
    open_now = [
        rules.OpenAlarm(a.state.value, a.priority.value, a.raised_ms, a.active)
        for a in open_alarms()
        if kind == "park" or (a.enterprise_id if kind == "e" else a.area) == key
    ]
    result = rules.from_counters(hours, alarms, open_now, start, end, clock.now_ms())
    return {"from": start, "to": end, "areas": "park" if named == "park" else [named], **result}
