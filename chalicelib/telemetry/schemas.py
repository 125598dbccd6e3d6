"""Telemetry HTTP contracts."""

from __future__ import annotations

from pydantic import Field

from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import Instant, IsoTime, Schema, Stored, Strict, Window


class QuarantineQuery(PageQuery, Window):
    enterprise_id: str | None = Field(
        default=None, description="企业；园区用户不填则列出全部企业（最新在前），_unknown 为无法识别企业的消息"
    )
    reason: str | None = Field(default=None, description="只列出含此原因的消息，如 unknown_tag、ts_out_of_range")
    from_: IsoTime | None = Field(default=None, alias="from")
    to: IsoTime | None = None


class QuarantineSample(Schema):
    reason: str
    tag_id: str
    raw: str = Field(description="被拒读数或消息的 JSON（截断至 500 字符）")


class QuarantineItem(Stored):
    """One refused message: the readings it lost, by reason, with a few samples."""

    enterprise_id: str
    received_at: Instant
    gateway_id: str
    message_id: str
    reason: str = Field(description="出现最多的原因")
    reasons: dict[str, int] = Field(description="原因 -> 被拒读数条数")
    rejected: int = Field(description="该消息被拒的读数条数（整条消息被拒时为其全部读数）")
    samples: list[QuarantineSample] = Field(description="至多 5 条样本")


class QuarantinePage(Schema):
    items: list[QuarantineItem]
    next_cursor: str | None = None


class ReadingsQuery(Strict, Window):
    from_: IsoTime = Field(alias="from")
    to: IsoTime
    limit: int = Field(default=5000, ge=1, le=20000)


class ReadingPoint(Stored):
    ts: Instant
    value: float | None
    quality: str


class ReadingsOut(Schema):
    tag_id: str
    unit: str
    points: list[ReadingPoint]
    truncated: bool


class OnlineQuery(Strict):
    enterprise_id: str | None = None
