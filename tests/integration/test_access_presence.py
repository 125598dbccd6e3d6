"""Who is inside (5.3.1) from gate events: counts per park, zone and enterprise after in/out sequences, a missing
"out", late events; evacuation targeting people the gates put inside a zone (the combined locator)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from chalicelib.access.domain import person_key, pseudonym
from chalicelib.core import clock
from chalicelib.linkage import evacuation, people
from tests.integration.access_support import approved, event, hazmat_body, id_number, make_site, plate, post_events

_n = itertools.count()


@pytest.fixture
def site(api: Any) -> Any:
    return make_site(api)  # a fresh enterprise per test: its counts are its own


def staff(api: Any, site: Any, phone: str = "13900003333") -> str:
    who = id_number()
    entry = {"list": "white", "kind": "person", "value": who, "reason": "员工", "name": "钱员工", "phone": phone,
             "enterprise_id": site.park.enterprise_id, "zones": [site.zone]}  # fmt: skip
    assert api.post("/access/lists", role="park_admin", json=entry).status_code == 201
    return who


def count(api: Any, site: Any, zone: bool = False) -> dict[str, Any]:
    query = f"enterprise_id={site.park.enterprise_id}" + (f"&zone_id={site.zone}" if zone else "")
    r = api.get(f"/presence?{query}", role="duty_officer")
    assert r.status_code == 200, r.json
    return dict(r.json)


def test_in_and_out_through_the_perimeter_and_a_zone(api: Any, site: Any) -> None:
    who, ent = staff(api, site), site.park.enterprise_id
    post_events(api, event(site.perimeter, person_id=who, hours=-0.4))
    assert (count(api, site)["people"], count(api, site, zone=True)["people"]) == (1, 0)
    post_events(api, event(site.zone_gate, person_id=who, hours=-0.3))
    inside = count(api, site, zone=True)
    assert inside["people"] == 1 and inside["by_enterprise"] == {ent: {"people": 1, "vehicles": 0}}
    post_events(api, event(site.zone_gate, "out", person_id=who, hours=-0.2))
    assert (count(api, site)["people"], count(api, site, zone=True)["people"]) == (1, 0)
    post_events(api, event(site.perimeter, "out", person_id=who, hours=-0.1))
    assert count(api, site)["people"] == 0
    car = plate()
    approved(api, hazmat_body(site, car))
    post_events(api, event(site.hazmat_gate, plate=car))
    both = count(api, site)
    assert (both["people"], both["vehicles"]) == (0, 1)
    assert both["as_of"].endswith("Z")


def test_missing_out_counts_once_and_lapses(api: Any, site: Any) -> None:
    who = staff(api, site)
    post_events(api, event(site.perimeter, person_id=who, hours=-3), event(site.perimeter, person_id=who, hours=-1))
    assert count(api, site)["people"] == 1  # the second "in" replaced the first: no double count
    later = clock.FrozenClock(clock.now_ms() + 25 * 3600 * 1000)
    with clock.use(later):
        lapsed = count(api, site)
    assert (lapsed["people"], lapsed["stale"]) == (0, 1)


def test_late_events_and_denials_move_nothing(api: Any, site: Any) -> None:
    who = staff(api, site)
    post_events(api, event(site.perimeter, person_id=who, hours=-0.1))
    post_events(api, event(site.perimeter, "out", person_id=who, hours=-0.5))  # delivered late: older than the "in"
    assert count(api, site)["people"] == 1
    stranger = id_number()
    assert post_events(api, event(site.perimeter, person_id=stranger))[0]["decision"] == "deny"
    assert count(api, site)["people"] == 1


def test_an_enterprise_sees_only_its_own_people(api: Any, site: Any) -> None:
    who = staff(api, site)
    post_events(api, event(site.perimeter, person_id=who))
    ent = site.park.enterprise_id
    mine = api.get("/presence", role="enterprise_manager", enterprise_id=ent).json
    assert set(mine["by_enterprise"]) == {ent} and mine["people"] == 1
    assert api.get("/presence?enterprise_id=ent-other", role="enterprise_manager", enterprise_id=ent).status_code == 403


def test_evacuation_targets_people_the_gates_put_in_a_zone(api: Any, site: Any) -> None:
    phone = f"1371{next(_n) % 10**7:07d}"
    who = staff(api, site, phone)
    post_events(api, event(site.perimeter, person_id=who, hours=-0.2), event(site.zone_gate, person_id=who))
    centre = {"lat": 31.9515, "lon": 120.9055}  # ~70 m from the zone's centre, its radius is 150 m
    found = people.people_in([], centre, 100)
    mine = [p for p in found if p.person_id == pseudonym(person_key(who))]
    assert mine and mine[0].source == "access" and mine[0].reasons == ("isolation",)
    assert who not in str(found), "the ID number never leaves the access context"
    incident = f"inc_access_{next(_n)}_{site.park.enterprise_id}"
    evacuation.evacuate(incident, [], centre, 100, drill=True)
    listed = evacuation.summary(incident)["people"]
    assert pseudonym(person_key(who)) in [p["person_id"] for p in listed]
    post_events(api, event(site.zone_gate, "out", person_id=who))
    assert pseudonym(person_key(who)) not in [p.person_id for p in people.people_in([], centre, 100)]


def test_a_deleted_zone_does_not_break_evacuation(api: Any, site: Any) -> None:
    who = staff(api, site)
    post_events(api, event(site.perimeter, person_id=who, hours=-0.2), event(site.zone_gate, person_id=who))
    assert api.delete(f"/zones/{site.zone}", role="park_admin").status_code == 204
    found = people.people_in([], {"lat": 31.951, "lon": 120.905}, 100)
    assert pseudonym(person_key(who)) not in [p.person_id for p in found]
