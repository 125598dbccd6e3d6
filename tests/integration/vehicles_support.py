"""Vehicle-tracking test helpers: a site with a hazmat route and a lot, approved hazmat trips, simulated tracks."""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from chalicelib.core import clock
from tests.integration.access_support import Site, approved, hazmat_body, make_site, plate

_n = itertools.count(int.from_bytes(os.urandom(3), "big"))
WEST, EAST, LAT = 120.900, 120.910, 31.950  # the route: a west-east road of about 945 m
NORTH_1M = 1 / 111_195  # one metre of latitude in degrees


def lot_ring(lon: float, lat: float, size: float = 0.001) -> list[list[float]]:
    return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]


@dataclass
class Yard:
    site: Site
    route: dict[str, Any]
    lot: dict[str, Any]  # admits only the plates it lists (none at first)


def make_yard(api: Any, capacity: int = 1) -> Yard:
    site = make_site(api)
    body = {
        "name": "危化品专用通道",
        "path": {"type": "LineString", "coordinates": [[WEST, LAT], [EAST, LAT]]},
        "width_m": 30,
        "speed_limit_kmh": 30,
        "gate_ids": [site.hazmat_gate],
    }
    r = api.post("/vehicles/routes", role="park_admin", json=body)
    assert r.status_code == 201, r.json
    # each yard's lot sits in its own spot: lots are park-wide, and yards of one test process must not overlap
    lon = 120.95 + (next(_n) % 400) * 0.002
    lot = {
        "name": "危化品停车场",
        "area": {"type": "Polygon", "coordinates": [lot_ring(lon, 31.99)]},
        "capacity": capacity,
        "admitted_plates": ["苏A00000"],
    }
    r2 = api.post("/vehicles/lots", role="park_admin", json=lot)
    assert r2.status_code == 201, r2.json
    return Yard(site, r.json, r2.json)


def trip(api: Any, yard: Yard, car: str | None = None, route: bool = True) -> str:
    """An approved hazmat appointment for a new plate (on the yard's route), valid from an hour ago."""
    car = car or plate()
    body = hazmat_body(yard.site, car)
    if route:
        body["route_id"] = yard.route["id"]
    approved(api, body)
    return car


def at(minutes: float) -> str:
    """A time relative to now (positions must not be dated ahead of the clock)."""
    return (clock.now() + timedelta(minutes=minutes)).isoformat()


def pos(
    car: str, minutes: float, lon: float, lat: float = LAT, speed: float | None = 20.0, **kw: Any
) -> dict[str, Any]:
    body = {"plate": car, "at": at(minutes), "location": {"lat": lat, "lon": lon}, **kw}
    if speed is not None:
        body["speed_kmh"] = speed
    return body


def post(api: Any, *positions: dict[str, Any], role: str = "integration", **kw: Any) -> list[dict[str, Any]]:
    r = api.post("/vehicles/positions", role=role, json={"positions": list(positions)}, **kw)
    assert r.status_code == 200, r.json
    return list(r.json["results"])


def vehicle_alarms(api: Any, car: str, kind: str | None = None) -> list[dict[str, Any]]:
    query = "/alarms?source=vehicles&limit=200" + (f"&kind={kind}" if kind else "")
    return [a for a in api.get(query, role="park_admin").json["items"] if a["details"].get("plate") == car]
