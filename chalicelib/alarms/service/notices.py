"""Shelving notices: every shelve, unshelve and shelve expiry is told by SMS to the park duty officers on duty
now (ISA-18.2: shelving is controlled and visible; the duty context says who is on duty, through
`alarms.ports.on_duty`). Sent once per event and officer, however often the event is dispatched."""

from __future__ import annotations

from chalicelib.alarms import ports
from chalicelib.alarms.domain import SHELVING_EVENTS
from chalicelib.alarms.schemas import EventRecord
from chalicelib.core import clock
from chalicelib.core.observability import logger, metrics
from chalicelib.core.schemas import Priority
from chalicelib.core.settings import get_settings
from chalicelib.notify import service as notify


def local_time(ms: int) -> str:
    """Park local time for people (UTC+park_utc_offset_h), as `MM-DD HH:MM`."""
    return clock.iso(ms + get_settings().park_utc_offset_h * 3_600_000)[5:16].replace("T", " ")


def text(event: EventRecord) -> str:
    a = event.alarm
    where = " ".join(p for p in (a.get("enterprise_name"), a.get("installation_name"), a.get("tag_name")) if p)
    what = a["title"] if a.get("title") else f"{where}({a['tag_id']}){a['condition_label']}"  # an event alarm's title
    what += f"（{Priority(a['priority']).label}优先级）"
    if event.type == "shelved":  # from the event's details: a re-dispatch sees the alarm as it is now
        verb = "延长搁置至" if event.details.get("extended") else "搁置至"
        until = event.details.get("until") or a.get("shelved_until")
        return (
            f"【报警搁置通知】{what}已由{event.by}{verb}{local_time(int(until)) if until else '（未知）'}，"
            f"原因：{event.details.get('reason') or a.get('shelve_reason', '')}。"
        )
    still = "，报警仍处于激活状态，请关注" if a["state"] in ("unack", "ack") else ""
    if event.type == "shelve_expired":
        return f"【报警搁置到期】{what}搁置已到期，恢复显示{still}。"
    return f"【报警解除搁置】{what}已由{event.by}解除搁置{still}。"


def tell_duty(event: EventRecord) -> int:
    """SMS to each officer on duty for a shelving event; returns how many were sent now."""
    if event.type not in SHELVING_EVENTS:
        return 0
    officers = ports.on_duty()()
    if not officers:
        logger.warning("no duty officer rostered for a shelving notice", extra={"alarm_id": event.alarm_id})
        metrics.add_metric(name="ShelveNoticeUnstaffed", unit="Count", value=1)
        return 0
    body, sent = text(event), 0
    for officer in officers:
        recipient = notify.Recipient(officer.name, officer.phone, Priority.LOW)
        sent += notify.send_sms(
            f"{event.alarm_id}:{event.seq}:duty", recipient, body, "shelve", event.alarm["enterprise_id"]
        )
    return sent
