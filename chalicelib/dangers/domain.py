"""Hidden-danger rules (隐患, 5.1.2-1/5.1.2-3), pure: grades, the 121号 criteria, the lifecycle, four eyes, 督办.

Grades follow 16号令 Art. 3 (一般/重大), sources, categories and states the national dual-prevention data
interface (`sec_hidden_danger_info`: dangerSrc 1-10, hazardDangerType 1-8, dangerState 0/1/9), and a 重大隐患
治理方案 needs the six parts of 16号令 (目标任务, 方法措施, 经费物资, 机构人员, 时限要求, 安全措施和应急预案).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from chalicelib.core import errors
from chalicelib.dangers.criteria_data import CRITERIA

WRONG_STATE = errors.define(
    "DANGER_WRONG_STATE", 409, "隐患当前状态不允许此操作", "The hidden danger's state does not allow this step."
)
FOUR_EYES = errors.define(
    "DANGER_FOUR_EYES",
    403,
    "验收人不得为整改方案制定人或整改提交人",
    "Acceptance or rejection by the person who planned or submitted the rectification (four eyes, 5.1.2-3).",
)
MAJOR_ACCEPTANCE_BY_PARK = errors.define(
    "DANGER_MAJOR_ACCEPTANCE_BY_PARK",
    403,
    "重大隐患须由园区安全管理部门验收销号",
    "A major hidden danger is accepted (销号) only by a park-level caller, never by the enterprise itself.",
)


class Level(StrEnum):
    GENERAL = "general"  # 一般隐患 (dangerLevel 0)
    MAJOR = "major"  # 重大隐患 (dangerLevel 1)


class Source(StrEnum):
    """dangerSrc 1-10 of the interface, in its order, then `patrol`: a danger found by an electronic patrol
    (5.3.2-1), reported to the regulator as 日常排查 (dangerSrc 1) and told apart on the platform."""

    ROUTINE = "routine"  # 日常排查
    COMPREHENSIVE = "comprehensive"  # 综合性排查
    SPECIALIST = "specialist"  # 专业性排查
    SEASONAL = "seasonal"  # 季节性排查
    HOLIDAY = "holiday"  # 重点时段及节假日前排查
    ACCIDENT_ANALOGY = "accident_analogy"  # 事故类比排查
    RESTART = "restart"  # 复产复工前排查
    EXPERT = "expert"  # 外聘专家诊断式排查
    MEASURE_FAILURE = "measure_failure"  # 管控措施失效
    OTHER = "other"  # 其他
    PATROL = "patrol"  # 电子巡查发现（报送为日常排查）


class Category(StrEnum):
    """hazardDangerType 1-8 of the interface: 安全/工艺/电气/仪表/消防/总图/设备/其他."""

    SAFETY = "safety"
    PROCESS = "process"
    ELECTRICAL = "electrical"
    INSTRUMENT = "instrument"
    FIRE = "fire"
    LAYOUT = "layout"
    EQUIPMENT = "equipment"
    OTHER = "other"


class Handling(StrEnum):
    IMMEDIATE = "immediate"  # 即查即改 (dangerManageType 0)
    DEADLINE = "deadline"  # 限期整改 (dangerManageType 1)


class State(StrEnum):
    REGISTERED = "registered"  # 已登记
    RECTIFYING = "rectifying"  # 整改中 (dangerState 0)
    AWAITING_ACCEPTANCE = "awaiting_acceptance"  # 待验收 (dangerState 1)
    ACCEPTED = "accepted"  # 已验收销号 (dangerState 9)


STATE_LABEL = {"registered": "已登记", "rectifying": "整改中", "awaiting_acceptance": "待验收", "accepted": "已销号"}
SOURCE_CODE = {**{s.value: i for i, s in enumerate(list(Source)[:10], start=1)}, Source.PATROL.value: 1}
CATEGORY_CODE = {c.value: i for i, c in enumerate(Category, start=1)}
STATE_CODE = {"registered": 0, "rectifying": 0, "awaiting_acceptance": 1, "accepted": 9}
# 治理方案 parts a major danger's plan must carry beyond measures, responsible and deadline (16号令).
MAJOR_PLAN_FIELDS = ("goal", "cost", "funds", "organisation", "safety_measures")
OPEN = frozenset({State.REGISTERED, State.RECTIFYING, State.AWAITING_ACCEPTANCE})


def grade(level: str, criteria: Iterable[int]) -> tuple[Level, list[str]]:
    """The level and why: any of the 20 situations of 121号 makes the danger major, whatever was proposed."""
    marked = sorted(set(criteria))
    if marked:
        return Level.MAJOR, [f"121号第{n}项：{CRITERIA[n]}" for n in marked]
    return Level(level), []


def check_registration(level: Level, handling: str, deadline_ms: int | None, now_ms: int) -> list[dict[str, str]]:
    """Field errors of a registration beyond its schema."""
    problems = []
    if level is Level.MAJOR and handling == Handling.IMMEDIATE:
        problems.append(
            errors.field_error("handling", "重大隐患须限期整改（deadline），不能即查即改", "major_handling")
        )
    if handling == Handling.DEADLINE:
        if deadline_ms is None:
            problems.append(errors.field_error("deadline", "限期整改须给出整改期限", "missing"))
        elif deadline_ms <= now_ms:
            problems.append(errors.field_error("deadline", "整改期限须晚于当前时间", "past"))
    return problems


def check_plan(level: str, plan: Mapping[str, Any], now_ms: int) -> list[dict[str, str]]:
    """Field errors of a 治理方案: a deadline ahead; a major danger's plan has every part of 16号令."""
    problems = []
    if plan["deadline_ms"] <= now_ms:
        problems.append(errors.field_error("deadline", "整改期限须晚于当前时间", "past"))
    if level == Level.MAJOR:
        problems += [
            errors.field_error(name, "重大隐患治理方案须包含此项（16号令）", "major_plan")
            for name in MAJOR_PLAN_FIELDS
            if plan.get(name) in (None, "")
        ]
    return problems


def after(state: str, step: str, handling: str) -> State:
    """The state a step leads to, or DANGER_WRONG_STATE naming where the danger stands."""
    current = State(state)
    allowed: dict[str, dict[State, State]] = {
        "plan": {State.REGISTERED: State.RECTIFYING, State.RECTIFYING: State.RECTIFYING},
        "submit": {State.RECTIFYING: State.AWAITING_ACCEPTANCE},
        "accept": {State.AWAITING_ACCEPTANCE: State.ACCEPTED},
        "reject": {State.AWAITING_ACCEPTANCE: State.RECTIFYING},
    }
    if step == "submit" and handling == Handling.IMMEDIATE:  # 即查即改: rectified on the spot, no plan
        allowed["submit"][State.REGISTERED] = State.AWAITING_ACCEPTANCE
    target = allowed[step].get(current)
    if target is None:
        raise WRONG_STATE(details={"state": current.value, "step": step})
    return target


def check_marking(state: str, deadline_ms: int | None, given_ms: int | None, now_ms: int) -> list[dict[str, str]]:
    """Marking 121号 situations on a registered danger makes it major: only while it is open and not yet
    submitted, and a major danger is rectified by a deadline (its own, or one given now, in the future)."""
    if State(state) not in (State.REGISTERED, State.RECTIFYING):
        raise WRONG_STATE(details={"state": state, "step": "criteria"})
    if given_ms is not None and given_ms <= now_ms:
        return [errors.field_error("deadline", "整改期限须晚于当前时间", "past")]
    if deadline_ms is None and given_ms is None:
        return [errors.field_error("deadline", "重大隐患须限期整改：请给出整改期限", "missing")]
    return []


def check_acceptor(acceptor: str, planner: str | None, submitter: str | None) -> None:
    """Four eyes: whoever planned or submitted the rectification does not accept or reject it."""
    if acceptor in {p for p in (planner, submitter) if p}:
        raise FOUR_EYES(details={"acceptor": acceptor})


def is_overdue(state: str, deadline_ms: int | None, now_ms: int) -> bool:
    return deadline_ms is not None and State(state) in OPEN and deadline_ms <= now_ms


def local_text(ms: int, offset_h: int) -> str:
    """A time as park local `yyyy-MM-dd HH:mm:ss` (the interface's format, and what people read)."""
    return (datetime.fromtimestamp(ms / 1000, UTC) + timedelta(hours=offset_h)).strftime("%Y-%m-%d %H:%M:%S")


def regulator_record(danger: Mapping[str, Any], offset_h: int) -> dict[str, Any]:
    """The danger as a `sec_hidden_danger_info` record of the national dual-prevention data interface."""
    deadline = danger.get("deadline_ms")
    return {
        "id": danger["id"],
        "companyCode": danger["enterprise_id"],
        "hazardCode": danger.get("risk_unit_id") or "",
        "checkRecordId": danger.get("check_record_id") or "",
        "dangerName": danger["title"],
        "dangerLevel": 1 if danger["level"] == Level.MAJOR else 0,
        "registTime": local_text(danger["created_ms"], offset_h),
        "registrant": danger["registrant"],
        "dangerSrc": SOURCE_CODE[danger["source"]],
        "dangerManageType": 1 if danger["handling"] == Handling.DEADLINE else 0,
        "hazardDangerType": CATEGORY_CODE[danger["category"]],
        "dangerDesc": danger["description"],
        "liablePerson": danger["liable_person"]["name"],
        "dangerManageDeadline": local_text(deadline, offset_h) if deadline else "",
        "dangerState": STATE_CODE[danger["state"]],
        "majorCriteria": danger.get("major_criteria") or [],
        "deleted": "0",
    }


# 督办 (supervision orders, 5.1.2-3): issued to the enterprise for every major danger and every overdue one,
# answered by the enterprise, escalated to the park when unanswered, closed when the danger is accepted.
ORDER_CLOSED = errors.define(
    "SUPERVISION_ORDER_CLOSED", 409, "督办单已办结", "The supervision order closed when its danger was accepted."
)
REASON_LABEL = {"major": "重大隐患挂牌督办", "overdue": "隐患逾期未整改督办"}


def order_text(danger: Mapping[str, Any], reason: str, respond_by_ms: int, offset_h: int) -> str:
    """The SMS of a new order to the liable person and the park safety department (zh-CN, park local time)."""
    return (
        f"【{REASON_LABEL[reason]}】{danger['title']}（{danger['id']}），责任人{danger['liable_person']['name']}，"
        f"请于{local_text(respond_by_ms, offset_h)[:16]}前反馈整改进展。"
    )


def escalation_text(danger: Mapping[str, Any], reason: str, due_ms: int, offset_h: int) -> str:
    return (
        f"【督办升级】{REASON_LABEL[reason]}：{danger['title']}（{danger['id']}）"
        f"已超过反馈期限{local_text(due_ms, offset_h)[:16]}未答复，请园区安全管理部门跟进。"
    )


def needs_escalation(state: str, escalated: bool, respond_by_ms: int, now_ms: int) -> bool:
    """An order still unanswered at its response deadline goes up to the park, once."""
    return state == "open" and not escalated and respond_by_ms <= now_ms
