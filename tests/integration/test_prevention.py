"""Dual prevention (5.1.2-1): the chain unit → event → measure → check task, the sweep opening occurrences when
due and flagging missed ones (simulated time), missed checks raising the unit's class until made up, stops for
overhaul pausing the tasks, check records linked from hidden dangers, and tenancy."""

from __future__ import annotations

from chalicelib.core import clock
from chalicelib.prevention import service as prevention
from tests.integration.danger_support import danger, enterprise

HOUR = 3600_000


def _chain(api, eid, cycle=1, unit="hour", starts_ms=None, risk_class="orange"):
    body = {
        "enterprise_id": eid,
        "name": "液氯储罐区",
        "liable_department": "生产部",
        "liable_person": {"name": "李主任"},
        "risk_class": risk_class,
    }
    u = api.post("/risk-units", role="enterprise_manager", enterprise_id=eid, json=body)
    assert u.status_code == 201, u.json
    unit_id = u.json["id"]
    ev = api.post(f"/risk-units/{unit_id}/events", role="park_admin", json={"name": "液氯泄漏中毒"}).json
    measure = {
        "event_id": ev["id"],
        "description": "有毒气体探测器与喷淋联锁",
        "classify1": "engineering",
        "check_content": "探测器与联锁状态",
    }
    m = api.post(f"/risk-units/{unit_id}/measures", role="park_admin", json=measure)
    assert m.status_code == 201, m.json
    starts = starts_ms if starts_ms is not None else clock.now_ms() - HOUR // 2
    task = {
        "unit_id": unit_id,
        "measure_id": m.json["id"],
        "content": "检查探测器读数",
        "cycle": cycle,
        "cycle_unit": unit,
        "post": "罐区操作工",
        "starts_at": clock.from_ms(starts).isoformat(),
    }
    t = api.post("/check-tasks", role="enterprise_manager", enterprise_id=eid, json=task)
    assert t.status_code == 201, t.json
    return unit_id, t.json["id"], starts


def _records(api, eid, **filters):
    query = "&".join(f"{k}={v}" for k, v in {"enterprise_id": eid, "limit": 200, **filters}.items())
    return sorted(
        api.get(f"/check-records?{query}", role="park_admin").json["items"], key=lambda r: r["window_start_at"]
    )


def _unit(api, unit_id):
    return api.get(f"/risk-units/{unit_id}", role="park_admin").json["unit"]


def _record(api, task_id, eid, result="normal"):
    return api.post(f"/check-tasks/{task_id}/records", role="inspector", json={"result": result, "note": "正常"})


def test_the_sweep_opens_due_checks_flags_missed_ones_and_a_make_up_lowers_the_class_again(api):
    eid = enterprise(api)
    unit_id, task_id, starts = _chain(api, eid)
    r = _record(api, task_id, eid)
    assert (r.status_code, r.json["code"]) == (409, "CHECK_NOTHING_DUE")  # nothing opened yet
    frozen = clock.FrozenClock(starts + HOUR // 2)
    with clock.use(frozen):
        assert prevention.sweep()["opened"] >= 1
        r = _record(api, task_id, eid)
    assert (r.status_code, r.json["status"], r.json["on_time"]) == (201, "done", True), r.json
    assert r.json["id"] == f"{task_id}.0" and r.json["by"] == "user-inspector"
    frozen.advance(2 * 3600)  # window 1 opened and ended unrecorded; window 2 is open
    with clock.use(frozen):
        prevention.sweep()
        prevention.sweep()  # a rerun opens and flags nothing twice
    assert [(x["id"], x["status"]) for x in _records(api, eid)] == [
        (f"{task_id}.0", "done"),
        (f"{task_id}.1", "missed"),
        (f"{task_id}.2", "open"),
    ]
    unit = _unit(api, unit_id)
    assert (unit["risk_class"], unit["current_class"], unit["missed_open"]) == ("orange", "red", 1)
    audited = api.get("/audit/records?action=prevention.check_sweep&limit=200", role="auditor").json["items"]
    assert any(f"{task_id}.1" in a["details"]["missed"] for a in audited)
    assert [x["id"] for x in _records(api, eid, status="missed")] == [f"{task_id}.1"]
    with clock.use(frozen):
        assert _record(api, task_id, eid).json["id"] == f"{task_id}.2"  # the open one first, on time
        late = _record(api, task_id, eid, result="abnormal").json  # then the missed one, made up late
        assert (late["id"], late["status"], late["on_time"]) == (f"{task_id}.1", "late", False)
        r = _record(api, task_id, eid)
    assert (r.status_code, r.json["code"]) == (409, "CHECK_NOTHING_DUE")
    unit = _unit(api, unit_id)
    assert (unit["current_class"], unit["missed_open"]) == ("orange", 0)
    summary = prevention.check_summary(eid, 0)
    assert (summary.due, summary.on_time, summary.late, summary.missed) == (3, 2, 1, 0)
    # an abnormal check record is what a hidden danger names as its origin (checkRecordId)
    hd = api.post(
        "/hidden-dangers", role="inspector", json=danger(eid, check_record_id=late["id"], risk_unit_id=unit_id)
    )
    assert hd.status_code == 201 and hd.json["check_record_id"] == late["id"]
    r = api.post("/hidden-dangers", role="park_admin", json=danger(enterprise(api), check_record_id=late["id"]))
    assert (r.status_code, r.json["details"]["errors"][0]["field"]) == (422, "body.check_record_id")


def test_a_stop_for_overhaul_pauses_the_tasks_and_excuses_what_it_overlaps(api):
    eid = enterprise(api)
    unit_id, task_id, starts = _chain(api, eid, cycle=1, unit="day")
    with clock.use(clock.FrozenClock(starts + 1000)):
        prevention.sweep()  # day 0 is open
    stop = {
        "starts_at": clock.from_ms(starts + 12 * HOUR).isoformat(),
        "ends_at": clock.from_ms(starts + 60 * HOUR).isoformat(),
        "reason": "年度大修",
    }
    r = api.post(f"/risk-units/{unit_id}/stops", role="enterprise_manager", enterprise_id=eid, json=stop)
    assert r.status_code == 201, r.json
    with clock.use(clock.FrozenClock(starts + 73 * HOUR)):
        counts = prevention.sweep()
    assert counts["skipped"] >= 2
    assert [(x["id"], x["status"]) for x in _records(api, eid)] == [
        (f"{task_id}.0", "suspended"),  # overlapped by the stop: excused, not missed
        (f"{task_id}.3", "open"),  # days 1 and 2 began inside the stop: never opened
    ]
    assert _unit(api, unit_id)["missed_open"] == 0
    detail = api.get(f"/risk-units/{unit_id}", role="enterprise_manager", enterprise_id=eid).json
    assert [s["reason"] for s in detail["stops"]] == ["年度大修"] and [t["id"] for t in detail["tasks"]] == [task_id]
    r = api.post(f"/risk-units/{unit_id}/stops", role="park_admin", json={**stop, "ends_at": stop["starts_at"]})
    assert (r.status_code, r.json["details"]["errors"][0]["field"]) == (422, "body")


def test_chain_refusals_and_tenancy(api):
    a, b = enterprise(api), enterprise(api)
    unit_b, task_b, _ = _chain(api, b)
    unit_a, _, _ = _chain(api, a)
    event_b = api.get(f"/risk-units/{unit_b}", role="park_admin").json["events"][0]["id"]
    r = api.post(
        f"/risk-units/{unit_a}/measures",
        role="park_admin",
        json={"event_id": event_b, "description": "x", "classify1": "operation", "check_content": "y"},
    )
    assert (r.status_code, r.json["code"], r.json["details"]["field"]) == (422, "RISK_UNIT_MISMATCH", "body.event_id")
    as_a = {"role": "enterprise_manager", "enterprise_id": a}
    assert api.get(f"/risk-units/{unit_b}", **as_a).status_code == 404
    assert api.post(f"/risk-units/{unit_b}/events", **as_a, json={"name": "x"}).status_code == 404
    assert api.post(f"/check-tasks/{task_b}/records", **as_a, json={"result": "normal"}).status_code == 404
    assert {u["id"] for u in api.get("/risk-units?limit=200", **as_a).json["items"]} == {unit_a}
    assert api.get(f"/check-tasks?enterprise_id={b}", **as_a).status_code == 403
    r = api.post(f"/check-tasks/{task_b}/records", role="analyst", json={"result": "normal"})
    assert (r.status_code, r.json["code"]) == (403, "FORBIDDEN")


def test_a_task_started_in_the_past_owes_no_checks_from_before_it_existed(api):
    eid = enterprise(api)
    unit_id, task_id, _ = _chain(api, eid, cycle=1, unit="hour", starts_ms=clock.now_ms() - 10 * 24 * HOUR)
    task = next(t for t in api.get(f"/check-tasks?enterprise_id={eid}", role="park_admin").json["items"])
    assert task["id"] == task_id and task["next_index"] == 240
    prevention.sweep()
    assert [(x["id"], x["status"]) for x in _records(api, eid)] == [(f"{task_id}.240", "open")]
    assert _unit(api, unit_id)["missed_open"] == 0


def test_a_stopped_task_opens_nothing_and_restarts_from_the_current_window(api):
    eid = enterprise(api)
    unit_id, task_id, starts = _chain(api, eid)
    frozen = clock.FrozenClock(starts + HOUR // 2)
    as_manager = {"role": "enterprise_manager", "enterprise_id": eid}
    with clock.use(frozen):
        prevention.sweep()  # window 0 open
        r = api.post(f"/check-tasks/{task_id}/state", **as_manager, json={"active": False, "reason": "措施已替代"})
        assert (r.status_code, r.json["active"]) == (200, False)
    frozen.advance(3 * 3600)
    with clock.use(frozen):
        prevention.sweep()  # window 0 ends unrecorded (missed); nothing new opens while stopped
        r = api.post(f"/check-tasks/{task_id}/state", **as_manager, json={"active": True, "reason": "恢复"})
        assert (r.status_code, r.json["active"], r.json["next_index"]) == (200, True, 3)
        prevention.sweep()
    assert [(x["id"], x["status"]) for x in _records(api, eid)] == [
        (f"{task_id}.0", "missed"),
        (f"{task_id}.3", "open"),
    ]
    assert [c["active"] for c in r.json["state_changes"]] == [False, True]
    r = api.post(f"/check-tasks/{task_id}/state", role="analyst", json={"active": False, "reason": "x"})
    assert (r.status_code, r.json["code"]) == (403, "FORBIDDEN")
    assert _unit(api, unit_id)["missed_open"] == 1
