"""The app channel (5.2.3-3, 5.4.3-6): pushes to registered devices through the push port, per each owner's
preferences, claimed once per (ref, device) in the push log like SMS; a token the platform rejects disables
its device for good.

Callers name either people (`to_people`: evacuees by subject, a patrol task's assignees) or an audience
(`to_audience`: an enterprise's accounts, or the park's). A push never reaches an account of another
enterprise than the matter's (park-level accounts hear of every enterprise).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from typing import Any

from chalicelib.core import clock
from chalicelib.core.identity import PARK
from chalicelib.core.observability import logger, metrics
from chalicelib.core.store import conditional
from chalicelib.notify import channels, domain, store
from chalicelib.notify.channels import PushNote, PushRejected
from chalicelib.notify.domain import Category, Mode
from chalicelib.notify.service.devices import disable, preferences


def _quiet(prefs: dict[str, Any]) -> tuple[time, time] | None:
    q = prefs.get("quiet_hours")
    return (time.fromisoformat(q["start"]), time.fromisoformat(q["end"])) if q else None


def _modes(prefs: dict[str, Any]) -> dict[Category, Mode]:
    known = {c.value for c in Category}
    return {Category(c): Mode(v["app"]) for c, v in (prefs.get("categories") or {}).items() if c in known}


def _send(ref: str, device: store.DeviceModel, mode: Mode, note: PushNote, enterprise_id: str) -> str:
    """Once per (ref, device): 'sent' | 'rejected' | 'already'. Any other failure leaves no claim and raises."""
    entry = store.PushLogModel(
        ref,
        device.id,
        ts=clock.now_ms(),
        user=device.user,
        platform=device.platform,
        token=device.token,
        kind=note.category,
        mode=mode.value,
        text=note.body,
        enterprise_id=enterprise_id,
    )
    with conditional() as claim:
        entry.save(condition=store.PushLogModel.ref.does_not_exist())
    if claim.failed:
        return "already"
    try:
        message_id = channels.push().send(device.address, device.platform, note)
    except PushRejected as exc:
        disable(device, "rejected_by_platform")
        entry.update(actions=[store.PushLogModel.status.set("rejected")])
        logger.info("push token rejected: device disabled", extra={"device": device.id, "reason": str(exc)})
        metrics.add_metric(name="PushTokenRejected", unit="Count", value=1)
        return "rejected"
    except Exception:
        entry.delete()  # not sent: the next attempt of the caller tries again
        raise
    entry.update(actions=[store.PushLogModel.status.set("sent"), store.PushLogModel.message_id.set(message_id)])
    metrics.add_metric(name="PushSent", unit="Count", value=1)
    return "sent"


def _deliver(
    ref: str,
    found: Iterable[store.DeviceModel],
    category: Category,
    title: str,
    text: str,
    enterprise_id: str,
    data: dict[str, Any],
    critical: bool,
) -> dict[str, int]:
    counts = {"devices": 0, "sent": 0, "silent": 0, "off": 0, "rejected": 0, "already": 0, "failed": 0}
    now, prefs_of = clock.now(), dict[str, dict[str, Any]]()
    for device in found:
        if device.status != "active" or not domain.reaches(device.enterprise_id, enterprise_id):
            continue
        counts["devices"] += 1
        prefs = prefs_of.setdefault(device.user, preferences(device.user))
        mode = domain.delivery(_modes(prefs), _quiet(prefs), category, now, critical)
        if mode is Mode.OFF:
            counts["off"] += 1
            continue
        note = PushNote(title, text, category.value, mode is Mode.SILENT, {**data, "ref": ref, "kind": category.value})
        try:
            outcome = _send(ref, device, mode, note, enterprise_id)
        except Exception:  # one device failing must not keep the others from hearing
            logger.exception("push failed", extra={"ref": ref, "device": device.id})
            counts["failed"] += 1
            continue
        counts[outcome] += 1
        counts["silent"] += outcome == "sent" and mode is Mode.SILENT
    return counts


def to_people(
    ref: str,
    people: Iterable[str],
    category: Category,
    title: str,
    text: str,
    enterprise_id: str | None,
    data: dict[str, Any] | None = None,
    critical: bool = False,
) -> dict[str, int]:
    """Push to the devices of these accounts (token subjects) about a matter of `enterprise_id`."""
    found = [d for user in dict.fromkeys(people) for d in store.DeviceModel.by_user.query(user)]
    return _deliver(ref, found, category, title, text, enterprise_id or PARK, data or {}, critical)


def to_audience(
    ref: str,
    audience: str,
    category: Category,
    title: str,
    text: str,
    enterprise_id: str | None,
    data: dict[str, Any] | None = None,
    critical: bool = False,
) -> dict[str, int]:
    """Push to every device of an audience: 'enterprise' (the matter's enterprise) or 'park' (park accounts)."""
    owner = enterprise_id or PARK
    key = owner if audience == "enterprise" else PARK
    found = store.DeviceModel.by_enterprise.query(key, filter_condition=store.DeviceModel.status == "active")
    return _deliver(ref, found, category, title, text, owner, data or {}, critical)
