"""Telemetry HTTP contracts."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import Schema, Strict, Window


class QuarantineQuery(PageQuery, Window):
    enterprise_id: str | None = Field(default=None, description="企业；园区用户可用 _unknown 查看无法识别企业的消息")
    reason: str | None = None
    from_: datetime | None = Field(default=None, alias="from")
    to: datetime | None = None


class QuarantineItem(Schema):
    enterprise_id: str
    received_ms: int
    reason: str
    gateway_id: str
    tag_id: str
    message_id: str
    raw: str


class QuarantinePage(Schema):
    items: list[QuarantineItem]
    next_cursor: str | None = None


class ReadingsQuery(Strict, Window):
    from_: datetime = Field(alias="from")
    to: datetime
    limit: int = Field(default=5000, ge=1, le=20000)


class ReadingPoint(Schema):
    ts: int
    value: float | None
    quality: str


class ReadingsOut(Schema):
    tag_id: str
    unit: str
    points: list[ReadingPoint]
    truncated: bool


class OnlineQuery(Strict):
    enterprise_id: str | None = None
