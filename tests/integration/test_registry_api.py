"""Registry through the API: GB 18218 grading, GB/T 50493 defaults, GB/T 28181 ids, tenancy, validation."""

from __future__ import annotations

import pytest


@pytest.fixture
def enterprise(api):
    def make(name: str = "示例化工") -> str:
        r = api.post("/enterprises", role="park_admin", json={"name": name, "location": {"lat": 31.95, "lon": 120.9}})
        assert r.status_code == 201, r.json
        return r.json["id"]

    return make


def installation_body(enterprise_id: str, inventory: list[dict], people: int = 60) -> dict:
    return {
        "enterprise_id": enterprise_id,
        "name": "储罐区",
        "unit_type": "storage",
        "exposed_people": people,
        "location": {"lat": 31.951, "lon": 120.905},
        "inventory": inventory,
    }


def test_so2_200t_with_60_people_is_r30_grade3(api, enterprise):
    eid = enterprise()
    r = api.post(
        "/installations",
        role="park_admin",
        json=installation_body(eid, [{"chemical": "二氧化硫", "quantity_t": 200}], people=60),
    )
    assert r.status_code == 201, r.json
    body = r.json
    assert body["r_value"] == 30
    assert body["grade"] == 3
    assert body["major_hazard"] is True
    line = body["inventory"][0]
    assert line["q_t"] == 20 and line["beta"] == 2
    assert "表1" in line["q_source"] and "表3" in line["beta_source"]


def test_chlorine_and_ammonia_give_s9_r39(api, enterprise):
    eid = enterprise()
    r = api.post(
        "/installations",
        role="enterprise_manager",
        enterprise_id=eid,
        json=installation_body(eid, [{"chemical": "氯", "quantity_t": 20}, {"cas": "7664-41-7", "quantity_t": 50}]),
    )
    assert r.status_code == 201, r.json
    assert r.json["s_value"] == 9
    assert r.json["r_value"] == 39
    assert r.json["grade"] == 3


def test_small_inventory_is_not_a_major_hazard(api, enterprise):
    eid = enterprise()
    r = api.post(
        "/installations", role="park_admin", json=installation_body(eid, [{"chemical": "氯", "quantity_t": 1}])
    )
    assert r.status_code == 201
    assert r.json["major_hazard"] is False and r.json["grade"] is None


def test_unknown_chemical_is_422_naming_the_field(api, enterprise):
    eid = enterprise()
    r = api.post(
        "/installations",
        role="park_admin",
        json=installation_body(eid, [{"chemical": "不存在的化学品", "quantity_t": 5}]),
    )
    assert r.status_code == 422
    assert "inventory" in str(r.json["details"])


def test_negative_quantity_is_422_naming_the_field(api, enterprise):
    eid = enterprise()
    r = api.post(
        "/installations", role="park_admin", json=installation_body(eid, [{"chemical": "氯", "quantity_t": -1}])
    )
    assert r.status_code == 422
    assert r.json["details"]["errors"][0]["field"] == "body.inventory.0.quantity_t"


def test_enterprise_manager_cannot_create_in_another_enterprise(api, enterprise):
    mine, theirs = enterprise("A"), enterprise("B")
    r = api.post(
        "/installations",
        role="enterprise_manager",
        enterprise_id=mine,
        json=installation_body(theirs, [{"chemical": "氯", "quantity_t": 20}]),
    )
    assert r.status_code == 403 and r.json["code"] == "ENTERPRISE_SCOPE"


def test_enterprise_manager_sees_only_own_installations(api, enterprise):
    a, b = enterprise("A"), enterprise("B")
    ia = api.post(
        "/installations", role="park_admin", json=installation_body(a, [{"chemical": "氯", "quantity_t": 20}])
    ).json
    ib = api.post(
        "/installations", role="park_admin", json=installation_body(b, [{"chemical": "氯", "quantity_t": 20}])
    ).json
    assert api.get(f"/installations/{ib['id']}", role="enterprise_manager", enterprise_id=a).status_code == 404
    assert api.get(f"/installations/{ia['id']}", role="enterprise_manager", enterprise_id=a).status_code == 200
    listed = api.get("/installations", role="enterprise_manager", enterprise_id=a).json["items"]
    assert {i["enterprise_id"] for i in listed} == {a}
    assert api.get(f"/installations?enterprise_id={b}", role="enterprise_manager", enterprise_id=a).status_code == 403


def test_gas_sensor_gets_gbt50493_defaults(api, enterprise):
    eid = enterprise()
    r = api.post(
        "/sensors",
        role="park_admin",
        json={
            "enterprise_id": eid,
            "name": "可燃气体探测器",
            "kind": "combustible",
            "unit": "%LEL",
            "location": {"lat": 31.95, "lon": 120.9},
        },
    )
    assert r.status_code == 201, r.json
    assert r.json["limits"]["h"] == 25 and r.json["limits"]["hh"] == 50
    assert "50493" in r.json["limits_source"]


def test_limits_out_of_order_are_422(api, enterprise):
    eid = enterprise()
    r = api.post(
        "/sensors",
        role="park_admin",
        json={
            "enterprise_id": eid,
            "name": "压力",
            "kind": "pressure",
            "unit": "MPa",
            "location": {"lat": 31.95, "lon": 120.9},
            "limits": {"h": 2.0, "hh": 1.5},
        },
    )
    assert r.status_code == 422 and r.json["code"] == "INVALID_LIMITS"


def test_unit_must_fit_the_kind(api, enterprise):
    eid = enterprise()
    r = api.post(
        "/sensors",
        role="park_admin",
        json={
            "enterprise_id": eid,
            "name": "温度",
            "kind": "temperature",
            "unit": "ppm",
            "location": {"lat": 31.95, "lon": 120.9},
        },
    )
    assert r.status_code == 422 and r.json["code"] == "UNIT_MISMATCH"


def test_camera_needs_a_valid_gb28181_id(api, enterprise):
    eid = enterprise()
    good = api.post(
        "/cameras",
        role="park_admin",
        json={
            "id": "34020000001320000077",
            "enterprise_id": eid,
            "name": "球机",
            "location": {"lat": 31.95, "lon": 120.9},
        },
    )
    assert good.status_code == 201, good.json
    bad = api.post(
        "/cameras",
        role="park_admin",
        json={"id": "3402000000132000", "enterprise_id": eid, "name": "球机", "location": {"lat": 31.95, "lon": 120.9}},
    )
    assert bad.status_code == 422 and bad.json["code"] == "INVALID_GB28181_ID"


def test_duplicate_tag_id_is_409_and_keeps_the_original(api, enterprise):
    eid = enterprise()
    body = {
        "id": f"{eid}-PT-1",
        "enterprise_id": eid,
        "name": "压力",
        "kind": "pressure",
        "unit": "MPa",
        "location": {"lat": 31.95, "lon": 120.9},
        "limits": {"h": 1.0},
    }
    assert api.post("/sensors", role="park_admin", json=body).status_code == 201
    again = api.post("/sensors", role="park_admin", json={**body, "name": "重复"})
    assert again.status_code == 409
    assert api.get(f"/sensors/{eid}-PT-1", role="park_admin").json["name"] == "压力"


def test_installation_with_sensors_cannot_be_deleted(api, enterprise):
    eid = enterprise()
    inst = api.post(
        "/installations", role="park_admin", json=installation_body(eid, [{"chemical": "氯", "quantity_t": 20}])
    ).json
    api.post(
        "/sensors",
        role="park_admin",
        json={
            "enterprise_id": eid,
            "installation_id": inst["id"],
            "name": "氯气",
            "kind": "toxic",
            "unit": "ppm",
            "gas": "氯",
            "location": {"lat": 31.95, "lon": 120.9},
        },
    )
    r = api.delete(f"/installations/{inst['id']}", role="park_admin")
    assert r.status_code == 409 and r.json["code"] == "IN_USE"
    assert api.get(f"/installations/{inst['id']}", role="park_admin").status_code == 200


def test_writes_are_audited(api, enterprise):
    eid = enterprise()
    r = api.get(f"/audit/records?target={eid}", role="auditor")
    assert r.status_code == 200
    actions = [i["action"] for i in r.json["items"]]
    assert "registry.create_enterprise" in actions
