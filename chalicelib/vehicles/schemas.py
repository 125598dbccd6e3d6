"""Hazmat vehicle tracking contracts: transport routes, parking lots, zone speed limits, locator positions, the
live vehicles and their map layer (GeoJSON, RFC 7946: [lon, lat])."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field, model_validator

from chalicelib.core.ids import ID_PATTERN
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import Location, Schema, Strict, Window

PLATE = r"^[\w·. -]{5,12}$"
Lon = Annotated[float, Field(ge=-180, le=180)]
Lat = Annotated[float, Field(ge=-90, le=90)]
Position = tuple[Lon, Lat]
Ident = Annotated[str, Field(pattern=ID_PATTERN)]
Plate = Annotated[str, Field(pattern=PLATE)]
Code = Annotated[str, Field(min_length=1, max_length=40)]


class LineString(Strict):
    type: Literal["LineString"]
    coordinates: list[Position] = Field(min_length=2, max_length=500, description="[经度, 纬度] 顺序（RFC 7946）")


class Polygon(Strict):
    type: Literal["Polygon"]
    coordinates: list[list[Position]] = Field(min_length=1, max_length=1, description="外环（首尾相同）")

    @model_validator(mode="after")
    def _closed(self) -> Polygon:
        ring = self.coordinates[0]
        if len(ring) < 4 or len(ring) > 500 or ring[0] != ring[-1]:
            raise ValueError("coordinates: one closed ring of 4 to 500 positions (first equals last)")
        return self


class RouteIn(Strict):
    name: str = Field(min_length=1, max_length=80)
    path: LineString = Field(description="核定运输路线（园区内路段）")
    width_m: float = Field(gt=0, le=500, description="走廊宽度 (m)：偏离路线中心线超过一半即为偏离")
    speed_limit_kmh: float | None = Field(default=None, gt=0, le=120, description="本路线限速")
    gate_ids: list[Ident] = Field(default_factory=list, max_length=20, description="本路线进出的卡口（危化品卡口）")
    description: str = Field(default="", max_length=500)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "危化品专用通道一号线",
                    "path": {"type": "LineString", "coordinates": [[120.9, 31.95], [120.905, 31.951]]},
                    "width_m": 30,
                    "speed_limit_kmh": 30,
                }
            ]
        }
    )


class RouteOut(RouteIn):
    model_config = ConfigDict(extra="ignore", defer_build=True)
    id: str
    created_at: AwareDatetime
    updated_at: AwareDatetime


class LotIn(Strict):
    name: str = Field(min_length=1, max_length=80)
    area: Polygon
    capacity: int = Field(ge=1, le=1000, description="车位数")
    admitted_plates: list[Plate] = Field(default_factory=list, max_length=500, description="准入车辆")
    admitted_carriers: list[Code] = Field(default_factory=list, max_length=100, description="准入承运单位代码")
    admitted_enterprises: list[Ident] = Field(default_factory=list, max_length=100, description="准入目的企业")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "危化品车辆专用停车场",
                    "area": {
                        "type": "Polygon",
                        "coordinates": [
                            [[120.91, 31.96], [120.912, 31.96], [120.912, 31.962], [120.91, 31.962], [120.91, 31.96]]
                        ],
                    },
                    "capacity": 20,
                }
            ]
        }
    )


class LotOut(LotIn):
    model_config = ConfigDict(extra="ignore", defer_build=True)
    id: str
    occupancy: int = Field(description="当前停放车辆数")
    created_at: AwareDatetime
    updated_at: AwareDatetime


class ZoneLimitIn(Strict):
    speed_limit_kmh: float = Field(gt=0, le=120)
    model_config = ConfigDict(json_schema_extra={"examples": [{"speed_limit_kmh": 20}]})


class ZoneLimitOut(Schema):
    zone_id: str
    speed_limit_kmh: float
    updated_at: AwareDatetime


class PositionIn(Strict):
    event_id: Ident | None = Field(default=None, description="定位终端的事件编号（幂等：无则按车牌与时间）")
    plate: Plate
    at: AwareDatetime
    location: Location
    speed_kmh: float | None = Field(default=None, ge=0, le=250, description="终端上报速度；缺省按前后两点推算")
    heading_deg: float | None = Field(default=None, ge=0, lt=360)


class PositionsIn(Strict):
    positions: list[PositionIn] = Field(min_length=1, max_length=500)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "positions": [
                        {
                            "event_id": "loc-0001",
                            "plate": "苏E12345",
                            "at": "2026-12-03T08:00:00+08:00",
                            "location": {"lat": 31.95, "lon": 120.9},
                            "speed_kmh": 25,
                        }
                    ]
                }
            ]
        }
    )


class PositionResult(Schema):
    event_id: str | None = None
    plate: str
    at: AwareDatetime
    status: Literal["accepted", "duplicate", "stale", "refused"] = Field(
        description="accepted 已评估；duplicate 重复提交；stale 早于已评估的位置（仅记录）；refused 不属于调用方"
    )
    reason: str | None = None
    state: str | None = None
    conditions: list[str] = Field(default_factory=list)


class PositionsOut(Schema):
    results: list[PositionResult]


class VehicleOut(Schema):
    model_config = ConfigDict(extra="ignore", defer_build=True)
    plate: str
    appointment_id: str | None = None
    enterprise_id: str | None = None
    route_id: str | None = None
    carrier: str | None = None
    driver: dict[str, str] | None = Field(default=None, description="驾驶员（手机号与证件号按角色脱敏）")
    state: str = Field(description="moving 行驶 / stopped 停车 / parked 停放在停车场 / left 已离园")
    location: Location
    speed_kmh: float
    limit_kmh: float | None = None
    offset_m: float | None = Field(default=None, description="偏离路线走廊的距离 (m)")
    lot_id: str | None = None
    conditions: list[str]
    at: AwareDatetime
    entered_at: AwareDatetime


class VehicleFilter(PageQuery):
    enterprise_id: str | None = Field(default=None, pattern=ID_PATTERN)


class PositionFilter(PageQuery, Window):
    plate: str | None = Field(default=None, pattern=PLATE)
    enterprise_id: str | None = Field(default=None, pattern=ID_PATTERN)
    from_: AwareDatetime | None = Field(default=None, alias="from")
    to: AwareDatetime | None = None


class PositionOut(Schema):
    model_config = ConfigDict(extra="ignore", defer_build=True)
    event_id: str | None = None
    plate: str
    at: AwareDatetime
    location: Location
    speed_kmh: float | None = None
    heading_deg: float | None = None
    appointment_id: str | None = None
    enterprise_id: str | None = None
    received_at: AwareDatetime


class MapFilter(Strict):
    enterprise_id: str | None = Field(default=None, pattern=ID_PATTERN)


class Point(Schema):
    type: Literal["Point"] = "Point"
    coordinates: Position


class VehicleProperties(Schema):
    kind: Literal["vehicle"] = "vehicle"
    name: str
    plate: str
    appointment_id: str | None
    enterprise_id: str | None
    state: str
    speed_kmh: float
    at: AwareDatetime
    conditions: list[str]


class VehicleFeature(Schema):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: Point
    properties: VehicleProperties


class VehicleCollection(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[VehicleFeature]
