"""Closed-park HTTP contracts: gates and zone access levels, appointments, gate events, lists, presence, records."""

from chalicelib.access.schemas.appointments import (
    AppointmentFilter,
    AppointmentIn,
    AppointmentOut,
    CommentIn,
    RejectIn,
)
from chalicelib.access.schemas.events import (
    GateEventsIn,
    GateEventsOut,
    ListEntryIn,
    ListEntryOut,
    ListFilter,
    PresenceOut,
    PresenceQuery,
    RecordFilter,
    RecordOut,
)
from chalicelib.access.schemas.gates import GateFilter, GateIn, GateOut, ZoneAccessIn, ZoneAccessOut, ZoneFilter

__all__ = [
    "AppointmentFilter",
    "AppointmentIn",
    "AppointmentOut",
    "CommentIn",
    "GateEventsIn",
    "GateEventsOut",
    "GateFilter",
    "GateIn",
    "GateOut",
    "ListEntryIn",
    "ListEntryOut",
    "ListFilter",
    "PresenceOut",
    "PresenceQuery",
    "RecordFilter",
    "RecordOut",
    "RejectIn",
    "ZoneAccessIn",
    "ZoneAccessOut",
    "ZoneFilter",
]
