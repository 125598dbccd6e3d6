"""Patrol (5.3.2-1): a plan becomes tasks through the sweep (simulated time) dispatched to its team's app; the
check-in is refused outside the window (409), too far or with the wrong code (422), by someone off the team
(403), twice (409); checkpoints nobody checked in are flagged missed when the window ends; a failed item
registers a hidden danger with the inspector's photo; tenancy of enterprise and park routes."""

from __future__ import annotations

from datetime import datetime

import requests

from chalicelib.core import clock
from chalicelib.patrol import service as patrol
from tests.integration.danger_support import enterprise
from tests.integration.patrol_support import CP1, CP2, HOUR, Inspector, plan_body, route_body, setup
from tests.support import ms_of

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"


def _ms(text: str) -> int:
    return clock.to_ms(datetime.fromisoformat(text))


def _start() -> int:
    return (clock.now_ms() // 60_000) * 60_000 + 2 * HOUR


def _good(route, cp: str, **over):
    point = next(c for c in route["checkpoints"] if c["id"] == cp)
    items = [{"item_id": i["id"], "result": "pass"} for i in point["items"]]
    return {"position": point["location"], "code": point["code"], "items": items, **over}


def _task(api, plan_id: str, index: int = 0):
    r = api.get(f"/patrol/tasks/{plan_id}.{index}", role="park_admin")
    return r.json if r.status_code == 200 else None


def test_the_sweep_dispatches_tasks_ahead_of_their_window_to_the_team(api):
    eid, start = enterprise(api), _start()
    world = setup(api, eid, "u-pa-1", start)
    plan_id = world["plan"]["id"]
    with clock.use(clock.FrozenClock(start - 2 * HOUR)):
        patrol.sweep()
    assert _task(api, plan_id) is None  # more than an hour ahead: not yet dispatched
    with clock.use(clock.FrozenClock(start - HOUR // 2)):
        assert patrol.sweep()["dispatched"] >= 1
        patrol.sweep()  # a rerun dispatches nothing twice
    task = _task(api, plan_id)["task"]
    assert (task["id"], task["status"], task["checkpoints"], task["visited"]) == (f"{plan_id}.0", "open", 2, 0)
    assert (_ms(task["window_start"]), _ms(task["window_end"])) == (start, start + HOUR)
    assert _task(api, plan_id, 1) is None
    mine = Inspector(api, "u-pa-1", eid).get("/patrol/tasks?mine=true").json["items"]
    assert [t["id"] for t in mine] == [f"{plan_id}.0"]
    assert Inspector(api, "u-pa-other", eid).get("/patrol/tasks?mine=true").json["items"] == []
    listed = api.get(f"/patrol/tasks?route_id={world['route']['id']}", role="enterprise_manager", enterprise_id=eid)
    assert [t["id"] for t in listed.json["items"]] == [f"{plan_id}.0"]
    plans = api.get(f"/patrol/plans?enterprise_id={eid}", role="inspector", enterprise_id=eid).json["items"]
    assert plans[0]["team"]["members"][0]["phone"] == world["phone"][:3] + "****" + world["phone"][-4:]
    own = api.get(f"/patrol/plans?enterprise_id={eid}", role="enterprise_manager", enterprise_id=eid).json["items"]
    assert own[0]["team"]["members"][0]["phone"] == world["phone"]


def test_checkin_is_refused_outside_the_window_too_far_with_a_wrong_code_or_off_the_team(api):
    eid, start = enterprise(api), _start()
    world = setup(api, eid, "u-pa-2", start)
    route, task_id = world["route"], f"{world['plan']['id']}.0"
    me, other = Inspector(api, "u-pa-2", eid), Inspector(api, "u-pa-3", eid)
    frozen = clock.FrozenClock(start - HOUR // 2)
    with clock.use(frozen):
        patrol.sweep()
        r = me.checkin(task_id, "cp2", **_good(route, "cp2"))
        assert (r.status_code, r.json["code"]) == (409, "PATROL_OUTSIDE_WINDOW"), r.json
        frozen.set(start + 10 * 60_000)
        far = {"lat": CP2["lat"] + 0.001, "lon": CP2["lon"]}  # about 111 m north, radius 20 m
        r = me.checkin(task_id, "cp2", **_good(route, "cp2", position=far))
        assert (r.status_code, r.json["code"], r.json["details"]["field"]) == (422, "PATROL_TOO_FAR", "body.position")
        assert r.json["details"]["radius_m"] == 20 and 100 < r.json["details"]["distance_m"] < 125
        r = me.checkin(task_id, "cp2", **_good(route, "cp2", code="QR-forged"))
        assert (r.status_code, r.json["code"], r.json["details"]["field"]) == (422, "PATROL_WRONG_CODE", "body.code")
        r = me.checkin(task_id, "cp1", **_good(route, "cp1", items=[{"item_id": "flange", "result": "pass"}]))
        assert (r.status_code, r.json["details"]["errors"][0]["field"]) == (422, "body.items"), r.json
        r = me.checkin(task_id, "cp2", **_good(route, "cp2", items=[{"item_id": "nope", "result": "pass"}]))
        assert [e["field"] for e in r.json["details"]["errors"]] == ["body.items.0.item_id", "body.items"]
        r = other.checkin(task_id, "cp2", **_good(route, "cp2"))
        assert (r.status_code, r.json["code"]) == (403, "PATROL_NOT_ASSIGNED")
        r = me.checkin(task_id, "cp9", **_good(route, "cp2"))
        assert r.status_code == 404
        near = {"lat": CP2["lat"] + 0.0001, "lon": CP2["lon"]}  # about 11 m: inside the 20 m radius
        r = me.checkin(task_id, "cp2", **_good(route, "cp2", position=near, accuracy_m=5))
        assert (r.status_code, r.json["status"], r.json["by"]) == (201, "done", "u-pa-2"), r.json
        assert 10 < r.json["distance_m"] < 13
        r = me.checkin(task_id, "cp2", **_good(route, "cp2"))
        assert (r.status_code, r.json["code"]) == (409, "PATROL_CHECKPOINT_DONE")
        frozen.set(start + HOUR)  # the window is [start, start + 1 h)
        r = me.checkin(task_id, "cp1", **_good(route, "cp1"))
        assert (r.status_code, r.json["code"]) == (409, "PATROL_OUTSIDE_WINDOW")
        patrol.sweep()
        patrol.sweep()  # a rerun flags nothing twice
    detail = api.get(f"/patrol/tasks/{task_id}", role="enterprise_manager", enterprise_id=eid).json
    assert (detail["task"]["status"], detail["task"]["visited"]) == ("incomplete", 1)
    assert sorted((c["checkpoint_id"], c["status"]) for c in detail["checkins"]) == [("cp1", "missed"), ("cp2", "done")]
    audited = api.get("/audit/records?action=patrol.sweep&limit=200", role="auditor").json["items"]
    assert sum(1 for a in audited if a["details"]["missed_by_task"].get(task_id) == ["cp1"]) == 1
    written = api.get("/audit/records?action=patrol.checkin&limit=200", role="auditor").json["items"]
    assert any(a["target"] == f"{task_id}/cp2" and a["result"] == "ok" for a in written)


def test_a_failed_item_registers_a_hidden_danger_with_the_photo_and_the_last_checkin_completes_the_task(api):
    eid, start = enterprise(api), _start()
    world = setup(api, eid, "u-pa-4", start)
    route, task_id, me = world["route"], f"{world['plan']['id']}.0", Inspector(api, "u-pa-4", eid)
    frozen = clock.FrozenClock(start - HOUR // 2)
    with clock.use(frozen):
        patrol.sweep()
        frozen.set(start + 5 * 60_000)
        form = me.post(
            f"/patrol/tasks/{task_id}/checkpoints/cp1/photos", json={"content_type": "image/jpeg", "size_bytes": 70}
        ).json
        assert form["key"].startswith(f"patrol/{eid}/")
        files = {"file": ("photo", JPEG, "image/jpeg")}
        assert requests.post(form["url"], data=form["fields"], files=files, timeout=10).status_code in (200, 201, 204)
        items = [
            {"item_id": "flange", "result": "pass"},
            {"item_id": "ground", "result": "fail", "note": "接地线断开"},
        ]
        r = me.checkin(task_id, "cp1", **_good(route, "cp1", items=items, photos=[form["key"]]))
        assert r.status_code == 201, r.json
        (finding,) = r.json["findings"]
        assert (finding["item_id"], finding["kind"]) == ("ground", "danger")
        mid = api.get(f"/patrol/tasks/{task_id}", role="park_admin").json["task"]
        assert (mid["status"], mid["visited"], mid["failed_items"]) == ("open", 1, 1)
        assert me.checkin(task_id, "cp2", **_good(route, "cp2")).status_code == 201
    done = api.get(f"/patrol/tasks/{task_id}", role="park_admin").json
    assert (done["task"]["status"], done["task"]["visited"]) == ("completed", 2)  # before the window ended
    assert form["key"] in done["photo_urls"]
    hd = api.get(f"/hidden-dangers/{finding['danger_id']}", role="enterprise_manager", enterprise_id=eid).json
    danger = hd["danger"]
    assert (danger["source"], danger["category"], danger["state"], danger["level"]) == (
        "patrol",
        "electrical",
        "registered",
        "general",
    )
    assert danger["photos"] == [form["key"]] and danger["registrant"] == "u-pa-4"
    assert danger["liable_person"] == route["liable_person"] and "接地线断开" in danger["description"]
    assert ms_of(danger["deadline_at"]) == start + 5 * 60_000 + 3 * 24 * HOUR  # the item's rectify_days
    assert requests.get(hd["photo_urls"][form["key"]], timeout=10).content == JPEG


def test_routes_are_tenant_scoped_and_park_routes_belong_to_park_roles(api):
    eid, other = enterprise(api), enterprise(api)
    r = api.post("/patrol/routes", role="enterprise_manager", enterprise_id=eid, json=route_body(other))
    assert (r.status_code, r.json["code"]) == (403, "ENTERPRISE_SCOPE")
    body = route_body(eid)
    body["checkpoints"][0]["enterprise_id"] = other
    r = api.post("/patrol/routes", role="enterprise_manager", enterprise_id=eid, json=body)
    assert (r.status_code, r.json["details"]["errors"][0]["field"]) == (422, "body.checkpoints.0.enterprise_id")
    body = route_body(eid)
    body["checkpoints"][1]["code"] = body["checkpoints"][0]["code"]
    r = api.post("/patrol/routes", role="enterprise_manager", enterprise_id=eid, json=body)
    assert r.status_code == 422 and r.json["details"]["errors"][0]["field"].startswith("body")
    park = route_body(None)
    park["checkpoints"][0]["enterprise_id"] = eid  # a park route through this enterprise's plant
    r = api.post("/patrol/routes", role="park_admin", json=park)
    assert (r.status_code, r.json["enterprise_id"]) == (201, "_park"), r.json
    route_id = r.json["id"]
    assert api.get(f"/patrol/routes/{route_id}", role="enterprise_manager", enterprise_id=eid).status_code == 404
    listed = api.get("/patrol/routes?limit=200", role="enterprise_manager", enterprise_id=eid).json["items"]
    assert route_id not in [x["id"] for x in listed]
    r = api.get(f"/patrol/routes?enterprise_id={other}", role="enterprise_manager", enterprise_id=eid)
    assert (r.status_code, r.json["code"]) == (403, "ENTERPRISE_SCOPE")
    r = api.post("/patrol/plans", role="enterprise_manager", enterprise_id=eid, json=_plan(route_id))
    assert r.status_code == 404
    assert api.post("/patrol/plans", role="park_admin", json=_plan(route_id)).status_code == 201


def _plan(route_id):
    return plan_body(route_id, [("u-pa-park", "13666999999")], _start())


def test_an_urgent_item_raises_one_alarm_while_failing_and_clears_it_when_it_passes(api):
    eid, start = enterprise(api), _start()
    world = setup(api, eid, "u-pa-5", start)
    route, plan_id, me = world["route"], world["plan"]["id"], Inspector(api, "u-pa-5", eid)
    flange = [{"item_id": "flange", "result": "fail", "note": "法兰滴漏"}, {"item_id": "ground", "result": "pass"}]
    frozen = clock.FrozenClock(start - HOUR // 2)
    outcomes = []
    with clock.use(frozen):
        for day, items in enumerate((flange, flange, [{**i, "result": "pass"} for i in flange])):
            frozen.set(start + day * 24 * HOUR - HOUR // 2)
            patrol.sweep()
            frozen.set(start + day * 24 * HOUR + 60_000)
            r = me.checkin(f"{plan_id}.{day}", "cp1", **_good(route, "cp1", items=items))
            assert r.status_code == 201, r.json
            outcomes.append(r.json["findings"])
    (raised,), (again,), (cleared,) = outcomes
    assert (raised["kind"], again["kind"], cleared["kind"]) == ("alarm", "alarm", "alarm_cleared")
    assert raised["alarm_id"] == again["alarm_id"] == cleared["alarm_id"]  # one alarm per route, checkpoint, item
    alarm = api.get(f"/alarms/{raised['alarm_id']}", role="enterprise_manager", enterprise_id=eid).json["alarm"]
    assert (alarm["source"], alarm["kind"], alarm["enterprise_id"], alarm["priority"]) == (
        "patrol",
        "patrol_item_failed",
        eid,
        "high",
    )
    assert (alarm["count"], alarm["state"], alarm["details"]["checkpoint_id"]) == (2, "rtn_unack", "cp1")
    assert (alarm["lat"], alarm["lon"]) == (CP1["lat"], CP1["lon"]) and "法兰滴漏" in alarm["title"]
    dangers = api.get(f"/hidden-dangers?enterprise_id={eid}", role="park_admin").json["items"]
    assert dangers == []  # urgent items go to the alarm engine, not the hidden-danger register


def test_a_failed_item_on_a_park_place_raises_a_park_owned_alarm(api):
    eid, start = enterprise(api), _start()
    r = api.post("/patrol/routes", role="park_admin", json=route_body(None))
    route = r.json
    plan = plan_body(route["id"], [("u-pa-6", "13666999998")], start)
    plan_id = api.post("/patrol/plans", role="park_admin", json=plan).json["id"]
    me = Inspector(api, "u-pa-6")  # a park inspector
    frozen = clock.FrozenClock(start - HOUR // 2)
    with clock.use(frozen):
        patrol.sweep()
        assert [t["id"] for t in me.get("/patrol/tasks?mine=true&limit=200").json["items"]] == [f"{plan_id}.0"]
        frozen.set(start + 60_000)
        items = [{"item_id": "hose", "result": "fail", "note": "软管老化"}]
        r = me.checkin(f"{plan_id}.0", "cp2", **_good(route, "cp2", items=items))
    assert r.status_code == 201, r.json
    (finding,) = r.json["findings"]
    alarm = api.get(f"/alarms/{finding['alarm_id']}", role="duty_officer").json["alarm"]
    assert (alarm["enterprise_id"], alarm["source"]) == ("_park", "patrol")
    assert api.get(f"/alarms/{finding['alarm_id']}", role="enterprise_manager", enterprise_id=eid).status_code == 404
    assert Inspector(api, "u-pa-6", eid).get(f"/patrol/tasks/{plan_id}.0").status_code == 404
