"""The patrol sweep (every 5 minutes): dispatch each active plan's tasks whose window starts within
`patrol_dispatch_ahead_s` (each pushed to its team's phones), and close the open tasks whose window ended,
flagging every checkpoint not checked in as missed. Every write is conditional (the task's id, the status it
expects), so a rerun does nothing twice."""

from __future__ import annotations

from chalicelib.core import auditing, clock
from chalicelib.core.auditing import AuditEntry
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional
from chalicelib.patrol import domain, notices, store


def _dispatch(plan: store.PlanModel, horizon: int) -> int:
    due = domain.due(int(plan.starts_ms), int(plan.period_ms), int(plan.window_ms), int(plan.next_index), horizon)
    if not due:
        return 0
    route = store.RouteModel.get(plan.route_id).doc
    team = plan.doc["team"]
    created = 0
    for index, begin, end in due:
        task = store.TaskModel(
            f"{plan.id}.{index}",
            plan_id=plan.id,
            route_id=plan.route_id,
            enterprise_id=plan.enterprise_id,
            team=team["name"],
            assignees={m["user_id"] for m in team["members"]},
            status=domain.TaskStatus.OPEN,
            window_start_ms=begin,
            window_end_ms=end,
            checkpoints=len(route["checkpoints"]),
            created_ms=clock.now_ms(),
        )
        with conditional() as claim:
            task.save(condition=store.TaskModel.id.does_not_exist())
        if not claim.failed:
            created += 1
            notices.task_dispatched(task.id, task.assignees, route["name"], begin, plan.enterprise_id)
    plan.next_index = due[-1][0] + 1
    with conditional():  # a concurrent sweep advanced it first: its tasks are the same ones
        plan.save()
    return created


def _close(task: store.TaskModel, now: int) -> tuple[str, list[str]]:
    """Flag the checkpoints nobody checked in, then close the task with its outcome."""
    route = store.RouteModel.get(task.route_id).doc
    done = {c.checkpoint_id: c.status for c in store.CheckinModel.query(task.id, consistent_read=True)}
    missed = []
    for cp in route["checkpoints"]:
        if cp["id"] in done:
            continue
        flag = store.CheckinModel(task.id, cp["id"], enterprise_id=task.enterprise_id, status="missed", at_ms=now)
        with conditional() as claim:
            flag.save(condition=store.CheckinModel.checkpoint_id.does_not_exist())
        if not claim.failed:
            missed.append(cp["id"])
    visited = sum(1 for c in store.CheckinModel.query(task.id, consistent_read=True) if c.status == "done")
    status = domain.outcome(int(task.checkpoints), visited)
    model = store.TaskModel
    with conditional() as write:
        task.update(
            actions=[model.status.set(status), model.visited.set(visited)],
            condition=model.status == domain.TaskStatus.OPEN,
        )
    return ("unchanged" if write.failed else status.value), missed


def sweep() -> dict[str, int]:
    now = clock.now_ms()
    horizon = now + get_settings().patrol_dispatch_ahead_s * 1000
    counts = {"dispatched": 0, "completed": 0, "incomplete": 0, "missed": 0, "missed_checkpoints": 0}
    for plan in store.PlanModel.scan(store.PlanModel.active == True):  # noqa: E712
        try:
            counts["dispatched"] += _dispatch(plan, horizon)
        except Exception:  # one broken plan must not stop the others
            logger.exception("patrol dispatch failed", extra={"plan_id": plan.id})
    flagged: dict[str, list[str]] = {}
    for task in store.TaskModel.by_status.query(domain.TaskStatus.OPEN.value, store.TaskModel.window_end_ms <= now):
        try:
            outcome, missed = _close(task, now)
        except Exception:
            logger.exception("patrol task close failed", extra={"task_id": task.id})
            continue
        if outcome in counts:
            counts[outcome] += 1
        if missed:
            flagged[task.id] = missed
            counts["missed_checkpoints"] += len(missed)
    logger.info("patrol sweep", extra=counts)
    if flagged:
        _audit(counts, flagged)
    return counts


def _audit(counts: dict[str, int], flagged: dict[str, list[str]]) -> None:
    """One audit entry per sweep that flagged missed checkpoints (no route audits the system's changes)."""
    details = {**counts, "missed_by_task": dict(list(flagged.items())[:200])}
    try:
        auditing.record(AuditEntry(actor="system", role="system", action="patrol.sweep", details=details))
    except Exception:  # the flags are kept; the gap is logged
        logger.exception("audit append failed", extra={"action": "patrol.sweep"})
