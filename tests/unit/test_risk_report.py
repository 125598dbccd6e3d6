"""The monthly profile report's pure parts (docs/risk.md): park-local days and months at their edges, the trend
statistics, what changed, the zh-CN text; and the risk notice lifecycle rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.core import errors
from chalicelib.risk.domain import notices, report


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp() * 1000)


def test_days_and_months_are_park_local():
    assert report.local_day(ms("2026-11-30T15:59:59+00:00"), 8) == "2026-11-30"
    assert report.local_day(ms("2026-11-30T16:00:00+00:00"), 8) == "2026-12-01"  # midnight in the park
    assert report.previous_month(ms("2026-12-01T00:30:00+08:00"), 8) == "2026-11"
    assert report.previous_month(ms("2027-01-01T00:00:00+08:00"), 8) == "2026-12"  # across the year
    assert report.previous_month(ms("2026-12-31T23:59:00+00:00"), 8) == "2026-12"  # already January locally
    first, last, start, end = report.month_bounds("2028-02", 8)
    assert (first, last) == ("2028-02-01", "2028-02-29")
    assert start == ms("2028-02-01T00:00:00+08:00") and end == ms("2028-03-01T00:00:00+08:00")
    assert report.month_bounds("2026-12", 8)[3] == ms("2027-01-01T00:00:00+08:00")


def snap(day: str, score: int, level: str, **points: int) -> report.Snapshot:
    parts = tuple(
        {"key": k, "label": k, "points": v, "items": [{"label": f"{k}项", "count": v // 10, "points": v}] if v else []}
        for k, v in points.items()
    )
    return report.Snapshot(day, score, level, parts)


def test_trend_statistics_and_level_changes():
    series = [
        snap("2026-11-01", 10, "blue"),
        snap("2026-11-02", 30, "yellow"),
        snap("2026-11-04", 60, "orange"),
        snap("2026-11-05", 20, "blue"),
    ]
    t = report.trend(series, "2026-11")
    assert (t["days"], t["snapshots"], t["missing"], t["mean"]) == (30, 4, 26, 30.0)
    assert (t["max"]["day"], t["min"]["day"], t["first"]["score"], t["last"]["score"]) == (
        "2026-11-04",
        "2026-11-01",
        10,
        20,
    )
    assert t["days_by_level"] == {"red": 0, "orange": 1, "yellow": 1, "blue": 2}
    assert [(c["day"], c["from"], c["to"]) for c in t["level_changes"]] == [
        ("2026-11-02", "blue", "yellow"),
        ("2026-11-04", "yellow", "orange"),
        ("2026-11-05", "orange", "blue"),
    ]
    assert report.trend([], "2026-02")["missing"] == 28


def test_changes_name_each_contribution_that_moved():
    before = snap("2026-10-31", 10, "blue", alarms=10, key_posts=0, floor=5)
    after = snap("2026-11-30", 30, "yellow", alarms=10, key_posts=20)
    diff = report.changes(before, after)
    assert [(d["key"], d["from"], d["to"]) for d in diff] == [("key_posts", 0, 20), ("floor", 5, 0)]
    assert diff[0]["items"] == [{"label": "key_posts项", "from": 0, "to": 2}]
    assert report.changes(after, after) == []
    assert [d["key"] for d in report.changes(None, after)] == ["alarms", "key_posts"]


def test_the_markdown_report_has_every_section_in_chinese():
    series = [snap("2026-11-01", 10, "blue", key_posts=0), snap("2026-11-30", 30, "yellow", key_posts=20)]
    contributions = [
        {
            "label": "关键岗位在岗在位",
            "points": 20,
            "cap": 20,
            "items": [{"label": "值班长空岗", "count": 1, "points": 10}],
        },
        {"label": "特殊作业", "points": 0, "cap": 15, "items": [], "note": ""},
    ]
    data = {
        "enterprise": {"id": "ent_1", "name": "测试化工"},
        "month": "2026-11",
        "generated_local": "2026-12-01 00:30",
        "trend": report.trend(series, "2026-11"),
        "series": [{"day": s.day, "score": s.score, "level": s.level} for s in series],
        "contributions": contributions,
        "changes": report.changes(series[0], series[1]),
        "notices": {"issued": 2, "closed": 1, "acknowledged": 0, "unacknowledged": 1, "overdue": 1},
    }
    text = report.markdown(data)
    for line in (
        "# 企业安全风险画像月度报告",
        "- 报告期：2026年11月（园区时间）",
        "- 月末评分 30 分，黄色（一般风险）；月初 10 分，蓝色（低风险）。",
        "- 2026-11-30 等级由蓝变为黄。",
        "| 2026-11-30 | 30 | 黄 |",
        "| 关键岗位在岗在位 | 20 | 20 | 值班长空岗 1 项 10 分 |",
        "| 特殊作业 | 0 | 15 | 无 |",
        "- key_posts：0 → 20 分（key_posts项 0 → 2）",
        "本月向企业发出风险提示 2 条：已闭环 1 条，处置中 0 条，未确认 1 条，其中逾期 1 条。",
    ):
        assert line in text.splitlines(), line


def test_notice_lifecycle_rules():
    assert notices.after("issued", "ack") == notices.State.ACKNOWLEDGED
    assert notices.after("acknowledged", "close") == notices.State.CLOSED
    for state, step in (("issued", "close"), ("acknowledged", "ack"), ("closed", "ack"), ("closed", "close")):
        with pytest.raises(errors.AppError) as caught:
            notices.after(state, step)
        assert caught.value.code == "RISK_NOTICE_WRONG_STATE" and caught.value.details["state"] == state
    now = int(datetime(2026, 12, 1, tzinfo=UTC).timestamp() * 1000)
    assert not notices.is_overdue("issued", now, now) and notices.is_overdue("issued", now - 1, now)
    assert not notices.is_overdue("closed", now - 1, now) and not notices.is_overdue("issued", None, now)
    assert notices.check_due(now, now)[0]["field"] == "due" and notices.check_due(now + 1, now) == []
    year = 366 * 86_400_000
    assert (
        notices.check_due(now + year, now) == [] and notices.check_due(now + year + 1, now)[0]["type"] == "due_too_far"
    )
