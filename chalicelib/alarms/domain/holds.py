"""Out of service and suppressed by design (pure), ISA-18.2 states H and G (docs/alarms.md).

An open alarm whose sensor goes out of service (停用) is held out of service: not annunciated, never
escalated or re-notified. The sensor's readings are not evaluated meanwhile, so the alarm's condition is
unknown until the sensor is back in service: the first evaluated reading decides (`return_to_service`):
normal closes the alarm, abnormal puts it back in front of operators unacknowledged (it re-alarms).

An open alarm of an installation in maintenance (检修) is suppressed by design. Its readings are still
evaluated (a clear closes it, hidden), so when the installation is back in operation the alarm's own
`active` flag decides the same way (`unsuppress`).
"""

from __future__ import annotations

from dataclasses import replace

from chalicelib.alarms.domain.lifecycle import Alarm, Event, Outcome, close_if_done, present_again

SENSOR_OUT_OF_SERVICE = "out_of_service"  # registry sensor status
SUPPRESSING_INSTALLATION_STATES = frozenset({"maintenance"})  # registry installation status (检修)


def held_by(sensor_status: str | None, installation_status: str | None) -> tuple[bool, bool]:
    """(out of service, suppressed by design) for a sensor and its installation as the registry has them."""
    return sensor_status == SENSOR_OUT_OF_SERVICE, installation_status in SUPPRESSING_INSTALLATION_STATES


def take_out_of_service(alarm: Alarm, now: int) -> Outcome:
    """The sensor went out of service: hide the alarm (closed at once if it had already returned to normal)."""
    if alarm.closed or alarm.out_of_service:
        return Outcome(alarm, ())
    a = replace(alarm, out_of_service=True, last_change_ms=now)
    events = [Event.OUT_OF_SERVICE]
    close_if_done(a, now, events)
    return Outcome(a, tuple(events))


def return_to_service(alarm: Alarm, now: int, active: bool, value: float | None = None) -> Outcome:
    """The sensor is back in service and its first reading was evaluated: `active` is the condition now."""
    if alarm.closed or not alarm.out_of_service:
        return Outcome(alarm, ())
    a = replace(alarm, out_of_service=False, last_change_ms=now)
    return Outcome(a, tuple(_decide(a, now, active, value, Event.RETURNED_TO_SERVICE)))


def suppress(alarm: Alarm, now: int) -> Outcome:
    """The installation went into a suppressing state: hide the alarm (closed at once if back to normal)."""
    if alarm.closed or alarm.suppressed:
        return Outcome(alarm, ())
    a = replace(alarm, suppressed=True, last_change_ms=now)
    events = [Event.SUPPRESSED]
    close_if_done(a, now, events)
    return Outcome(a, tuple(events))


def unsuppress(alarm: Alarm, now: int) -> Outcome:
    """The installation is back in operation: the condition as last evaluated decides."""
    if alarm.closed or not alarm.suppressed:
        return Outcome(alarm, ())
    a = replace(alarm, suppressed=False, last_change_ms=now)
    return Outcome(a, tuple(_decide(a, now, a.active, None, Event.UNSUPPRESSED)))


def _decide(a: Alarm, now: int, active: bool, value: float | None, first: Event) -> list[Event]:
    """After a hold ends: normal closes the alarm (it was never in front of operators meanwhile); abnormal
    re-alarms it, unacknowledged, with a fresh escalation clock."""
    events = [first]
    if a.out_of_service:  # still out of service: its condition is unknown until a reading is evaluated
        return events
    if not active:
        if a.active:
            a.active, a.rtn_ms = False, now
            events.append(Event.CLEARED)
        if not a.latched:
            a.closed, a.closed_ms = True, now
            events.append(Event.CLOSED)
        return events
    if not a.annunciated:  # still shelved or held otherwise: it stays hidden, nothing to annunciate
        a.active = True
        return events
    a.active, a.acked, a.latched, a.rtn_ms = True, False, False, None
    if value is not None:
        a.value = value
    present_again(a, now, events, Event.REACTIVATED)
    return events
