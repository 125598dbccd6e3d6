"""Hazmat vehicle tracking (5.3.1, issue 13 item 4) through the API: simulated tracks along and off the approved
route, speeding, stops outside a lot, lot admission and occupancy, dwell by the sweep, idempotent batches, alarms
raised once and cleared, presence fed by positions, and the gate's route check."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.core import clock
from chalicelib.vehicles import service
from tests.integration.access_support import event, gate, plate, post_events
from tests.integration.vehicles_support import (
    EAST,
    LAT,
    NORTH_1M,
    WEST,
    Yard,
    make_yard,
    pos,
    post,
    trip,
    vehicle_alarms,
)

H = 3600


@pytest.fixture(scope="module")
def yard(app: Any) -> Yard:
    from chalice.test import Client

    from tests.conftest import Api

    with Client(app) as client:
        return make_yard(Api(client))


def vehicle(api: Any, car: str, role: str = "park_admin", **kw: Any) -> dict[str, Any] | None:
    items = api.get("/vehicles?limit=200", role=role, **kw).json["items"]
    return next((v for v in items if v["plate"] == car), None)


def test_a_track_off_the_corridor_raises_one_alarm_with_its_position_and_returning_clears_it(
    api: Any, yard: Yard
) -> None:
    car = trip(api, yard)
    off = LAT + 60 * NORTH_1M  # 60 m north of the centre line: 45 m outside a 30 m corridor
    on_road = post(api, pos(car, -30, WEST), pos(car, -29, WEST + 0.002))
    assert [r["status"] for r in on_road] == ["accepted", "accepted"] and not on_road[1]["conditions"]
    astray = post(api, pos(car, -28, WEST + 0.004, off), pos(car, -27, WEST + 0.005, off))
    assert astray[0]["conditions"] == ["off_route"] and astray[1]["conditions"] == ["off_route"]
    (alarm,) = vehicle_alarms(api, car, "vehicle_off_route")
    assert alarm["priority"] == "high" and alarm["count"] == 1  # raised once, not once per position
    assert (alarm["lat"], alarm["lon"]) == (pytest.approx(off), pytest.approx(WEST + 0.004))
    assert alarm["enterprise_id"] == yard.site.park.enterprise_id and alarm["details"]["route_id"] == yard.route["id"]
    post(api, pos(car, -26, WEST + 0.006))
    (alarm,) = vehicle_alarms(api, car, "vehicle_off_route")
    assert alarm["state"] in ("rtn_unack", "normal")
    v = vehicle(api, car)
    assert v is not None and v["conditions"] == [] and v["route_id"] == yard.route["id"] and v["offset_m"] == 0


def test_speeding_over_the_route_limit_alarms_until_the_vehicle_slows_down(api: Any, yard: Yard) -> None:
    car = trip(api, yard)
    assert post(api, pos(car, -20, WEST, speed=25))[0]["conditions"] == []
    fast = post(api, pos(car, -19, WEST + 0.001, speed=45), pos(car, -18, WEST + 0.002, speed=50))
    assert fast[1]["conditions"] == ["speeding"]
    (alarm,) = vehicle_alarms(api, car, "vehicle_speeding")
    assert alarm["priority"] == "medium" and "限速 30.0 km/h" in alarm["title"]
    post(api, pos(car, -17, WEST + 0.003, speed=None))  # no reported speed: ~95 m in a minute, 5.7 km/h
    (alarm,) = vehicle_alarms(api, car, "vehicle_speeding")
    assert alarm["state"] in ("rtn_unack", "normal")


def test_a_zone_speed_limit_lower_than_the_route_applies_inside_the_zone(api: Any, yard: Yard) -> None:
    zone = api.post(
        "/zones",
        role="park_admin",
        json={"name": "装卸区", "center": {"lat": LAT, "lon": EAST}, "radius_m": 60},
    ).json["id"]
    r = api.put(f"/vehicles/zone-limits/{zone}", role="park_admin", json={"speed_limit_kmh": 10})
    assert r.status_code == 200 and r.json["speed_limit_kmh"] == 10
    car = trip(api, yard)
    (inside,) = post(api, pos(car, -10, EAST, speed=20))
    assert inside["conditions"] == ["speeding"]
    v = vehicle(api, car)
    assert v is not None and v["limit_kmh"] == 10
    presence = api.get(f"/presence?zone_id={zone}", role="park_admin").json
    assert presence["vehicles"] >= 1  # the position put the vehicle in the zone
    for unstorable in (5e-324, 1e-131):  # passed gt=0, then DynamoDB refused the number: a 500 (the fuzzer)
        r = api.put(f"/vehicles/zone-limits/{zone}", role="park_admin", json={"speed_limit_kmh": unstorable})
        assert (r.status_code, r.json["details"]["errors"][0]["field"]) == (422, "body.speed_limit_kmh"), r.json
        assert r.json["details"]["errors"][0]["type"] == "number_unstorable"
    assert api.get("/vehicles/zone-limits", role="park_admin").status_code == 200


def test_stopping_outside_a_lot_alarms_after_the_stop_limit_and_driving_on_clears_it(api: Any, yard: Yard) -> None:
    car = trip(api, yard)
    results = post(api, pos(car, -40, WEST, speed=0), pos(car, -35, WEST, speed=0), pos(car, -29, WEST, speed=0))
    assert [r["conditions"] for r in results] == [[], [], ["stopped_outside_lot"]]
    assert [r["state"] for r in results] == ["stopped"] * 3
    (alarm,) = vehicle_alarms(api, car, "vehicle_stopped_outside_lot")
    assert alarm["priority"] == "high"
    post(api, pos(car, -28, WEST + 0.003, speed=20))
    (alarm,) = vehicle_alarms(api, car, "vehicle_stopped_outside_lot")
    assert alarm["state"] in ("rtn_unack", "normal")


def test_lot_admission_and_occupancy_over_capacity(api: Any, yard: Yard) -> None:
    ring = yard.lot["area"]["coordinates"][0]
    lon, lat = (ring[0][0] + ring[1][0]) / 2, (ring[0][1] + ring[2][1]) / 2
    first, second = trip(api, yard, route=False), trip(api, yard, route=False)
    (a,) = post(api, pos(first, -15, lon, lat, speed=0))
    assert a["state"] == "parked" and a["conditions"] == ["not_admitted"]  # the lot admits only 苏A00000
    assert vehicle_alarms(api, first, "vehicle_not_admitted")
    lots = api.get("/vehicles/lots?limit=200", role="park_admin").json["items"]
    assert next(x for x in lots if x["id"] == yard.lot["id"])["occupancy"] == 1
    post(api, pos(second, -14, lon, lat, speed=0))
    over = [
        x
        for x in api.get("/alarms?source=vehicles&kind=parking_lot_over_capacity&limit=200", role="park_admin").json[
            "items"
        ]
        if x["details"]["lot_id"] == yard.lot["id"]
    ]
    assert len(over) == 1 and over[0]["details"]["occupancy"] == "2" and over[0]["enterprise_id"] == "_park"
    post(api, pos(second, -13, WEST, speed=10))  # drives off the lot
    over = api.get(f"/alarms/{over[0]['id']}", role="park_admin").json["alarm"]
    assert over["state"] in ("rtn_unack", "normal")
    mine = api.get("/vehicles/lots?limit=200", role="enterprise_manager", enterprise_id=yard.site.park.enterprise_id)
    assert next(x for x in mine.json["items"] if x["id"] == yard.lot["id"])["admitted_plates"] == []


def test_a_batch_posted_twice_is_judged_once(api: Any, yard: Yard) -> None:
    car = trip(api, yard)
    off = LAT + 80 * NORTH_1M
    loc = f"loc-{car[2:]}-1"
    batch = [pos(car, -9, WEST, off, event_id=loc), pos(car, -8, WEST + 0.001, off)]
    assert [r["status"] for r in post(api, *batch)] == ["accepted", "accepted"]
    again = post(api, *batch)
    assert [r["status"] for r in again] == ["duplicate", "duplicate"] and again[0]["event_id"] == loc
    (alarm,) = vehicle_alarms(api, car, "vehicle_off_route")
    assert alarm["count"] == 1
    records = api.get(f"/vehicles/positions?plate={car}", role="park_admin").json["items"]
    assert len(records) == 2 and records[0]["at"] > records[1]["at"]  # newest first
    older = post(api, pos(car, -10, WEST))  # older than the judged fix: recorded, not judged
    assert older[0]["status"] == "stale"


def test_dwell_is_judged_by_the_sweep_from_the_gate_entry_and_cleared_when_the_truck_leaves(
    api: Any, yard: Yard
) -> None:
    car = trip(api, yard)
    (entry,) = post_events(api, event(yard.site.hazmat_gate, "in", hours=-0.9, plate=car))
    assert entry["decision"] == "allow"
    post(api, pos(car, -50, WEST, speed=20))
    v = vehicle(api, car)
    assert v is not None and v["entered_at"][:16] == clock.iso(clock.now_ms() - 54 * 60 * 1000)[:16]
    with clock.use(clock.FrozenClock(clock.now_ms() + 5 * H * 1000)):
        service.sweep()
    assert not vehicle_alarms(api, car, "vehicle_overstay")
    with clock.use(clock.FrozenClock(clock.now_ms() + 5 * H * 1000 + 10 * 60 * 1000)):
        service.sweep()
        service.sweep()  # a second sweep raises nothing again
    (alarm,) = vehicle_alarms(api, car, "vehicle_overstay")
    assert alarm["count"] == 1 and alarm["priority"] == "medium"
    post_events(api, event(yard.site.hazmat_gate, "out", plate=car))
    service.sweep()
    assert vehicle(api, car) is None  # left the park
    (alarm,) = vehicle_alarms(api, car, "vehicle_overstay")
    assert alarm["state"] in ("rtn_unack", "normal")


def test_the_gate_checks_the_appointments_route(api: Any, yard: Yard) -> None:
    other_hazmat = gate(api, "hazmat")
    car = trip(api, yard)
    (wrong,) = post_events(api, event(other_hazmat, plate=car))
    assert (wrong["decision"], wrong["reasons"]) == ("deny", ["OFF_ROUTE"])
    (right,) = post_events(api, event(yard.site.hazmat_gate, plate=car))
    assert right["decision"] == "allow"
    unrouted = trip(api, yard, route=False)  # no route: any hazmat gate
    assert post_events(api, event(other_hazmat, plate=unrouted))[0]["decision"] == "allow"


def test_an_appointment_naming_no_such_route_is_422_naming_route_id(api: Any, yard: Yard) -> None:
    from tests.integration.access_support import hazmat_body

    r = api.post("/appointments", role="park_admin", json={**hazmat_body(yard.site), "route_id": "hrt_nope"})
    assert r.status_code == 422 and r.json["details"]["errors"][0]["field"] == "body.route_id", r.json


def test_tenancy_and_masking(api: Any, yard: Yard) -> None:
    car = trip(api, yard)
    host = yard.site.park.enterprise_id
    post(api, pos(car, -5, WEST))
    mine = vehicle(api, car, "enterprise_manager", enterprise_id=host)
    assert mine is not None and "****" in mine["driver"]["phone"] and "****" not in vehicle(api, car)["driver"]["phone"]
    assert vehicle(api, car, "enterprise_manager", enterprise_id="ent_other") is None
    layer = api.get("/map/vehicles.geojson", role="enterprise_manager", enterprise_id="ent_other")
    assert layer.headers["Content-Type"] == "application/geo+json"
    assert car not in [f["id"] for f in layer.json["features"]]
    r = api.get("/map/vehicles.geojson", role="enterprise_manager", enterprise_id=host)
    (feature,) = [f for f in r.json["features"] if f["id"] == car]
    assert feature["geometry"] == {"type": "Point", "coordinates": [WEST, LAT]}
    assert feature["properties"]["kind"] == "vehicle" and feature["properties"]["plate"] == car
    assert feature["properties"]["at"].endswith("Z") or "+" in feature["properties"]["at"]
    assert (
        api.get(f"/vehicles/positions?plate={car}", role="enterprise_manager", enterprise_id="ent_other").json["items"]
        == []
    )
    foreign = post(api, pos(car, -4, WEST), role="integration", enterprise_id="ent_other")
    assert foreign[0]["status"] == "refused" and foreign[0]["reason"] == "VEHICLE_UNKNOWN"
    assert api.post("/vehicles/positions", role="enterprise_manager", enterprise_id=host, json={}).status_code == 403


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/vehicles/positions",
            {"positions": [{"plate": "苏E1", "at": "2026-01-01T00:00:00+08:00"}]},
            "body.positions.0",
        ),
        (
            "/vehicles/positions",
            {"positions": [{"plate": "苏E12345", "at": "2026-01-01T00:00:00", "location": {"lat": 1, "lon": 2}}]},
            "body.positions.0.at",
        ),
        (
            "/vehicles/positions",
            {"positions": [{"plate": "苏E12345", "at": "2026-01-01T00:00:00Z", "location": {"lat": 91, "lon": 2}}]},
            "body.positions.0.location.lat",
        ),
        (
            "/vehicles/routes",
            {"name": "x", "path": {"type": "LineString", "coordinates": [[1, 2]]}, "width_m": 5},
            "body.path",
        ),
        (
            "/vehicles/routes",
            {"name": "x", "path": {"type": "LineString", "coordinates": [[1, 2], [1, 3]]}, "width_m": 0},
            "body.width_m",
        ),
        (
            "/vehicles/lots",
            {
                "name": "x",
                "capacity": 1,
                "area": {"type": "Polygon", "coordinates": [[[1, 2], [1, 3], [2, 3], [2, 2]]]},
            },
            "body.area",
        ),
    ],
)
def test_bad_input_is_422_naming_the_field(api: Any, path: str, body: dict[str, Any], field: str) -> None:
    r = api.post(path, role="park_admin", json=body)
    assert r.status_code == 422, r.json
    assert any(e["field"].startswith(field) for e in r.json["details"]["errors"]), r.json


def test_a_position_ahead_of_the_clock_is_refused_before_any_is_judged(api: Any, yard: Yard) -> None:
    car = plate()
    r = api.post(
        "/vehicles/positions", role="integration", json={"positions": [pos(car, -1, WEST), pos(car, 30, WEST)]}
    )
    assert r.status_code == 422 and r.json["details"]["errors"][0]["field"] == "body.positions.1.at"
    assert api.get(f"/vehicles/positions?plate={car}", role="park_admin").json["items"] == []
    ancient = {**pos(car, 0, WEST), "at": "0001-01-01T00:00:00+14:00"}
    r = api.post("/vehicles/positions", role="integration", json={"positions": [ancient]})
    assert r.status_code == 422 and r.json["details"]["errors"][0]["field"] == "body.positions.0.at", r.json
