"""Event alarms end to end under moto: raised by a context (service), seen and handled through the API with the
lifecycle, notifications, tenancy and linkage context of reading alarms (docs/alarms.md, "Event alarms")."""

from __future__ import annotations

import itertools
import random
import threading
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.alarms import service as alarms
from chalicelib.alarms.schemas import EventAlarm
from chalicelib.core import clock
from chalicelib.core.schemas import Priority
from chalicelib.telemetry import service as telemetry
from tests.support import TopicTap, batch, make_park, message, now, sms_to, wait_for

_n = itertools.count()
_run = random.Random().randrange(10**6)  # keys of their own: the stack is shared by every test of the process


def key() -> str:
    return f"gate-{_run}-{next(_n)}"


def event(k: str, enterprise_id: str | None, **kw: Any) -> EventAlarm:
    return EventAlarm(
        source=kw.pop("source", "access"),
        kind=kw.pop("kind", "gate_denied"),
        key=k,
        enterprise_id=enterprise_id,
        priority=kw.pop("priority", Priority.HIGH),
        title=kw.pop("title", "3号门拒绝通行：证件过期"),
        **kw,
    )


def detail(api: Any, alarm_id: str, role: str = "park_admin") -> dict[str, Any]:
    r = api.get(f"/alarms/{alarm_id}", role=role)
    assert r.status_code == 200, r.json
    return r.json


def types(d: dict[str, Any]) -> list[str]:
    return [h["type"] for h in d["history"]]


def test_raise_lists_notifies_and_publishes_the_alarm(api):
    park, tap, k = make_park(api), TopicTap(), key()
    alarm_id = alarms.raise_event_alarm(event(k, park.enterprise_id, installation_id=park.installation_id))
    listed = api.get(
        f"/alarms?enterprise_id={park.enterprise_id}&source=access&kind=gate_denied", role="park_admin"
    ).json["items"]
    assert [a["id"] for a in listed] == [alarm_id]
    a = listed[0]
    assert (a["source"], a["kind"], a["key"], a["state"], a["priority"]) == (
        "access",
        "gate_denied",
        k,
        "unack",
        "high",
    )
    assert a["tag_id"] == f"access#{k}" and a["condition"] == "gate_denied" and a["count"] == 1
    assert a["condition_label"] == a["title"] == "3号门拒绝通行：证件过期"
    readings = api.get(f"/alarms?enterprise_id={park.enterprise_id}&source=telemetry", role="park_admin").json
    assert alarm_id not in {i["id"] for i in readings["items"]}
    texts = sms_to(park.manager_phone)
    assert len(texts) == 1 and "3号门拒绝通行" in texts[0] and "测试化工" in texts[0]
    raised = [m for m in tap.messages() if m["body"]["alarm"]["id"] == alarm_id]
    assert [m["attributes"]["event_type"] for m in raised] == ["raised"]
    assert raised[0]["attributes"]["source"] == "access" and raised[0]["attributes"]["condition"] == "gate_denied"
    assert raised[0]["attributes"]["enterprise_id"] == park.enterprise_id


def test_raising_again_while_open_updates_the_same_alarm(api):
    park, k = make_park(api), key()
    first = alarms.raise_event_alarm(event(k, park.enterprise_id, details={"gate_id": "g3"}))
    again = alarms.raise_event_alarm(event(k, park.enterprise_id, title="3号门再次拒绝通行", details={"plate": "苏E1"}))
    assert again == first
    d = detail(api, first)
    assert d["alarm"]["count"] == 2 and d["alarm"]["title"] == "3号门再次拒绝通行"
    assert d["alarm"]["details"] == {"gate_id": "g3", "plate": "苏E1"}
    assert types(d) == ["raised", "repeated"]
    assert len(sms_to(park.manager_phone)) == 1  # a repeat of an active alarm is not annunciated again
    higher = alarms.raise_event_alarm(event(k, park.enterprise_id, priority=Priority.URGENT))
    d = detail(api, higher)
    assert higher == first and d["alarm"]["priority"] == "urgent" and types(d)[-2:] == ["repeated", "escalated"]
    assert len(sms_to(park.manager_phone)) == 2  # the higher priority is annunciated


def test_concurrent_raises_of_one_condition_give_one_alarm(api):
    park, k = make_park(api), key()
    start, ids, errors = threading.Barrier(4), [], []

    def worker() -> None:
        try:
            start.wait()
            ids.append(alarms.raise_event_alarm(event(k, park.enterprise_id)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors and len(set(ids)) == 1
    listed = api.get(f"/alarms?enterprise_id={park.enterprise_id}&source=access", role="park_admin").json["items"]
    assert [a["id"] for a in listed] == ids[:1]
    d = detail(api, ids[0])
    assert d["alarm"]["count"] == 4 and types(d) == ["raised", "repeated", "repeated", "repeated"]
    assert [h["seq"] for h in d["history"]] == [1, 2, 3, 4]


def test_clear_returns_to_normal_and_the_next_raise_opens_a_new_alarm(api):
    park, k = make_park(api), key()
    assert alarms.clear_event_alarm("access", k) is None  # nothing open
    first = alarms.raise_event_alarm(event(k, park.enterprise_id))
    assert alarms.clear_event_alarm("access", k) == first
    assert detail(api, first)["alarm"]["state"] == "rtn_unack"
    assert alarms.raise_event_alarm(event(k, park.enterprise_id)) == first  # back while unacknowledged: re-alarms
    assert types(detail(api, first))[-1] == "reactivated"
    r = api.post(f"/alarms/{first}/ack", role="duty_officer", json={"comment": "已到现场"})
    assert r.status_code == 200 and r.json["state"] == "ack"
    assert alarms.clear_event_alarm("access", k) == first
    d = detail(api, first)
    assert d["alarm"]["state"] == "normal" and types(d)[-2:] == ["cleared", "closed"]
    assert alarms.clear_event_alarm("access", k) is None
    second = alarms.raise_event_alarm(event(k, park.enterprise_id))
    assert second != first and detail(api, second)["alarm"]["count"] == 1


def test_park_owned_alarms_are_seen_by_park_roles_only(api):
    park, k = make_park(api), key()
    alarm_id = alarms.raise_event_alarm(event(k, None, source="public_area", kind="intrusion", title="东区围界入侵"))
    seen = detail(api, alarm_id, role="duty_officer")["alarm"]
    assert seen["enterprise_id"] == "_park" and seen["area"] == "_park"
    parks = api.get("/alarms?enterprise_id=_park&source=public_area&kind=intrusion&limit=200", role="park_admin")
    assert alarm_id in {a["id"] for a in parks.json["items"]}
    mine = {"role": "enterprise_manager", "enterprise_id": park.enterprise_id}
    assert api.get(f"/alarms/{alarm_id}", **mine).status_code == 404
    assert api.get(f"/alarms/{alarm_id}/context", **mine).status_code == 404
    assert api.post(f"/alarms/{alarm_id}/ack", json={}, **mine).status_code == 404
    assert api.post(f"/alarms/{alarm_id}/close", json={"comment": "误报"}, **mine).status_code == 404
    assert api.get("/alarms?enterprise_id=_park", **mine).status_code == 403
    listed = api.get("/alarms?source=public_area&limit=200", **mine).json["items"]
    assert alarm_id not in {a["id"] for a in listed}
    assert detail(api, alarm_id)["alarm"]["state"] == "unack"  # untouched by the refused calls


def test_a_park_owned_alarm_naming_an_installation_stays_out_of_the_enterprises_views(api):
    park, k = make_park(api), key()
    alarm_id = alarms.raise_event_alarm(
        event(k, None, source="patrol", kind="checkpoint_missed", installation_id=park.installation_id)
    )
    assert detail(api, alarm_id)["alarm"]["area"] == "_park"
    mine = {"role": "enterprise_manager", "enterprise_id": park.enterprise_id}
    listed = api.get(f"/alarms?installation_id={park.installation_id}", **mine).json["items"]
    assert alarm_id not in {a["id"] for a in listed}
    risk = api.get(f"/risk/installations/{park.installation_id}", **mine).json
    assert alarm_id not in {a["id"] for a in risk["active_alarms"]}
    parks = api.get(f"/alarms?installation_id={park.installation_id}", role="park_admin").json["items"]
    assert alarm_id in {a["id"] for a in parks}


def test_operators_close_event_alarms_but_not_reading_alarms(api):
    park, k = make_park(api), key()
    alarm_id = alarms.raise_event_alarm(event(k, park.enterprise_id, priority=Priority.MEDIUM))
    mine = {"role": "enterprise_manager", "enterprise_id": park.enterprise_id}
    assert api.post(f"/alarms/{alarm_id}/close", json={}, **mine).status_code == 422
    r = api.post(f"/alarms/{alarm_id}/close", json={"comment": "车辆已劝离"}, **mine)
    assert r.status_code == 200 and r.json["state"] == "normal"
    assert types(detail(api, alarm_id)) == ["raised", "acked", "cleared", "closed"]
    again = api.post(f"/alarms/{alarm_id}/close", json={"comment": "再次关闭"}, **mine)
    assert again.status_code == 409 and again.json["code"] == "ALARM_INVALID_TRANSITION"
    audit = api.get(f"/audit/records?target={alarm_id}", role="auditor").json["items"]
    assert "alarms.close_alarm" in {i["action"] for i in audit}
    assert alarms.raise_event_alarm(event(k, park.enterprise_id)) != alarm_id  # closed: a new alarm
    telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, now(), 1.5)])))
    reading = api.get(f"/alarms?tag_id={park.tag}", role="park_admin").json["items"][0]
    refused = api.post(f"/alarms/{reading['id']}/close", json={"comment": "不应关闭"}, role="duty_officer")
    assert refused.status_code == 409 and refused.json["code"] == "ALARM_INVALID_TRANSITION"


def test_unacknowledged_event_alarms_escalate_and_shelve_like_reading_alarms(api):
    park, k = make_park(api), key()
    alarm_id = alarms.raise_event_alarm(event(k, park.enterprise_id, priority=Priority.MEDIUM))
    with clock.use(clock.FrozenClock(clock.now_ms() + 601_000)):
        alarms.sweep()
    d = detail(api, alarm_id)
    assert d["alarm"]["priority"] == "high" and types(d)[-1] == "escalated"
    assert len(sms_to(park.manager_phone)) == 2  # raised, escalated
    r = api.post(f"/alarms/{alarm_id}/shelve", role="duty_officer", json={"duration_s": 600, "reason": "门禁检修"})
    assert r.status_code == 200 and r.json["state"] == "shelved"
    r = api.post(f"/alarms/{alarm_id}/comments", role="inspector", json={"text": "已通知保安"})
    assert r.status_code == 201
    assert types(detail(api, alarm_id))[-2:] == ["shelved", "commented"]


def test_event_alarms_count_in_the_kpis(api):
    park = make_park(api)
    for _ in range(2):
        alarms.raise_event_alarm(event(key(), park.enterprise_id))
    start = clock.now_ms() - 3_600_000
    q = f"from={clock.iso(start)}&to={clock.iso(clock.now_ms() + 60_000)}&enterprise_id={park.enterprise_id}"
    kpis = api.get(f"/alarms/kpis?{q}".replace("+", "%2B"), role="park_admin").json
    assert kpis["events"]["raised"] == 2 and kpis["total"] == 2
    assert {t["condition"] for t in kpis["top10"]} == {"gate_denied"}


def test_context_is_found_around_where_the_event_happened(api):
    park = make_park(api)
    lat, lon = 25.0 + random.random(), 105.0 + random.random()  # a place of its own
    camera = f"3402000000132{random.randrange(10**7):07d}"
    r = api.post(
        "/cameras",
        role="park_admin",
        json={
            "id": camera,
            "enterprise_id": park.enterprise_id,
            "name": "卡口球机",
            "location": {"lat": lat, "lon": lon},
        },
    )
    assert r.status_code == 201, r.json
    far = api.post(
        "/resources",
        role="park_admin",
        json={
            "kind": "team",
            "name": "消防队",
            "location": {"lat": lat + 0.005, "lon": lon},
            "contact": {"name": "张队长", "phone": "13800000021"},
            "details": {"members": 10, "specialties": ["灭火"]},
        },
    )
    assert far.status_code == 201, far.json
    alarm_id = alarms.raise_event_alarm(
        event(key(), None, source="public_area", kind="early_fire", title="西区烟火", lat=lat + 0.001, lon=lon)
    )
    ctx = api.get(f"/alarms/{alarm_id}/context", role="commander").json
    assert ctx["location"] == {"lat": lat + 0.001, "lon": lon} and ctx["sensor"] is None
    assert [c["id"] for c in ctx["cameras"]] == [camera] and 100 < ctx["cameras"][0]["distance_m"] < 120
    assert far.json["id"] in [x["id"] for x in ctx["resources"]]
    assert ctx["plan_basis"]["accident_types"] == ["fire", "explosion"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"source": "telemetry"}, "source"),
        ({"source": "Access"}, "source"),
        ({"kind": "gate denied"}, "kind"),
        ({"key": ""}, "key"),
        ({"lat": 31.9}, "lat"),
    ],
)
def test_an_event_alarm_is_validated(change, field):
    body = {"source": "access", "kind": "gate_denied", "key": "k", "enterprise_id": None, "priority": "high"}
    with pytest.raises(ValidationError) as raised:
        EventAlarm.model_validate({**body, "title": "t", **change})
    assert field in str(raised.value)


def test_a_high_event_alarm_starts_a_warning_verification_titled_by_the_event(api, monkeypatch):
    """The warnings intake hears event alarms on `alarm-events` like reading alarms (one warning per point)."""
    from chalicelib.warnings.service import intake

    started: list[dict[str, Any]] = []
    monkeypatch.setattr(intake, "open_new", lambda doc, slot, by: started.append({**doc, "slot": slot}))
    k = key()
    alarm_id = alarms.raise_event_alarm(event(k, None, source="public_area", kind="early_fire", title="西区烟火"))
    wait_for("the warning intake", lambda: started)  # the topic's subscription (warning_intake) heard it
    assert [(d["title"], d["alarm_ids"], d["enterprise_id"]) for d in started] == [("西区烟火", [alarm_id], "_park")]
    assert started[0]["slot"] == f"tag:public_area#{k}"
