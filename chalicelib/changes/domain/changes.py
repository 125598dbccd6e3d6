"""Change request rules (变更管理, 6.2.4-2): steps, statuses, limits, request checks, separation of duties."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from chalicelib.changes.domain.cmdb import check_attributes, zone
from chalicelib.core import errors

WRONG_STEP = errors.define(
    "CHANGE_WRONG_STEP", 409, "变更当前不处于该流程步骤", "The change is not awaiting the step this call completes."
)
SEPARATION_OF_DUTIES = errors.define(
    "CHANGE_SEPARATION_OF_DUTIES",
    403,
    "违反职责分离：不得审批本人提交或复核本人实施的变更",
    "The requester cannot approve, and the implementer cannot review, the same change.",
)
CI_LOCKED = errors.define(
    "CI_LOCKED", 409, "配置项已有未结束的变更申请", "One open change request per configuration item at a time."
)
NO_EFFECT = errors.define(
    "CHANGE_NO_EFFECT", 422, "变更申请未改变任何已登记配置", "Every proposed value equals the declared one."
)


class Step(StrEnum):
    """Human steps of 申请-审批-测试-实施-复核, plus the confirmation that the rollback plan was executed."""

    APPROVAL = "approval"
    TEST = "test"
    IMPLEMENTATION = "implementation"
    REVIEW = "review"
    ROLLBACK = "rollback"


class Outcome(StrEnum):
    COMPLETED = "completed"
    REJECTED = "rejected"
    ROLLED_BACK = "rolled_back"
    EXPIRED = "expired"


class Status(StrEnum):
    SUBMITTED = "submitted"
    AWAITING_APPROVAL = "awaiting_approval"
    AWAITING_TEST = "awaiting_test"
    AWAITING_IMPLEMENTATION = "awaiting_implementation"
    AWAITING_REVIEW = "awaiting_review"
    ROLLING_BACK = "rolling_back"
    AWAITING_ROLLBACK = "awaiting_rollback"
    COMPLETED = "completed"
    REJECTED = "rejected"
    ROLLED_BACK = "rolled_back"
    EXPIRED = "expired"
    FAILED = "failed"  # the workflow could not be started; nothing was changed


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


STEP_LABEL = {"approval": "审批", "test": "测试", "implementation": "实施", "review": "复核", "rollback": "回退"}
OUTCOME_LABEL = {"completed": "已完成", "rejected": "已驳回", "rolled_back": "已回退", "expired": "已超时"}
FINAL = frozenset({Status.COMPLETED, Status.REJECTED, Status.ROLLED_BACK, Status.EXPIRED, Status.FAILED})

MAX_ITEMS = 20  # CIs per change: completion writes them all in one DynamoDB transaction (<= 100 items)


def awaiting_status(step: str) -> Status:
    return Status(f"awaiting_{step}")


def check_request(request: Mapping[str, Any], now_ms: int) -> list[dict[str, str]]:
    """Field errors of a change request beyond its schema: the rules of 6.2.4-2."""
    problems = []
    if not str(request.get("rollback_plan") or "").strip():
        problems.append(errors.field_error("rollback_plan", "必须制定回退方案"))
    if not str(request.get("test_plan") or "").strip():
        problems.append(errors.field_error("test_plan", "必须制定测试方案"))
    risk = request.get("risk") or {}
    if risk.get("level") == RiskLevel.HIGH and not str(risk.get("mitigation") or "").strip():
        problems.append(errors.field_error("risk.mitigation", "高风险变更必须填写风险控制措施"))
    items = list(request.get("items") or [])
    if not items:
        problems.append(errors.field_error("items", "至少包含一个配置项"))
    if len(items) > MAX_ITEMS:
        problems.append(errors.field_error("items", f"一次变更最多涉及 {MAX_ITEMS} 个配置项"))
    seen: set[str] = set()
    for n, item in enumerate(items):
        if item["ci_id"] in seen:
            problems.append(errors.field_error(f"items.{n}.ci_id", "同一配置项重复出现"))
        seen.add(item["ci_id"])
        if not item.get("attributes"):
            problems.append(errors.field_error(f"items.{n}.attributes", "必须给出拟变更的配置属性"))
        problems += check_attributes(item.get("attributes") or {}, f"items.{n}.attributes")
    window = request.get("planned_window") or {}
    start, end = window.get("start_ms"), window.get("end_ms")
    if start is not None and end is not None:
        if end <= start:
            problems.append(errors.field_error("planned_window.end", "计划结束时间必须晚于开始时间"))
        elif end <= now_ms:
            problems.append(errors.field_error("planned_window.end", "计划窗口已经结束"))
    return problems


def archive_key(change_id: str, created_ms: int, utc_offset_h: int) -> str:
    """Where the closed change's record is filed in the reports bucket (by the year it was submitted)."""
    year = datetime.fromtimestamp(created_ms / 1000, UTC).astimezone(zone(utc_offset_h)).year
    return f"changes/{year}/{change_id}.json"


def check_actor(step: str, actor: str, requester: str, implementer: str | None) -> None:
    """Separation of duties: nobody approves their own request or reviews their own implementation."""
    if step == Step.APPROVAL and actor == requester:
        raise SEPARATION_OF_DUTIES("违反职责分离：变更申请人不得审批本人提交的变更", rule="requester_cannot_approve")
    if step == Step.REVIEW and implementer is not None and actor == implementer:
        raise SEPARATION_OF_DUTIES("违反职责分离：实施人不得复核本人实施的变更", rule="implementer_cannot_review")


# The negative answer of each step must say why: it is what the next person (and the auditor) reads.
NEGATIVE = {"approval": "reject", "test": "fail", "implementation": "failed", "review": "not_ok"}


def check_notes(step: str, answer: str, notes: str) -> None:
    if NEGATIVE.get(step) == answer and not notes.strip():
        field = "comment" if step == Step.APPROVAL else "notes"
        raise errors.invalid_field(field, f"{STEP_LABEL[step]}未通过时必须说明原因")
