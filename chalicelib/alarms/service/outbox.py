"""The alarm outbox: dispatch committed events to SNS (attributes for subscriber filters), SMS (annunciations
to the enterprise's contacts, shelving notices to the duty officers) and the subscribers wired to
`alarms.ports` (risk recomputes its colours).

Runs right after the commit; events stay `pending` until dispatched, so the minute sweep re-sends
whatever a fault or a crash left behind. A retry repeats nothing already done: the topic message is claimed on
the event before it is published (released if the publish fails), SMS are claimed per event and phone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from chalicelib.alarms import store
from chalicelib.alarms.domain import ANNUNCIATING, READINGS
from chalicelib.alarms.ports import PORTS
from chalicelib.alarms.schemas import EventRecord
from chalicelib.alarms.service.notices import local_time, tell_duty
from chalicelib.alarms.service.reads import get_alarm
from chalicelib.alarms.service.records import public
from chalicelib.core import aws, catalog, clock
from chalicelib.core.observability import logger, metrics
from chalicelib.core.schemas import Priority
from chalicelib.core.store import conditional
from chalicelib.notify import service as notify
from chalicelib.registry import service as registry

EVENT_LABEL = {"raised": "报警", "reactivated": "再次报警", "escalated": "报警升级", "renotified": "报警未确认提醒"}


def _attr(value: Any) -> dict[str, str]:
    return {"DataType": "String", "StringValue": str(value) if value not in (None, "") else "-"}


def sms_text(event: EventRecord) -> str:
    a = event.alarm
    if a.get("source", READINGS) != READINGS:  # an event alarm: its title says what happened, and where
        where = " ".join(p for p in (a.get("enterprise_name"), a.get("installation_name")) if p)
        return (
            f"【园区{EVENT_LABEL.get(event.type, '报警')}】{a['title']}{f'（{where}）' if where else ''}，"
            f"优先级{Priority(a['priority']).label}，{local_time(event.ts)}。请及时确认处置。"
        )
    where = " ".join(p for p in (a.get("enterprise_name"), a.get("installation_name"), a.get("tag_name")) if p)
    value = f"{a['value']:.4g}{a.get('unit', '')}"
    limit = f"（限值{a['limit']:.4g}{a.get('unit', '')}）" if a.get("limit") is not None else ""
    if a["condition"] == "TREND" and a.get("detail") is not None:
        limit = f"（预计{max(1, round(a['detail'] / 60))}分钟后达到限值{a['limit']:.4g}{a.get('unit', '')}）"
    when = clock.iso(event.ts)[11:16]
    return (
        f"【园区{EVENT_LABEL.get(event.type, '报警')}】{where}({a['tag_id']}){a['condition_label']}："
        f"当前{value}{limit}，优先级{Priority(a['priority']).label}，{when} UTC。请及时确认处置。"
    )


def message(event: EventRecord) -> dict[str, Any]:
    return {
        "event_id": f"{event.alarm_id}:{event.seq}",
        "type": event.type,
        "ts": clock.iso(event.ts),
        "by": event.by,
        "alarm": event.alarm,
        "details": event.details,
    }


_contacts: dict[tuple[str, str | None], tuple[int, list[registry.Contact]]] = {}
CONTACTS_TTL_MS = 60_000


def _recipients(enterprise_id: str, installation_id: str | None) -> list[notify.Recipient]:
    """Who is texted for an alarm here (cached a minute: an alarm burst must not re-read the registry)."""
    key, now = (enterprise_id, installation_id), clock.now_ms()
    cached = _contacts.get(key)
    if cached is None or now - cached[0] > CONTACTS_TTL_MS:
        cached = _contacts[key] = (now, registry.contacts_for(enterprise_id, installation_id))
    return [notify.Recipient(c.name, c.phone, Priority(c.min_priority)) for c in cached[1]]


def dispatch(events: Iterable[EventRecord]) -> None:
    events = list(events)
    if not events:
        return
    topic = catalog.topic_arn("alarm-events")
    for event in events:
        a = event.alarm
        _publish_once(event, topic)
        if event.type in ANNUNCIATING and a["state"] not in ("shelved", "suppressed", "out_of_service", "normal"):
            recipients = _recipients(a["enterprise_id"], a.get("installation_id"))
            summary = f"{a['condition_label']}|{a['tag_id']}"
            notify.alarm_sms(
                f"{event.alarm_id}:{event.seq}",
                a["area"],
                Priority(a["priority"]),
                sms_text(event),
                summary,
                recipients,
                a["enterprise_id"],
            )
        tell_duty(event)  # shelve, unshelve, expiry: the officers on duty hear of it
        store.AlarmEventModel(event.alarm_id, event.seq).update(actions=[store.AlarmEventModel.pending.remove()])
        metrics.add_metric(name=f"Alarm_{event.type}", unit="Count", value=1)
    for subscriber in PORTS.subscribers:
        try:
            subscriber(events)
        except Exception:  # subscribers derive state (risk) that the next change recomputes; never block notification
            logger.exception("alarm event subscriber failed", extra={"subscriber": getattr(subscriber, "__name__", "")})


def _publish_once(event: EventRecord, topic: str) -> None:
    """The event's topic message, once: claimed on the event first, so a dispatch retried after a later step
    failed (SMS, the outbox update) does not publish it again; the claim is released when the publish fails."""
    item, a = store.AlarmEventModel(event.alarm_id, event.seq), event.alarm
    model = store.AlarmEventModel
    with conditional() as claim:
        item.update(actions=[model.published.set("1")], condition=model.seq.exists() & model.published.does_not_exist())
    if claim.failed:
        return  # an earlier attempt published it
    try:
        aws.client("sns").publish(
            TopicArn=topic,
            Message=orjson.dumps(message(event)).decode(),
            MessageAttributes={
                "event_type": _attr(event.type),
                "enterprise_id": _attr(a["enterprise_id"]),
                "installation_id": _attr(a.get("installation_id")),
                "priority": _attr(a["priority"]),
                "condition": _attr(a["condition"]),
                "source": _attr(a.get("source", READINGS)),
            },
        )
    except Exception:
        try:
            item.update(actions=[model.published.remove()])
        except Exception:  # both services failing at once: the claim stays and the sweep will not publish it
            logger.exception("alarm event claimed but not published", extra={"event": f"{event.alarm_id}:{event.seq}"})
        raise


def redispatch_pending(older_than_ms: int = 30_000) -> int:
    """Sweep: events committed but not dispatched (a crash between commit and publish)."""
    cutoff, count = clock.now_ms() - older_than_ms, 0
    for item in store.AlarmEventModel.by_pending.query("1", store.AlarmEventModel.ts < cutoff):
        alarm = public(get_alarm(item.alarm_id))
        record = EventRecord(item.alarm_id, int(item.seq), int(item.ts), item.type, item.by, alarm, item.doc)
        dispatch([record])
        count += 1
    return count
