"""On-duty routes (人员在岗在位, 5.1.2-1): key posts and their rosters, check-in and check-out, the status of an
enterprise's posts. Enterprise roles manage their own enterprise's; park roles see every enterprise."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib.core.http import Call, json_response, route
from chalicelib.core.identity import ALL_ROLES, Role
from chalicelib.core.pagination import Page
from chalicelib.onduty import schemas as s
from chalicelib.onduty import service

bp = Blueprint(__name__)
MANAGERS = [Role.PARK_ADMIN, Role.ENTERPRISE_MANAGER, Role.ENTERPRISE_LEADER]
# The person checks in (any enterprise account), their manager for them, or an access-control feed.
CHECKERS = [*MANAGERS, Role.UNIT_SUPERVISOR, Role.INSPECTOR, Role.INTEGRATION]


def _post(data: dict[str, Any]) -> s.PostOut:
    return s.PostOut.model_validate(data | {"created_at": data["created_ms"], "updated_at": data["updated_ms"]})


def _check_in(data: dict[str, Any]) -> s.CheckInOut:
    times = {"checked_in_at": data["in_ms"], "checked_out_at": data["out_ms"]}
    return s.CheckInOut.model_validate(data | times)


def _assignment(data: dict[str, Any]) -> s.AssignmentOut:
    return s.AssignmentOut.model_validate(data | {"updated_at": data["updated_ms"]})


@route(bp, "/onduty/posts", "POST", roles=MANAGERS, body=s.PostIn, response=s.PostOut, status=201)
def create_post(call: Call) -> Response:
    """设置关键岗位（主要负责人、安全管理人员、重大危险源岗位班组长等）及其班次。"""
    data = service.create(call.body, call.identity)
    call.target = data["id"]
    return json_response(_post(data), 201, call.request_id)


@route(bp, "/onduty/posts", roles=ALL_ROLES, query=s.PostFilter, response=Page[s.PostOut])
def list_posts(call: Call) -> Page[s.PostOut]:
    """关键岗位列表。"""
    q: s.PostFilter = call.query
    items, cursor = service.page(call.identity, q.enterprise_id, q.limit, q.cursor)
    return Page[s.PostOut](items=[_post(i) for i in items], next_cursor=cursor)


@route(bp, "/onduty/posts/{post_id}", roles=ALL_ROLES, response=s.PostOut)
def get_post(call: Call, post_id: str) -> s.PostOut:
    """关键岗位详情。"""
    return _post(service.get(post_id, call.identity))


@route(bp, "/onduty/posts/{post_id}", "PUT", roles=MANAGERS, body=s.PostIn, response=s.PostOut)
def replace_post(call: Call, post_id: str) -> s.PostOut:
    """修改关键岗位（所属企业不可变）。"""
    call.target = post_id
    return _post(service.replace(post_id, call.body, call.identity))


@route(bp, "/onduty/posts/{post_id}", "DELETE", roles=MANAGERS, status=204)
def delete_post(call: Call, post_id: str) -> Response:
    """删除关键岗位及其排班（未消除的空岗报警随之恢复）。"""
    call.target = post_id
    service.remove(post_id, call.identity)
    return json_response(None, 204, call.request_id)


@route(bp, "/onduty/posts/{post_id}/roster", "PUT", roles=MANAGERS, body=s.RosterIn, response=list[s.AssignmentOut])
def put_roster(call: Call, post_id: str) -> list[s.AssignmentOut]:
    """按日期和班次排班（同一日期班次再次提交即替换）。"""
    call.target = post_id
    return [_assignment(a) for a in service.put_roster(post_id, call.body, call.identity)]


@route(bp, "/onduty/posts/{post_id}/roster", roles=ALL_ROLES, query=s.RosterQuery, response=Page[s.AssignmentOut])
def list_roster(call: Call, post_id: str) -> Page[s.AssignmentOut]:
    """岗位排班（按日期先后）。"""
    q: s.RosterQuery = call.query
    items, cursor = service.roster_page(post_id, call.identity, q.from_, q.to, q.limit, q.cursor)
    return Page[s.AssignmentOut](items=[_assignment(i) for i in items], next_cursor=cursor)


@route(bp, "/onduty/posts/{post_id}/roster/{day}/{shift_id}", "DELETE", roles=MANAGERS, status=204)
def delete_roster(call: Call, post_id: str, day: str, shift_id: str) -> Response:
    """取消某日某班次的排班。"""
    call.target = f"{post_id}/{day}/{shift_id}"
    service.remove_roster(post_id, day, shift_id, call.identity)
    return json_response(None, 204, call.request_id)


@route(bp, "/onduty/check-ins", "POST", roles=CHECKERS, body=s.CheckInIn, response=s.CheckInOut, status=201)
def check_in(call: Call) -> Response:
    """到岗签到（本人或企业代签，须在岗位所在区域内、本班次已排班）。"""
    data = service.check_in(call.body, call.identity)
    call.target = data["id"]
    return json_response(_check_in(data), 201, call.request_id)


@route(bp, "/onduty/check-ins", roles=ALL_ROLES, query=s.CheckInFilter, response=Page[s.CheckInOut], audit=True)
def list_check_ins(call: Call) -> Page[s.CheckInOut]:
    """签到记录（人员位置，敏感读取留审计）。"""
    q: s.CheckInFilter = call.query
    items, cursor = service.check_ins_page(call.identity, q.enterprise_id, q.post_id, q.limit, q.cursor)
    return Page[s.CheckInOut](items=[_check_in(i) for i in items], next_cursor=cursor)


@route(bp, "/onduty/check-ins/{check_in_id}/check-out", "POST", roles=CHECKERS, response=s.CheckInOut)
def check_out(call: Call, check_in_id: str) -> s.CheckInOut:
    """离岗签退。"""
    call.target = check_in_id
    return _check_in(service.check_out(check_in_id, call.identity))


@route(bp, "/onduty/status", roles=ALL_ROLES, query=s.StatusQuery, response=s.StatusOut, audit=True)
def status(call: Call) -> s.StatusOut:
    """企业关键岗位在岗在位情况：当班人员、是否在岗、空岗起始时间。"""
    q: s.StatusQuery = call.query
    return s.StatusOut.model_validate(service.status(q.enterprise_id, call.identity))
