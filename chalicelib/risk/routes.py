"""Risk routes: park, enterprise and installation colours, the enterprise risk profile with its trend and
monthly reports (5.1.2-2), and risk notices from the park to an enterprise (风险提示, 5.1.2-3)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.http import Call, json_response, route
from chalicelib.core.identity import ALL_ROLES, Role
from chalicelib.core.pagination import Page
from chalicelib.core.schemas import Record
from chalicelib.risk import schemas as s
from chalicelib.risk import service

bp = Blueprint(__name__)
ISSUERS = [Role.PARK_ADMIN, Role.DUTY_OFFICER, Role.COMMANDER]  # the park issues notices
ANSWERERS = [Role.ENTERPRISE_MANAGER, Role.ENTERPRISE_LEADER]  # the enterprise acknowledges and closes them


@route(bp, "/risk/park", roles=ALL_ROLES, response=Record)
def park_risk(call: Call) -> dict[str, Any]:
    """园区动态风险等级及各企业等级（企业用户仅见本企业明细）。"""
    return service.park_view(call.identity)


@route(bp, "/risk/enterprises/{enterprise_id}", roles=ALL_ROLES, response=Record)
def enterprise_risk(call: Call, enterprise_id: str) -> dict[str, Any]:
    """企业动态风险等级及各重大危险源单元等级。"""
    return service.enterprise_view(enterprise_id, call.identity)


@route(bp, "/risk/enterprises/{enterprise_id}/profile", roles=ALL_ROLES, query=s.ProfileQuery, response=s.ProfileOut)
def enterprise_profile(call: Call, enterprise_id: str) -> s.ProfileOut:
    """企业安全风险画像：评分 0-100、等级及每项构成，含每日快照趋势。

    构成：重大危险源及分级、未关闭报警、隐患与督办、漏检、特殊作业（按类型）、关键岗位空岗（docs/risk.md）。"""
    return s.ProfileOut.model_validate(service.profile_view(enterprise_id, call.identity, call.query.days))


@route(bp, "/risk/enterprises/{enterprise_id}/reports", roles=ALL_ROLES, response=s.ReportList, audit=True)
def enterprise_reports(call: Call, enterprise_id: str) -> s.ReportList:
    """企业安全风险画像月度报告列表（临时下载地址）。"""
    call.target = enterprise_id
    return s.ReportList.model_validate({"items": service.reports(enterprise_id, call.identity)})


@route(bp, "/risk/installations/{installation_id}", roles=ALL_ROLES, response=Record)
def installation_risk(call: Call, installation_id: str) -> dict[str, Any]:
    """重大危险源单元动态风险等级、依据与当前报警。"""
    return service.installation_view(installation_id, call.identity).public()


def _notice(call: Call, data: dict[str, Any]) -> s.NoticeOut:
    call.target = data["id"]
    return s.NoticeOut.model_validate(data)


@route(bp, "/risk-notices", "POST", roles=ISSUERS, body=s.NoticeIn, response=s.NoticeOut, status=201)
def issue_notice(call: Call) -> Any:
    """园区向企业发出风险提示（短信通知企业安全负责人）。"""
    notice = _notice(call, service.issue_notice(call.body, call.identity))
    return json_response(notice, 201, call.request_id)


@route(bp, "/risk-notices", roles=ALL_ROLES, query=s.NoticeFilter, response=Page[s.NoticeOut])
def list_notices(call: Call) -> Page[s.NoticeOut]:
    """风险提示列表（企业、状态、等级、未确认、逾期筛选）。"""
    items, cursor = service.notices_page(call.identity, call.query)
    return Page[s.NoticeOut](items=[s.NoticeOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/risk-notices/{notice_id}", roles=ALL_ROLES, response=s.NoticeOut)
def get_notice(call: Call, notice_id: str) -> s.NoticeOut:
    """风险提示详情：确认、反馈与短信通知记录。"""
    return s.NoticeOut.model_validate(service.notice(notice_id, call.identity))


@route(bp, "/risk-notices/{notice_id}/ack", "POST", roles=ANSWERERS, body=s.AckIn, response=s.NoticeOut)
def acknowledge_notice(call: Call, notice_id: str) -> s.NoticeOut:
    """企业确认收到风险提示。"""
    return _notice(call, service.acknowledge(notice_id, call.body.comment, call.identity))


@route(bp, "/risk-notices/{notice_id}/close", "POST", roles=ANSWERERS, body=s.CloseIn, response=s.NoticeOut)
def close_notice(call: Call, notice_id: str) -> s.NoticeOut:
    """企业反馈处置情况，风险提示闭环。"""
    return _notice(call, service.close(notice_id, call.body.response, call.identity))
