"""The enterprise risk profile (企业安全风险画像, 5.1.2-1/5.1.2-2), pure: one score 0-100 from named, capped
contributions, its colour by bands, raised to the floors the colour rules impose (docs/risk.md).

This is the only scoring of an enterprise: the colour stored for it (`/risk/enterprises/{id}`, the park
roll-up) is this profile's colour, so the profile and the colour never disagree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from chalicelib.risk.domain.levels import BAND_FLOOR, LABELS, LEVELS, ActiveCondition, assess_installation, band
from chalicelib.risk.domain.weights import (
    ALARM_POINTS,
    CAPS,
    DANGER_POINTS,
    GRADE_LABEL,
    GRADE_POINTS,
    MAX_SCORE,
    MISSED_POINTS,
    ORDER_POINTS,
    PRIORITY_LABEL,
    SPECIAL_HOT_WORK_POINTS,
    TITLES,
    VACANCY_POINTS,
    WORK_LABEL,
    WORK_POINTS,
)


@dataclass(frozen=True)
class Installation:
    id: str
    name: str
    grade: int | None
    active: tuple[ActiveCondition, ...] = ()  # alarm conditions present now (the installation's colour)


@dataclass(frozen=True)
class OpenAlarm:
    id: str
    priority: str


@dataclass(frozen=True)
class Dangers:
    open: int = 0
    overdue: int = 0
    major_open: int = 0
    orders_open: int = 0
    orders_escalated: int = 0


@dataclass(frozen=True)
class Permit:
    id: str
    type: str
    level: str | None = None


@dataclass(frozen=True)
class Vacancy:
    post_id: str
    post_name: str
    since_ms: int


@dataclass(frozen=True)
class Inputs:
    """What the profile is computed from; `vacancies` is None while no on-duty source is connected."""

    installations: tuple[Installation, ...] = ()
    alarms: tuple[OpenAlarm, ...] = ()
    dangers: Dangers = field(default_factory=Dangers)
    missed_checks: int = 0
    missed_window_days: int = 30
    permits: tuple[Permit, ...] = ()
    vacancies: tuple[Vacancy, ...] | None = ()


@dataclass(frozen=True)
class Item:
    label: str
    count: int
    points: int
    refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contribution:
    key: str
    label: str
    points: int  # after the cap
    uncapped: int
    cap: int
    items: tuple[Item, ...]
    available: bool = True
    note: str = ""


@dataclass(frozen=True)
class Profile:
    score: int
    level: str
    raw_score: int  # the capped sum of the contributions, before the floors
    contributions: tuple[Contribution, ...]
    floors: tuple[tuple[str, str], ...]  # (level, reason) imposed by the colour rules

    @property
    def label(self) -> str:
        return LABELS[self.level]

    def reasons(self) -> list[str]:
        """The stored colour's reasons: the score, each floor, then each contribution that scored."""
        scored = [f"{c.label}{c.points}分" for c in self.contributions if c.points and c.key != "floor"]
        return [f"风险画像评分{self.score}分", *(reason for _, reason in self.floors), *scored]

    def as_dict(self) -> dict[str, Any]:
        floors = [{"level": level, "reason": reason} for level, reason in self.floors]
        return {**asdict(self), "floors": floors, "label": self.label}


def _capped(key: str, items: list[Item], available: bool = True, note: str = "") -> Contribution:
    total = sum(i.points for i in items)
    cap = CAPS[key]
    return Contribution(key, TITLES[key], min(total, cap), total, cap, tuple(items), available, note)


def _major_hazards(installations: Iterable[Installation]) -> Contribution:
    items = [
        Item(f"{i.name}（{GRADE_LABEL[i.grade]}重大危险源）", 1, GRADE_POINTS[i.grade], (i.id,))
        for i in sorted(installations, key=lambda i: (i.grade or 9, i.name))
        if i.grade in GRADE_POINTS
    ]
    return _capped("major_hazards", items)


def _alarms(alarms: Iterable[OpenAlarm]) -> Contribution:
    by_priority: dict[str, list[str]] = {}
    for a in alarms:
        by_priority.setdefault(a.priority, []).append(a.id)
    items = [
        Item(f"{PRIORITY_LABEL[p]}优先级报警", len(ids), len(ids) * ALARM_POINTS[p], tuple(sorted(ids)))
        for p in ALARM_POINTS
        if (ids := by_priority.get(p))
    ]
    return _capped("alarms", items)


def _dangers(d: Dangers) -> tuple[Contribution, Contribution]:
    general = d.open - d.major_open
    lines = [
        ("一般隐患未销号", general, DANGER_POINTS["general"]),
        ("重大隐患未销号", d.major_open, DANGER_POINTS["major"]),
        ("隐患逾期未整改", d.overdue, DANGER_POINTS["overdue"]),
    ]
    dangers = [Item(label, n, n * each) for label, n, each in lines if n]
    orders = [
        Item(label, n, n * each)
        for label, n, each in (
            ("督办单未关闭", d.orders_open, ORDER_POINTS["open"]),
            ("督办单逾期未反馈（已升级园区）", d.orders_escalated, ORDER_POINTS["escalated"]),
        )
        if n
    ]
    return _capped("dangers", dangers), _capped("supervision", orders)


def _missed(count: int, days: int) -> Contribution:
    items = [Item(f"近{days}天漏检", count, count * MISSED_POINTS)] if count else []
    return _capped("missed_checks", items)


def _work(permits: Iterable[Permit]) -> Contribution:
    lines: dict[tuple[str, bool], list[str]] = {}
    for p in permits:
        special = p.type == "hot_work" and p.level == "special"
        lines.setdefault((p.type, special), []).append(p.id)
    items = []
    order = list(WORK_POINTS)
    for (work_type, special), ids in sorted(lines.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1])):
        each = SPECIAL_HOT_WORK_POINTS if special else WORK_POINTS[work_type]
        label = "特级动火作业" if special else WORK_LABEL[work_type]
        items.append(Item(label, len(ids), len(ids) * each, tuple(sorted(ids))))
    return _capped("special_work", items)


def _key_posts(vacancies: tuple[Vacancy, ...] | None) -> Contribution:
    if vacancies is None:
        return _capped("key_posts", [], available=False, note="在岗在位数据未接入，本项未计分")
    counts = Counter(v.post_id for v in vacancies)
    names = {v.post_id: v.post_name for v in vacancies}
    items = [Item(f"{names[pid]}空岗", 1, VACANCY_POINTS, (pid,)) for pid in sorted(counts)]
    return _capped("key_posts", items)


def floors(inputs: Inputs) -> list[tuple[str, str]]:
    """The colour rules that hold whatever the score: an enterprise is as risky as its riskiest installation
    (5.1.1-2); an open major danger makes it at least orange, an overdue danger or an escalated 督办 order at
    least yellow (5.1.2-3)."""
    out: list[tuple[str, str]] = []
    assessed = [(i, assess_installation(i.grade, i.active).level) for i in inputs.installations]
    top = max((lvl for _, lvl in assessed), key=LEVELS.index, default="blue")
    if top != "blue":
        out.append((top, f"最高风险单元：{'、'.join([i.name for i, lvl in assessed if lvl == top][:3])}"))
    d = inputs.dangers
    if d.major_open:
        out.append(("orange", f"{d.major_open}项重大隐患未销号"))
    if d.overdue or d.orders_escalated:
        out.append(("yellow", f"{d.overdue}项隐患逾期未整改，{d.orders_escalated}张督办单逾期未反馈"))
    return out


def score(inputs: Inputs) -> Profile:
    """Sum the capped contributions (at most 100), colour the sum by its band, raise the colour to the floors,
    and the score to the lowest score of that colour (a `floor` contribution says by how much)."""
    parts = [
        _major_hazards(inputs.installations),
        _alarms(inputs.alarms),
        *_dangers(inputs.dangers),
        _missed(inputs.missed_checks, inputs.missed_window_days),
        _work(inputs.permits),
        _key_posts(inputs.vacancies),
    ]
    raw = min(MAX_SCORE, sum(c.points for c in parts))
    imposed = floors(inputs)
    level = max([band(raw), *(lvl for lvl, _ in imposed)], key=LEVELS.index)
    final = max(raw, BAND_FLOOR[level])
    if final > raw:
        items = tuple(Item(reason, 1, 0) for lvl, reason in imposed if lvl == level)
        parts.append(Contribution("floor", TITLES["floor"], final - raw, final - raw, MAX_SCORE, items))
    return Profile(final, level, raw, tuple(parts), tuple(imposed))
