"""Helpers of the patrol tests: an enterprise route with two checkpoints, a plan for it, inspectors by subject.
Phones of inspectors and liable persons are 13666nnnnnn: no other test texts that range."""

from __future__ import annotations

import itertools
from typing import Any

from chalicelib.core import clock

_n = itertools.count()
HOUR = 3600_000
CP1 = {"lat": 31.9512, "lon": 120.9052}
CP2 = {"lat": 31.9530, "lon": 120.9070}


def phone() -> str:
    return f"13666{next(_n):06d}"


def route_body(enterprise_id: str | None, **over: Any) -> dict[str, Any]:
    body = {
        "enterprise_id": enterprise_id,
        "name": "液氯罐区日常巡检",
        "liable_person": {"name": "王工", "phone": phone()},
        "checkpoints": [
            {
                "id": "cp1",
                "name": "T-101 东侧",
                "location": CP1,
                "code": f"NFC-{next(_n)}-T101E",
                "items": [
                    {"id": "flange", "name": "法兰无泄漏", "urgent": True},
                    {"id": "ground", "name": "静电接地完好", "category": "electrical", "rectify_days": 3},
                ],
            },
            {
                "id": "cp2",
                "name": "装卸栈台",
                "location": CP2,
                "code": f"QR-{next(_n)}-DOCK",
                "radius_m": 20,
                "items": [{"id": "hose", "name": "装卸软管完好"}],
            },
        ],
    }
    if enterprise_id is None:
        body.pop("enterprise_id")
    return {**body, **over}


def plan_body(route_id: str, members: list[tuple[str, str]], starts_ms: int, **over: Any) -> dict[str, Any]:
    """A daily plan with a 1-hour window starting at `starts_ms`; members are (user_id, phone)."""
    return {
        "route_id": route_id,
        "name": "罐区白班巡检",
        "team": {
            "name": f"罐区巡检{next(_n)}班",
            "members": [{"user_id": u, "name": f"巡检员{u}", "phone": p} for u, p in members],
        },
        "starts_at": clock.from_ms(starts_ms).isoformat(),
        "cycle": 1,
        "cycle_unit": "day",
        "window_min": 60,
        **over,
    }


def setup(api: Any, eid: str, inspector: str, starts_ms: int, role: str = "enterprise_manager") -> dict[str, Any]:
    """A route and a plan with `inspector` on the team; returns the route, the plan and the inspector's phone."""
    r = api.post("/patrol/routes", role=role, enterprise_id=eid if role != "park_admin" else None, json=route_body(eid))
    assert r.status_code == 201, r.json
    ph = phone()
    p = api.post(
        "/patrol/plans",
        role=role,
        enterprise_id=eid if role != "park_admin" else None,
        json=plan_body(r.json["id"], [(inspector, ph)], starts_ms),
    )
    assert p.status_code == 201, p.json
    return {"route": r.json, "plan": p.json, "phone": ph}


class Inspector:
    """An inspector with a fixed subject (tasks are dispatched to subjects), park-wide or in one enterprise."""

    def __init__(self, api: Any, subject: str, enterprise_id: str | None = None) -> None:
        self.api, self.token = api, api.token("inspector", enterprise_id, subject=subject)

    def get(self, path: str) -> Any:
        return self.api.get(path, token=self.token)

    def post(self, path: str, json: Any) -> Any:
        return self.api.post(path, token=self.token, json=json)

    def checkin(self, task_id: str, cp: str, **over: Any) -> Any:
        return self.post(f"/patrol/tasks/{task_id}/checkpoints/{cp}", json=over)
