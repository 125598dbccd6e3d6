"""督办 (supervision orders, 5.1.2-3): issued for every major danger and every overdue one, notified to the
liable person and the park safety department, answered by the enterprise, escalated to the park when
unanswered, closed when the danger is accepted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.core import auditing, clock, errors
from chalicelib.core.auditing import AuditEntry
from chalicelib.core.identity import Identity
from chalicelib.core.observability import logger
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.schemas import Priority
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional, get_or_404, scoped_page
from chalicelib.dangers import domain, ports, store
from chalicelib.notify import service as notify
from chalicelib.registry import service as registry


def tell_subscribers(enterprise_id: str) -> None:
    """The enterprise's dangers or orders changed (risk follows); a subscriber's failure is only logged."""
    for subscriber in ports.PORTS.subscribers:
        try:
            subscriber(enterprise_id)
        except Exception:
            logger.exception("danger subscriber failed", extra={"enterprise_id": enterprise_id})


def audit_system(action: str, target: str, enterprise_id: str, **details: Any) -> None:
    """A state change the sweep made (no route audits it): recorded like a route's, as the system."""
    try:
        auditing.record(
            AuditEntry(
                actor="system",
                role="system",
                action=action,
                target=target,
                enterprise_id=enterprise_id,
                details=details,
            )
        )
    except Exception:  # the change is kept (and in the danger's history); the gap is logged
        logger.exception("audit append failed", extra={"action": action, "target": target})


def _sms(ref: str, name: str, phone: str, text: str, enterprise_id: str) -> str:
    """sent, duplicate (this person already has this order's text) or failed (the next sweep retries)."""
    try:
        sent = notify.send_sms(ref, notify.Recipient(name, phone, Priority.LOW), text, "supervision", enterprise_id)
    except Exception:  # the order stands; the notice is retried by the sweep
        logger.exception("supervision sms failed", extra={"ref": ref})
        return "failed"
    return "sent" if sent else "duplicate"


def notify_pending(item: store.OrderModel) -> int:
    """Text each recipient of the order whose notice is pending or failed; returns how many were sent."""
    doc, sent = item.doc, 0
    for notice in doc.get("notices", []):
        if notice["status"] in ("pending", "failed"):
            notice["status"] = _sms(item.id, notice["name"], notice["phone"], doc["text"], item.enterprise_id)
            sent += notice["status"] == "sent"
    item.update(actions=[store.OrderModel.doc.set(doc)], add_version_condition=False)
    return sent


def issue(danger: Mapping[str, Any], reason: str, actor: str = "system") -> dict[str, Any] | None:
    """The order for (danger, reason), once: a second call (a retried sweep) issues and notifies nothing.
    Its notices are kept as pending before any is sent, so a crash in between leaves them for the sweep."""
    now, settings = clock.now_ms(), get_settings()
    respond_by = now + settings.supervision_response_s * 1000
    liable = danger["liable_person"]
    notices = [{"to": "liable_person", "name": liable["name"], "phone": liable["phone"], "status": "pending"}]
    notices += [  # 园区安全管理部门
        {"to": "park_safety", "name": p.name, "phone": p.phone, "status": "pending"} for p in registry.park_contacts()
    ]
    text = domain.order_text(danger, reason, respond_by, settings.park_utc_offset_h)
    doc = {"title": danger["title"], "level": danger["level"], "text": text, "notices": notices, "issued_by": actor}
    item = store.OrderModel(
        f"sup_{danger['id']}_{reason}",
        danger_id=danger["id"],
        enterprise_id=danger["enterprise_id"],
        reason=reason,
        state="open",
        respond_by_ms=respond_by,
        created_ms=now,
        doc=doc,
    )
    with conditional() as claim:
        item.save(condition=store.OrderModel.id.does_not_exist())
    if claim.failed:
        return None
    notify_pending(item)
    store.event(danger["id"], now, actor, "supervision_issued", order_id=item.id, reason=reason).save()
    if actor == "system":  # a route's own audit entry covers an order issued inside it
        audit_system("dangers.supervision_issued", item.id, item.enterprise_id, danger_id=danger["id"], reason=reason)
    tell_subscribers(item.enterprise_id)
    return public(item)


def public(item: store.OrderModel) -> dict[str, Any]:
    """The order as the API shows it: recipients' phones masked (the order keeps them for retries)."""
    data = item.data()
    data["notices"] = [{**n, "phone": notify.mask(n["phone"])} for n in data.get("notices", [])]
    return data


def load(order_id: str, who: Identity) -> store.OrderModel:
    item = get_or_404(store.OrderModel, order_id, field="order_id")
    if not who.can_see(item.enterprise_id):
        raise errors.NOT_FOUND(details={"order_id": order_id})
    return item


def respond(order_id: str, progress: str, expected_ms: int | None, who: Identity) -> dict[str, Any]:
    """The enterprise's answer (反馈); answering again adds to the record. A closed order takes no answer."""
    item = load(order_id, who)
    if item.state == "closed":
        raise domain.ORDER_CLOSED(details={"order_id": order_id})
    now = clock.now_ms()
    doc = item.doc
    answer = {"by": who.subject, "name": who.name, "at_ms": now, "progress": progress, "expected_ms": expected_ms}
    doc["responses"] = [*doc.get("responses", []), answer]
    item.state, item.doc = "responded", doc
    with conditional(errors.CONFLICT(details={"order_id": order_id})):
        item.save()
    store.event(item.danger_id, now, who.subject, "supervision_responded", order_id=order_id).save()
    return public(item)


def escalate(item: store.OrderModel, danger: Mapping[str, Any]) -> bool:
    """Up to the park (the park's managers and the duty escalation chain), once per order."""
    now, offset = clock.now_ms(), get_settings().park_utc_offset_h
    item.escalated, item.escalated_ms = True, now
    with conditional() as write:
        item.save(condition=store.OrderModel.escalated == False)  # noqa: E712 (a DynamoDB condition)
    if write.failed:
        return False
    text = domain.escalation_text(danger, item.reason, int(item.respond_by_ms), offset)
    notify.publish("sms", "park", text, f"{item.id}:escalated", {"enterprise_id": item.enterprise_id})
    store.event(item.danger_id, now, "system", "supervision_escalated", order_id=item.id).save()
    audit_system("dangers.supervision_escalated", item.id, item.enterprise_id, danger_id=item.danger_id)
    tell_subscribers(item.enterprise_id)
    return True


def close_for(danger_id: str, enterprise_id: str, actor: str) -> int:
    """Close the danger's orders when it is accepted (销号): the 督办 loop ends with the rectification."""
    now, closed = clock.now_ms(), 0
    for reason in domain.REASON_LABEL:
        try:
            item = store.OrderModel.get(f"sup_{danger_id}_{reason}", consistent_read=True)
        except store.OrderModel.DoesNotExist:
            continue
        if item.state != "closed":
            item.update(actions=[store.OrderModel.state.set("closed"), store.OrderModel.closed_ms.set(now)])
            closed += 1
    if closed:
        tell_subscribers(enterprise_id)
    return closed


def of_danger(danger_id: str) -> list[dict[str, Any]]:
    out = []
    for reason in domain.REASON_LABEL:
        try:
            out.append(public(store.OrderModel.get(f"sup_{danger_id}_{reason}", consistent_read=True)))
        except store.OrderModel.DoesNotExist:
            continue
    return out


def list_page(
    who: Identity, enterprise_id: str | None, state: str | None, escalated: bool | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    scope = who.scope(enterprise_id)
    clauses = []
    if state:
        clauses.append(store.OrderModel.state == state)
    if escalated is not None:
        clauses.append(store.OrderModel.escalated == escalated)
    condition = None
    for clause in clauses:
        condition = clause if condition is None else condition & clause
    model = store.OrderModel
    items, last = scoped_page(model, model.by_enterprise, scope, condition, limit, decode_cursor(cursor))
    return [public(i) for i in items], encode_cursor(last)
