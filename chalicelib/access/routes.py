"""Closed-park routes (封闭化管理, 5.3.1): gates, zone access levels, appointments and their approval, gate events,
black/white lists, presence and access records (docs/closed-park.md)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.access import schemas as s
from chalicelib.access import service
from chalicelib.core.http import Call, json_response, route
from chalicelib.core.identity import ALL_ROLES, ENTERPRISE_ROLES, Identity, Role
from chalicelib.core.pagination import Page

bp = Blueprint(__name__)
OWNERS = [Role.PARK_ADMIN, Role.ENTERPRISE_MANAGER]
PARK = [Role.PARK_ADMIN, Role.DUTY_OFFICER]
BOOKERS = [*ENTERPRISE_ROLES, *PARK, Role.INTEGRATION]  # the host, the park, the booking mini-program
APPROVERS = [*ENTERPRISE_ROLES, *PARK]
GATE_FEEDS = [Role.INTEGRATION, *PARK]


def _on(call: Call, target: str) -> Identity:
    call.target = target
    return call.identity


@route(bp, "/gates", "POST", roles=OWNERS, body=s.GateIn, response=s.GateOut, status=201)
def create_gate(call: Call) -> Any:
    """新建卡口（危化品专用、综合、无人值守、应急；所围区域与卡口设备）。"""
    data = service.create_gate(call.body, call.identity)
    call.target = data["id"]
    return json_response(s.GateOut.model_validate(data), 201, call.request_id)


@route(bp, "/gates", roles=ALL_ROLES, query=s.GateFilter, response=Page[s.GateOut])
def list_gates(call: Call) -> Page[s.GateOut]:
    """卡口列表（企业用户见园区卡口与本企业卡口）。"""
    q: s.GateFilter = call.query
    items, cursor = service.gate_page(call.identity, q.enterprise_id, q.kind, q.limit, q.cursor)
    return Page[s.GateOut](items=[s.GateOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/gates/{gate_id}", roles=ALL_ROLES, response=s.GateOut)
def get_gate(call: Call, gate_id: str) -> s.GateOut:
    """查看卡口。"""
    return s.GateOut.model_validate(service.gate_view(service.load_gate(gate_id, call.identity)))


@route(bp, "/gates/{gate_id}", "PUT", roles=OWNERS, body=s.GateIn, response=s.GateOut)
def replace_gate(call: Call, gate_id: str) -> s.GateOut:
    """修改卡口（整体替换，所属企业不可变）。"""
    return s.GateOut.model_validate(service.replace_gate(gate_id, call.body, _on(call, gate_id)))


@route(bp, "/gates/{gate_id}", "DELETE", roles=OWNERS, status=204)
def delete_gate(call: Call, gate_id: str) -> Any:
    """删除卡口（出入记录保留）。"""
    service.remove_gate(gate_id, _on(call, gate_id))
    return json_response(None, 204, call.request_id)


@route(bp, "/access/zones", roles=ALL_ROLES, query=s.ZoneFilter, response=Page[s.ZoneAccessOut])
def list_zone_levels(call: Call) -> Page[s.ZoneAccessOut]:
    """区域准入级别（未设置的区域按 restricted 处理）。"""
    items = service.zone_list(call.identity, call.query.enterprise_id)
    return Page[s.ZoneAccessOut](items=[s.ZoneAccessOut.model_validate(i) for i in items])


@route(bp, "/access/zones/{zone_id}", "PUT", roles=OWNERS, body=s.ZoneAccessIn, response=s.ZoneAccessOut)
def set_zone_level(call: Call, zone_id: str) -> s.ZoneAccessOut:
    """设置区域准入级别（public 公共 / restricted 限制 / controlled 管控）。"""
    return s.ZoneAccessOut.model_validate(service.set_zone_level(zone_id, call.body.level, _on(call, zone_id)))


@route(bp, "/appointments", "POST", roles=BOOKERS, body=s.AppointmentIn, response=s.AppointmentOut, status=201)
def create_appointment(call: Call) -> Any:
    """预约入园（人员、车辆、危化品车辆；危化品车辆须电子运单，货物须在目的企业储存品种内）。"""
    data = service.create_appointment(call.body, call.identity)
    call.target = data["id"]
    return json_response(s.AppointmentOut.model_validate(data), 201, call.request_id)


@route(bp, "/appointments", roles=ALL_ROLES, query=s.AppointmentFilter, response=Page[s.AppointmentOut], audit=True)
def list_appointments(call: Call) -> Page[s.AppointmentOut]:
    """预约列表（企业用户仅见本企业；证件号与手机号按角色脱敏）。"""
    q: s.AppointmentFilter = call.query
    items, cursor = service.appointment_page(call.identity, q.enterprise_id, q.state, q.kind, q.limit, q.cursor)
    return Page[s.AppointmentOut](items=[s.AppointmentOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/appointments/{appointment_id}", roles=ALL_ROLES, response=s.AppointmentOut, audit=True)
def get_appointment(call: Call, appointment_id: str) -> s.AppointmentOut:
    """查看预约（含审批记录）。"""
    item = service.load_appointment(appointment_id, _on(call, appointment_id))
    return s.AppointmentOut.model_validate(service.appointment_view(item, call.identity))


@route(
    bp,
    "/appointments/{appointment_id}/approve",
    "POST",
    roles=APPROVERS,
    body=s.CommentIn,
    response=s.AppointmentOut,
)
def approve_appointment(call: Call, appointment_id: str) -> s.AppointmentOut:
    """审批通过（接待企业审批；危化品车辆再经园区审批）。审批时重新核验有效期、黑名单、运单。"""
    data = service.approve(appointment_id, call.body.comment, _on(call, appointment_id))
    return s.AppointmentOut.model_validate(data)


@route(
    bp,
    "/appointments/{appointment_id}/reject",
    "POST",
    roles=APPROVERS,
    body=s.RejectIn,
    response=s.AppointmentOut,
)
def reject_appointment(call: Call, appointment_id: str) -> s.AppointmentOut:
    """驳回预约。"""
    return s.AppointmentOut.model_validate(service.reject(appointment_id, call.body.reason, _on(call, appointment_id)))


@route(bp, "/appointments/{appointment_id}/cancel", "POST", roles=BOOKERS, response=s.AppointmentOut)
def cancel_appointment(call: Call, appointment_id: str) -> s.AppointmentOut:
    """取消预约。"""
    return s.AppointmentOut.model_validate(service.cancel(appointment_id, _on(call, appointment_id)))


@route(bp, "/access/events", "POST", roles=GATE_FEEDS, body=s.GateEventsIn, response=s.GateEventsOut)
def post_gate_events(call: Call) -> s.GateEventsOut:
    """卡口出入事件（批量；按卡口与设备事件编号幂等）→ 放行/拒绝/报警判定及原因码，并下发卡口指令。"""
    call.target = ",".join(sorted({e.gate_id for e in call.body.events}))
    return s.GateEventsOut.model_validate({"results": service.intake(call.body.events, call.identity)})


@route(bp, "/access/lists", "POST", roles=PARK, body=s.ListEntryIn, response=s.ListEntryOut, status=201)
def put_list_entry(call: Call) -> Any:
    """加入黑名单或白名单（人员证件号、车牌、承运单位代码；默认一年后到期）。"""
    data = service.put_list_entry(call.body, call.identity)
    call.target = data["id"]
    return json_response(s.ListEntryOut.model_validate(data), 201, call.request_id)


@route(
    bp, "/access/lists", roles=[*PARK, Role.COMMANDER], query=s.ListFilter, response=Page[s.ListEntryOut], audit=True
)
def list_list_entries(call: Call) -> Page[s.ListEntryOut]:
    """黑白名单（仅列未到期条目）。"""
    q: s.ListFilter = call.query
    items, cursor = service.list_entries(call.identity, q.list, q.kind, q.limit, q.cursor)
    return Page[s.ListEntryOut](items=[s.ListEntryOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/access/lists/{entry_id}", "DELETE", roles=PARK, status=204)
def delete_list_entry(call: Call, entry_id: str) -> Any:
    """移出黑名单或白名单。"""
    service.remove_list_entry(entry_id, _on(call, entry_id))
    return json_response(None, 204, call.request_id)


@route(bp, "/presence", roles=ALL_ROLES, query=s.PresenceQuery, response=s.PresenceOut)
def presence(call: Call) -> s.PresenceOut:
    """园区及各区域当前在场人数与车辆数（按企业分列；企业用户仅见本企业）。"""
    q: s.PresenceQuery = call.query
    return s.PresenceOut.model_validate(service.now_inside(call.identity, q.zone_id, q.enterprise_id))


@route(bp, "/access/records", roles=ALL_ROLES, query=s.RecordFilter, response=Page[s.RecordOut], audit=True)
def access_records(call: Call) -> Page[s.RecordOut]:
    """出入记录（按人员证件号、车牌、时间段检索；保存不少于一年）。"""
    q: s.RecordFilter = call.query
    items, cursor = service.records(call.identity, q.person, q.plate, q.enterprise_id, q.from_, q.to, q.limit, q.cursor)
    return Page[s.RecordOut](items=[s.RecordOut.model_validate(i) for i in items], next_cursor=cursor)
