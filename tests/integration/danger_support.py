"""Helpers of the hidden-danger and dual-prevention tests: an enterprise, a danger body, callers by name."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

_n = itertools.count()  # liable persons' phones 1350000nnnn: no other test texts that range


def enterprise(api: Any) -> str:
    r = api.post(
        "/enterprises",
        role="park_admin",
        json={"name": f"隐患测试化工{next(_n)}", "location": {"lat": 31.95, "lon": 120.9}},
    )
    assert r.status_code == 201, r.json
    return r.json["id"]


def in_hours(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


def danger(enterprise_id: str, **over: Any) -> dict[str, Any]:
    body = {
        "enterprise_id": enterprise_id,
        "title": "罐区静电接地线断开",
        "source": "routine",
        "category": "electrical",
        "description": "T-101 罐体静电接地线断开",
        "handling": "deadline",
        "deadline": in_hours(48),
        "liable_person": {"name": "王工", "phone": f"1350000{next(_n):04d}"},
    }
    return {**body, **over}


def full_plan(**over: Any) -> dict[str, Any]:
    plan = {
        "measures": "恢复接地并检测电阻",
        "responsible": "王工",
        "deadline": in_hours(24),
        "cost": 2000,
        "goal": "接地电阻小于 10 Ω",
        "funds": "安全生产费用",
        "organisation": "设备部电气班",
        "safety_measures": "整改期间停止装卸作业",
    }
    return {**plan, **over}


class Person:
    """A caller with a fixed subject (four eyes compares subjects)."""

    def __init__(self, api: Any, role: str, enterprise_id: str | None, subject: str) -> None:
        self.api, self.token = api, api.token(role, enterprise_id, subject=subject)

    def post(self, path: str, json: Any) -> Any:
        return self.api.post(path, token=self.token, json=json)

    def get(self, path: str) -> Any:
        return self.api.get(path, token=self.token)
