"""Time-driven alarm work, run every minute: out of service and suppression (first, so a held alarm is never
escalated), shelve expiry, escalation and re-notification, retries."""

from __future__ import annotations

from chalicelib.alarms import domain
from chalicelib.alarms.service.actions import transition
from chalicelib.alarms.service.holds import reconcile
from chalicelib.alarms.service.outbox import dispatch, redispatch_pending
from chalicelib.alarms.service.reads import open_alarms
from chalicelib.core import clock
from chalicelib.core.settings import get_settings
from chalicelib.notify import service as notify


def run() -> dict[str, int]:
    settings, now = get_settings(), clock.now_ms()
    counts = {"held": 0, "unshelved": 0, "escalated": 0, "renotified": 0, "redispatched": 0, "digests": 0}
    held = reconcile(open_alarms())
    counts["held"] = len(held)
    dispatch(held)
    for alarm in open_alarms():
        if alarm.shelved_until is not None and alarm.shelved_until <= now:
            events = transition(
                alarm.id,
                lambda a, t: (
                    domain.unshelve(a, t, expired=True)
                    if a.shelved_until is not None and a.shelved_until <= t
                    else domain.Outcome(a, ())
                ),
            )
            counts["unshelved"] += bool(events)
        else:
            events = transition(
                alarm.id,
                lambda a, t: domain.due_for_attention(
                    a, t, settings.alarm_escalate_after_s * 1000, settings.alarm_renotify_after_s * 1000
                ),
            )
            for e in events:
                counts["escalated" if e.type == "escalated" else "renotified"] += 1
        if events:
            dispatch(events)
    counts["redispatched"] = redispatch_pending()
    counts["digests"] = notify.send_digests()
    return counts
