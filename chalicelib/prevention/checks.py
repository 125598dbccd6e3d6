"""Check occurrences and records (排查记录, 5.1.2-1): the sweep that opens occurrences when due and flags the
missed ones (raising their unit's class), recording a check, and the per-enterprise summary."""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from typing import Any

from chalicelib.core import auditing, clock, errors
from chalicelib.core.auditing import AuditEntry
from chalicelib.core.identity import Identity
from chalicelib.core.observability import logger
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional, get_or_404, scoped_page
from chalicelib.prevention import domain, store


def stops_of(unit_id: str) -> list[tuple[int, int]]:
    """The unit's 停用检修 periods as [start, end) in ms."""
    parts = store.UnitPartModel.query(unit_id, store.UnitPartModel.key.startswith("stop#"))
    return [(p.data()["starts_ms"], p.data()["ends_ms"]) for p in parts]


def _missed_delta(unit_id: str, delta: int) -> None:
    unit = store.RiskUnitModel
    unit(unit_id).update(actions=[unit.missed_open.add(delta)], condition=unit.id.exists())


def _open_due(task: store.CheckTaskModel, now: int, offset_h: int, stops: list[tuple[int, int]]) -> tuple[int, int]:
    """Open the task's occurrences whose window has started; those starting inside a stop are skipped."""
    doc = task.doc
    due = domain.due_windows(int(task.starts_ms), doc["cycle"], doc["cycle_unit"], int(task.next_index), now, offset_h)
    if not due:
        return 0, 0
    opened = skipped = 0
    for index, begin, end in due:
        if domain.overlaps(stops, begin, begin + 1):
            skipped += 1
            continue
        item = store.CheckRecordModel(
            f"{task.id}.{index}",
            enterprise_id=task.enterprise_id,
            task_id=task.id,
            unit_id=task.unit_id,
            status=domain.Status.OPEN,
            window_start_ms=begin,
            deadline_ms=end,
        )
        with conditional() as claim:
            item.save(condition=store.CheckRecordModel.id.does_not_exist())
        opened += 0 if claim.failed else 1
    task.next_index = due[-1][0] + 1
    with conditional():  # a concurrent sweep advanced it first: its occurrences are the same ones
        task.save()
    return opened, skipped


def _close_overdue(item: store.CheckRecordModel, now: int, stops: list[tuple[int, int]]) -> str:
    """An open occurrence whose window ended: missed, or excused when a stop overlapped its window."""
    begin, end = int(item.window_start_ms), int(item.deadline_ms)
    status = domain.Status.SUSPENDED if domain.overlaps(stops, begin, end) else domain.Status.MISSED
    with conditional() as write:
        item.update(
            actions=[store.CheckRecordModel.status.set(status)],
            condition=store.CheckRecordModel.status == domain.Status.OPEN,
        )
    if write.failed:
        return "unchanged"  # recorded meanwhile
    if status is domain.Status.MISSED:
        _missed_delta(item.unit_id, 1)
    return status.value


def sweep() -> dict[str, int]:
    """Every few minutes (5.1.2-1): open what is due, flag what was missed. Conditional writes make a rerun
    or a concurrent run harmless."""
    now, offset = clock.now_ms(), get_settings().park_utc_offset_h
    counts = {"opened": 0, "skipped": 0, "missed": 0, "suspended": 0}
    stop_cache: dict[str, list[tuple[int, int]]] = {}

    def stops(unit_id: str) -> list[tuple[int, int]]:
        if unit_id not in stop_cache:
            stop_cache[unit_id] = stops_of(unit_id)
        return stop_cache[unit_id]

    for task in store.CheckTaskModel.scan(store.CheckTaskModel.active == True):  # noqa: E712
        try:
            opened, skipped = _open_due(task, now, offset, stops(task.unit_id))
        except Exception:  # one broken task must not stop the others
            logger.exception("check task sweep failed", extra={"task_id": task.id})
            continue
        counts["opened"] += opened
        counts["skipped"] += skipped
    closed: dict[str, list[str]] = {"missed": [], "suspended": []}
    for item in store.CheckRecordModel.by_status.query(
        domain.Status.OPEN.value, store.CheckRecordModel.deadline_ms <= now
    ):
        outcome = _close_overdue(item, now, stops(item.unit_id))
        if outcome in closed:
            counts[outcome] += 1
            closed[outcome].append(item.id)
    logger.info("check sweep", extra=counts)
    if closed["missed"] or closed["suspended"]:
        _audit(counts, closed)
    return counts


def _audit(counts: dict[str, int], closed: dict[str, list[str]]) -> None:
    """One audit entry per sweep that flagged checks (no route audits the system's changes)."""
    details = {**counts, **{k: v[:200] for k, v in closed.items()}}
    try:
        auditing.record(AuditEntry(actor="system", role="system", action="prevention.check_sweep", details=details))
    except Exception:  # the statuses are kept; the gap is logged
        logger.exception("audit append failed", extra={"action": "prevention.check_sweep"})


def record(task_id: str, result: str, note: str, who: Identity) -> dict[str, Any]:
    """Record the task's due check: the open occurrence (done, or late past its window), else the most recent
    missed one (made up: late, and it no longer raises the unit's class)."""
    task = get_or_404(store.CheckTaskModel, task_id, field="task_id")
    if not who.can_see(task.enterprise_id):
        raise errors.NOT_FOUND(details={"task_id": task_id})
    pending = [
        r
        for r in store.CheckRecordModel.by_task.query(task_id, scan_index_forward=False)
        if r.status in (domain.Status.OPEN, domain.Status.MISSED)
    ]
    if not pending:
        raise domain.NOTHING_DUE(details={"task_id": task_id})
    item = next((r for r in pending if r.status == domain.Status.OPEN), pending[0])
    now, before = clock.now_ms(), item.status
    status = domain.recorded_status(before, int(item.deadline_ms), now)
    doc = {"result": result, "note": note, "by": who.subject, "name": who.name}
    with conditional(errors.CONFLICT(details={"record_id": item.id})):
        item.update(
            actions=[
                store.CheckRecordModel.status.set(status),
                store.CheckRecordModel.done_ms.set(now),
                store.CheckRecordModel.doc.set(doc),
            ],
            condition=store.CheckRecordModel.status == before,
        )
    if before == domain.Status.MISSED:
        _missed_delta(item.unit_id, -1)
    return item.data()


def records_page(
    who: Identity, enterprise_id: str | None, status: str | None, task_id: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    clauses = ([store.CheckRecordModel.status == status] if status else []) + (
        [store.CheckRecordModel.task_id == task_id] if task_id else []
    )
    condition = functools.reduce(operator.and_, clauses) if clauses else None
    scope = who.scope(enterprise_id)
    items, last = scoped_page(
        store.CheckRecordModel, store.CheckRecordModel.by_enterprise, scope, condition, limit, decode_cursor(cursor)
    )
    return [i.data() for i in items], encode_cursor(last)


@dataclass(frozen=True)
class CheckSummary:
    """What the enterprise risk profile reads (5.1.2-2): occurrences due since a time, by outcome."""

    due: int
    on_time: int
    late: int
    missed: int
    open: int
    suspended: int


def check_summary(enterprise_id: str, since_ms: int) -> CheckSummary:
    items = list(
        store.CheckRecordModel.by_enterprise.query(enterprise_id, store.CheckRecordModel.window_start_ms >= since_ms)
    )
    count = {s: sum(1 for r in items if r.status == s) for s in domain.Status}
    return CheckSummary(
        due=len(items),
        on_time=count[domain.Status.DONE],
        late=count[domain.Status.LATE],
        missed=count[domain.Status.MISSED],
        open=count[domain.Status.OPEN],
        suspended=count[domain.Status.SUSPENDED],
    )
