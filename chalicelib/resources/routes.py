"""Emergency resource routes: scoped CRUD, map layer (GeoJSON), nearest, supply reminders, history."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core import geojson
from chalicelib.core.http import Call, json_response, route
from chalicelib.core.identity import ALL_ROLES, Role
from chalicelib.core.pagination import Page
from chalicelib.resources import schemas as s
from chalicelib.resources import service

bp = Blueprint(__name__)
WRITERS = [Role.PARK_ADMIN, Role.COMMANDER, Role.ENTERPRISE_MANAGER]


@route(bp, "/resources", roles=ALL_ROLES, query=s.ResourceFilter, response=Page[s.ResourceOut])
def list_resources(call: Call) -> Page[s.ResourceOut]:
    """应急资源列表（类型、状态筛选；企业用户见园区资源与本企业资源）。"""
    q: s.ResourceFilter = call.query
    items, cursor = service.list_page(call.identity, q.enterprise_id, q.kind, q.status, q.limit, q.cursor)
    return Page[s.ResourceOut](items=[s.ResourceOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/resources", "POST", roles=WRITERS, body=s.ResourceIn, response=s.ResourceOut, status=201)
def create_resource(call: Call) -> Any:
    """新建应急资源（企业用户只能登记本企业资源）。"""
    data = service.create(call.body, call.identity)
    call.target = data["id"]
    return json_response(s.ResourceOut.model_validate(data), 201, call.request_id)


@route(
    bp,
    "/resources/geojson",
    roles=ALL_ROLES,
    query=s.GeoFilter,
    response=geojson.POINT_LAYER,
    media_type=geojson.MEDIA_TYPE,
)
def resources_geojson(call: Call) -> dict[str, Any]:
    """应急资源分布图层（GeoJSON FeatureCollection，含状态与详细参数）。"""
    q: s.GeoFilter = call.query
    return service.as_feature_collection(service.visible(call.identity, q.enterprise_id, q.kind, q.status))


@route(bp, "/resources/nearest", roles=ALL_ROLES, query=s.NearestQuery, response=s.NearestOut)
def nearest_resources(call: Call) -> s.NearestOut:
    """距离最近的应急资源（由近及远，可限定类型与半径；不填坐标时以园区位置为原点）。"""
    q: s.NearestQuery = call.query
    kinds = [k for k in (q.kind or "").split(",") if k] or None
    items = service.nearest_visible(call.identity, q.lat, q.lon, q.n, kinds, q.within_m)
    return s.NearestOut(items=[s.NearResourceOut.model_validate(i) for i in items])


@route(bp, "/resources/reminders", roles=ALL_ROLES, query=s.ReminderFilter, response=Page[s.ReminderOut])
def list_reminders(call: Call) -> Page[s.ReminderOut]:
    """物资临期与损耗提醒（每日巡检生成；默认仅未处理的）。"""
    q: s.ReminderFilter = call.query
    items, cursor = service.reminders_page(call.identity, q.enterprise_id, q.status, q.limit, q.cursor)
    return Page[s.ReminderOut](items=[s.ReminderOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/resources/{resource_id}", roles=ALL_ROLES, response=s.ResourceOut)
def get_resource(call: Call, resource_id: str) -> s.ResourceOut:
    """查看应急资源。"""
    return s.ResourceOut.model_validate(service.get(resource_id, call.identity))


@route(bp, "/resources/{resource_id}", "PUT", roles=WRITERS, body=s.ResourceIn, response=s.ResourceOut)
def replace_resource(call: Call, resource_id: str) -> s.ResourceOut:
    """修改应急资源（整体替换；所属单位与类型不可变；园区资源对企业用户只读）。"""
    call.target = resource_id
    return s.ResourceOut.model_validate(service.replace(resource_id, call.body, call.identity))


@route(bp, "/resources/{resource_id}", "DELETE", roles=WRITERS, status=204)
def delete_resource(call: Call, resource_id: str) -> Any:
    """删除应急资源（调派中的资源不可删除）。"""
    call.target = resource_id
    service.remove(resource_id, call.identity)
    return json_response(None, 204, call.request_id)


@route(bp, "/resources/{resource_id}/history", roles=ALL_ROLES, response=s.HistoryOut)
def resource_history(call: Call, resource_id: str) -> s.HistoryOut:
    """应急资源变更与调派记录（谁、何时、状态变化、所属事件）。"""
    return s.HistoryOut(items=service.history(resource_id, call.identity))
