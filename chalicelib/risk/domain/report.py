"""The monthly enterprise risk profile report (企业安全风险画像月度报告, 5.1.2-2), pure: the month's trend from the
daily snapshots, the contributions at the month's end, and what changed since the month before (zh-CN)."""

from __future__ import annotations

import calendar
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from chalicelib.risk.domain.levels import LABELS, LEVELS

SHORT = {"red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝"}


@dataclass(frozen=True)
class Snapshot:
    """One day's profile (park local date): score, colour and the contributions as `Profile.as_dict` gives them."""

    day: str  # YYYY-MM-DD
    score: int
    level: str
    contributions: tuple[Mapping[str, Any], ...]


def trend(snapshots: Sequence[Snapshot], month: str) -> dict[str, Any]:
    """Statistics of one month's snapshots (oldest first): first and last, extremes, mean, days per colour, the
    days the colour changed and the days without a snapshot."""
    year, mon = (int(p) for p in month.split("-"))
    days = calendar.monthrange(year, mon)[1]
    if not snapshots:
        return {"month": month, "days": days, "snapshots": 0, "missing": days}
    high = max(snapshots, key=lambda s: s.score)
    low = min(snapshots, key=lambda s: s.score)
    changes = [
        {"day": b.day, "from": a.level, "to": b.level} for a, b in itertools.pairwise(snapshots) if a.level != b.level
    ]
    return {
        "month": month,
        "days": days,
        "snapshots": len(snapshots),
        "missing": days - len(snapshots),
        "first": {"day": snapshots[0].day, "score": snapshots[0].score, "level": snapshots[0].level},
        "last": {"day": snapshots[-1].day, "score": snapshots[-1].score, "level": snapshots[-1].level},
        "max": {"day": high.day, "score": high.score, "level": high.level},
        "min": {"day": low.day, "score": low.score, "level": low.level},
        "mean": round(sum(s.score for s in snapshots) / len(snapshots), 1),
        "days_by_level": {lvl: sum(1 for s in snapshots if s.level == lvl) for lvl in reversed(LEVELS)},
        "level_changes": changes,
    }


def _items(contribution: Mapping[str, Any]) -> dict[str, int]:
    return {i["label"]: int(i["count"]) for i in contribution.get("items", [])}


def changes(before: Snapshot | None, after: Snapshot) -> list[dict[str, Any]]:
    """Per contribution whose points or items differ: points before and after, and each item's count."""
    old = {c["key"]: c for c in (before.contributions if before else ())}
    out = []
    for c in after.contributions:
        prev = old.pop(c["key"], {"points": 0, "items": []})
        was, now = _items(prev), _items(c)
        if prev["points"] == c["points"] and was == now:
            continue
        items = [{"label": k, "from": was.get(k, 0), "to": now.get(k, 0)} for k in sorted({*was, *now})]
        out.append({"key": c["key"], "label": c["label"], "from": prev["points"], "to": c["points"], "items": items})
    for c in old.values():  # a contribution the month's end no longer shows (e.g. the floor went away)
        items = [{"label": k, "from": n, "to": 0} for k, n in sorted(_items(c).items())]
        out.append({"key": c["key"], "label": c["label"], "from": c["points"], "to": 0, "items": items})
    return out


def _md_changes(diff: list[dict[str, Any]]) -> list[str]:
    if not diff:
        return ["- 各项风险构成与上期相同。"]
    lines = []
    for d in diff:
        detail = "；".join(f"{i['label']} {i['from']} → {i['to']}" for i in d["items"] if i["from"] != i["to"])
        lines.append(f"- {d['label']}：{d['from']} → {d['to']} 分" + (f"（{detail}）" if detail else ""))
    return lines


def markdown(data: Mapping[str, Any]) -> str:
    """The report as zh-CN Markdown, from `data` (what `service` files as JSON beside it)."""
    t, name, month = data["trend"], data["enterprise"]["name"], data["month"]
    year, mon = month.split("-")
    out = [
        "# 企业安全风险画像月度报告",
        "",
        f"- 企业：{name}（{data['enterprise']['id']}）",
        f"- 报告期：{year}年{int(mon)}月（园区时间）",
        f"- 生成时间：{data['generated_local']}",
        "- 依据：《化工园区安全一体化系统建设与运营服务规范》5.1.2-2（企业安全风险画像与评估报告）",
        "",
        "## 一、本月概况",
    ]
    if not t["snapshots"]:
        out += ["", "本月无每日风险画像快照，无法给出趋势。", ""]
    else:
        first, last, high, low = t["first"], t["last"], t["max"], t["min"]
        by_level = "，".join(f"{SHORT[k]} {n} 天" for k, n in t["days_by_level"].items())
        out += [
            "",
            f"- 月末评分 {last['score']} 分，{LABELS[last['level']]}；"
            f"月初 {first['score']} 分，{LABELS[first['level']]}。",
            f"- 最高 {high['score']} 分（{high['day']}），最低 {low['score']} 分（{low['day']}），"
            f"平均 {t['mean']} 分。",
            f"- 各等级天数：{by_level}；快照 {t['snapshots']} 天，缺 {t['missing']} 天。",
        ]
        out += [f"- {c['day']} 等级由{SHORT[c['from']]}变为{SHORT[c['to']]}。" for c in t["level_changes"]]
        out += ["", "## 二、评分趋势", "", "| 日期 | 评分 | 等级 |", "| --- | --- | --- |"]
        out += [f"| {s['day']} | {s['score']} | {SHORT[s['level']]} |" for s in data["series"]]
    out += ["", "## 三、月末风险构成", "", "| 因素 | 得分 | 上限 | 明细 |", "| --- | --- | --- | --- |"]
    for c in data["contributions"]:
        detail = "；".join(f"{i['label']} {i['count']} 项 {i['points']} 分" for i in c["items"])
        detail = detail or c.get("note") or "无"
        out.append(f"| {c['label']} | {c['points']} | {c['cap']} | {detail} |")
    out += ["", "## 四、本月变化", "", *_md_changes(data["changes"]), "", "## 五、风险提示", ""]
    n = data["notices"]
    out.append(
        f"本月向企业发出风险提示 {n['issued']} 条：已闭环 {n['closed']} 条，处置中 {n['acknowledged']} 条，"
        f"未确认 {n['unacknowledged']} 条，其中逾期 {n['overdue']} 条。"
    )
    return "\n".join(out) + "\n"


def local_day(ms: int, utc_offset_h: int) -> str:
    """YYYY-MM-DD of an instant in park local time."""
    return datetime.fromtimestamp(ms / 1000, timezone(timedelta(hours=utc_offset_h))).strftime("%Y-%m-%d")


def local_text(ms: int, utc_offset_h: int) -> str:
    """An instant as people in the park read it (reports, SMS)."""
    return datetime.fromtimestamp(ms / 1000, timezone(timedelta(hours=utc_offset_h))).strftime("%Y-%m-%d %H:%M")


def previous_month(ms: int, utc_offset_h: int) -> str:
    """YYYY-MM of the park-local month before the one holding `ms` (the month a report is due for)."""
    year, month = (int(p) for p in local_day(ms, utc_offset_h)[:7].split("-"))
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def month_bounds(month: str, utc_offset_h: int) -> tuple[str, str, int, int]:
    """First and last park-local day of a month, and its start and end as epoch ms (end exclusive)."""
    year, mon = (int(p) for p in month.split("-"))
    zone = timezone(timedelta(hours=utc_offset_h))
    start = datetime(year, mon, 1, tzinfo=zone)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=zone)
    last = calendar.monthrange(year, mon)[1]
    return f"{month}-01", f"{month}-{last:02d}", int(start.timestamp() * 1000), int(end.timestamp() * 1000)
