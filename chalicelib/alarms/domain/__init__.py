"""Alarm rules (pure): the ISA-18.2 lifecycle of one alarm (lifecycle), alarms raised by discrete events
(events), the shelving policy (shelving), out of service and suppression by design (holds) and the alarm
system's performance KPIs (kpis). Callers use the names re-exported here."""

from chalicelib.alarms.domain import events, kpis
from chalicelib.alarms.domain.holds import held_by, return_to_service, suppress, take_out_of_service, unsuppress
from chalicelib.alarms.domain.lifecycle import (
    ANNUNCIATING,
    CONDITION_LABEL,
    INVALID_TRANSITION,
    READINGS,
    Alarm,
    Event,
    Outcome,
    State,
    acknowledge,
    condition_priority,
    due_for_attention,
    on_condition,
    raise_new,
    reset,
)
from chalicelib.alarms.domain.shelving import (
    ALREADY_SHELVED,
    MAX_SHELVE_S,
    PARK_DUTY_ONLY,
    SHELVE_NOT_PERMITTED,
    ShelveLimits,
    shelve,
    unshelve,
)

SHELVING_EVENTS = frozenset({Event.SHELVED, Event.UNSHELVED, Event.SHELVE_EXPIRED})  # told to the duty officer

__all__ = [
    "ALREADY_SHELVED",
    "ANNUNCIATING",
    "CONDITION_LABEL",
    "INVALID_TRANSITION",
    "MAX_SHELVE_S",
    "PARK_DUTY_ONLY",
    "READINGS",
    "SHELVE_NOT_PERMITTED",
    "SHELVING_EVENTS",
    "Alarm",
    "Event",
    "Outcome",
    "ShelveLimits",
    "State",
    "acknowledge",
    "condition_priority",
    "due_for_attention",
    "events",
    "held_by",
    "kpis",
    "on_condition",
    "raise_new",
    "reset",
    "return_to_service",
    "shelve",
    "suppress",
    "take_out_of_service",
    "unshelve",
    "unsuppress",
]
