"""Closed-park use cases (封闭化管理, 5.3.1), the only module other contexts and bootstrap import: gates and zone
levels, appointments, black/white lists, gate events, presence with its evacuation locator, access records, and
the typed views other contexts read (views)."""

from chalicelib.access.domain import normal_plate
from chalicelib.access.service.appointments import approve, cancel, reject, trip_of
from chalicelib.access.service.appointments import create as create_appointment
from chalicelib.access.service.appointments import list_page as appointment_page
from chalicelib.access.service.appointments import load as load_appointment
from chalicelib.access.service.appointments import public as appointment_view
from chalicelib.access.service.common import masked_person
from chalicelib.access.service.events import intake
from chalicelib.access.service.gates import barriers as gate_barriers
from chalicelib.access.service.gates import create as create_gate
from chalicelib.access.service.gates import list_page as gate_page
from chalicelib.access.service.gates import load as load_gate
from chalicelib.access.service.gates import map_features as zone_map_features
from chalicelib.access.service.gates import public as gate_view
from chalicelib.access.service.gates import remove as remove_gate
from chalicelib.access.service.gates import replace as replace_gate
from chalicelib.access.service.gates import set_zone_level, zone_list
from chalicelib.access.service.lists import list_page as list_entries
from chalicelib.access.service.lists import put as put_list_entry
from chalicelib.access.service.lists import remove as remove_list_entry
from chalicelib.access.service.presence import PresenceLocator, locate_vehicle, now_inside, records, vehicle_presence
from chalicelib.access.service.views import GateBarrier, Person, PersonInZone, Presence, Trip

__all__ = [
    "GateBarrier",
    "Person",
    "PersonInZone",
    "Presence",
    "PresenceLocator",
    "Trip",
    "appointment_page",
    "appointment_view",
    "approve",
    "cancel",
    "create_appointment",
    "create_gate",
    "gate_barriers",
    "gate_page",
    "gate_view",
    "intake",
    "list_entries",
    "load_appointment",
    "load_gate",
    "locate_vehicle",
    "masked_person",
    "normal_plate",
    "now_inside",
    "put_list_entry",
    "records",
    "reject",
    "remove_gate",
    "remove_list_entry",
    "replace_gate",
    "set_zone_level",
    "trip_of",
    "vehicle_presence",
    "zone_list",
    "zone_map_features",
]
