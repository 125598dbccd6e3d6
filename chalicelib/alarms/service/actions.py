"""Alarm actions: operator ack/shelve/unshelve/reset/comment and system transitions from sweeps, with retries."""

from __future__ import annotations

from typing import Any

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
from chalicelib.core.settings import get_settings


def shelve_limits() -> domain.ShelveLimits:
    s = get_settings()
    return domain.ShelveLimits(s.shelve_max_low_s, s.shelve_max_medium_s, s.shelve_max_high_s, s.shelve_max_urgent_s)


def _outcome(alarm: Alarm, who: Identity, action: str, now: int, kw: dict[str, Any]) -> Outcome:
    if action == "ack":
        return domain.acknowledge(alarm, now, who.subject)
    if action == "shelve":
        limits, duty = shelve_limits(), who.is_park_duty
        return domain.shelve(alarm, now, kw["duration_s"], kw["reason"], who.subject, limits, duty)
    if action == "unshelve":
        return domain.unshelve(alarm, now)
    if action == "reset":
        return domain.reset(alarm, now)
    if action == "close":  # event alarms only (domain.events.close)
        return domain.events.close(alarm, now, who.subject)
    return Outcome(alarm, (Event.COMMENTED,))


def act(alarm_id: str, who: Identity, action: str, **kw: Any) -> Alarm:
    """Apply an operator action (ack, shelve, unshelve, reset, close, comment), record who did it, dispatch its
    events."""
    for _ in range(5):
        item, alarm = load(alarm_id, who)
        now = clock.now_ms()
        outcome = _outcome(alarm, who, action, now, kw)
        details = {k: v for k, v in kw.items() if v is not None}
        if action == "shelve":  # the timeline says until when, and whether this extended a shelve
            details.update(until=outcome.alarm.shelved_until, extended=alarm.shelved_until is not None)
        staged = Staged()
        staged.apply(item, outcome, who.subject, details)
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
    slots = item.alarms
    if slots.get(before.condition) == before.id:
        slots.pop(before.condition)
        item.alarms = slots
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
