"""The typed views other contexts read (issue 11, build item 4) give, through `public()`, exactly the JSON the
dicts they replace gave: the same keys, in the same order, with the same values (responses, live messages and
stored documents must not change)."""

from __future__ import annotations

import orjson

from chalicelib.access.service.views import GateBarrier, Person, Presence, Trip
from chalicelib.alarms.domain import Alarm, State
from chalicelib.alarms.service.records import AlarmSummary, public, summary
from chalicelib.core.schemas import Priority
from chalicelib.notify.service.publication import Publication, PushCounts
from chalicelib.prevention.service import UnknownLink
from chalicelib.risk import store
from chalicelib.risk.service.views import InstallationRisk, _view


def alarm() -> Alarm:
    return Alarm(
        id="al_1", tag_id="t1", enterprise_id="e1", installation_id="i1", area="i1", condition="HH",
        base_priority=Priority.MEDIUM, priority=Priority.HIGH, raised_ms=1, value=2.6, limit=2.0,
        extra={"tag_name": "罐1液位", "unit": "m"},
    )  # fmt: skip


def test_the_alarm_summary_is_the_part_of_the_alarm_document_risk_shows() -> None:
    a = alarm()
    old = {k: public(a)[k] for k in ("id", "tag_id", "condition", "priority", "state")}
    assert orjson.dumps(summary(a).public()) == orjson.dumps(old)
    assert summary(a) == AlarmSummary("al_1", "t1", "HH", Priority.HIGH, State.UNACK.value)


def risk(updated: int | None, score: int | None = None) -> InstallationRisk:
    return InstallationRisk(
        installation_id="i1", name="罐区", enterprise_id="e1", grade=2, level="orange" if updated else "blue",
        static_level="yellow" if updated else None, score=score, reasons=("重大危险源二级",) if updated else (),
        since=100 if updated else None, updated=updated, active_alarms=(summary(alarm()),),
    )  # fmt: skip


def test_an_installations_risk_is_shown_as_the_enterprise_and_park_views_show_a_colour() -> None:
    fallback = {"name": "罐区", "enterprise_id": "e1", "grade": 2, "active_alarms": [summary(alarm()).public()]}
    row = store.RiskModel(
        "installation:i1", enterprise_id="e1", level="orange", static_level="yellow", name="旧名",
        reasons=orjson.dumps(["重大危险源二级"]).decode(), since_ms=100, updated_ms=200,
    )  # fmt: skip
    for view, row_ in ((risk(200), row), (risk(None), None)):
        expected = _view(row_, "installation:i1", fallback)
        assert list(view.public()) == list(expected)  # the key order too: the API's and the live message's JSON
        assert orjson.dumps(view.public()) == orjson.dumps(expected)
    row.score = 42
    assert orjson.dumps(risk(200, 42).public()) == orjson.dumps(_view(row, "installation:i1", fallback))
    assert risk(200).scope == "installation:i1"


def test_a_publication_keeps_the_keys_of_what_the_channel_did() -> None:
    counts = {"devices": 3, "sent": 2, "silent": 1, "off": 1, "rejected": 0, "already": 0, "failed": 0}
    app = Publication("app", "enterprise", True, 7, "2/3 pushed", PushCounts.of(counts))
    assert orjson.dumps(app.public()) == orjson.dumps(
        {"channel": "app", "audience": "enterprise", "ok": True, "at": 7, "ref": "2/3 pushed", "pushes": counts}
    )
    failed = Publication("sms", "park", False, 7, error="ClientError")
    assert list(failed.public()) == ["channel", "audience", "ok", "at", "error"]


def test_closed_park_views() -> None:
    gate = GateBarrier("bar-1", "gate_1", "东门", 31.95, 120.9, None)
    assert orjson.dumps(gate.public()) == orjson.dumps(
        {"id": "bar-1", "kind": "gate", "name": "东门", "location": {"lat": 31.95, "lon": 120.9},
         "enterprise_id": None, "installation_id": None, "gate_id": "gate_1"}
    )  # fmt: skip
    appointment = {
        "id": "ap_1", "enterprise_id": "e1", "route_id": None, "waybill": {"carrier_code": ""},
        "vehicle": {"plate": "苏F12345", "driver": {"name": "张三", "id_number": "320", "phone": 13800001234}},
    }  # fmt: skip
    trip = Trip.of(appointment)
    assert (trip.id, trip.enterprise_id, trip.route_id, trip.carrier) == ("ap_1", "e1", None, None)
    assert trip.driver == Person("张三", "320", "13800001234")  # as the track stored it: strings
    assert list(trip.driver.public()) == ["name", "id_number", "phone"]
    assert Trip.of({**appointment, "vehicle": {"driver": {}}}).driver is None
    assert Presence.of({"inside": False, "zone_id": None, "last_ms": 5, "subject_kind": "vehicle"}) == Presence(
        False, None, 5, None
    )


def test_an_unknown_link_is_the_field_error_the_registration_lists() -> None:
    assert UnknownLink("risk_unit_id").public() == {
        "field": "risk_unit_id",
        "message": "不存在或不属于该企业",
        "type": "unknown_reference",
    }
