"""Hazmat vehicle tracking use cases, the only module other contexts and bootstrap import: routes, parking lots
and zone speed limits; locator positions judged into alarms and presence; live vehicles, their map layer and
records; the sweep; and the gate's route check (access.ports)."""

from chalicelib.vehicles.service.places import (
    gate_on_route,
    lot_page,
    remove_lot,
    remove_route,
    route_page,
    save_lot,
    save_route,
    set_zone_limit,
    zone_limits,
)
from chalicelib.vehicles.service.positions import intake
from chalicelib.vehicles.service.views import features, positions, sweep, vehicle_page

__all__ = [
    "features",
    "gate_on_route",
    "intake",
    "lot_page",
    "positions",
    "remove_lot",
    "remove_route",
    "route_page",
    "save_lot",
    "save_route",
    "set_zone_limit",
    "sweep",
    "vehicle_page",
    "zone_limits",
]
