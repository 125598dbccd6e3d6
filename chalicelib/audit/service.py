"""Audit use cases: keep an entry (one put under its own id), list records (pending and chained), verify.

Appends never contend: each entry is one unconditional put of a new item in the pending table, so any
number of concurrent writers all succeed or fail on their own. The sequencer (audit.sequencer) chains
pending entries in order; until then they read as `state: "pending"` (docs/audit.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from chalicelib.audit import store
from chalicelib.audit.verify import VerifyReport, verify
from chalicelib.core import clock, ids
from chalicelib.core.auditing import AuditEntry
from chalicelib.core.pagination import INVALID_CURSOR, decode_cursor, encode_cursor
from chalicelib.core.store import filtered_page

__all__ = ["AuditFilter", "VerifyReport", "append", "query", "verify"]


def append(entry: AuditEntry) -> dict[str, Any]:
    """Store one entry durably under its id (a new one unless the entry names one); returns the record."""
    details = orjson.loads(orjson.dumps(entry.details, default=str))  # canonical JSON types only
    item = store.PendingEntryModel(
        store.PENDING,
        entry.id or ids.new_id("aud"),
        ts=clock.now_ms(),
        actor=entry.actor,
        role=entry.role,
        enterprise_id=entry.enterprise_id,
        action=entry.action,
        target=entry.target or "-",
        result=entry.result,
        status=entry.status,
        request_id=entry.request_id,
        source_ip=entry.source_ip,
        details_json=orjson.dumps(details, option=orjson.OPT_SORT_KEYS).decode(),
    )
    item.save()
    return item.as_record()


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    target: str | None = None
    action: str | None = None
    result: str | None = None
    enterprise_id: str | None = None
    from_ms: int | None = None
    to_ms: int | None = None


def _condition(model: Any, flt: AuditFilter, indexed: bool) -> Any:
    pairs = [(model.action, flt.action), (model.result, flt.result), (model.enterprise_id, flt.enterprise_id)]
    if not indexed:  # the pending table has no actor/target index: filter there too
        pairs += [(model.actor, flt.actor), (model.target, flt.target)]
    parts = [attr == value for attr, value in pairs if value is not None]
    if flt.from_ms is not None:
        parts.append(model.ts >= flt.from_ms)
    if flt.to_ms is not None:
        parts.append(model.ts <= flt.to_ms)
    condition = None
    for part in parts:
        condition = part if condition is None else condition & part
    return condition


def _chained(flt: AuditFilter, limit: int, key: Any) -> tuple[list[dict[str, Any]], Any]:
    model = store.AuditRecordModel
    condition = _condition(model, flt, indexed=True)
    kwargs: dict[str, Any] = {"filter_condition": condition, "scan_index_forward": False, "last_evaluated_key": key}
    if flt.actor is not None:
        results = model.by_actor.query(flt.actor, **kwargs)
    elif flt.target is not None:
        results = model.by_target.query(flt.target, **kwargs)
    else:
        results = model.query(store.CHAIN, **kwargs)
    rows, last = filtered_page(model, results, limit, filtered=condition is not None)
    return [r.as_record() for r in rows], last


def query(flt: AuditFilter, limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first: entries still pending, then the chain. Actor and target use the chain's indexes; other
    filters read a bounded number of records per page (core.store.filtered_page), so a page may be short or
    empty and still carry a cursor. The cursor says which of the two it continues (`src`) and where (`key`)."""
    state = decode_cursor(cursor) or {"src": "pending"}
    src, key = state.get("src"), state.get("key")
    if src not in ("pending", "chain") or (key is not None and not isinstance(key, dict)):
        raise INVALID_CURSOR()
    items: list[dict[str, Any]] = []
    if src == "pending":
        model = store.PendingEntryModel
        condition = _condition(model, flt, indexed=False)
        kwargs = {"filter_condition": condition, "scan_index_forward": False, "last_evaluated_key": key}
        results = model.query(store.PENDING, **kwargs)
        rows, key = filtered_page(model, results, limit, filtered=condition is not None)
        items = [r.as_record() for r in rows]
        if key:
            return items, encode_cursor({"src": "pending", "key": key})
    room = limit - len(items)
    if room <= 0:
        return items, encode_cursor({"src": "chain"})
    chained, last = _chained(flt, room, key)
    return items + chained, encode_cursor({"src": "chain", "key": last}) if last else None
