"""Audit routes: read the log (auditor) and verify its hash chain."""

from __future__ import annotations

from dataclasses import asdict

from chalice import Blueprint

from chalicelib.audit import service
from chalicelib.audit.schemas import AuditPage, AuditQuery, AuditRecordOut, ChainBreak, VerifyOut, VerifyQuery
from chalicelib.core.clock import from_ms, to_ms
from chalicelib.core.http import Call, route
from chalicelib.core.identity import Role

bp = Blueprint(__name__)


@route(bp, "/audit/records", roles=[Role.AUDITOR], query=AuditQuery, response=AuditPage, audit=True)
def list_records(call: Call) -> AuditPage:
    """查询审计日志 (newest first; filter by actor, target, action, result, enterprise, time)."""
    q: AuditQuery = call.query
    flt = service.AuditFilter(
        actor=q.actor,
        target=q.target,
        action=q.action,
        result=q.result,
        enterprise_id=q.enterprise_id,
        from_ms=to_ms(q.from_) if q.from_ else None,
        to_ms=to_ms(q.to) if q.to else None,
    )
    items, cursor = service.query(flt, q.limit, q.cursor)
    return AuditPage(
        items=[AuditRecordOut.model_validate({**r, "ts": from_ms(r["ts"])}) for r in items], next_cursor=cursor
    )


@route(bp, "/audit/verify", roles=[Role.AUDITOR, Role.OPS_ENGINEER], query=VerifyQuery, response=VerifyOut, audit=True)
def verify_chain(call: Call) -> VerifyOut:
    """校验审计日志哈希链（对照签名检查点，增量、每次有上限），报告第一处被改写的记录。"""
    report = service.verify(call.query.from_seq)
    fields = asdict(report)
    found = fields.pop("first_break")
    broken = ChainBreak(**found) if found else None
    call.audit_details = {"ok": report.ok, "checked": report.checked, "verified_through": report.verified_through}
    return VerifyOut(**fields, first_break=broken)
