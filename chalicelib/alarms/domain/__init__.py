"""Alarm rules (pure): the ISA-18.2 lifecycle of one alarm (lifecycle) and the alarm system's performance
KPIs (kpis). Callers use the names re-exported here."""

from chalicelib.alarms.domain import kpis
from chalicelib.alarms.domain.lifecycle import (
    ANNUNCIATING,
    CONDITION_LABEL,
    INVALID_TRANSITION,
    MAX_SHELVE_S,
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
    shelve,
    unshelve,
)

__all__ = [
    "ANNUNCIATING",
    "CONDITION_LABEL",
    "INVALID_TRANSITION",
    "MAX_SHELVE_S",
    "Alarm",
    "Event",
    "Outcome",
    "State",
    "acknowledge",
    "condition_priority",
    "due_for_attention",
    "kpis",
    "on_condition",
    "raise_new",
    "reset",
    "shelve",
    "unshelve",
]
