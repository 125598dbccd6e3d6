"""Map layers (一张图, issue 14 item 3): every layer's shape (RFC 7946, lon/lat, closed rings, typed by the
geojson-pydantic models of the OpenAPI), tenancy, the media type, the park boundary's PUT, the live risk colour."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.onemap import models
from chalicelib.telemetry import caches
from chalicelib.telemetry import service as telemetry
from tests.support import batch, make_park, message, now

LAYER_MODELS = {
    "boundary": models.BoundaryLayer,
    "zones": models.ZoneLayer,
    "installations": models.InstallationLayer,
    "sensors": models.SensorLayer,
    "cameras": models.CameraLayer,
    "resources": models.ResourceLayer,
    "alarms": models.AlarmLayer,
}
BOUNDARY = {
    "type": "Polygon",
    "coordinates": [[[120.89, 31.94], [120.92, 31.94], [120.92, 31.96], [120.89, 31.96], [120.89, 31.94]]],
}


@pytest.fixture(autouse=True)
def _fresh_caches():
    caches.reset_caches()
    yield
    caches.reset_caches()


def positions(geometry: dict[str, Any]) -> list[list[float]]:
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        return [coords]
    rings = coords if kind == "Polygon" else [r for p in coords for r in p]
    for ring in rings:
        assert len(ring) >= 4 and ring[0] == ring[-1], "RFC 7946 3.1.6: a ring is closed, at least 4 positions"
    return [p for ring in rings for p in ring]


def layer(api: Any, name: str, role: str = "duty_officer", enterprise_id: str | None = None) -> dict[str, Any]:
    r = api.get(f"/map/{name}.geojson", role=role, enterprise_id=enterprise_id)
    assert r.status_code == 200, r.json
    assert r.headers["Content-Type"] == "application/geo+json"
    body = r.json
    LAYER_MODELS[name].model_validate(body)  # the OpenAPI's own models accept it
    for f in body["features"]:
        assert isinstance(f["id"], str) and f["properties"]["name"]
        for lon, lat in positions(f["geometry"]):  # other tests' parks lie elsewhere: order is checked per test
            assert -180 <= lon <= 180 and -90 <= lat <= 90, (lon, lat)
    return body


def ids(collection: dict[str, Any]) -> set[str]:
    return {f["id"] for f in collection["features"]}


def world(api: Any) -> tuple[Any, Any, str]:
    """Two enterprises, a park zone and camera, and a zone, camera and resource of each."""
    a, b = make_park(api), make_park(api)
    park_zone = api.post(
        "/zones",
        role="park_admin",
        json={"name": "公共管廊区", "center": {"lat": 31.95, "lon": 120.9}, "radius_m": 300},
    ).json["id"]
    for p in (a, b):
        r = api.post(
            "/zones",
            role="park_admin",
            json={
                "name": "罐区",
                "enterprise_id": p.enterprise_id,
                "center": {"lat": 31.951, "lon": 120.905},
                "radius_m": 80,
            },
        )
        assert r.status_code == 201, r.json
        r = api.post(
            "/resources",
            role="park_admin",
            json={
                "name": "企业应急救援队",
                "kind": "team",
                "details": {"members": 10, "specialties": ["危化品堵漏"]},
                "enterprise_id": p.enterprise_id,
                "location": {"lat": 31.952, "lon": 120.906},
            },
        )
        assert r.status_code == 201, r.json
    return a, b, park_zone


def test_layer_list_names_every_layer_with_a_url(api):
    r = api.get("/map/layers", role="enterprise_manager", enterprise_id="ent_x")
    assert r.status_code == 200
    listed = {x["id"]: x for x in r.json["layers"]}
    assert set(listed) >= {*LAYER_MODELS, "work-permits", "vehicles"}
    assert listed["work-permits"]["url"] == "/map/work-permits.geojson" and listed["alarms"]["title"] == "实时报警"


def test_boundary_put_by_park_admin_then_drawn_for_every_role(api):
    assert api.put("/park/boundary", role="duty_officer", json=BOUNDARY).status_code == 403
    open_ring = {"type": "Polygon", "coordinates": [BOUNDARY["coordinates"][0][:-1]]}
    bad = api.put("/park/boundary", role="park_admin", json=open_ring)
    assert bad.status_code == 422 and "闭合" in str(bad.json["details"])
    swapped = {"type": "Polygon", "coordinates": [[[lat, lon] for lon, lat in BOUNDARY["coordinates"][0]]]}
    assert (
        api.put("/park/boundary", role="park_admin", json={**swapped, "coordinates": [[[200, 31]] * 4]}).status_code
        == 422
    )
    r = api.put("/park/boundary", role="park_admin", json=BOUNDARY)
    assert r.status_code == 200, r.json
    assert r.json["updated_at"].endswith("Z") or "+" in r.json["updated_at"]
    body = layer(api, "boundary", role="enterprise_manager", enterprise_id="ent_other")
    (feature,) = body["features"]
    assert feature["geometry"] == BOUNDARY and feature["properties"]["kind"] == "boundary"
    assert feature["properties"]["park_id"] == "park"
    assert api.get("/park", role="park_admin").status_code in (200, 404)  # the park record is not touched


def test_zones_cameras_resources_are_the_park_s_and_the_caller_s_own(api):
    a, b, park_zone = world(api)
    zones = layer(api, "zones", role="enterprise_manager", enterprise_id=a.enterprise_id)
    owners = {f["properties"]["enterprise_id"] for f in zones["features"]}
    assert owners <= {None, a.enterprise_id} and a.enterprise_id in owners
    assert park_zone in ids(zones)
    z = next(f for f in zones["features"] if f["id"] == park_zone)
    assert z["geometry"]["type"] == "Polygon" and z["properties"]["kind_of_zone"] == "park"
    for lon, lat in positions(z["geometry"]):  # a 300 m circle around 120.9 E, 31.95 N, in [lon, lat] order
        assert abs(lon - 120.9) < 0.004 and abs(lat - 31.95) < 0.003, (lon, lat)
    assert z["properties"]["access_level"] in ("public", "restricted", "controlled")
    everyone = layer(api, "zones", role="duty_officer")
    assert {a.enterprise_id, b.enterprise_id} <= {f["properties"]["enterprise_id"] for f in everyone["features"]}
    res = layer(api, "resources", role="enterprise_manager", enterprise_id=b.enterprise_id)
    assert {f["properties"]["enterprise_id"] for f in res["features"]} <= {None, b.enterprise_id}
    assert all(f["properties"]["kind"] == "resource" for f in res["features"])
    # the old route keeps its shape: `kind` is the resource's kind there
    old = api.get("/resources/geojson", role="enterprise_manager", enterprise_id=b.enterprise_id).json
    assert {f["id"] for f in old["features"]} == ids(res)
    assert {f["properties"]["kind"] for f in old["features"]} == {
        f["properties"]["resource_type"] for f in res["features"]
    }


def test_cameras_layer_scoped_with_gb28181_ids(api):
    a, b = make_park(api), make_park(api)
    cams = {}
    for n, p in enumerate((a, b)):
        cam_id = f"3402000000132{now() % 1_000_000:06d}{n}"  # GB/T 28181: type 132 (camera) at digits 11-13
        r = api.post(
            "/cameras",
            role="park_admin",
            json={
                "id": cam_id,
                "enterprise_id": p.enterprise_id,
                "name": "罐区球机",
                "location": {"lat": 31.9513, "lon": 120.905},
            },
        )
        assert r.status_code == 201, r.json
        cams[p.enterprise_id] = cam_id
    seen = layer(api, "cameras", role="enterprise_manager", enterprise_id=a.enterprise_id)
    assert cams[a.enterprise_id] in ids(seen) and cams[b.enterprise_id] not in ids(seen)
    f = next(f for f in seen["features"] if f["id"] == cams[a.enterprise_id])
    assert f["geometry"]["coordinates"] == [120.905, 31.9513]  # [lon, lat]
    assert f["properties"]["gb28181_id"] == cams[a.enterprise_id]


def test_an_hh_alarm_colours_the_installation_sets_the_sensor_state_and_appears_on_the_alarm_layer(api):
    a, b = make_park(api), make_park(api)
    before = layer(api, "installations", role="enterprise_manager", enterprise_id=a.enterprise_id)
    assert ids(before) == {a.installation_id}
    assert before["features"][0]["properties"]["risk_colour"] == "blue"
    t = now()
    telemetry.ingest(batch(message(a.enterprise_id, [(a.tag, t - 2000, 0.2)])))
    telemetry.ingest(batch(message(a.enterprise_id, [(a.tag, t - 1000, 2.6)])))
    inst = layer(api, "installations", role="duty_officer")
    colour = {f["id"]: f["properties"]["risk_colour"] for f in inst["features"]}
    assert colour[a.installation_id] == "orange" and colour[b.installation_id] == "blue"
    sensors = layer(api, "sensors", role="enterprise_manager", enterprise_id=a.enterprise_id)
    state = {f["id"]: f["properties"] for f in sensors["features"]}
    assert set(state) == {a.tag, a.temp_tag}
    assert state[a.tag]["state"] == "alarm" and state[a.tag]["value"] == 2.6 and state[a.tag]["unit"] == "ppm"
    assert state[a.temp_tag]["state"] == "normal"
    assert sensors["features"][0]["geometry"]["coordinates"] == [120.9052, 31.9512]
    alarms_a = layer(api, "alarms", role="enterprise_manager", enterprise_id=a.enterprise_id)
    mine = [f for f in alarms_a["features"] if f["properties"]["installation_id"] == a.installation_id]
    assert {f["properties"]["condition"] for f in mine} == {"H", "HH"}
    assert all(
        f["properties"]["source"] == "reading" and f["geometry"]["coordinates"] == [120.9052, 31.9512] for f in mine
    )
    assert all(f["properties"]["enterprise_id"] == a.enterprise_id for f in alarms_a["features"])
    alarms_b = layer(api, "alarms", role="enterprise_manager", enterprise_id=b.enterprise_id)
    assert not ids(alarms_b) & ids(alarms_a)
    assert ids(alarms_a) <= ids(layer(api, "alarms", role="duty_officer"))


def test_openapi_types_every_layer_as_geojson(api):
    doc = api.get("/openapi.json").json
    schemas = doc["components"]["schemas"]
    for path in ("/map/{layer}", "/map/incidents/{incident_id}/zones.geojson"):
        ok = doc["paths"][path]["get"]["responses"]["200"]["content"]
        assert list(ok) == ["application/geo+json"], path
    layer = doc["paths"]["/map/{layer}"]["get"]["responses"]["200"]["content"]["application/geo+json"]["schema"]
    named = {ref["$ref"].rsplit("/", 1)[-1] for ref in layer["anyOf"]}
    assert named == {m.__name__ for m in LAYER_MODELS.values()}
    for name in named:
        assert {"type", "features"} <= set(schemas[name]["properties"]), name
    zones = doc["paths"]["/map/incidents/{incident_id}/zones.geojson"]["get"]["responses"]["200"]["content"]
    assert zones["application/geo+json"]["schema"]["$ref"].endswith("/IncidentZoneLayer")


def test_an_unknown_layer_is_not_found(api):
    assert api.get("/map/nothing.geojson", role="duty_officer").status_code == 404
    assert api.get("/map/alarms", role="duty_officer").status_code == 404


def test_the_owners_point_layers_are_geojson_too(api):
    """The layers other contexts serve themselves: same media type, valid against their OpenAPI model."""
    from chalicelib.core.geojson_models import PointLayer

    for path in ("/resources/geojson", "/map/work-permits.geojson", "/map/vehicles.geojson"):
        r = api.get(path, role="duty_officer")
        assert r.status_code == 200, (path, r.json)
        assert r.headers["Content-Type"] == "application/geo+json", path
        PointLayer.model_validate(r.json)
