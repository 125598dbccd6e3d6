"""Gas alarms against live work: an alarm raised on a gas detector that monitors an active permit, or lies
within `permit_alarm_radius_m` of it, suspends the permit and texts its guardian (监护人).

`on_alarm_events` is an `alarms.ports` subscriber (wired by chalicelib.bootstrap): it runs inside whichever
Lambda dispatches the alarm outbox, after SNS; one failing permit never stops the others."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chalicelib.alarms import service as alarms
from chalicelib.core import errors
from chalicelib.core.identity import SYSTEM
from chalicelib.core.observability import logger
from chalicelib.core.schemas import Priority
from chalicelib.core.settings import get_settings
from chalicelib.notify import service as notify
from chalicelib.registry import service as registry
from chalicelib.workpermits import domain
from chalicelib.workpermits.domain import rules
from chalicelib.workpermits.service import permits
from chalicelib.workpermits.service.records import audit_system, held, load

NEW_ALARM = frozenset({"raised", "reactivated"})


def guardian_text(permit: dict[str, Any], alarm: dict[str, Any]) -> str:
    where = alarm.get("tag_name") or alarm["tag_id"]
    return (
        f"【特殊作业暂停】{rules.TYPE_LABEL[permit['type']]}（作业票{permit['id']}）附近{where}"
        f"{alarm.get('condition_label', '报警')}，作业已自动暂停。请立即停止作业、撤离人员，"
        f"报警消除并重新气体分析合格后方可恢复作业。"
    )


def _suspend(permit: dict[str, Any], alarm: dict[str, Any], seq: int, distance_m: float) -> None:
    facts = {"alarm_id": alarm["id"], "tag_id": alarm["tag_id"], "distance_m": distance_m}
    reason = f"气体报警 {alarm['tag_id']}（{alarm.get('condition_label', '')}，距作业点 {distance_m} m）"
    try:
        permits.suspend(permit["id"], reason, SYSTEM, alarm=facts)
    except errors.AppError as exc:  # already suspended or closed by someone else meanwhile
        logger.info("permit not suspended", extra={"permit_id": permit["id"], "code": exc.code})
        return
    audit_system("suspend_by_alarm", load(permit["id"], SYSTEM), **facts)
    guardian = permit["guardian"]
    notify.send_sms(
        f"wp:{permit['id']}:{alarm['id']}:{seq}",
        notify.Recipient(guardian["name"], guardian["phone"], Priority.LOW),
        guardian_text(permit, alarm),
        "work_permit",
        permit["enterprise_id"],
    )


def on_alarm_events(events: Sequence[alarms.EventRecord]) -> None:
    """Suspend the active permits each new gas alarm concerns (and tell their guardians)."""
    # Only reading alarms come from a detector; event alarms (gates, cameras, patrol) have none.
    fresh = [e for e in events if e.type in NEW_ALARM and e.alarm.get("source", alarms.READINGS) == alarms.READINGS]
    if not fresh:
        return
    live: list[dict[str, Any]] | None = None
    radius = get_settings().permit_alarm_radius_m
    for event in fresh:
        try:
            sensor = registry.sensor(event.alarm["tag_id"], SYSTEM)
            if sensor.kind not in domain.GAS_SENSOR_KINDS:
                continue
            live = held(frozenset({"active"})) if live is None else live
            hits = domain.affected_by_alarm(sensor.id, sensor.location.lat, sensor.location.lon, live, radius)
            for permit, distance in hits:
                _suspend(permit, event.alarm, event.seq, distance)
        except Exception:  # derived safety action: logged loudly, retried by nothing, never blocks notification
            logger.exception("work permit alarm check failed", extra={"alarm_id": event.alarm_id})
