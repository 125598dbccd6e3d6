"""Alarm use cases: commit evaluation changes atomically with tag state, operator actions, queries.

Records and conversions (records), the single-transaction writer (staging), tag-state persistence and
`commit` (tag_state), operator actions and sweep transitions (actions), and reads (reads). Callers use the
names re-exported here.
"""

from chalicelib.alarms.service.actions import act, transition
from chalicelib.alarms.service.reads import get_alarm, history, load, open_alarms
from chalicelib.alarms.service.records import Contended, EventRecord, TagContext, public, to_alarm
from chalicelib.alarms.service.tag_state import commit, load_states

__all__ = [
    "Contended",
    "EventRecord",
    "TagContext",
    "act",
    "commit",
    "get_alarm",
    "history",
    "load",
    "load_states",
    "open_alarms",
    "public",
    "to_alarm",
    "transition",
]
