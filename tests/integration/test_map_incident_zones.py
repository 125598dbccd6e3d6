"""The impact zones of the demo leak on the map (一张图): `GET /map/incidents/{id}/zones.geojson` serves what the
emergency-response workflow's impact step stored (AEGL footprints by wind, isolation circle), RFC 7946, scoped."""

from __future__ import annotations

from typing import Any

from chalicelib.core import geo
from chalicelib.incidents import tasks
from chalicelib.onemap import models
from tests.support import make_park

SOURCE = {"lat": 31.951, "lon": 120.905, "text": "液氯储罐区"}  # the demo park's liquid-chlorine tank farm


def demo_leak(api: Any, park: Any) -> str:
    """The demo's chlorine leak (local/demo.py: 0.5 kg/s at the tank farm), reported and its impact estimated by
    the workflow's own task function."""
    r = api.post(
        "/incidents",
        role="duty_officer",
        json={
            "type": "leak",
            "level": "II",
            "title": "液氯储罐区氯气泄漏",
            "phenomenon": "黄绿色气体逸出",
            "place": SOURCE,
            "enterprise_id": park.enterprise_id,
            "installation_id": park.installation_id,
            "reporter": "值守人员",
            "chemical": "氯",
            "release_rate_kg_s": 0.5,
        },
    )
    assert r.status_code == 201, r.json
    return r.json["id"]


def test_demo_leak_zones_are_closed_lon_lat_polygons_nested_by_severity(api):
    park = make_park(api)
    iid = demo_leak(api, park)
    before = api.get(f"/map/incidents/{iid}/zones.geojson", role="commander")
    assert before.status_code == 200 and before.json["features"] == []  # no estimate yet: nothing to draw
    tasks.impact(iid)
    r = api.get(f"/map/incidents/{iid}/zones.geojson", role="commander")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/geo+json"
    models.IncidentZoneLayer.model_validate(r.json)
    zones = {f["properties"]["zone"]: f for f in r.json["features"]}
    assert list(zones) == ["isolation", "discomfort", "injury", "lethal"]  # most severe drawn last
    stored = api.get(f"/incidents/{iid}", role="commander").json["incident"]["impact"]
    reach = {z["level"]: z["downwind_m"] for z in stored["zones"]}
    for name, level in (("lethal", "AEGL-3"), ("injury", "AEGL-2"), ("discomfort", "AEGL-1")):
        f = zones[name]
        assert f["properties"]["level"] == level and f["properties"]["incident_id"] == iid
        (ring,) = f["geometry"]["coordinates"]
        assert len(ring) >= 4 and ring[0] == ring[-1]
        farthest = max(geo.distance_m(SOURCE["lat"], SOURCE["lon"], lat, lon) for lon, lat in ring)
        # [lon, lat] order: read the other way round the ring would lie ~ 9,000 km away
        assert farthest <= reach[level] * 1.05 + 50, (name, farthest, reach[level])
    assert reach["AEGL-3"] < reach["AEGL-2"] < reach["AEGL-1"]
    (circle,) = zones["isolation"]["geometry"]["coordinates"]
    radii = [geo.distance_m(SOURCE["lat"], SOURCE["lon"], lat, lon) for lon, lat in circle]
    assert all(abs(d - stored["isolation_radius_m"]) < 0.01 * stored["isolation_radius_m"] for d in radii)


def test_another_enterprise_cannot_see_the_incident_zones(api):
    park, other = make_park(api), make_park(api)
    iid = demo_leak(api, park)
    own = api.get(f"/map/incidents/{iid}/zones.geojson", role="enterprise_manager", enterprise_id=park.enterprise_id)
    assert own.status_code == 200
    r = api.get(f"/map/incidents/{iid}/zones.geojson", role="enterprise_manager", enterprise_id=other.enterprise_id)
    assert r.status_code == 404
    assert api.get("/map/incidents/inc_nope/zones.geojson", role="commander").status_code == 404
