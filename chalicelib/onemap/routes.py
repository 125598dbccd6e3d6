"""Map routes (一张图): the layer list and one GeoJSON route per layer (application/geo+json, RFC 7946)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.geojson import MEDIA_TYPE
from chalicelib.core.http import Call, route
from chalicelib.core.identity import ALL_ROLES
from chalicelib.onemap import schemas as s
from chalicelib.onemap import service

bp = Blueprint(__name__)


def _layer(layer_id: str, model: str, doc: str) -> None:
    def handler(call: Call) -> Any:
        return service.layer(layer_id, call.identity)

    name = f"{layer_id.replace('-', '_')}_layer"
    handler.__name__, handler.__qualname__, handler.__doc__ = name, name, doc
    route(bp, f"/map/{layer_id}.geojson", roles=ALL_ROLES, response=s.typed(model), media_type=MEDIA_TYPE)(handler)


@route(bp, "/map/layers", roles=ALL_ROLES, response=s.LayersOut)
def list_layers(call: Call) -> s.LayersOut:
    """一张图的图层目录（图层标识、中文名称、GeoJSON 地址）。"""
    return s.LayersOut.model_validate({"layers": service.layers()})


_layer("boundary", "BoundaryLayer", "园区边界图层（GeoJSON，所有角色可见）。")
_layer("zones", "ZoneLayer", "功能分区图层（园区公共区域与本企业区域，含门禁分级）。")
_layer("installations", "InstallationLayer", "重大危险源图层（按实时风险等级着色；企业用户仅见本企业）。")
_layer("sensors", "SensorLayer", "监测点位图层（状态与最新读数；企业用户仅见本企业）。")
_layer("cameras", "CameraLayer", "视频监控图层（园区公共摄像机与本企业摄像机）。")
_layer("resources", "ResourceLayer", "应急资源图层（园区资源与本企业资源，与 /resources/geojson 同源）。")
_layer("alarms", "AlarmLayer", "实时报警图层（未关闭报警；企业用户仅见本企业）。")


@route(
    bp,
    "/map/incidents/{incident_id}/zones.geojson",
    roles=ALL_ROLES,
    response=s.typed("IncidentZoneLayer"),
    media_type=MEDIA_TYPE,
)
def incident_zones(call: Call, incident_id: str) -> Any:
    """事件影响区域图层（初始隔离区与 AEGL-3/2/1 扩散区，按风向；企业用户仅见本企业事件）。"""
    call.target = incident_id
    return service.incident_zones(incident_id, call.identity)
