"""A permit's level, validity and approver (GB 30871-2022 via rules.py) and its lifecycle
`draft → approved → active ⇄ suspended → closed`, with `cancelled` before the work is done."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core import errors
from chalicelib.workpermits.domain import rules

STATE_LABEL = {
    "draft": "待审批",
    "approved": "已审批",
    "active": "作业中",
    "suspended": "已暂停",
    "closed": "已关闭",
    "cancelled": "已取消",
}
# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({"draft"}), "approved"),
    "start": (frozenset({"approved"}), "active"),
    "suspend": (frozenset({"active"}), "suspended"),
    "resume": (frozenset({"suspended"}), "active"),
    "close": (frozenset({"active", "suspended"}), "closed"),
    "cancel": (frozenset({"draft", "approved", "suspended"}), "cancelled"),
}
OPEN = frozenset({"draft", "approved", "active", "suspended"})
LIVE = frozenset({"active", "suspended"})  # on the map and in GET /work-permits/active
HELD = frozenset({"approved", "active", "suspended"})  # an approved job holds its pipe and its 30 m
GAS_SENSOR_KINDS = frozenset({"combustible", "toxic", "oxygen"})

PERMIT_STATE = errors.define(
    "PERMIT_STATE",
    409,
    "作业票当前状态不允许此操作",
    "The permit's state does not allow the action (details.state, details.action, details.allowed_from).",
)
PERMIT_OUTSIDE_WINDOW = errors.define(
    "PERMIT_OUTSIDE_WINDOW",
    409,
    "不在作业票有效期内，不能开始或恢复作业",
    "Work starts or resumes only between starts_at and ends_at; a new ticket is needed otherwise.",
)
MONITOR_SENSOR_REQUIRED = errors.define(
    "MONITOR_SENSOR_REQUIRED",
    422,
    "特级动火作业须关联气体探测器进行连续监测",
    "特级 hot work (after the night/holiday upgrade) needs monitor_sensor_id, a gas detector of the same enterprise.",
)


@dataclass(frozen=True)
class Classified:
    """What the rules make of an application: the effective level, its approver and validity rule."""

    level: str | None
    declared_level: str | None
    authority: str
    validity: rules.ValidityRule | None


def _require(body: dict[str, Any], field: str, why: str) -> None:
    if body.get(field) in (None, ""):
        raise errors.invalid_field(field, why, "missing")


def level_of(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """(effective level, declared level) of an application, or VALIDATION_FAILED / PERMIT_LEVEL_MISMATCH."""
    work_type, given = body["type"], body.get("level")
    if work_type not in rules.LEVELS:
        if given is not None:
            raise errors.invalid_field("level", f"{rules.TYPE_LABEL[work_type]}不分级", "not_applicable")
        return None, None
    if given is not None and given not in rules.LEVELS[work_type]:
        raise errors.invalid_field("level", f"{rules.TYPE_LABEL[work_type]}级别应为 {rules.LEVELS[work_type]}", "enum")
    if work_type == "hot_work":
        _require(body, "level", "动火作业须由申请人给出级别（special/level_1/level_2）")
        declared = str(given)
        return (rules.upgraded(declared) if body.get("night_or_holiday") else declared), declared
    if work_type == "work_at_height":
        _require(body, "height_m", "高处作业须给出作业高度 height_m")
        if float(body["height_m"]) < rules.HEIGHT_MIN_M:
            raise errors.invalid_field("height_m", "坠落高度基准面 2 m 以下不属于高处作业", "range")
        derived = rules.height_level(float(body["height_m"]), list(body.get("hazard_factors") or []))
    else:
        _require(body, "load_t", "吊装作业须给出吊物质量 load_t")
        derived = rules.lifting_level(float(body["load_t"]))
    if given is not None and given != derived:
        raise rules.PERMIT_LEVEL_MISMATCH(details={"field": "level", "given": given, "derived": derived})
    return derived, given


def check_validity(work_type: str, level: str | None, starts_ms: int, ends_ms: int, reason: str | None) -> None:
    """Refuse a ticket longer than its type and level allow (PERMIT_VALIDITY_EXCEEDED naming the rule)."""
    rule, span = rules.validity_rule(work_type, level), ends_ms - starts_ms
    if rule is None:
        return
    if span > rule.max_ms:
        name, limit, text = rule.rule, rule.max_ms, rule.text
    elif rule.soft_ms is not None and span > rule.soft_ms and not (reason or "").strip():
        name, limit, text = rule.soft_rule, rule.soft_ms, f"{rule.text}；超过 15 天须填写 extension_reason"
    else:
        return
    hours = {"limit_h": limit / rules.HOUR_MS, "requested_h": span / rules.HOUR_MS}
    details = {"field": "ends_at", "rule": name, **hours}
    raise rules.PERMIT_VALIDITY_EXCEEDED(f"作业票有效期超过规定：{text}", details=details)


# A ticket is applied for before its work (a day's grace for paperwork written up on site) and for work planned at
# most a year ahead: the types without a validity limit (动土, 断路, 盲板抽堵) would otherwise take any span.
APPLY_BACK_MS, APPLY_AHEAD_MS = rules.DAY_MS, 366 * rules.DAY_MS


def check_application(starts_ms: int, ends_ms: int, now_ms: int) -> None:
    """Refuse a ticket whose work began more than a day ago or ends more than a year from now (422 naming it)."""
    if starts_ms < now_ms - APPLY_BACK_MS:
        message = "作业开始时间不得早于申请时间 24 小时以上，作业票须在作业前申请"
        raise errors.invalid_field("starts_at", message, "range")
    if ends_ms > now_ms + APPLY_AHEAD_MS:
        raise errors.invalid_field("ends_at", "作业结束时间不得晚于申请时间一年以上", "range")


def classify(body: dict[str, Any]) -> Classified:
    """Level, validity and approver of an application (`body`: the request as JSON, times in ms)."""
    work_type = body["type"]
    level, declared = level_of(body)
    if work_type == "blind_plate":
        _require(body, "pipe", "盲板抽堵作业须给出管道编号 pipe（一张作业票只对应一块盲板）")
    if work_type == "lifting" and level in ("level_1", "level_2"):
        _require(body, "lifting_plan", "一级、二级吊装作业须编制吊装方案（lifting_plan）")
    check_validity(work_type, level, body["starts_ms"], body["ends_ms"], body.get("extension_reason"))
    if work_type == "hot_work" and level == "special" and not body.get("monitor_sensor_id"):
        raise MONITOR_SENSOR_REQUIRED(details={"field": "monitor_sensor_id"})
    return Classified(level, declared, rules.authority(work_type, level), rules.validity_rule(work_type, level))


def check_transition(state: str, action: str) -> str:
    """The state an action leads to from `state`, or PERMIT_STATE."""
    allowed, target = TRANSITIONS[action]
    if state not in allowed:
        raise PERMIT_STATE(details={"state": state, "action": action, "allowed_from": sorted(allowed)})
    return target


def check_window(starts_ms: int, ends_ms: int, now_ms: int) -> None:
    if not starts_ms <= now_ms < ends_ms:
        raise PERMIT_OUTSIDE_WINDOW(details={"starts_ms": starts_ms, "ends_ms": ends_ms, "now_ms": now_ms})
