"""Helpers of the work permit tests: a permit application, calls as named people of an enterprise, a place of
its own for each test (permits conflict and gas alarms act park-wide, so tests keep apart)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.core import clock

_spot = itertools.count()
GUARDIAN = {"name": "李监护", "phone": "13900009999"}


def spot() -> tuple[float, float]:
    """A point ~1 km from every other test's (and far from the demo park's sensors)."""
    i = next(_spot)
    return 30.0 + i * 0.01, 110.0


def iso(delta_min: float = 0, at_ms: int | None = None) -> str:
    """Now (or `at_ms`) moved by `delta_min` minutes, ISO-8601 with offset."""
    at = clock.now_ms() if at_ms is None else at_ms
    return (datetime.fromtimestamp(at / 1000, UTC) + timedelta(minutes=delta_min)).isoformat()


def application(enterprise_id: str, work_type: str, place: tuple[float, float], hours: float = 4, **kw: Any) -> dict:
    at = clock.now_ms()
    return {
        "enterprise_id": enterprise_id,
        "type": work_type,
        "location": {"lat": place[0], "lon": place[1]},
        "starts_at": iso(-1, at),  # one reading of the clock: the window is exactly `hours` long
        "ends_at": iso(-1 + hours * 60, at),
        "description": f"{work_type} 作业",
        "guardian": GUARDIAN,
        **kw,
    }


def methane(value: float = 0.1, sampled_min_ago: float = 5) -> dict:
    return {
        "sampled_at": iso(-sampled_min_ago),
        "analyst": "王分析",
        "results": [
            {"gas": "甲烷", "kind": "flammable", "value": value, "unit": "%vol", "lel_pct": 5.0},
            {"gas": "氧气", "kind": "oxygen", "value": 20.9, "unit": "%vol"},
        ],
    }


class Staff:
    """Calls as named people of one enterprise (four eyes needs distinct subjects)."""

    def __init__(self, api: Any, enterprise_id: str) -> None:
        self.api, self.enterprise_id = api, enterprise_id

    def call(self, method: str, path: str, role: str, who: str | None = None, json: Any = None) -> Any:
        token = self.api.token(role, self.enterprise_id, subject=who or f"{role}-{self.enterprise_id}")
        return self.api.call(method, path, token=token, json=json)

    def apply(self, body: dict, who: str = "applicant", role: str = "unit_supervisor") -> dict:
        r = self.call("POST", "/work-permits", role, who, body)
        assert r.status_code == 201, r.json
        return r.json

    def act(
        self, permit_id: str, action: str, role: str = "enterprise_manager", json: Any = None, who: str = ""
    ) -> Any:
        return self.call("POST", f"/work-permits/{permit_id}/{action}", role, who or None, json)

    def approved_and_started(self, body: dict, approver: str = "enterprise_leader") -> dict:
        permit = self.apply(body)
        assert self.act(permit["id"], "approve", approver, {"comment": "同意"}).status_code == 200
        if body["type"] in ("hot_work", "confined_space"):
            assert self.act(permit["id"], "gas-analyses", json=methane()).status_code == 201
        r = self.act(permit["id"], "start")
        assert r.status_code == 200, r.json
        return r.json
