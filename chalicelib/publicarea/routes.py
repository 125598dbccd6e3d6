"""Public-area event routes (5.1.3): reports from video analytics and sensor networks, the list, one event with
its linkage context."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.http import Call, json_response, route
from chalicelib.core.identity import ALL_ROLES, ON_DUTY_ROLES, Role
from chalicelib.core.pagination import Page
from chalicelib.publicarea import service
from chalicelib.publicarea.schemas import PublicEventDetail, PublicEventFilter, PublicEventIn, PublicEventOut

bp = Blueprint(__name__)
REPORTERS = [Role.INTEGRATION, *ON_DUTY_ROLES]  # analytics platforms, and the duty officers reporting by hand


@route(bp, "/public-events", "POST", roles=REPORTERS, body=PublicEventIn, response=PublicEventOut, status=201)
def report_event(call: Call) -> Any:
    """上报公共区域事件（异常入侵、人员车辆异常聚集、危险行为、初期火灾、环境指标超标），自动报警、定位并联动。

    按事件类别与置信度定报警优先级；同一摄像机（或传感器）同类事件合并为一条未关闭报警；按联动规则（事件类型为
    事件类别）执行广播、开启道闸等动作。事件编号幂等：重复上报返回首次结果（200）。"""
    event, created = service.report(call.body, call.identity)
    call.target = event["id"]
    call.audit_details = {"kind": event["kind"], "alarm_id": event["alarm_id"], "new": created}
    return json_response(PublicEventOut.model_validate(event), 201 if created else 200, call.request_id)


@route(bp, "/public-events", roles=ALL_ROLES, query=PublicEventFilter, response=Page[PublicEventOut])
def list_events(call: Call) -> Page[PublicEventOut]:
    """公共区域事件列表（企业用户仅见本企业设备识别的事件；园区自有事件 enterprise_id=_park）。"""
    q: PublicEventFilter = call.query
    items, cursor = service.page(call.identity, q.enterprise_id, q.kind, q.limit, q.cursor)
    return Page[PublicEventOut](items=[PublicEventOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/public-events/{public_event_id}", roles=ALL_ROLES, response=PublicEventDetail)
def get_event(call: Call, public_event_id: str) -> PublicEventDetail:
    """公共区域事件详情与联动信息（附近摄像机、环境读数、预案与最近应急资源）。"""
    return PublicEventDetail.model_validate(service.get(public_event_id, call.identity))
