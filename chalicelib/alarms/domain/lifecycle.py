"""ISA-18.2 alarm lifecycle (pure): states, transitions, priorities, escalation and closure.

An alarm is one condition of one tag from activation until it is back to normal *and* acknowledged
(and reset when latching). Its display state derives from orthogonal flags: condition active,
acknowledged, latched, shelved (timed), suppressed by design (installation in maintenance) and out of
service (tag out of service). Annunciating events go to SNS/SMS; every event is recorded in history.
Shelving rules live in `shelving`, out-of-service and suppression transitions in `holds`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from chalicelib.core import errors
from chalicelib.core.schemas import Priority

INVALID_TRANSITION = errors.define(
    "ALARM_INVALID_TRANSITION", 409, "报警当前状态不允许此操作", "e.g. acknowledging an acknowledged alarm."
)


class State(StrEnum):
    NORMAL = "normal"  # closed
    UNACK = "unack"  # active, unacknowledged
    ACK = "ack"  # active, acknowledged
    RTN_UNACK = "rtn_unack"  # returned to normal, unacknowledged
    LATCHED = "latched"  # latching alarm back to normal and acknowledged, waiting for reset
    SHELVED = "shelved"
    SUPPRESSED = "suppressed"  # suppressed by design (e.g. installation under maintenance)
    OUT_OF_SERVICE = "out_of_service"


class Event(StrEnum):
    RAISED = "raised"
    REACTIVATED = "reactivated"
    CLEARED = "cleared"  # condition returned to normal (RTN)
    ACKED = "acked"
    RESET = "reset"
    CLOSED = "closed"
    SHELVED = "shelved"
    UNSHELVED = "unshelved"
    SHELVE_EXPIRED = "shelve_expired"
    ESCALATED = "escalated"
    RENOTIFIED = "renotified"
    COMMENTED = "commented"
    SUPPRESSED = "suppressed"
    UNSUPPRESSED = "unsuppressed"
    OUT_OF_SERVICE = "out_of_service"
    RETURNED_TO_SERVICE = "returned_to_service"
    REPEATED = "repeated"  # an event alarm raised again while open and active (count, last seen)


READINGS = "telemetry"  # the source of reading alarms; event alarms name the context that raised them (events)

# Events that call for people: they go out as SMS (subject to priority and flood rules).
ANNUNCIATING = frozenset({Event.RAISED, Event.REACTIVATED, Event.ESCALATED, Event.RENOTIFIED})

CONDITION_LABEL = {
    "HH": "高高报警",
    "H": "高报警",
    "L": "低报警",
    "LL": "低低报警",
    "ROC": "变化率异常",
    "TREND": "趋势预警",
    "BAD": "数据质量异常",
    "STALE": "数据中断",
}


def condition_priority(base: Priority, condition: str) -> Priority:
    """HH/LL one step above the tag's priority, trend and device-health conditions below it."""
    if condition in ("HH", "LL"):
        return base.escalated(1)
    if condition == "TREND":
        return base.escalated(-1)
    if condition in ("BAD", "STALE"):
        return Priority.LOW
    return base


@dataclass
class Alarm:
    id: str
    tag_id: str
    enterprise_id: str
    installation_id: str | None
    area: str
    condition: str
    base_priority: Priority
    priority: Priority
    raised_ms: int
    value: float
    limit: float | None
    detail: float | None = None
    active: bool = True
    acked: bool = False
    latching: bool = False
    latched: bool = False
    shelved_until: int | None = None
    shelve_reason: str = ""
    shelved_by: str = ""
    shelved_ms: int | None = None
    suppressed: bool = False
    out_of_service: bool = False
    closed: bool = False
    last_change_ms: int = 0
    acked_ms: int | None = None
    acked_by: str = ""
    rtn_ms: int | None = None
    closed_ms: int | None = None
    last_notified_ms: int = 0
    notify_count: int = 0
    escalations: int = 0  # steps escalated since the alarm was (last) put in front of operators
    presented_ms: int | None = None  # when it came back from shelving/out of service/suppression
    version: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    # Event alarms (domain.events): the raising context, the condition's identity and where it happened.
    source: str = READINGS
    key: str = ""
    title: str = ""
    lat: float | None = None
    lon: float | None = None
    zone_id: str | None = None
    details: dict[str, str] = field(default_factory=dict)
    count: int = 1  # times raised while open
    last_seen_ms: int | None = None

    @property
    def is_event(self) -> bool:
        return self.source != READINGS

    @property
    def state(self) -> State:
        if self.closed:
            return State.NORMAL
        if self.out_of_service:
            return State.OUT_OF_SERVICE
        if self.suppressed:
            return State.SUPPRESSED
        if self.shelved_until is not None:
            return State.SHELVED
        if self.active:
            return State.ACK if self.acked else State.UNACK
        if not self.acked:
            return State.RTN_UNACK
        return State.LATCHED if self.latched else State.NORMAL

    @property
    def annunciated(self) -> bool:
        """Shown to operators and notified: not shelved, suppressed or out of service."""
        return not (self.closed or self.out_of_service or self.suppressed or self.shelved_until is not None)


@dataclass(frozen=True)
class Outcome:
    """The alarm after a transition and the events to record (and maybe to annunciate)."""

    alarm: Alarm
    events: tuple[Event, ...]

    @property
    def closed(self) -> bool:
        return self.alarm.closed


def close_if_done(a: Alarm, now: int, events: list[Event]) -> None:
    hidden = a.out_of_service or a.suppressed or a.shelved_until is not None
    if not a.active and (a.acked or hidden) and not a.latched:
        a.closed, a.closed_ms = True, now
        events.append(Event.CLOSED)


def present_again(a: Alarm, now: int, events: list[Event], event: Event) -> None:
    """Back in front of operators while active and unacknowledged: notify again, restart the escalation clock."""
    a.last_notified_ms, a.notify_count = now, a.notify_count + 1
    a.presented_ms, a.escalations = now, 0
    events.append(event)


def raise_new(alarm: Alarm) -> Outcome:
    return Outcome(alarm, (Event.RAISED,))


def on_condition(alarm: Alarm, active: bool, now: int, value: float) -> Outcome:
    """The tag's condition activated again or cleared."""
    a = replace(alarm, last_change_ms=now)
    events: list[Event] = []
    if active and not a.active:
        a.active, a.value, a.rtn_ms = True, value, None
        if a.acked:  # a new excursion must be acknowledged again
            a.acked = False
        a.latched = False
        events.append(Event.REACTIVATED)
    elif not active and a.active:
        a.active, a.rtn_ms = False, now
        a.latched = a.latching and a.acked
        events.append(Event.CLEARED)
        close_if_done(a, now, events)
    return Outcome(a, tuple(events))


def acknowledge(alarm: Alarm, now: int, by: str) -> Outcome:
    if alarm.closed or alarm.acked:
        raise INVALID_TRANSITION(details={"state": alarm.state, "action": "ack"})
    a = replace(alarm, acked=True, acked_ms=now, acked_by=by, last_change_ms=now)
    events = [Event.ACKED]
    if not a.active and a.latching:
        a.latched = True
    close_if_done(a, now, events)
    return Outcome(a, tuple(events))


def reset(alarm: Alarm, now: int) -> Outcome:
    if alarm.state is not State.LATCHED:
        raise INVALID_TRANSITION(details={"state": alarm.state, "action": "reset"})
    a = replace(alarm, latched=False, last_change_ms=now)
    events = [Event.RESET]
    close_if_done(a, now, events)
    return Outcome(a, tuple(events))


def due_for_attention(alarm: Alarm, now: int, escalate_after_ms: int, renotify_after_ms: int) -> Outcome:
    """Unacknowledged too long: escalate priority in place (once per period), or re-notify."""
    if not alarm.annunciated or alarm.acked or not alarm.active:
        return Outcome(alarm, ())
    since = max(alarm.raised_ms, alarm.last_notified_ms)
    shown = alarm.presented_ms or alarm.raised_ms  # escalation counts from when operators last got it back
    notified: dict[str, Any] = {"last_notified_ms": now, "notify_count": alarm.notify_count + 1, "last_change_ms": now}
    if now - shown >= escalate_after_ms * (alarm.escalations + 1) and alarm.priority is not Priority.URGENT:
        a = replace(alarm, priority=alarm.priority.escalated(1), escalations=alarm.escalations + 1, **notified)
        return Outcome(a, (Event.ESCALATED,))
    if now - since >= renotify_after_ms:
        return Outcome(replace(alarm, **notified), (Event.RENOTIFIED,))
    return Outcome(alarm, ())
