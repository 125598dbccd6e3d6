"""Registry HTTP contracts: park, enterprises, zones, installations, sensors, cameras, gateways."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import Contact, Location, Priority, Schema, Strict

ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"


class ParkIn(Strict):
    name: str = Field(min_length=1, max_length=80)
    location: Location
    managers: list[Contact] = Field(default_factory=list, description="园区指定管理人员（报警短信）")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "示例化工园区",
                    "location": {"lat": 31.95, "lon": 120.9},
                    "managers": [
                        {"name": "王值班", "phone": "13800000001", "title": "园区安全处", "min_priority": "high"}
                    ],
                }
            ]
        }
    )


class ParkOut(ParkIn):
    model_config = ConfigDict(extra="ignore")
    updated_at: datetime | None = None


class EnterpriseIn(Strict):
    name: str = Field(min_length=1, max_length=80)
    credit_code: str = Field(default="", pattern=r"^([0-9A-HJ-NPQRTUWXY]{18})?$", description="统一社会信用代码")
    address: str = Field(default="", max_length=200)
    location: Location
    managers: list[Contact] = Field(default_factory=list, description="企业指定管理人员（报警短信）")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "示例氯碱化工有限公司",
                    "credit_code": "91320000MA1XXXXX0X",
                    "address": "园区纬一路1号",
                    "location": {"lat": 31.951, "lon": 120.905},
                    "managers": [
                        {"name": "李安全", "phone": "13800000002", "title": "安全总监", "min_priority": "medium"}
                    ],
                }
            ]
        }
    )


class EnterpriseOut(EnterpriseIn):
    model_config = ConfigDict(extra="ignore")
    id: str
    created_at: datetime
    updated_at: datetime


class ZoneIn(Strict):
    name: str = Field(min_length=1, max_length=80)
    enterprise_id: str | None = Field(default=None, description="所属企业；为空表示园区公共区域")
    center: Location
    radius_m: float = Field(gt=0, le=5000)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "罐区A",
                    "enterprise_id": "ent_demo",
                    "center": {"lat": 31.951, "lon": 120.905},
                    "radius_m": 120,
                }
            ]
        }
    )


class ZoneOut(ZoneIn):
    model_config = ConfigDict(extra="ignore")
    id: str


class UnitType(StrEnum):
    STORAGE = "storage"  # 储存单元
    PRODUCTION = "production"  # 生产单元


class InstallationStatus(StrEnum):
    OPERATING = "operating"  # 运行
    MAINTENANCE = "maintenance"  # 检修：报警按设计抑制 (Suppressed)
    DECOMMISSIONED = "decommissioned"  # 停用


class InventoryLineIn(Strict):
    chemical: str | None = Field(default=None, max_length=60, description="化学品名称（表1名称或别名）")
    cas: str | None = Field(default=None, pattern=r"^\d{2,7}-\d{2}-\d$", description="CAS 号")
    quantity_t: float = Field(gt=0, le=1_000_000, description="设计最大量 q (t)")
    hazard_class: str | None = Field(default=None, max_length=40, description="表2/表4 危险性类别，如 W2、J3")

    @model_validator(mode="after")
    def _named(self) -> InventoryLineIn:
        if not (self.chemical or self.cas or self.hazard_class):
            raise ValueError("chemical, cas or hazard_class is required")
        return self


class ResponsiblePerson(Strict):
    """重大危险源包保责任人 (主要负责人 / 技术负责人 / 操作负责人)."""

    duty: Literal["主要负责人", "技术负责人", "操作负责人"]
    name: str = Field(min_length=1, max_length=40)
    phone: str = Field(pattern=r"^\+?[0-9]{6,15}$")


class InstallationIn(Strict):
    enterprise_id: str = Field(pattern=ID)
    name: str = Field(min_length=1, max_length=80)
    unit_type: UnitType
    exposed_people: int = Field(ge=0, le=1_000_000, description="厂界外 500 m 内常住人口")
    location: Location
    zone_id: str | None = None
    status: InstallationStatus = InstallationStatus.OPERATING
    inventory: list[InventoryLineIn] = Field(min_length=1, max_length=100)
    responsible: list[ResponsiblePerson] = Field(default_factory=list)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "enterprise_id": "ent_demo",
                    "name": "液氯储罐区",
                    "unit_type": "storage",
                    "exposed_people": 60,
                    "location": {"lat": 31.9512, "lon": 120.9051},
                    "inventory": [{"chemical": "氯", "quantity_t": 20}, {"chemical": "氨", "quantity_t": 50}],
                }
            ]
        }
    )


class InventoryLineOut(Schema):
    chemical: str
    cas: str | None
    quantity_t: float
    hazard_class: str | None
    q_t: float = Field(description="临界量 Q (t)")
    q_source: str
    beta: float
    beta_source: str
    ratio: float = Field(description="q/Q")


class InstallationOut(Schema):
    id: str
    enterprise_id: str
    name: str
    unit_type: UnitType
    exposed_people: int
    location: Location
    zone_id: str | None
    status: InstallationStatus
    inventory: list[InventoryLineOut]
    responsible: list[ResponsiblePerson]
    s_value: float = Field(description="S = Σ q/Q")
    r_value: float = Field(description="R = α Σ β q/Q")
    alpha: float
    alpha_source: str
    major_hazard: bool
    grade: int | None = Field(description="1=一级 … 4=四级；非重大危险源为 null")
    created_at: datetime
    updated_at: datetime


class SensorKind(StrEnum):
    TEMPERATURE = "temperature"
    PRESSURE = "pressure"
    LEVEL = "level"
    FLOW = "flow"
    COMBUSTIBLE = "combustible"  # 可燃气体 %LEL
    TOXIC = "toxic"  # 有毒气体 ppm
    OXYGEN = "oxygen"  # 氧含量 %VOL
    HUMIDITY = "humidity"
    WIND_SPEED = "wind_speed"
    WIND_DIRECTION = "wind_direction"
    VIBRATION = "vibration"
    OTHER = "other"


class Limits(Strict):
    """Alarm limits; each optional. Order must be LL < L < H < HH."""

    hh: float | None = None
    h: float | None = None
    l: float | None = None  # noqa: E741 (ISA-18.2's name for the low limit)
    ll: float | None = None


class SensorStatus(StrEnum):
    IN_SERVICE = "in_service"
    OUT_OF_SERVICE = "out_of_service"  # 停用：报警 Out-of-service


class SensorIn(Strict):
    id: str | None = Field(default=None, pattern=ID, description="位号 tag_id（全园区唯一）；不填则自动生成")
    enterprise_id: str = Field(pattern=ID)
    installation_id: str | None = None
    zone_id: str | None = None
    gateway_id: str | None = None
    name: str = Field(min_length=1, max_length=80)
    kind: SensorKind
    unit: str = Field(min_length=1, max_length=12)
    gas: str | None = Field(default=None, max_length=40, description="气体探测器的气体名称，如 氯、氨、甲烷")
    location: Location
    limits: Limits | None = Field(default=None, description="不填时按 GB/T 50493-2019 给出气体默认值")
    deadband: float = Field(default=0, ge=0)
    on_delay_s: int = Field(default=0, ge=0, le=3600)
    off_delay_s: int = Field(default=0, ge=0, le=3600)
    roc_limit_per_min: float | None = Field(default=None, gt=0, description="变化率上限（单位/分钟）")
    trend: bool = Field(default=True, description="启用趋势预警（预测到达 H/HH 的时间）")
    trend_horizon_s: int = Field(default=900, ge=60, le=86400)
    stale_after_s: int = Field(default=600, ge=30, le=86400)
    priority: Priority = Priority.MEDIUM
    latching: bool = False
    environment: bool = Field(default=False, description="环境监测点（报警联动时显示周边读数）")
    status: SensorStatus = SensorStatus.IN_SERVICE

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "DEMO-AT-101",
                    "enterprise_id": "ent_demo",
                    "installation_id": "ins_demo",
                    "name": "液氯储罐区氯气探测器",
                    "kind": "toxic",
                    "unit": "ppm",
                    "gas": "氯",
                    "location": {"lat": 31.9512, "lon": 120.9052},
                    "on_delay_s": 5,
                    "priority": "high",
                }
            ]
        }
    )


class SensorOut(SensorIn):
    model_config = ConfigDict(extra="ignore")
    id: str
    limits: Limits
    limits_source: str
    created_at: datetime
    updated_at: datetime


class CameraIn(Strict):
    id: str = Field(description="GB/T 28181 20 位设备/通道编码")
    enterprise_id: str = Field(pattern=ID)
    installation_id: str | None = None
    name: str = Field(min_length=1, max_length=80)
    location: Location
    ptz: bool = False

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "34020000001320000001",
                    "enterprise_id": "ent_demo",
                    "name": "罐区1号球机",
                    "location": {"lat": 31.9513, "lon": 120.9050},
                    "ptz": True,
                }
            ]
        }
    )


class CameraOut(CameraIn):
    model_config = ConfigDict(extra="ignore")
    type_label: str
    created_at: datetime
    updated_at: datetime


class GatewayIn(Strict):
    id: str | None = Field(default=None, pattern=ID)
    enterprise_id: str = Field(pattern=ID)
    name: str = Field(min_length=1, max_length=80)
    location: Location | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "gw-demo-1",
                    "enterprise_id": "ent_demo",
                    "name": "罐区数据采集网关",
                }
            ]
        }
    )


class GatewayOut(GatewayIn):
    model_config = ConfigDict(extra="ignore")
    id: str
    created_at: datetime
    updated_at: datetime


class EnterpriseFilter(PageQuery):
    enterprise_id: str | None = None


class InstallationFilter(EnterpriseFilter):
    grade: int | None = Field(default=None, ge=1, le=4)


class SensorFilter(EnterpriseFilter):
    installation_id: str | None = None
    kind: SensorKind | None = None
