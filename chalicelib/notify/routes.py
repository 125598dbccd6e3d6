"""Notification routes: the SMS log (who was texted what, when), phones masked."""

from __future__ import annotations

from chalice import Blueprint
from pydantic import Field

from chalicelib.core.http import Call, route
from chalicelib.core.identity import Role
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import Schema, Window
from chalicelib.notify import service

bp = Blueprint(__name__)


class SmsQuery(PageQuery, Window):
    enterprise_id: str | None = Field(default=None, description="企业；园区级短信为 _park")
    from_: int | None = Field(default=None, alias="from", description="起始时间（毫秒）")
    to: int | None = None


class SmsOut(Schema):
    ref: str
    phone: str
    ts: int
    kind: str
    text: str
    enterprise_id: str
    message_id: str


class SmsPage(Schema):
    items: list[SmsOut]
    next_cursor: str | None = None


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
    items, cursor = service.sms_log(call.identity, q.enterprise_id, q.from_ or 0, q.to or 2**53, q.limit, q.cursor)
    return SmsPage(items=[SmsOut.model_validate(i) for i in items], next_cursor=cursor)
