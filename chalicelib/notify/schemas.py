"""Notification HTTP contracts: the SMS log query and its page."""

from __future__ import annotations

from pydantic import Field

from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import Instant, IsoTime, Schema, Stored, Window


class SmsQuery(PageQuery, Window):
    enterprise_id: str | None = Field(default=None, description="企业；园区级短信为 _park")
    from_: IsoTime | None = Field(default=None, alias="from", description="起始时间（ISO-8601，带时区）")
    to: IsoTime | None = None


class SmsOut(Stored):
    ref: str
    phone: str
    ts: Instant
    kind: str
    text: str
    enterprise_id: str
    message_id: str


class SmsPage(Schema):
    items: list[SmsOut]
    next_cursor: str | None = None
