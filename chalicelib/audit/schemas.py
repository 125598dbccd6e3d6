"""Audit HTTP contracts."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import Instant, IsoTime, Schema, Window


class AuditQuery(PageQuery, Window):
    actor: str | None = Field(default=None, description="操作人 (token sub)")
    target: str | None = Field(default=None, description="操作对象")
    action: str | None = Field(default=None, description="操作名，如 installations.create")
    result: str | None = Field(default=None, description="ok 或错误码")
    enterprise_id: str | None = Field(default=None, description="操作人所属企业")
    from_: IsoTime | None = Field(default=None, alias="from", description="起始时间 (ISO-8601 或毫秒)")
    to: IsoTime | None = Field(default=None, description="截止时间 (ISO-8601 或毫秒)")


class AuditRecordOut(Schema):
    seq: int | None = Field(description="链上序号；尚未定序 (state=pending) 时为空")
    id: str
    ts: Instant
    actor: str
    role: str
    enterprise_id: str
    action: str
    target: str
    result: str
    status: int
    request_id: str
    source_ip: str
    details: dict[str, Any]
    prev_hash: str
    hash: str
    state: str = Field(default="chained", description="chained 已入链 | pending 已持久保存、待定序入链")


class AuditPage(Schema):
    items: list[AuditRecordOut]
    next_cursor: str | None = None


class ChainBreak(Schema):
    seq: int
    record_id: str
    reason: str = Field(
        description="hash_mismatch | prev_hash_mismatch | missing_record | head_mismatch | signed_hash_mismatch"
        " | checkpoint_mismatch | signature_invalid | missing_checkpoint"
    )


class VerifyQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    from_seq: int | None = Field(
        default=None, ge=0, description="从该签名检查点继续校验（上次返回的 next_from_seq；0 为从头）"
    )


class VerifyOut(Schema):
    ok: bool
    checked: int = Field(description="本次读取并校验的链上记录数（每次至多 1000 条）")
    head_seq: int
    first_break: ChainBreak | None
    verified_through: int = Field(default=0, description="已对照签名检查点校验通过的最大序号")
    checkpoint_seq: int = Field(default=0, description="最新签名检查点的序号")
    pending: int = Field(default=0, description="已持久保存但尚未入链或尚未签名的记录数（不是缺失）")
    next_from_seq: int | None = Field(default=None, description="未校验完：下次以 from_seq 继续")
