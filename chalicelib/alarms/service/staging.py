"""Staged alarm writes: the one DynamoDB transaction that saves tag state, alarms, numbered events and the KPI
counters they add to."""

# Every write is one DynamoDB transaction conditioned on the versions read (tag state and alarm), so two
# concurrent evaluators or an evaluator and an operator never lose an update nor raise a duplicate
# alarm: the loser gets `Contended`, reloads and re-applies.

from __future__ import annotations

import dataclasses
from typing import Any

from chalicelib.alarms import store
from chalicelib.alarms.domain import Alarm, Event, Outcome
from chalicelib.alarms.schemas import EventRecord
from chalicelib.alarms.service.counters import KpiCounts
from chalicelib.alarms.service.records import Contended, alarm_item, public
from chalicelib.core.store import conditional, transaction


class Staged:
    """Alarms touched in one commit (with the item they were read from) and the events to record."""

    def __init__(self) -> None:
        self.alarms: dict[str, tuple[store.AlarmModel | None, Alarm]] = {}
        self.pending: list[tuple[str, Event, str, dict[str, Any]]] = []

    def apply(self, item: store.AlarmModel | None, outcome: Outcome, by: str, details: dict[str, Any]) -> None:
        read = self.alarms.get(outcome.alarm.id, (item, outcome.alarm))[0]
        self.alarms[outcome.alarm.id] = (read, outcome.alarm)
        self.pending += [(outcome.alarm.id, e, by, details) for e in outcome.events]

    def alarm(self, alarm_id: str) -> Alarm:
        return self.alarms[alarm_id][1]

    def write(self, now: int, tag_state: store.TagStateModel | None = None) -> list[EventRecord]:
        """One transaction: tag state, alarms (version-checked), events (numbered per alarm)."""
        records: list[EventRecord] = []
        counts = KpiCounts()
        for alarm_id, (item, alarm) in list(self.alarms.items()):
            seq = int(alarm.extra.get("events", 0))
            mine = [p for p in self.pending if p[0] == alarm_id]
            final = dataclasses.replace(alarm, extra={**alarm.extra, "events": seq + len(mine)})
            for _, event, _, _ in mine:
                final = counts.add(final, event.value, now)
            self.alarms[alarm_id] = (item, final)
            view = public(final)
            records += [
                EventRecord(alarm_id, seq + n, now, e.value, by, view, details)
                for n, (_, e, by, details) in enumerate(mine, start=1)
            ]
        with conditional(Contended()), transaction() as tx:
            if tag_state is not None:
                tx.save(tag_state)
            for item, alarm in self.alarms.values():
                tx.save(alarm_item(alarm, item))
            for r in records:
                tx.save(
                    store.AlarmEventModel(
                        r.alarm_id,
                        r.seq,
                        ts=r.ts,
                        type=r.type,
                        by=r.by,
                        enterprise_id=r.alarm["enterprise_id"],
                        area=r.alarm["area"],
                        pending="1",
                        doc={**r.details, "priority": r.alarm["priority"], "state": r.alarm["state"]},
                    ),
                    condition=store.AlarmEventModel.seq.does_not_exist(),
                )
            counts.write(tx)
        return records
