"""Event alarms (pure): alarms raised by discrete events (a gate refusal, an intrusion seen by a camera, a key
post left vacant), not by a tag's readings (docs/alarms.md, "Event alarms").

An event condition is identified by its raising context (`source`) and `key`: at most one alarm is open per
condition. Its alarm point (the tag state that holds the open alarm, and the alarm's `tag_id`) is
`<source>#<key>`; `#` is never part of a registry id (core.ids.ID_PATTERN), so a point never meets a sensor's
tag. Raising it again while open updates that alarm (`repeated`: count, last seen, title, details; a higher
priority raises the alarm's); after its condition ended (`clear`) it re-alarms as a reading alarm does. From
there on it is an ordinary alarm: ack, shelve, comment, escalation, notification and KPIs are lifecycle's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from chalicelib.alarms.domain.lifecycle import INVALID_TRANSITION, Alarm, Event, Outcome, close_if_done, on_condition
from chalicelib.core.schemas import Priority

POINT_SEPARATOR = "#"


def point(source: str, key: str) -> str:
    """The alarm point of an event condition: its tag-state key and its alarms' `tag_id`."""
    return f"{source}{POINT_SEPARATOR}{key}"


@dataclass(frozen=True)
class Occurrence:
    """One raise of an event condition, as the raising context reports it."""

    priority: Priority
    title: str
    details: Mapping[str, str]
    lat: float | None = None
    lon: float | None = None


def repeat(alarm: Alarm, now: int, seen: Occurrence) -> Outcome:
    """The condition was raised again while its alarm is open. Still active: `repeated` (and `escalated` when
    the new occurrence's priority is higher, so the higher priority is annunciated); back to normal: it
    re-alarms (`reactivated`, unacknowledged), at the higher of the two priorities."""
    a = replace(
        alarm,
        count=alarm.count + 1,
        last_seen_ms=now,
        last_change_ms=now,
        title=seen.title or alarm.title,
        details={**alarm.details, **seen.details},
        lat=seen.lat if seen.lat is not None else alarm.lat,
        lon=seen.lon if seen.lon is not None else alarm.lon,
    )
    rose = seen.priority.rank > a.priority.rank
    if rose:
        a.priority = seen.priority
        a.base_priority = max(a.base_priority, seen.priority, key=lambda p: p.rank)
    if not a.active:
        return on_condition(a, True, now, a.value)
    return Outcome(a, (Event.REPEATED, Event.ESCALATED) if rose else (Event.REPEATED,))


def clear(alarm: Alarm, now: int) -> Outcome:
    """The condition ended (the raising context says so): return to normal; closed if already acknowledged."""
    return on_condition(alarm, False, now, alarm.value)


def close(alarm: Alarm, now: int, by: str) -> Outcome:
    """An operator closes an event alarm whose end the raising context cannot tell (a refusal at a gate, a
    behaviour seen once): acknowledged if it was not, back to normal, closed. A reading alarm's condition is
    measured, so it closes only by its readings (INVALID_TRANSITION)."""
    if not alarm.is_event or alarm.closed:
        raise INVALID_TRANSITION(details={"state": alarm.state, "action": "close"})
    a = replace(alarm, last_change_ms=now, latched=False, latching=False)
    events: list[Event] = []
    if not a.acked:
        a.acked, a.acked_ms, a.acked_by = True, now, by
        events.append(Event.ACKED)
    if a.active:
        a.active, a.rtn_ms = False, now
        events.append(Event.CLEARED)
    close_if_done(a, now, events)
    return Outcome(a, tuple(events))
