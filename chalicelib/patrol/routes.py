"""Patrol and smart-inspection routes (5.3.2): routes and plans, tasks on the mobile app, check-ins and their
photos, anomalies from drones, robots and video, and statistics."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.http import Call, json_response, route
from chalicelib.core.identity import Role
from chalicelib.core.pagination import Page
from chalicelib.core.photos import PhotoOut
from chalicelib.core.schemas import Record
from chalicelib.patrol import schemas as s
from chalicelib.patrol import service

bp = Blueprint(__name__)
R = Role
PLANNERS = [R.PARK_ADMIN, R.ENTERPRISE_MANAGER]
READERS = [R.PARK_ADMIN, R.DUTY_OFFICER, R.COMMANDER, R.ENTERPRISE_MANAGER, R.INSPECTOR, R.ANALYST, R.AUDITOR]
PATROLLERS = [R.INSPECTOR, R.ENTERPRISE_MANAGER, R.PARK_ADMIN, R.DUTY_OFFICER]  # and a member of the task's team
REPORTERS = [R.INTEGRATION, R.PARK_ADMIN]


def _created(call: Call, data: dict[str, Any], out: Any) -> Any:
    """Name the new item in the audit record; the route's `status=201` is applied by core.http."""
    call.target = data["id"]
    return out.model_validate(data)


@route(bp, "/patrol/routes", "POST", roles=PLANNERS, body=s.RouteIn, response=s.RouteOut, status=201)
def create_route(call: Call) -> Any:
    """制定巡检路线（巡检点：位置、NFC/二维码、检查项）；不填 enterprise_id 为园区路线（园区角色）。"""
    return _created(call, service.create_route(call.body, call.identity), s.RouteOut)


@route(bp, "/patrol/routes", roles=READERS, query=s.RouteFilter, response=Page[s.RouteOut])
def list_routes(call: Call) -> Page[s.RouteOut]:
    """巡检路线列表。"""
    q: s.RouteFilter = call.query
    items, cursor = service.routes_page(call.identity, q.enterprise_id, q.limit, q.cursor)
    return Page[s.RouteOut](items=[s.RouteOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/patrol/routes/{patrol_route_id}", roles=READERS, response=s.RouteOut)
def get_route(call: Call, patrol_route_id: str) -> s.RouteOut:
    """巡检路线详情。"""
    return s.RouteOut.model_validate(service.load_route(patrol_route_id, call.identity).data())


@route(bp, "/patrol/plans", "POST", roles=PLANNERS, body=s.PlanIn, response=s.PlanOut, status=201)
def create_plan(call: Call) -> Any:
    """制定巡检计划（路线、班组、频次、时间窗口）；任务由定时调度生成并下发到移动端。"""
    return _created(call, service.create_plan(call.body, call.identity), s.PlanOut)


@route(bp, "/patrol/plans", roles=READERS, query=s.PlanFilter, response=Page[s.PlanOut])
def list_plans(call: Call) -> Page[s.PlanOut]:
    """巡检计划列表（成员手机号仅对计划制定角色明文显示）。"""
    q: s.PlanFilter = call.query
    items, cursor = service.plans_page(call.identity, q.enterprise_id, q.route_id, q.limit, q.cursor)
    return Page[s.PlanOut](items=[s.PlanOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/patrol/plans/{patrol_plan_id}/state", "POST", roles=PLANNERS, body=s.PlanStateIn, response=s.PlanOut)
def set_plan_state(call: Call, patrol_plan_id: str) -> s.PlanOut:
    """停用或重新启用巡检计划（重新启用后从尚未结束的窗口起生成任务）。"""
    call.target = patrol_plan_id
    return s.PlanOut.model_validate(service.set_plan_state(patrol_plan_id, call.body.active, call.identity))


@route(bp, "/patrol/tasks", roles=READERS, query=s.TaskFilter, response=Page[s.TaskOut])
def list_tasks(call: Call) -> Page[s.TaskOut]:
    """巡检任务列表；移动端用 mine=true 取本人班组的任务。"""
    items, cursor = service.tasks_page(call.identity, call.query)
    return Page[s.TaskOut](items=[s.TaskOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/patrol/tasks/{patrol_task_id}", roles=READERS, response=s.TaskDetail)
def get_task(call: Call, patrol_task_id: str) -> s.TaskDetail:
    """巡检任务详情：路线、巡检点与各点打卡记录（含漏检）。"""
    return s.TaskDetail.model_validate(service.detail(patrol_task_id, call.identity))


@route(
    bp,
    "/patrol/tasks/{patrol_task_id}/checkpoints/{checkpoint_id}/photos",
    "POST",
    roles=PATROLLERS,
    body=s.PhotoIn,
    response=PhotoOut,
    status=201,
)
def presign_photo(call: Call, patrol_task_id: str, checkpoint_id: str) -> Any:
    """申请巡检照片上传表单（S3 预签名 POST，限 JPEG/PNG 与大小）。"""
    body: s.PhotoIn = call.body
    form = service.presign_photo(patrol_task_id, checkpoint_id, body.content_type, body.size_bytes, call.identity)
    call.target = form["key"]
    return PhotoOut.model_validate(form)


@route(
    bp,
    "/patrol/tasks/{patrol_task_id}/checkpoints/{checkpoint_id}",
    "POST",
    roles=PATROLLERS,
    body=s.CheckinIn,
    status=201,
    response=Record,
)
def checkin(call: Call, patrol_task_id: str, checkpoint_id: str) -> Any:
    """巡检打卡：校验时间窗口（409）、与巡检点的距离和扫描编码（422）；不合格项登记隐患或报警。"""
    data = service.checkin(patrol_task_id, checkpoint_id, call.body, call.identity)
    call.target = f"{patrol_task_id}/{checkpoint_id}"
    return data


@route(bp, "/inspection/anomalies", "POST", roles=REPORTERS, body=s.AnomalyIn, response=s.AnomalyOut, status=201)
def report_anomaly(call: Call) -> Any:
    """上报智能巡检异常（无人机、机器人、视频分析）：按优先级通知巡检人员与园区安全管理部门；按 anomaly_id 幂等。"""
    data, created = service.report(call.body, call.identity)
    call.target = data["id"]
    return json_response(s.AnomalyOut.model_validate(data), 201 if created else 200, call.request_id)


@route(bp, "/inspection/anomalies", roles=READERS, query=s.AnomalyFilter, response=Page[s.AnomalyOut])
def list_anomalies(call: Call) -> Page[s.AnomalyOut]:
    """智能巡检异常列表。"""
    items, cursor = service.anomalies_page(call.identity, call.query)
    return Page[s.AnomalyOut](items=[s.AnomalyOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/patrol/stats", roles=READERS, query=s.StatsQuery, response=s.StatsOut)
def stats(call: Call) -> s.StatsOut:
    """巡检覆盖率与完成率（按路线、班组，自然月，园区当地时间）。"""
    return s.StatsOut.model_validate(service.stats(call.query, call.identity))
