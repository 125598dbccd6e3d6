"""Linkage rules and actuators through the API: CRUD, validation, level/type/scope matching, tenancy."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from chalicelib.core import clock
from chalicelib.linkage import service
from tests.integration.linkage_support import make_site

_n = itertools.count()


def incident() -> str:
    return f"inc_rules_{next(_n)}_{clock.now_ms()}"


@pytest.fixture
def site(api: Any) -> Any:
    return make_site(api, base_lat=30.0)


def test_level_type_and_scope_decide_which_rules_match(api: Any, site: Any) -> None:
    body = {
        "name": "单元火灾联动",
        "event_type": "fire",
        "min_level": "II",
        "scope": {"kind": "installation", "installation_id": site.park.installation_id, "radius_m": 300},
        "actions": [{"kind": "exit_open"}],
    }
    r = api.post("/linkage/rules", role="commander", json=body)
    assert r.status_code == 201, r.json
    assert r.json["min_level"] == "orange" and r.json["enterprise_id"] == site.park.enterprise_id
    fire = {"type": "fire", "installation_id": site.park.installation_id}
    assert [x.id for x in service.trigger(site.event(incident(), **fire)).rules] == [r.json["id"]]
    assert service.trigger(site.event(incident(), **fire, level="yellow")).rules == ()
    assert service.trigger(site.event(incident(), type="fire", installation_id="ins_other")).rules == ()
    assert api.delete(f"/linkage/rules/{r.json['id']}", role="commander").status_code == 204


def test_rules_crud_validation_and_scoping(api: Any, site: Any) -> None:
    other = make_site(api)
    listed = api.get("/linkage/rules", role="park_admin").json["items"]
    builtin = next(r for r in listed if r["id"] == "leak_default")
    assert builtin["builtin"] and [a["kind"] for a in builtin["actions"]][:3] == ["ptz_track", "door_lock", "exit_open"]

    mine = {
        "name": "企业泄漏联动",
        "event_type": "poisoning",
        "min_level": "blue",
        "scope": {"kind": "enterprise", "enterprise_id": other.park.enterprise_id},
        "actions": [{"kind": "ventilation", "mode": "exhaust", "radius_m": 200}, {"kind": "screen_highlight"}],
    }
    assert (
        api.post(
            "/linkage/rules", role="enterprise_manager", enterprise_id=other.park.enterprise_id, json=mine
        ).status_code
        == 403
    )
    created = api.post("/linkage/rules", role="park_admin", json=mine)
    assert created.status_code == 201, created.json
    rid = created.json["id"]
    bad = [
        ({**mine, "scope": {"kind": "enterprise"}}, "body.scope"),
        ({**mine, "actions": [{"kind": "ventilation"}]}, "body.actions.0.ventilation.mode"),
        ({**mine, "actions": [{"kind": "self_destruct"}]}, "body.actions.0"),
        ({**mine, "min_level": "V"}, "body.min_level"),
        ({**mine, "scope": {"kind": "enterprise", "enterprise_id": "ent_missing"}}, "body.scope.enterprise_id"),
    ]
    for payload, field in bad:
        r = api.post("/linkage/rules", role="park_admin", json=payload)
        assert r.status_code == 422, (field, r.json)
        assert any(e["field"].startswith(field) for e in r.json["details"]["errors"]), (field, r.json)

    as_other = api.get("/linkage/rules", role="enterprise_manager", enterprise_id=other.park.enterprise_id).json
    as_site = api.get("/linkage/rules", role="enterprise_manager", enterprise_id=site.park.enterprise_id).json
    assert {"leak_default", rid} <= {r["id"] for r in as_other["items"]}
    assert rid not in {r["id"] for r in as_site["items"]} and "leak_default" in {r["id"] for r in as_site["items"]}
    assert (
        api.get(f"/linkage/rules/{rid}", role="enterprise_manager", enterprise_id=site.park.enterprise_id).status_code
        == 404
    )
    named = api.get(
        f"/linkage/rules?enterprise_id={other.park.enterprise_id}",
        role="enterprise_manager",
        enterprise_id=site.park.enterprise_id,
    )
    assert named.status_code == 403

    assert api.put(f"/linkage/rules/{rid}", role="commander", json={**mine, "enabled": False}).json["enabled"] is False
    r = api.delete("/linkage/rules/leak_default", role="park_admin")
    assert r.status_code == 409 and r.json["code"] == "LINKAGE_RULE_BUILTIN"
    assert api.delete(f"/linkage/rules/{rid}", role="park_admin").status_code == 204
    assert api.get(f"/linkage/rules/{rid}", role="park_admin").status_code == 404


def test_devices_crud_reuses_registry_ptz_cameras_and_stays_in_the_enterprise(api: Any, site: Any) -> None:
    other = make_site(api)
    eid, d = site.park.enterprise_id, site.devices
    door = {"enterprise_id": eid, "kind": "door", "name": "东门", "location": {"lat": site.lat, "lon": site.lon}}
    r = api.post("/linkage/devices", role="enterprise_manager", enterprise_id=eid, json=door)
    assert r.status_code == 201 and r.json["source"] == "linkage"
    own = r.json["id"]
    cases = [
        ({**door, "enterprise_id": other.park.enterprise_id}, 403),
        ({k: v for k, v in door.items() if k != "enterprise_id"}, 403),  # a park device is not an enterprise's
        ({**door, "kind": "ptz_camera"}, 422),
        ({**door, "installation_id": other.park.installation_id}, 422),
        ({**door, "id": "bad/topic"}, 422),
    ]
    for payload, status in cases:
        got = api.post("/linkage/devices", role="enterprise_manager", enterprise_id=eid, json=payload)
        assert got.status_code == status, (payload, got.json)

    listed = api.get("/linkage/devices", role="enterprise_manager", enterprise_id=eid).json["items"]
    ids = {i["id"] for i in listed}
    assert {own, d["door_near"], d["ptz"]} <= ids and d["fixed_cam"] not in ids
    assert not ids & set(other.devices.values())
    ptz = api.get(f"/linkage/devices/{d['ptz']}", role="duty_officer").json
    assert ptz["kind"] == "ptz_camera" and ptz["source"] == "registry"
    assert api.put(f"/linkage/devices/{d['ptz']}", role="park_admin", json=door).status_code == 409
    assert (
        api.get(
            f"/linkage/devices/{other.devices['door_near']}", role="enterprise_manager", enterprise_id=eid
        ).status_code
        == 404
    )
    assert (
        api.delete(
            f"/linkage/devices/{other.devices['door_near']}", role="enterprise_manager", enterprise_id=eid
        ).status_code
        == 404
    )
    r = api.put(f"/linkage/devices/{own}", role="enterprise_manager", enterprise_id=eid, json={**door, "name": "东门2"})
    assert r.status_code == 200 and r.json["name"] == "东门2"
    assert api.delete(f"/linkage/devices/{own}", role="enterprise_manager", enterprise_id=eid).status_code == 204
    assert api.get(f"/linkage/devices/{own}", role="park_admin").status_code == 404
    commands = api.get("/linkage/commands", role="enterprise_manager", enterprise_id=other.park.enterprise_id)
    assert commands.status_code == 200 and all(
        c["enterprise_id"] == other.park.enterprise_id for c in commands.json["items"]
    )
