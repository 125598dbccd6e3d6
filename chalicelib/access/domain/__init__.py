"""Closed-park rules (封闭化管理, 5.3.1), pure: reason codes, zone access levels, masking, subject keys.

The appointment validity rules live in `appointments`, the electronic waybill check in `waybill`, the gate
decision in `gate` and who is inside in `presence`; this module holds what they share.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum


class Reason(StrEnum):
    """Stable reason codes of refusals and gate decisions (clients switch on them; docs/closed-park.md)."""

    NO_APPOINTMENT = "NO_APPOINTMENT"  # 无有效预约（也不在白名单）
    APPOINTMENT_NOT_APPROVED = "APPOINTMENT_NOT_APPROVED"  # 预约尚未审批通过
    APPOINTMENT_EXPIRED = "APPOINTMENT_EXPIRED"  # 预约已过期或未到开始时间
    BLACK_LISTED = "BLACK_LISTED"  # 黑名单（人员、车辆或承运单位）
    ZONE_NOT_PERMITTED = "ZONE_NOT_PERMITTED"  # 预约或白名单未包含该区域
    CERTIFICATE_EXPIRED = "CERTIFICATE_EXPIRED"  # 证件（驾驶员从业资格、道路运输证等）已过期
    OFF_ROUTE = "OFF_ROUTE"  # 危化品车辆未走危化品专用卡口（车道）
    WRONG_GATE = "WRONG_GATE"  # 卡口不办理该类通行（无人值守卡口仅限小客车）
    GATE_CLOSED = "GATE_CLOSED"  # 应急卡口常闭
    GATE_UNKNOWN = "GATE_UNKNOWN"  # 卡口不存在或不属于调用方
    EXPIRED = "EXPIRED"  # 预约结束时间已过
    VALIDITY_TOO_LONG = "VALIDITY_TOO_LONG"  # 超过该类预约的最长有效期
    ESCORT_REQUIRED = "ESCORT_REQUIRED"  # 进入管控区域的访客须有陪同人
    WAYBILL_REQUIRED = "WAYBILL_REQUIRED"  # 危化品车辆须有电子运单
    WAYBILL_DESTINATION_MISMATCH = "WAYBILL_DESTINATION_MISMATCH"  # 运单目的企业不是预约的接待企业
    WAYBILL_PLATE_MISMATCH = "WAYBILL_PLATE_MISMATCH"  # 运单车牌与预约车辆不符
    WAYBILL_GOODS_NOT_PERMITTED = "WAYBILL_GOODS_NOT_PERMITTED"  # 货物不在目的企业装置的储存品种内
    WAYBILL_QUANTITY_EXCEEDED = "WAYBILL_QUANTITY_EXCEEDED"  # 货物数量超过目的企业该品种的设计最大量


REASON_LABEL: dict[Reason, str] = {
    Reason.NO_APPOINTMENT: "无有效预约",
    Reason.APPOINTMENT_NOT_APPROVED: "预约未审批通过",
    Reason.APPOINTMENT_EXPIRED: "预约不在有效期内",
    Reason.BLACK_LISTED: "黑名单",
    Reason.ZONE_NOT_PERMITTED: "无权进入该区域",
    Reason.CERTIFICATE_EXPIRED: "证件已过期",
    Reason.OFF_ROUTE: "危化品车辆未走专用卡口",
    Reason.WRONG_GATE: "该卡口不办理此类通行",
    Reason.GATE_CLOSED: "应急卡口常闭",
    Reason.GATE_UNKNOWN: "卡口不存在",
    Reason.EXPIRED: "预约结束时间已过",
    Reason.VALIDITY_TOO_LONG: "超过最长有效期",
    Reason.ESCORT_REQUIRED: "管控区域须有陪同人",
    Reason.WAYBILL_REQUIRED: "缺少电子运单",
    Reason.WAYBILL_DESTINATION_MISMATCH: "运单目的企业不符",
    Reason.WAYBILL_PLATE_MISMATCH: "运单车牌不符",
    Reason.WAYBILL_GOODS_NOT_PERMITTED: "运单货物不在目的企业储存品种内",
    Reason.WAYBILL_QUANTITY_EXCEEDED: "运单货物数量超过设计最大量",
}


class ZoneLevel(StrEnum):
    """Access level of a zone (分区分级管理): what a credential must say to pass a gate into it."""

    PUBLIC = "public"  # 公共区域：持有效预约或白名单即可进入
    RESTRICTED = "restricted"  # 限制区域：预约或白名单须列明该区域
    CONTROLLED = "controlled"  # 管控区域：同上，访客预约还须有陪同人


DEFAULT_ZONE_LEVEL = ZoneLevel.RESTRICTED  # a zone nobody classified is closed to whoever does not name it


def person_key(id_number: str) -> str:
    return f"p:{id_number.upper()}"


def vehicle_key(plate: str) -> str:
    return f"v:{normal_plate(plate)}"


def normal_plate(plate: str) -> str:
    """苏E·12345 / 苏e 12345 -> 苏E12345: the form lists, appointments and gate cameras are compared in."""
    return "".join(ch for ch in plate.upper() if ch not in " ·.-")


def pseudonym(subject_key: str) -> str:
    """A stable id for a person that does not carry their ID number (evacuation notices, presence lists)."""
    return "acc-" + hashlib.sha256(subject_key.encode()).hexdigest()[:16]


def mask_phone(phone: str) -> str:
    """13800001234 -> 138****1234 (keep 3 + 4, as the SMS log does)."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def mask_id_number(value: str) -> str:
    """320102199001011234 -> 320***********1234 (keep 3 + 4): region prefix and check digits only."""
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) >= 8 else "****"
