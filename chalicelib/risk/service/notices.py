"""Risk notices (风险提示, 5.1.2-3): issued by the park to one enterprise and texted to its managers (notify),
acknowledged and closed with a response by the enterprise; lists show what is unacknowledged or overdue."""

from __future__ import annotations

import functools
import operator
from typing import Any

from chalicelib.core import clock, errors, ids
from chalicelib.core.identity import Identity
from chalicelib.core.observability import logger
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional, get_or_404, scoped_page
from chalicelib.notify import service as notify
from chalicelib.registry import service as registry
from chalicelib.risk import store
from chalicelib.risk.domain import LABELS, notices
from chalicelib.risk.domain.report import local_text


def public(item: store.NoticeModel, now_ms: int | None = None) -> dict[str, Any]:
    """The notice as the API shows it: recipients' phones masked, whether it is overdue now."""
    data = item.data()
    data["sms"] = [{**s, "phone": notify.mask(s["phone"])} for s in data["sms"]]
    now = clock.now_ms() if now_ms is None else now_ms
    data["overdue"] = notices.is_overdue(item.state, data["due_ms"], now)
    data["label"] = LABELS[item.level]
    return data


def _text(s: store.NoticeModel) -> str:
    name = s.doc.get("enterprise_name", s.enterprise_id)
    due = local_text(int(s.due_ms), get_settings().park_utc_offset_h) if s.due_ms is not None else None
    return notices.sms_text(name, s.title, LABELS[s.level], s.id, due)


def _send(item: store.NoticeModel) -> int:
    """Text each recipient not yet texted (pending or failed); kept on the notice, retried by the sweep."""
    doc, sent = item.doc, 0
    priority = notices.PRIORITY[item.level]
    for s in doc.get("sms", []):
        if s["status"] not in ("pending", "failed"):
            continue
        try:
            to = notify.Recipient(s["name"], s["phone"], priority)
            ok = notify.send_sms(item.id, to, _text(item), "risk_notice", item.enterprise_id)
            s["status"] = "sent" if ok else "duplicate"
            sent += ok
        except Exception:  # the notice stands; the hourly sweep sends it again
            logger.exception("risk notice sms failed", extra={"notice_id": item.id})
            s["status"] = "failed"
    item.update(actions=[store.NoticeModel.doc.set(doc)], add_version_condition=False)
    return sent


def issue(body: Any, who: Identity) -> dict[str, Any]:
    enterprise = registry.enterprise(body.enterprise_id, who)
    now = clock.now_ms()
    due = clock.to_ms(body.due) if body.due else None
    problems = notices.check_due(due, now)
    if problems:
        raise errors.invalid(problems)
    contacts = registry.enterprise_contacts(body.enterprise_id, None)
    doc = {
        "content": body.content,
        "enterprise_name": enterprise.name,
        "issued_by": who.subject,
        "issuer_name": who.name,
        "sms": [{"name": c.name, "phone": c.phone, "status": "pending"} for c in contacts],
        "history": [{"at_ms": now, "by": who.subject, "action": "issued"}],
    }
    item = store.NoticeModel(
        ids.new_id("rn"),
        enterprise_id=body.enterprise_id,
        state=notices.State.ISSUED.value,
        level=body.level,
        title=body.title,
        due_ms=due,
        created_ms=now,
        doc=doc,
    )
    item.save(condition=store.NoticeModel.id.does_not_exist())
    _send(item)  # kept as pending first: a crash in between leaves the texts for the sweep
    return public(item, now)


def load(notice_id: str, who: Identity) -> store.NoticeModel:
    item = get_or_404(store.NoticeModel, notice_id, field="notice_id")
    if not who.can_see(item.enterprise_id):
        raise errors.NOT_FOUND(details={"notice_id": notice_id})
    return item


def get(notice_id: str, who: Identity) -> dict[str, Any]:
    return public(load(notice_id, who))


def _step(notice_id: str, step: str, who: Identity, **recorded: Any) -> dict[str, Any]:
    """acknowledge or close, by the enterprise itself; conditional on the version read (409 when overtaken)."""
    item = load(notice_id, who)
    who.ensure_can_write(item.enterprise_id)
    target, now = notices.after(item.state, step), clock.now_ms()
    doc = item.doc
    doc.update(recorded)
    doc["history"] = [*doc.get("history", []), {"at_ms": now, "by": who.subject, "action": target.value}]
    item.state, item.doc = target.value, doc
    if step == "ack":
        item.acked_ms = now
    else:
        item.closed_ms = now
    with conditional(errors.CONFLICT(details={"notice_id": notice_id})):
        item.save()
    return public(item, now)


def acknowledge(notice_id: str, comment: str | None, who: Identity) -> dict[str, Any]:
    return _step(notice_id, "ack", who, ack={"by": who.subject, "name": who.name, "comment": comment or ""})


def close(notice_id: str, response: str, who: Identity) -> dict[str, Any]:
    return _step(notice_id, "close", who, response={"by": who.subject, "name": who.name, "text": response})


def list_page(who: Identity, q: Any) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first within an enterprise (or park-wide for the park); filters by state, level, unacknowledged
    and overdue (due passed, not closed) are applied by DynamoDB while paging."""
    model, now, clauses = store.NoticeModel, clock.now_ms(), []
    if q.state:
        clauses.append(model.state == q.state)
    if q.level:
        clauses.append(model.level == q.level)
    if q.unacknowledged is not None:
        issued = model.state == notices.State.ISSUED.value
        clauses.append(issued if q.unacknowledged else ~issued)
    if q.overdue is not None:
        late = (model.due_ms < now) & (model.state != notices.State.CLOSED.value)
        clauses.append(late if q.overdue else ~late)
    condition = functools.reduce(operator.and_, clauses) if clauses else None
    scope = who.scope(q.enterprise_id)
    items, last = scoped_page(model, model.by_enterprise, scope, condition, q.limit, decode_cursor(q.cursor))
    return [public(i, now) for i in items], encode_cursor(last)


def resend() -> int:
    """Texts that failed (or were cut short) before: sent again by the hourly sweep."""
    model, sent = store.NoticeModel, 0
    for item in model.scan(model.doc.mentions('"status":"failed"') | model.doc.mentions('"status":"pending"')):
        sent += _send(item)
    return sent


def month_summary(enterprise_id: str, start_ms: int, end_ms: int, now_ms: int) -> dict[str, int]:
    """What the monthly report says of the notices issued to the enterprise in a month."""
    model = store.NoticeModel
    items = list(model.by_enterprise.query(enterprise_id, model.created_ms.between(start_ms, end_ms - 1)))
    return {
        "issued": len(items),
        "closed": sum(1 for i in items if i.state == notices.State.CLOSED),
        "acknowledged": sum(1 for i in items if i.state == notices.State.ACKNOWLEDGED),
        "unacknowledged": sum(1 for i in items if i.state == notices.State.ISSUED),
        "overdue": sum(
            1 for i in items if notices.is_overdue(i.state, int(i.due_ms) if i.due_ms is not None else None, now_ms)
        ),
    }
