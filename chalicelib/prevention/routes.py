"""Dual-prevention routes (5.1.2-1): risk analysis units and their events, measures and stops; check tasks;
check records (inspectors record checks)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.http import Call, route
from chalicelib.core.identity import ALL_ROLES, Role
from chalicelib.core.pagination import Page
from chalicelib.core.schemas import Record
from chalicelib.prevention import schemas as s
from chalicelib.prevention import service

bp = Blueprint(__name__)
WRITERS = [Role.PARK_ADMIN, Role.ENTERPRISE_MANAGER]
CHECKERS = [Role.PARK_ADMIN, Role.ENTERPRISE_MANAGER, Role.INSPECTOR]


def _created(call: Call, data: dict[str, Any], model: Any = None) -> Any:
    """Name the new item in the audit record; the route's `status=201` is applied by core.http."""
    call.target = data["id"]
    return model.model_validate(data) if model else data


@route(bp, "/risk-units", "POST", roles=WRITERS, body=s.UnitIn, response=s.UnitOut, status=201)
def create_unit(call: Call) -> Any:
    """登记风险分析单元（装置、储存设施或场所；责任部门、责任人、风险等级）。"""
    return _created(call, service.create_unit(call.body, call.identity), s.UnitOut)


@route(bp, "/risk-units", roles=ALL_ROLES, query=s.UnitFilter, response=Page[s.UnitOut])
def list_units(call: Call) -> Page[s.UnitOut]:
    """风险分析单元列表（含因逾期排查上调后的当前等级）。"""
    q: s.UnitFilter = call.query
    items, cursor = service.units_page(call.identity, q.enterprise_id, q.limit, q.cursor)
    return Page[s.UnitOut](items=[s.UnitOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/risk-units/{unit_id}", roles=ALL_ROLES, response=s.UnitDetail)
def get_unit(call: Call, unit_id: str) -> s.UnitDetail:
    """风险分析单元详情：风险事件、管控措施、停用检修、排查任务。"""
    return s.UnitDetail.model_validate(service.unit_detail(unit_id, call.identity))


@route(bp, "/risk-units/{unit_id}/events", "POST", roles=WRITERS, body=s.EventIn, status=201, response=Record)
def add_event(call: Call, unit_id: str) -> Any:
    """登记风险事件。"""
    return _created(call, service.add_event(unit_id, call.body, call.identity))


@route(bp, "/risk-units/{unit_id}/measures", "POST", roles=WRITERS, body=s.MeasureIn, status=201, response=Record)
def add_measure(call: Call, unit_id: str) -> Any:
    """登记管控措施（分类、隐患排查内容），属于本单元的一个风险事件。"""
    return _created(call, service.add_measure(unit_id, call.body, call.identity))


@route(bp, "/risk-units/{unit_id}/stops", "POST", roles=WRITERS, body=s.StopIn, status=201, response=Record)
def add_stop(call: Call, unit_id: str) -> Any:
    """登记停用检修：期间本单元的排查任务暂停，不计逾期。"""
    return _created(call, service.add_stop(unit_id, call.body, call.identity))


@route(bp, "/check-tasks", "POST", roles=WRITERS, body=s.TaskIn, response=s.TaskOut, status=201)
def create_task(call: Call) -> Any:
    """制定排查任务（管控措施、周期与单位、排查岗位、开始时间）。"""
    return _created(call, service.create_task(call.body, call.identity), s.TaskOut)


@route(bp, "/check-tasks", roles=ALL_ROLES, query=s.TaskFilter, response=Page[s.TaskOut])
def list_tasks(call: Call) -> Page[s.TaskOut]:
    """排查任务列表。"""
    q: s.TaskFilter = call.query
    items, cursor = service.tasks_page(call.identity, q.enterprise_id, q.unit_id, q.limit, q.cursor)
    return Page[s.TaskOut](items=[s.TaskOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/check-tasks/{task_id}/state", "POST", roles=WRITERS, body=s.TaskStateIn, response=s.TaskOut)
def set_task_state(call: Call, task_id: str) -> s.TaskOut:
    """停用或重新启用排查任务（重新启用后从当前周期起排查，停用期间不计逾期）。"""
    call.target = task_id
    body: s.TaskStateIn = call.body
    return s.TaskOut.model_validate(service.set_task_state(task_id, body.active, body.reason, call.identity))


@route(bp, "/check-tasks/{task_id}/records", "POST", roles=CHECKERS, body=s.RecordIn, response=s.RecordOut, status=201)
def record_check(call: Call, task_id: str) -> Any:
    """记录排查结果（当期按时完成；逾期后补查记为 late）。"""
    return _created(call, service.record(task_id, call.body.result, call.body.note, call.identity), s.RecordOut)


@route(bp, "/check-records", roles=ALL_ROLES, query=s.RecordFilter, response=Page[s.RecordOut])
def list_records(call: Call) -> Page[s.RecordOut]:
    """排查记录列表（open 待排查、done 按时、late 补查、missed 逾期未查、suspended 停用检修）。"""
    q: s.RecordFilter = call.query
    items, cursor = service.records_page(call.identity, q.enterprise_id, q.status, q.task_id, q.limit, q.cursor)
    return Page[s.RecordOut](items=[s.RecordOut.model_validate(i) for i in items], next_cursor=cursor)
