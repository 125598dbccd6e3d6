"""Duty routes: roster, who is on duty now, shift handovers (交接班) with carried-over warnings and alarms."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.http import Call, json_response, route
from chalicelib.core.identity import ON_DUTY_ROLES, Role
from chalicelib.core.pagination import Page
from chalicelib.core.schemas import Record
from chalicelib.duty import service
from chalicelib.duty.schemas import CurrentOut, HandoverAckIn, HandoverIn, HandoverOut, RosterIn, RosterQuery

bp = Blueprint(__name__)
PARK_STAFF = [Role.PARK_ADMIN, Role.DUTY_OFFICER, Role.COMMANDER, Role.OPS_ENGINEER, Role.ANALYST, Role.AUDITOR]
ON_DUTY = ON_DUTY_ROLES  # the park duty roles, who alone may also shelve high and urgent alarms


@route(bp, "/duty/roster", "PUT", roles=[Role.PARK_ADMIN], body=RosterIn, response=Record)
def put_roster(call: Call) -> dict[str, Any]:
    """设置班次与排班（班次须覆盖全天 24 小时，7×24 值守）。"""
    call.target = "duty-roster"
    return service.put_roster(call.body)


@route(bp, "/duty/roster", roles=PARK_STAFF, query=RosterQuery, response=Record)
def get_roster(call: Call) -> dict[str, Any]:
    """查询排班表。"""
    return service.roster(call.query.from_, call.query.to)


@route(bp, "/duty/current", roles=PARK_STAFF, response=CurrentOut)
def current_duty(call: Call) -> CurrentOut:
    """当前值班：班次、值守人员、值班长、园区安全负责人。"""
    return CurrentOut.model_validate(service.current())


@route(bp, "/duty/handovers", "POST", roles=ON_DUTY, body=HandoverIn, response=HandoverOut, status=201)
def create_handover(call: Call) -> Any:
    """交班：记录交接事项，并带出未闭环的预警与未确认的报警。"""
    handover = service.create_handover(call.identity, call.body.notes)
    call.target = handover["id"]
    return json_response(HandoverOut.model_validate(handover), 201, call.request_id)


@route(bp, "/duty/handovers", roles=[*ON_DUTY, Role.AUDITOR], response=Page[HandoverOut])
def list_handovers(call: Call) -> dict[str, Any]:
    """交接班记录（最新在前）。"""
    return {"items": service.handovers()}


@route(bp, "/duty/handovers/{handover_id}/ack", "POST", roles=ON_DUTY, body=HandoverAckIn, response=HandoverOut)
def ack_handover(call: Call, handover_id: str) -> HandoverOut:
    """接班确认（仅接班班次的值守人员或值班长）。"""
    call.target = handover_id
    return HandoverOut.model_validate(service.ack_handover(handover_id, call.identity, call.body.notes))
