"""Gate events (5.3.1): one decision per reason code, idempotent by device event id, pushed back to the gate as
an IoT command, records kept ≥ 1 year and searchable by person, plate and time (masked by role)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from chalicelib.access import store
from chalicelib.core import aws, catalog, clock
from tests.integration.access_support import (
    approved,
    event,
    gate,
    hazmat_body,
    id_number,
    iso,
    make_site,
    person_body,
    plate,
    post_events,
)


@pytest.fixture(scope="module")
def site(app: Any) -> Any:
    from chalice.test import Client

    from tests.conftest import Api

    with Client(app) as client:
        return make_site(Api(client))


def decide(api: Any, ev: dict[str, Any]) -> tuple[str, list[str]]:
    result = post_events(api, ev)[0]
    return result["decision"], result["reasons"]


def test_visitor_with_an_approved_appointment_is_let_in_and_the_barrier_told(api: Any, site: Any) -> None:
    who = id_number()
    approved(api, person_body(site, who))
    ev = event(site.perimeter, person_id=who)
    assert decide(api, ev) == ("allow", [])
    commands = api.get(f"/linkage/commands?incident_id=gate:{site.perimeter}:{ev['event_id']}", role="park_admin").json
    assert [(c["command"], c["status"]) for c in commands["items"]] == [("gate_open", "sent")]
    assert commands["items"][0]["topic"].startswith("park/_park/commands/bar-")


def test_each_refusal_has_its_reason(api: Any, site: Any) -> None:
    nobody = id_number()
    assert decide(api, event(site.perimeter, person_id=nobody)) == ("deny", ["NO_APPOINTMENT"])
    pending = id_number()
    api.post("/appointments", role="park_admin", json=person_body(site, pending))
    assert decide(api, event(site.perimeter, person_id=pending)) == ("deny", ["APPOINTMENT_NOT_APPROVED"])
    later = id_number()
    approved(api, person_body(site, later, valid_from=iso(2), valid_to=iso(6)))
    assert decide(api, event(site.perimeter, person_id=later)) == ("deny", ["APPOINTMENT_EXPIRED"])
    visitor = id_number()
    approved(api, person_body(site, visitor))
    assert decide(api, event(site.zone_gate, person_id=visitor)) == ("deny", ["ZONE_NOT_PERMITTED"])
    assert decide(api, event(site.emergency, person_id=visitor)) == ("deny", ["GATE_CLOSED"])
    assert decide(api, event(site.unattended, person_id=visitor)) == ("deny", ["WRONG_GATE"])
    assert decide(api, event("gate-none", person_id=visitor)) == ("deny", ["GATE_UNKNOWN"])


def test_hazmat_vehicle_off_its_lane_and_with_a_lapsed_certificate(api: Any, site: Any) -> None:
    car = plate()
    approved(api, hazmat_body(site, car))
    assert decide(api, event(site.perimeter, plate=car)) == ("deny", ["OFF_ROUTE"])
    assert decide(api, event(site.hazmat_gate, plate=car)) == ("allow", [])
    into_zone = gate(api, "hazmat", site.zone, site.park.enterprise_id)  # the enterprise's own hazmat lane
    assert decide(api, event(into_zone, plate=car)) == ("allow", [])  # the appointment names the zone
    assert decide(api, event(site.zone_gate, plate=car)) == ("deny", ["OFF_ROUTE"])


def test_certificate_expired_at_the_gate(api: Any, site: Any) -> None:
    car = plate()
    body = hazmat_body(site, car)
    apt = approved(api, body)
    item = store.AppointmentModel.get(apt["id"])
    doc = item.doc
    doc["vehicle"]["certificates"][0]["expires_at"] = iso(-1)  # lapsed since approval (a revoked licence)
    item.update(actions=[store.AppointmentModel.doc.set(doc)])
    assert decide(api, event(site.hazmat_gate, plate=car)) == ("deny", ["CERTIFICATE_EXPIRED"])


def test_black_listed_vehicle_raises_an_alarm_decision(api: Any, site: Any) -> None:
    car = plate()
    r = api.post(
        "/access/lists",
        role="duty_officer",
        json={"list": "black", "kind": "vehicle", "value": car, "reason": "多次违停"},
    )
    assert r.status_code == 201 and r.json["expires_at"] > iso(24 * 364)
    assert decide(api, event(site.hazmat_gate, plate=car)) == ("alarm", ["BLACK_LISTED"])
    assert decide(api, event(site.hazmat_gate, "out", plate=car)) == ("allow", [])  # nobody is held inside


def test_white_list_admits_without_appointment_into_named_zones(api: Any, site: Any) -> None:
    staff = id_number()
    entry = {
        "list": "white",
        "kind": "person",
        "value": staff,
        "reason": "企业员工",
        "enterprise_id": site.park.enterprise_id,
        "name": "赵员工",
        "phone": "13900002222",
        "zones": [site.zone],
    }
    assert api.post("/access/lists", role="park_admin", json=entry).status_code == 201
    assert decide(api, event(site.perimeter, person_id=staff)) == ("allow", [])
    assert decide(api, event(site.zone_gate, person_id=staff)) == ("allow", [])
    listed = api.get("/access/lists?list=white&kind=person", role="commander").json["items"]
    mine = [e for e in listed if e["name"] == "赵员工" and e["value"].endswith(staff[-4:])]
    assert mine and mine[0]["value"] != staff, "the commander sees ID numbers masked"
    assert api.delete(f"/access/lists/{mine[0]['id']}", role="park_admin").status_code == 204
    assert decide(api, event(site.perimeter, person_id=staff)) == ("deny", ["NO_APPOINTMENT"])


def test_gate_events_are_idempotent_by_device_event_id(api: Any, site: Any) -> None:
    who = id_number()
    approved(api, person_body(site, who))
    ev = event(site.perimeter, person_id=who)
    first, again = post_events(api, ev), post_events(api, ev, {**ev})
    assert first[0]["duplicate"] is False
    assert [r["duplicate"] for r in again] == [True, True]
    assert {r["decision"] for r in again} == {"allow"}
    records = api.get(f"/access/records?person={who}", role="park_admin").json["items"]
    assert len(records) == 1
    commands = api.get(f"/linkage/commands?incident_id=gate:{site.perimeter}:{ev['event_id']}", role="park_admin").json
    assert len(commands["items"]) == 1


def test_records_by_person_plate_and_time_kept_over_a_year(api: Any, site: Any) -> None:
    who = id_number()
    approved(api, person_body(site, who))
    evs = [event(site.perimeter, person_id=who, hours=-0.5), event(site.perimeter, "out", person_id=who, hours=-0.2)]
    evs.append(event(site.perimeter, person_id=who))
    post_events(api, *evs)
    page = api.get(f"/access/records?person={who}&limit=2", role="park_admin").json
    assert [r["direction"] for r in page["items"]] == ["in", "out"]  # newest first
    rest = api.get(f"/access/records?person={who}&limit=2&cursor={page['next_cursor']}", role="park_admin").json
    assert [r["event_id"] for r in rest["items"]] == [evs[0]["event_id"]]
    window = api.get(
        f"/access/records?person={who}&from={iso(-0.3).replace('+', '%2B')}&to={iso(-0.1).replace('+', '%2B')}",
        role="park_admin",
    )
    assert [r["event_id"] for r in window.json["items"]] == [evs[1]["event_id"]]
    host = site.park.enterprise_id
    theirs = api.get(f"/access/records?person={who}", role="enterprise_manager", enterprise_id=host).json["items"]
    assert len(theirs) == 3 and theirs[0]["person_id"] != who and theirs[0]["enterprise_id"] == host
    stored = store.AccessEventModel.get(f"{site.perimeter}#{evs[0]['event_id']}")
    kept_days = (stored.expires.timestamp() * 1000 - stored.at_ms) / 86_400_000
    assert kept_days >= 400
    car = plate()
    approved(api, hazmat_body(site, car))
    post_events(api, event(site.hazmat_gate, plate=car))
    assert len(api.get(f"/access/records?plate={car}", role="duty_officer").json["items"]) == 1
    s3, bucket = aws.client("s3"), catalog.bucket_name("access-archive")
    today = clock.from_ms(clock.now_ms()).strftime("%Y/%m/%d/")
    lines = [
        orjson.loads(line)
        for o in s3.list_objects_v2(Bucket=bucket, Prefix=today).get("Contents", [])
        for line in s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read().splitlines()
    ]
    archived = [x for x in lines if x.get("person_id") == who]
    assert sorted(x["event_id"] for x in archived) == sorted(e["event_id"] for e in evs), "the S3 archive has them too"


def test_an_event_dated_ahead_of_the_clock_is_refused_whole(api: Any, site: Any) -> None:
    who = id_number()
    good, ahead = event(site.perimeter, person_id=who), event(site.perimeter, person_id=who, hours=1)
    r = api.post("/access/events", role="integration", json={"events": [good, ahead]})
    assert r.status_code == 422 and r.json["details"]["errors"][0]["field"] == "body.events.1.at", r.json
    assert api.get(f"/access/records?person={who}", role="park_admin").json["items"] == []


def test_an_enterprise_gate_feed_posts_only_for_its_gates(api: Any, site: Any) -> None:
    own = gate(api, "general", enterprise_id=site.park.enterprise_id)
    who = id_number()
    approved(api, person_body(site, who))
    feed = {"role": "integration", "enterprise_id": site.park.enterprise_id}
    r = api.post(
        "/access/events", json={"events": [event(own, person_id=who), event(site.perimeter, person_id=who)]}, **feed
    )
    assert [x["reasons"] for x in r.json["results"]] == [[], ["GATE_UNKNOWN"]]


@pytest.mark.parametrize(
    ("at", "reason"),
    [
        ("0001-01-01T00:00:00+14:00", "too_old"),  # its record's expiry would be before year 1: was a 500
        ("2020-01-01T00:00:00+08:00", "too_old"),  # older than the records' retention: it would expire on arrival
        ("2999-01-01T00:00:00+08:00", "future"),
    ],
)
def test_an_event_dated_outside_what_a_record_can_keep_is_422_naming_its_time(api, at, reason):
    gate_id = gate(api, "general")
    ok = event(gate_id, person_id=id_number())
    bad = {**event(gate_id, person_id=id_number()), "at": at}
    r = api.post("/access/events", role="integration", json={"events": [ok, bad]})
    assert r.status_code == 422, r.json
    error = r.json["details"]["errors"][0]
    assert (error["field"], error["type"]) == ("body.events.1.at", reason)
