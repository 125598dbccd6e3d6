"""Registry contracts of field devices: sensors (kinds, alarm limits), GB/T 28181 cameras and gateways."""

from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict, Field

from chalicelib.core.schemas import Instant, Location, Priority, Strict
from chalicelib.registry.schemas.park import ID, EnterpriseFilter


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
    created_at: Instant
    updated_at: Instant


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
    created_at: Instant
    updated_at: Instant


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
    created_at: Instant
    updated_at: Instant


class SensorFilter(EnterpriseFilter):
    installation_id: str | None = None
    kind: SensorKind | None = None
