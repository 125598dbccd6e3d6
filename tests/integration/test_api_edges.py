"""Edges of the HTTP kernel and inputs that schema-driven fuzzing found answered with a 500 (issue 10, findings
11 and 15): only request parsing answers 422, a failure while building a response is a logged 500 INTERNAL with
the request id; empty query values, year-0 quarters, fuzzed rosters and far-past windows answer 4xx or data."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from chalicelib.core import clock
from tests.support import quarantine_days_read

DAY = {"id": "day", "name": "白班", "start": "08:00", "end": "20:00"}
NIGHT = {"id": "night", "name": "夜班", "start": "20:00", "end": "08:00"}


def test_a_response_the_api_cannot_build_is_a_logged_500_not_the_clients_422(
    api: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from chalicelib.duty import service

    # what a store row the response model refuses looks like to the route: a valid request, a bad answer
    monkeypatch.setattr(service, "current", lambda: {"shift_id": "day", "date": "not a date"})
    with caplog.at_level(logging.ERROR):
        r = api.get("/duty/current", role="duty_officer")
    assert r.status_code == 500, r.json
    assert r.json["code"] == "INTERNAL" and set(r.json) == {"code", "message", "details", "request_id"}
    assert "body" not in str(r.json["details"])
    logged = [rec for rec in caplog.records if getattr(rec, "request_id", None) == r.json["request_id"]]
    assert logged and logged[0].exc_info is not None


@pytest.mark.parametrize(
    ("path", "role", "field"),
    [
        ("/changes?ci_id=", "park_admin", "query.ci_id"),
        ("/alarms/kpis?area=", "park_admin", "query.area"),
        ("/cmdb/items?limit=", "park_admin", "query.limit"),
    ],
)
def test_an_empty_query_value_is_422_naming_the_field(api: Any, path: str, role: str, field: str) -> None:
    r = api.get(path, role=role)
    assert r.status_code == 422, r.json
    assert r.json["code"] == "VALIDATION_FAILED" and r.json["details"]["errors"][0]["field"] == field


@pytest.mark.parametrize("quarter", ["0000Q1", "9999Q4"])
def test_a_quarter_outside_the_calendar_is_422_naming_it(api: Any, quarter: str) -> None:
    r = api.get(f"/cmdb/audit?quarter={quarter}", role="park_admin")
    assert r.status_code == 422, r.json
    assert r.json["details"]["errors"][0]["field"] == "query.quarter"


@pytest.mark.parametrize(
    ("shifts", "field"),
    [
        ([{**DAY, "start": "08:00+01:00"}, NIGHT], "body.shifts.0.start"),  # an offset on a park-local time
        ([{**DAY, "end": "20:00:30"}, {**NIGHT, "start": "20:00:30"}], "body.shifts.0.end"),  # not whole minutes
        ([DAY, {**NIGHT, "id": "day"}], "body.shifts.1.id"),  # the same shift twice
    ],
)
def test_a_roster_the_duty_rules_cannot_read_is_refused(api: Any, shifts: list[dict], field: str) -> None:
    r = api.put("/duty/roster", role="park_admin", json={"shifts": shifts})
    assert r.status_code == 422, r.json
    assert r.json["details"]["errors"][0]["field"] == field


def test_current_duty_reads_a_roster_stored_by_an_older_version(api: Any) -> None:
    """Shifts stored before the roster rules were tightened (offsets, seconds) still tell who is on duty."""
    from chalicelib.duty import store

    shifts = [{**DAY, "start": "08:00:00+01:00", "end": "20:00:59"}, {**NIGHT, "start": "20:00Z"}]
    store.AssignmentModel("_shifts", "_shifts", updated_ms=clock.now_ms(), doc={"shifts": shifts}).save()
    try:
        r = api.get("/duty/current", role="duty_officer")
        assert r.status_code in (200, 404), r.json
        assert r.json.get("code") in (None, "NOT_ON_ROSTER")
        assert api.get("/duty/roster?from=2026-01-01&to=2026-01-01", role="duty_officer").status_code == 200
    finally:
        assert api.put("/duty/roster", role="park_admin", json={"shifts": [DAY, NIGHT]}).status_code == 200


def test_a_quarantine_window_from_the_epoch_reads_only_the_retained_days(
    api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`from=0.5` (1970; numbers are refused now, ADR 0007) walked 20,000 days of the park-wide index, one query
    each: minutes, a Lambda time-out."""
    from chalicelib.telemetry import quarantine

    days = quarantine_days_read(monkeypatch)
    r = api.get("/telemetry/quarantine?from=1970-01-01T00:00:00.500Z", role="park_admin")
    assert r.status_code == 200, r.json
    assert len(set(days)) <= quarantine.QUARANTINE_DAYS + 2


def test_a_roster_window_of_centuries_is_422_naming_to(api: Any) -> None:
    """`from=0055-09-18&to=0787-04-06` queried one day at a time: 267,000 queries, past any time-out."""
    r = api.get("/duty/roster?from=0055-09-18&to=0787-04-06", role="duty_officer")
    assert r.status_code == 422, r.json
    assert r.json["details"]["errors"][0]["field"] == "query.to"
    assert api.get("/duty/roster?from=2026-01-01&to=2026-03-04", role="duty_officer").status_code == 200


def test_a_manual_warning_with_a_location_is_stored_not_a_500(api: Any) -> None:
    """Fuzzing found it: the report's Location model went to orjson as an object."""
    from tests.support import make_park

    park = make_park(api)
    body = {
        "enterprise_id": park.enterprise_id,
        "installation_id": park.installation_id,
        "title": "储罐区异味",
        "description": "巡检发现",
        "priority": "high",
        "location": {"lat": 31.95, "lon": 120.9},
    }
    r = api.post("/warnings", role="park_admin", json=body)
    assert r.status_code == 201, r.json


@pytest.mark.parametrize(
    ("path", "body"),
    [("/warnings", {"title": "储罐区异味", "description": "巡检发现"}), ("/drills", {"scenario": "leak"})],
)
def test_an_empty_enterprise_id_is_422_naming_it_not_a_dynamodb_500(api: Any, path: str, body: dict) -> None:
    """Fuzzing found it: an empty key reached DynamoDB, which refuses it with a ValidationException."""
    r = api.post(path, role="park_admin", json={**body, "enterprise_id": ""})
    assert r.status_code == 422, r.json
    assert [e["field"] for e in r.json["details"]["errors"]] == ["body.enterprise_id"]


def test_the_registry_answers_an_empty_id_with_404_before_any_read() -> None:
    from chalicelib.core import errors
    from chalicelib.core.identity import Identity, Role
    from chalicelib.registry.service.entities import ENTERPRISE, load

    with pytest.raises(errors.AppError) as caught:
        load(ENTERPRISE, "", Identity("t", frozenset({Role.PARK_ADMIN})))
    assert caught.value.status == 404


def test_a_drill_at_a_site_the_plume_model_cannot_place_is_422_naming_the_site_not_a_500(api: Any) -> None:
    polar = api.post(  # the registry takes any WGS-84 latitude; impact zones are computed within ±85°
        "/enterprises",
        role="park_admin",
        json={"name": "极地测试企业", "location": {"lat": 89.5, "lon": 120.9}, "managers": []},
    )
    assert polar.status_code == 201, polar.json
    r = api.post("/drills", role="commander", json={"enterprise_id": polar.json["id"], "scenario": "fire"})
    assert r.status_code == 422, r.json
    assert r.json["details"]["errors"][0]["field"] == "body.enterprise_id"


def test_a_drill_chemical_longer_than_an_incident_takes_is_422_naming_it(api: Any) -> None:
    eid = api.post(
        "/enterprises", role="park_admin", json={"name": "演练企业", "location": {"lat": 31.9, "lon": 120.9}}
    )
    body = {"enterprise_id": eid.json["id"], "scenario": "leak", "chemical": "氯" * 41}
    r = api.post("/drills", role="commander", json=body)
    assert r.status_code == 422, r.json
    assert r.json["details"]["errors"][0]["field"] == "body.chemical"
