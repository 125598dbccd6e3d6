"""How warnings start: alarm events at or above the configured priority (one open warning per tag, later
alarms join it) and manual reports (phone, patrol, enterprise); both enter the verification workflow."""

from __future__ import annotations

from typing import Any

from chalicelib.core import errors, ids
from chalicelib.core.identity import Identity
from chalicelib.core.schemas import Priority
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional
from chalicelib.registry import service as registry
from chalicelib.warnings import store
from chalicelib.warnings.service.records import event, load, open_new, save, start


def from_alarm(message: dict[str, Any]) -> str | None:
    """Alarm events at or above the configured priority start a verification; one per tag at a time.

    A shelved alarm still does (docs/alarms.md, "Shelving policy"): shelving hides an alarm from annunciation,
    never from the park's verification; suppressed and out-of-service alarms do not (the plant or the sensor
    is known not to be in operation) until they are back and re-alarm."""
    alarm = message.get("alarm") or {}
    if message.get("type") not in ("raised", "reactivated", "escalated") or alarm.get("state") in (
        "suppressed",
        "out_of_service",
        "normal",
    ):
        return None
    priority = Priority(alarm["priority"])
    if priority.rank < Priority(get_settings().warning_min_priority).rank:
        return None
    slot = f"tag:{alarm['tag_id']}"
    candidate = ids.new_id("wrn")
    with conditional() as claim:
        store.SlotModel(slot, warning_id=candidate).save(condition=store.SlotModel.key.does_not_exist())
    if claim.failed:
        candidate = store.SlotModel.get(slot, consistent_read=True).warning_id
        try:
            return _join(candidate, alarm, priority)
        except errors.AppError as exc:  # an earlier attempt claimed the slot, then failed before storing it
            if exc.error is not errors.NOT_FOUND:
                raise
    label = alarm.get("condition_label", alarm["condition"])
    title, description = f"{alarm.get('tag_name') or alarm['tag_id']}{label}", f"{label}：当前值 {alarm['value']:.4g}"
    if alarm.get("source", "telemetry") != "telemetry":  # an event alarm (gate, camera...): its title says what
        title, description = alarm["title"], f"{alarm['title']}（{alarm.get('source')}/{alarm['condition']}）"
    else:
        description += alarm.get("unit", "")
    open_new(
        {
            "id": candidate,
            "source": "alarm",
            "alarm_ids": [alarm["id"]],
            "alarm_raised_ms": alarm.get("raised_ms"),
            "enterprise_id": alarm["enterprise_id"],
            "installation_id": alarm.get("installation_id"),
            "tag_id": alarm["tag_id"],
            "priority": priority.value,
            "title": title,
            "description": description,
            "enterprise_name": alarm.get("enterprise_name", ""),
            "installation_name": alarm.get("installation_name", ""),
        },
        slot,
        "system",
    )
    return candidate


def _join(warning_id: str, alarm: dict[str, Any], priority: Priority) -> str:
    """A later alarm of the same tag joins the open warning (and may raise its priority). The alarm already
    linked is a redelivery: the attempt that linked it may have failed to start the workflow, so start it
    (a no-op when it runs)."""
    for _ in range(5):
        item = load(warning_id)
        doc = item.data()
        if alarm["id"] in doc["alarm_ids"]:
            start(warning_id, Priority(doc["priority"]))
            return warning_id
        doc["alarm_ids"].append(alarm["id"])
        if priority.rank > Priority(doc["priority"]).rank:
            doc["priority"] = priority.value
        with conditional() as write:
            save(item, doc)
        if write.failed:
            continue
        event(
            warning_id,
            "alarm_linked",
            "system",
            alarm_id=alarm["id"],
            condition=alarm["condition"],
            priority=doc["priority"],
        )
        return warning_id
    return warning_id


def report(body: Any, who: Identity) -> dict[str, Any]:
    """A manual report (phone call, patrol, enterprise) enters the same verification workflow."""
    who.ensure_can_write(body.enterprise_id)
    enterprise = registry.enterprise(body.enterprise_id, who)
    installation = registry.installation(body.installation_id, who) if body.installation_id else None
    return open_new(
        {
            "source": "manual",
            "alarm_ids": [],
            "enterprise_id": body.enterprise_id,
            "installation_id": body.installation_id,
            "tag_id": None,
            "priority": body.priority.value,
            "title": body.title,
            "description": body.description,
            "reporter": body.reporter or who.name,
            "location": body.location.model_dump() if body.location is not None else None,  # stored as JSON
            "enterprise_name": enterprise.name,
            "installation_name": installation.name if installation else "",
        },
        None,
        who.subject,
    )
