"""Warning routes: report, list, detail with timeline, and the human steps that resume the workflow."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core import clock
from chalicelib.core.clock import to_ms
from chalicelib.core.http import Call, json_response, route
from chalicelib.core.identity import ALL_ROLES, Role
from chalicelib.core.pagination import Page
from chalicelib.core.schemas import Record
from chalicelib.warnings import service
from chalicelib.warnings.schemas import (
    ApprovalIn,
    CloseIn,
    FeedbackIn,
    KpiQuery,
    ReportIn,
    VerificationIn,
    WarningDetail,
    WarningFilter,
    WarningOut,
)

bp = Blueprint(__name__)
REPORTERS = [Role.DUTY_OFFICER, Role.COMMANDER, Role.PARK_ADMIN, Role.INSPECTOR, Role.ENTERPRISE_MANAGER]
VERIFIERS = [Role.DUTY_OFFICER, Role.COMMANDER, Role.PARK_ADMIN]
APPROVERS = [Role.PARK_ADMIN, Role.COMMANDER]
RESPONDERS = [Role.ENTERPRISE_MANAGER, Role.DUTY_OFFICER, Role.COMMANDER, Role.INSPECTOR, Role.PARK_ADMIN]


def _out(data: dict[str, Any]) -> WarningOut:
    return WarningOut.model_validate(service.public(data))


@route(bp, "/warnings", "POST", roles=REPORTERS, body=ReportIn, response=WarningOut, status=201)
def report_warning(call: Call) -> Any:
    """人工报告预警（电话接报、巡检、企业上报），进入核实流程。"""
    warning = service.report(call.body, call.identity)
    call.target = warning["id"]
    return json_response(_out(warning), 201, call.request_id)


@route(bp, "/warnings", roles=ALL_ROLES, query=WarningFilter, response=Page[WarningOut])
def list_warnings(call: Call) -> dict[str, Any]:
    """预警列表（企业用户仅见本企业；最新在前）。"""
    q: WarningFilter = call.query
    lo, hi = (to_ms(q.from_) if q.from_ else 0), (to_ms(q.to) if q.to else clock.now_ms() + 86_400_000)
    items, cursor = service.search(call.identity, q.enterprise_id, q.status, lo, hi, q.limit, q.cursor)
    return {"items": [_out(i) for i in items], "next_cursor": cursor}


@route(bp, "/warnings/kpis", roles=ALL_ROLES, query=KpiQuery, response=Record)
def warning_kpis(call: Call) -> dict[str, Any]:
    """预警处置绩效：核实及时率、准确率（确认/误报）、报警到发布用时 (7.3.2-3)。"""
    q: KpiQuery = call.query
    return service.kpis(call.identity, q.enterprise_id, to_ms(q.from_), to_ms(q.to))


@route(bp, "/warnings/{warning_id}", roles=ALL_ROLES, response=WarningDetail)
def get_warning(call: Call, warning_id: str) -> WarningDetail:
    """预警详情与完整时间线（每一步的时间、处理人与内容）。"""
    return WarningDetail.model_validate(service.detail(warning_id, call.identity))


@route(bp, "/warnings/{warning_id}/verification", "POST", roles=VERIFIERS, body=VerificationIn, response=WarningOut)
def verify_warning(call: Call, warning_id: str) -> WarningOut:
    """核实预警：确认（分级与影响研判）或误报（原因）。"""
    call.target = warning_id
    data = service.verify(warning_id, call.identity, call.body)
    call.audit_details = {"outcome": call.body.outcome, "level": data["verification"]["level"]}
    return _out(data)


@route(bp, "/warnings/{warning_id}/approval", "POST", roles=APPROVERS, body=ApprovalIn, response=WarningOut)
def approve_warning(call: Call, warning_id: str) -> WarningOut:
    """发布审批：批准则按渠道发布；驳回则退回重新拟稿（可附修改后的内容）。核实人不能审批。"""
    call.target = warning_id
    data = service.approve(warning_id, call.identity, call.body)
    call.audit_details = {"decision": call.body.decision}
    return _out(data)


@route(
    bp, "/warnings/{warning_id}/feedback", "POST", roles=RESPONDERS, body=FeedbackIn, response=WarningOut, status=201
)
def warning_feedback(call: Call, warning_id: str) -> Any:
    """责任方反馈处置情况（发布后至风险解除前）。"""
    call.target = warning_id
    return json_response(_out(service.feedback(warning_id, call.identity, call.body)), 201, call.request_id)


@route(bp, "/warnings/{warning_id}/close", "POST", roles=VERIFIERS, body=CloseIn, response=WarningOut)
def close_warning(call: Call, warning_id: str) -> WarningOut:
    """风险解除，关闭预警（闭环）。"""
    call.target = warning_id
    return _out(service.close(warning_id, call.identity, call.body.reason))
