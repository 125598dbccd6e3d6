"""Notification HTTP contracts: the SMS log query and its page."""

from __future__ import annotations

from pydantic import Field

from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import Schema, Window


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
