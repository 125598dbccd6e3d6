"""Dual-prevention rules (双重预防机制, 5.1.2-1), pure: risk classes, check cycles, occurrences, suspensions.

The chain follows the national data interface's seven datasets: 风险分析单元 (sec_security_risk_unit) →
风险事件 → 管控措施 → 排查任务 (checkCycle + checkCycleUnit) → 排查记录, with 停用检修 pausing the tasks.
A task's occurrences are consecutive windows of one cycle from its start; an occurrence is due from its
window's start and missed when its window ends unrecorded. Missed checks raise the unit's class one step.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from chalicelib.core import errors

CLASSES = ("blue", "yellow", "orange", "red")
CLASS_LABEL = {"red": "重大风险", "orange": "较大风险", "yellow": "一般风险", "blue": "低风险"}
FIXED_S = {"hour": 3600, "day": 86400, "week": 7 * 86400}
MAX_OPEN_PER_RUN = 50  # occurrences one task opens per sweep (a long outage catches up over several runs)

NOTHING_DUE = errors.define(
    "CHECK_NOTHING_DUE", 409, "该排查任务当前没有待完成的排查", "No open or missed occurrence to record against."
)
UNIT_MISMATCH = errors.define(
    "RISK_UNIT_MISMATCH", 422, "管控措施不属于该风险分析单元", "The event or measure named belongs to another unit."
)


class RiskClass(StrEnum):
    RED = "red"  # 重大风险
    ORANGE = "orange"  # 较大风险
    YELLOW = "yellow"  # 一般风险
    BLUE = "blue"  # 低风险


class CycleUnit(StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class MeasureClass(StrEnum):
    """管控措施分类1: 工程技术 / 维护保养 / 操作行为 / 应急措施."""

    ENGINEERING = "engineering"
    MAINTENANCE = "maintenance"
    OPERATION = "operation"
    EMERGENCY = "emergency"


class Status(StrEnum):
    OPEN = "open"  # due now, not yet recorded
    DONE = "done"  # recorded within its window (on time)
    LATE = "late"  # recorded after its window ended (a missed check made up)
    MISSED = "missed"  # window ended unrecorded: raises the unit's class until made up
    SUSPENDED = "suspended"  # the unit was stopped for overhaul (停用检修) during the window: excused


def _add_months(value: datetime, months: int) -> datetime:
    year, month = divmod(value.month - 1 + months, 12)
    day = value.day
    while True:  # the 31st in a 30-day month falls back to the month's last day
        try:
            return value.replace(year=value.year + year, month=month + 1, day=day)
        except ValueError:
            day -= 1


def window(start_ms: int, cycle: int, unit: str, index: int, offset_h: int) -> tuple[int, int]:
    """[start, end) of occurrence `index` (0-based); months and years are calendar ones in park local time."""
    if unit in FIXED_S:
        period = cycle * FIXED_S[unit] * 1000
        return start_ms + index * period, start_ms + (index + 1) * period
    local = datetime.fromtimestamp(start_ms / 1000, UTC) + timedelta(hours=offset_h)
    months = cycle * (12 if unit == CycleUnit.YEAR else 1)

    def at(i: int) -> int:
        return round((_add_months(local, i * months) - timedelta(hours=offset_h)).timestamp() * 1000)

    return at(index), at(index + 1)


def due_windows(
    start_ms: int, cycle: int, unit: str, next_index: int, now_ms: int, offset_h: int
) -> list[tuple[int, int, int]]:
    """(index, start, end) of every occurrence from `next_index` whose window has started, at most a run's worth."""
    out: list[tuple[int, int, int]] = []
    index = next_index
    while len(out) < MAX_OPEN_PER_RUN:
        begin, end = window(start_ms, cycle, unit, index, offset_h)
        if begin > now_ms:
            break
        out.append((index, begin, end))
        index += 1
    return out


def current_index(start_ms: int, cycle: int, unit: str, now_ms: int, offset_h: int) -> int:
    """The occurrence whose window holds `now` (0 before the start): a task created with a start in the past
    is not owed the checks of the time before it existed."""
    if now_ms < start_ms:
        return 0
    if unit in FIXED_S:
        return (now_ms - start_ms) // (cycle * FIXED_S[unit] * 1000)
    months = cycle * (12 if unit == CycleUnit.YEAR else 1)
    index = max(0, (now_ms - start_ms) // (31 * 86400_000 * months) - 1)  # a safe lower bound, then step
    while window(start_ms, cycle, unit, index, offset_h)[1] <= now_ms:
        index += 1
    return index


def overlaps(stops: Iterable[tuple[int, int]], begin: int, end: int) -> bool:
    """True when a 停用检修 period [s, e) overlaps the window [begin, end)."""
    return any(s < end and begin < e for s, e in stops)


def recorded_status(status: str, deadline_ms: int, now_ms: int) -> Status:
    """What recording a check makes of its occurrence: on time inside the window, late after it."""
    if status not in (Status.OPEN, Status.MISSED):
        raise NOTHING_DUE(details={"status": status})
    return Status.DONE if status == Status.OPEN and now_ms <= deadline_ms else Status.LATE


def current_class(static: str, missed_open: int) -> tuple[str, list[str]]:
    """The unit's class now: its assessed class, one step higher while any check stands missed (5.1.2-1)."""
    reasons = [f"评估等级：{CLASS_LABEL[static]}"]
    if missed_open <= 0:
        return static, reasons
    raised = CLASSES[min(len(CLASSES) - 1, CLASSES.index(static) + 1)]
    reasons.append(f"{missed_open}次排查逾期未完成，等级上调一级")
    return raised, reasons
