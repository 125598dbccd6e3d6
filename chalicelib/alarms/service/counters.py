"""KPI counters maintained on write: what a commit's events add to the `alarm-kpis` rows (domain.kpis), as
updates inside the same transaction, so the counters are exact however often a commit is retried."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from chalicelib.alarms import store
from chalicelib.alarms.domain import Alarm, kpis

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

RECENT = "annunciated_ms"  # alarm.extra: its last annunciation times (chattering detection)


class KpiCounts:
    """The counter increments of one commit, merged per row (a transaction names each item once)."""

    def __init__(self) -> None:
        self.rows: defaultdict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        self.labels: dict[tuple[str, str], tuple[str, str]] = {}

    def add(self, alarm: Alarm, event_type: str, now: int) -> Alarm:
        """Count one event of `alarm`; returns the alarm with its recent annunciations updated."""
        recent: list[int] = list(alarm.extra.get(RECENT, []))
        chatter = event_type in kpis.ANNUNCIATIONS and kpis.chattered(recent, now)
        hour, per_alarm = kpis.increments(event_type, now, alarm.priority.value, chatter)
        for scope in kpis.scopes(alarm.enterprise_id, alarm.area) if hour else ():
            self.rows[(scope, kpis.hour_bucket(now))].update(hour)
            if per_alarm:
                key = (scope, kpis.alarm_bucket(now, alarm.tag_id, alarm.condition))
                self.rows[key].update(per_alarm)
                self.labels[key] = (alarm.tag_id, alarm.condition)
        if event_type in kpis.ANNUNCIATIONS:
            alarm.extra[RECENT] = [*recent, now][-(kpis.CHATTER_COUNT - 1) :]
        return alarm

    def write(self, tx: TransactWrite) -> None:
        model = store.AlarmKpiModel
        for (scope, bucket), counts in self.rows.items():
            actions = [getattr(model, name).add(value) for name, value in counts.items() if value]
            if (scope, bucket) in self.labels:
                tag_id, condition = self.labels[(scope, bucket)]
                actions += [model.tag_id.set(tag_id), model.condition.set(condition)]
            if actions:
                tx.update(model(scope, bucket), actions=actions)
