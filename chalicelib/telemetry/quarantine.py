"""Quarantine use cases: keep what ingest refused (one bounded row per message) and list it for people.

Enterprise users see their own enterprise; park users see one enterprise, `_unknown`, or, with no filter,
every enterprise newest first (through the by-day index: at most one query per day of the window).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from chalicelib.core import clock
from chalicelib.core.clock import to_ms
from chalicelib.core.identity import Identity
from chalicelib.core.pagination import decode_cursor, encode_cursor, invalid_cursor
from chalicelib.telemetry import store
from chalicelib.telemetry.domain import Rejected
from chalicelib.telemetry.domain.quarantine import summarise
from chalicelib.telemetry.schemas import QuarantineItem, QuarantinePage, QuarantineQuery

QUARANTINE_DAYS = 30  # kept this long (the table's TTL), and the longest park-wide window
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d")


def record(rejected: list[tuple[str, str, str, Rejected]], now: int) -> int:
    """Write one row per refused message; returns the rows written."""
    records = summarise(rejected)
    if not records:
        return 0
    expires = datetime.fromtimestamp(now / 1000, UTC) + timedelta(days=QUARANTINE_DAYS)
    with store.QuarantineModel.batch_write() as batch:
        for r in records:
            batch.save(
                store.QuarantineModel(
                    r.enterprise_id,
                    f"{now:013d}#{r.message_id}",
                    day=_day(now),
                    received_ms=now,
                    reason=r.reason,
                    reasons=orjson.dumps(dict(r.reasons)).decode(),
                    reason_codes=set(r.reasons),
                    rejected=r.rejected,
                    gateway_id=r.gateway_id,
                    message_id=r.message_id,
                    samples=orjson.dumps(r.samples).decode(),
                    expires=expires,
                )
            )
    return len(records)


def _item(row: Any) -> QuarantineItem:
    return QuarantineItem.model_validate(
        {
            "enterprise_id": row.enterprise_id,
            "received_ms": int(row.received_ms),
            "gateway_id": row.gateway_id,
            "message_id": row.message_id,
            "reason": row.reason,
            "reasons": orjson.loads(row.reasons),
            "rejected": int(row.rejected),
            "samples": orjson.loads(row.samples),
        }
    )


def page(who: Identity, q: QuarantineQuery) -> QuarantinePage:
    """Newest first, filtered by reason and window; park-wide when a park user names no enterprise."""
    now = clock.now_ms()
    # nothing older than the retention is kept, so an earlier `from` reads no more days than the default
    lo_ms = max(to_ms(q.from_) if q.from_ else 0, now - QUARANTINE_DAYS * 86_400_000)
    # and nothing is received in the future: a `to` in year 9999 would have the park-wide reader walk 3 million days
    hi_ms = min(to_ms(q.to), now + 60_000) if q.to else now + 60_000
    keys = store.QuarantineModel.key.between(f"{lo_ms:013d}", f"{hi_ms:013d}~")
    live = store.QuarantineModel.expires > clock.now()  # moto never expires TTL items; AWS takes up to days
    condition = live & store.QuarantineModel.reason_codes.contains(q.reason) if q.reason else live
    scope = who.scope(q.enterprise_id)
    if scope is not None:
        results = store.QuarantineModel.query(
            scope,
            keys,
            filter_condition=condition,
            scan_index_forward=False,
            limit=q.limit,
            last_evaluated_key=decode_cursor(q.cursor),
        )
        items = [_item(r) for r in results]
        return QuarantinePage(items=items, next_cursor=encode_cursor(results.last_evaluated_key))
    return _park_wide(q, keys, condition, _day(lo_ms), _day(hi_ms))


def _park_wide(q: QuarantineQuery, keys: Any, condition: Any, first_day: str, last_day: str) -> QuarantinePage:
    """Every enterprise's rows, day by day from the newest; the cursor names the day and the key within it."""
    day, start = last_day, None
    cursor = decode_cursor(q.cursor)
    if cursor is not None:
        named, start = cursor.get("d"), cursor.get("k")
        if not (isinstance(named, str) and _DAY.fullmatch(named)) or not (start is None or isinstance(start, dict)):
            raise invalid_cursor()
        day = min(named, last_day)  # a cursor naming a later day (forged, or from a later clock) starts at the last
    items: list[QuarantineItem] = []
    if day < first_day:
        return QuarantinePage(items=items, next_cursor=None)
    while len(items) < q.limit:
        results = store.QuarantineModel.by_day.query(
            day,
            keys,
            filter_condition=condition,
            scan_index_forward=False,
            limit=q.limit - len(items),
            last_evaluated_key=start,
        )
        items += [_item(r) for r in results]
        start = results.last_evaluated_key
        if start is None:
            day = (datetime.strptime(day, "%Y-%m-%d") - timedelta(days=1)).strftime("%Y-%m-%d")
            if day < first_day:
                return QuarantinePage(items=items, next_cursor=None)
    return QuarantinePage(items=items, next_cursor=encode_cursor({"d": day, "k": start}))
