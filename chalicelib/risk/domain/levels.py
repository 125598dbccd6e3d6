"""Risk colours (pure): an installation's static GB 18218 grade raised by the alarms active now, roll-ups, and the
score bands of the enterprise profile (docs/risk.md)."""

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


BAND_FLOOR = {"blue": 0, "yellow": 25, "orange": 50, "red": 75}  # lowest score of each colour (docs/risk.md)


def band(score: int) -> str:
    """The colour of an enterprise risk profile score (0-100): blue < 25 <= yellow < 50 <= orange < 75 <= red."""
    return max((lvl for lvl, lo in BAND_FLOOR.items() if score >= lo), key=LEVELS.index)
