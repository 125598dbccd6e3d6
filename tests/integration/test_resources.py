"""Emergency resources through the API (5.2.1): CRUD, validation, tenancy, GeoJSON, nearest, supply reminders."""

from __future__ import annotations

import itertools

import orjson
import pytest

from chalicelib.core.identity import SYSTEM
from chalicelib.resources import service as resources

_spot = itertools.count()


def spot() -> tuple[float, float]:
    """A place of its own for each test (far from the demo park), so shared tables do not interfere."""
    i = next(_spot)
    return 20.0 + i * 0.5, 100.0 + i * 0.5


@pytest.fixture
def enterprise(api):
    def make() -> str:
        r = api.post(
            "/enterprises", role="park_admin", json={"name": "应急企业", "location": {"lat": 31.95, "lon": 120.9}}
        )
        assert r.status_code == 201, r.json
        return r.json["id"]

    return make


def body(kind: str = "team", at: tuple[float, float] = (31.95, 120.9), **kw) -> dict:
    details = {
        "team": {"members": 10, "specialties": ["危化品堵漏"]},
        "supply": {"quantity": 20, "unit": "个", "production_date": "2025-01-01", "shelf_life_days": 730},
        "shelter": {"capacity": 500, "occupancy": 20},
        "vehicle": {"plate": "苏E12345", "vehicle_type": "消防车"},
        "medical_point": {"beds": 4, "services": ["急救", "洗消"]},
    }[kind]
    return {
        "kind": kind,
        "name": f"{kind}-{next(_spot)}",
        "location": {"lat": at[0], "lon": at[1]},
        "contact": {"name": "张队长", "phone": "13800000021"},
        "details": details,
        **kw,
    }


def create(api, role="park_admin", **kw) -> dict:
    r = api.post("/resources", role=role, json=body(**kw))
    assert r.status_code == 201, r.json
    return r.json


def test_crud_with_history_and_derived_expiry(api):
    made = create(api, kind="supply")
    assert made["owner"] == "park" and made["enterprise_id"] is None and made["status"] == "available"
    assert made["details"]["expiry_date"] == "2027-01-01"  # 2025-01-01 + 730 days
    rid = made["id"]
    assert api.get(f"/resources/{rid}", role="inspector").json["name"] == made["name"]
    changed = body(kind="supply", name="活性炭", status="maintenance")
    r = api.put(f"/resources/{rid}", role="commander", json=changed)
    assert r.status_code == 200 and r.json["name"] == "活性炭" and r.json["status"] == "maintenance"
    listed = api.get("/resources?kind=supply&status=maintenance&limit=200", role="analyst").json["items"]
    assert rid in {i["id"] for i in listed}
    history = api.get(f"/resources/{rid}/history", role="auditor").json["items"]
    assert [h["action"] for h in history] == ["created", "replaced"]
    assert history[1]["actor"] == "user-commander" and history[1]["status"] == "maintenance"
    assert api.delete(f"/resources/{rid}", role="park_admin").status_code == 204
    assert api.get(f"/resources/{rid}", role="park_admin").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"details": {"unit": "个"}}, "body.details.quantity"),
        ({"kind": "shelter", "details": {"capacity": 10, "occupancy": 11}}, "body.details"),
        ({"kind": "team", "details": {"members": 0}}, "body.details.members"),
        ({"details": {"quantity": 1, "unit": "个", "colour": "红"}}, "body.details.colour"),
        ({"location": {"lat": 95, "lon": 120}}, "body.location.lat"),
        ({"status": "lost"}, "body.status"),
        ({"contact": {"name": "张", "phone": "abc"}}, "body.contact.phone"),
        ({"details": {"quantity": 1, "unit": "个", "shelf_life_days": 30}}, "body.details"),
        (
            {
                "details": {
                    "quantity": 1,
                    "unit": "个",
                    "production_date": "2025-01-01",
                    "shelf_life_days": 30,
                    "expiry_date": "2025-03-01",
                }
            },
            "body.details.expiry_date",
        ),
    ],
)
def test_invalid_resources_are_422_naming_the_field(api, change, field):
    r = api.post("/resources", role="park_admin", json={**body(kind="supply"), **change})
    assert r.status_code == 422, r.json
    assert field in [e["field"] for e in r.json["details"]["errors"]]


def test_owner_and_kind_cannot_change(api, enterprise):
    made = create(api, kind="team")
    r = api.put(f"/resources/{made['id']}", role="park_admin", json=body(kind="vehicle"))
    assert r.status_code == 422 and r.json["details"]["errors"][0]["field"] == "body.kind"
    r = api.put(f"/resources/{made['id']}", role="park_admin", json=body(kind="team", enterprise_id=enterprise()))
    assert r.status_code == 422 and r.json["details"]["errors"][0]["field"] == "body.enterprise_id"


def test_enterprise_users_see_park_and_own_resources_only(api, enterprise):
    a, b = enterprise(), enterprise()
    park = create(api, kind="shelter")
    own = api.post("/resources", role="enterprise_manager", enterprise_id=a, json=body(enterprise_id=a)).json
    theirs = create(api, kind="vehicle", enterprise_id=b)
    as_a = {"role": "enterprise_manager", "enterprise_id": a}
    listed = {i["id"] for i in api.get("/resources?limit=200", **as_a).json["items"]}
    assert {park["id"], own["id"]} <= listed and theirs["id"] not in listed
    geo = api.get("/resources/geojson", **as_a).json
    assert theirs["id"] not in {f["id"] for f in geo["features"]}
    near = api.get("/resources/nearest?lat=31.95&lon=120.9&n=100", **as_a).json["items"]
    assert theirs["id"] not in {i["id"] for i in near}
    assert api.get(f"/resources/{theirs['id']}", **as_a).status_code == 404
    assert api.put(f"/resources/{theirs['id']}", json=body(kind="vehicle", enterprise_id=b), **as_a).status_code == 404
    assert api.delete(f"/resources/{theirs['id']}", **as_a).status_code == 404
    assert api.get(f"/resources?enterprise_id={b}", **as_a).json["code"] == "ENTERPRISE_SCOPE"
    assert api.post("/resources", json=body(enterprise_id=b), **as_a).json["code"] == "ENTERPRISE_SCOPE"
    # Park resources: readable, never writable by an enterprise user.
    assert api.get(f"/resources/{park['id']}", **as_a).status_code == 200
    r = api.put(f"/resources/{park['id']}", json=body(kind="shelter"), **as_a)
    assert r.status_code == 403 and r.json["code"] == "PARK_RESOURCE_READ_ONLY"
    assert api.delete(f"/resources/{park['id']}", **as_a).json["code"] == "PARK_RESOURCE_READ_ONLY"
    assert api.post("/resources", json=body(), **as_a).json["code"] == "PARK_RESOURCE_READ_ONLY"
    assert api.post("/resources", role="inspector", json=body()).status_code == 403


def test_geojson_is_a_feature_collection_with_filters(api):
    at = spot()
    team = create(api, kind="team", at=at)
    busy = create(api, kind="vehicle", at=at, status="deployed")
    fc = api.get("/resources/geojson?kind=vehicle&status=deployed", role="duty_officer").json
    assert fc["type"] == "FeatureCollection"
    ids = {f["id"] for f in fc["features"]}
    assert busy["id"] in ids and team["id"] not in ids
    feature = next(f for f in fc["features"] if f["id"] == busy["id"])
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [at[1], at[0]]}
    props = feature["properties"]
    assert props["kind"] == "vehicle" and props["status_label"] == "已调派" and props["details"]["plate"] == "苏E12345"
    assert all(f["properties"]["kind"] == "vehicle" for f in fc["features"])


def test_nearest_is_distance_sorted_and_honours_radius_and_kind(api):
    lat, lon = spot()
    far = create(api, kind="team", at=(lat + 0.05, lon))  # about 5.6 km north
    mid = create(api, kind="medical_point", at=(lat + 0.01, lon))  # about 1.1 km
    near = create(api, kind="team", at=(lat + 0.001, lon))  # about 111 m
    got = api.get(f"/resources/nearest?lat={lat}&lon={lon}&n=3", role="commander").json["items"]
    assert [i["id"] for i in got] == [near["id"], mid["id"], far["id"]]
    assert got[0]["distance_m"] == pytest.approx(111.2, abs=1)
    within = api.get(f"/resources/nearest?lat={lat}&lon={lon}&n=10&within_m=2000", role="commander").json["items"]
    assert [i["id"] for i in within] == [near["id"], mid["id"]]
    teams = api.get(f"/resources/nearest?lat={lat}&lon={lon}&n=2&kind=team,vehicle", role="commander").json["items"]
    assert [i["id"] for i in teams] == [near["id"], far["id"]]
    assert [r.id for r in resources.nearest(lat, lon, n=1)] == [near["id"]]  # the service other contexts call


@pytest.mark.parametrize(
    ("query", "field"), [("lat=30", "query"), ("lat=1&lon=2&kind=boat", "query.kind"), ("n=0", "query.n")]
)
def test_nearest_validation(api, query, field):
    r = api.get(f"/resources/nearest?{query}", role="commander")
    assert r.status_code == 422 and r.json["details"]["errors"][0]["field"] == field


def test_dispatch_for_an_incident_is_recorded_and_guarded(api):
    made = create(api, kind="vehicle", at=spot())
    out = resources.set_status(made["id"], "deployed", "inc_1")
    assert out.status == "deployed" and out.incident_id == "inc_1"
    assert resources.set_status(made["id"], "deployed", "inc_1").status == "deployed"  # idempotent
    with pytest.raises(Exception) as exc:
        resources.set_status(made["id"], "deployed", "inc_2")
    assert exc.value.code == "RESOURCE_DEPLOYED_ELSEWHERE"
    assert api.delete(f"/resources/{made['id']}", role="park_admin").json["code"] == "STATE_CONFLICT"
    resources.set_status(made["id"], "available", "inc_1")
    history = api.get(f"/resources/{made['id']}/history", role="park_admin").json["items"]
    statuses = [h for h in history if h["action"] == "status"]
    assert [(h["actor"], h["status"]) for h in statuses] == [
        ("incident:inc_1", "deployed"),
        ("incident:inc_1", "available"),
    ]
    fixing = create(api, kind="team", at=spot(), status="maintenance")
    with pytest.raises(Exception) as exc:
        resources.set_status(fixing["id"], "deployed", "inc_3")
    assert exc.value.code == "RESOURCE_NOT_AVAILABLE"


@pytest.mark.parametrize("kind", ["team", "supply", "vehicle"])
def test_the_view_other_contexts_read_gives_the_resource_json_unchanged(api, kind):
    """The situation picture and the screen highlight store `public()`: it must be the old dict, key for key."""
    lat, lon = spot()
    made = create(api, kind=kind, at=(lat, lon), note="仓库东侧")
    (view,) = resources.nearest(lat, lon, n=1)
    assert view.id == made["id"] and view.location.lat == lat and view.contact is not None
    old = {**resources.get(made["id"], SYSTEM), "distance_m": 0.0}
    assert orjson.dumps(view.public()) == orjson.dumps(old)  # same keys, order and values
    moved = resources.set_status(made["id"], "deployed", "inc_view")
    assert moved.public() == resources.get(made["id"], SYSTEM) and moved.distance_m is None
