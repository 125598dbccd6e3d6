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


@route(bp, "/map/layers", roles=ALL_ROLES, response=s.LayersOut)
def list_layers(call: Call) -> s.LayersOut:
    """一张图的图层目录（图层标识、中文名称、GeoJSON 地址）。"""
    return s.LayersOut.model_validate({"layers": service.layers()})


# One route for every composed layer (`/map/boundary.geojson`, `/map/alarms.geojson`...): each layer as its own
# API Gateway resource would cost the stack's template ~2 KB per layer, and the template is near CloudFormation's
# 1 MB limit. Literal routes (`/map/layers`, `/map/work-permits.geojson`) take precedence over the parameter.
@route(bp, "/map/{layer}", roles=ALL_ROLES, response=s.typed("AnyLayer"), media_type=MEDIA_TYPE)
def map_layer(call: Call, layer: str) -> Any:
    """一张图图层（GeoJSON，application/geo+json，RFC 7946 经纬度顺序），如 alarms.geojson。

    图层：boundary、zones、installations、sensors、cameras、resources、alarms；园区公共要素所有角色可见，企业用户仅见本企业要素。"""
    return service.layer_file(layer, call.identity)


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
