"""Digital plan routes: entry, revision with history, retirement, scoped lists, selection for activation."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.http import Call, json_response, route
from chalicelib.core.identity import ALL_ROLES, Role
from chalicelib.core.pagination import Page
from chalicelib.plans import schemas as s
from chalicelib.plans import service

bp = Blueprint(__name__)
WRITERS = [Role.PARK_ADMIN, Role.COMMANDER, Role.ENTERPRISE_MANAGER]


@route(bp, "/plans", roles=ALL_ROLES, query=s.PlanFilter, response=Page[s.PlanOut])
def list_plans(call: Call) -> Page[s.PlanOut]:
    """应急预案列表（事故类型、响应级别、企业、状态筛选；企业用户见园区预案与本企业预案）。"""
    items, cursor = service.list_page(call.identity, call.query)
    return Page[s.PlanOut](items=[s.PlanOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/plans", "POST", roles=WRITERS, body=s.PlanIn, response=s.PlanOut, status=201)
def create_plan(call: Call) -> Any:
    """录入数字化应急预案（第 1 版）。"""
    data = service.create(call.body, call.identity)
    call.target = data["plan_id"]
    call.audit_details = {"version": data["version"]}
    return json_response(s.PlanOut.model_validate(data), 201, call.request_id)


@route(bp, "/plans/select", roles=ALL_ROLES, query=s.SelectQuery, response=s.SelectedPlanOut)
def select_plan(call: Call) -> s.SelectedPlanOut:
    """按事故类型与响应级别选择应启动的预案（单元级优先于企业级、园区级，其次最新修订）。

    未提供事故类型或级别时视为任意；无适用预案时返回 404 NO_APPLICABLE_PLAN。"""
    q: s.SelectQuery = call.query
    chosen = service.select_for(
        call.identity,
        str(q.accident_type) if q.accident_type else None,
        str(q.level) if q.level else None,
        q.enterprise_id,
        q.installation_id,
    )
    return s.SelectedPlanOut.model_validate(chosen)


@route(bp, "/plans/{plan_id}", roles=ALL_ROLES, query=s.VersionQuery, response=s.PlanOut)
def get_plan(call: Call, plan_id: str) -> s.PlanOut:
    """查看预案当前版本（或 ?version= 指定的历史版本，只读）。"""
    return s.PlanOut.model_validate(service.get_visible(plan_id, call.identity, call.query.version))


@route(bp, "/plans/{plan_id}", "PUT", roles=WRITERS, body=s.PlanRevisionIn, response=s.PlanOut)
def revise_plan(call: Call, plan_id: str) -> s.PlanOut:
    """修订预案：生成新版本并保留旧版本（须填写修订说明；所属单位不可变）。"""
    call.target = plan_id
    data = service.revise(plan_id, call.body, call.identity)
    call.audit_details = {"version": data["version"], "note": data["note"]}
    return s.PlanOut.model_validate(data)


@route(bp, "/plans/{plan_id}/versions", roles=ALL_ROLES, response=s.VersionsOut)
def plan_versions(call: Call, plan_id: str) -> s.VersionsOut:
    """预案修订历史（全部版本，由旧到新）。"""
    return s.VersionsOut(items=[s.PlanOut.model_validate(v) for v in service.versions(plan_id, call.identity)])


@route(bp, "/plans/{plan_id}/retire", "POST", roles=WRITERS, body=s.RetireIn, response=s.PlanOut)
def retire_plan(call: Call, plan_id: str) -> s.PlanOut:
    """废止预案（保留全部版本供查阅，不再参与启动选择）。"""
    call.target = plan_id
    call.audit_details = {"reason": call.body.reason}
    return s.PlanOut.model_validate(service.retire(plan_id, call.body.reason, call.identity))
