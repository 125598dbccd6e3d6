"""CMDB and change routes: configuration items, observations, quarterly audit, change requests and their steps.

Park operations data: no enterprise role is admitted on any of these routes.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.changes import cmdb, quarterly, service
from chalicelib.changes.schemas import (
    ApprovalIn,
    AuditOut,
    AuditQuery,
    ChangeDetail,
    ChangeFilter,
    ChangeIn,
    ChangeOut,
    ChangePage,
    CIDetail,
    CIFilter,
    CIIn,
    CIOut,
    CIPage,
    ImplementationIn,
    ObservationIn,
    ReviewIn,
    RollbackIn,
    TestIn,
)
from chalicelib.core.http import Call, json_response, route
from chalicelib.core.identity import Role

bp = Blueprint(__name__)
READERS = [Role.PARK_ADMIN, Role.OPS_ENGINEER, Role.AUDITOR]
REGISTRARS = [Role.PARK_ADMIN, Role.OPS_ENGINEER]
OBSERVERS = [Role.OPS_ENGINEER, Role.INTEGRATION]
REQUESTERS = [Role.OPS_ENGINEER, Role.PARK_ADMIN]


@route(bp, "/cmdb/items", roles=READERS, query=CIFilter, response=CIPage, tag="cmdb")
def list_cis(call: Call) -> CIPage:
    """配置项列表（硬件资产、软件版本、网络配置参数、系统关键设置）。"""
    q: CIFilter = call.query
    items, cursor = cmdb.list_page(q.kind, q.limit, q.cursor)
    return CIPage(items=[CIOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/cmdb/items", "POST", roles=REGISTRARS, body=CIIn, response=CIOut, status=201, tag="cmdb")
def create_ci(call: Call) -> Any:
    """登记配置项及其基线配置（此后已登记配置只能经变更申请修改）。"""
    item = cmdb.create(call.body, call.identity)
    call.target = item["id"]
    return json_response(CIOut.model_validate(item), 201, call.request_id)


@route(bp, "/cmdb/items/{ci_id}", roles=READERS, response=CIDetail, tag="cmdb")
def get_ci(call: Call, ci_id: str) -> CIDetail:
    """配置项详情与配置变更档案（每次变更的时间、人员、变更单、变更前后值）。"""
    return CIDetail.model_validate(cmdb.detail(ci_id))


@route(
    bp,
    "/cmdb/items/{ci_id}/observations",
    "POST",
    roles=OBSERVERS,
    body=ObservationIn,
    response=CIOut,
    status=201,
    tag="cmdb",
)
def observe_ci(call: Call, ci_id: str) -> Any:
    """记录运行环境中观测到的配置（自动发现或人工核查）。"""
    call.target = ci_id
    body: ObservationIn = call.body
    call.audit_details = {"attributes": sorted(body.attributes), "source": body.source}
    return json_response(CIOut.model_validate(cmdb.observe(ci_id, body, call.identity)), 201, call.request_id)


@route(
    bp,
    "/cmdb/audit",
    roles=[Role.PARK_ADMIN, Role.AUDITOR, Role.OPS_ENGINEER],
    query=AuditQuery,
    response=AuditOut,
    audit=True,
    tag="cmdb",
)
def quarterly_audit(call: Call) -> AuditOut:
    """季度配置审计：已登记与实际运行配置的差异、本季度未核查的配置项、本季度完成与回退的变更。"""
    report = quarterly.run(call.query.quarter)
    call.target = f"cmdb-audit:{report['quarter']}"
    call.audit_details = report["summary"]
    return AuditOut.model_validate(report)


@route(bp, "/changes", "POST", roles=REQUESTERS, body=ChangeIn, response=ChangeOut, status=201)
def create_change(call: Call) -> Any:
    """提交变更申请（风险评估、回退方案、测试方案、计划窗口），启动 申请-审批-测试-实施-复核 流程。"""
    change = service.create(call.body, call.identity)
    call.target = change["id"]
    call.audit_details = {"ci_ids": [i["ci_id"] for i in change["items"]], "risk": change["risk"]["level"]}
    return json_response(ChangeOut.model_validate(change), 201, call.request_id)


@route(bp, "/changes", roles=READERS, query=ChangeFilter, response=ChangePage)
def list_changes(call: Call) -> ChangePage:
    """变更申请列表（按状态、配置项筛选）。"""
    q: ChangeFilter = call.query
    items, cursor = service.list_page(q.status, q.ci_id, q.limit, q.cursor)
    return ChangePage(items=[ChangeOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/changes/{change_id}", roles=READERS, response=ChangeDetail)
def get_change(call: Call, change_id: str) -> ChangeDetail:
    """变更详情与全过程时间线（每一步的时间、人员与说明）。"""
    return ChangeDetail.model_validate(service.detail(change_id))


def _step(call: Call, change_id: str, step: str, answer: str, notes: str) -> ChangeOut:
    call.target = change_id
    call.audit_details = {"step": step, "answer": answer}
    return ChangeOut.model_validate(service.complete_step(change_id, step, call.identity, answer, notes))


@route(bp, "/changes/{change_id}/approval", "POST", roles=[Role.PARK_ADMIN], body=ApprovalIn, response=ChangeOut)
def approve_change(call: Call, change_id: str) -> ChangeOut:
    """审批变更（批准或驳回；申请人不得审批本人的申请）。"""
    return _step(call, change_id, "approval", call.body.decision, call.body.comment)


@route(bp, "/changes/{change_id}/test", "POST", roles=[Role.OPS_ENGINEER], body=TestIn, response=ChangeOut)
def test_change(call: Call, change_id: str) -> ChangeOut:
    """登记测试结果（未通过则执行回退方案）。"""
    return _step(call, change_id, "test", call.body.result, call.body.notes)


@route(
    bp,
    "/changes/{change_id}/implementation",
    "POST",
    roles=[Role.OPS_ENGINEER],
    body=ImplementationIn,
    response=ChangeOut,
)
def implement_change(call: Call, change_id: str) -> ChangeOut:
    """登记实施结果（失败则执行回退方案）。"""
    return _step(call, change_id, "implementation", call.body.result, call.body.notes)


@route(
    bp,
    "/changes/{change_id}/review",
    "POST",
    roles=[Role.PARK_ADMIN, Role.OPS_ENGINEER],
    body=ReviewIn,
    response=ChangeOut,
)
def review_change(call: Call, change_id: str) -> ChangeOut:
    """复核变更（实施人不得复核本人实施的变更；不通过则执行回退方案）。"""
    return _step(call, change_id, "review", call.body.result, call.body.notes)


@route(bp, "/changes/{change_id}/rollback", "POST", roles=[Role.OPS_ENGINEER], body=RollbackIn, response=ChangeOut)
def confirm_rollback(call: Call, change_id: str) -> ChangeOut:
    """确认已按回退方案完成回退。"""
    return _step(call, change_id, "rollback", "done", call.body.notes)
