"""Warning read side: scoped lists, detail with timeline, open warnings, KPIs."""

from __future__ import annotations

from typing import Any

from chalicelib.core.identity import Identity
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.warnings import domain, store
from chalicelib.warnings.domain import Status
from chalicelib.warnings.service.records import load


def public(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("token", "slot")}


def timeline(warning_id: str) -> list[dict[str, Any]]:
    return [
        {"ts": int(e.ts), "action": e.action, "actor": e.actor, **e.doc}
        for e in store.WarningEventModel.query(warning_id, scan_index_forward=True)
    ]


def detail(warning_id: str, who: Identity) -> dict[str, Any]:
    return {"warning": public(load(warning_id, who).data()), "timeline": timeline(warning_id)}


def search(
    who: Identity, enterprise_id: str | None, status: Status | None, lo: int, hi: int, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    scope = who.scope(enterprise_id)
    condition = store.WarningModel.status == status.value if status else None
    if scope is not None:
        results = store.WarningModel.by_enterprise.query(
            scope,
            store.WarningModel.created_ms.between(lo, hi),
            condition,
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=decode_cursor(cursor),
        )
    else:
        flt = store.WarningModel.created_ms.between(lo, hi)
        results = store.WarningModel.scan(
            flt & condition if condition is not None else flt, limit=limit, last_evaluated_key=decode_cursor(cursor)
        )
    items = sorted((public(i.data()) for i in results), key=lambda w: w["created_ms"], reverse=True)
    return items, encode_cursor(results.last_evaluated_key)


def open_ids() -> list[str]:
    """Warnings not closed yet (carried over at a shift handover)."""
    done = (Status.CLOSED.value, Status.FALSE_ALARM.value)
    return sorted(i.id for i in store.WarningModel.scan(~store.WarningModel.status.is_in(*done)))


def kpis(who: Identity, enterprise_id: str | None, lo: int, hi: int) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page, cursor = search(who, enterprise_id, None, lo, hi, 200, cursor)
        items += page
        if not cursor:
            return {"from": lo, "to": hi, **domain.kpis(items)}
