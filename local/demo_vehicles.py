"""The demo's hazmat truck (5.3.1 危化品车辆定位追踪, docs/closed-park.md): a chlorine tanker booked on the park's
hazmat route, admitted at the route's gate, driving the route to the hazmat parking lot and standing there; the
vehicle sweep finds it in the park longer than `vehicle_dwell_max_s` and raises the dwell alarm at its position.

No sleeps: the truck entered the dwell limit plus five minutes ago (its gate event and positions are dated so),
whatever the stack's setting is (the local stack shortens it to 5 minutes for the simulator's truck).
`python -m local.demo_vehicles` runs it alone (against the running stack, or one of its own)."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from local.demo import Env, StepFailed, Timeline, run_sweep


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def vehicle_scenario(env: Env, t: Timeline, sensor: dict[str, Any]) -> None:
    from chalicelib.core.settings import get_settings

    eid, lat, lon = sensor["enterprise_id"], sensor["location"]["lat"], sensor["location"]["lon"]
    stamp = int(time.time())
    gate_at = {"lat": lat - 0.004, "lon": lon - 0.006}
    gate = env.call(
        "POST",
        "/gates",
        body={
            "name": "园区西危化品卡口",
            "kind": "hazmat",
            "location": gate_at,
            "devices": [{"id": f"gate-west-barrier-{stamp}", "kind": "barrier"}],
        },
    )
    line = [[gate_at["lon"], gate_at["lat"]], [lon - 0.006, lat], [lon - 0.0007, lat], [lon - 0.0007, lat + 0.0003]]
    route = env.call(
        "POST",
        "/vehicles/routes",
        body={
            "name": "危化品运输专线（西卡口—液氯罐区）",
            "path": {"type": "LineString", "coordinates": line},
            "width_m": 40,
            "speed_limit_kmh": 30,
            "gate_ids": [gate["id"]],
        },
    )
    s = 0.0006  # a lot of about 60 m by 55 m beside the tanks
    ring = [[lon - 0.001, lat], [lon - 0.001 + s, lat], [lon - 0.001 + s, lat + s], [lon - 0.001, lat + s]]
    lot = env.call(
        "POST",
        "/vehicles/lots",
        body={
            "name": "液氯罐区危化品停车场",
            "area": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
            "capacity": 4,
            "admitted_enterprises": [eid],
        },
    )
    t.ok(f"危化品运输路线「{route['name']}」（走廊 {route['width_m']:.0f} m，限速 30 km/h）与停车场「{lot['name']}」")
    dwell_s = get_settings().vehicle_dwell_max_s
    now = datetime.now(UTC)
    entered = now - timedelta(seconds=dwell_s + 300)
    plate = f"苏E{(stamp + 7) % 100000:05d}"
    body = {
        "kind": "hazmat_vehicle",
        "enterprise_id": eid,
        "vehicle": {
            "plate": plate,
            "driver": {"name": "陈司机", "id_number": "320102198805051234", "phone": "13905150001"},
        },
        "purpose": "液氯卸车",
        "zones": [],
        "valid_from": _iso(entered - timedelta(minutes=30)),
        "valid_to": _iso(now + timedelta(hours=2)),
        "route_id": route["id"],
        "waybill": {
            "number": f"WB-DEMO-{stamp}",
            "carrier": "示例危货运输有限公司",
            "carrier_code": "CAR-DEMO",
            "plate": plate,
            "goods": [{"un_number": "UN1017", "name": "氯", "quantity_t": 10}],
            "origin": "示例氯碱厂",
            "destination_enterprise_id": eid,
        },
    }
    apt = env.call("POST", "/appointments", body=body)
    env.call("POST", f"/appointments/{apt['id']}/approve", body={"comment": "接待企业同意"})
    env.call("POST", f"/appointments/{apt['id']}/approve", role="duty_officer", body={"comment": "园区同意"})
    event = {
        "event_id": f"demo-truck-{stamp}",
        "gate_id": gate["id"],
        "direction": "in",
        "at": _iso(entered),
        "method": "plate",
        "plate": plate,
    }
    result = env.call("POST", "/access/events", role="duty_officer", body={"events": [event]})["results"][0]
    if result["decision"] != "allow":
        raise StepFailed(f"the booked tanker was not admitted at its route's gate: {result}")
    # the drive: along the route at ~25 km/h, then onto the lot, standing there
    stops = [line[0], line[1], [lon - 0.003, lat], [lon - 0.0007, lat + 0.0003], [lon - 0.0007, lat + 0.0003]]
    fixes = [
        {
            "event_id": f"demo-loc-{stamp}-{i}",
            "plate": plate,
            "at": _iso(entered + timedelta(minutes=1 + i)),
            "location": {"lat": p[1], "lon": p[0]},
            "speed_kmh": 0 if i >= 3 else 25,
        }
        for i, p in enumerate(stops)
    ]
    judged = env.call("POST", "/vehicles/positions", role="duty_officer", body={"positions": fixes})["results"]
    if [r["status"] for r in judged] != ["accepted"] * len(fixes) or judged[-1]["state"] != "parked":
        raise StepFailed(f"the tanker's track was not judged as expected: {judged}")
    if any(r["conditions"] for r in judged):
        raise StepFailed(f"the tanker raised conditions on its own route: {judged}")
    t.ok(f"危化品车辆 {plate} 经{gate['name']}入园，沿核定路线驶入停车场（{len(fixes)} 个定位点，无偏离、无超速）")
    layer = env.call("GET", "/map/vehicles.geojson")
    feature = next(f for f in layer["features"] if f["id"] == plate)  # StopIteration fails the demo
    t.ok(f"在园车辆图层：{plate} 位于 {feature['geometry']['coordinates']}（{feature['properties']['state']}）")
    swept = run_sweep(env, "vehicles_sweep")
    alarms = env.call("GET", "/alarms?source=vehicles&kind=vehicle_overstay&limit=200")["items"]
    alarm = next(a for a in alarms if a["details"].get("plate") == plate)  # StopIteration fails the demo
    t.ok(
        f"车辆巡检（{swept['vehicles']} 辆在园）：{alarm['title']}（停留上限 {dwell_s // 60} 分钟，"
        f"{alarm['priority']}，位置 {alarm['lat']:.4f},{alarm['lon']:.4f}）"
    )


def main() -> int:
    from local.demo import connect, find_leak_sensor

    t, env = Timeline(), connect()
    try:
        vehicle_scenario(env, t, find_leak_sensor(env))
    except (StepFailed, StopIteration, KeyError) as exc:
        t.fail(f"{type(exc).__name__}: {exc}")
    finally:
        if env.stack is not None:
            env.stack.stop()
    return 0 if all(ok for _, ok, _ in t.steps) else 1


if __name__ == "__main__":
    sys.exit(main())
