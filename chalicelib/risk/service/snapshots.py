"""Daily profile snapshots (5.1.2-2): the sweep refreshes every enterprise's colour and keeps one snapshot per
park-local day (TTL `risk_snapshot_days`); the profile's trend and the monthly report read them back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

import orjson

from chalicelib.core import clock
from chalicelib.core.identity import SYSTEM
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional
from chalicelib.registry import service as registry
from chalicelib.risk import store
from chalicelib.risk.domain import report
from chalicelib.risk.service import levels

DAY_MS = 86_400_000


def enterprise_ids() -> Iterator[str]:
    """Every enterprise of the park."""
    yield from (e.id for e in registry.enterprises(SYSTEM))


def take(enterprises: Iterable[str] | None = None) -> dict[str, int]:
    """Refresh each enterprise's colour and keep today's snapshot once (a rerun the same day adds nothing);
    one enterprise failing does not stop the others."""
    now, settings = clock.now_ms(), get_settings()
    day = report.local_day(now, settings.park_utc_offset_h)
    expires = clock.from_ms(now) + timedelta(days=settings.risk_snapshot_days)
    counts = {"refreshed": 0, "taken": 0, "failed": 0}
    for enterprise_id in enterprise_ids() if enterprises is None else enterprises:
        try:
            result = levels.refresh_enterprise(enterprise_id)
            item = store.SnapshotModel(
                enterprise_id,
                day,
                score=result.score,
                level=result.level,
                contributions=orjson.dumps(result.as_dict()["contributions"]).decode(),
                taken_ms=now,
                expires=expires,
            )
            with conditional() as write:
                item.save(condition=store.SnapshotModel.enterprise_id.does_not_exist())
        except Exception:  # the next run (hourly) tries again; the day's snapshot is still missing until then
            logger.exception("risk snapshot failed", extra={"enterprise_id": enterprise_id})
            counts["failed"] += 1
            continue
        counts["refreshed"] += 1
        counts["taken"] += not write.failed
    levels.roll_up_park()  # each refresh rolls up only on a new colour: once an hour, whatever happened meanwhile
    return counts


def between(enterprise_id: str, first_day: str, last_day: str) -> list[report.Snapshot]:
    """The enterprise's snapshots from `first_day` to `last_day` (park-local dates), oldest first."""
    model = store.SnapshotModel
    live = model.expires > clock.now()  # moto never expires TTL items (and AWS takes up to days)
    items = model.query(enterprise_id, model.day.between(first_day, last_day), filter_condition=live)
    return [report.Snapshot(i.day, int(i.score), i.level, tuple(orjson.loads(i.contributions))) for i in items]


def trend(enterprise_id: str, days: int) -> list[dict[str, Any]]:
    """Score and colour of each of the last `days` park-local days that has a snapshot."""
    now, offset = clock.now_ms(), get_settings().park_utc_offset_h
    first, last = report.local_day(now - (days - 1) * DAY_MS, offset), report.local_day(now, offset)
    return [{"day": s.day, "score": s.score, "level": s.level} for s in between(enterprise_id, first, last)]
