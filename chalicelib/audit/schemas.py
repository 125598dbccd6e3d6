"""Audit HTTP contracts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import Schema, Window


class AuditQuery(PageQuery, Window):
    actor: str | None = Field(default=None, description="操作人 (token sub)")
    target: str | None = Field(default=None, description="操作对象")
    action: str | None = Field(default=None, description="操作名，如 installations.create")
    result: str | None = Field(default=None, description="ok 或错误码")
    enterprise_id: str | None = Field(default=None, description="操作人所属企业")
    from_: datetime | None = Field(default=None, alias="from", description="起始时间 (ISO-8601 或毫秒)")
    to: datetime | None = Field(default=None, description="截止时间 (ISO-8601 或毫秒)")


class AuditRecordOut(Schema):
    seq: int
    id: str
    ts: datetime
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


class AuditPage(Schema):
    items: list[AuditRecordOut]
    next_cursor: str | None = None


class ChainBreak(Schema):
    seq: int
    record_id: str
    reason: str = Field(description="hash_mismatch | prev_hash_mismatch | missing_record | head_mismatch")


class VerifyOut(Schema):
    ok: bool
    checked: int
    head_seq: int
    first_break: ChainBreak | None
