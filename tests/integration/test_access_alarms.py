"""Gate alarms (5.3.1 自动报警拦截): a denial or a black-listed attempt raises an event alarm (source "access")
at the gate's location; repeated attempts of one subject at one gate update that alarm; allowed entries raise none."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.access_support import approved, event, id_number, make_site, person_body, plate, post_events


@pytest.fixture(scope="module")
def site(app: Any) -> Any:
    from chalice.test import Client

    from tests.conftest import Api

    with Client(app) as client:
        return make_site(Api(client))


def access_alarms(api: Any, kind: str, **details: str) -> list[dict[str, Any]]:
    items = api.get(f"/alarms?source=access&kind={kind}&limit=200", role="park_admin").json["items"]
    return [a for a in items if all(a["details"].get(k) == v for k, v in details.items())]


def test_black_listed_vehicle_raises_a_high_alarm_at_the_gate(api: Any, site: Any) -> None:
    car = plate()
    api.post(
        "/access/lists", role="park_admin", json={"list": "black", "kind": "vehicle", "value": car, "reason": "违停"}
    )
    first, second = event(site.hazmat_gate, plate=car), event(site.hazmat_gate, plate=car)
    post_events(api, first)
    post_events(api, second, first)  # a second attempt, and the first again (a duplicate: no new raise)
    (alarm,) = access_alarms(api, "gate_blacklisted", plate=car)
    assert alarm["priority"] == "high" and alarm["count"] == 2
    assert (alarm["lat"], alarm["lon"]) == (31.95, 120.9)
    assert alarm["details"]["gate_id"] == site.hazmat_gate and alarm["details"]["reasons"] == "BLACK_LISTED"
    assert car in alarm["title"]


def test_a_denial_raises_a_low_alarm_and_an_allowed_entry_none(api: Any, site: Any) -> None:
    nobody, visitor = id_number(), id_number()
    post_events(api, event(site.perimeter, person_id=nobody))
    denied = [
        a
        for a in access_alarms(api, "gate_denied", gate_id=site.perimeter)
        if a["details"]["reasons"] == "NO_APPOINTMENT"
    ]
    assert denied and all(a["priority"] == "low" for a in denied) and nobody not in str(denied)
    approved(api, person_body(site, visitor))
    before = len(access_alarms(api, "gate_denied", gate_id=site.perimeter))
    post_events(api, event(site.perimeter, person_id=visitor))
    assert len(access_alarms(api, "gate_denied", gate_id=site.perimeter)) == before


def test_an_enterprise_sees_alarms_of_its_own_gates_only(api: Any, site: Any) -> None:
    ent = site.park.enterprise_id
    post_events(api, event(site.zone_gate, person_id=id_number()))  # the enterprise's own gate
    mine = api.get("/alarms?source=access", role="enterprise_manager", enterprise_id=ent).json["items"]
    assert mine and all(a["enterprise_id"] == ent for a in mine)
