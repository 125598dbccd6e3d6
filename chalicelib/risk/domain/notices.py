"""Risk notices (风险提示, 5.1.2-3), pure: the park tells an enterprise of a risk; the enterprise acknowledges it
and closes it with its response; the park follows what is unacknowledged or overdue."""

from __future__ import annotations

from enum import StrEnum

from chalicelib.core import errors
from chalicelib.core.schemas import Priority

WRONG_STATE = errors.define(
    "RISK_NOTICE_WRONG_STATE",
    409,
    "风险提示当前状态不允许此操作",
    "Acknowledge an issued notice, close an acknowledged one; details.state says where it stands.",
)


class State(StrEnum):
    ISSUED = "issued"  # 已下发，待企业确认
    ACKNOWLEDGED = "acknowledged"  # 企业已确认，处置中
    CLOSED = "closed"  # 企业已反馈处置情况，闭环


STATE_LABEL = {State.ISSUED: "待确认", State.ACKNOWLEDGED: "处置中", State.CLOSED: "已闭环"}
# The notice's colour sets the SMS priority it is sent with (red is the most urgent).
PRIORITY = {"red": Priority.URGENT, "orange": Priority.HIGH, "yellow": Priority.MEDIUM, "blue": Priority.LOW}


def after(state: str, step: str) -> State:
    """The state a step leads to (ack: issued -> acknowledged; close: acknowledged -> closed), else 409."""
    allowed = {"ack": (State.ISSUED, State.ACKNOWLEDGED), "close": (State.ACKNOWLEDGED, State.CLOSED)}
    source, target = allowed[step]
    if State(state) is not source:
        raise WRONG_STATE(details={"state": state, "step": step})
    return target


def is_overdue(state: str, due_ms: int | None, now_ms: int) -> bool:
    """Not closed by its due time."""
    return due_ms is not None and state != State.CLOSED and now_ms > due_ms


MAX_DUE_MS = 366 * 86_400_000  # a notice is answered within a year, or it is not a notice but a plan


def check_due(due_ms: int | None, now_ms: int) -> list[dict[str, str]]:
    """A due time, when given, lies ahead, and within a year."""
    if due_ms is not None and due_ms <= now_ms:
        return [errors.field_error("due", "反馈期限须晚于当前时间", "due_in_past")]
    if due_ms is not None and due_ms > now_ms + MAX_DUE_MS:
        return [errors.field_error("due", "反馈期限不得超过一年", "due_too_far")]
    return []


def sms_text(enterprise: str, title: str, level_label: str, notice_id: str, due_local: str | None) -> str:
    """What the enterprise's managers read (zh-CN; times in park local time)."""
    due = f"，请于{due_local}前反馈处置情况" if due_local else "，请及时确认并反馈处置情况"
    return f"【园区风险提示】{enterprise}：{title}（{level_label}）{due}。编号{notice_id}"
