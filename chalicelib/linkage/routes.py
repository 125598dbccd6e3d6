"""Linkage routes: actuators, linkage rules, device commands, people positions, evacuation."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.http import Call, json_response, route
from chalicelib.core.identity import ALL_ROLES, Role
from chalicelib.core.pagination import Page
from chalicelib.core.schemas import Record
from chalicelib.linkage import commands, devices, evacuation, people, rules
from chalicelib.linkage.schemas import (
    ActuatorFilter,
    ActuatorIn,
    ActuatorOut,
    CommandQuery,
    EvacuationAckIn,
    EvacuationOut,
    LinkageRuleIn,
    LinkageRuleOut,
    PositionIn,
    RuleFilter,
)

bp = Blueprint(__name__)
DEVICE_WRITERS = [Role.PARK_ADMIN, Role.ENTERPRISE_MANAGER]
RULE_WRITERS = [Role.PARK_ADMIN, Role.COMMANDER]
POSITION_FEEDS = [Role.INTEGRATION, Role.OPS_ENGINEER]
EVACUATION_READERS = [Role.COMMANDER, Role.DUTY_OFFICER, Role.PARK_ADMIN]


@route(bp, "/linkage/devices", roles=ALL_ROLES, query=ActuatorFilter, response=Page[ActuatorOut])
def list_devices(call: Call) -> dict[str, Any]:
    """联动设备列表：门禁、疏散通道、通风、广播、显示屏，以及摄像机台账中的 PTZ 球机（企业用户仅见本企业）。"""
    q: ActuatorFilter = call.query
    items, cursor = devices.list_page(call.identity, q.enterprise_id, q.kind, q.limit, q.cursor)
    return {"items": [ActuatorOut.model_validate(i) for i in items], "next_cursor": cursor}


@route(bp, "/linkage/devices", "POST", roles=DEVICE_WRITERS, body=ActuatorIn, response=ActuatorOut, status=201)
def create_device(call: Call) -> Any:
    """登记联动设备（企业安全负责人仅可登记本企业设备；PTZ 球机在 /cameras 登记）。"""
    device = devices.create(call.body, call.identity)
    call.target = device["id"]
    return json_response(ActuatorOut.model_validate(device), 201, call.request_id)


@route(bp, "/linkage/devices/{device_id}", roles=ALL_ROLES, response=ActuatorOut)
def get_device(call: Call, device_id: str) -> ActuatorOut:
    """查看联动设备。"""
    return ActuatorOut.model_validate(devices.get(device_id, call.identity))


@route(bp, "/linkage/devices/{device_id}", "PUT", roles=DEVICE_WRITERS, body=ActuatorIn, response=ActuatorOut)
def replace_device(call: Call, device_id: str) -> ActuatorOut:
    """修改联动设备（整体替换，所属企业不可变）。"""
    call.target = device_id
    return ActuatorOut.model_validate(devices.replace(device_id, call.body, call.identity))


@route(bp, "/linkage/devices/{device_id}", "DELETE", roles=DEVICE_WRITERS, status=204)
def delete_device(call: Call, device_id: str) -> Any:
    """删除联动设备。"""
    call.target = device_id
    devices.remove(device_id, call.identity)
    return json_response(None, 204, call.request_id)


@route(bp, "/linkage/rules", roles=ALL_ROLES, query=RuleFilter, response=Page[LinkageRuleOut])
def list_rules(call: Call) -> dict[str, Any]:
    """联动规则列表（含内置的危化品泄漏默认联动；企业用户见园区级与本企业规则）。"""
    q: RuleFilter = call.query
    items = rules.search(call.identity, q.enterprise_id, q.event_type)
    return {"items": [LinkageRuleOut.model_validate(r) for r in items]}


@route(bp, "/linkage/rules", "POST", roles=RULE_WRITERS, body=LinkageRuleIn, response=LinkageRuleOut, status=201)
def create_rule(call: Call) -> Any:
    """新建联动规则：事件类型、最低级别、适用范围与半径、按序执行的联动动作 (5.4.3-2)。"""
    rule = rules.create(call.body, call.identity)
    call.target = rule["id"]
    return json_response(LinkageRuleOut.model_validate(rule), 201, call.request_id)


@route(bp, "/linkage/rules/{rule_id}", roles=ALL_ROLES, response=LinkageRuleOut)
def get_rule(call: Call, rule_id: str) -> LinkageRuleOut:
    """查看联动规则。"""
    return LinkageRuleOut.model_validate(rules.get(rule_id, call.identity))


@route(bp, "/linkage/rules/{rule_id}", "PUT", roles=RULE_WRITERS, body=LinkageRuleIn, response=LinkageRuleOut)
def replace_rule(call: Call, rule_id: str) -> LinkageRuleOut:
    """修改联动规则（整体替换；内置规则同样可改，停用请设 enabled=false）。"""
    call.target = rule_id
    return LinkageRuleOut.model_validate(rules.replace(rule_id, call.body, call.identity))


@route(bp, "/linkage/rules/{rule_id}", "DELETE", roles=RULE_WRITERS, status=204)
def delete_rule(call: Call, rule_id: str) -> Any:
    """删除联动规则（内置规则不可删除）。"""
    call.target = rule_id
    rules.remove(rule_id, call.identity)
    return json_response(None, 204, call.request_id)


@route(bp, "/linkage/commands", roles=ALL_ROLES, query=CommandQuery, response=Page[Record])
def list_commands(call: Call) -> dict[str, Any]:
    """设备联动指令及其状态：sent 已发送、acked 已确认、failed 失败、timeout 超时、simulated 演练模拟。"""
    q: CommandQuery = call.query
    return {"items": commands.search(call.identity, q.incident_id, q.enterprise_id, q.status, q.limit)}


@route(bp, "/people/positions", "POST", roles=POSITION_FEEDS, body=PositionIn, response=Record)
def report_position(call: Call) -> dict[str, Any]:
    """上报人员位置（门禁、定位卡、APP）；每人保留最新位置，超过 1 小时的位置不参与疏散判定。"""
    call.target = call.body.person_id
    return people.report(call.body, call.identity)


@route(bp, "/incidents/{incident_id}/evacuation/ack", "POST", roles=ALL_ROLES, body=EvacuationAckIn, response=Record)
def ack_evacuation(call: Call, incident_id: str) -> dict[str, Any]:
    """确认已撤离：本人（令牌 sub 与 person_id 一致），或巡检人员、本企业安全负责人、外部平台代为确认。"""
    call.target = f"{incident_id}/{call.body.person_id}"
    return evacuation.acknowledge(incident_id, call.body.person_id, call.identity, call.body.enterprise_id)


@route(bp, "/incidents/{incident_id}/evacuation", roles=EVACUATION_READERS, response=EvacuationOut, audit=True)
def get_evacuation(call: Call, incident_id: str) -> EvacuationOut:
    """疏散情况：已通知与已确认人数及名单（手机号脱敏）。"""
    return EvacuationOut.model_validate(evacuation.summary(incident_id))
