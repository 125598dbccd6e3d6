"""Telemetry routes: quarantine, readings history, device online rate."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.clock import to_ms
from chalicelib.core.http import Call, route
from chalicelib.core.identity import ALL_ROLES, Role
from chalicelib.core.schemas import Record
from chalicelib.telemetry import history, quarantine, sweeps
from chalicelib.telemetry.schemas import OnlineQuery, QuarantinePage, QuarantineQuery, ReadingsOut, ReadingsQuery

bp = Blueprint(__name__)
DATA_ROLES = [Role.PARK_ADMIN, Role.OPS_ENGINEER, Role.DUTY_OFFICER, Role.ENTERPRISE_MANAGER, Role.ANALYST]


@route(bp, "/telemetry/quarantine", roles=DATA_ROLES, query=QuarantineQuery, response=QuarantinePage)
def list_quarantine(call: Call) -> QuarantinePage:
    """被隔离的遥测消息及原因（每条消息一行：各原因条数与样本）；园区用户不指定企业时列出全部企业，最新在前。"""
    return quarantine.page(call.identity, call.query)


@route(bp, "/sensors/{sensor_id}/readings", roles=ALL_ROLES, query=ReadingsQuery, response=ReadingsOut)
def sensor_readings(call: Call, sensor_id: str) -> ReadingsOut:
    """测点历史读数（来自原始数据归档，单次最长 24 小时）。"""
    q: ReadingsQuery = call.query
    return ReadingsOut.model_validate(
        history.sensor_readings(sensor_id, call.identity, to_ms(q.from_), to_ms(q.to), q.limit)
    )


@route(bp, "/telemetry/online", roles=ALL_ROLES, query=OnlineQuery, response=Record)
def online_rate(call: Call) -> dict[str, Any]:
    """前端感知设备在线率（按企业）。"""
    return {"enterprises": sweeps.online(call.identity, call.query.enterprise_id)}
