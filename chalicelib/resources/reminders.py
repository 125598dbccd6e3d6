"""Supply reminders (物资更换补充提醒, 5.2.1-2): the daily sweep, its SNS notices, and the scoped list."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import orjson

from chalicelib.core import aws, catalog, clock, ids
from chalicelib.core.identity import Identity
from chalicelib.core.observability import logger
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional, transaction
from chalicelib.resources import domain, store


def park_today() -> date:
    """Today in park local time: expiry dates are calendar dates on the labels, not UTC instants."""
    return (clock.now() + timedelta(hours=get_settings().park_utc_offset_h)).date()


def run(warn_days: int, today: date | None = None) -> dict[str, int]:
    """Raise what is newly due, keep what is still due (no second notice), resolve what no longer is."""
    today, now = today or park_today(), clock.now_ms()
    supplies = [
        domain.view(i.data(), i.owner)
        for i in store.scan_all(store.ResourceModel, store.ResourceModel.kind == "supply")
    ]
    open_now = {r.id: r for r in store.scan_all(store.ReminderModel, store.ReminderModel.status == "open")}
    counts = {"raised": 0, "kept": 0, "resolved": 0, "published": 0}
    due_ids: set[str] = set()
    for supply in supplies:
        for due in domain.supply_reminders(supply["details"], today, warn_days):
            reminder_id = f"{supply['id']}:{due.reason}"
            due_ids.add(reminder_id)
            doc = {"resource_name": supply["name"], "message": domain.reminder_text(supply, due), "facts": due.facts}
            item = open_now.get(reminder_id)
            if item is not None:
                item.update(
                    actions=[
                        store.ReminderModel.doc.set(doc),
                        store.ReminderModel.seen_ms.set(now),
                    ]
                )
                counts["kept"] += 1
            else:
                item = _raise(reminder_id, supply, due.reason, doc, now)
                if item is None:
                    continue  # a concurrent sweep raised it first and notifies it
                counts["raised"] += 1
            if item.notified_ms is None:  # new, or its notice failed on an earlier day
                counts["published"] += _publish(item, now)
    for reminder_id, item in open_now.items():
        if reminder_id not in due_ids:
            _resolve(item, now)
            counts["resolved"] += 1
    logger.info("resource reminder sweep", extra=counts)
    return counts


def _raise(reminder_id: str, supply: dict[str, Any], reason: str, doc: dict[str, Any], now: int) -> Any:
    item = store.ReminderModel(
        reminder_id,
        owner=domain.owner_of(supply["enterprise_id"]),
        resource_id=supply["id"],
        reason=reason,
        status="open",
        raised_ms=now,
        seen_ms=now,
        doc=doc,
    )
    with conditional() as claim:
        item.save(condition=store.ReminderModel.id.does_not_exist())
    return None if claim.failed else item


def _publish(item: store.ReminderModel, now: int) -> int:
    """One notice on the notifications topic; a failure leaves `notified_ms` unset for the next sweep."""
    data = public(item)
    attributes = {
        "channel": "sns",
        "audience": "park",
        "kind": "resource_reminder",
        "reason": item.reason,
        "enterprise_id": data["enterprise_id"] or "-",
    }
    try:
        aws.client("sns").publish(
            TopicArn=catalog.topic_arn("notifications"),
            Message=orjson.dumps({**data, "ref": item.id, "text": data["message"], **attributes}).decode(),
            MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
        )
    except Exception:
        logger.exception("resource reminder notice failed", extra={"reminder_id": item.id})
        return 0
    item.update(actions=[store.ReminderModel.notified_ms.set(now)])
    return 1


def _resolve(item: store.ReminderModel, now: int) -> None:
    """Archive under a unique id and free the open id, so a later recurrence raises (and notifies) anew."""
    archived = store.ReminderModel(
        f"{item.id}:{ids.ulid(now)}",
        owner=item.owner,
        resource_id=item.resource_id,
        reason=item.reason,
        status="resolved",
        raised_ms=item.raised_ms,
        seen_ms=item.seen_ms,
        notified_ms=item.notified_ms,
        resolved_ms=now,
        doc=item.doc,
    )
    with transaction() as tx:
        tx.save(archived)
        tx.delete(item, condition=store.ReminderModel.status == "open")


def public(item: store.ReminderModel) -> dict[str, Any]:
    enterprise_id = domain.enterprise_of(item.owner)
    return {**item.data(), "enterprise_id": enterprise_id, "reason_label": domain.REASON_LABEL.get(item.reason, "")}


def list_page(
    who: Identity, enterprise_id: str | None, status: str, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    owners = who.shared_owners(enterprise_id)
    condition = None if status == "all" else store.ReminderModel.status == status
    items, last = store.page(store.ReminderModel, owners, condition, limit, decode_cursor(cursor))
    return [public(i) for i in items], encode_cursor(last)
