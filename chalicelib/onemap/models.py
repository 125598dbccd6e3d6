"""Typed GeoJSON of every map layer (geojson-pydantic), for the OpenAPI document and the tests.

Imported only when the API document is built or a test validates a layer (`schemas.typed`): geojson-pydantic
builds its generic models at import, which a Lambda's cold start should not pay for a route that returns plain
dicts (core.geojson). Property names follow contract C (CONTRACTS.md).
"""

from __future__ import annotations

from typing import Literal

from geojson_pydantic import Feature, FeatureCollection, MultiPolygon, Point, Polygon
from pydantic import AwareDatetime, BaseModel, Field


class Props(BaseModel):
    kind: str = Field(description="图层类别（单数）")
    name: str = Field(description="显示名称（中文）")


class BoundaryProps(Props):
    kind: Literal["boundary"]
    park_id: str


class ZoneProps(Props):
    kind: Literal["zone"]
    zone_id: str
    enterprise_id: str | None
    kind_of_zone: Literal["park", "enterprise"]
    access_level: Literal["public", "restricted", "controlled"]
    radius_m: float


class InstallationProps(Props):
    kind: Literal["installation"]
    installation_id: str
    enterprise_id: str
    risk_colour: Literal["red", "orange", "yellow", "blue"] = Field(description="实时风险等级颜色")
    risk_label: str
    grade: int | None
    major_hazard: bool | None


class SensorProps(Props):
    kind: Literal["sensor"]
    device_id: str
    tag: str
    enterprise_id: str
    installation_id: str | None
    sensor_kind: str
    state: Literal["normal", "alarm", "warning", "fault", "offline", "out_of_service"]
    value: float | None
    unit: str
    at: AwareDatetime | None = Field(description="最近读数时间")


class CameraProps(Props):
    kind: Literal["camera"]
    camera_id: str
    gb28181_id: str
    enterprise_id: str | None
    installation_id: str | None
    ptz: bool
    type_label: str


class ResourceProps(Props):
    model_config = {"extra": "allow"}  # the resource's own fields, as /resources/geojson shows them
    kind: Literal["resource"]
    resource_id: str
    resource_type: str
    status: str
    enterprise_id: str | None


class AlarmProps(Props):
    kind: Literal["alarm"]
    alarm_id: str
    priority: Literal["low", "medium", "high", "urgent"]
    state: str
    enterprise_id: str | None
    installation_id: str | None
    tag_id: str
    condition: str
    source: Literal["reading", "event"]
    raised_at: AwareDatetime


class IncidentZoneProps(Props):
    kind: Literal["incident_zone"]
    zone: Literal["isolation", "lethal", "injury", "discomfort"]
    incident_id: str
    level: str | None = Field(default=None, description="AEGL 等级（隔离区无）")
    threshold_ppm: float | None = None
    downwind_m: float | None = None
    radius_m: float | None = None


class BoundaryLayer(FeatureCollection[Feature[Polygon | MultiPolygon, BoundaryProps]]):
    """园区边界图层"""


class ZoneLayer(FeatureCollection[Feature[Polygon, ZoneProps]]):
    """功能分区图层"""


class InstallationLayer(FeatureCollection[Feature[Point, InstallationProps]]):
    """重大危险源图层"""


class SensorLayer(FeatureCollection[Feature[Point, SensorProps]]):
    """监测点位图层"""


class CameraLayer(FeatureCollection[Feature[Point, CameraProps]]):
    """视频监控图层"""


class ResourceLayer(FeatureCollection[Feature[Point, ResourceProps]]):
    """应急资源图层"""


class AlarmLayer(FeatureCollection[Feature[Point, AlarmProps]]):
    """实时报警图层"""


class IncidentZoneLayer(FeatureCollection[Feature[Polygon, IncidentZoneProps]]):
    """事件影响区域图层"""


AnyLayer = BoundaryLayer | ZoneLayer | InstallationLayer | SensorLayer | CameraLayer | ResourceLayer | AlarmLayer
"""GET /map/{layer}: one of the composed layers, by its name."""
