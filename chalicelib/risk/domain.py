"""Dynamic risk rules (pure): static GB 18218 grade raised by the alarms active now (docs/risk.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

LEVELS = ("blue", "yellow", "orange", "red")
LABELS = {
    "blue": "蓝色（低风险）",
    "yellow": "黄色（一般风险）",
    "orange": "橙色（较大风险）",
    "red": "红色（重大风险）",
}
# Inherent (static) risk from the GB 18218 grade: 一级 starts at orange, 二级 at yellow, the rest at blue.
STATIC = {1: 2, 2: 1, 3: 0, 4: 0}
SEVERE = frozenset({"HH", "LL"})
ABNORMAL = frozenset({"H", "L", "ROC", "TREND"})


@dataclass(frozen=True)
class ActiveCondition:
    tag_id: str
    condition: str


@dataclass(frozen=True)
class Assessment:
    level: str
    static_level: str
    reasons: tuple[str, ...]


def assess_installation(grade: int | None, active: Iterable[ActiveCondition]) -> Assessment:
    """Static level, +1 for any abnormal condition, +2 for any HH/LL, red when two tags are at HH/LL."""
    base = STATIC.get(grade or 0, 0)
    conditions = list(active)
    severe_tags = {c.tag_id for c in conditions if c.condition in SEVERE}
    abnormal = [c for c in conditions if c.condition in ABNORMAL]
    reasons = [f"重大危险源{'一二三四'[grade - 1]}级" if grade else "非重大危险源或未分级"]
    bump = 0
    if severe_tags:
        bump = 2
        reasons.append(f"{len(severe_tags)}个测点处于高高/低低报警")
    elif abnormal:
        bump = 1
        reasons.append(f"{len({c.tag_id for c in abnormal})}个测点处于报警或趋势预警")
    level = 3 if len(severe_tags) >= 2 else min(3, base + bump)
    if len(severe_tags) >= 2:
        reasons.append("多点高高报警，判定为红色")
    return Assessment(LEVELS[level], LEVELS[base], tuple(reasons))


def highest(levels: Iterable[str]) -> str:
    """Roll-up: an enterprise or the park is as risky as its riskiest part."""
    return max(levels, key=LEVELS.index, default="blue")


def with_dangers(level: str, open_major: int, overdue: int, escalated: int) -> tuple[str, list[str]]:
    """An enterprise's level raised by its hidden dangers (5.1.2-3): an open major danger makes it at least
    orange, an overdue danger or a 督办 order escalated to the park at least yellow (docs/risk.md)."""
    floor, reasons = 0, []
    if open_major:
        floor = 2
        reasons.append(f"{open_major}项重大隐患未销号")
    if overdue or escalated:
        floor = max(floor, 1)
        reasons.append(f"{overdue}项隐患逾期未整改，{escalated}张督办单逾期未反馈")
    return LEVELS[max(LEVELS.index(level), floor)], reasons
