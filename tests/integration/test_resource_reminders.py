"""Supply reminders (5.2.1-2) through the daily sweep: expiry window, wear threshold, one notice per reason."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.core import clock
from chalicelib.resources import reminders
from chalicelib.resources import service as resources
from tests.integration.test_resources import body, spot
from tests.settings_env import setenv_fixture  # noqa: F401 (the `setenv` fixture)
from tests.support import TopicTap


@pytest.fixture
def enterprise(api):
    def make() -> str:
        r = api.post(
            "/enterprises", role="park_admin", json={"name": "物资企业", "location": {"lat": 31.95, "lon": 120.9}}
        )
        assert r.status_code == 201, r.json
        return r.json["id"]

    return make


def supply(api, enterprise_id=None, **details) -> dict:
    b = body(kind="supply", at=spot(), enterprise_id=enterprise_id)
    b["details"] = {"quantity": 5, "unit": "套", **details}
    r = api.post("/resources", role="park_admin", json=b)
    assert r.status_code == 201, r.json
    return r.json


def mine(tap: TopicTap, ids: set[str]) -> list[dict]:
    return [m for m in tap.messages() if m["body"]["resource_id"] in ids]


def test_expiry_and_wear_reminders_once_per_reason(api, enterprise):
    today = reminders.park_today()
    frozen = clock.FrozenClock(clock.now_ms())
    soon = supply(api, expiry_date=(today + timedelta(days=10)).isoformat())
    worn = supply(api, enterprise_id=enterprise(), wear_threshold=50, usage_count=50)
    fresh = supply(api, expiry_date=(today + timedelta(days=200)).isoformat(), wear_threshold=50, usage_count=3)
    ids = {soon["id"], worn["id"], fresh["id"]}
    tap = TopicTap("notifications", filter_policy={"kind": ["resource_reminder"]})
    with clock.use(frozen):
        resources.sweep_reminders()
    sent = mine(tap, ids)
    assert sorted((m["body"]["resource_id"], m["body"]["reason"]) for m in sent) == sorted(
        [(soon["id"], "expiry"), (worn["id"], "wear")]
    )
    assert all(m["attributes"]["channel"] == "sns" and m["attributes"]["audience"] == "park" for m in sent)
    assert "剩余 10 天" in next(m for m in sent if m["body"]["reason"] == "expiry")["body"]["text"]
    frozen.advance(24 * 3600)
    with clock.use(frozen):
        resources.sweep_reminders()  # the next day: still due, no second notice
    assert mine(tap, ids) == []
    listed = [
        i for i in api.get("/resources/reminders?limit=200", role="park_admin").json["items"] if i["resource_id"] in ids
    ]
    assert sorted(i["reason"] for i in listed) == ["expiry", "wear"]
    assert next(i for i in listed if i["reason"] == "expiry")["facts"]["days_left"] == 9
    frozen.advance(10 * 24 * 3600)  # past the date: "expired" is news, "expiry" is resolved
    with clock.use(frozen):
        resources.sweep_reminders()
    assert [(m["body"]["resource_id"], m["body"]["reason"]) for m in mine(tap, ids)] == [(soon["id"], "expired")]
    replaced = body(kind="supply", at=spot(), enterprise_id=worn["enterprise_id"], name=worn["name"])
    replaced["details"] = {"quantity": 5, "unit": "套", "wear_threshold": 50, "usage_count": 0}
    assert api.put(f"/resources/{worn['id']}", role="park_admin", json=replaced).status_code == 200
    with clock.use(frozen):
        resources.sweep_reminders()
    resolved = api.get("/resources/reminders?status=resolved&limit=200", role="park_admin").json["items"]
    assert {(i["resource_id"], i["reason"]) for i in resolved if i["resource_id"] in ids} == {
        (soon["id"], "expiry"),
        (worn["id"], "wear"),
    }
    assert mine(tap, ids) == []


def test_reminders_are_scoped_and_the_window_is_configurable(api, enterprise, setenv):
    a, b = enterprise(), enterprise()
    in_ten_days = (reminders.park_today() + timedelta(days=10)).isoformat()
    ours, theirs = (
        supply(api, enterprise_id=a, expiry_date=in_ten_days),
        supply(api, enterprise_id=b, expiry_date=in_ten_days),
    )
    setenv("CHEMPARK_SUPPLY_EXPIRY_WARN_DAYS", "5")
    resources.sweep_reminders()
    listed = api.get("/resources/reminders?status=all&limit=200", role="park_admin").json["items"]
    assert not {ours["id"], theirs["id"]} & {i["resource_id"] for i in listed}  # 10 days left > 5
    setenv("CHEMPARK_SUPPLY_EXPIRY_WARN_DAYS", "30")
    resources.sweep_reminders()
    seen_by_a = api.get("/resources/reminders?limit=200", role="enterprise_manager", enterprise_id=a).json["items"]
    assert ours["id"] in {i["resource_id"] for i in seen_by_a}
    assert theirs["id"] not in {i["resource_id"] for i in seen_by_a}
    assert all(i["enterprise_id"] in (None, a) for i in seen_by_a)
    r = api.get(f"/resources/reminders?enterprise_id={b}", role="enterprise_manager", enterprise_id=a)
    assert r.status_code == 403
