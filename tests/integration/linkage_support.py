"""Helpers for the linkage and evacuation tests: a site with actuators around a leak, plume zones, MQTT log."""

from __future__ import annotations

import dataclasses
import itertools
import json
import random
from dataclasses import dataclass, field
from typing import Any

from chalicelib.emergency import plume
from chalicelib.linkage import service
from tests.support import Park, make_park

_sites = itertools.count()
M_PER_DEG = 111_195.0


def offset(lat: float, lon: float, north_m: float = 0.0, east_m: float = 0.0) -> tuple[float, float]:
    import math

    return lat + north_m / M_PER_DEG, lon + east_m / (M_PER_DEG * math.cos(math.radians(lat)))


def zones(lat: float, lon: float, wind_from_deg: float = 0.0) -> tuple[list[dict[str, Any]], float]:
    """Chlorine, 1 kg/s, 3 m/s, class D: AEGL-2 reaches about 3.3 km downwind, isolation circle 500 m."""
    est = plume.estimate(
        "氯",
        release_rate_kg_s=1.0,
        wind_speed_m_s=3.0,
        wind_from_deg=wind_from_deg,
        stability_class="D",
        terrain="rural",
        source_lat=lat,
        source_lon=lon,
    )
    return [dataclasses.asdict(z) for z in est.zones], est.isolation_radius_m


@dataclass
class Site:
    park: Park
    lat: float
    lon: float
    devices: dict[str, str] = field(default_factory=dict)  # role -> device id

    def event(self, incident_id: str, **kw: Any) -> dict[str, Any]:
        zone_list, isolation = zones(self.lat, self.lon)
        return {
            "incident_id": incident_id,
            "type": "leak",
            "level": "orange",
            "enterprise_id": self.park.enterprise_id,
            "installation_id": None,
            "source": {"lat": self.lat, "lon": self.lon},
            "zones": zone_list,
            "isolation_radius_m": isolation,
            "drill": False,
            **kw,
        }


def camera_id() -> str:
    return f"3206000000132{random.randrange(10**7):07d}"


def make_site(api: Any, base_lat: float = 30.0) -> Site:
    """A park far from every other test's (0.3° apart), with actuators at known distances from the source."""
    park = make_park(api)
    k = next(_sites)
    site = Site(park, base_lat + 0.3 * k, 121.5)
    layout = {
        "door_near": ("door", 100, 0),
        "door_far": ("door", 2000, 0),
        "exit": ("evacuation_exit", 0, 200),
        "vent": ("ventilation", -300, 0),
        "speaker": ("broadcast", 50, 0),
    }
    for role, (kind, north, east) in layout.items():
        lat, lon = offset(site.lat, site.lon, north, east)
        r = api.post(
            "/linkage/devices",
            role="park_admin",
            json={
                "enterprise_id": park.enterprise_id,
                "kind": kind,
                "name": role,
                "location": {"lat": lat, "lon": lon},
            },
        )
        assert r.status_code == 201, r.json
        site.devices[role] = r.json["id"]
    for role, ptz, north in (("ptz", True, 150), ("fixed_cam", False, 120)):
        lat, lon = offset(site.lat, site.lon, north, 0)
        r = api.post(
            "/cameras",
            role="park_admin",
            json={
                "id": camera_id(),
                "enterprise_id": park.enterprise_id,
                "name": role,
                "location": {"lat": lat, "lon": lon},
                "ptz": ptz,
            },
        )
        assert r.status_code == 201, r.json
        site.devices[role] = r.json["id"]
    return site


def published(enterprise_id: str) -> list[tuple[str, dict[str, Any]]]:
    """What the app published through iot-data to an enterprise's command topics (moto, in-process)."""
    from local import moto_patches

    prefix = f"park/{enterprise_id}/commands/"
    return [(t, json.loads(p)) for t, p in moto_patches.iot_published() if t.startswith(prefix)]


def by_device(commands: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {c["device_id"]: c for c in commands}


def sent_by_device(result: service.TriggerResult) -> dict[str, service.SentCommand]:
    """The commands one linkage run sent (or found sent), by device."""
    return {c.device_id: c for c in result.commands}
