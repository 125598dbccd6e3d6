"""Shelving policy (pure), ISA-18.2 / EEMUA 191: shelving is controlled, documented and time-limited.

Each rule is named, raises its own stable error and is tested alone (docs/alarms.md, "Shelving policy"):
- high and urgent alarms are shelved only by park duty roles (a tenant cannot hide a safety-critical alarm);
- each priority has its own maximum duration (settings `shelve_max_<priority>_s`, at most MAX_SHELVE_S);
- an already shelved alarm is never shelved again by a tenant; park duty roles may extend it, each extension
  again bounded by the priority's maximum from now, recorded and notified like a shelve.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from chalicelib.alarms.domain.lifecycle import (
    INVALID_TRANSITION,
    Alarm,
    Event,
    Outcome,
    close_if_done,
    present_again,
)
from chalicelib.core import errors
from chalicelib.core.schemas import Priority

MAX_SHELVE_S = 8 * 3600  # the hard cap: a shelved alarm always comes back within a shift
PARK_DUTY_ONLY = frozenset({Priority.HIGH, Priority.URGENT})  # safety-critical: never shelved by a tenant

SHELVE_NOT_PERMITTED = errors.define(
    "ALARM_SHELVE_NOT_PERMITTED",
    403,
    "高、紧急优先级报警只能由园区值守人员搁置",
    "High and urgent alarms are shelved only by park duty roles (duty officer, commander, park admin).",
)
ALREADY_SHELVED = errors.define(
    "ALARM_ALREADY_SHELVED",
    409,
    "报警已处于搁置状态，不能重复搁置",
    "A tenant cannot shelve an alarm that is already shelved; park duty roles may extend a shelve.",
)


@dataclass(frozen=True)
class ShelveLimits:
    """Maximum shelve duration per priority, in seconds (from settings)."""

    low_s: int = MAX_SHELVE_S
    medium_s: int = 4 * 3600
    high_s: int = 2 * 3600
    urgent_s: int = 3600

    def max_s(self, priority: Priority) -> int:
        return min(MAX_SHELVE_S, int(getattr(self, f"{priority.value}_s")))


def check_shelve(alarm: Alarm, duration_s: int, limits: ShelveLimits, park_duty: bool) -> None:
    """Refuse a shelve the policy does not allow (the state, the role, a repeat, the duration), in that order."""
    if alarm.closed or alarm.out_of_service or alarm.suppressed:
        raise INVALID_TRANSITION(details={"state": alarm.state, "action": "shelve"})
    if alarm.priority in PARK_DUTY_ONLY and not park_duty:
        raise SHELVE_NOT_PERMITTED(details={"priority": alarm.priority.value, "alarm_id": alarm.id})
    if alarm.shelved_until is not None and not park_duty:
        raise ALREADY_SHELVED(details={"alarm_id": alarm.id, "shelved_until": alarm.shelved_until})
    limit = limits.max_s(alarm.priority)
    if not 0 < duration_s <= limit:
        raise errors.invalid_field(
            "duration_s", f"{alarm.priority.label}优先级报警最长搁置 {limit} 秒", "less_than_equal"
        )


def shelve(
    alarm: Alarm, now: int, duration_s: int, reason: str, by: str, limits: ShelveLimits, park_duty: bool
) -> Outcome:
    """Shelve (or, for park duty roles, extend a shelve): hidden from operators until `now + duration_s`."""
    check_shelve(alarm, duration_s, limits, park_duty)
    a = replace(
        alarm,
        shelved_until=now + duration_s * 1000,
        shelve_reason=reason,
        shelved_by=by,
        shelved_ms=alarm.shelved_ms if alarm.shelved_until is not None else now,
        last_change_ms=now,
    )
    return Outcome(a, (Event.SHELVED,))


def unshelve(alarm: Alarm, now: int, expired: bool = False) -> Outcome:
    """Back in front of operators (by hand, or at expiry by the sweep); closes if it returned to normal."""
    if alarm.shelved_until is None:
        raise INVALID_TRANSITION(details={"state": alarm.state, "action": "unshelve"})
    a = replace(alarm, shelved_until=None, shelve_reason="", shelved_by="", shelved_ms=None, last_change_ms=now)
    events = [Event.SHELVE_EXPIRED if expired else Event.UNSHELVED]
    close_if_done(a, now, events)
    if a.annunciated and a.active and not a.acked:
        present_again(a, now, events, Event.RENOTIFIED)  # back in front of the operator: tell them again
    return Outcome(a, tuple(events))
