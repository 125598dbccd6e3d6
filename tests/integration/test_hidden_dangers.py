"""Hidden dangers (5.1.2-3): the lifecycle registered → rectifying → awaiting_acceptance → accepted, rejection
back to rectifying, four-eyes acceptance, refusals with their codes, and tenancy."""

from __future__ import annotations

from tests.integration.danger_support import Person, danger, enterprise, full_plan, in_hours
from tests.support import ms_of


def test_general_danger_through_rejection_to_acceptance_with_four_eyes(api):
    eid = enterprise(api)
    planner = Person(api, "enterprise_manager", eid, "mgr-planner")
    other_manager = Person(api, "enterprise_manager", eid, "mgr-other")
    inspector = Person(api, "inspector", None, "insp-1")
    r = planner.post("/hidden-dangers", danger(eid))
    assert r.status_code == 201, r.json
    hd = r.json
    assert (hd["state"], hd["level"], hd["overdue"]) == ("registered", "general", False)
    assert api.get(f"/supervision-orders?enterprise_id={eid}", role="park_admin").json["items"] == []

    r = planner.post(f"/hidden-dangers/{hd['id']}/submit", {"summary": "已整改"})
    assert (r.status_code, r.json["code"]) == (409, "DANGER_WRONG_STATE")  # 限期整改 needs its plan first
    r = planner.post(
        f"/hidden-dangers/{hd['id']}/plan", {"measures": "恢复接地", "responsible": "王工", "deadline": in_hours(24)}
    )
    assert (r.status_code, r.json["state"]) == (200, "rectifying")
    r = planner.post(f"/hidden-dangers/{hd['id']}/submit", {"summary": "已恢复接地，电阻 4 Ω"})
    assert (r.status_code, r.json["state"]) == (200, "awaiting_acceptance")

    r = planner.post(f"/hidden-dangers/{hd['id']}/accept", {"comment": "自己验收"})
    assert (r.status_code, r.json["code"]) == (403, "DANGER_FOUR_EYES")
    r = inspector.post(f"/hidden-dangers/{hd['id']}/reject", {"comment": "未附检测报告"})
    assert (r.status_code, r.json["state"]) == (200, "rectifying")
    assert r.json["rejections"][0]["comment"] == "未附检测报告"
    r = inspector.post(f"/hidden-dangers/{hd['id']}/reject", {"comment": "再次驳回"})
    assert (r.status_code, r.json["code"]) == (409, "DANGER_WRONG_STATE")

    r = other_manager.post(f"/hidden-dangers/{hd['id']}/submit", {"summary": "补充检测报告"})
    assert r.status_code == 200
    for person in (planner, other_manager):  # the planner and the (new) submitter are both excluded
        r = person.post(f"/hidden-dangers/{hd['id']}/accept", {"comment": "同意"})
        assert (r.status_code, r.json["code"]) == (403, "DANGER_FOUR_EYES")
    r = inspector.post(f"/hidden-dangers/{hd['id']}/accept", {"comment": "现场复核合格"})
    assert (r.status_code, r.json["state"]) == (200, "accepted")
    assert r.json["acceptance"]["by"] == "insp-1" and r.json["acceptance"]["comment"] == "现场复核合格"
    assert ms_of(r.json["acceptance"]["at"]) > 0
    r = planner.post(f"/hidden-dangers/{hd['id']}/plan", full_plan())
    assert (r.status_code, r.json["code"]) == (409, "DANGER_WRONG_STATE")

    detail = api.get(f"/hidden-dangers/{hd['id']}", role="park_admin").json
    assert [h["action"] for h in detail["history"]] == [
        "registered",
        "planned",
        "submitted",
        "rejected",
        "submitted",
        "accepted",
    ]
    assert detail["history"][-1]["actor"] == "insp-1"


def test_immediate_danger_is_submitted_without_a_plan(api):
    eid = enterprise(api)
    reporter = Person(api, "inspector", None, "insp-2")
    fixer = Person(api, "enterprise_manager", eid, "mgr-fix")
    hd = reporter.post("/hidden-dangers", danger(eid, handling="immediate", deadline=None)).json
    assert hd["state"] == "registered" and hd["deadline_at"] is None
    assert (
        fixer.post(f"/hidden-dangers/{hd['id']}/submit", {"summary": "当场恢复"}).json["state"] == "awaiting_acceptance"
    )
    # the registrant may accept: only the planner and the submitter are excluded
    assert reporter.post(f"/hidden-dangers/{hd['id']}/accept", {"comment": "合格"}).json["state"] == "accepted"


def test_registration_refusals_name_the_field(api):
    eid = enterprise(api)

    def refused(body, field, status=422):
        r = api.post("/hidden-dangers", role="park_admin", json=body)
        assert r.status_code == status, r.json
        assert field in {e["field"] for e in r.json["details"]["errors"]}, r.json
        return r.json

    refused(danger(eid, deadline=None), "body.deadline")
    refused(danger(eid, deadline=in_hours(-1)), "body.deadline")
    refused(danger(eid, major_criteria=[21]), "body.major_criteria.0")
    refused(danger(eid, source="gossip"), "body.source")
    refused(danger(eid, risk_unit_id="ru_nope"), "body.risk_unit_id")
    refused(danger(eid, check_record_id="ct_nope.0"), "body.check_record_id")
    refused(danger(eid, level="major", handling="immediate", deadline=None), "body.handling")
    r = api.post("/hidden-dangers", role="enterprise_manager", enterprise_id=eid, json=danger(enterprise(api)))
    assert (r.status_code, r.json["code"]) == (403, "ENTERPRISE_SCOPE")
    r = api.post("/hidden-dangers", role="analyst", json=danger(eid))
    assert (r.status_code, r.json["code"]) == (403, "FORBIDDEN")


def test_lists_filter_and_stay_in_the_tenant(api):
    a, b = enterprise(api), enterprise(api)
    mine = api.post("/hidden-dangers", role="park_admin", json=danger(a)).json
    theirs = api.post("/hidden-dangers", role="park_admin", json=danger(b, major_criteria=[2])).json
    listed = api.get("/hidden-dangers?limit=200", role="enterprise_manager", enterprise_id=a).json["items"]
    assert [d["id"] for d in listed] == [mine["id"]]
    r = api.get(f"/hidden-dangers/{theirs['id']}", role="enterprise_manager", enterprise_id=a)
    assert r.status_code == 404
    r = api.get(f"/hidden-dangers?enterprise_id={b}", role="enterprise_manager", enterprise_id=a)
    assert (r.status_code, r.json["code"]) == (403, "ENTERPRISE_SCOPE")
    majors = api.get(f"/hidden-dangers?enterprise_id={b}&level=major", role="park_admin").json["items"]
    assert [d["id"] for d in majors] == [theirs["id"]]
    assert api.get(f"/hidden-dangers?enterprise_id={b}&level=general", role="park_admin").json["items"] == []
    registered = api.get(f"/hidden-dangers?enterprise_id={a}&state=registered", role="park_admin").json["items"]
    assert [d["id"] for d in registered] == [mine["id"]]
    r = api.post(f"/hidden-dangers/{theirs['id']}/plan", role="enterprise_manager", enterprise_id=a, json=full_plan())
    assert r.status_code == 404
    assert api.get(f"/hidden-dangers/{theirs['id']}", role="park_admin").json["danger"]["state"] == "registered"


def test_marking_121_criteria_later_makes_a_danger_major_supervised_and_reported(api):
    eid = enterprise(api)
    manager = Person(api, "enterprise_manager", eid, "mgr-criteria")
    quick = manager.post("/hidden-dangers", danger(eid, handling="immediate", deadline=None)).json
    r = manager.post(f"/hidden-dangers/{quick['id']}/criteria", {"major_criteria": [15]})
    assert (r.status_code, r.json["details"]["errors"][0]["field"]) == (422, "body.deadline")  # 即查即改 has none
    r = manager.post(f"/hidden-dangers/{quick['id']}/criteria", {"major_criteria": [15], "deadline": in_hours(-1)})
    assert (r.status_code, r.json["details"]["errors"][0]["field"]) == (422, "body.deadline")
    r = manager.post(f"/hidden-dangers/{quick['id']}/criteria", {"major_criteria": [15], "deadline": in_hours(72)})
    assert r.status_code == 200, r.json
    assert (r.json["level"], r.json["handling"], r.json["major_criteria"]) == ("major", "deadline", [15])
    assert r.json["level_reasons"][0].startswith("121号第15项")
    orders = api.get(f"/supervision-orders?enterprise_id={eid}", role="park_admin").json["items"]
    assert [(o["danger_id"], o["reason"]) for o in orders] == [(quick["id"], "major")]
    sent = api.get(f"/hidden-dangers/{quick['id']}/regulator-messages", role="park_admin").json["items"]
    assert [m["record"]["dangerLevel"] for m in sent] == [1]
    r = manager.post(f"/hidden-dangers/{quick['id']}/submit", {"summary": "已更换安全阀"})
    assert (r.status_code, r.json["code"]) == (409, "DANGER_WRONG_STATE")  # 限期整改 now: its 治理方案 first
    assert manager.post(f"/hidden-dangers/{quick['id']}/plan", full_plan()).status_code == 200
    assert manager.post(f"/hidden-dangers/{quick['id']}/submit", {"summary": "已更换安全阀"}).status_code == 200
    r = manager.post(f"/hidden-dangers/{quick['id']}/criteria", {"major_criteria": [14]})
    assert (r.status_code, r.json["code"]) == (409, "DANGER_WRONG_STATE")  # submitted: too late to re-grade
