"""On-duty personnel (人员在岗在位, 5.1.2-1) over moto: key posts and rosters with their validation, presence
from check-ins and from the people-positions feed (fresh and stale), overnight shifts, the status view, the
vacancies the risk profile reads, and tenancy. Time is simulated with the one clock."""

from __future__ import annotations

from chalicelib.core import clock
from chalicelib.onduty import service as onduty
from tests.integration.onduty_support import (
    check_in,
    local_ms,
    make_post,
    person,
    post_body,
    roster,
    seen,
    site,
    status,
)

MIN = 60_000
FAR = (31.97, 120.905)  # about 2 km north of the installation


def _errors(r):
    return (
        r.status_code,
        r.json["code"],
        [e["field"] for e in r.json["details"].get("errors", [])] or [r.json["details"].get("field")],
    )


def test_posts_are_validated_naming_the_field(api):
    eid, ins = site(api)
    other, other_ins = site(api)
    mgr = {"role": "enterprise_manager", "enterprise_id": eid}
    r = api.post("/onduty/posts", json=post_body(eid, None, kind="shift_leader"), **mgr)
    assert _errors(r) == (422, "VALIDATION_FAILED", ["body.installation_id"])
    r = api.post("/onduty/posts", role="park_admin", json=post_body(eid, other_ins))
    assert _errors(r) == (422, "VALIDATION_FAILED", ["body.installation_id"])
    r = api.post("/onduty/posts", role="park_admin", json=post_body(eid, "ins_missing"))
    assert _errors(r) == (422, "VALIDATION_FAILED", ["body.installation_id"])
    overlapping = [
        {"id": "day", "name": "白班", "start": "08:00", "end": "20:00"},
        {"id": "late", "name": "中班", "start": "16:00", "end": "00:00"},
    ]
    r = api.post("/onduty/posts", json=post_body(eid, ins, shifts=overlapping), **mgr)
    assert _errors(r) == (422, "ONDUTY_INVALID_SHIFTS", ["body.shifts.1"])
    bad_day = [{"id": "day", "name": "白班", "start": "08:00", "end": "20:00", "days": [0, 8]}]
    r = api.post("/onduty/posts", json=post_body(eid, ins, shifts=bad_day), **mgr)
    assert _errors(r) == (422, "VALIDATION_FAILED", ["body.shifts.0.days"])
    r = api.post("/onduty/posts", json=post_body(other, other_ins), **mgr)
    assert (r.status_code, r.json["code"]) == (403, "ENTERPRISE_SCOPE")
    post_id = make_post(api, eid, ins)
    r = api.put(f"/onduty/posts/{post_id}", json=post_body(other, other_ins), role="park_admin")
    assert _errors(r) == (422, "VALIDATION_FAILED", ["body.enterprise_id"])
    renamed = api.put(f"/onduty/posts/{post_id}", json=post_body(eid, ins, name="氯气罐区班长"), **mgr)
    assert renamed.status_code == 200 and renamed.json["name"] == "氯气罐区班长"
    assert api.get(f"/onduty/posts/{post_id}", **mgr).json["shifts"][1]["end"] == "08:00:00"


def test_rosters_name_real_shifts_on_their_days_and_page_with_signed_cursors(api):
    eid, _ = site(api)
    office = [{"id": "office", "name": "常白班", "start": "08:30", "end": "17:30", "days": [1, 2, 3, 4, 5]}]
    post_id = make_post(api, eid, None, shifts=office)
    assert _errors(roster(api, eid, post_id, "2026-12-07", "night", person())) == (
        422,
        "VALIDATION_FAILED",
        ["body.assignments.0.shift_id"],
    )
    saturday = roster(api, eid, post_id, "2026-12-12", "office", person())
    assert _errors(saturday) == (422, "VALIDATION_FAILED", ["body.assignments.0.date"])
    same = person()
    assert _errors(roster(api, eid, post_id, "2026-12-07", "office", same, same))[2] == ["body.assignments.0.people"]
    for day in ("2026-12-07", "2026-12-08", "2026-12-09"):
        assert roster(api, eid, post_id, day, "office", person()).status_code == 200
    mgr = {"role": "enterprise_manager", "enterprise_id": eid}
    first = api.get(f"/onduty/posts/{post_id}/roster?from=2026-12-08&limit=1", **mgr).json
    assert [i["date"] for i in first["items"]] == ["2026-12-08"] and first["next_cursor"]
    rest = api.get(f"/onduty/posts/{post_id}/roster?from=2026-12-08&limit=1&cursor={first['next_cursor']}", **mgr)
    assert [i["date"] for i in rest.json["items"]] == ["2026-12-09"]
    forged = api.get(f"/onduty/posts/{post_id}/roster?cursor={first['next_cursor']}x", **mgr)
    assert (forged.status_code, forged.json["code"]) == (400, "INVALID_CURSOR")
    assert api.delete(f"/onduty/posts/{post_id}/roster/2026-12-08/office", **mgr).status_code == 204
    again = api.delete(f"/onduty/posts/{post_id}/roster/2026-12-08/office", **mgr)
    assert again.status_code == 404
    left = api.get(f"/onduty/posts/{post_id}/roster", **mgr).json["items"]
    assert [i["date"] for i in left] == ["2026-12-07", "2026-12-09"]


def test_check_in_and_out_make_the_post_present_then_vacant(api):
    eid, ins = site(api)
    post_id = make_post(api, eid, ins)
    leader, stranger = person(), person()
    frozen = clock.FrozenClock(local_ms(2026, 12, 7, 9))
    with clock.use(frozen):
        assert roster(api, eid, post_id, "2026-12-07", "day", leader).status_code == 200
        before = status(api, eid, post_id)
        assert (before["state"], before["vacant_since"][:16]) == ("vacant", "2026-12-07T00:00")  # 08:00 local
        assert _errors(check_in(api, eid, post_id, stranger["person_id"])) == (
            422,
            "ONDUTY_NOT_ROSTERED",
            ["body.person_id"],
        )
        far = check_in(api, eid, post_id, leader["person_id"], FAR)
        assert _errors(far) == (422, "ONDUTY_OUTSIDE_AREA", ["body.location"])
        r = check_in(api, eid, post_id, leader["person_id"])
        assert r.status_code == 201 and (r.json["date"], r.json["shift_id"]) == ("2026-12-07", "day"), r.json
        assert check_in(api, eid, post_id, leader["person_id"]).json["code"] == "ONDUTY_CHECKED_IN"
        now = status(api, eid, post_id)
        assert now["state"] == "present" and now["on_duty"][0]["via"] == "check_in"
        frozen.advance(3600)
        out = api.post(f"/onduty/check-ins/{r.json['id']}/check-out", role="enterprise_manager", enterprise_id=eid)
        assert out.status_code == 200 and out.json["checked_out_at"]
        twice = api.post(f"/onduty/check-ins/{r.json['id']}/check-out", role="enterprise_manager", enterprise_id=eid)
        assert (twice.status_code, twice.json["code"]) == (409, "ONDUTY_CHECKED_OUT")
        frozen.advance(60)
        after = status(api, eid, post_id)
        assert (after["state"], after["vacant_since"][:16]) == ("vacant", "2026-12-07T02:00")  # 10:00 local
        listed = api.get(f"/onduty/check-ins?post_id={post_id}", role="enterprise_manager", enterprise_id=eid)
        assert [c["id"] for c in listed.json["items"]] == [r.json["id"]]


def test_a_fresh_position_inside_the_area_counts_and_a_stale_one_does_not(api):
    eid, ins = site(api)
    post_id = make_post(api, eid, ins)
    leader, elsewhere = person(), person()
    frozen = clock.FrozenClock(local_ms(2026, 12, 7, 10))
    with clock.use(frozen):
        roster(api, eid, post_id, "2026-12-07", "day", leader, elsewhere)
        seen(api, eid, elsewhere["person_id"], FAR)  # on the roster, but not at the installation
        assert status(api, eid, post_id)["state"] == "vacant"
        seen(api, eid, leader["person_id"])
        frozen.advance(9 * 60)
        now = status(api, eid, post_id)
        assert now["state"] == "present" and {p["person_id"]: p["via"] for p in now["on_duty"]} == {
            leader["person_id"]: "position",
            elsewhere["person_id"]: None,
        }
        frozen.advance(60)  # 10 min after the fix: stale (onduty_position_fresh_s = 600)
        stale = status(api, eid, post_id)
        assert (stale["state"], stale["vacant_since"][:16]) == ("vacant", "2026-12-07T02:10")


def test_an_overnight_shift_holds_until_morning_and_the_day_shift_starts_vacant(api):
    eid, ins = site(api)
    post_id = make_post(api, eid, ins)
    night = person()
    frozen = clock.FrozenClock(local_ms(2026, 12, 7, 19, 30))
    with clock.use(frozen):
        roster(api, eid, post_id, "2026-12-07", "night", night)
        assert check_in(api, eid, post_id, night["person_id"]).status_code == 201  # half an hour early
        frozen.set(local_ms(2026, 12, 8, 3))
        s = status(api, eid, post_id)
        assert (s["state"], s["shift"]["id"], s["shift"]["date"]) == ("present", "night", "2026-12-07")
        assert onduty.vacancies(eid) == []
        frozen.set(local_ms(2026, 12, 8, 8, 20))
        s = status(api, eid, post_id)
        assert (s["state"], s["shift"]["id"], s["on_duty"]) == ("vacant", "day", [])
        assert s["vacant_since"][:16] == "2026-12-08T00:00" and s["alarm"] is True


def test_vacancies_count_only_posts_vacant_past_the_grace_period(api):
    eid, ins = site(api)
    leader_post = make_post(api, eid, ins)
    office = [{"id": "office", "name": "常白班", "start": "08:30", "end": "17:30", "days": [1, 2, 3, 4, 5]}]
    make_post(api, eid, None, kind="main_responsible", name="主要负责人", shifts=office)
    frozen = clock.FrozenClock(local_ms(2026, 12, 7, 8, 10))
    with clock.use(frozen):
        assert onduty.vacancies(eid) == []  # 10 min vacant: inside the 15 min grace
        frozen.set(local_ms(2026, 12, 7, 8, 15))
        (v,) = onduty.vacancies(eid)
        assert (v.post_id, v.installation_id, v.since_ms) == (leader_post, ins, local_ms(2026, 12, 7, 8))
        frozen.set(local_ms(2026, 12, 7, 9))
        assert [v.post_name for v in onduty.vacancies(eid)] == ["液氯储罐区当班班长", "主要负责人"]
        frozen.set(local_ms(2026, 12, 12, 9))  # Saturday: the office post is off shift
        assert [v.post_id for v in onduty.vacancies(eid)] == [leader_post]


def test_an_enterprise_sees_and_manages_only_its_own_posts(api):
    a, a_ins = site(api)
    b, b_ins = site(api)
    b_post = make_post(api, b, b_ins)
    mine = make_post(api, a, a_ins)
    as_a = {"role": "enterprise_manager", "enterprise_id": a}
    listed = api.get("/onduty/posts", **as_a).json["items"]
    assert [p["id"] for p in listed] == [mine]
    assert api.get(f"/onduty/posts/{b_post}", **as_a).status_code == 404
    assert api.get(f"/onduty/status?enterprise_id={b}", **as_a).json["code"] == "ENTERPRISE_SCOPE"
    assert [p["post_id"] for p in api.get("/onduty/status", **as_a).json["posts"]] == [mine]
    r = api.post(
        "/onduty/check-ins", json={"post_id": b_post, "person_id": "x", "location": {"lat": 0, "lon": 0}}, **as_a
    )
    assert r.status_code == 404
    assert api.delete(f"/onduty/posts/{b_post}", **as_a).status_code == 404
    assert api.get(f"/onduty/posts/{b_post}", role="park_admin").status_code == 200
    park = api.get("/onduty/status", role="park_admin")
    assert _errors(park) == (422, "VALIDATION_FAILED", ["query.enterprise_id"])


def test_a_position_another_enterprise_reports_for_the_same_person_id_does_not_fill_the_post(api):
    a, a_ins = site(api)
    b, _ = site(api)
    post_id = make_post(api, a, a_ins)
    leader = person()
    with clock.use(clock.FrozenClock(local_ms(2026, 12, 7, 10))):
        roster(api, a, post_id, "2026-12-07", "day", leader)
        seen(api, b, leader["person_id"])  # B's person of the same id, at A's installation
        assert status(api, a, post_id)["state"] == "vacant"
        seen(api, a, leader["person_id"])
        assert status(api, a, post_id)["state"] == "present"
