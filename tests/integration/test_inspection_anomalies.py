"""Smart inspection (5.3.2-2, 5.3.2-3) and patrol statistics (5.3.2-4): anomalies from drones, robots and video
are kept once per reporter id and texted by priority (medium: the route's inspectors; high: also the park
safety department; urgent: also the enterprise's managers; low: listed only); coverage and completion per
route and team for a month."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest import mock

from chalicelib.core import clock
from chalicelib.patrol import service as patrol
from chalicelib.registry import service as registry
from tests.integration.patrol_support import HOUR, Inspector, phone, plan_body, setup
from tests.support import sms_to

SAFETY = registry.Contact(name="园区安全管理部", phone="13666900001")


def _enterprise(api, manager_phone: str) -> str:
    r = api.post(
        "/enterprises",
        role="park_admin",
        json={
            "name": "巡检测试化工",
            "location": {"lat": 31.95, "lon": 120.9},
            "managers": [{"name": "企业安全员", "phone": manager_phone, "min_priority": "high"}],
        },
    )
    assert r.status_code == 201, r.json
    return r.json["id"]


def _anomaly(anomaly_id: str, priority: str, **over):
    return {
        "anomaly_id": anomaly_id,
        "source": "drone",
        "device_id": "uav-7",
        "kind": "leak",
        "priority": priority,
        "description": "管廊 3 号段法兰处疑似白色气体泄漏",
        "location": {"lat": 31.9521, "lon": 120.9071},
        "detected_at": datetime.now(UTC).isoformat(),
        "confidence": 0.87,
        **over,
    }


def test_anomalies_reach_inspectors_and_the_safety_department_by_priority_once(api):
    manager = phone()
    eid = _enterprise(api, manager)
    world = setup(api, eid, "u-an-1", clock.now_ms() + HOUR)
    inspector, route_id = world["phone"], world["route"]["id"]
    texts = {p: len(sms_to(p)) for p in (inspector, SAFETY.phone, manager)}

    def post(anomaly_id, priority, **over):
        body = _anomaly(anomaly_id, priority, **{"enterprise_id": eid, "route_id": route_id, **over})
        with mock.patch.object(registry, "park_contacts", lambda: [SAFETY]):
            return api.post("/inspection/anomalies", role="integration", json=body)

    def new_texts():
        now = {p: len(sms_to(p)) for p in texts}
        out = {p: now[p] - texts[p] for p in texts}
        texts.update(now)
        return [out[inspector], out[SAFETY.phone], out[manager]]

    r = post(f"{eid}-a1", "low")
    assert (r.status_code, r.json["notified"], new_texts()) == (201, [], [0, 0, 0])
    r = post(f"{eid}-a2", "medium")
    assert r.status_code == 201 and new_texts() == [1, 0, 0]
    assert [(n["audience"], n["status"]) for n in r.json["notified"]] == [("inspectors", "sent")]
    assert r.json["notified"][0]["phone"] == inspector[:3] + "****" + inspector[-4:]
    r = post(f"{eid}-a3", "high")
    assert r.status_code == 201 and new_texts() == [1, 1, 0]
    r = post(f"{eid}-a4", "urgent", kind="damage", source="robot")
    assert r.status_code == 201 and new_texts() == [1, 1, 1]
    text = sms_to(manager)[-1]
    assert "【智能巡检·紧急】" in text and "巡检机器人" in text and "部件损坏" in text and "液氯罐区日常巡检" in text
    again = post(f"{eid}-a4", "urgent", kind="damage", source="robot")  # the robot retries its report
    assert (again.status_code, again.json["id"], new_texts()) == (200, r.json["id"], [0, 0, 0])
    mine = api.get(f"/inspection/anomalies?enterprise_id={eid}", role="enterprise_manager", enterprise_id=eid).json
    assert sorted(a["anomaly_id"] for a in mine["items"]) == [f"{eid}-a{i}" for i in range(1, 5)]
    high = api.get(f"/inspection/anomalies?enterprise_id={eid}&priority=high", role="inspector").json["items"]
    assert [a["anomaly_id"] for a in high] == [f"{eid}-a3"]
    other = _enterprise(api, phone())
    seen = api.get("/inspection/anomalies?limit=200", role="enterprise_manager", enterprise_id=other).json["items"]
    assert seen == []
    r = api.post("/inspection/anomalies", role="enterprise_manager", enterprise_id=eid, json=_anomaly("x", "low"))
    assert r.status_code == 403
    r = post(f"{eid}-a5", "high", route_id="pr_missing")
    assert (r.status_code, r.json["details"]["errors"][0]["field"]) == (422, "body.route_id")
    park = _anomaly(f"{eid}-perimeter", "high", kind="intrusion", source="video")  # a public place: no enterprise
    with mock.patch.object(registry, "park_contacts", lambda: [SAFETY]):
        r = api.post("/inspection/anomalies", role="integration", json=park)
    assert (r.status_code, r.json["enterprise_id"], new_texts()) == (201, "_park", [0, 1, 0]), r.json
    assert "园区公共区域" in sms_to(SAFETY.phone)[-1] and "周界入侵" in sms_to(SAFETY.phone)[-1]
    seen = api.get("/inspection/anomalies?limit=200", role="enterprise_manager", enterprise_id=eid).json["items"]
    assert f"{eid}-perimeter" not in [a["anomaly_id"] for a in seen]
    r = post(f"{eid}-a6", "high", detected_at="2026-12-03T09:30:00")  # no offset: the field itself is named
    assert (r.status_code, r.json["details"]["errors"][0]["field"]) == (422, "body.detected_at")


def test_stats_give_coverage_and_completion_per_route_and_team_for_a_month(api):
    eid = _enterprise(api, phone())
    # 08:00 in the park (UTC+8), before every other test's plan starts: the sweeps below catch up no other plan.
    local_midnight = datetime(2025, 3, 1, tzinfo=UTC)
    start = clock.to_ms(local_midnight)
    frozen = clock.FrozenClock(start - 10 * 60_000)
    with clock.use(frozen):  # the plans are made before they start
        a = setup(api, eid, "u-st-1", start)
        weekly = plan_body(a["route"]["id"], [("u-st-2", phone())], start, cycle_unit="week", name="周检")
        weekly["team"]["name"] = "第二班"
        b = api.post("/patrol/plans", role="enterprise_manager", enterprise_id=eid, json=weekly)
        assert b.status_code == 201, b.json
    route = a["route"]
    me = Inspector(api, "u-st-1", eid)
    with clock.use(frozen):
        patrol.sweep()  # day 0 of both plans
        frozen.set(start + 60_000)
        for cp in route["checkpoints"]:
            body = {
                "position": cp["location"],
                "code": cp["code"],
                "items": [{"item_id": i["id"], "result": "pass"} for i in cp["items"]],
            }
            assert me.checkin(f"{a['plan']['id']}.0", cp["id"], **body).status_code == 201
        frozen.set(start + 24 * HOUR + 60_000)
        patrol.sweep()  # closes the weekly task unvisited, dispatches day 1
        frozen.set(start + 2 * 24 * HOUR)
        patrol.sweep()  # day 1 missed entirely, day 2 dispatched (still open)
        stats = api.get("/patrol/stats?month=2025-03", role="enterprise_manager", enterprise_id=eid).json
    total = stats["total"]
    assert (stats["month"], stats["enterprise_id"]) == ("2025-03", eid)
    assert (total["tasks"], total["tasks_ended"], total["completed"], total["missed"]) == (4, 3, 1, 2)
    assert (total["checkpoints_due"], total["checkpoints_visited"], total["checkpoints_missed"]) == (8, 2, 4)
    assert (total["coverage"], total["completion"]) == (0.25, round(1 / 3, 4))
    assert list(stats["by_route"]) == [route["id"]]
    teams = stats["by_team"]
    assert teams["第二班"]["completion"] == 0.0 and teams[a["plan"]["team"]["name"]]["completion"] == 0.5
    before = api.get("/patrol/stats?month=2025-02", role="enterprise_manager", enterprise_id=eid).json["total"]
    assert before["tasks"] == 0 and before["coverage"] is None
    for bad in ("2031-13", "0000-01", "9999-12"):  # datetime cannot hold year 0 or the month after 9999-12
        r = api.get(f"/patrol/stats?month={bad}", role="park_admin")
        assert (r.status_code, r.json["details"]["errors"][0]["field"]) == (422, "query.month")


def test_an_anomaly_with_no_route_reaches_the_people_on_duty_else_the_safety_department(api):
    """No route names inspectors: the medium notice goes to the park's duty officers on shift, and when nobody
    is rostered to the safety department's designated managers."""
    from chalicelib.duty import service as duty

    officer = duty.OnDutyPerson(subject="duty-1", name="值班员", phone=phone())
    contact = registry.Contact(name="园区安全管理部", phone=phone())
    eid = _enterprise(api, phone())

    def post(anomaly_id, on_duty):
        body = _anomaly(anomaly_id, "medium", enterprise_id=eid)
        with (
            mock.patch.object(registry, "park_contacts", lambda: [contact]),
            mock.patch.object(duty, "on_duty_officers", lambda now_ms=None: on_duty),
        ):
            return api.post("/inspection/anomalies", role="integration", json=body)

    r = post(f"{eid}-noroute-1", [officer])
    assert r.status_code == 201 and [n["audience"] for n in r.json["notified"]] == ["on_duty"], r.json
    assert len(sms_to(officer.phone)) == 1 and sms_to(contact.phone) == []
    r = post(f"{eid}-noroute-2", [])
    assert r.status_code == 201 and [n["audience"] for n in r.json["notified"]] == ["safety"], r.json
    assert len(sms_to(contact.phone)) == 1
