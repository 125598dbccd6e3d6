"""Daily profile snapshots and the monthly report (5.1.2-2), with simulated time: one snapshot per park-local
day (TTL), the trend read back, last month's zh-CN report written once into the reports bucket and listed with
presigned links, tenant-scoped and audited."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import requests

from chalicelib.core import aws, catalog, clock
from chalicelib.risk import handlers, ports, store
from chalicelib.risk import service as risk
from chalicelib.risk.service import snapshots
from local.scheduler import scheduled_event
from tests.integration.danger_support import danger
from tests.integration.test_risk_profile import Post
from tests.support import make_park

pytestmark = pytest.mark.usefixtures("module_stack")  # its report reads every snapshot of the park (conftest)

DAY = 86400


def at(text: str) -> clock.FrozenClock:
    return clock.FrozenClock(int(datetime.fromisoformat(text).timestamp() * 1000))


def test_a_month_of_snapshots_makes_a_report_with_its_trend_contributions_and_changes(api, monkeypatch):
    park = make_park(api)
    eid, posts = park.enterprise_id, []
    monkeypatch.setattr(ports.PORTS, "vacancies", lambda enterprise_id: posts if enterprise_id == eid else [])
    frozen = at("2026-11-01T01:00:00+08:00")
    notice = None
    for day in range(1, 31):
        with clock.use(frozen):
            if day == 5:
                body = {"enterprise_id": eid, "title": "罐区巡检提示", "content": "加强巡检", "level": "yellow"}
                body["due"] = (clock.now() + timedelta(days=5)).isoformat()
                notice = api.post("/risk-notices", role="park_admin", json=body).json
            if day == 6:
                ack = api.post(
                    f"/risk-notices/{notice['id']}/ack", role="enterprise_manager", enterprise_id=eid, json={}
                )
                assert ack.status_code == 200, ack.json
            if day == 15:
                posts.append(Post("post-1", "重大危险源值班长", None, clock.now_ms()))
            if day == 25:
                posts.append(Post("post-2", "主要负责人", None, clock.now_ms()))
                api.post("/hidden-dangers", role="park_admin", json=danger(eid, deadline="2027-06-30T00:00:00+08:00"))
            counts = risk.take_snapshots([eid])
            assert counts == {"refreshed": 1, "taken": 1, "failed": 0}, (day, counts)
            if day == 1:  # a second run the same day keeps the first snapshot
                assert risk.take_snapshots([eid])["taken"] == 0
        frozen.advance(DAY)
    kept = list(store.SnapshotModel.query(eid))
    assert [s.day for s in kept] == [f"2026-11-{d:02d}" for d in range(1, 31)]
    assert abs(kept[0].expires.timestamp() - (kept[0].taken_ms / 1000 + 400 * DAY)) < 1  # TTL: risk_snapshot_days
    assert [(s.day, s.score, s.level) for s in kept if s.day in ("2026-11-14", "2026-11-15", "2026-11-25")] == [
        ("2026-11-14", 4, "blue"),
        ("2026-11-15", 14, "blue"),
        ("2026-11-25", 26, "yellow"),
    ]

    december = at("2026-12-01T00:30:00+08:00")
    with clock.use(december):
        trend = api.get(f"/risk/enterprises/{eid}/profile?days=31", role="park_admin").json["trend"]
        assert len(trend) == 30 and trend[0] == {"day": "2026-11-01", "score": 4, "level": "blue"}
        assert trend[-1] == {"day": "2026-11-30", "score": 26, "level": "yellow"}
        assert risk.generate_reports([eid]) == {"written": 1, "existing": 0, "empty": 0, "failed": 0}
        assert risk.generate_reports([eid])["existing"] == 1  # written once
    s3, bucket = aws.client("s3"), catalog.bucket_name("reports")
    text = s3.get_object(Bucket=bucket, Key=f"risk-profiles/{eid}/2026-11.md")["Body"].read().decode()
    lines = text.splitlines()
    for line in (
        "# 企业安全风险画像月度报告",
        "- 报告期：2026年11月（园区时间）",
        "- 生成时间：2026-12-01 00:30",
        "- 月末评分 26 分，黄色（一般风险）；月初 4 分，蓝色（低风险）。",
        "- 各等级天数：红 0 天，橙 0 天，黄 6 天，蓝 24 天；快照 30 天，缺 0 天。",
        "- 2026-11-25 等级由蓝变为黄。",
        "| 2026-11-15 | 14 | 蓝 |",
        "| 关键岗位在岗在位 | 20 | 20 | 重大危险源值班长空岗 1 项 10 分；主要负责人空岗 1 项 10 分 |",
        "- 关键岗位在岗在位：0 → 20 分（主要负责人空岗 0 → 1；重大危险源值班长空岗 0 → 1）",
        "- 隐患排查治理：0 → 2 分（一般隐患未销号 0 → 1）",
        "本月向企业发出风险提示 1 条：已闭环 0 条，处置中 1 条，未确认 0 条，其中逾期 1 条。",
    ):
        assert line in lines, line
    data = s3.get_object(Bucket=bucket, Key=f"risk-profiles/{eid}/2026-11.json")["Body"].read()
    assert b'"compared_with": "2026-11-01"' in data

    listed = api.get(f"/risk/enterprises/{eid}/reports", role="enterprise_manager", enterprise_id=eid)
    assert listed.status_code == 200, listed.json
    (item,) = listed.json["items"]
    assert (item["month"], item["key"], item["expires_in_s"]) == ("2026-11", f"risk-profiles/{eid}/2026-11.md", 900)
    assert requests.get(item["url"], timeout=10).content.decode() == text
    assert requests.get(item["data_url"], timeout=10).content == data
    other = make_park(api)
    r = api.get(f"/risk/enterprises/{eid}/reports", role="enterprise_manager", enterprise_id=other.enterprise_id)
    assert r.status_code == 404
    audited = api.get(f"/audit/records?action=risk.enterprise_reports&target={eid}", role="auditor").json["items"]
    assert len(audited) == 2 and {a["status"] for a in audited} == {200, 404}


def test_expired_snapshots_are_not_read_and_an_empty_month_writes_no_report(api):
    eid = make_park(api).enterprise_id
    with clock.use(at("2026-11-01T08:00:00+08:00")):
        expired = clock.now() - timedelta(days=1)
        stale = store.SnapshotModel(eid, "2026-10-31", score=80, level="red", taken_ms=0, expires=expired)
        stale.save()  # past its TTL: AWS deletes it within days, moto never does
        assert snapshots.between(eid, "2026-10-01", "2026-10-31") == []
        assert risk.generate_reports([eid]) == {"written": 0, "existing": 0, "empty": 1, "failed": 0}


def test_the_scheduled_handlers_take_snapshots_and_write_reports(api, monkeypatch):
    eid = make_park(api).enterprise_id
    monkeypatch.setattr(snapshots, "enterprise_ids", lambda: iter([eid]))  # the park's other test enterprises
    with clock.use(at("2027-03-31T12:00:00+08:00")):
        done = handlers.risk_snapshots(scheduled_event(), None)
    assert {k: done[k] for k in ("refreshed", "taken", "failed")} == {"refreshed": 1, "taken": 1, "failed": 0}
    with clock.use(at("2027-04-01T06:00:00+08:00")):
        assert handlers.risk_reports(scheduled_event(), None)["written"] == 1
    found = aws.client("s3").list_objects_v2(Bucket=catalog.bucket_name("reports"), Prefix=f"risk-profiles/{eid}/")
    names = [o["Key"] for o in found["Contents"]]
    assert sorted(names) == [f"risk-profiles/{eid}/2027-03.json", f"risk-profiles/{eid}/2027-03.md"]
