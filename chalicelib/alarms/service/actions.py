"""Alarm actions: operator ack/shelve/unshelve/reset/comment and system transitions from sweeps, with retries."""

from __future__ import annotations

from typing import Any

import orjson
from pynamodb.exceptions import DoesNotExist

from chalicelib.alarms import domain, store
from chalicelib.alarms.domain import Alarm, Event, Outcome
from chalicelib.alarms.schemas import EventRecord
from chalicelib.alarms.service.outbox import dispatch
from chalicelib.alarms.service.reads import load
from chalicelib.alarms.service.records import Contended, to_alarm
from chalicelib.alarms.service.staging import Staged
from chalicelib.core import clock, errors
from chalicelib.core.identity import Identity


def act(alarm_id: str, who: Identity, action: str, **kw: Any) -> Alarm:
    """Apply an operator action (ack, shelve, unshelve, reset, comment), record who did it, dispatch its events."""
    for _ in range(5):
        item, alarm = load(alarm_id, who)
        now = clock.now_ms()
        if action == "ack":
            outcome = domain.acknowledge(alarm, now, who.subject)
        elif action == "shelve":
            outcome = domain.shelve(alarm, now, kw["duration_s"], kw["reason"])
        elif action == "unshelve":
            outcome = domain.unshelve(alarm, now)
        elif action == "reset":
            outcome = domain.reset(alarm, now)
        else:
            outcome = Outcome(alarm, (Event.COMMENTED,))
        staged = Staged()
        staged.apply(item, outcome, who.subject, {k: v for k, v in kw.items() if v is not None})
        try:
            events = staged.write(now, _closing_tag_state(alarm, outcome))
        except Contended:
            continue
        dispatch(events)
        return staged.alarm(alarm_id)
    raise errors.CONFLICT(details={"alarm_id": alarm_id})


def _closing_tag_state(before: Alarm, outcome: Outcome) -> store.TagStateModel | None:
    """When an action closes an alarm, the tag state's open-alarm slot is freed in the same transaction."""
    if not outcome.closed:
        return None
    try:
        item = store.TagStateModel.get(before.tag_id, consistent_read=True)
    except DoesNotExist:
        return None
    slots = item.alarms_map()
    if slots.get(before.condition) == before.id:
        slots.pop(before.condition)
        item.alarms = orjson.dumps(slots).decode()
        return item
    return None


def transition(alarm_id: str, fn: Any) -> list[EventRecord]:
    """System transition from a sweep (escalate, re-notify, shelve expiry); skipped if nothing to do."""
    for _ in range(5):
        item = store.AlarmModel.get(alarm_id, consistent_read=True)
        alarm = to_alarm(item)
        outcome: Outcome = fn(alarm, clock.now_ms())
        if not outcome.events:
            return []
        staged = Staged()
        staged.apply(item, outcome, "system", {})
        try:
            return staged.write(clock.now_ms(), _closing_tag_state(alarm, outcome))
        except Contended:
            continue
    return []
