"""The hidden-danger sweep (every 5 minutes): overdue dangers get their 督办 order, a major danger's order or
regulator message that a failed follow-up left undone is repaired, failed notices are sent again, unanswered
orders go up to the park."""

from __future__ import annotations

from chalicelib.core import clock, errors
from chalicelib.core.observability import logger
from chalicelib.dangers import domain, store, supervision
from chalicelib.dangers.steps import commit, follow_up


def sweep() -> dict[str, int]:
    """The scheduled sweep: flag dangers past their time limit (and issue their overdue 督办), repair a major
    danger's order or regulator message a failed follow-up left undone, then escalate orders unanswered at
    their response deadline to the park. Each step is conditional: a rerun is harmless."""
    now, counts = clock.now_ms(), {"overdue": 0, "escalated": 0, "repaired": 0, "notices": 0}
    model = store.DangerModel
    late = model.deadline_ms <= now
    late &= model.state.is_in(*[s.value for s in domain.OPEN]) & (model.overdue == False)  # noqa: E712
    for item in model.scan(late):
        item.overdue = True
        try:
            commit(item, store.event(item.id, now, "system", "overdue", deadline_ms=int(item.deadline_ms or 0)))
        except errors.AppError:
            continue  # changed meanwhile (planned, accepted): the next sweep looks again
        supervision.audit_system("dangers.overdue", item.id, item.enterprise_id, deadline_ms=int(item.deadline_ms or 0))
        supervision.issue(item.data(), "overdue")
        counts["overdue"] += 1
    for item in model.scan(model.level == domain.Level.MAJOR):  # repair what a failed follow-up left undone
        reported = item.reported is not None and int(item.reported) == domain.STATE_CODE[item.state]
        if not reported or (item.state in domain.OPEN and not supervision.of_danger(item.id)):
            follow_up(item)
            counts["repaired"] += 1
    orders = store.OrderModel
    for order in orders.scan(orders.doc.mentions('"status":"failed"') | orders.doc.mentions('"status":"pending"')):
        counts["notices"] += supervision.notify_pending(order)  # texts that failed (or were cut short) before
    unanswered = (orders.state == "open") & (orders.escalated == False) & (orders.respond_by_ms <= now)  # noqa: E712
    for order in orders.scan(unanswered):
        try:
            danger = store.DangerModel.get(order.danger_id).data()
            counts["escalated"] += supervision.escalate(order, danger)
        except Exception:
            logger.exception("supervision escalation failed", extra={"order_id": order.id})
    return counts
