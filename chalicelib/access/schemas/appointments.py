"""Appointment (预约) contracts: people, vehicles and hazmat vehicles with their electronic waybill (电子运单)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from chalicelib.core.ids import ID_PATTERN
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import PHONE_PATTERN, Instant, IsoTime, Loose, Schema, Strict

ID_NUMBER = r"^[0-9A-Za-z]{6,20}$"  # 身份证号 (18) or a passport / permit number
PLATE = r"^[\w·. -]{5,12}$"
Kind = Literal["person", "vehicle", "hazmat_vehicle"]


class Certificate(Strict):
    kind: Literal["driver_qualification", "escort_qualification", "road_transport", "driving_licence", "other"] = Field(
        description="驾驶员/押运员从业资格证、道路运输证、驾驶证等"
    )
    number: str = Field(min_length=1, max_length=40)
    expires_at: IsoTime

    @model_validator(mode="after")
    def _aware(self) -> Certificate:
        if self.expires_at.tzinfo is None:
            raise ValueError("expires_at needs a UTC offset")
        return self


class Person(Strict):
    name: str = Field(min_length=1, max_length=40)
    id_number: str = Field(pattern=ID_NUMBER, description="身份证号（响应中按角色脱敏）")
    phone: str = Field(pattern=PHONE_PATTERN, description="手机号（响应中按角色脱敏）")
    certificates: list[Certificate] = Field(default_factory=list, max_length=10)


class Vehicle(Strict):
    plate: str = Field(pattern=PLATE, description="车牌号")
    driver: Person
    escort_person: Person | None = Field(default=None, description="押运员（危化品车辆）")
    certificates: list[Certificate] = Field(default_factory=list, max_length=10, description="车辆道路运输证等")


class Goods(Strict):
    un_number: str = Field(pattern=r"^(UN|un)?\d{4}$", description="联合国编号，如 UN1017")
    name: str = Field(default="", max_length=60, description="品名")
    cas: str | None = Field(default=None, pattern=r"^\d{2,7}-\d{2}-\d$")
    quantity_t: float = Field(gt=0, le=100, description="数量 (t)")


class Waybill(Strict):
    number: str = Field(min_length=1, max_length=40, description="运单编号")
    carrier: str = Field(min_length=1, max_length=80, description="承运单位")
    carrier_code: str = Field(default="", max_length=40, description="承运单位代码（黑名单 carrier 按此比对）")
    plate: str | None = Field(default=None, pattern=PLATE)
    goods: list[Goods] = Field(min_length=1, max_length=20)
    origin: str = Field(min_length=1, max_length=120, description="起运地")
    destination_enterprise_id: str = Field(pattern=ID_PATTERN, description="目的企业")


class Escort(Strict):
    name: str = Field(min_length=1, max_length=40)
    phone: str = Field(pattern=PHONE_PATTERN)


class AppointmentIn(Strict):
    kind: Kind
    enterprise_id: str = Field(pattern=ID_PATTERN, description="接待企业")
    visitor: Person | None = Field(default=None, description="kind=person 必填")
    vehicle: Vehicle | None = Field(default=None, description="车辆预约必填")
    purpose: str = Field(min_length=1, max_length=200)
    escort: Escort | None = Field(default=None, description="接待企业陪同人")
    zones: list[str] = Field(default_factory=list, max_length=20, description="获准进入的区域")
    valid_from: IsoTime
    valid_to: IsoTime
    fixed: bool = Field(default=False, description="固定车辆/常驻人员：有效期至多一年（危化品车辆不可）")
    route_id: str | None = Field(default=None, pattern=ID_PATTERN, description="核定的危化品运输路线")
    waybill: Waybill | None = Field(default=None, description="危化品车辆必填")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "person",
                    "enterprise_id": "ent_demo",
                    "visitor": {"name": "张访客", "id_number": "320102199001011234", "phone": "13900001111"},
                    "purpose": "设备检修洽谈",
                    "valid_from": "2026-12-03T08:00:00+08:00",
                    "valid_to": "2026-12-03T18:00:00+08:00",
                }
            ]
        }
    )

    @model_validator(mode="after")
    def _consistent(self) -> AppointmentIn:
        if self.valid_from.tzinfo is None or self.valid_to.tzinfo is None:
            raise ValueError("valid_from and valid_to need a UTC offset")
        if self.valid_to <= self.valid_from:
            raise ValueError("valid_to must be after valid_from")
        if self.kind == "person" and (self.visitor is None or self.vehicle is not None):
            raise ValueError("a person appointment names the visitor and no vehicle")
        if self.kind != "person" and (self.vehicle is None or self.visitor is not None):
            raise ValueError("a vehicle appointment names the vehicle and no visitor")
        if self.kind != "hazmat_vehicle" and self.waybill is not None:
            raise ValueError("only a hazmat vehicle carries a waybill")
        if self.kind == "hazmat_vehicle" and self.fixed:
            raise ValueError("a hazmat vehicle books per trip: fixed is not allowed")
        return self


class CommentIn(Strict):
    comment: str = Field(default="", max_length=500)
    model_config = ConfigDict(json_schema_extra={"examples": [{"comment": "同意"}]})


class RejectIn(Strict):
    reason: str = Field(min_length=1, max_length=500)
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "无接待安排"}]})


class AppointmentOut(Schema):
    model_config = ConfigDict(extra="ignore", defer_build=True)
    id: str
    kind: Kind
    enterprise_id: str
    state: str
    state_label: str
    visitor: Loose | None = None
    vehicle: Loose | None = None
    purpose: str
    escort: Loose | None = None
    zones: list[str]
    valid_from: Instant
    valid_to: Instant
    fixed: bool
    route_id: str | None = None
    waybill: Loose | None = None
    approvals: list[Loose] = Field(default_factory=list, description="审批记录（接待企业、园区）")
    created_by: str
    created_at: Instant
    updated_at: Instant


class AppointmentFilter(PageQuery):
    enterprise_id: str | None = None
    state: str | None = Field(default=None, pattern=r"^(pending_host|pending_park|approved|rejected|cancelled)$")
    kind: Kind | None = None
