"""Helpers of the on-duty tests: an enterprise with a major hazard installation, a key post, a roster, park
local times, positions reported through the people feed."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from typing import Any

from chalicelib.core import clock

PARK = timezone(timedelta(hours=8))
INSTALLATION = (31.951, 120.905)
_n = itertools.count()


def local_ms(y: int, m: int, d: int, hh: int, mm: int = 0) -> int:
    """Epoch ms of a park local time (UTC+8, the default `park_utc_offset_h`)."""
    return int(datetime(y, m, d, hh, mm, tzinfo=PARK).timestamp() * 1000)


def site(api: Any) -> tuple[str, str]:
    """(enterprise id, installation id) of a new enterprise with one major hazard installation."""
    i = next(_n)
    eid = api.post(
        "/enterprises",
        role="park_admin",
        json={"name": f"在岗测试化工{i}", "location": {"lat": 31.95, "lon": 120.9}},
    ).json["id"]
    r = api.post(
        "/installations",
        role="park_admin",
        json={
            "enterprise_id": eid,
            "name": "液氯储罐区",
            "unit_type": "storage",
            "exposed_people": 60,
            "location": {"lat": INSTALLATION[0], "lon": INSTALLATION[1]},
            "inventory": [{"chemical": "氯", "quantity_t": 20}],
        },
    )
    assert r.status_code == 201, r.json
    return eid, r.json["id"]


def post_body(eid: str, installation_id: str | None = None, **over: Any) -> dict[str, Any]:
    body = {
        "enterprise_id": eid,
        "name": "液氯储罐区当班班长",
        "kind": "shift_leader" if installation_id else "safety_manager",
        "installation_id": installation_id,
        "shifts": [
            {"id": "day", "name": "白班", "start": "08:00", "end": "20:00"},
            {"id": "night", "name": "夜班", "start": "20:00", "end": "08:00"},
        ],
    }
    return {**body, **over}


def make_post(api: Any, eid: str, installation_id: str | None = None, **over: Any) -> str:
    r = api.post(
        "/onduty/posts", role="enterprise_manager", enterprise_id=eid, json=post_body(eid, installation_id, **over)
    )
    assert r.status_code == 201, r.json
    return str(r.json["id"])


def person(tag: str = "") -> dict[str, Any]:
    return {"person_id": f"emp-{next(_n)}{tag}", "name": "赵班长"}


def roster(api: Any, eid: str, post_id: str, day: str, shift_id: str, *people: dict[str, Any]) -> Any:
    body = {"assignments": [{"date": day, "shift_id": shift_id, "people": list(people)}]}
    return api.put(f"/onduty/posts/{post_id}/roster", role="enterprise_manager", enterprise_id=eid, json=body)


def check_in(api: Any, eid: str, post_id: str, person_id: str, where: tuple[float, float] = INSTALLATION) -> Any:
    body = {"post_id": post_id, "person_id": person_id, "location": {"lat": where[0], "lon": where[1]}}
    return api.post("/onduty/check-ins", role="enterprise_manager", enterprise_id=eid, json=body)


def seen(api: Any, eid: str, person_id: str, where: tuple[float, float] = INSTALLATION) -> None:
    """A badge fix of the person now, through the people-positions feed (linkage)."""
    body = {
        "person_id": person_id,
        "name": "赵班长",
        "phone": "13900000101",
        "lat": where[0],
        "lon": where[1],
        "enterprise_id": eid,
        "source": "badge",
        "ts": clock.from_ms(clock.now_ms()).isoformat(),
    }
    r = api.post("/people/positions", role="integration", json=body)
    assert r.status_code == 200 and r.json["accepted"], r.json


def status(api: Any, eid: str, post_id: str) -> dict[str, Any]:
    r = api.get(f"/onduty/status?enterprise_id={eid}", role="park_admin")
    assert r.status_code == 200, r.json
    return next(p for p in r.json["posts"] if p["post_id"] == post_id)
