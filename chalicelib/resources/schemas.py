"""Emergency resource HTTP contracts: the resource with per-kind details, filters, reminders, history."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator

from chalicelib.core.ids import ID_PATTERN
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import PHONE_PATTERN, Instant, Location, Loose, Schema, Strict
from chalicelib.resources.domain import KINDS

ID = ID_PATTERN


class ResourceKind(StrEnum):
    TEAM = "team"  # 救援队伍
    EXPERT = "expert"  # 专家
    EQUIPMENT = "equipment"  # 装备
    SUPPLY = "supply"  # 物资
    VEHICLE = "vehicle"  # 车辆
    MEDICAL_POINT = "medical_point"  # 医疗点
    SHELTER = "shelter"  # 应急避难场所


class ResourceStatus(StrEnum):
    AVAILABLE = "available"  # 可用
    DEPLOYED = "deployed"  # 已调派
    MAINTENANCE = "maintenance"  # 维护中
    UNAVAILABLE = "unavailable"  # 不可用


class ResourceContact(Strict):
    name: str = Field(min_length=1, max_length=40)
    phone: str = Field(pattern=PHONE_PATTERN)


class TeamDetails(Strict):
    members: int = Field(ge=1, le=10_000, description="队员人数")
    specialties: list[str] = Field(default_factory=list, max_length=20, description="专业方向，如 危化品堵漏、消防")


class ExpertDetails(Strict):
    field: str = Field(min_length=1, max_length=60, description="专业领域")
    title: str = Field(default="", max_length=40, description="职称")
    organisation: str = Field(default="", max_length=80)


class EquipmentDetails(Strict):
    model: str = Field(default="", max_length=60, description="型号")
    quantity: int = Field(default=1, ge=0, le=1_000_000)
    spec: str = Field(default="", max_length=200, description="主要参数")


class SupplyDetails(Strict):
    """物资: quantity; shelf life gives the expiry date; usage count against a wear threshold."""

    quantity: float = Field(ge=0, le=1e9)
    unit: str = Field(min_length=1, max_length=12)
    production_date: date | None = Field(default=None, description="生产或入库日期")
    shelf_life_days: int | None = Field(default=None, ge=1, le=36500, description="保质期（天）")
    expiry_date: date | None = Field(default=None, description="到期日；按 生产日期 + 保质期 计算，也可直接填写")
    wear_threshold: int | None = Field(default=None, ge=1, description="损耗阈值（使用次数）")
    usage_count: int = Field(default=0, ge=0, description="已使用次数")

    @model_validator(mode="after")
    def _shelf_life(self) -> SupplyDetails:
        if self.shelf_life_days is not None and self.production_date is None:
            raise ValueError("shelf_life_days needs production_date")
        return self


class VehicleDetails(Strict):
    plate: str = Field(min_length=1, max_length=16, description="车牌号")
    vehicle_type: str = Field(min_length=1, max_length=30, description="如 消防车、救护车、危化品抢险车")
    seats: int | None = Field(default=None, ge=1, le=100)


class MedicalPointDetails(Strict):
    beds: int = Field(default=0, ge=0, le=100_000)
    services: list[str] = Field(default_factory=list, max_length=20, description="如 急救、洗消、中毒救治")


class ShelterDetails(Strict):
    capacity: int = Field(ge=1, le=1_000_000, description="容纳人数")
    occupancy: int = Field(default=0, ge=0, description="当前安置人数")
    area_m2: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _fits(self) -> ShelterDetails:
        if self.occupancy > self.capacity:
            raise ValueError("occupancy exceeds capacity")
        return self


Details = (
    TeamDetails
    | ExpertDetails
    | EquipmentDetails
    | SupplyDetails
    | VehicleDetails
    | MedicalPointDetails
    | ShelterDetails
)
DETAILS: dict[str, type[Strict]] = dict(
    zip(
        KINDS,
        (
            TeamDetails,
            ExpertDetails,
            EquipmentDetails,
            SupplyDetails,
            VehicleDetails,
            MedicalPointDetails,
            ShelterDetails,
        ),
        strict=True,
    )
)


class ResourceIn(Strict):
    kind: ResourceKind
    name: str = Field(min_length=1, max_length=80)
    enterprise_id: str | None = Field(default=None, pattern=ID, description="所属企业；为空表示园区所有")
    location: Location
    status: ResourceStatus = ResourceStatus.AVAILABLE
    contact: ResourceContact | None = None
    details: Details = Field(description="按 kind 的详细参数")
    note: str = Field(default="", max_length=500)

    @field_validator("details", mode="wrap")
    @classmethod
    def _details_of_kind(cls, value: Any, handler: Any, info: ValidationInfo) -> Any:
        # Validate against the kind's own model, so errors name body.details.<field> and not a union branch.
        kind = info.data.get("kind")
        if kind is not None and isinstance(value, dict):
            return DETAILS[str(kind)].model_validate(value)
        return handler(value)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "supply",
                    "name": "正压式空气呼吸器气瓶",
                    "enterprise_id": "ent_demo",
                    "location": {"lat": 31.9515, "lon": 120.9048},
                    "contact": {"name": "张仓管", "phone": "13800000011"},
                    "details": {
                        "quantity": 20,
                        "unit": "个",
                        "production_date": "2025-01-01",
                        "shelf_life_days": 730,
                        "wear_threshold": 500,
                        "usage_count": 12,
                    },
                }
            ]
        }
    )


class ResourceOut(Schema):
    model_config = ConfigDict(extra="ignore")
    id: str
    kind: ResourceKind
    name: str
    enterprise_id: str | None
    owner: str = Field(description="park 或企业 id")
    location: Location
    status: ResourceStatus
    incident_id: str | None = Field(default=None, description="调派所属事件")
    contact: ResourceContact | None
    details: Loose
    note: str
    created_at: Instant
    updated_at: Instant


class NearResourceOut(ResourceOut):
    distance_m: float


class NearestOut(Schema):
    items: list[NearResourceOut]


class ResourceFilter(PageQuery):
    enterprise_id: str | None = None
    kind: ResourceKind | None = None
    status: ResourceStatus | None = None


class GeoFilter(Schema):
    model_config = ConfigDict(extra="forbid")
    enterprise_id: str | None = None
    kind: ResourceKind | None = None
    status: ResourceStatus | None = None


class NearestQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    lat: float | None = Field(default=None, ge=-90, le=90, description="不填 lat/lon 时以园区位置为原点")
    lon: float | None = Field(default=None, ge=-180, le=180)
    n: int = Field(default=5, ge=1, le=100)
    kind: str | None = Field(default=None, description="资源类型，多个以逗号分隔")
    within_m: float | None = Field(default=None, gt=0, le=200_000)

    @field_validator("kind")
    @classmethod
    def _kinds(cls, value: str | None) -> str | None:
        unknown = [k for k in (value or "").split(",") if k and k not in KINDS]
        if unknown:
            raise ValueError(f"unknown kind {unknown[0]!r}")
        return value

    @model_validator(mode="after")
    def _both(self) -> NearestQuery:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together")
        return self


class ReminderFilter(PageQuery):
    enterprise_id: str | None = None
    status: Literal["open", "resolved", "all"] = Field(default="open", description="默认仅未处理的提醒")


class ReminderOut(Schema):
    model_config = ConfigDict(extra="ignore")
    id: str
    resource_id: str
    resource_name: str
    enterprise_id: str | None
    reason: str
    reason_label: str
    status: str
    message: str
    facts: Loose
    raised_at: Instant
    resolved_at: Instant | None = None


class HistoryOut(Schema):
    items: list[Loose]
