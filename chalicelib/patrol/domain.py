"""Patrol and smart inspection rules (电子巡查与智能巡检, 5.3.2), pure: task windows of a plan, check-in validity
(time window, distance to the checkpoint, scanned code, every check item answered), a task's outcome, who is
told of an anomaly at each priority, and the monthly coverage and completion figures.

A plan's tasks are consecutive windows: task `n` runs from `starts + n * period` for `window` (the period is
the plan's cycle: hours, days or weeks). A check-in counts only inside its task's window, within the
checkpoint's radius, with the checkpoint's code; when the window ends every checkpoint not checked in is missed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from chalicelib.core import clock, errors
from chalicelib.core.schemas import Priority

PERIOD_MS = {"hour": 3600_000, "day": 86400_000, "week": 7 * 86400_000}
MAX_TASKS_PER_RUN = 50  # tasks one plan gets per sweep (a long outage catches up over several runs)

OUTSIDE_WINDOW = errors.define(
    "PATROL_OUTSIDE_WINDOW",
    409,
    "不在巡检任务的时间窗口内",
    "Check-in before the task's window opens or after it ends.",
)
TOO_FAR = errors.define(
    "PATROL_TOO_FAR",
    422,
    "打卡位置距巡检点过远",
    "The reported position is farther from the checkpoint than its radius.",
)
WRONG_CODE = errors.define(
    "PATROL_WRONG_CODE", 422, "扫描的巡检点编码不符", "The scanned NFC/QR code is not the checkpoint's."
)
CHECKPOINT_DONE = errors.define(
    "PATROL_CHECKPOINT_DONE", 409, "该巡检点已打卡或已判定漏检", "The checkpoint was checked in (or missed) already."
)
NOT_ASSIGNED = errors.define(
    "PATROL_NOT_ASSIGNED", 403, "该巡检任务未指派给您", "Only members of the task's team check in."
)


class TaskStatus(StrEnum):
    OPEN = "open"  # dispatched; check-ins count inside its window
    COMPLETED = "completed"  # every checkpoint checked in
    INCOMPLETE = "incomplete"  # the window ended with some checkpoints missed
    MISSED = "missed"  # the window ended with no check-in at all


class Result(StrEnum):
    PASS = "pass"  # 正常
    FAIL = "fail"  # 异常


def window(starts_ms: int, period_ms: int, window_ms: int, index: int) -> tuple[int, int]:
    """[start, end) of task `index` (0-based)."""
    begin = starts_ms + index * period_ms
    return begin, begin + window_ms


def first_index(starts_ms: int, period_ms: int, window_ms: int, now_ms: int) -> int:
    """The first task whose window has not ended: a plan created late owes no task that was already over."""
    if now_ms < starts_ms + window_ms:
        return 0
    return (now_ms - starts_ms - window_ms) // period_ms + 1


def due(starts_ms: int, period_ms: int, window_ms: int, next_index: int, horizon_ms: int) -> list[tuple[int, int, int]]:
    """(index, start, end) of every task from `next_index` whose window starts by `horizon_ms`, a run's worth."""
    out: list[tuple[int, int, int]] = []
    index = next_index
    while len(out) < MAX_TASKS_PER_RUN:
        begin, end = window(starts_ms, period_ms, window_ms, index)
        if begin > horizon_ms:
            break
        out.append((index, begin, end))
        index += 1
    return out


def check_window(now_ms: int, start_ms: int, end_ms: int) -> None:
    if not start_ms <= now_ms < end_ms:
        raise OUTSIDE_WINDOW(
            details={"window_start": clock.iso(start_ms), "window_end": clock.iso(end_ms), "now": clock.iso(now_ms)}
        )


def check_place(distance_m: float, radius_m: float, scanned: str, code: str) -> None:
    """The inspector stands at the checkpoint (distance) and scanned its tag (code): 422 naming the field."""
    if distance_m > radius_m:
        raise TOO_FAR(details={"field": "position", "distance_m": round(distance_m, 1), "radius_m": radius_m})
    if scanned != code:
        raise WRONG_CODE(details={"field": "code"})


def check_items(declared: Sequence[str], answered: Sequence[str]) -> list[dict[str, str]]:
    """Every check item of the checkpoint answered once, none unknown (field errors naming `items.<i>`)."""
    problems, seen = [], set()
    for i, item_id in enumerate(answered):
        if item_id not in declared:
            problems.append(errors.field_error(f"items.{i}.item_id", "该巡检点没有此检查项", "unknown_item"))
        elif item_id in seen:
            problems.append(errors.field_error(f"items.{i}.item_id", "检查项重复", "duplicate_item"))
        seen.add(item_id)
    missing = [d for d in declared if d not in seen]
    if missing:
        problems.append(errors.field_error("items", f"缺少检查项：{'、'.join(missing)}", "missing_items"))
    return problems


def outcome(total: int, visited: int) -> TaskStatus:
    """What a task is once its window ended (or every checkpoint was checked in)."""
    if visited >= total:
        return TaskStatus.COMPLETED
    return TaskStatus.INCOMPLETE if visited else TaskStatus.MISSED


# Who hears of a smart-inspection anomaly (5.3.2-3), by priority: the route's inspectors from medium up, the
# park safety department (and the enterprise's managers at urgent) from high up; low ones wait in the list.
AUDIENCES: Mapping[Priority, tuple[str, ...]] = {
    Priority.LOW: (),
    Priority.MEDIUM: ("inspectors",),
    Priority.HIGH: ("inspectors", "safety"),
    Priority.URGENT: ("inspectors", "safety", "enterprise"),
}
KIND_LABEL = {
    "leak": "设备泄漏",
    "damage": "部件损坏",
    "violation": "违规作业",
    "environment": "环境异常",
    "intrusion": "周界入侵",
    "other": "其他异常",
}
SOURCE_LABEL = {"drone": "无人机", "robot": "巡检机器人", "video": "视频智能分析", "sensor": "传感器"}


def local_text(ms: int, offset_h: int) -> str:
    """Park local time for people (SMS): `12-03 09:30`."""
    local = datetime.fromtimestamp(ms / 1000, UTC) + timedelta(hours=offset_h)
    return local.strftime("%m-%d %H:%M")


def anomaly_text(anomaly: Mapping[str, Any], place: str, offset_h: int) -> str:
    priority = Priority(anomaly["priority"])
    kind = KIND_LABEL.get(anomaly["kind"], anomaly["kind"])
    source = SOURCE_LABEL.get(anomaly["source"], anomaly["source"])
    when = local_text(anomaly["detected_ms"], offset_h)
    return (
        f"【智能巡检·{priority.label}】{when} {source}在{place}发现{kind}：{anomaly['description']}，请按优先级处置。"
    )


def month_bounds(month: str, offset_h: int) -> tuple[int, int]:
    """[start, end) in ms of a calendar month (`YYYY-MM`) in park local time."""
    year, mon = (int(p) for p in month.split("-"))
    start = datetime(year, mon, 1, tzinfo=UTC) - timedelta(hours=offset_h)
    end = datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=UTC) - timedelta(hours=offset_h)
    return clock.to_ms(start), clock.to_ms(end)


def figures(tasks: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Coverage (checkpoints checked in / due) and completion (tasks completed / tasks ended) of some tasks.
    Tasks still open count as due but not as ended; their check-ins so far count."""
    rows = list(tasks)
    ended = [t for t in rows if t["status"] != TaskStatus.OPEN]
    due_cp = sum(int(t["checkpoints"]) for t in rows)
    visited = sum(int(t["visited"]) for t in rows)
    completed = sum(1 for t in ended if t["status"] == TaskStatus.COMPLETED)
    return {
        "tasks": len(rows),
        "tasks_ended": len(ended),
        "completed": completed,
        "incomplete": sum(1 for t in ended if t["status"] == TaskStatus.INCOMPLETE),
        "missed": sum(1 for t in ended if t["status"] == TaskStatus.MISSED),
        "checkpoints_due": due_cp,
        "checkpoints_visited": visited,
        "checkpoints_missed": sum(int(t["checkpoints"]) - int(t["visited"]) for t in ended),
        "failed_items": sum(int(t.get("failed_items", 0)) for t in rows),
        "coverage": round(visited / due_cp, 4) if due_cp else None,
        "completion": round(completed / len(ended), 4) if ended else None,
    }


def grouped(tasks: Iterable[Mapping[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for t in tasks:
        groups.setdefault(str(t[key]), []).append(t)
    return {k: figures(v) for k, v in sorted(groups.items())}
