"""Incident routes: intake, one-click activation, command (instructions, situation, acks), release, stand-down,
replay, archive/review, and drills."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.http import Call, json_response, route
from chalicelib.core.identity import ALL_ROLES, Role
from chalicelib.core.pagination import Page
from chalicelib.core.schemas import Record
from chalicelib.incidents import service
from chalicelib.incidents.schemas import (
    DrillIn,
    IncidentFilter,
    IncidentOut,
    InstructionIn,
    InstructionStatusIn,
    IntakeIn,
    ReleaseIn,
    SituationIn,
    StandDownIn,
    UnitAckIn,
)

bp = Blueprint(__name__)
COMMAND = [Role.COMMANDER, Role.PARK_ADMIN]
DESK = [Role.DUTY_OFFICER, Role.COMMANDER, Role.PARK_ADMIN]
FIELD = [Role.COMMANDER, Role.DUTY_OFFICER, Role.PARK_ADMIN, Role.INSPECTOR, Role.ENTERPRISE_MANAGER]


def _out(data: dict[str, Any]) -> IncidentOut:
    return IncidentOut.model_validate(data)


@route(bp, "/incidents", "POST", roles=DESK, body=IntakeIn, response=IncidentOut, status=201)
def report_incident(call: Call) -> Any:
    """应急事件接报（电话接报，或由已确认的预警转入）。"""
    incident = service.intake(call.body, call.identity)
    call.target = incident["id"]
    return json_response(_out(incident), 201, call.request_id)


@route(bp, "/incidents", roles=ALL_ROLES, query=IncidentFilter, response=Page[IncidentOut])
def list_incidents(call: Call) -> dict[str, Any]:
    """应急事件列表（企业用户仅见本企业）。"""
    q: IncidentFilter = call.query
    items = service.search(call.identity.scope(None), q.status, q.drill, q.limit)
    return {"items": [_out(i) for i in items]}


@route(bp, "/incidents/{incident_id}", roles=ALL_ROLES, response=Record)
def get_incident(call: Call, incident_id: str) -> dict[str, Any]:
    """应急事件详情：预案、态势、影响范围、联动、单位响应、资源调派。"""
    return {
        "incident": service.load(incident_id, call.identity).data(),
        "instructions": service.instructions(incident_id),
    }


@route(bp, "/incidents/{incident_id}/activate", "POST", roles=COMMAND, response=IncidentOut)
def activate_incident(call: Call, incident_id: str) -> IncidentOut:
    """一键启动应急响应：匹配预案并启动应急响应流程。"""
    call.target = incident_id
    return _out(service.activate(incident_id, call.identity))


@route(
    bp, "/incidents/{incident_id}/instructions", "POST", roles=COMMAND, body=InstructionIn, status=201, response=Record
)
def issue_instruction(call: Call, incident_id: str) -> Any:
    """下达指挥指令（接收对象、内容），推送至接收人。"""
    call.target = incident_id
    recipients = [r.model_dump(mode="json") for r in call.body.recipients]
    return json_response(
        service.instruct(incident_id, call.identity, recipients, call.body.content), 201, call.request_id
    )


@route(
    bp,
    "/incidents/{incident_id}/instructions/{instruction_id}/status",
    "POST",
    roles=FIELD,
    body=InstructionStatusIn,
    response=Record,
)
def instruction_feedback(call: Call, incident_id: str, instruction_id: str) -> dict[str, Any]:
    """指令执行反馈：已接收 / 执行中 / 已完成。"""
    call.target = f"{incident_id}/{instruction_id}"
    return service.instruction_status(incident_id, instruction_id, call.identity, call.body.status, call.body.feedback)


@route(bp, "/incidents/{incident_id}/situation", "POST", roles=DESK, body=SituationIn, status=201, response=Record)
def situation_update(call: Call, incident_id: str) -> Any:
    """现场态势更新（记入指挥记录）。"""
    call.target = incident_id
    service.situation(incident_id, call.identity, call.body.text)
    return json_response({"ok": True}, 201, call.request_id)


@route(bp, "/incidents/{incident_id}/units/ack", "POST", roles=FIELD, body=UnitAckIn, response=Record)
def unit_ack(call: Call, incident_id: str) -> dict[str, Any]:
    """联动单位确认响应（就位）。"""
    call.target = incident_id
    return service.unit_ack(incident_id, call.identity, call.body.unit)


@route(bp, "/incidents/{incident_id}/releases", "POST", roles=COMMAND, body=ReleaseIn, status=201, response=Record)
def release_information(call: Call, incident_id: str) -> Any:
    """信息发布：经审批后多渠道发布（复用预警发布流程）。"""
    call.target = incident_id
    return json_response(
        service.release(incident_id, call.identity, call.body.level, call.body.impact), 201, call.request_id
    )


@route(bp, "/incidents/{incident_id}/stand-down", "POST", roles=COMMAND, body=StandDownIn, response=IncidentOut)
def stand_down(call: Call, incident_id: str) -> IncidentOut:
    """终止应急响应，自动生成应急指挥档案。"""
    call.target = incident_id
    return _out(service.stand_down(incident_id, call.identity, call.body.summary))


@route(bp, "/incidents/{incident_id}/log", roles=ALL_ROLES, response=Record)
def replay(call: Call, incident_id: str) -> dict[str, Any]:
    """指挥记录按时间回放（指令回溯）。"""
    service.load(incident_id, call.identity)
    return {"items": service.replay(incident_id)}


@route(bp, "/incidents/{incident_id}/report", roles=ALL_ROLES, audit=True, response=Record)
def archive_report(call: Call, incident_id: str) -> dict[str, Any]:
    """应急指挥档案 / 演练复盘报告（终止响应后生成）。"""
    report = service.archived_report(incident_id, call.identity)
    call.target = incident_id
    return report


@route(bp, "/drills", "POST", roles=COMMAND, body=DrillIn, response=IncidentOut, status=201)
def start_drill(call: Call) -> Any:
    """启动应急演练（演练模式：所有消息标记【演练】且不真实发送），可注入设备故障、人员失联。"""
    incident = service.start_drill(call.body, call.identity)
    call.target = incident["id"]
    return json_response(_out(incident), 201, call.request_id)
