"""Notification routes: the SMS log (who was texted what, when), phones masked."""

from __future__ import annotations

from chalice import Blueprint
from pydantic import Field

from chalicelib.core.http import Call, route
from chalicelib.core.identity import PARK, Role
from chalicelib.core.pagination import PageQuery, decode_cursor, encode_cursor
from chalicelib.core.schemas import Schema, Window
from chalicelib.notify import store
from chalicelib.notify.service import mask

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
    scope = call.identity.scope(q.enterprise_id) or PARK
    lo, hi = q.from_ or 0, q.to or 2**53
    results = store.SmsLogModel.by_enterprise.query(
        scope,
        store.SmsLogModel.ts.between(lo, hi),
        scan_index_forward=False,
        limit=q.limit,
        last_evaluated_key=decode_cursor(q.cursor),
    )
    items = [
        SmsOut(
            ref=i.ref,
            phone=mask(i.phone),
            ts=int(i.ts),
            kind=i.kind,
            text=i.text,
            enterprise_id=i.enterprise_id,
            message_id=i.message_id,
        )
        for i in results
    ]
    return SmsPage(items=items, next_cursor=encode_cursor(results.last_evaluated_key))
