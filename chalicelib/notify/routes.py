"""Notification routes: the SMS and push logs (who was told what, when; phones and tokens masked), and each
person's own mobile devices and notification preferences under /me."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core import clock
from chalicelib.core.clock import to_ms
from chalicelib.core.http import Call, json_response, route
from chalicelib.core.identity import ALL_ROLES, Role
from chalicelib.notify import service
from chalicelib.notify.schemas import (
    DeviceIn,
    DeviceList,
    DeviceOut,
    PreferencesIn,
    PreferencesOut,
    PushOut,
    PushPage,
    PushQuery,
    SmsOut,
    SmsPage,
    SmsQuery,
)

bp = Blueprint(__name__)


@route(
    bp,
    "/notifications/sms",
    roles=[Role.PARK_ADMIN, Role.DUTY_OFFICER, Role.AUDITOR, Role.OPS_ENGINEER, Role.ENTERPRISE_MANAGER],
    query=SmsQuery,
    response=SmsPage,
    audit=True,
)
def list_sms(call: Call) -> SmsPage:
    """短信发送记录（报警、汇总、预警、疏散）；手机号脱敏显示。"""
    q: SmsQuery = call.query
    items, cursor = service.sms_log(
        call.identity,
        q.enterprise_id,
        to_ms(q.from_) if q.from_ else 0,
        to_ms(q.to) if q.to else 2**53,
        q.limit,
        q.cursor,
    )
    return SmsPage(items=[SmsOut.model_validate(i) for i in items], next_cursor=cursor)


PUSH_LOG_READERS = [Role.PARK_ADMIN, Role.DUTY_OFFICER, Role.AUDITOR, Role.OPS_ENGINEER, Role.ENTERPRISE_MANAGER]
PEOPLE = sorted(ALL_ROLES - {Role.INTEGRATION})  # accounts of people: a platform's machine account has no phone


@route(bp, "/notifications/push", roles=PUSH_LOG_READERS, query=PushQuery, response=PushPage, audit=True)
def list_push(call: Call) -> PushPage:
    """推送记录（预警、疏散、巡检任务、报警）；设备令牌脱敏显示。"""
    q: PushQuery = call.query
    lo, hi = clock.to_ms(q.from_) if q.from_ else 0, clock.to_ms(q.to) if q.to else 2**53
    items, cursor = service.push_log(call.identity, q.enterprise_id, lo, hi, q.limit, q.cursor)
    return PushPage(items=[PushOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/me/devices", "POST", roles=PEOPLE, body=DeviceIn, response=DeviceOut, status=201)
def register_device(call: Call) -> Any:
    """登记本人的移动设备以接收推送（同一令牌重复登记即刷新；被推送平台拒绝的令牌不再接受）。"""
    device, created = service.register(call.identity, call.body.platform.value, call.body.token)
    call.target = device["id"]
    return json_response(DeviceOut.model_validate(device), 201 if created else 200, call.request_id)


@route(bp, "/me/devices", roles=PEOPLE, response=DeviceList)
def list_devices(call: Call) -> DeviceList:
    """本人已登记的移动设备（含已停用的及原因）。"""
    return DeviceList(items=[DeviceOut.model_validate(d) for d in service.devices(call.identity)])


@route(bp, "/me/devices/{device_id}", "DELETE", roles=PEOPLE, status=204)
def delete_device(call: Call, device_id: str) -> Any:
    """注销本人的一台移动设备（退出登录、卸载应用）。"""
    call.target = device_id
    service.remove(call.identity, device_id)
    return json_response(None, 204, call.request_id)


@route(bp, "/me/notification-preferences", roles=PEOPLE, response=PreferencesOut)
def get_preferences(call: Call) -> PreferencesOut:
    """本人的推送偏好：各类通知的推送方式与免打扰时段。"""
    return PreferencesOut.model_validate(service.preferences(call.identity.subject))


@route(bp, "/me/notification-preferences", "PUT", roles=PEOPLE, body=PreferencesIn, response=PreferencesOut)
def put_preferences(call: Call) -> PreferencesOut:
    """修改本人的推送偏好（疏散指令不可关闭或静音；免打扰时段内紧急报警、红色预警照常响铃）。"""
    call.target = call.identity.subject
    return PreferencesOut.model_validate(service.set_preferences(call.identity, call.body))
