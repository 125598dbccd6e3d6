"""Special work permit routes (特殊作业票, GB 30871-2022; 5.1.2-1): apply, approve per Table B.1, gas analyses,
start/suspend/resume/close/cancel, lists, the live permits and their map layer."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core import geojson
from chalicelib.core.http import Call, json_response, route
from chalicelib.core.identity import ALL_ROLES, Identity, Role
from chalicelib.core.pagination import Page
from chalicelib.workpermits import schemas as s
from chalicelib.workpermits import service

bp = Blueprint(__name__)
ENTERPRISE = [Role.ENTERPRISE_MANAGER, Role.UNIT_SUPERVISOR, Role.ENTERPRISE_LEADER]
APPLICANTS = [*ENTERPRISE, Role.PARK_ADMIN]
# Park staff may stop unsafe work they see on line (特殊作业在线抽查检查); resuming is the enterprise's call.
SUSPENDERS = [*ENTERPRISE, Role.PARK_ADMIN, Role.DUTY_OFFICER]


def _out(call: Call, data: dict[str, Any], status: int = 200) -> Any:
    call.target = data["id"]
    return json_response(s.PermitOut.model_validate(data), status, call.request_id)


def _on(call: Call, permit_id: str) -> Identity:
    """The caller, with the permit named as the audit target before the service runs (refusals too)."""
    call.target = permit_id
    return call.identity


@route(bp, "/work-permits", "POST", roles=APPLICANTS, body=s.WorkPermitIn, response=s.PermitOut, status=201)
def create_permit(call: Call) -> Any:
    """申请特殊作业票（按 GB 30871-2022 核定级别、有效期与表 B.1 审批部门）。"""
    return _out(call, service.create(call.body, call.identity), 201)


@route(bp, "/work-permits", roles=ALL_ROLES, query=s.PermitFilter, response=Page[s.PermitOut])
def list_permits(call: Call) -> Page[s.PermitOut]:
    """特殊作业票列表（企业、类型、状态筛选；企业用户仅见本企业）。"""
    q: s.PermitFilter = call.query
    items, cursor = service.list_page(call.identity, q.enterprise_id, q.type, q.state, q.limit, q.cursor)
    return Page[s.PermitOut](items=[s.PermitOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/work-permits/active", roles=ALL_ROLES, query=s.LiveFilter, response=Page[s.PermitOut])
def active_permits(call: Call) -> Page[s.PermitOut]:
    """正在进行的特殊作业（状态 active）。"""
    q: s.LiveFilter = call.query
    items, cursor = service.active_page(call.identity, q.enterprise_id, q.type, q.limit, q.cursor)
    return Page[s.PermitOut](items=[s.PermitOut.model_validate(i) for i in items], next_cursor=cursor)


@route(
    bp,
    "/map/work-permits.geojson",
    roles=ALL_ROLES,
    query=s.MapFilter,
    response=geojson.POINT_LAYER,
    media_type=geojson.MEDIA_TYPE,
)
def permits_geojson(call: Call) -> Any:
    """特殊作业图层（作业中与已暂停，GeoJSON FeatureCollection，application/geo+json，RFC 7946 经纬度顺序）。"""
    q: s.MapFilter = call.query
    return service.live_features(call.identity, q.enterprise_id, q.type)


@route(bp, "/work-permits/{permit_id}", roles=ALL_ROLES, response=s.PermitDetailOut)
def get_permit(call: Call, permit_id: str) -> s.PermitDetailOut:
    """查看作业票（含气体分析与全过程记录）。"""
    return s.PermitDetailOut.model_validate(service.detail(permit_id, call.identity))


@route(bp, "/work-permits/{permit_id}/approve", "POST", roles=ENTERPRISE, body=s.CommentIn, response=s.PermitOut)
def approve_permit(call: Call, permit_id: str) -> Any:
    """审批作业票（表 B.1 规定的审批部门或其上级；申请人不得审批）。"""
    return _out(call, service.approve(permit_id, call.body.comment, _on(call, permit_id)))


@route(
    bp, "/work-permits/{permit_id}/countersign", "POST", roles=ENTERPRISE, body=s.CountersignIn, response=s.PermitOut
)
def countersign_permit(call: Call, permit_id: str) -> Any:
    """会签（动土：供水、供电、供汽、工艺、设备、消防、安全；断路：消防、安全；审批前完成）。"""
    b: s.CountersignIn = call.body
    return _out(call, service.countersign(permit_id, b.department, b.comment, _on(call, permit_id)))


@route(
    bp, "/work-permits/{permit_id}/gas-analyses", "POST", roles=ENTERPRISE, body=s.GasAnalysisIn,
    response=s.GasAnalysisOut, status=201,
)  # fmt: skip
def add_gas_analysis(call: Call, permit_id: str) -> Any:
    """登记气体分析结果（按 GB 30871-2022 §5.3 判定是否合格）。"""
    data = service.record_gas_analysis(permit_id, call.body, _on(call, permit_id))
    return json_response(s.GasAnalysisOut.model_validate(data), 201, call.request_id)


@route(bp, "/work-permits/{permit_id}/start", "POST", roles=ENTERPRISE, response=s.PermitOut)
def start_permit(call: Call, permit_id: str) -> Any:
    """开始作业（有效期内；动火、受限空间须有 30 分钟内合格的气体分析）。"""
    return _out(call, service.start(permit_id, _on(call, permit_id)))


@route(bp, "/work-permits/{permit_id}/suspend", "POST", roles=SUSPENDERS, body=s.ReasonIn, response=s.PermitOut)
def suspend_permit(call: Call, permit_id: str) -> Any:
    """暂停作业。"""
    return _out(call, service.suspend(permit_id, call.body.reason, _on(call, permit_id)))


@route(bp, "/work-permits/{permit_id}/resume", "POST", roles=ENTERPRISE, response=s.PermitOut)
def resume_permit(call: Call, permit_id: str) -> Any:
    """恢复作业（中断超过规定时间或因气体报警暂停的，须重新气体分析合格）。"""
    return _out(call, service.resume(permit_id, _on(call, permit_id)))


@route(bp, "/work-permits/{permit_id}/close", "POST", roles=ENTERPRISE, body=s.CommentIn, response=s.PermitOut)
def close_permit(call: Call, permit_id: str) -> Any:
    """关闭作业票（完工验收）。"""
    return _out(call, service.close(permit_id, call.body.comment, _on(call, permit_id)))


@route(bp, "/work-permits/{permit_id}/cancel", "POST", roles=ENTERPRISE, body=s.ReasonIn, response=s.PermitOut)
def cancel_permit(call: Call, permit_id: str) -> Any:
    """取消作业票（未开始或暂停中）。"""
    return _out(call, service.cancel(permit_id, call.body.reason, _on(call, permit_id)))
