"""Emergency response: the real ASL in moto with the in-process task Lambda (notify, situation, impact,
linkage and evacuation, dispatch, unit acknowledgements, stand-down, archive), drills and release."""

from __future__ import annotations

import datetime as dt
from typing import Any

from chalicelib.core import aws, catalog
from chalicelib.core.identity import SYSTEM
from chalicelib.incidents.service import records
from chalicelib.plans import service as plans
from chalicelib.resources import service as resources
from local import moto_patches
from tests.support import make_park, sms_to, wait_for

FIRE_STATION = {"name": "园区消防站", "role": "消防救援", "phone": "13922220001", "min_level": "IV"}
MEDICAL = {"name": "园区医疗点", "role": "医疗救护", "phone": "13922220002", "min_level": "IV"}


def incident(api: Any, incident_id: str) -> dict[str, Any]:
    return api.get(f"/incidents/{incident_id}", role="commander").json


def plan_for(api: Any, park: Any, units: tuple[dict[str, str], ...] = (FIRE_STATION, MEDICAL)) -> str:
    r = api.post(
        "/plans",
        role="park_admin",
        json={
            "name": "液氯泄漏现场处置方案",
            "accident_types": ["leak"],
            "levels": ["II", "III", "IV"],
            "enterprise_id": park.enterprise_id,
            "installation_ids": [park.installation_id],
            "tasks": [
                {"title": "切断泄漏源", "responsible": "消防救援", "due_minutes": 5},
                {"title": "设立警戒并疏散下风向人员", "responsible": "医疗救护", "due_minutes": 10},
            ],
            "notifications": list(units),
            "linkage_rules": ["leak_default"],
        },
    )
    assert r.status_code == 201, r.json
    return r.json["plan_id"]


def position(api: Any, person: str, lat: float, lon: float, phone: str) -> None:
    r = api.post(
        "/people/positions",
        role="integration",
        json={
            "person_id": person,
            "name": person,
            "phone": phone,
            "lat": lat,
            "lon": lon,
            "source": "badge",
            "ts": dt.datetime.now(dt.UTC).isoformat(),
        },
    )
    assert r.status_code in (200, 201), r.json


def report(api: Any, park: Any, level: str = "II") -> str:
    r = api.post(
        "/incidents",
        role="duty_officer",
        json={
            "type": "leak",
            "level": level,
            "title": "液氯储罐区氯气泄漏",
            "phenomenon": "黄绿色气体逸出",
            "place": {"lat": 31.951, "lon": 120.905, "text": "液氯储罐区"},
            "enterprise_id": park.enterprise_id,
            "installation_id": park.installation_id,
            "reporter": "企业值班员",
            "chemical": "氯",
            "release_rate_kg_s": 1.0,
        },
    )
    assert r.status_code == 201, r.json
    return r.json["id"]


def test_activation_to_stand_down_with_a_unit_that_never_acknowledges(api: Any) -> None:
    park = make_park(api)
    plan_for(api, park)
    team = api.post(
        "/resources",
        role="park_admin",
        json={
            "kind": "team",
            "name": "储罐区救援队",
            "location": {"lat": 31.9512, "lon": 120.905},
            "details": {"members": 8},
        },
    )
    assert team.status_code == 201, team.json
    inside, outside = "worker-in", "worker-out"
    position(api, inside, 31.951, 120.905, "13933330001")  # at the source: inside the isolation circle
    position(api, outside, 31.90, 120.70, "13933330002")  # 20 km away
    iid = report(api, park)
    assert api.post(f"/incidents/{iid}/stand-down", role="commander", json={"summary": "提前终止"}).status_code == 409
    with moto_patches.held_waits():  # the acknowledgement window stays open until the fire station has answered
        r = api.post(f"/incidents/{iid}/activate", role="commander")
        assert r.status_code == 200 and r.json["status"] == "active", r.json
        ready = wait_for(
            "awaiting stand-down", lambda: (x := incident(api, iid))["incident"]["awaiting_stand_down"] and x
        )
        inc = ready["incident"]
        assert inc["plan"]["name"] == "液氯泄漏现场处置方案"
        stored = records.load(iid).data()  # the plan and the resources are stored whole, in their JSON as before
        assert stored["plan"] == plans.select_plan("leak", "II", park.enterprise_id, park.installation_id).public()
        (near,) = [r for r in stored["situation"]["resources"] if r["id"] == team.json["id"]]
        assert list(near) == [*resources.get(team.json["id"], SYSTEM), "distance_m"] and near["distance_m"] < 50
        assert team.json["id"] in {r["id"] for r in stored["dispatched_resources"]}
        assert {u["name"] for u in inc["units"]} >= {FIRE_STATION["name"], MEDICAL["name"]}
        assert {u["status"] for u in inc["units"]} == {"notified"}  # the ack check has not run: the window is open
        assert inc["situation"]["sensors"] and inc["situation"]["hazards"]
        assert [z["level"] for z in inc["impact"]["zones"]] == ["AEGL-3", "AEGL-2", "AEGL-1"]
        assert len(ready["instructions"]) == 2  # one per plan task
        assert any("【应急响应启动】" in t for t in sms_to(FIRE_STATION["phone"]))
        assert any("疏散" in t for t in sms_to("13933330001")) and not sms_to("13933330002")
        evac = api.get(f"/incidents/{iid}/evacuation", role="commander").json
        assert evac["notified"] >= 1
        api.post(f"/incidents/{iid}/units/ack", role="commander", json={"unit": FIRE_STATION["name"]})
    wait_for("ack check", lambda: any(u["status"] == "unreachable" for u in incident(api, iid)["incident"]["units"]))
    units = {u["name"]: u["status"] for u in incident(api, iid)["incident"]["units"]}
    assert units[FIRE_STATION["name"]] == "acknowledged" and units[MEDICAL["name"]] == "unreachable"
    first = ready["instructions"][0]["id"]
    for status in ("received", "executing", "done"):
        r = api.post(
            f"/incidents/{iid}/instructions/{first}/status",
            role="inspector",
            json={"status": status, "feedback": status},
        )
        assert r.status_code == 200, r.json
    back = api.post(f"/incidents/{iid}/instructions/{first}/status", role="inspector", json={"status": "received"})
    assert back.status_code == 409 and back.json["code"] == "INSTRUCTION_STATE"
    r = api.post(
        f"/incidents/{iid}/instructions",
        role="commander",
        json={"recipients": [{"name": "现场指挥部", "phone": "13944440001"}], "content": "下风向 500 m 设置警戒"},
    )
    assert r.status_code == 201, r.json
    r = api.post(f"/incidents/{iid}/stand-down", role="commander", json={"summary": "泄漏已控制，终止响应"})
    assert r.status_code == 200, r.json
    done = wait_for("archive", lambda: (x := incident(api, iid))["incident"].get("archive") and x)
    assert done["incident"]["status"] == "closed"
    report_ = api.get(f"/incidents/{iid}/report", role="commander").json
    assert "应急指挥档案" in report_["report"] and "园区医疗点" in report_["report"]
    assert report_["metrics"]["tasks"] == 3 and report_["metrics"]["tasks_done"] == 1
    assert report_["metrics"]["units_unreachable"] == [MEDICAL["name"]]
    keys = done["incident"]["archive"]
    body = aws.client("s3").get_object(Bucket=catalog.bucket_name("reports"), Key=keys["json"])["Body"].read()
    assert iid.encode() in body
    log = api.get(f"/incidents/{iid}/log", role="commander").json["items"]
    assert [e["ts"] for e in log] == sorted(e["ts"] for e in log) and len(log) >= 10
    audit = api.get(f"/audit/records?target={iid}", role="auditor").json["items"]
    assert "incidents.archive" in {a["action"] for a in audit}
    sfn = aws.client("stepfunctions")
    arn = catalog.state_machine_arn("emergency-response").replace(":stateMachine:", ":execution:") + f":{iid}"
    wait_for("execution succeeded", lambda: sfn.describe_execution(executionArn=arn)["status"] == "SUCCEEDED")


def test_drill_sends_nothing_real_and_produces_its_review(api: Any) -> None:
    park = make_park(api)
    fire, medical = {**FIRE_STATION, "phone": "13955550011"}, {**MEDICAL, "phone": "13955550012"}
    plan_for(api, park, (fire, medical))
    position(api, "drill-worker", 31.951, 120.905, "13955550001")
    drill = {
        "scenario": "leak",
        "enterprise_id": park.enterprise_id,
        "installation_id": park.installation_id,
        "level": "III",
        "faults": [{"kind": "person_unreachable", "unit": MEDICAL["name"]}],
    }
    with moto_patches.held_waits():  # the acknowledgement window stays open until the fire station has answered
        r = api.post("/drills", role="commander", json=drill)
        assert r.status_code == 201 and r.json["drill"] is True, r.json
        iid = r.json["id"]
        wait_for("drill awaiting stand-down", lambda: incident(api, iid)["incident"]["awaiting_stand_down"])
        api.post(f"/incidents/{iid}/units/ack", role="commander", json={"unit": FIRE_STATION["name"]})
    wait_for("ack check", lambda: any(u["status"] == "unreachable" for u in incident(api, iid)["incident"]["units"]))
    api.post(f"/incidents/{iid}/stand-down", role="commander", json={"summary": "演练结束"})
    wait_for("drill archive", lambda: incident(api, iid)["incident"].get("archive"))
    for phone in (fire["phone"], medical["phone"], "13955550001"):
        assert sms_to(phone) == [], phone  # exercise mode: nothing reached a real phone
    logged = api.get(f"/notifications/sms?enterprise_id={park.enterprise_id}", role="park_admin").json["items"]
    drill_texts = [m for m in logged if m["kind"] == "drill"]
    assert drill_texts and all(m["text"].startswith("【演练】") for m in drill_texts)
    assert not any(m["ref"].startswith(iid) and m["kind"] != "drill" for m in logged)
    review = api.get(f"/incidents/{iid}/report", role="commander").json
    assert "演练复盘报告" in review["report"]
    m = review["metrics"]
    assert m["time_to_first_instruction_s"] is not None and m["resource_dispatch_s"] is not None
    assert m["units_unreachable"] == [MEDICAL["name"]]
    assert "单位未响应" in review["report"]


def test_information_release_goes_through_approval(api: Any) -> None:
    park = make_park(api)
    iid = report(api, park)
    api.post(f"/incidents/{iid}/activate", role="commander")
    r = api.post(
        f"/incidents/{iid}/releases", role="commander", json={"level": "orange", "impact": "下风向 1 km 内人员撤离"}
    )
    assert r.status_code == 201, r.json
    wid = r.json["warning_id"]
    w = wait_for(
        "release awaiting approval",
        lambda: (x := api.get(f"/warnings/{wid}", role="park_admin").json)["warning"]["awaiting"] == "approval" and x,
    )
    assert w["warning"]["source"] == "incident"
    same = api.post(f"/warnings/{wid}/approval", role="commander", json={"decision": "approve"})
    assert same.status_code == 403  # the commander who released cannot approve it
    ok = api.post(f"/warnings/{wid}/approval", role="park_admin", json={"decision": "approve"})
    assert ok.status_code == 200, ok.json
    wait_for(
        "published", lambda: api.get(f"/warnings/{wid}", role="park_admin").json["warning"]["awaiting"] == "tracking"
    )


def test_impact_estimate_endpoint(api: Any) -> None:
    body = {
        "chemical": "氯",
        "release_rate_kg_s": 1.0,
        "wind_speed_m_s": 3.0,
        "wind_from_deg": 0,
        "stability_class": "D",
        "terrain": "rural",
        "source": {"lat": 31.95, "lon": 120.9},
    }
    r = api.post("/emergency/impact-estimate", role="commander", json=body)
    assert r.status_code == 200, r.json
    zones = r.json["zones"]
    assert [z["level"] for z in zones] == ["AEGL-3", "AEGL-2", "AEGL-1"]
    assert zones[0]["downwind_m"] < zones[1]["downwind_m"] < zones[2]["downwind_m"]
    ring = zones[1]["polygon"]["coordinates"][0]
    assert max(lat for _, lat in ring) <= 31.95 + 1e-6  # wind from the north: the plume goes south
    bad = api.post("/emergency/impact-estimate", role="commander", json={**body, "stability_class": "G"})
    assert bad.status_code == 422 and bad.json["details"]["errors"][0]["field"] == "body.stability_class"
    unknown = api.post("/emergency/impact-estimate", role="commander", json={**body, "chemical": "不存在"})
    assert unknown.status_code == 422
