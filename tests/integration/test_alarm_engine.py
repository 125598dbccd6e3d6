"""The alarm engine end to end under moto: ingest -> evaluation -> alarms -> SNS/SMS -> risk."""

from __future__ import annotations

import random
import threading

import pytest

from chalicelib.alarms import service as alarms
from chalicelib.telemetry import caches
from chalicelib.telemetry import service as telemetry
from tests.support import TopicTap, batch, make_park, message, now, sms_to


@pytest.fixture(autouse=True)
def _fresh_caches():
    caches.reset_caches()
    yield
    caches.reset_caches()


def alarm_list(api, park, **filters):
    query = "&".join(f"{k}={v}" for k, v in {"installation_id": park.installation_id, **filters}.items())
    return api.get(f"/alarms?{query}", role="park_admin").json["items"]


def test_h_then_hh_raise_alarms_notify_and_colour_the_risk(api):
    park = make_park(api)
    tap = TopicTap()
    t = now()
    telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, t - 3000, 0.2)])))
    telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, t - 2000, 1.4)])))
    telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, t - 1000, 2.6)])))
    items = alarm_list(api, park)
    assert sorted(a["condition"] for a in items) == ["H", "HH"]
    assert all(a["state"] == "unack" for a in items)
    hh = next(a for a in items if a["condition"] == "HH")
    assert hh["priority"] == "urgent"  # HH escalates the tag's high priority one step
    raised = [m for m in tap.messages() if m["attributes"].get("event_type") == "raised"]
    assert {m["attributes"]["condition"] for m in raised} == {"H", "HH"}
    assert all(m["attributes"]["enterprise_id"] == park.enterprise_id for m in raised)
    texts = sms_to(park.manager_phone)
    assert len(texts) == 2 and all("氯气探测器" in t for t in texts)
    risk = api.get(f"/risk/installations/{park.installation_id}", role="park_admin").json
    assert risk["level"] == "orange"  # static blue (grade 3) + 2 for an HH alarm


def test_replayed_three_times_or_shuffled_gives_the_same_alarms_and_no_duplicate_sms(api):
    park = make_park(api)
    t = now() - 60_000
    readings = [(park.tag, t + i * 1000, v) for i, v in enumerate([0.1, 0.5, 1.2, 1.5, 2.4, 2.8, 1.5, 0.3])]
    readings += [(park.temp_tag, t + i * 1000, v) for i, v in enumerate([20, 40, 65, 70, 85, 50, 30, 25])]
    body = message(park.enterprise_id, readings)
    for _ in range(3):
        telemetry.ingest(batch(body))
    first = sorted((a["tag_id"], a["condition"], a["state"]) for a in alarm_list(api, park))
    texts = sms_to(park.manager_phone)

    other = make_park(api)
    shuffled = [(tag.replace(park.enterprise_id, other.enterprise_id), ts, v) for tag, ts, v in readings]
    random.Random(7).shuffle(shuffled)
    telemetry.ingest(batch(message(other.enterprise_id, shuffled[:8]), message(other.enterprise_id, shuffled[8:])))
    second = sorted(
        (a["tag_id"].replace(other.enterprise_id, park.enterprise_id), a["condition"], a["state"])
        for a in alarm_list(api, other)
    )
    assert first == second
    assert len(first) == 4  # H and HH on both tags, all back to normal but unacknowledged
    assert all(state == "rtn_unack" for _, _, state in first)
    assert len(texts) == 4 == len(sms_to(other.manager_phone))


def test_malformed_readings_are_quarantined_and_good_ones_evaluated(api):
    park = make_park(api)
    t = now()
    body = message(
        park.enterprise_id,
        [
            {"tag_id": park.tag, "ts": t, "value": 3.0, "quality": "good"},
            {"tag_id": park.temp_tag, "ts": "yesterday", "value": 1},
            {"tag_id": park.temp_tag, "ts": t, "value": "hot"},
            {"tag_id": "NO-SUCH-TAG", "ts": t, "value": 1.0},
            {"ts": t, "value": 1.0},
            {"tag_id": park.temp_tag, "ts": t, "value": 1.0, "quality": "excellent"},
        ],
    )
    result = telemetry.ingest(batch(body, b"{not json", message(park.enterprise_id, [(park.tag, "x", 1)])))
    assert result.retry == []
    assert result.evaluated == 1
    assert {a["condition"] for a in alarm_list(api, park)} == {"H", "HH"}
    q = api.get(f"/telemetry/quarantine?enterprise_id={park.enterprise_id}", role="park_admin").json["items"]
    assert len(q) == 2  # one row per message, whatever it lost
    first = next(i for i in q if i["rejected"] == 5)
    assert first["reasons"] == {
        "ts_not_epoch_ms": 1,
        "value_not_number": 1,
        "unknown_tag": 1,
        "missing_tag_id": 1,
        "invalid_quality": 1,
    }
    assert len(first["samples"]) == 5 and {s["reason"] for s in first["samples"]} == set(first["reasons"])
    assert next(i for i in q if i is not first)["reasons"] == {"ts_not_epoch_ms": 1}
    assert result.quarantined == 7 and result.sent == 8  # and the one good reading was evaluated
    unknown = api.get("/telemetry/quarantine?enterprise_id=_unknown", role="park_admin").json["items"]
    assert any(i["reason"] == "invalid_json" for i in unknown)
    # park-wide, with no enterprise named: every enterprise's rows, newest first (finding 16)
    everyone = api.get("/telemetry/quarantine?limit=200", role="park_admin").json["items"]
    mine = [i for i in everyone if i["enterprise_id"] in (park.enterprise_id, "_unknown")]
    assert {i["message_id"] for i in q} <= {i["message_id"] for i in mine}
    assert [i["received_at"] for i in everyone] == sorted((i["received_at"] for i in everyone), reverse=True)


def test_a_tag_of_another_enterprise_is_quarantined(api):
    mine, theirs = make_park(api), make_park(api)
    telemetry.ingest(batch(message(mine.enterprise_id, [(theirs.tag, now(), 5.0)])))
    assert alarm_list(api, theirs) == []
    q = api.get(f"/telemetry/quarantine?enterprise_id={mine.enterprise_id}", role="park_admin").json["items"]
    assert [i["reason"] for i in q] == ["foreign_tag"]


def test_two_concurrent_evaluations_of_one_tag_raise_one_alarm_and_lose_nothing(api):
    park = make_park(api)
    t = now()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(value: float, ts: int) -> None:
        container = caches.Caches()  # each worker is its own Lambda container
        try:
            start.wait()
            telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, ts, value)])), container)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    # Each worker evaluates from an empty cache, as two Lambda containers would.
    threads = [threading.Thread(target=worker, args=(1.5, t)), threading.Thread(target=worker, args=(2.5, t + 1))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    items = alarm_list(api, park)
    conditions = sorted(a["condition"] for a in items)
    assert conditions in (["H", "HH"],), conditions  # one H alarm, one HH alarm, no duplicate
    state = alarms.load_states([park.tag])[park.tag]
    assert set(state.alarms) == {"H", "HH"}


def test_ack_and_shelve_through_the_api_are_audited(api):
    park = make_park(api)
    telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, now(), 1.5)])))
    alarm = alarm_list(api, park)[0]
    r = api.post(f"/alarms/{alarm['id']}/ack", role="duty_officer", json={"comment": "已核实"})
    assert r.status_code == 200 and r.json["state"] == "ack"
    again = api.post(f"/alarms/{alarm['id']}/ack", role="duty_officer", json={})
    assert again.status_code == 409 and again.json["code"] == "ALARM_INVALID_TRANSITION"
    r = api.post(f"/alarms/{alarm['id']}/shelve", role="duty_officer", json={"duration_s": 600, "reason": "探头标定"})
    assert r.status_code == 200 and r.json["state"] == "shelved"
    audit = api.get(f"/audit/records?target={alarm['id']}", role="auditor").json["items"]
    assert {"alarms.ack_alarm", "alarms.shelve_alarm"} <= {i["action"] for i in audit}
    detail = api.get(f"/alarms/{alarm['id']}", role="park_admin").json
    assert [h["type"] for h in detail["history"]] == ["raised", "acked", "shelved"]


def test_enterprise_manager_cannot_touch_another_enterprises_alarm(api):
    a, b = make_park(api), make_park(api)
    telemetry.ingest(batch(message(b.enterprise_id, [(b.tag, now(), 1.5)])))
    alarm = alarm_list(api, b)[0]
    assert (
        api.get(f"/alarms/{alarm['id']}", role="enterprise_manager", enterprise_id=a.enterprise_id).status_code == 404
    )
    r = api.post(f"/alarms/{alarm['id']}/ack", role="enterprise_manager", enterprise_id=a.enterprise_id, json={})
    assert r.status_code == 404


def test_an_installations_open_alarms_come_from_its_open_index_and_closed_ones_leave_it(api):
    """Risk reads an installation's open alarms on every alarm event: through a sparse index of the open ones, so
    the read follows what is open, not every alarm the installation ever had (it took 145 ms a read once an
    installation had a hundred alarms)."""
    from chalicelib.alarms import store

    park = make_park(api)
    t = now()
    telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, t - 3000, 2.6)])))
    telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, t - 2000, 0.2)])))  # back to normal, unacked
    for a in alarm_list(api, park):
        assert api.post(f"/alarms/{a['id']}/ack", role="duty_officer", json={"comment": "已处置"}).status_code == 200
    telemetry.ingest(batch(message(park.enterprise_id, [(park.temp_tag, t - 1000, 85.0)])))
    indexed = list(store.AlarmModel.by_open_installation.query(park.installation_id))
    assert sorted((i.tag_id, i.condition) for i in indexed) == [(park.temp_tag, "H"), (park.temp_tag, "HH")]
    assert {a.id for a in alarms.open_alarms(park.installation_id)} == {i.id for i in indexed}
    # the enterprise's open alarms (the risk profile's), by their own sparse index: the same two, none closed
    assert {a.id for a in alarms.open_alarms(enterprise_id=park.enterprise_id)} == {i.id for i in indexed}
    assert len(alarm_list(api, park)) == 4  # the closed two are still the installation's history
