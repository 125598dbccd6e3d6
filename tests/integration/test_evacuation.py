"""Evacuation targeting (5.4.3-6) over moto: people in the AEGL-2 footprint or the isolation circle are texted
and pushed, people outside are not, acknowledgements are counted, drills text nobody."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.core import clock
from chalicelib.linkage import evacuation, people, service
from tests.integration.linkage_support import make_site, offset, zones
from tests.integration.push_support import device, pushed
from tests.support import sms_to

_n = itertools.count()


def phone() -> str:
    return f"1370{random.randrange(10**7):07d}"


def report(api: Any, person_id: str, lat: float, lon: float, enterprise_id: str | None, **kw: Any) -> Any:
    body = {
        "person_id": person_id,
        "name": f"员工{person_id[-4:]}",
        "phone": kw.pop("phone", None) or phone(),
        "lat": lat,
        "lon": lon,
        "enterprise_id": enterprise_id,
        "source": "badge",
        "ts": datetime.fromtimestamp(kw.pop("ts_ms", clock.now_ms()) / 1000, UTC).isoformat(),
    }
    r = api.post("/people/positions", role=kw.pop("role", "integration"), json=body)
    assert r.status_code == 200, r.json
    return {**body, **r.json}


@pytest.fixture
def crowd(api: Any) -> dict[str, Any]:
    """A leak site (wind from the north: the plume runs south) and people placed around it."""
    site = make_site(api, base_lat=20.0)
    eid, tag = site.park.enterprise_id, f"p{next(_n)}x{random.randrange(10**6)}"
    places = {
        "circle": (0, 300),  # 300 m east: inside the 500 m isolation circle, not in the plume
        "plume": (-2000, 0),  # 2 km downwind on the centreline: in AEGL-2, outside the circle
        "upwind": (2000, 0),
        "beside": (-2000, 1000),  # downwind but 1 km off the axis (AEGL-2 half-width is about 180 m)
    }
    crowd = {"site": site, "people": {}}
    for name, (north, east) in places.items():
        lat, lon = offset(site.lat, site.lon, north, east)
        crowd["people"][name] = report(api, f"{tag}-{name}", lat, lon, eid)
    return crowd


def test_people_in_the_zone_or_circle_are_found_and_the_rest_are_not(crowd: Any) -> None:
    site, p = crowd["site"], crowd["people"]
    zone_list, isolation = zones(site.lat, site.lon)
    ring = next(z["polygon"] for z in zone_list if z["level"] == "AEGL-2")
    found = {x.person_id: x.reasons for x in people.people_in(ring, (site.lat, site.lon), isolation)}
    assert found[p["circle"]["person_id"]] == ("isolation",)
    assert found[p["plume"]["person_id"]] == ("zone",)
    assert p["upwind"]["person_id"] not in found and p["beside"]["person_id"] not in found


def test_evacuation_texts_and_pushes_the_people_inside_and_counts_acks(api: Any, crowd: Any) -> None:
    site, p = crowd["site"], crowd["people"]
    eid = site.park.enterprise_id
    phones = {k: device(api, api.token("inspector", eid, subject=p[k]["person_id"]))["id"] for k in p}
    night = {"quiet_hours": {"start": "00:00+08:00", "end": "23:59+08:00"}}  # never silences an evacuation
    own = api.token("inspector", eid, subject=p["plume"]["person_id"])
    assert api.put("/me/notification-preferences", token=own, json=night).status_code == 200
    inc = f"inc_evac_{next(_n)}"
    result = service.trigger(site.event(inc))
    assert result.evacuation is not None and (result.evacuation.targeted, result.evacuation.notified) == (2, 2)
    for inside in ("circle", "plume"):
        (text,) = sms_to(p[inside]["phone"])
        assert text.startswith("【疏散指令】") and inc in text and "北" in text  # upwind of a north wind is north
    for outside in ("upwind", "beside"):
        assert sms_to(p[outside]["phone"]) == []
    for inside in ("circle", "plume"):
        (note,) = pushed(phones[inside])
        assert note["data"]["incident_id"] == inc and note["data"]["kind"] == "evacuation"
        assert note["notification"]["body"].startswith("【疏散指令】") and note["android"]["priority"] == "HIGH"
    assert pushed(phones["upwind"]) == [] and pushed(phones["beside"]) == []

    service.trigger(site.event(inc))  # the workflow retried: nobody is texted or pushed twice
    assert len(sms_to(p["plume"]["phone"])) == 1 and len(pushed(phones["plume"])) == 1

    ack = f"/incidents/{inc}/evacuation/ack"
    assert api.post(ack, role="inspector", json={"person_id": p["circle"]["person_id"]}).status_code == 200
    own = api.token("duty_officer", subject=p["plume"]["person_id"])
    assert api.post(ack, token=own, json={"person_id": p["circle"]["person_id"]}).status_code == 403
    assert api.post(ack, token=own, json={"person_id": p["plume"]["person_id"]}).status_code == 200
    assert api.post(ack, role="inspector", json={"person_id": p["upwind"]["person_id"]}).status_code == 404

    view = api.get(f"/incidents/{inc}/evacuation", role="commander")
    assert view.status_code == 200, view.json
    assert (view.json["notified"], view.json["acknowledged"]) == (2, 2)
    listed = {x["person_id"]: x for x in view.json["people"]}
    assert listed[p["plume"]["person_id"]]["channels"]["app"] == {"ok": True, "devices": 1, "sent": 1}
    assert "****" in listed[p["plume"]["person_id"]]["phone"] and listed[p["plume"]["person_id"]]["reasons"] == [
        "AEGL-2"
    ]
    assert (
        api.get(
            f"/incidents/{inc}/evacuation", role="enterprise_manager", enterprise_id=site.park.enterprise_id
        ).status_code
        == 403
    )
    assert api.get("/incidents/inc_never/evacuation", role="commander").json["code"] == "EVACUATION_NOT_FOUND"


def test_an_enterprise_manager_acknowledges_only_their_own_people(api: Any, crowd: Any) -> None:
    site, p = crowd["site"], crowd["people"]
    inc = f"inc_evac_{next(_n)}"
    zone_list, isolation = zones(site.lat, site.lon)
    evacuation.evacuate(inc, zone_list, {"lat": site.lat, "lon": site.lon}, isolation, False)
    ack = f"/incidents/{inc}/evacuation/ack"
    other = make_site(api, base_lat=20.0)
    body = {"person_id": p["plume"]["person_id"]}
    assert (
        api.post(ack, role="enterprise_manager", enterprise_id=other.park.enterprise_id, json=body).status_code == 404
    )
    assert api.post(ack, role="enterprise_manager", enterprise_id=site.park.enterprise_id, json=body).status_code == 200
    assert api.post("/incidents/inc_never/evacuation/ack", role="inspector", json=body).status_code == 404


def test_a_drill_records_texts_marked_as_drill_and_sends_nothing(api: Any, crowd: Any) -> None:
    site, p = crowd["site"], crowd["people"]
    eid = site.park.enterprise_id
    phones = {k: device(api, api.token("inspector", eid, subject=p[k]["person_id"]))["id"] for k in p}
    inc = f"inc_drill_{next(_n)}"
    result = service.trigger(site.event(inc, drill=True))
    assert result.evacuation is not None and result.evacuation.drill is True and result.evacuation.notified == 2
    for person in p.values():
        assert sms_to(person["phone"]) == []
    assert all(pushed(phone) == [] for phone in phones.values())
    listed = api.get(f"/incidents/{inc}/evacuation", role="duty_officer").json["people"]
    assert len(listed) == 2 and all(x["text"].startswith("【演练】") for x in listed)
    assert all(x["channels"]["sms"]["drill"] and x["channels"]["app"]["recorded"] for x in listed)


def test_positions_keep_the_latest_and_ignore_stale_ones(api: Any) -> None:
    site = make_site(api, base_lat=20.0)
    pid, now = f"p-stale-{next(_n)}", clock.now_ms()
    first = report(api, pid, site.lat, site.lon, None, ts_ms=now)
    assert first["accepted"] is True
    older = report(api, pid, site.lat + 1, site.lon, None, ts_ms=now - 60_000)
    assert older["accepted"] is False and older["reason"] == "older_than_latest"
    assert report(api, f"{pid}-b", site.lat, site.lon, None, ts_ms=now - 2 * 3600_000)["reason"] == "stale"
    r = api.post("/people/positions", role="enterprise_manager", enterprise_id=site.park.enterprise_id, json={})
    assert r.status_code == 403
    found = {x.person_id for x in people.people_in([], {"lat": site.lat, "lon": site.lon}, 100)}
    assert pid in found and f"{pid}-b" not in found
    with clock.use(clock.FrozenClock(now + 3601_000)):  # an hour later nobody knows where they are
        assert pid not in {x.person_id for x in people.people_in([], (site.lat, site.lon), 100)}
