"""Alarm use cases, the only module other contexts import: commit evaluation changes atomically with the tag
state, raise and clear event alarms, operator actions, the outbox, reads and searches, the linkage context, the
minute sweep.

Records and conversions (records), the single-transaction writer (staging) with the KPI counters it
maintains (counters), tag-state persistence and `commit` (tag_state), event alarms (events), operator actions
and sweep transitions (actions), dispatch of committed events (outbox), shelving notices to the duty officers
(notices), out of service and suppression (holds), reads and searches (reads), KPIs from the counters (kpis),
an alarm's linkage context (context) and the time-driven work (sweeps). Callers use the names re-exported here.
"""

from chalicelib.alarms.domain import READINGS
from chalicelib.alarms.schemas import EventAlarm, EventRecord
from chalicelib.alarms.service.actions import act, transition
from chalicelib.alarms.service.context import linkage_context
from chalicelib.alarms.service.events import clear_event_alarm, raise_event_alarm
from chalicelib.alarms.service.holds import held_by
from chalicelib.alarms.service.kpis import kpis
from chalicelib.alarms.service.mapping import map_features
from chalicelib.alarms.service.outbox import dispatch, redispatch_pending
from chalicelib.alarms.service.reads import (
    detail,
    get_alarm,
    history,
    load,
    open_alarms,
    search,
    unacked_ids,
)
from chalicelib.alarms.service.records import (
    AlarmSummary,
    ConditionChange,
    Contended,
    EvaluatedTag,
    StoredTagState,
    TagContext,
    public,
    summary,
    to_alarm,
)
from chalicelib.alarms.service.sweeps import run as sweep
from chalicelib.alarms.service.tag_state import commit, load_states

__all__ = [
    "READINGS",
    "AlarmSummary",
    "ConditionChange",
    "Contended",
    "EvaluatedTag",
    "EventAlarm",
    "EventRecord",
    "StoredTagState",
    "TagContext",
    "act",
    "clear_event_alarm",
    "commit",
    "detail",
    "dispatch",
    "get_alarm",
    "held_by",
    "history",
    "kpis",
    "linkage_context",
    "load",
    "load_states",
    "map_features",
    "open_alarms",
    "public",
    "raise_event_alarm",
    "redispatch_pending",
    "search",
    "summary",
    "sweep",
    "to_alarm",
    "transition",
    "unacked_ids",
]
