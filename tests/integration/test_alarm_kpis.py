"""Alarm KPIs (issue 10, finding 10 and item 7): a window of at most 31 days, served from counters maintained
on write (never a scan or query of the events table), enterprise users limited to their own enterprise."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.alarms import store
from chalicelib.core import clock
from chalicelib.telemetry import caches
from chalicelib.telemetry import service as telemetry
from tests.support import batch, make_park, message, now

DAY_MS = 86_400_000


@pytest.fixture(autouse=True)
def _fresh_caches():
    caches.reset_caches()
    yield
    caches.reset_caches()


def _iso(ms: int) -> str:
    return clock.iso(ms)


def _window(hours_back: float = 1) -> str:
    t = now()
    return f"from={_iso(t - int(hours_back * 3600_000))}&to={_iso(t + 60_000)}"


def _activity(api: Any, park: Any) -> None:
    """H and HH on the chlorine detector; H on the temperature three times within a second (chattering),
    then shelved by the enterprise's manager."""
    t = now()
    telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, t, 1.5), (park.tag, t + 1, 2.5)])))
    for i, value in enumerate([65.0, 50.0, 65.0, 50.0, 65.0]):
        telemetry.ingest(batch(message(park.enterprise_id, [(park.temp_tag, t + 10 + i, value)])))
    temp = api.get(f"/alarms?tag_id={park.temp_tag}", role="park_admin").json["items"][0]
    r = api.post(
        f"/alarms/{temp['id']}/shelve",
        role="enterprise_manager",
        enterprise_id=park.enterprise_id,
        json={"duration_s": 600, "reason": "工艺调整"},
    )
    assert r.status_code == 200, r.json


def test_the_kpi_window_is_at_most_31_days(api):
    t = now()
    too_long = api.get(f"/alarms/kpis?from={_iso(t - 32 * DAY_MS)}&to={_iso(t)}", role="park_admin")
    assert too_long.status_code == 422 and too_long.json["code"] == "VALIDATION_FAILED"
    problem = too_long.json["details"]["errors"][0]
    assert problem["field"] == "query.to" and "31" in problem["message"]
    month = api.get(f"/alarms/kpis?from={_iso(t - 31 * DAY_MS)}&to={_iso(t)}", role="park_admin")
    assert month.status_code == 200, month.json


def test_kpis_are_read_from_counters_not_from_the_events_table(api, monkeypatch):
    park = make_park(api)
    _activity(api, park)

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("KPIs read the alarm events table")

    monkeypatch.setattr(store.AlarmEventModel, "scan", refused)
    monkeypatch.setattr(store.AlarmEventModel, "query", refused)
    monkeypatch.setattr(store.AlarmEventModel.by_area, "query", refused)
    reply = api.get(f"/alarms/kpis?enterprise_id={park.enterprise_id}&{_window()}", role="park_admin")
    assert reply.status_code == 200, reply.json
    k = reply.json
    assert k["total"] == 5  # H, HH, and the temperature's H raised then re-activated twice
    assert k["top10"][0] == {"tag_id": park.temp_tag, "condition": "H", "count": 3}
    assert k["chattering"] == [f"{park.temp_tag}:H"] and k["chattering_count"] == 1
    assert k["priority_mix_percent"] == {"high": 20.0, "medium": 60.0, "urgent": 20.0}
    assert k["shelved"] == {
        "now": 1,
        "now_by_priority": {"medium": 1},
        "actions": 1,
        "actions_by_priority": {"medium": 1},
        "unshelved": 0,
        "expired": 0,
    }
    assert k["events"]["raised"] == 3 and k["events"]["reactivated"] == 2 and k["events"]["cleared"] == 2
    area = api.get(f"/alarms/kpis?area={park.installation_id}&{_window()}", role="park_admin").json
    assert area["total"] == 5 and area["areas"] == [park.installation_id]
    park_wide = api.get(f"/alarms/kpis?{_window()}", role="duty_officer").json
    assert park_wide["areas"] == "park" and park_wide["total"] >= 5


def test_enterprise_users_see_only_their_own_enterprises_kpis(api):
    mine, theirs = make_park(api), make_park(api)
    _activity(api, mine)
    _activity(api, theirs)
    own = api.get(f"/alarms/kpis?{_window()}", role="enterprise_manager", enterprise_id=mine.enterprise_id)
    assert own.status_code == 200 and own.json["areas"] == [mine.enterprise_id] and own.json["total"] == 5
    other = api.get(
        f"/alarms/kpis?enterprise_id={theirs.enterprise_id}&{_window()}",
        role="enterprise_manager",
        enterprise_id=mine.enterprise_id,
    )
    assert other.status_code == 403
    area = api.get(
        f"/alarms/kpis?area={theirs.installation_id}&{_window()}",
        role="enterprise_manager",
        enterprise_id=mine.enterprise_id,
    )
    assert area.status_code == 404
