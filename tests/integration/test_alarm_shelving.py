"""Shelving per ISA-18.2 (issue 10, finding 5): who may shelve which priority and for how long, no repeated
shelve by a tenant, a notice to the officer on duty for every shelve, unshelve and expiry, the shelved list."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from chalicelib.alarms import service as alarms
from chalicelib.core import clock
from chalicelib.telemetry import caches
from chalicelib.telemetry import service as telemetry
from chalicelib.warnings.service import intake
from tests.support import batch, make_park, message, now, sms_to

_n = itertools.count()
HALVES = [
    {"id": "am", "name": "上半天", "start": "00:00", "end": "12:00"},
    {"id": "pm", "name": "下半天", "start": "12:00", "end": "00:00"},
]


@pytest.fixture(autouse=True)
def _fresh_caches():
    caches.reset_caches()
    yield
    caches.reset_caches()


@pytest.fixture
def officer(api: Any) -> str:
    """A roster (two half-day shifts, yesterday to tomorrow) with one officer: the phone, unique to this test."""
    phone = f"1361{next(_n):03d}{now() % 10000:04d}"
    person = {"subject": "duty-shelve", "name": "值守员", "phone": phone}
    boss = {"subject": "boss", "name": "值班长", "phone": "13600009999"}
    today = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).date()
    assignments = [
        {
            "date": (today + dt.timedelta(days=d)).isoformat(),
            "shift_id": h["id"],
            "officers": [person],
            "supervisor": boss,
            "safety_head": boss,
        }
        for d in (-1, 0, 1)
        for h in HALVES
    ]
    r = api.put("/duty/roster", role="park_admin", json={"shifts": HALVES, "assignments": assignments})
    assert r.status_code == 200, r.json
    return phone


def _alarms(api: Any, park: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """Raise H on the chlorine detector (high priority) and H on the temperature (medium)."""
    telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, now(), 1.5), (park.temp_tag, now(), 65)])))
    items = api.get(f"/alarms?installation_id={park.installation_id}", role="park_admin").json["items"]
    return {(a["tag_id"], a["condition"]): a for a in items}


def notices(phone: str) -> list[str]:
    """Shelving notices a phone got (the officer on duty also gets the warning verification's SMS)."""
    return [t for t in sms_to(phone) if "搁置" in t]


def _shelve(api: Any, alarm_id: str, role: str, duration_s: int, enterprise_id: str | None = None) -> Any:
    body = {"duration_s": duration_s, "reason": "探头标定"}
    return api.post(f"/alarms/{alarm_id}/shelve", role=role, enterprise_id=enterprise_id, json=body)


def test_role_matrix_for_shelving_by_priority(api):
    park = make_park(api)
    raised = _alarms(api, park)
    high, medium = raised[(park.tag, "H")], raised[(park.temp_tag, "H")]
    assert (high["priority"], medium["priority"]) == ("high", "medium")
    tenant = {"role": "enterprise_manager", "enterprise_id": park.enterprise_id}

    refused = _shelve(api, high["id"], duration_s=600, **tenant)
    assert refused.status_code == 403 and refused.json["code"] == "ALARM_SHELVE_NOT_PERMITTED"
    assert _shelve(api, high["id"], "inspector", 600).status_code == 403  # not a shelving role at all
    too_long = _shelve(api, medium["id"], duration_s=5 * 3600, **tenant)  # medium: at most 4 h by default
    assert too_long.status_code == 422 and too_long.json["details"]["errors"][0]["field"] == "body.duration_s"
    ok = _shelve(api, medium["id"], duration_s=3600, **tenant)
    assert ok.status_code == 200 and ok.json["state"] == "shelved" and ok.json["shelved_by"]
    again = _shelve(api, medium["id"], duration_s=600, **tenant)
    assert again.status_code == 409 and again.json["code"] == "ALARM_ALREADY_SHELVED"

    assert _shelve(api, high["id"], "duty_officer", 3 * 3600).status_code == 422  # high: at most 2 h
    first = _shelve(api, high["id"], "duty_officer", 600)
    assert first.status_code == 200 and first.json["state"] == "shelved"
    extended = _shelve(api, high["id"], "commander", 7200)  # park duty roles may extend, within the limit
    assert extended.status_code == 200 and extended.json["shelved_until"] > first.json["shelved_until"]
    history = api.get(f"/alarms/{high['id']}", role="park_admin").json["history"]
    shelves = [h for h in history if h["type"] == "shelved"]
    assert [h["extended"] for h in shelves] == [False, True]
    assert shelves[1]["until"] == extended.json["shelved_until"] and shelves[1]["reason"] == "探头标定"


def test_every_shelve_unshelve_and_expiry_notifies_the_officer_on_duty(api, officer):
    park = make_park(api)
    alarm = _alarms(api, park)[(park.tag, "H")]
    assert _shelve(api, alarm["id"], "duty_officer", 600).status_code == 200
    texts = notices(officer)
    assert len(texts) == 1 and "报警搁置通知" in texts[0] and "探头标定" in texts[0]
    assert api.post(f"/alarms/{alarm['id']}/unshelve", role="park_admin", json={}).status_code == 200
    texts = notices(officer)
    assert len(texts) == 2 and "解除搁置" in texts[1] and "仍处于激活状态" in texts[1]

    assert _shelve(api, alarm["id"], "duty_officer", 60).status_code == 200
    with clock.use(clock.FrozenClock(clock.now_ms() + 61_000)):
        counts = alarms.sweep()
    assert counts["unshelved"] >= 1
    texts = notices(officer)
    assert len(texts) == 4 and "搁置到期" in texts[3]
    detail = api.get(f"/alarms/{alarm['id']}", role="park_admin").json
    timeline = [(h["type"], h["by"]) for h in detail["history"]]
    assert timeline[1:] == [
        ("shelved", "user-duty_officer"),
        ("unshelved", "user-park_admin"),
        ("renotified", "user-park_admin"),
        ("shelved", "user-duty_officer"),
        ("shelve_expired", "system"),
        ("renotified", "system"),
    ]
    assert detail["alarm"]["state"] == "unack"


def test_shelved_alarms_are_listed_with_who_why_and_until_when(api):
    park, other = make_park(api), make_park(api)
    mine = _alarms(api, park)[(park.temp_tag, "H")]
    theirs = _alarms(api, other)[(other.temp_tag, "H")]
    for a, p in ((mine, park), (theirs, other)):
        r = _shelve(api, a["id"], "enterprise_manager", 1800, enterprise_id=p.enterprise_id)
        assert r.status_code == 200
    listed = api.get("/alarms?state=shelved&limit=200", role="duty_officer").json["items"]
    shown = {a["id"]: a for a in listed}
    assert {mine["id"], theirs["id"]} <= set(shown)
    entry = shown[mine["id"]]
    assert entry["shelved_by"] == "user-enterprise_manager" and entry["shelve_reason"] == "探头标定"
    shelved = dt.datetime.fromisoformat(entry["shelved_until"]) - dt.datetime.fromisoformat(entry["shelved_at"])
    assert shelved == dt.timedelta(seconds=1800)
    own = api.get("/alarms?state=shelved", role="enterprise_manager", enterprise_id=park.enterprise_id).json
    assert [a["id"] for a in own["items"]] == [mine["id"]]


def test_a_shelved_high_alarm_still_starts_its_verification(stack, monkeypatch):
    """Shelving hides an alarm from annunciation, never from the park's warning verification."""
    started: list[dict[str, Any]] = []
    monkeypatch.setattr(intake, "open_new", lambda doc, slot, by: started.append(doc))
    alarm = {
        "id": f"alm_{next(_n)}_{now()}",
        "tag_id": f"TAG-{now()}",
        "enterprise_id": "ent_x",
        "condition": "HH",
        "priority": "urgent",
        "state": "shelved",
        "value": 3.0,
    }
    assert intake.from_alarm({"type": "reactivated", "alarm": alarm}) is not None
    assert [d["alarm_ids"] for d in started] == [[alarm["id"]]]
    held = {**alarm, "id": "alm_other", "tag_id": f"TAG-OOS-{now()}", "state": "out_of_service"}
    assert intake.from_alarm({"type": "reactivated", "alarm": held}) is None
