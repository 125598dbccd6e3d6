"""Event alarms: `raise_event_alarm` and `clear_event_alarm`, the one way other contexts raise an alarm from a
discrete event (docs/alarms.md, "Event alarms"; rules in domain.events).

The condition's alarm point (`<source>#<key>`) has a tag state like an instrument tag's, holding its open
alarm; the alarm, its numbered events, its KPI counters and the point's state are one transaction conditioned
on the versions read (Staged), so two concurrent raises of one condition open one alarm: the loser reloads
and updates the winner's. Committed events go through the same outbox (SNS `alarm-events`, SMS, subscribers).
"""

from __future__ import annotations

import contextlib
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.alarms import domain, store
from chalicelib.alarms.domain import Alarm, Outcome, events
from chalicelib.alarms.schemas import EventAlarm
from chalicelib.alarms.service.outbox import dispatch
from chalicelib.alarms.service.records import Contended, to_alarm
from chalicelib.alarms.service.staging import Staged
from chalicelib.core import clock, errors, ids
from chalicelib.core.identity import PARK, SYSTEM
from chalicelib.registry import service as registry

RETRIES = 8


def owner(enterprise_id: str | None) -> str:
    """The enterprise id an alarm is stored under: park-owned alarms under PARK, which no tenant's scope equals."""
    return enterprise_id or PARK


def raise_event_alarm(alarm: EventAlarm) -> str:
    """Raise an event condition: a new alarm, or the open one of (source, key) updated. Returns the alarm id."""
    labels: dict[str, str] | None = None
    seen = events.Occurrence(alarm.priority, alarm.title, dict(alarm.details), alarm.lat, alarm.lon)
    for _ in range(RETRIES):
        now = clock.now_ms()
        state = _state(events.point(alarm.source, alarm.key), owner(alarm.enterprise_id))
        item, current = _open_alarm(state)
        if current is not None:
            outcome = events.repeat(current, now, seen)
        else:
            labels = _labels(alarm) if labels is None else labels
            outcome = domain.raise_new(_new_alarm(alarm, now, labels))
        staged = Staged()
        staged.apply(item, outcome, alarm.source, {"kind": alarm.kind, **alarm.details})
        state.alarms = {outcome.alarm.condition: outcome.alarm.id}
        state.last_ts = now
        try:
            records = staged.write(now, state)
        except Contended:
            continue
        dispatch(records)
        return outcome.alarm.id
    raise errors.CONFLICT(details={"source": alarm.source, "key": alarm.key})


def clear_event_alarm(source: str, key: str) -> str | None:
    """The condition ended: its open alarm returns to normal (closed if already acknowledged, else `rtn_unack`
    until acknowledged). The alarm id, or None when no alarm of (source, key) was open."""
    for _ in range(RETRIES):
        now = clock.now_ms()
        try:
            state = store.TagStateModel.get(events.point(source, key), consistent_read=True)
        except DoesNotExist:
            return None
        item, current = _open_alarm(state)
        if item is None or current is None:
            return None
        outcome: Outcome = events.clear(current, now)
        if not outcome.events:
            return current.id  # already back to normal, waiting for its acknowledgement
        staged = Staged()
        staged.apply(item, outcome, source, {})
        if outcome.closed:
            state.alarms = {}
        try:
            records = staged.write(now, state if outcome.closed else None)
        except Contended:
            continue
        dispatch(records)
        return current.id
    raise errors.CONFLICT(details={"source": source, "key": key})


def _state(point: str, enterprise_id: str) -> store.TagStateModel:
    try:
        return store.TagStateModel.get(point, consistent_read=True)
    except DoesNotExist:
        return store.TagStateModel(point, enterprise_id=enterprise_id)  # saved only if no one created it meanwhile


def _open_alarm(state: store.TagStateModel) -> tuple[store.AlarmModel | None, Alarm | None]:
    """The point's open alarm with the item it was read from (the write is conditioned on its version)."""
    for alarm_id in state.alarms.values():
        with contextlib.suppress(DoesNotExist):
            item = store.AlarmModel.get(alarm_id, consistent_read=True)
            alarm = to_alarm(item)
            if not alarm.closed:
                return item, alarm
    return None, None


def _labels(alarm: EventAlarm) -> dict[str, Any]:
    """Names for people (SMS, notices): the enterprise's and the installation's, when they exist."""
    labels: dict[str, Any] = {}
    if alarm.enterprise_id:
        with contextlib.suppress(errors.AppError):
            labels["enterprise_name"] = registry.enterprise(alarm.enterprise_id, SYSTEM).name
    if alarm.installation_id:
        with contextlib.suppress(errors.AppError):
            labels["installation_name"] = registry.installation(alarm.installation_id, SYSTEM).name
    return labels


def _area(alarm: EventAlarm, enterprise_id: str) -> str:
    """Where its SMS floods and KPIs count: its installation, zone or owner; a park-owned alarm never counts in an
    installation's area, which an enterprise user may query (an installation's alarms are its enterprise's)."""
    if enterprise_id == PARK:
        return alarm.zone_id or PARK
    return alarm.installation_id or alarm.zone_id or enterprise_id


def _new_alarm(alarm: EventAlarm, now: int, labels: dict[str, Any]) -> Alarm:
    enterprise_id = owner(alarm.enterprise_id)
    return Alarm(
        id=ids.new_id("alm"),
        tag_id=events.point(alarm.source, alarm.key),
        enterprise_id=enterprise_id,
        installation_id=alarm.installation_id,
        area=_area(alarm, enterprise_id),
        condition=alarm.kind,
        base_priority=alarm.priority,
        priority=alarm.priority,
        raised_ms=now,
        value=0.0,
        limit=None,
        last_change_ms=now,
        last_notified_ms=now,
        notify_count=1,
        extra=labels,
        source=alarm.source,
        key=alarm.key,
        title=alarm.title,
        lat=alarm.lat,
        lon=alarm.lon,
        zone_id=alarm.zone_id,
        details=dict(alarm.details),
        last_seen_ms=now,
    )
