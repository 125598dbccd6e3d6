"""The vacancy sweep (5.1.2-1) through the alarm engine's event-alarm entry point, in simulated time: a key post
vacant past the grace period raises exactly one `post_vacant` alarm however often the sweep runs, filling the
post clears it, the next shift of a still-vacant post is a new alarm, deleting the post clears its alarm."""

from __future__ import annotations

import pytest

from chalicelib.core import clock
from chalicelib.onduty import service as onduty
from tests.integration.onduty_support import INSTALLATION, check_in, local_ms, make_post, person, roster, site

pytestmark = pytest.mark.usefixtures("module_stack")  # its sweeps read whole tables (tests/conftest.py)


def _alarms(api, eid):
    r = api.get(f"/alarms?source=onduty&enterprise_id={eid}&limit=200", role="park_admin")
    assert r.status_code == 200, r.json
    return sorted(r.json["items"], key=lambda a: a["raised_at"])


def test_a_vacant_post_raises_one_alarm_after_the_grace_period_and_filling_it_clears_it(api):
    eid, ins = site(api)
    post_id = make_post(api, eid, ins)
    leader = person()
    frozen = clock.FrozenClock(local_ms(2026, 12, 7, 8, 10))
    with clock.use(frozen):
        roster(api, eid, post_id, "2026-12-07", "day", leader)
        onduty.sweep()
        assert _alarms(api, eid) == []  # 10 min vacant: inside the 15 min grace
        frozen.set(local_ms(2026, 12, 7, 8, 15))
        onduty.sweep()
        frozen.advance(300)
        onduty.sweep()  # still vacant: no second alarm, not even a repeat of the first
        (alarm,) = _alarms(api, eid)
        assert (alarm["kind"], alarm["key"], alarm["priority"], alarm["state"]) == (
            "post_vacant",
            f"{post_id}:2026-12-07:day",
            "high",
            "unack",
        )
        assert alarm["installation_id"] == ins and (alarm["lat"], alarm["lon"]) == INSTALLATION
        assert "重大危险源岗位班组长" in alarm["title"] and "08:00" in alarm["title"]
        assert alarm["details"]["reason"] == "absent" and alarm["count"] == 1
        assert check_in(api, eid, post_id, leader["person_id"]).status_code == 201
        onduty.sweep()
        onduty.sweep()
        (after,) = _alarms(api, eid)
        assert (after["id"], after["active"], after["state"]) == (alarm["id"], False, "rtn_unack")
        assert onduty.vacancies(eid) == []


def test_an_unfilled_night_shift_is_a_new_alarm_and_the_day_alarm_clears_at_the_shift_change(api):
    eid, ins = site(api)
    post_id = make_post(api, eid, ins, kind="operator", name="氯气压缩岗位")
    frozen = clock.FrozenClock(local_ms(2026, 12, 7, 19, 0))
    with clock.use(frozen):
        onduty.sweep()  # nobody rostered on the day shift
        (day,) = _alarms(api, eid)
        assert (day["priority"], day["details"]["reason"]) == ("medium", "unassigned")
        frozen.set(local_ms(2026, 12, 7, 20, 5))
        onduty.sweep()  # the night shift is 5 min old: the day alarm ends, the night one is not due yet
        assert [(a["key"], a["active"]) for a in _alarms(api, eid)] == [(f"{post_id}:2026-12-07:day", False)]
        frozen.set(local_ms(2026, 12, 8, 3, 0))  # overnight, still the 2026-12-07 night shift
        onduty.sweep()
        alarms = _alarms(api, eid)
        assert [(a["key"], a["active"]) for a in alarms] == [
            (f"{post_id}:2026-12-07:day", False),
            (f"{post_id}:2026-12-07:night", True),
        ]
        assert api.delete(f"/onduty/posts/{post_id}", role="enterprise_manager", enterprise_id=eid).status_code == 204
        assert [a["active"] for a in _alarms(api, eid)] == [False, False]
        onduty.sweep()  # nothing left to raise or clear for the deleted post
        assert len(_alarms(api, eid)) == 2


def test_the_sweep_is_audited_when_it_changes_something(api):
    eid, ins = site(api)
    post_id = make_post(api, eid, ins)
    with clock.use(clock.FrozenClock(local_ms(2026, 12, 9, 9))):
        counts = onduty.sweep()
    assert counts["raised"] >= 1
    audited = api.get("/audit/records?action=onduty.sweep&limit=200", role="auditor").json["items"]
    assert any(post_id in r["details"]["posts_changed"] for r in audited)
