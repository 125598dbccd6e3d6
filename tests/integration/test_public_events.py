"""Public-area events (5.1.3) through the API: a report raises a park- or enterprise-owned event alarm with its
priority by kind and confidence, is idempotent by its event id, triggers the linkage rules of its kind (early
fire: broadcast and the nearest gate opened), and is listed tenant-scoped with signed cursors."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support import make_park

_n = itertools.count()
_run = random.Random().randrange(10**6)


def spot() -> tuple[float, float]:
    """A place of its own (the stack is shared): no other test's devices or rules near it."""
    return 10.0 + random.random() * 5, 70.0 + random.random() * 5


def body(at: tuple[float, float], **kw: Any) -> dict[str, Any]:
    return {
        "event_id": f"vca-{_run}-{next(_n)}",
        "kind": "intrusion",
        "location": {"lat": at[0], "lon": at[1]},
        "at": (datetime.now(UTC) - timedelta(seconds=5)).isoformat(),
        "confidence": 0.7,
        **kw,
    }


def report(api: Any, payload: dict[str, Any], role: str = "integration", **kw: Any) -> Any:
    return api.post("/public-events", role=role, json=payload, **kw)


def test_a_report_raises_a_park_owned_alarm_once(api):
    here = spot()
    first = report(api, body(here, snapshot_key="snapshots/a.jpg"))
    assert first.status_code == 201, first.json
    event = first.json
    assert event["enterprise_id"] is None and event["priority"] == "medium" and event["kind_label"] == "异常入侵"
    alarm = api.get(f"/alarms/{event['alarm_id']}", role="duty_officer").json["alarm"]
    assert (alarm["source"], alarm["kind"], alarm["enterprise_id"]) == ("public_area", "intrusion", "_park")
    assert alarm["details"]["snapshot_key"] == "snapshots/a.jpg" and alarm["lat"] == here[0]
    replay = report(api, {**body(here), "event_id": event["id"], "kind": "early_fire"})
    assert replay.status_code == 200 and replay.json == event  # the first report stands
    assert api.get(f"/alarms/{event['alarm_id']}", role="duty_officer").json["alarm"]["count"] == 1
    again = report(api, body(here))  # another detection at the same place: the same open alarm
    assert again.status_code == 201 and again.json["alarm_id"] == event["alarm_id"]
    assert api.get(f"/alarms/{event['alarm_id']}", role="duty_officer").json["alarm"]["count"] == 2


@pytest.mark.parametrize(
    ("kind", "confidence", "priority"),
    [
        ("early_fire", 0.95, "urgent"),
        ("early_fire", 0.7, "high"),
        ("intrusion", 0.3, "low"),
        ("crowding", 0.9, "high"),
        ("other", 0.2, "low"),
    ],
)
def test_priority_follows_kind_and_confidence(api, kind, confidence, priority):
    r = report(api, body(spot(), kind=kind, confidence=confidence))
    assert r.status_code == 201 and r.json["priority"] == priority
    alarm = api.get(f"/alarms/{r.json['alarm_id']}", role="park_admin").json["alarm"]
    assert alarm["priority"] == priority


def test_a_camera_of_an_enterprise_makes_it_the_enterprises_event(api):
    park, here = make_park(api), spot()
    camera = f"3402000000132{random.randrange(10**7):07d}"
    r = api.post(
        "/cameras",
        role="park_admin",
        json={
            "id": camera,
            "enterprise_id": park.enterprise_id,
            "name": "厂界球机",
            "location": {"lat": here[0], "lon": here[1]},
        },
    )
    assert r.status_code == 201, r.json
    event = report(api, body(here, camera_id=camera)).json
    assert event["enterprise_id"] == park.enterprise_id and "厂界球机" in event["title"]
    mine = {"role": "enterprise_manager", "enterprise_id": park.enterprise_id}
    assert api.get(f"/alarms/{event['alarm_id']}", **mine).status_code == 200
    listed = api.get("/public-events", **mine).json["items"]
    assert [e["id"] for e in listed] == [event["id"]]
    detail = api.get(f"/public-events/{event['id']}", **mine).json
    assert [c["id"] for c in detail["context"]["cameras"]] == [camera]
    other = make_park(api)
    theirs = {"role": "enterprise_manager", "enterprise_id": other.enterprise_id}
    assert api.get(f"/public-events/{event['id']}", **theirs).status_code == 404
    assert api.get("/public-events", **theirs).json["items"] == []
    assert api.get(f"/public-events?enterprise_id={park.enterprise_id}", **theirs).status_code == 403


def test_park_owned_events_are_never_an_enterprises(api):
    park = make_park(api)
    event = report(api, body(spot(), kind="crowding")).json
    mine = {"role": "enterprise_manager", "enterprise_id": park.enterprise_id}
    assert api.get(f"/public-events/{event['id']}", **mine).status_code == 404
    assert api.get(f"/alarms/{event['alarm_id']}", **mine).status_code == 404
    parks = api.get("/public-events?enterprise_id=_park&kind=crowding&limit=200", role="park_admin").json["items"]
    assert event["id"] in {e["id"] for e in parks}
    assert (
        api.post(
            "/public-events", role="enterprise_manager", enterprise_id=park.enterprise_id, json=body(spot())
        ).status_code
        == 403
    )


def test_early_fire_broadcasts_and_opens_the_nearest_gate_by_a_configured_rule(api):
    lat, lon = spot()
    devices = {}
    for name, kind, dlat in (("广播1", "broadcast", 0.001), ("东门", "gate", 0.004), ("北门", "gate", 0.008)):
        r = api.post(
            "/linkage/devices",
            role="park_admin",
            json={"kind": kind, "name": name, "location": {"lat": lat + dlat, "lon": lon}},
        )
        assert r.status_code == 201, r.json
        devices[name] = r.json["id"]
    rule = api.post(
        "/linkage/rules",
        role="park_admin",
        json={
            "name": "初期火灾：广播并开启最近卡口供消防车进入",
            "event_type": "early_fire",
            "min_level": "orange",
            "scope": {"kind": "park", "radius_m": 2000},
            "actions": [{"kind": "broadcast", "text": "西区发生初期火灾，请远离"}, {"kind": "gate_open", "nearest": 1}],
        },
    )
    assert rule.status_code == 201, rule.json
    try:
        event = report(api, body((lat, lon), kind="early_fire", confidence=0.8)).json
        commands = {c["device_id"]: c["command"] for c in event["linkage"]["commands"]}
        assert commands == {devices["广播1"]: "broadcast", devices["东门"]: "gate_open"}
        assert rule.json["id"] in {r["id"] for r in event["linkage"]["rules"]}
        sent = api.get(f"/linkage/commands?incident_id={event['id']}", role="park_admin").json
        assert {c["device_id"] for c in sent["items"]} == set(commands)
        doubtful = report(api, body((lat + 0.0001, lon), kind="early_fire", confidence=0.3)).json
        assert doubtful["priority"] == "medium" and doubtful["linkage"]["commands"] == []  # below orange
        ctx = api.get(f"/public-events/{event['id']}", role="commander").json["context"]
        assert ctx["plan_basis"]["accident_types"] == ["fire", "explosion"] and "resources" in ctx
    finally:
        api.delete(f"/linkage/rules/{rule.json['id']}", role="park_admin")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "fire"}, "body.kind"),
        ({"confidence": 1.5}, "body.confidence"),
        ({"location": {"lat": 95, "lon": 0}}, "body.location.lat"),
        ({"camera_id": "3402000000132", "sensor_id": "s-1"}, "body.sensor_id"),
        ({"at": "2099-01-01T00:00:00+08:00"}, "body.at"),
        ({"at": "2026-01-01T00:00:00"}, "body.at"),
        ({"event_id": "a b"}, "body.event_id"),
        ({"snapshot_key": "../x"}, "body.snapshot_key"),
        ({"snapshot_key": "a/../x"}, "body.snapshot_key"),
        ({"camera_id": "34020000001329999999"}, "body.camera_id"),
    ],
)
def test_bad_reports_are_422_naming_the_field(api, change, field):
    r = report(api, {**body(spot()), **change})
    assert r.status_code == 422, r.json
    assert field in [e["field"] for e in r.json["details"]["errors"]]


def test_the_list_pages_with_signed_cursors(api):
    made = {report(api, body(spot(), kind="dangerous_behaviour")).json["id"] for _ in range(3)}
    seen, cursor = set(), None
    for _ in range(100):
        q = "/public-events?enterprise_id=_park&kind=dangerous_behaviour&limit=2" + (
            f"&cursor={cursor}" if cursor else ""
        )
        page = api.get(q, role="analyst").json
        seen |= {e["id"] for e in page["items"]}
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert made <= seen
    forged = api.get("/public-events?cursor=eyJ4IjoxfQ.AAAA", role="analyst")
    assert forged.status_code == 400 and forged.json["code"] == "INVALID_CURSOR"
