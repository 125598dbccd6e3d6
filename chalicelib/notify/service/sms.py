"""SMS with ISA-18.2 flood handling: past the flood threshold an area's SMS become periodic digests.

Nothing is dropped: every alarm still reaches SNS and its history; an SMS held back by a flood is
counted in the area's backlog and summarised in the next digest, and every SMS sent is logged.
"""

from __future__ import annotations

import contextlib
from typing import Any

import orjson
from pynamodb.exceptions import DoesNotExist

from chalicelib.core import clock
from chalicelib.core.identity import PARK
from chalicelib.core.observability import logger, metrics
from chalicelib.core.schemas import Priority
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional
from chalicelib.notify import channels, domain, store
from chalicelib.notify.domain import Recipient, mask
from chalicelib.notify.service import push

REJECTED = "rejected"  # the log's message id of an SMS whose number the provider refused


def send_sms(ref: str, recipient: Recipient, text: str, kind: str, enterprise_id: str = PARK) -> bool:
    """Send once per (ref, phone): a retried dispatch does not text the same person twice."""
    entry = store.SmsLogModel(
        ref, recipient.phone, ts=clock.now_ms(), text=text, kind=kind, enterprise_id=enterprise_id
    )
    with conditional() as claim:
        entry.save(condition=store.SmsLogModel.ref.does_not_exist())
    if claim.failed:
        return False
    try:
        message_id = channels.sms().send(recipient.phone, text)
    except channels.SmsRejected:  # the claim stays: no retry texts a number the provider refuses
        logger.warning("sms number refused", extra={"ref": ref, "to": mask(recipient.phone)})
        with contextlib.suppress(Exception):
            entry.update(actions=[store.SmsLogModel.message_id.set(REJECTED)])
        return False
    except Exception:
        try:
            entry.delete()  # not sent: let the next dispatch attempt try again
        except Exception:  # both services failing at once: the claim stays and no attempt will send it
            logger.exception("sms claimed but not sent", extra={"ref": ref, "to": mask(recipient.phone)})
        raise
    try:
        entry.update(actions=[store.SmsLogModel.message_id.set(message_id)])
    except Exception:  # it was sent: the claim stays, so no retry texts this person again
        logger.exception("sms sent but its message id not logged", extra={"ref": ref})
    metrics.add_metric(name="SmsSent", unit="Count", value=1)
    logger.info("sms sent", extra={"ref": ref, "to": mask(recipient.phone), "kind": kind})
    return True


def _window(area: str) -> store.FloodWindowModel:
    try:
        return store.FloodWindowModel.get(area, consistent_read=True)
    except DoesNotExist:
        return store.FloodWindowModel(area)


def alarm_sms(
    ref: str, area: str, priority: Priority, text: str, summary: str, recipients: list[Recipient], enterprise_id: str
) -> str:
    """Annunciate one alarm event by SMS unless its area is in flood, and on the app channel to the accounts
    that chose alarms of its priority (not during a flood: the digest stands for it). Returns 'sent' | 'digest'
    | 'none' (of the SMS)."""
    outcome = _sms_unless_flood(ref, area, priority, text, summary, recipients, enterprise_id)
    if outcome != "digest":
        category, title = domain.alarm_category(priority), f"【{priority.label}级报警】"
        try:
            for audience in ("enterprise", "park"):
                push.to_audience(ref, audience, category, title, text, enterprise_id, {"alarm_event": ref})
        except Exception:  # the SMS went out; the next annunciation pushes again
            logger.exception("alarm push failed", extra={"ref": ref})
    return outcome


def _sms_unless_flood(
    ref: str, area: str, priority: Priority, text: str, summary: str, recipients: list[Recipient], enterprise_id: str
) -> str:
    wanted = [r for r in recipients if priority.rank >= r.min_priority.rank]
    if not wanted:
        return "none"
    settings, now = get_settings(), clock.now_ms()
    for _ in range(5):
        window = _window(area)
        recent, flooded = domain.flood(
            orjson.loads(window.recent), now, settings.flood_window_s * 1000, settings.flood_threshold
        )
        window.recent = orjson.dumps(recent).decode()
        if flooded:
            window.backlog = orjson.dumps([*orjson.loads(window.backlog), summary]).decode()
            known = {r["phone"]: r for r in orjson.loads(window.recipients)}
            known.update(
                {r.phone: {"name": r.name, "phone": r.phone, "min_priority": r.min_priority.value} for r in wanted}
            )
            window.recipients = orjson.dumps(list(known.values())).decode()
        with conditional():
            window.save()
            break
    else:
        flooded = False  # could not record the window: better one SMS too many than one too few
    if flooded:
        metrics.add_metric(name="SmsHeldForDigest", unit="Count", value=1)
        return "digest"
    for recipient in wanted:
        send_sms(ref, recipient, text, "alarm", enterprise_id)
    return "sent"


def send_digests(area_labels: dict[str, str] | None = None) -> int:
    """For each area with a backlog and no digest for `digest_every_s`: one digest per recipient."""
    settings, now, sent = get_settings(), clock.now_ms(), 0
    for window in store.FloodWindowModel.scan(store.FloodWindowModel.backlog != "[]"):
        if now - int(window.last_digest_ms or 0) < settings.digest_every_s * 1000:
            continue
        backlog = orjson.loads(window.backlog)
        recipients: list[dict[str, Any]] = orjson.loads(window.recipients)
        text = domain.digest_text(
            (area_labels or {}).get(window.area, window.area), backlog, settings.digest_every_s // 60 or 1
        )
        window.backlog, window.last_digest_ms = "[]", now
        with conditional() as write:
            window.save()
        if write.failed:
            continue  # an alarm just joined the backlog: the next run sends it
        for r in recipients:
            send_sms(
                f"digest:{window.area}:{now}",
                Recipient(r["name"], r["phone"], Priority(r["min_priority"])),
                text,
                "digest",
            )
            sent += 1
    return sent


def record_exercise(ref: str, recipient: Recipient, text: str, enterprise_id: str = PARK) -> bool:
    """Exercise mode (演练): the message is logged as it would have gone out, and sent to nobody."""
    entry = store.SmsLogModel(
        ref,
        recipient.phone,
        ts=clock.now_ms(),
        text=text,
        kind="drill",
        enterprise_id=enterprise_id,
        message_id="exercise:not-sent",
    )
    with conditional() as claim:
        entry.save(condition=store.SmsLogModel.ref.does_not_exist())
    return not claim.failed
