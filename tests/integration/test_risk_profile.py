"""The enterprise risk profile (5.1.2-1, 5.1.2-2) through the real services: each source feeds it (a major
hazard installation, an open alarm, an overdue hidden danger with its 督办, a missed check, an active permit, a
vacant key post through the port), and the colour it gives is the one the enterprise and park views store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from chalicelib.alarms import service as alarms
from chalicelib.alarms.schemas import EventAlarm
from chalicelib.core import clock
from chalicelib.core.schemas import Priority
from chalicelib.dangers import service as dangers
from chalicelib.prevention import service as prevention
from chalicelib.risk import ports
from chalicelib.telemetry import caches
from chalicelib.telemetry import service as telemetry
from tests.integration.danger_support import danger, in_hours
from tests.integration.test_prevention import _chain
from tests.integration.work_permit_support import Staff, application, spot
from tests.support import batch, make_park, message, now

HOUR = 3600_000


@dataclass(frozen=True)
class Post:
    post_id: str
    post_name: str
    installation_id: str | None
    since_ms: int


@pytest.fixture
def vacant() -> Iterator[dict[str, list[Post]]]:
    """The on-duty port filled with a fake (the onduty context is wired by the integrator)."""
    posts: dict[str, list[Post]] = {}
    saved = ports.PORTS.vacancies
    ports.PORTS.vacancies = lambda enterprise_id: posts.get(enterprise_id, [])
    yield posts
    ports.PORTS.vacancies = saved


def profile(api, eid, **kw):
    r = api.get(f"/risk/enterprises/{eid}/profile", role="park_admin", **kw)
    assert r.status_code == 200, r.json
    return r.json


def part(result, key):
    (found,) = [c for c in result["contributions"] if c["key"] == key]
    return found


def test_a_quiet_enterprise_scores_its_major_hazard_only(api, vacant):
    park = make_park(api)  # 20 t of chlorine, 60 people exposed: GB 18218 三级
    result = profile(api, park.enterprise_id)
    assert (result["score"], result["level"], result["label"]) == (4, "blue", "蓝色（低风险）")
    assert part(result, "major_hazards")["items"] == [
        {"label": "液氯储罐区（三级重大危险源）", "count": 1, "points": 4, "refs": [park.installation_id]}
    ]
    assert all(part(result, k)["points"] == 0 for k in ("alarms", "dangers", "missed_checks", "special_work"))
    assert part(result, "key_posts")["available"] is True
    stored = api.get(f"/risk/enterprises/{park.enterprise_id}", role="park_admin").json
    assert (stored["level"], stored["score"]) == ("blue", 4)


def test_an_open_alarm_feeds_the_profile_and_its_installation_colour_is_the_floor(api, vacant):
    park = make_park(api)
    caches.reset_caches()
    telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, now(), 5.0)])))  # HH on the chlorine detector
    raised = api.get(f"/alarms?tag_id={park.tag}", role="park_admin").json["items"]  # H and HH
    assert len(raised) == 2
    result = profile(api, park.enterprise_id)
    lines = part(result, "alarms")["items"]
    assert sorted(ref for line in lines for ref in line["refs"]) == sorted(a["id"] for a in raised)
    assert sum(line["count"] for line in lines) == 2 and part(result, "alarms")["points"] > 0
    assert (result["level"], result["score"]) == ("orange", 50)  # HH lifts the 三级 installation to orange
    assert result["floors"] == [{"level": "orange", "reason": "最高风险单元：液氯储罐区"}]
    assert part(result, "floor")["points"] == 50 - result["raw_score"]
    stored = api.get(f"/risk/enterprises/{park.enterprise_id}", role="park_admin").json
    assert (stored["level"], stored["score"]) == ("orange", 50)
    assert f"{stored['name']}: {stored['label']}" in api.get("/risk/park", role="park_admin").json["reasons"] or (
        api.get("/risk/park", role="park_admin").json["level"] == "red"  # another test's enterprise may be red
    )


def test_an_overdue_danger_and_its_supervision_order_feed_the_profile(api, vacant):
    park = make_park(api)
    r = api.post("/hidden-dangers", role="park_admin", json=danger(park.enterprise_id, deadline=in_hours(1)))
    assert r.status_code == 201, r.json
    assert part(profile(api, park.enterprise_id), "dangers")["items"] == [
        {"label": "一般隐患未销号", "count": 1, "points": 2, "refs": []}
    ]
    with clock.use(clock.FrozenClock(clock.now_ms() + 2 * HOUR)):
        dangers.sweep()
    result = profile(api, park.enterprise_id)
    assert [(i["label"], i["count"]) for i in part(result, "dangers")["items"]] == [
        ("一般隐患未销号", 1),
        ("隐患逾期未整改", 1),
    ]
    assert [(i["label"], i["count"]) for i in part(result, "supervision")["items"]] == [("督办单未关闭", 1)]
    assert (result["raw_score"], result["score"], result["level"]) == (4 + 2 + 4 + 2, 25, "yellow")


def test_a_missed_check_feeds_the_profile(api, vacant):
    park = make_park(api)
    _, task_id, starts = _chain(api, park.enterprise_id)
    frozen = clock.FrozenClock(starts + 3 * HOUR)  # windows 0..2 ended unrecorded
    with clock.use(frozen):
        prevention.sweep()
        missed = prevention.check_summary(park.enterprise_id, 0).missed
        assert missed >= 2
        result = profile(api, park.enterprise_id)
    assert part(result, "missed_checks")["items"] == [
        {"label": "近30天漏检", "count": missed, "points": 3 * missed, "refs": []}
    ]
    with clock.use(frozen):
        record = {"result": "normal", "note": "补检"}
        statuses = [api.post(f"/check-tasks/{task_id}/records", role="inspector", json=record).json["status"]]
        statuses.append(api.post(f"/check-tasks/{task_id}/records", role="inspector", json=record).json["status"])
        assert statuses == ["done", "late"]  # the open check, then a missed one made up: no longer missed
        assert part(profile(api, park.enterprise_id), "missed_checks")["items"][0]["count"] == missed - 1


def test_active_special_work_feeds_the_profile_by_type(api, vacant):
    park = make_park(api)
    staff = Staff(api, park.enterprise_id)
    hot = staff.approved_and_started(application(park.enterprise_id, "hot_work", spot(), level="level_2"))
    lifting = staff.approved_and_started(application(park.enterprise_id, "lifting", spot(), 2, load_t=20))
    draft = staff.apply(application(park.enterprise_id, "work_at_height", spot(), height_m=3))  # not under way
    result = profile(api, park.enterprise_id)
    assert part(result, "special_work")["items"] == [
        {"label": "动火作业", "count": 1, "points": 5, "refs": [hot["id"]]},
        {"label": "吊装作业", "count": 1, "points": 3, "refs": [lifting["id"]]},
    ]
    assert draft["id"] not in str(result)
    assert staff.act(hot["id"], "close", json={"comment": "完工"}).status_code == 200
    assert [i["label"] for i in part(profile(api, park.enterprise_id), "special_work")["items"]] == ["吊装作业"]


def test_vacant_key_posts_feed_the_profile_through_the_port(api, vacant):
    park = make_park(api)
    vacant[park.enterprise_id] = [
        Post("post-1", "主要负责人", None, clock.now_ms()),
        Post("post-2", "重大危险源值班长", park.installation_id, clock.now_ms()),
    ]
    result = profile(api, park.enterprise_id)
    assert [(i["label"], i["points"]) for i in part(result, "key_posts")["items"]] == [
        ("主要负责人空岗", 10),
        ("重大危险源值班长空岗", 10),
    ]
    assert (result["score"], result["level"]) == (24, "blue")
    vacant[park.enterprise_id].append(Post("post-3", "安全管理人员", None, clock.now_ms()))
    result = profile(api, park.enterprise_id)  # a third post: the contribution stays at its cap
    assert (part(result, "key_posts")["points"], part(result, "key_posts")["uncapped"]) == (20, 30)
    assert (result["score"], result["level"]) == (24, "blue")


def test_without_an_on_duty_source_the_key_posts_say_so(api):
    park = make_park(api)
    saved, ports.PORTS.vacancies = ports.PORTS.vacancies, None
    try:
        key_posts = part(profile(api, park.enterprise_id), "key_posts")
    finally:
        ports.PORTS.vacancies = saved
    assert (key_posts["available"], key_posts["points"], key_posts["note"]) == (
        False,
        0,
        "在岗在位数据未接入，本项未计分",
    )


def test_the_profile_is_tenant_scoped_and_validated(api, vacant):
    a, b = make_park(api), make_park(api)
    mine = api.get(
        f"/risk/enterprises/{a.enterprise_id}/profile", role="enterprise_manager", enterprise_id=a.enterprise_id
    )
    assert mine.status_code == 200 and mine.json["enterprise_id"] == a.enterprise_id
    other = api.get(
        f"/risk/enterprises/{b.enterprise_id}/profile", role="enterprise_manager", enterprise_id=a.enterprise_id
    )
    assert other.status_code == 404
    bad = api.get(f"/risk/enterprises/{a.enterprise_id}/profile?days=0", role="park_admin")
    assert (bad.status_code, bad.json["details"]["errors"][0]["field"]) == (422, "query.days")
    assert api.get("/risk/enterprises/nope/profile", role="park_admin").status_code == 404


def test_event_alarms_count_and_a_vacant_posts_own_alarm_counts_once(api, vacant):
    park = make_park(api)
    eid = park.enterprise_id

    def event(source: str, kind: str) -> str:
        return alarms.raise_event_alarm(
            EventAlarm(
                source=source,
                kind=kind,
                key=f"{eid}-{kind}",
                enterprise_id=eid,
                priority=Priority.HIGH,
                title="事件报警",
            )
        )

    gate = event("access", "gate_denied")
    post_alarm = event("onduty", "post_vacant")
    vacant[eid] = [Post("post-9", "重大危险源值班长", None, clock.now_ms())]
    result = profile(api, eid)
    refs = [ref for line in part(result, "alarms")["items"] for ref in line["refs"]]
    assert refs == [gate]  # the post's alarm is the vacancy itself, counted under key_posts
    assert [i["label"] for i in part(result, "key_posts")["items"]] == ["重大危险源值班长空岗"]
    saved, ports.PORTS.vacancies = ports.PORTS.vacancies, None
    try:  # without the on-duty source the alarm is all the profile knows of the vacancy: it counts
        refs = [ref for line in part(profile(api, eid), "alarms")["items"] for ref in line["refs"]]
    finally:
        ports.PORTS.vacancies = saved
    assert sorted(refs) == sorted([gate, post_alarm])


def test_the_park_rolls_up_only_when_an_enterprise_changes_colour(api, vacant, monkeypatch):
    """The roll-up scans every enterprise's row: an alarm event that leaves the enterprise's colour as it was
    (most of them: an acknowledgement, a second alarm at the same level) leaves the park's row alone."""
    from chalicelib.risk import store
    from chalicelib.risk.service import levels

    park = make_park(api)
    levels.refresh_enterprise(park.enterprise_id)  # blue, stored
    scans: list[object] = []
    real_scan = store.RiskModel.scan

    def counted(*args, **kwargs):
        scans.append(args)
        return real_scan(*args, **kwargs)

    monkeypatch.setattr(store.RiskModel, "scan", counted)
    assert levels.refresh_enterprise(park.enterprise_id).level == "blue"
    assert scans == []  # the same colour: no roll-up
    caches.reset_caches()
    telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, now(), 5.0)])))  # HH: the enterprise turns orange
    assert api.get(f"/risk/enterprises/{park.enterprise_id}", role="park_admin").json["level"] == "orange"
    assert scans, "a new colour rolls the park up"
    assert api.get("/risk/park", role="park_admin").json["level"] in ("orange", "red")  # red: another test's
