"""Special work permits through the API (GB 30871-2022, 5.1.2-1): every lifecycle path with its refusals,
Table B.1 approval, gas analysis before start and after a break, conflicts between jobs, lists and the map."""

from __future__ import annotations

import pytest

from chalicelib.core import clock
from tests.integration.work_permit_support import Staff, application, iso, methane, spot
from tests.support import make_park


@pytest.fixture
def staff(api):
    return Staff(api, make_park(api).enterprise_id)


def test_hot_work_from_application_to_closure_with_every_refusal_on_the_way(api, staff):
    with clock.use(clock.FrozenClock(clock.now_ms())) as frozen:
        permit = staff.apply(
            application(staff.enterprise_id, "hot_work", spot(), level="level_1"),
            who="mgr-a",
            role="enterprise_manager",
        )
        pid = permit["id"]
        assert (permit["state"], permit["level"], permit["level_label"]) == ("draft", "level_1", "一级")
        assert permit["approval"]["authority_label"] == "安全管理部门"
        assert permit["approval"]["roles"] == ["enterprise_leader", "enterprise_manager"]
        assert staff.act(pid, "start").json["code"] == "PERMIT_STATE"  # not approved yet
        r = staff.act(pid, "approve", "unit_supervisor", {"comment": "同意"})
        assert (r.status_code, r.json["code"]) == (403, "APPROVER_ROLE")
        r = staff.act(pid, "approve", "enterprise_manager", {"comment": "同意"}, who="mgr-a")
        assert (r.status_code, r.json["code"]) == (403, "APPROVER_IS_APPLICANT")
        r = staff.act(pid, "approve", "enterprise_manager", {"comment": "措施落实"}, who="mgr-b")
        assert r.status_code == 200 and r.json["state"] == "approved"
        assert r.json["approval"]["approved_by"] == "mgr-b"
        assert staff.act(pid, "approve", who="mgr-c", json={}).json["code"] == "PERMIT_STATE"

        r = staff.act(pid, "start")
        assert (r.status_code, r.json["code"], r.json["details"]["reason"]) == (409, "GAS_ANALYSIS_REQUIRED", "none")
        r = staff.act(pid, "gas-analyses", json=methane(0.6))
        assert r.status_code == 201 and r.json["passed"] is False
        assert r.json["failures"][0]["rule"] == "gas.flammable.lel_ge_4pct.max_0.5vol"
        assert staff.act(pid, "start").json["details"]["reason"] == "failed"
        staff.act(pid, "gas-analyses", json=methane(0.1, sampled_min_ago=31))
        assert staff.act(pid, "start").json["code"] == "GAS_ANALYSIS_REQUIRED"
        assert staff.act(pid, "gas-analyses", json=methane(0.1, sampled_min_ago=-5)).status_code == 422  # future
        staff.act(pid, "gas-analyses", json=methane(0.1, sampled_min_ago=30))
        r = staff.act(pid, "start")
        assert r.status_code == 200 and r.json["state"] == "active"

        # a short break (≤ 30 min for 一级) resumes without a new analysis
        r = staff.act(pid, "suspend", "duty_officer", {"reason": "园区抽查：监护人不在岗"})
        assert r.json["state"] == "suspended" and r.json["suspension"]["by_gas_alarm"] is False
        frozen.advance(30 * 60)
        assert staff.act(pid, "resume").json["state"] == "active"
        # a longer one needs an analysis sampled after the break began
        staff.act(pid, "suspend", json={"reason": "午休"})
        frozen.advance(31 * 60)
        r = staff.act(pid, "resume")
        assert (r.status_code, r.json["code"]) == (409, "GAS_ANALYSIS_REQUIRED")
        staff.act(pid, "gas-analyses", json=methane(0.1, sampled_min_ago=1))
        assert staff.act(pid, "resume").json["state"] == "active"
        assert staff.act(pid, "cancel", json={"reason": "x"}).json["code"] == "PERMIT_STATE"  # under way: close it
        r = staff.act(pid, "close", json={"comment": "完工，现场已清理"})
        assert r.json["state"] == "closed"
        assert staff.act(pid, "close", json={}).json["code"] == "PERMIT_STATE"

    detail = staff.call("GET", f"/work-permits/{pid}", "enterprise_manager").json
    actions = [e["action"] for e in detail["events"] if e["action"] != "gas_analysis"]
    assert actions == ["created", "approve", "start", "suspend", "resume", "suspend", "resume", "close"]
    # by sampling time: 31 and 30 min before the start (passing), 5 min before (failing), the re-analysis
    assert [a["passed"] for a in detail["gas_analyses"]] == [True, True, False, True]
    audited = api.get(f"/audit/records?target={pid}", role="auditor").json["items"]
    ok = sorted(a["action"] for a in audited if a["result"] == "ok")
    assert ok.count("workpermits.resume_permit") == 2 and "workpermits.close_permit" in ok
    refused = {a["result"] for a in audited} - {"ok"}
    assert {"APPROVER_ROLE", "APPROVER_IS_APPLICANT", "GAS_ANALYSIS_REQUIRED", "PERMIT_STATE"} <= refused


def test_validity_level_and_monitoring_refusals_name_the_rule_and_the_field(api, staff):
    eid = staff.enterprise_id
    r = staff.call(
        "POST", "/work-permits", "unit_supervisor", json=application(eid, "hot_work", spot(), 8.02, level="level_1")
    )
    assert (r.status_code, r.json["code"], r.json["details"]["rule"]) == (
        422,
        "PERMIT_VALIDITY_EXCEEDED",
        "hot_work.level_1.8h",
    )
    assert r.json["details"]["field"] == "body.ends_at"
    body = application(eid, "temporary_power", spot(), 15 * 24 + 1)
    assert (
        staff.call("POST", "/work-permits", "unit_supervisor", json=body).json["details"]["rule"]
        == "temporary_power.15d"
    )
    assert staff.apply({**body, "extension_reason": "检修期间持续供电"})["state"] == "draft"
    r = staff.call(
        "POST",
        "/work-permits",
        "unit_supervisor",
        json=application(eid, "work_at_height", spot(), height_m=16, level="II"),
    )
    assert (r.json["code"], r.json["details"]["derived"]) == ("PERMIT_LEVEL_MISMATCH", "III")
    r = staff.call(
        "POST", "/work-permits", "unit_supervisor", json=application(eid, "hot_work", spot(), level="special")
    )
    assert (r.status_code, r.json["code"]) == (422, "MONITOR_SENSOR_REQUIRED")
    park = make_park(api)  # another enterprise's detector is not a monitor for this one
    bad = application(eid, "hot_work", spot(), level="special", monitor_sensor_id=f"{eid}-TI-1")
    assert (
        staff.call("POST", "/work-permits", "unit_supervisor", json=bad).json["details"]["errors"][0]["field"]
        == "body.monitor_sensor_id"
    )
    other = {**bad, "monitor_sensor_id": park.tag}
    assert staff.call("POST", "/work-permits", "unit_supervisor", json=other).status_code == 404
    good = staff.apply({**bad, "monitor_sensor_id": f"{eid}-AT-1"})
    assert (good["level"], good["approval"]["authority_label"]) == ("special", "主管领导")
    assert staff.act(good["id"], "approve", "enterprise_manager", {}).json["code"] == "APPROVER_ROLE"
    assert staff.act(good["id"], "approve", "enterprise_leader", {}).json["state"] == "approved"
    night = staff.apply(application(eid, "hot_work", spot(), level="level_2", night_or_holiday=True))
    assert (night["level"], night["declared_level"]) == ("level_1", "level_2")


def test_a_ticket_for_work_long_past_or_more_than_a_year_ahead_is_422_and_the_list_still_reads(api, staff):
    """Found by the fuzzer: an excavation (no validity limit) from year 408 to 3248 was stored, and its list then
    answered 500 for the enterprise (the year came back as "408-03-12T...", which no client can read)."""
    eid = staff.enterprise_id
    day_ago = application(eid, "excavation", spot())
    day_ago.update(starts_at=iso(-25 * 60), ends_at=iso(60))
    ancient = {**day_ago, "starts_at": "0408-03-11T21:40:09-22:54", "ends_at": "3248-02-18T02:12:35.154840Z"}
    far = {**day_ago, "starts_at": iso(60), "ends_at": iso(367 * 24 * 60)}
    for body, field in ((day_ago, "body.starts_at"), (ancient, "body.starts_at"), (far, "body.ends_at")):
        r = staff.call("POST", "/work-permits", "unit_supervisor", json=body)
        assert (r.status_code, r.json["details"]["errors"][0]["field"]) == (422, field), r.json
    within = staff.apply({**day_ago, "starts_at": iso(-23 * 60), "ends_at": iso(300 * 24 * 60)})
    listed = staff.call("GET", f"/work-permits?enterprise_id={eid}", "enterprise_manager")
    assert listed.status_code == 200 and [p["id"] for p in listed.json["items"]] == [within["id"]]


def test_confined_space_needs_oxygen_in_its_window_and_lifting_takes_its_level_from_the_load(api, staff):
    eid = staff.enterprise_id
    permit = staff.apply(application(eid, "confined_space", spot(), 24))
    assert permit["approval"]["authority_label"] == "所在基层单位"
    assert staff.act(permit["id"], "approve", "unit_supervisor", {}, who="unit-head").json["state"] == "approved"
    low_o2 = {"sampled_at": iso(-2), "results": [{"gas": "氧气", "kind": "oxygen", "value": 19.4, "unit": "%vol"}]}
    r = staff.act(permit["id"], "gas-analyses", json=low_o2)
    assert r.json["passed"] is False and r.json["failures"][0]["rule"] == "gas.oxygen.confined_19.5_21"
    assert staff.act(permit["id"], "start").json["code"] == "GAS_ANALYSIS_REQUIRED"
    low_o2["results"][0]["value"] = 19.5
    assert staff.act(permit["id"], "gas-analyses", json=low_o2).json["passed"] is True
    assert staff.act(permit["id"], "start").json["state"] == "active"
    r = staff.call(
        "POST", "/work-permits", "unit_supervisor", json=application(eid, "lifting", spot(), 6, load_t=100.5)
    )
    assert r.json["details"]["errors"][0]["field"] == "body.lifting_plan"
    lift = staff.apply(application(eid, "lifting", spot(), 6, load_t=100.5, lifting_plan="DZ-2026-007"))
    assert (lift["level"], lift["approval"]["authority_label"]) == ("level_1", "主管厂长或总工程师")
    height = staff.apply(application(eid, "work_at_height", spot(), 7 * 24, height_m=4, hazard_factors=["rescue"]))
    assert height["level"] == "II"


def test_one_blind_plate_per_pipe_and_no_hot_work_within_30_m(api, staff):
    eid, (lat, lon) = staff.enterprise_id, spot()
    plate = staff.apply(application(eid, "blind_plate", (lat, lon), pipe="LN-101"))
    second = staff.apply(application(eid, "blind_plate", (lat, lon), pipe="LN-101"))  # drafts hold nothing yet
    assert staff.act(plate["id"], "approve", "unit_supervisor", {}, who="u1").status_code == 200
    r = staff.act(second["id"], "approve", "unit_supervisor", {}, who="u1")
    assert (r.status_code, r.json["code"], r.json["details"]["permit_id"]) == (
        409,
        "BLIND_PLATE_PIPE_BUSY",
        plate["id"],
    )
    r = staff.call(
        "POST", "/work-permits", "unit_supervisor", json=application(eid, "blind_plate", (lat, lon), pipe="LN-101")
    )
    assert r.json["code"] == "BLIND_PLATE_PIPE_BUSY"
    assert staff.apply(application(eid, "blind_plate", (lat, lon), pipe="LN-102"))["state"] == "draft"
    near = application(eid, "hot_work", (lat + 0.00018, lon), level="level_2")  # ≈ 20 m
    r = staff.call("POST", "/work-permits", "unit_supervisor", json=near)
    assert (r.status_code, r.json["code"]) == (409, "HOT_WORK_NEAR_BLIND_PLATE")
    assert (
        staff.apply(application(eid, "hot_work", (lat + 0.00036, lon), level="level_2"))["state"] == "draft"
    )  # ≈ 40 m
    assert staff.act(plate["id"], "cancel", json={"reason": "改期"}).json["state"] == "cancelled"
    assert staff.apply(near)["state"] == "draft"  # the plate no longer holds its 30 m


def test_lists_live_permits_the_map_and_tenancy(api, staff):
    eid = staff.enterprise_id
    live = staff.approved_and_started(application(eid, "hot_work", spot(), level="level_2"))
    draft = staff.apply(application(eid, "excavation", spot()))
    mine = staff.call("GET", "/work-permits?limit=200", "enterprise_manager").json["items"]
    assert {live["id"], draft["id"]} <= {p["id"] for p in mine} and {p["enterprise_id"] for p in mine} == {eid}
    active = staff.call("GET", "/work-permits/active?type=hot_work", "enterprise_manager").json["items"]
    assert [p["id"] for p in active] == [live["id"]]
    r = api.get(f"/map/work-permits.geojson?enterprise_id={eid}", role="duty_officer")
    assert r.headers["Content-Type"] == "application/geo+json"
    (feature,) = r.json["features"]
    loc = live["location"]
    assert feature["id"] == live["id"] and feature["geometry"]["coordinates"] == [loc["lon"], loc["lat"]]
    other = Staff(api, make_park(api).enterprise_id)
    assert other.call("GET", f"/work-permits/{live['id']}", "enterprise_manager").status_code == 404
    assert other.act(live["id"], "suspend", json={"reason": "x"}).status_code == 404
    assert other.call("GET", f"/work-permits?enterprise_id={eid}", "enterprise_manager").status_code == 403
    assert other.call("GET", "/map/work-permits.geojson", "enterprise_manager").json["features"] == []
    assert (
        other.call(
            "POST", "/work-permits", "enterprise_manager", json=application(eid, "excavation", spot())
        ).status_code
        == 403
    )
    park_list = api.get(f"/work-permits?state=active&enterprise_id={eid}", role="park_admin").json["items"]
    assert [p["id"] for p in park_list] == [live["id"]]


def test_excavation_and_road_closure_are_approved_only_after_their_countersignatures(api, staff):
    eid = staff.enterprise_id
    dig = staff.apply(application(eid, "excavation", spot()))
    assert dig["approval"]["countersign_required"] == [
        "water",
        "power",
        "steam",
        "process",
        "equipment",
        "fire",
        "safety",
    ]
    r = staff.act(dig["id"], "approve", "unit_supervisor", {}, who="prof-dept")
    assert (r.status_code, r.json["code"], len(r.json["details"]["missing"])) == (409, "COUNTERSIGN_MISSING", 7)
    for department in ("water", "power", "steam", "process", "equipment", "fire"):
        r = staff.act(
            dig["id"], "countersign", json={"department": department, "comment": "同意"}, who=f"{department}-head"
        )
        assert r.status_code == 200 and r.json["state"] == "draft"
    again = staff.act(dig["id"], "countersign", json={"department": "fire"}, who="fire-head")
    assert (again.status_code, again.json["code"]) == (409, "COUNTERSIGN_EXISTS")
    r = staff.act(dig["id"], "approve", "unit_supervisor", {}, who="prof-dept")
    assert r.json["details"]["missing"] == ["safety"]
    staff.act(dig["id"], "countersign", json={"department": "safety"}, who="safety-head")
    approved = staff.act(dig["id"], "approve", "unit_supervisor", {}, who="prof-dept").json
    assert approved["state"] == "approved" and set(approved["countersigns"]) == set(
        dig["approval"]["countersign_required"]
    )
    late = staff.act(dig["id"], "countersign", json={"department": "water"})
    assert late.json["code"] == "PERMIT_STATE"

    road = staff.apply(application(eid, "road_closure", spot()))
    wrong = staff.act(road["id"], "countersign", json={"department": "water"})
    assert (wrong.status_code, wrong.json["details"]["errors"][0]["field"]) == (422, "body.department")
    hot = staff.apply(application(eid, "hot_work", spot(), level="level_2"))
    assert staff.act(hot["id"], "countersign", json={"department": "fire"}).status_code == 422  # nothing to countersign
    for department in ("fire", "safety"):
        staff.act(road["id"], "countersign", json={"department": department})
    assert staff.act(road["id"], "approve", "unit_supervisor", {}, who="prof-dept").json["state"] == "approved"
    trail = [e["action"] for e in staff.call("GET", f"/work-permits/{road['id']}", "enterprise_manager").json["events"]]
    assert trail == ["created", "countersign", "countersign", "approve"]


def test_temporary_power_in_a_fire_explosion_area_starts_only_after_a_passing_flammable_analysis(api, staff):
    eid = staff.enterprise_id
    inside = staff.apply(application(eid, "temporary_power", spot(), 48, fire_explosion_area=True))
    outside = staff.apply(application(eid, "temporary_power", spot(), 48))
    for permit in (inside, outside):
        assert staff.act(permit["id"], "approve", "unit_supervisor", {}, who="power-unit").json["state"] == "approved"
    assert staff.act(inside["id"], "start").json["code"] == "GAS_ANALYSIS_REQUIRED"
    assert staff.act(outside["id"], "start").json["state"] == "active"
    staff.act(inside["id"], "gas-analyses", json=methane(0.1))
    assert staff.act(inside["id"], "start").json["state"] == "active"


def test_deep_excavation_near_buried_hazard_lines_follows_the_confined_space_gas_rules(api, staff):
    eid = staff.enterprise_id
    body = application(eid, "excavation", spot(), depth_m=1.5, near_buried_hazard_lines=True)
    dig = staff.apply(body)
    assert dig["gas_rules"] == "confined_space"
    for department in dig["approval"]["countersign_required"]:
        staff.act(dig["id"], "countersign", json={"department": department})
    assert staff.act(dig["id"], "approve", "unit_supervisor", {}, who="prof-dept").json["state"] == "approved"
    assert staff.act(dig["id"], "start").json["code"] == "GAS_ANALYSIS_REQUIRED"
    no_o2 = {
        "sampled_at": iso(-2),
        "results": [{"gas": "甲烷", "kind": "flammable", "value": 0.1, "unit": "%vol", "lel_pct": 5}],
    }
    assert (
        staff.act(dig["id"], "gas-analyses", json=no_o2).json["failures"][0]["rule"]
        == "gas.confined_space.needs_oxygen"
    )
    assert staff.act(dig["id"], "gas-analyses", json=methane()).json["passed"] is True
    assert staff.act(dig["id"], "start").json["state"] == "active"
    shallow = staff.apply({**body, "depth_m": 1.2})
    assert shallow["gas_rules"] is None
