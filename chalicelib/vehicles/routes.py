"""Hazmat vehicle tracking routes (5.3.1): transport routes, parking lots and zone speed limits (park roles),
locator positions (integration and park roles), vehicles in the park, their map layer and position records."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core import geojson
from chalicelib.core.http import Call, json_response, route
from chalicelib.core.identity import ALL_ROLES, Role
from chalicelib.core.pagination import Page, PageQuery
from chalicelib.vehicles import schemas as s
from chalicelib.vehicles import service

bp = Blueprint(__name__)
PARK = [Role.PARK_ADMIN, Role.DUTY_OFFICER]
FEEDS = [Role.INTEGRATION, *PARK]  # the vehicle locator platform, or the park's staff replaying it


def _created(call: Call, data: dict[str, Any], out: Any) -> Any:
    call.target = data["id"]
    return out.model_validate(data)


@route(bp, "/vehicles/routes", "POST", roles=PARK, body=s.RouteIn, response=s.RouteOut, status=201)
def create_route(call: Call) -> Any:
    """新建危化品运输路线（路线走廊：中心线与宽度、进出卡口、限速）。"""
    return _created(call, service.save_route(None, call.body), s.RouteOut)


@route(bp, "/vehicles/routes", roles=ALL_ROLES, query=PageQuery, response=Page[s.RouteOut])
def list_routes(call: Call) -> Page[s.RouteOut]:
    """危化品运输路线列表。"""
    items, cursor = service.route_page(call.query.limit, call.query.cursor)
    return Page[s.RouteOut](items=[s.RouteOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/vehicles/routes/{hazmat_route_id}", "PUT", roles=PARK, body=s.RouteIn, response=s.RouteOut)
def replace_route(call: Call, hazmat_route_id: str) -> s.RouteOut:
    """修改危化品运输路线（整体替换）。"""
    call.target = hazmat_route_id
    return s.RouteOut.model_validate(service.save_route(hazmat_route_id, call.body))


@route(bp, "/vehicles/routes/{hazmat_route_id}", "DELETE", roles=PARK, status=204)
def delete_route(call: Call, hazmat_route_id: str) -> Any:
    """删除危化品运输路线（指定该路线的预约在卡口按偏离路线拒绝）。"""
    call.target = hazmat_route_id
    service.remove_route(hazmat_route_id)
    return json_response(None, 204, call.request_id)


@route(bp, "/vehicles/lots", "POST", roles=PARK, body=s.LotIn, response=s.LotOut, status=201)
def create_lot(call: Call) -> Any:
    """新建危化品停车场（范围、车位数、准入清单）。"""
    return _created(call, service.save_lot(None, call.body, call.identity), s.LotOut)


@route(bp, "/vehicles/lots", roles=ALL_ROLES, query=PageQuery, response=Page[s.LotOut])
def list_lots(call: Call) -> Page[s.LotOut]:
    """危化品停车场列表（含当前停放数；准入清单仅园区角色可见）。"""
    items, cursor = service.lot_page(call.identity, call.query.limit, call.query.cursor)
    return Page[s.LotOut](items=[s.LotOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/vehicles/lots/{lot_id}", "PUT", roles=PARK, body=s.LotIn, response=s.LotOut)
def replace_lot(call: Call, lot_id: str) -> s.LotOut:
    """修改危化品停车场（整体替换）。"""
    call.target = lot_id
    return s.LotOut.model_validate(service.save_lot(lot_id, call.body, call.identity))


@route(bp, "/vehicles/lots/{lot_id}", "DELETE", roles=PARK, status=204)
def delete_lot(call: Call, lot_id: str) -> Any:
    """删除危化品停车场。"""
    call.target = lot_id
    service.remove_lot(lot_id)
    return json_response(None, 204, call.request_id)


@route(bp, "/vehicles/zone-limits", roles=ALL_ROLES, response=Page[s.ZoneLimitOut])
def list_zone_limits(call: Call) -> Page[s.ZoneLimitOut]:
    """区域车辆限速。"""
    return Page[s.ZoneLimitOut](items=[s.ZoneLimitOut.model_validate(i) for i in service.zone_limits()])


@route(bp, "/vehicles/zone-limits/{zone_id}", "PUT", roles=PARK, body=s.ZoneLimitIn, response=s.ZoneLimitOut)
def set_zone_limit(call: Call, zone_id: str) -> s.ZoneLimitOut:
    """设置区域车辆限速（取园区、路线与所在区域限速中的最低值）。"""
    call.target = zone_id
    return s.ZoneLimitOut.model_validate(service.set_zone_limit(zone_id, call.body.speed_limit_kmh, call.identity))


@route(bp, "/vehicles/positions", "POST", roles=FEEDS, body=s.PositionsIn, response=s.PositionsOut)
def post_positions(call: Call) -> s.PositionsOut:
    """车辆定位（批量；按终端事件编号或车牌与时间幂等）→ 偏离路线、超速、停留超时、违规停车、停车场准入与车位判定。"""
    call.target = ",".join(sorted({p.plate for p in call.body.positions}))[:200]
    return s.PositionsOut.model_validate({"results": service.intake(call.body.positions, call.identity)})


@route(bp, "/vehicles/positions", roles=ALL_ROLES, query=s.PositionFilter, response=Page[s.PositionOut], audit=True)
def list_positions(call: Call) -> Page[s.PositionOut]:
    """车辆定位记录（按车牌、时间段检索；保存不少于一年；企业用户仅见本企业预约的车辆）。"""
    q: s.PositionFilter = call.query
    items, cursor = service.positions(call.identity, q.plate, q.enterprise_id, q.from_, q.to, q.limit, q.cursor)
    return Page[s.PositionOut](items=[s.PositionOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/vehicles", roles=ALL_ROLES, query=s.VehicleFilter, response=Page[s.VehicleOut], audit=True)
def list_vehicles(call: Call) -> Page[s.VehicleOut]:
    """在园危化品车辆（位置、状态、报警条件；驾驶员手机号与证件号按角色脱敏）。"""
    q: s.VehicleFilter = call.query
    items, cursor = service.vehicle_page(call.identity, q.enterprise_id, q.limit, q.cursor)
    return Page[s.VehicleOut](items=[s.VehicleOut.model_validate(i) for i in items], next_cursor=cursor)


@route(
    bp,
    "/map/vehicles.geojson",
    roles=ALL_ROLES,
    query=s.MapFilter,
    response=s.VehicleCollection,
    media_type=geojson.MEDIA_TYPE,
)
def vehicles_geojson(call: Call) -> Any:
    """在园车辆图层（GeoJSON FeatureCollection，application/geo+json，RFC 7946 经纬度顺序）。"""
    q: s.MapFilter = call.query
    return s.VehicleCollection.model_validate(service.features(call.identity, q.enterprise_id))
