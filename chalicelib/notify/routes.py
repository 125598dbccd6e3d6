"""Notification routes: the SMS log (who was texted what, when), phones masked."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.clock import to_ms
from chalicelib.core.http import Call, route
from chalicelib.core.identity import Role
from chalicelib.notify import service
from chalicelib.notify.schemas import SmsOut, SmsPage, SmsQuery

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
