"""Duty roster (7x24), who is on duty now, and shift handovers with carried-over warnings and alarms."""

from __future__ import annotations

import datetime as dt

import pytest

from chalicelib.core import clock
from tests.support import ms_of

DAY = {"id": "day", "name": "白班", "start": "08:00", "end": "20:00"}
NIGHT = {"id": "night", "name": "夜班", "start": "20:00", "end": "08:00"}


def person(n: int) -> dict:
    return {"subject": f"duty-{n}", "name": f"值守{n}", "phone": f"1370000{n:04d}"}


def local_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def roster(api):
    today = local_now().date()
    assignments = []
    for d in (-1, 0, 1):
        day = (today + dt.timedelta(days=d)).isoformat()
        assignments += [
            {
                "date": day,
                "shift_id": "day",
                "officers": [person(1)],
                "supervisor": person(2),
                "safety_head": person(9),
            },
            {
                "date": day,
                "shift_id": "night",
                "officers": [person(3)],
                "supervisor": person(4),
                "safety_head": person(9),
            },
        ]
    r = api.put("/duty/roster", role="park_admin", json={"shifts": [DAY, NIGHT], "assignments": assignments})
    assert r.status_code == 200, r.json
    return assignments


def on_day_shift() -> bool:
    return 8 <= local_now().hour < 20


def test_shifts_must_cover_the_day_exactly(api):
    gap = api.put("/duty/roster", role="park_admin", json={"shifts": [DAY]})
    assert gap.status_code == 422 and gap.json["details"]["reason"] == "gap"
    overlap = api.put("/duty/roster", role="park_admin", json={"shifts": [DAY, {**NIGHT, "start": "19:00"}]})
    assert overlap.status_code == 422 and overlap.json["details"]["reason"] == "overlap"
    unknown = api.put(
        "/duty/roster",
        role="park_admin",
        json={
            "shifts": [DAY, NIGHT],
            "assignments": [
                {
                    "date": "2026-01-01",
                    "shift_id": "evening",
                    "officers": [person(1)],
                    "supervisor": person(2),
                    "safety_head": person(9),
                }
            ],
        },
    )
    assert unknown.status_code == 422 and unknown.json["details"]["errors"][0]["field"] == "body.assignments.0.shift_id"


def test_current_duty_follows_the_clock(api, roster):
    current = api.get("/duty/current", role="duty_officer").json
    expected = "day" if on_day_shift() else "night"
    assert current["shift_id"] == expected
    assert current["next_shift_id"] == ("night" if expected == "day" else "day")
    assert current["officers"][0]["subject"] == ("duty-1" if expected == "day" else "duty-3")
    assert api.get("/duty/current", role="enterprise_manager", enterprise_id="ent_x").status_code == 403


def test_handover_carries_open_items_and_only_the_incoming_shift_acknowledges(api, roster):
    created = api.post("/duty/handovers", role="duty_officer", json={"notes": "氯气报警已处置，继续关注"})
    assert created.status_code == 201, created.json
    h = created.json
    assert h["status"] == "pending" and isinstance(h["open_warnings"], list) and isinstance(h["open_alarms"], list)
    incoming = "duty-3" if on_day_shift() else "duty-1"
    stranger = api.post(
        f"/duty/handovers/{h['id']}/ack", token=api.token("duty_officer", subject="someone-else"), json={}
    )
    assert stranger.status_code == 403 and stranger.json["code"] == "NOT_INCOMING_OFFICER"
    ok = api.post(
        f"/duty/handovers/{h['id']}/ack", token=api.token("duty_officer", subject=incoming), json={"notes": "已接班"}
    )
    assert ok.status_code == 200 and ok.json["status"] == "acknowledged" and ok.json["acked_by"] == incoming
    again = api.post(f"/duty/handovers/{h['id']}/ack", token=api.token("duty_officer", subject=incoming), json={})
    assert again.status_code == 409 and again.json["code"] == "HANDOVER_DONE"
    assert ms_of(ok.json["acked_at"]) <= clock.now_ms()
