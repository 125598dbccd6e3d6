"""Audit use cases: append (serialised through the head item), query with filters, verify the chain."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

import orjson
from pynamodb.exceptions import DoesNotExist

from chalicelib.audit import domain, store
from chalicelib.core import clock, errors, ids
from chalicelib.core.auditing import AuditEntry
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.store import conditional, transaction

AUDIT_CONTENDED = errors.define(
    "AUDIT_CONTENDED", 503, "审计日志写入繁忙，请重试", "Too many concurrent appends lost the race for the chain head."
)
MAX_ATTEMPTS = 12


def _head() -> tuple[int, str]:
    try:
        head = store.AuditRecordModel.get(store.HEAD, 0, consistent_read=True)
        return int(head.last_seq or 0), head.last_hash or domain.GENESIS
    except DoesNotExist:
        return 0, domain.GENESIS


def append(entry: AuditEntry) -> dict[str, Any]:
    """Append one record at the chain's end; concurrent appenders retry on the head's version."""
    details = orjson.loads(orjson.dumps(entry.details, default=str))  # canonical JSON types only
    for attempt in range(MAX_ATTEMPTS):
        last_seq, last_hash = _head()
        record = {
            "seq": last_seq + 1,
            "id": ids.new_id("aud"),
            "ts": clock.now_ms(),
            "actor": entry.actor,
            "role": entry.role,
            "enterprise_id": entry.enterprise_id,
            "action": entry.action,
            "target": entry.target or "-",
            "result": entry.result,
            "status": entry.status,
            "request_id": entry.request_id,
            "source_ip": entry.source_ip,
            "details": details,
            "prev_hash": last_hash,
        }
        record["hash"] = domain.chain_hash(last_hash, record)
        item = store.AuditRecordModel(
            store.CHAIN,
            record["seq"],
            **{k: v for k, v in record.items() if k not in ("seq", "details")},
            details_json=orjson.dumps(details, option=orjson.OPT_SORT_KEYS).decode(),
        )
        head = store.AuditRecordModel(store.HEAD, 0, last_seq=record["seq"], last_hash=record["hash"])
        head_condition = (
            store.AuditRecordModel.last_seq == last_seq if last_seq else store.AuditRecordModel.chain.does_not_exist()
        )
        with conditional():  # another appender took this sequence number: retry on the new head
            with transaction() as tx:
                tx.save(item, condition=store.AuditRecordModel.seq.does_not_exist())
                tx.save(head, condition=head_condition)
            return record
        time.sleep(random.uniform(0, 0.01 * (attempt + 1)))
    raise AUDIT_CONTENDED()


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    target: str | None = None
    action: str | None = None
    result: str | None = None
    enterprise_id: str | None = None
    from_ms: int | None = None
    to_ms: int | None = None


def query(flt: AuditFilter, limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first. Actor and target use their indexes; the other filters apply server-side."""
    condition = None
    for attr, value in (
        (store.AuditRecordModel.action, flt.action),
        (store.AuditRecordModel.result, flt.result),
        (store.AuditRecordModel.enterprise_id, flt.enterprise_id),
    ):
        if value is not None:
            condition = attr == value if condition is None else condition & (attr == value)
    if flt.from_ms is not None:
        c = store.AuditRecordModel.ts >= flt.from_ms
        condition = c if condition is None else condition & c
    if flt.to_ms is not None:
        c = store.AuditRecordModel.ts <= flt.to_ms
        condition = c if condition is None else condition & c
    kwargs: dict[str, Any] = {
        "filter_condition": condition,
        "scan_index_forward": False,
        "limit": limit,
        "last_evaluated_key": decode_cursor(cursor),
    }
    if flt.actor is not None:
        results = store.AuditRecordModel.by_actor.query(flt.actor, **kwargs)
    elif flt.target is not None:
        results = store.AuditRecordModel.by_target.query(flt.target, **kwargs)
    else:
        results = store.AuditRecordModel.query(store.CHAIN, **kwargs)
    items = [r.as_record() for r in results]
    return items, encode_cursor(results.last_evaluated_key)


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int
    head_seq: int
    first_break: domain.Break | None


def verify() -> VerifyReport:
    """Recompute the whole chain in seq order and compare its end with the head item."""
    head_seq, head_hash = _head()
    records = (r.as_record() for r in store.AuditRecordModel.query(store.CHAIN, scan_index_forward=True))
    broken, checked, last_hash = domain.first_break(records)
    if broken is None and (checked != head_seq or last_hash != head_hash):
        broken = domain.Break(checked + 1 if checked < head_seq else head_seq, "", "head_mismatch")
    return VerifyReport(ok=broken is None, checked=checked, head_seq=head_seq, first_break=broken)
