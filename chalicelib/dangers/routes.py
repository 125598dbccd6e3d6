"""Hidden-danger routes (5.1.2-3): register, 治理方案, submit, accept/reject (four eyes), photos, 督办 orders."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.http import Call, json_response, route
from chalicelib.core.identity import ALL_ROLES, Role
from chalicelib.core.pagination import Page
from chalicelib.core.photos import PhotoIn, PhotoOut
from chalicelib.core.schemas import Record
from chalicelib.dangers import schemas as s
from chalicelib.dangers import service

bp = Blueprint(__name__)
REPORTERS = [Role.PARK_ADMIN, Role.DUTY_OFFICER, Role.ENTERPRISE_MANAGER, Role.INSPECTOR]
RECTIFIERS = [Role.PARK_ADMIN, Role.ENTERPRISE_MANAGER]
ACCEPTORS = [Role.PARK_ADMIN, Role.ENTERPRISE_MANAGER, Role.INSPECTOR]


def _danger(call: Call, data: dict[str, Any]) -> s.DangerOut:
    call.target = data["id"]
    return s.DangerOut.model_validate(data)


@route(bp, "/hidden-dangers", "POST", roles=REPORTERS, body=s.DangerIn, response=s.DangerOut, status=201)
def register(call: Call) -> Any:
    """登记隐患（勾选 121号 任一情形即为重大隐患；重大隐患自动挂牌督办并报送监管平台）。"""
    danger = _danger(call, service.register(call.body, call.identity))
    return json_response(danger, 201, call.request_id)


@route(bp, "/hidden-dangers", roles=ALL_ROLES, query=s.DangerFilter, response=Page[s.DangerOut])
def list_dangers(call: Call) -> Page[s.DangerOut]:
    """隐患列表（企业、状态、等级、是否逾期筛选）。"""
    q: s.DangerFilter = call.query
    items, cursor = service.list_page(call.identity, q.enterprise_id, q, q.limit, q.cursor)
    return Page[s.DangerOut](items=[s.DangerOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/hidden-dangers/photos", "POST", roles=REPORTERS, body=PhotoIn, response=PhotoOut, status=201)
def presign_photo(call: Call) -> Any:
    """申请照片上传表单（S3 预签名 POST，限 JPEG/PNG 与大小）。"""
    form = service.presign_photo(call.body.enterprise_id, call.identity, call.body.content_type, call.body.size_bytes)
    call.target = form["key"]
    return json_response(PhotoOut.model_validate(form), 201, call.request_id)


@route(bp, "/hidden-dangers/{danger_id}", roles=ALL_ROLES, response=s.DangerDetail)
def get_danger(call: Call, danger_id: str) -> s.DangerDetail:
    """隐患详情：整改过程记录、督办单、照片。"""
    return s.DangerDetail.model_validate(service.detail(danger_id, call.identity))


@route(bp, "/hidden-dangers/{danger_id}/plan", "POST", roles=RECTIFIERS, body=s.PlanIn, response=s.DangerOut)
def plan(call: Call, danger_id: str) -> s.DangerOut:
    """制定（或修订）治理方案，进入整改中；重大隐患须包含 16号令 规定的全部内容。"""
    return _danger(call, service.plan(danger_id, call.body, call.identity))


@route(bp, "/hidden-dangers/{danger_id}/criteria", "POST", roles=REPORTERS, body=s.CriteriaIn, response=s.DangerOut)
def mark_major(call: Call, danger_id: str) -> s.DangerOut:
    """补充判定 121号 重大事故隐患情形：升级为重大隐患，挂牌督办并报送监管平台。"""
    return _danger(call, service.mark_major(danger_id, call.body, call.identity))


@route(bp, "/hidden-dangers/{danger_id}/submit", "POST", roles=RECTIFIERS, body=s.SubmitIn, response=s.DangerOut)
def submit(call: Call, danger_id: str) -> s.DangerOut:
    """提交整改完成，待验收。"""
    return _danger(call, service.submit(danger_id, call.body.summary, call.body.photos, call.identity))


@route(bp, "/hidden-dangers/{danger_id}/accept", "POST", roles=ACCEPTORS, body=s.DecisionIn, response=s.DangerOut)
def accept(call: Call, danger_id: str) -> s.DangerOut:
    """验收销号（验收人不得为方案制定人或整改提交人；重大隐患由园区验收）。"""
    return _danger(call, service.accept(danger_id, call.body.comment, call.identity))


@route(bp, "/hidden-dangers/{danger_id}/reject", "POST", roles=ACCEPTORS, body=s.DecisionIn, response=s.DangerOut)
def reject(call: Call, danger_id: str) -> s.DangerOut:
    """验收不通过，退回整改。"""
    return _danger(call, service.reject(danger_id, call.body.comment, call.identity))


@route(bp, "/hidden-dangers/{danger_id}/regulator-messages", roles=ALL_ROLES, response=Page[Record])
def regulator_messages(call: Call, danger_id: str) -> dict[str, Any]:
    """报送监管平台（双重预防数据接口 sec_hidden_danger_info）的消息记录。"""
    return {"items": service.regulator_messages(danger_id, call.identity)}


@route(bp, "/supervision-orders", roles=ALL_ROLES, query=s.OrderFilter, response=Page[s.OrderOut])
def list_orders(call: Call) -> Page[s.OrderOut]:
    """督办单列表（重大隐患挂牌督办、逾期督办；是否已升级至园区）。"""
    q: s.OrderFilter = call.query
    items, cursor = service.orders_page(call.identity, q.enterprise_id, q.state, q.escalated, q.limit, q.cursor)
    return Page[s.OrderOut](items=[s.OrderOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/supervision-orders/{order_id}/respond", "POST", roles=RECTIFIERS, body=s.RespondIn, response=s.OrderOut)
def respond(call: Call, order_id: str) -> s.OrderOut:
    """企业反馈督办整改进展。"""
    call.target = order_id
    return s.OrderOut.model_validate(service.respond(order_id, call.body, call.identity))
