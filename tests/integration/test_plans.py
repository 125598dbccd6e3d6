"""Digital plans via the API (5.2.2-2): versions, retirement, tenancy, selection, alarm context plans/resources."""

from __future__ import annotations

import orjson
import pytest

from chalicelib.plans import domain
from chalicelib.plans import service as plans
from chalicelib.registry import store as registry_store
from chalicelib.telemetry import caches
from chalicelib.telemetry import service as telemetry
from tests.support import batch, make_park, message, now


def plan_body(**kw) -> dict:
    return {
        "name": "液氯泄漏专项预案",
        "accident_types": ["leak", "poisoning"],
        "levels": ["III", "IV"],
        "tasks": [
            {"title": "切断泄漏源", "responsible": "生产运行部", "due_minutes": 5},
            {"title": "疏散下风向人员", "responsible": "安全环保部", "due_minutes": 10, "description": "按疏散图"},
        ],
        "notifications": [
            {"name": "值班长", "role": "园区值班室", "phone": "13800000031", "min_level": "IV"},
            {"name": "应急局", "role": "市应急管理局", "phone": "13800000032", "min_level": "II"},
        ],
        "linkage_rules": ["leak_default"],
        "sections": [{"title": "总则", "body": "适用于液氯储罐区泄漏。"}],
        **kw,
    }


def create(api, role="park_admin", token_enterprise=None, **kw) -> dict:
    r = api.post("/plans", role=role, enterprise_id=token_enterprise, json=plan_body(**kw))
    assert r.status_code == 201, r.json
    return r.json


def test_create_revise_keeps_every_version(api):
    v1 = create(api)
    assert v1["version"] == 1 and v1["current_version"] == 1 and v1["status"] == "active" and v1["owner"] == "park"
    assert [(t["seq"], t["title"]) for t in v1["tasks"]] == [(1, "切断泄漏源"), (2, "疏散下风向人员")]
    pid = v1["plan_id"]
    r = api.put(f"/plans/{pid}", role="commander", json=plan_body(levels=["II", "III", "IV"], note="增加Ⅱ级响应"))
    assert r.status_code == 200, r.json
    assert r.json["version"] == 2 and r.json["note"] == "增加Ⅱ级响应" and r.json["revised_by"] == "user-commander"
    current = api.get(f"/plans/{pid}", role="inspector").json
    assert current["version"] == 2 and current["levels"] == ["II", "III", "IV"]
    old = api.get(f"/plans/{pid}?version=1", role="inspector").json
    assert old["version"] == 1 and old["levels"] == ["III", "IV"] and old["is_current"] is False
    history = api.get(f"/plans/{pid}/versions", role="auditor").json["items"]
    assert [(v["version"], v["is_current"]) for v in history] == [(1, False), (2, True)]
    assert api.get(f"/plans/{pid}?version=3", role="inspector").status_code == 404
    # found by the fuzzer: a version beyond 64 bits made the 404 itself fail to serialise (a 500); beyond 38 digits
    # it is no number DynamoDB can look up
    r = api.get(f"/plans/{pid}?version=85047917309207937332281344", role="inspector")
    assert (r.status_code, r.json["details"]["version"]) == (404, 85047917309207937332281344)
    r = api.get(f"/plans/{pid}?version={10**38}", role="inspector")
    assert (r.status_code, r.json["details"]["errors"][0]["field"]) == (422, "query.version"), r.json
    assert plans.get_plan(pid, 1)["levels"] == ["III", "IV"]  # the service other contexts call
    assert plans.get_plan(pid)["version"] == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"accident_types": []}, "body.accident_types"),
        ({"accident_types": ["flood"]}, "body.accident_types.0"),
        ({"levels": ["V"]}, "body.levels.0"),
        ({"tasks": [{"title": "x", "responsible": "y", "due_minutes": -1}]}, "body.tasks.0.due_minutes"),
        ({"notifications": [{"name": "x", "role": "y", "phone": "12"}]}, "body.notifications.0.phone"),
        ({"installation_ids": ["ins_x"]}, "body"),  # installations need an enterprise
        ({"linkage_rules": ["bad rule!"]}, "body.linkage_rules"),
        ({"owner": "me"}, "body.owner"),
    ],
)
def test_invalid_plans_are_422_naming_the_field(api, change, field):
    r = api.post("/plans", role="park_admin", json=plan_body(**change))
    assert r.status_code == 422, r.json
    assert field in [e["field"] for e in r.json["details"]["errors"]]


def test_revision_needs_a_note_and_installations_must_be_the_enterprises(api):
    a, b = make_park(api), make_park(api)
    p = create(api, enterprise_id=a.enterprise_id, installation_ids=[a.installation_id])
    r = api.put(f"/plans/{p['plan_id']}", role="park_admin", json=plan_body(enterprise_id=a.enterprise_id))
    assert r.status_code == 422 and r.json["details"]["errors"][0]["field"] == "body.note"
    r = api.post(
        "/plans", role="park_admin", json=plan_body(enterprise_id=a.enterprise_id, installation_ids=[b.installation_id])
    )
    assert r.status_code == 422 and r.json["details"]["errors"][0]["field"] == "body.installation_ids.0"
    r = api.put(f"/plans/{p['plan_id']}", role="park_admin", json=plan_body(note="改为园区级"))
    assert r.status_code == 422 and r.json["details"]["errors"][0]["field"] == "body.enterprise_id"


def test_retired_plan_is_read_only_and_never_selected(api):
    park = make_park(api)
    p = create(api, accident_types=["explosion"], levels=["I"], enterprise_id=park.enterprise_id)
    selected = plans.select_plan("explosion", "I", park.enterprise_id, None)
    assert selected is not None and selected.plan_id == p["plan_id"] and selected.version == 1
    r = api.post(f"/plans/{p['plan_id']}/retire", role="park_admin", json={"reason": "装置拆除"})
    assert r.status_code == 200 and r.json["status"] == "retired" and r.json["retired_reason"] == "装置拆除"
    assert (
        api.post(f"/plans/{p['plan_id']}/retire", role="park_admin", json={"reason": "再次"}).json["code"]
        == "PLAN_RETIRED"
    )
    r = api.put(f"/plans/{p['plan_id']}", role="park_admin", json=plan_body(enterprise_id=park.enterprise_id, note="x"))
    assert r.status_code == 409 and r.json["code"] == "PLAN_RETIRED"
    after = plans.select_plan("explosion", "I", park.enterprise_id, None)
    assert after is None or after.plan_id != p["plan_id"]
    assert api.get(f"/plans/{p['plan_id']}", role="park_admin").json["status"] == "retired"  # still readable
    listed = api.get(f"/plans?enterprise_id={park.enterprise_id}&status=retired", role="park_admin").json["items"]
    assert [i["plan_id"] for i in listed] == [p["plan_id"]]
    assert api.get(f"/plans?enterprise_id={park.enterprise_id}", role="park_admin").json["items"] == []


def test_list_filters_by_type_and_level(api):
    park = make_park(api)
    leak = create(api, enterprise_id=park.enterprise_id)
    fire = create(api, accident_types=["fire"], levels=["I", "II"], enterprise_id=park.enterprise_id)
    base = f"/plans?enterprise_id={park.enterprise_id}"
    ids = lambda q: {i["plan_id"] for i in api.get(base + q, role="analyst").json["items"]}  # noqa: E731
    assert ids("") == {leak["plan_id"], fire["plan_id"]}
    assert ids("&accident_type=fire") == {fire["plan_id"]}
    assert ids("&level=IV") == {leak["plan_id"]}
    assert ids("&accident_type=fire&level=IV") == set()


def test_selection_prefers_installation_then_enterprise_then_park_then_newest(api):
    park = make_park(api)
    eid, iid = park.enterprise_id, park.installation_id
    inst = create(api, name="单元预案", enterprise_id=eid, installation_ids=[iid])  # oldest, most specific
    ent_old = create(api, name="企业预案（旧）", enterprise_id=eid)
    ent_new = create(api, name="企业预案（新）", enterprise_id=eid)
    park_plan = create(api, name="园区预案")  # newest, least specific
    q = "/plans/select?accident_type=leak&level=IV"
    got = api.get(f"{q}&installation_id={iid}", role="commander").json
    assert (got["plan_id"], got["specificity"]) == (inst["plan_id"], "installation")
    assert [n["name"] for n in got["notify"]] == ["值班长"]  # Ⅳ级: only those from Ⅳ up
    got = api.get(f"{q}&enterprise_id={eid}", role="commander").json
    assert (got["plan_id"], got["specificity"]) == (ent_new["plan_id"], "enterprise")
    got = api.get(q, role="commander").json
    assert (got["plan_id"], got["specificity"]) == (park_plan["plan_id"], "park")
    # Revising the older enterprise plan makes it the newest of its scope.
    api.put(f"/plans/{ent_old['plan_id']}", role="park_admin", json=plan_body(enterprise_id=eid, note="复审"))
    assert plans.select_plan("leak", "IV", eid, None).plan_id == ent_old["plan_id"]
    assert plans.select_plan("leak", "IV", eid, iid).plan_id == inst["plan_id"]
    # An enterprise user selects within its own scope without naming it.
    got = api.get(q, role="enterprise_manager", enterprise_id=eid).json
    assert got["plan_id"] == ent_old["plan_id"]


def test_the_selected_plan_view_gives_the_plan_json_unchanged(api):
    """An incident stores `select_plan(...).public()` whole: it must be the dict it stored before, key for key."""
    park = make_park(api)
    eid, iid = park.enterprise_id, park.installation_id
    made = create(api, name="单元预案", enterprise_id=eid, installation_ids=[iid])
    view = plans.select_plan("leak", "IV", eid, iid)
    assert view is not None and view.plan_id == made["plan_id"] and view.specificity == "installation"
    assert [t.seq for t in view.tasks] == [1, 2] and view.notifications[0].phone == "13800000031"
    old = domain.select([plans.get_plan(made["plan_id"])], "leak", "IV", eid, iid)
    assert old is not None and orjson.dumps(view.public()) == orjson.dumps(old)  # same keys, order and values


def test_select_answers_404_when_nothing_applies(api, fresh_stack):
    r = api.get("/plans/select?accident_type=explosion&level=I", role="commander")
    assert r.status_code == 404 and r.json["code"] == "NO_APPLICABLE_PLAN"
    assert plans.select_plan("explosion", "I", None, None) is None
    with pytest.raises(Exception) as exc:
        plans.select_plan("flood", "I", None, None)
    assert exc.value.code == "VALIDATION_FAILED"


def test_enterprise_users_see_park_and_own_plans_and_write_only_their_own(api):
    a, b = make_park(api), make_park(api)
    as_a = {"role": "enterprise_manager", "enterprise_id": a.enterprise_id}
    park_plan = create(api)
    own = create(api, role="enterprise_manager", token_enterprise=a.enterprise_id, enterprise_id=a.enterprise_id)
    theirs = create(api, enterprise_id=b.enterprise_id, installation_ids=[b.installation_id])
    listed = {i["plan_id"] for i in api.get("/plans?limit=200", **as_a).json["items"]}
    assert {park_plan["plan_id"], own["plan_id"]} <= listed and theirs["plan_id"] not in listed
    for path in (f"/plans/{theirs['plan_id']}", f"/plans/{theirs['plan_id']}/versions"):
        assert api.get(path, **as_a).status_code == 404
    body_b = plan_body(enterprise_id=b.enterprise_id, note="x")
    assert api.put(f"/plans/{theirs['plan_id']}", json=body_b, **as_a).status_code == 404
    assert api.post(f"/plans/{theirs['plan_id']}/retire", json={"reason": "x"}, **as_a).status_code == 404
    assert api.post("/plans", json=plan_body(enterprise_id=b.enterprise_id), **as_a).json["code"] == "ENTERPRISE_SCOPE"
    assert api.post("/plans", json=plan_body(), **as_a).json["code"] == "PARK_PLAN_READ_ONLY"
    assert (
        api.put(f"/plans/{park_plan['plan_id']}", json=plan_body(note="x"), **as_a).json["code"]
        == "PARK_PLAN_READ_ONLY"
    )
    assert api.get(f"/plans/{park_plan['plan_id']}", **as_a).status_code == 200
    assert api.get(f"/plans/select?enterprise_id={b.enterprise_id}", **as_a).status_code == 403
    assert api.get(f"/plans/select?installation_id={b.installation_id}", **as_a).status_code == 404
    assert api.post("/plans", role="duty_officer", json=plan_body()).status_code == 403


def resource(api, kind, lat, lon, enterprise_id=None) -> str:
    details = {
        "team": {"members": 8},
        "medical_point": {"beds": 2},
        "vehicle": {"plate": "苏E0001", "vehicle_type": "消防车"},
    }
    r = api.post(
        "/resources",
        role="park_admin",
        json={
            "kind": kind,
            "name": kind,
            "enterprise_id": enterprise_id,
            "location": {"lat": lat, "lon": lon},
            "details": details[kind],
        },
    )
    assert r.status_code == 201, r.json
    return r.json["id"]


def test_alarm_context_shows_applicable_plans_and_nearest_resources(api):
    park, other = make_park(api), make_park(api)
    eid, iid = park.enterprise_id, park.installation_id
    leak = create(api, enterprise_id=eid, installation_ids=[iid], levels=["I", "II", "III", "IV"])
    fire = create(api, accident_types=["fire"], enterprise_id=eid)
    sensor = (31.9512, 120.9052)  # make_park's chlorine detector
    team = resource(api, "team", sensor[0] + 0.00005, sensor[1], eid)  # about 6 m away
    medic = resource(api, "medical_point", sensor[0] + 0.0002, sensor[1])  # park-owned, about 22 m
    far = resource(api, "vehicle", sensor[0] + 0.05, sensor[1], eid)  # about 5.6 km: outside 3 km
    foreign = resource(api, "team", sensor[0] + 0.0001, sensor[1], other.enterprise_id)  # another enterprise
    caches.reset_caches()
    telemetry.ingest(batch(message(eid, [(park.tag, now(), 1.5)])))  # above H (1 ppm)
    alarm = api.get(f"/alarms?tag_id={park.tag}", role="park_admin").json["items"][0]
    ctx = api.get(f"/alarms/{alarm['id']}/context", role="enterprise_manager", enterprise_id=eid).json
    assert ctx["plan_basis"]["accident_types"] == ["leak", "poisoning"]
    shown = {p["plan_id"]: p for p in ctx["plans"]}
    assert leak["plan_id"] in shown and fire["plan_id"] not in shown  # a toxic gas alarm is a leak, not a fire
    assert ctx["plans"][0]["plan_id"] == leak["plan_id"] and ctx["plans"][0]["specificity"] == "installation"
    assert shown[leak["plan_id"]]["selected"] is True
    assert [t["seq"] for t in shown[leak["plan_id"]]["tasks"]] == [1, 2]
    assert [n["name"] for n in shown[leak["plan_id"]]["notify"]] == ["值班长"]  # the suggested level's recipients
    assert set(ctx["resources"][0]) == {"id", "name", "kind", "status", "owner", "distance_m", "location", "contact"}
    ids = [r["id"] for r in ctx["resources"]]
    assert ids[:2] == [team, medic]
    assert far not in ids and foreign not in ids
    assert len(ids) <= 5 and all(r["distance_m"] <= 3000 for r in ctx["resources"])
    assert [r["distance_m"] for r in ctx["resources"]] == sorted(r["distance_m"] for r in ctx["resources"])


def test_alarm_context_shows_the_sensor_whole_as_the_registry_stores_it(api):
    """The typed view keeps the registry's document for this response: same keys, order and values."""
    park = make_park(api)
    caches.reset_caches()
    telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, now(), 1.5)])))
    alarm = api.get(f"/alarms?tag_id={park.tag}", role="park_admin").json["items"][0]
    shown = api.get(f"/alarms/{alarm['id']}/context", role="park_admin").json["sensor"]
    stored = registry_store.SensorModel.get(park.tag).data()
    assert list(shown) == [*stored, "current"]
    assert {k: v for k, v in shown.items() if k != "current"} == stored
    assert shown["current"]["value"] == 1.5
