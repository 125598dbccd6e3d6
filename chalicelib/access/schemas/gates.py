"""Gate (卡口) and zone access-level contracts."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.access.domain import ZoneLevel
from chalicelib.core.ids import ID_PATTERN
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import Instant, Location, Schema, Strict

# A device id is the last level of its MQTT command topic: no '/', '+' or '#'.
DEVICE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
GateKind = Literal["hazmat", "general", "unattended", "emergency"]
DeviceKind = Literal[
    "barrier", "camera", "face_reader", "card_reader", "fingerprint_reader", "plate_reader", "weighbridge"
]


class GateDevice(Strict):
    id: str = Field(pattern=DEVICE_ID, description="设备编号；camera 须为 /cameras 台账中的 GB/T 28181 编码")
    kind: DeviceKind


class GateIn(Strict):
    name: str = Field(min_length=1, max_length=80)
    kind: GateKind = Field(
        description="hazmat 危化品专用；general 综合/普货；unattended 无人值守（仅小客车）；emergency 应急（常闭）"
    )
    enterprise_id: str | None = Field(default=None, pattern=ID_PATTERN, description="企业自有卡口；园区卡口留空")
    zone_id: str | None = Field(default=None, pattern=ID_PATTERN, description="卡口所围区域；园区周界卡口留空")
    location: Location
    devices: list[GateDevice] = Field(default_factory=list, max_length=20, description="道闸、摄像机、读卡器、地磅等")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "企业危化品卡口",
                    "kind": "hazmat",
                    "enterprise_id": "ent_demo",
                    "location": {"lat": 31.9505, "lon": 120.9035},
                    "devices": [{"id": "gate-demo-barrier", "kind": "barrier"}],
                }
            ]
        }
    )


class GateOut(Schema):
    model_config = ConfigDict(extra="ignore", defer_build=True)
    id: str
    name: str
    kind: GateKind
    enterprise_id: str | None
    zone_id: str | None
    location: Location
    devices: list[GateDevice]
    created_at: Instant
    updated_at: Instant


class GateFilter(PageQuery):
    enterprise_id: str | None = None
    kind: GateKind | None = None


class ZoneFilter(PageQuery):
    enterprise_id: str | None = None


class ZoneAccessIn(Strict):
    level: ZoneLevel = Field(
        description="public 公共；restricted 限制（须列明该区域）；controlled 管控（访客另须陪同人）"
    )

    model_config = ConfigDict(json_schema_extra={"examples": [{"level": "controlled"}]})


class ZoneAccessOut(Schema):
    zone_id: str
    enterprise_id: str | None
    level: ZoneLevel
    updated_at: Instant | None = None
