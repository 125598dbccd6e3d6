"""The simulator's park activity over the REST API (what gate systems, vehicle locators and the patrol app send):
staff passing the park's general gate, a booked chlorine tanker that enters at its route's hazmat gate, drives
the route to the hazmat parking lot and then stands there past `vehicle_dwell_max_s` (the vehicle sweep raises
its dwell alarm; the local stack shortens the limit to 5 minutes), and a patrol round checking in at each
checkpoint once the patrol sweep has dispatched its task. Never deployed (local/)."""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from chalicelib.core.geo import distance_m

TRUCK_KMH = 25.0
STAFF = [("320102198001011111", "周工"), ("320102198202022222", "吴工"), ("320102198503033333", "郑工")]


def _now(minutes: float = 0) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


def along(line: list[list[float]], metres: float) -> tuple[float, float] | None:
    """The [lon, lat] point `metres` along the line, None past its end."""
    for (x1, y1), (x2, y2) in itertools.pairwise(line):
        seg = distance_m(y1, x1, y2, x2)
        if metres <= seg:
            f = metres / seg if seg else 0.0
            return x1 + f * (x2 - x1), y1 + f * (y2 - y1)
        metres -= seg
    return None


@dataclass(eq=False)  # a Thread: hashed by identity
class ParkActivity(threading.Thread):
    api: str
    tokens: dict[str, str]
    period_s: float = 10.0
    stats: dict[str, int] = field(default_factory=lambda: {"gate_events": 0, "positions": 0, "checkins": 0})
    _halt: threading.Event = field(default_factory=threading.Event)
    _ready: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(name="park-activity", daemon=True)

    def call(self, method: str, path: str, body: Any = None, role: str = "park_admin") -> Any:
        r = requests.request(
            method, self.api + path, json=body, timeout=30, headers={"Authorization": f"Bearer {self.tokens[role]}"}
        )
        r.raise_for_status()
        return r.json() if r.content else None

    def stop(self) -> None:
        self._halt.set()

    def run(self) -> None:
        tick = 0
        while not self._halt.wait(self.period_s):
            try:
                if not self._ready:
                    self._ready = self.setup()
                self.step(tick)
                tick += 1
            except Exception as exc:  # the stack may be busy; the next tick tries again
                print(f"park activity: {type(exc).__name__}: {exc}", flush=True)

    def setup(self) -> dict[str, Any]:
        sensor = next(s for s in self.call("GET", "/sensors?limit=200")["items"] if s["id"].endswith("AT-101"))
        eid, lat, lon = sensor["enterprise_id"], sensor["location"]["lat"], sensor["location"]["lon"]
        stamp = int(time.time())
        general = self._gate("园区北综合卡口", "general", lat + 0.006, lon, stamp)
        hazmat = self._gate("园区西危化品卡口", "hazmat", lat - 0.004, lon - 0.006, stamp)
        for id_number, name in STAFF:
            entry = {"list": "white", "kind": "person", "value": id_number, "reason": "园区员工", "name": name}
            self.call("POST", "/access/lists", {**entry, "enterprise_id": eid, "phone": "13905150000"})
        line = [[lon - 0.006, lat - 0.004], [lon - 0.006, lat], [lon - 0.0007, lat], [lon - 0.0007, lat + 0.0003]]
        route = self.call(
            "POST",
            "/vehicles/routes",
            {
                "name": "危化品运输专线（模拟）",
                "path": {"type": "LineString", "coordinates": line},
                "width_m": 40,
                "speed_limit_kmh": 30,
                "gate_ids": [hazmat["id"]],
            },
        )
        s = 0.0006
        ring = [[lon - 0.001, lat], [lon - 0.001 + s, lat], [lon - 0.001 + s, lat + s], [lon - 0.001, lat + s]]
        area = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
        self.call("POST", "/vehicles/lots", {"name": "液氯罐区停车场（模拟）", "area": area, "capacity": 4})
        plate = f"苏E{stamp % 100000:05d}"
        self._book(eid, plate, route["id"], stamp)
        return {"eid": eid, "general": general, "hazmat": hazmat, "line": line, "plate": plate, "patrol": None}

    def _gate(self, name: str, kind: str, lat: float, lon: float, stamp: int) -> Any:
        body = {"name": name, "kind": kind, "location": {"lat": lat, "lon": lon}}
        return self.call("POST", "/gates", {**body, "devices": [{"id": f"sim-{kind}-{stamp}", "kind": "barrier"}]})

    def _book(self, eid: str, plate: str, route_id: str, stamp: int) -> None:
        driver = {"name": "模拟司机", "id_number": "320102198806061234", "phone": "13905150002"}
        waybill = {
            "number": f"WB-SIM-{stamp}",
            "carrier": "示例危货运输有限公司",
            "carrier_code": "CAR-SIM",
            "plate": plate,
            "goods": [{"un_number": "UN1017", "name": "氯", "quantity_t": 10}],
            "origin": "示例氯碱厂",
            "destination_enterprise_id": eid,
        }
        body = {
            "kind": "hazmat_vehicle",
            "enterprise_id": eid,
            "vehicle": {"plate": plate, "driver": driver},
            "purpose": "液氯卸车（模拟）",
            "valid_from": _now(-5),
            "valid_to": _now(20 * 60),
            "route_id": route_id,
            "waybill": waybill,
        }
        apt = self.call("POST", "/appointments", body)
        self.call("POST", f"/appointments/{apt['id']}/approve", {"comment": "接待企业同意"})
        self.call("POST", f"/appointments/{apt['id']}/approve", {"comment": "园区同意"}, role="duty_officer")

    def _gate_event(self, gate_id: str, direction: str, **subject: str) -> None:
        method = "plate" if "plate" in subject else "face"
        event = {"event_id": f"sim-{time.time_ns()}", "gate_id": gate_id, "direction": direction, "at": _now()}
        self.call("POST", "/access/events", {"events": [{**event, "method": method, **subject}]}, role="integration")
        self.stats["gate_events"] += 1

    def step(self, tick: int) -> None:
        r = self._ready
        if tick % 6 == 0:  # a member of staff passes the general gate, in then out on their next turn
            id_number, _ = STAFF[(tick // 6) % len(STAFF)]
            direction = "in" if (tick // 18) % 2 == 0 else "out"
            self._gate_event(r["general"]["id"], direction, person_id=id_number)
        if tick == 0:
            self._gate_event(r["hazmat"]["id"], "in", plate=r["plate"])
        driven = tick * self.period_s * TRUCK_KMH / 3.6
        point = along(r["line"], driven)
        standing = point is None
        if standing and tick % 3:
            point = None  # parked: the locator reports every third tick
        elif standing:
            point = tuple(r["line"][-1])
        if point is not None:
            fix = {"plate": r["plate"], "at": _now(), "location": {"lat": point[1], "lon": point[0]}}
            fix["speed_kmh"] = 0.0 if standing else TRUCK_KMH
            self.call("POST", "/vehicles/positions", {"positions": [fix]}, role="integration")
            self.stats["positions"] += 1
        self._patrol(tick)

    def _patrol(self, tick: int) -> None:
        """Once the patrol sweep dispatched a task of the park's round to the inspector, check in at one
        checkpoint per tick (the inspector walks between them)."""
        r = self._ready
        if r["patrol"] is None:
            r["patrol"] = self._plan()
        route, plan = r["patrol"]
        tasks = self.call("GET", "/patrol/tasks?mine=true", role="inspector")["items"]
        task = next((t for t in tasks if t["plan_id"] == plan["id"] and t["status"] == "open"), None)
        if task is None:
            return
        detail = self.call("GET", f"/patrol/tasks/{task['id']}", role="inspector")
        done = {c["checkpoint_id"] for c in detail["checkins"]}
        cp = next((c for c in route["checkpoints"] if c["id"] not in done), None)
        if cp is None:
            return
        items = [{"item_id": i["id"], "result": "pass"} for i in cp["items"]]
        body = {"position": cp["location"], "code": cp["code"], "items": items}
        self.call("POST", f"/patrol/tasks/{task['id']}/checkpoints/{cp['id']}", body, role="inspector")
        self.stats["checkins"] += 1

    def _plan(self) -> tuple[dict[str, Any], dict[str, Any]]:
        token = self.tokens["inspector"].split(".")[1]
        inspector = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))["sub"]
        r = self._ready
        lon, lat = r["line"][-1]
        checkpoints = [
            {
                "id": f"sim-{i}",
                "name": name,
                "location": {"lat": lat + d, "lon": lon + d},
                "code": f"QR-SIM-{i}",
                "items": [{"id": "look", "name": "现场无异常"}],
            }
            for i, (name, d) in enumerate([("液氯罐区停车场", 0.0), ("公共管廊 1 号段", 0.001), ("北卡口", 0.002)])
        ]
        body = {"name": "园区日常巡检（模拟）", "liable_person": {"name": "园区设备科", "phone": "13600000301"}}
        route = self.call("POST", "/patrol/routes", {**body, "checkpoints": checkpoints})
        team = {"name": "园区巡检二班", "members": [{"user_id": inspector, "name": "钱巡检", "phone": "13600000302"}]}
        plan = {"route_id": route["id"], "name": "日常巡检", "team": team, "starts_at": _now(-1), "window_min": 120}
        return route, self.call("POST", "/patrol/plans", {**plan, "cycle": 1, "cycle_unit": "day"})
