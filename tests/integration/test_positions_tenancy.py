"""People positions belong to the caller's enterprise (issue 10, finding 7): an integration token of enterprise A
cannot post, overwrite or shadow a position of B's people, so B's evacuation texts still reach B's phones.
Park-level feeds (park integration, operations) may post for any enterprise or for park staff and visitors."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from chalicelib.core import clock
from chalicelib.linkage import evacuation, people
from tests.integration.linkage_support import make_site, offset, zones

_n = itertools.count()


def body(person_id: str, lat: float, lon: float, phone: str, enterprise_id: str | None) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "name": "操作员",
        "phone": phone,
        "lat": lat,
        "lon": lon,
        "enterprise_id": enterprise_id,
        "source": "badge",
        "ts": datetime.fromtimestamp(clock.now_ms() / 1000, UTC).isoformat(),
    }


def test_an_enterprise_feed_cannot_redirect_another_enterprises_evacuation_sms(api: Any) -> None:
    site, other = make_site(api, base_lat=21.0), make_site(api, base_lat=21.5)
    b, a = site.park.enterprise_id, other.park.enterprise_id
    person = f"emp-{next(_n)}-{b}"
    lat, lon = offset(site.lat, site.lon, 0, 300)  # inside the isolation circle
    park_feed = api.post("/people/positions", role="integration", json=body(person, lat, lon, "13911110000", b))
    assert park_feed.status_code == 200 and park_feed.json["accepted"] is True

    # A's token names B: refused, nothing written
    named = api.post(
        "/people/positions", role="integration", enterprise_id=a, json=body(person, 0.0, 0.0, "13922220000", b)
    )
    assert named.status_code == 403 and named.json["code"] == "ENTERPRISE_SCOPE"
    # A's token reuses B's person id for its own enterprise: A's own record, B's stays as it was
    later = {**body(person, lat, lon, "13933330000", None), "ts": datetime.now(UTC).isoformat()}
    own = api.post("/people/positions", role="integration", enterprise_id=a, json=later)
    assert own.status_code == 200 and own.json["accepted"] is True

    found = [p for p in people.people_in([], (site.lat, site.lon), 500) if p.person_id == person]
    assert {(p.enterprise_id, p.phone) for p in found} == {(b, "13911110000"), (a, "13933330000")}

    incident = f"inc_pos_{next(_n)}"
    ring, radius = zones(site.lat, site.lon)
    evacuation.evacuate(incident, ring, {"lat": site.lat, "lon": site.lon}, radius, drill=True)
    listed = evacuation.summary(incident)["people"]
    mine = [p for p in listed if p["person_id"] == person]
    assert sorted(p["enterprise_id"] for p in mine) == sorted([a, b])  # each enterprise's person told once

    ack = f"/incidents/{incident}/evacuation/ack"
    r = api.post(ack, role="enterprise_manager", enterprise_id=b, json={"person_id": person})
    assert r.status_code == 200, r.json
    ambiguous = api.post(ack, role="inspector", json={"person_id": person})
    assert ambiguous.status_code == 422 and ambiguous.json["details"]["errors"][0]["field"] == "body.enterprise_id"
    named_ack = api.post(ack, role="inspector", json={"person_id": person, "enterprise_id": a})
    assert named_ack.status_code == 200, named_ack.json
    assert evacuation.summary(incident, counts_only=True)["acknowledged"] >= 2
