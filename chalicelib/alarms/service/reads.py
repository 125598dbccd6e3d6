"""Alarm reads: one alarm (tenancy-checked for a caller, or as the system sees it), open alarms, event history."""

from __future__ import annotations

from typing import Any

import orjson

from chalicelib.alarms import store
from chalicelib.alarms.domain import Alarm
from chalicelib.alarms.service.records import to_alarm
from chalicelib.core import errors
from chalicelib.core.identity import Identity
from chalicelib.core.store import get_or_404


def load(alarm_id: str, who: Identity) -> tuple[store.AlarmModel, Alarm]:
    item = get_or_404(store.AlarmModel, alarm_id, field="alarm_id")
    alarm = to_alarm(item)
    if not who.can_see(alarm.enterprise_id):
        raise errors.NOT_FOUND(details={"alarm_id": alarm_id})
    return item, alarm


def history(alarm_id: str) -> list[dict[str, Any]]:
    return [
        {"seq": int(e.seq), "ts": int(e.ts), "type": e.type, "by": e.by, **orjson.loads(e.doc)}
        for e in store.AlarmEventModel.query(alarm_id, scan_index_forward=True)
    ]


def open_alarms(installation_id: str | None = None) -> list[Alarm]:
    if installation_id is not None:
        items = store.AlarmModel.by_installation.query(
            installation_id, filter_condition=store.AlarmModel.open_key == store.OPEN
        )
    else:
        items = store.AlarmModel.by_open.query(store.OPEN)
    return [to_alarm(i) for i in items]


def get_alarm(alarm_id: str) -> Alarm:
    return to_alarm(store.AlarmModel.get(alarm_id, consistent_read=True))
