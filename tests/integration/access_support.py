"""Closed-park test helpers: unique people and plates, a park with gates and zones, appointments and gate events."""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from chalicelib.core import clock
from tests.support import Park, make_park

_n = itertools.count(int.from_bytes(os.urandom(3), "big"))


def id_number() -> str:
    return f"3201021990{next(_n) % 10**8:08d}"


def plate() -> str:
    return f"苏E{next(_n) % 10**5:05d}"


def iso(hours: float = 0) -> str:
    return (clock.now() + timedelta(hours=hours)).isoformat()


@dataclass
class Site:
    park: Park
    zone: str  # the enterprise's tank-farm zone (controlled)
    perimeter: str  # park general gate (bounds no zone)
    hazmat_gate: str  # park hazmat gate
    zone_gate: str  # the enterprise's gate into its zone
    unattended: str
    emergency: str


def gate(api: Any, kind: str, zone_id: str | None = None, enterprise_id: str | None = None, devices: Any = None) -> str:
    body = {
        "name": f"{kind}卡口",
        "kind": kind,
        "location": {"lat": 31.95, "lon": 120.9},
        "devices": devices if devices is not None else [{"id": f"bar-{next(_n)}", "kind": "barrier"}],
    }
    if zone_id:
        body["zone_id"] = zone_id
    if enterprise_id:
        body["enterprise_id"] = enterprise_id
    r = api.post("/gates", role="park_admin", json=body)
    assert r.status_code == 201, r.json
    return str(r.json["id"])


def make_site(api: Any) -> Site:
    park = make_park(api)
    zone = api.post(
        "/zones",
        role="park_admin",
        json={
            "enterprise_id": park.enterprise_id,
            "name": "罐区",
            "center": {"lat": 31.951, "lon": 120.905},
            "radius_m": 150,
        },
    ).json["id"]
    r = api.put(f"/access/zones/{zone}", role="park_admin", json={"level": "controlled"})
    assert r.status_code == 200, r.json
    return Site(
        park,
        zone,
        gate(api, "general"),
        gate(api, "hazmat"),
        gate(api, "general", zone, park.enterprise_id),
        gate(api, "unattended"),
        gate(api, "emergency"),
    )


def person_body(site: Site, who: str | None = None, **over: Any) -> dict[str, Any]:
    body = {
        "kind": "person",
        "enterprise_id": site.park.enterprise_id,
        "visitor": {"name": "张访客", "id_number": who or id_number(), "phone": "13912345678"},
        "purpose": "检修洽谈",
        "valid_from": iso(-1),
        "valid_to": iso(8),
    }
    return {**body, **over}


def hazmat_body(site: Site, car: str | None = None, goods: Any = None, **over: Any) -> dict[str, Any]:
    car = car or plate()
    body = {
        "kind": "hazmat_vehicle",
        "enterprise_id": site.park.enterprise_id,
        "vehicle": {
            "plate": car,
            "driver": {"name": "李司机", "id_number": id_number(), "phone": "13912340000"},
            "certificates": [{"kind": "road_transport", "number": "RT-1", "expires_at": iso(24 * 90)}],
        },
        "purpose": "液氯卸车",
        "zones": [site.zone],
        "valid_from": iso(-1),
        "valid_to": iso(12),
        "waybill": {
            "number": f"WB{next(_n)}",
            "carrier": "示例危货运输公司",
            "carrier_code": f"CAR{next(_n)}",
            "plate": car,
            "goods": goods if goods is not None else [{"un_number": "UN1017", "name": "氯", "quantity_t": 10}],
            "origin": "示例氯碱厂",
            "destination_enterprise_id": site.park.enterprise_id,
        },
    }
    return {**body, **over}


def approved(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    """Create and approve through every step (host, then the park for hazmat vehicles)."""
    r = api.post("/appointments", role="park_admin", json=body)
    assert r.status_code == 201, r.json
    apt = r.json
    host = body["enterprise_id"]
    r = api.post(f"/appointments/{apt['id']}/approve", role="enterprise_manager", enterprise_id=host, json={})
    assert r.status_code == 200, r.json
    if r.json["state"] == "pending_park":
        r = api.post(f"/appointments/{apt['id']}/approve", role="duty_officer", json={"comment": "同意"})
        assert r.status_code == 200, r.json
    assert r.json["state"] == "approved"
    return dict(r.json)


def event(gate_id: str, direction: str = "in", hours: float = 0, **subject: Any) -> dict[str, Any]:
    method = "plate" if "plate" in subject else "face"
    return {
        "event_id": f"e{next(_n)}",
        "gate_id": gate_id,
        "direction": direction,
        "at": iso(hours),
        "method": method,
        **subject,
    }


def post_events(api: Any, *events: dict[str, Any], role: str = "integration") -> list[dict[str, Any]]:
    r = api.post("/access/events", role=role, json={"events": list(events)})
    assert r.status_code == 200, r.json
    return list(r.json["results"])
