"""Appointment rules (预约): validity per kind, the approval chain and what an appointment admits.

Validity (docs/closed-park.md "Validity"): a hazmat vehicle books per trip, one day at most (Pingluo practice,
"危化/危废车辆…单次预约，有效期1天"); a fixed vehicle or long-term person (员工、常驻承包商) up to a year; any
other person or vehicle one day. An appointment whose end has passed is refused. Approval: the host enterprise,
then, for hazmat vehicles, the park (Linshu: "企业和园区两级审批").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from chalicelib.access.domain import Reason, ZoneLevel

DAY_MS = 24 * 3600 * 1000
MAX_MS = {"trip": DAY_MS, "fixed": 366 * DAY_MS, "visit": DAY_MS}


class State(StrEnum):
    PENDING_HOST = "pending_host"  # 待接待企业审批
    PENDING_PARK = "pending_park"  # 待园区审批（危化品车辆）
    APPROVED = "approved"  # 已批准
    REJECTED = "rejected"  # 已驳回
    CANCELLED = "cancelled"  # 已取消


STATE_LABEL = {
    State.PENDING_HOST: "待接待企业审批",
    State.PENDING_PARK: "待园区审批",
    State.APPROVED: "已批准",
    State.REJECTED: "已驳回",
    State.CANCELLED: "已取消",
}
OPEN = frozenset({State.PENDING_HOST, State.PENDING_PARK})


def validity_class(kind: str, fixed: bool) -> str:
    if kind == "hazmat_vehicle":
        return "trip"  # never fixed: every trip has its own waybill
    return "fixed" if fixed else "visit"


def validity_reasons(kind: str, fixed: bool, from_ms: int, to_ms: int, now_ms: int) -> list[Reason]:
    found = []
    if to_ms <= now_ms:
        found.append(Reason.EXPIRED)
    if to_ms - from_ms > MAX_MS[validity_class(kind, fixed)]:
        found.append(Reason.VALIDITY_TOO_LONG)
    return found


def certificate_reasons(certificates: Sequence[Mapping[str, Any]], until_ms: int) -> list[Reason]:
    """A certificate that lapses before `until_ms` (the appointment's end, or the gate event's time)."""
    return [Reason.CERTIFICATE_EXPIRED] if any(c["expires_ms"] < until_ms for c in certificates) else []


def escort_reasons(kind: str, has_escort: bool, zone_levels: Mapping[str, ZoneLevel]) -> list[Reason]:
    """A visitor on foot entering a controlled zone needs an escort from the host (陪同人)."""
    controlled = any(level == ZoneLevel.CONTROLLED for level in zone_levels.values())
    return [Reason.ESCORT_REQUIRED] if kind == "person" and controlled and not has_escort else []


def next_state(state: str, kind: str) -> State:
    """The state after one approval: the host's, then the park's for hazmat vehicles."""
    if state == State.PENDING_HOST and kind == "hazmat_vehicle":
        return State.PENDING_PARK
    return State.APPROVED


def approver(state: str) -> str:
    """Who approves now: "host" (the host enterprise's roles) or "park" (park roles)."""
    return "park" if state == State.PENDING_PARK else "host"
