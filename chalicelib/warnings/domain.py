"""Warning rules (pure): statuses and the step each one waits for, levels, drafts per audience, KPIs."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from chalicelib.core import errors
from chalicelib.core.schemas import Priority

WRONG_STEP = errors.define(
    "WARNING_WRONG_STEP", 409, "预警当前不在该处理环节", "e.g. approving a warning that is still awaiting verification."
)
SAME_PERSON = errors.define(
    "FOUR_EYES",
    403,
    "发布审批须由核实人以外的人员进行",
    "The person who verified a warning cannot approve its publication.",
)


class Status(StrEnum):
    VERIFYING = "verifying"  # 待核实 (possibly escalated)
    FALSE_ALARM = "false_alarm"  # 误报，已关闭
    DRAFTING = "drafting"
    AWAITING_APPROVAL = "awaiting_approval"
    TRACKING = "tracking"  # 已发布，跟踪处置
    CLOSED = "closed"  # 风险解除


class Level(StrEnum):
    """Warning levels (突发事件应对法): 一级 red is the highest."""

    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"
    BLUE = "blue"

    @property
    def label(self) -> str:
        return {
            "red": "红色预警（一级）",
            "orange": "橙色预警（二级）",
            "yellow": "黄色预警（三级）",
            "blue": "蓝色预警（四级）",
        }[self.value]


# Which status each human step belongs to: the API refuses a step the workflow is not waiting for.
STEP_STATUS = {"verification": Status.VERIFYING, "approval": Status.AWAITING_APPROVAL, "tracking": Status.TRACKING}
ESCALATION_LABEL = ("值守人员", "值班长", "园区安全负责人")

# Channels by level: the higher the level, the wider the publication (5.2.3-3).
CHANNELS: dict[Level, tuple[str, ...]] = {
    Level.RED: ("sms", "app", "sns", "broadcast", "portal", "board"),
    Level.ORANGE: ("sms", "app", "sns", "portal", "board"),
    Level.YELLOW: ("sms", "app", "sns"),
    Level.BLUE: ("app", "sns"),
}
AUDIENCES = ("enterprise", "park", "public", "regulator")
AUDIENCE_CHANNELS = {
    "enterprise": ("sms", "app"),
    "park": ("sms", "app", "sns"),
    "public": ("broadcast", "portal", "board"),
    "regulator": ("sns",),
}


def verify_limit_s(priority: Priority, urgent_s: int, high_s: int, other_s: int) -> int:
    """How long the duty officer has to verify (6.3.2-1): tighter for higher priority."""
    return urgent_s if priority is Priority.URGENT else high_s if priority is Priority.HIGH else other_s


def require_step(status: str, step: str, awaiting: str | None) -> None:
    if STEP_STATUS.get(step) != status or awaiting != step:
        raise WRONG_STEP(details={"status": status, "step": step, "awaiting": awaiting})


def check_four_eyes(doc: Mapping[str, Any], approver: str) -> None:
    """The person who verified a warning cannot approve its publication (四眼原则)."""
    if doc.get("verified_by") == approver:
        raise SAME_PERSON(details={"verified_by": doc["verified_by"]})


def require_tracking(status: str) -> None:
    """Feedback is taken while a published warning is tracked, not before publication nor after closing."""
    if status != Status.TRACKING.value:
        raise WRONG_STEP(details={"status": status, "step": "feedback"})


def drafts(warning: Mapping[str, Any], drill: bool = False) -> list[dict[str, Any]]:
    """One message per audience, in zh-CN, with the channels the level allows for that audience."""
    level = Level(warning["verification"]["level"])
    allowed = CHANNELS[level]
    where = " ".join(p for p in (warning.get("enterprise_name"), warning.get("installation_name")) if p)
    impact = warning["verification"].get("impact") or "影响范围评估中"
    prefix = "【演练】" if drill else ""
    head, title = f"{prefix}【园区{level.label}】{where}", warning["title"]
    texts = {
        "enterprise": f"{head}：{title}。{impact}。请立即启动企业应急处置并向园区反馈。",
        "park": f"{head}：{title}。{impact}。请相关部门按预案响应。",
        "public": f"{prefix}【园区安全提示】{where}发生{title}，{impact}。请周边人员远离该区域，听从现场指挥。",
        "regulator": f"{prefix}【预警报送】{where}：{title}，级别：{level.label}。{impact}。",
    }
    out = []
    for audience in AUDIENCES:
        channels = [c for c in AUDIENCE_CHANNELS[audience] if c in allowed]
        if channels:
            out.append({"audience": audience, "channels": channels, "text": texts[audience]})
    return out


def kpis(warnings: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """7.3.2-3: verification timeliness, accuracy (confirmed vs false alarm), time to publication."""
    items = list(warnings)
    verified = [w for w in items if w.get("verified_ms")]
    on_time = [w for w in verified if w["verified_ms"] - w["created_ms"] <= w["verify_limit_s"] * 1000]
    confirmed = [w for w in verified if w.get("verification", {}).get("outcome") == "confirmed"]
    false = [w for w in verified if w.get("verification", {}).get("outcome") == "false_alarm"]
    published = [
        (w["published_ms"] - (w.get("alarm_raised_ms") or w["created_ms"])) / 1000
        for w in items
        if w.get("published_ms")
    ]
    return {
        "warnings": len(items),
        "verified": len(verified),
        "verified_within_limit_percent": round(100 * len(on_time) / len(verified), 2) if verified else None,
        "confirmed": len(confirmed),
        "false_alarms": len(false),
        "accuracy_percent": round(100 * len(confirmed) / len(verified), 2) if verified else None,
        "escalated": sum(1 for w in items if w.get("escalation_level", 0) > 0),
        "published": len(published),
        "alarm_to_publication_s": {"median": round(statistics.median(published), 1), "max": round(max(published), 1)}
        if published
        else None,
        "open": sum(1 for w in items if w.get("status") not in (Status.CLOSED, Status.FALSE_ALARM)),
    }
