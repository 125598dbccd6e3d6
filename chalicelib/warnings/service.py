"""Warning use cases: intake (from alarms and manual reports), and the human steps through the API.

A human step (verification, approval, closing) is completed by storing what the person decided, clearing
the stored task token in the same conditional write (so a step is completed once), then resuming the
workflow. If the step timed out at that very moment (escalation), the decision is delivered to the
escalated step instead.
"""

from __future__ import annotations

import time
from typing import Any

import orjson

from chalicelib.core import clock, errors, ids, workflows
from chalicelib.core.identity import Identity
from chalicelib.core.schemas import Priority
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional, get_or_404
from chalicelib.registry import service as registry
from chalicelib.warnings import domain, store
from chalicelib.warnings.domain import Status

MACHINE = "warning-verification"


def event(warning_id: str, action: str, actor: str = "system", **details: Any) -> None:
    """Append one timeline entry (every step is timestamped, 6.3.3-2)."""
    now = clock.now_ms()
    store.WarningEventModel(
        warning_id,
        f"{now:013d}#{ids.ulid()}",
        ts=now,
        action=action,
        actor=actor,
        doc=orjson.dumps(details, default=str).decode(),
    ).save()


def load(warning_id: str, who: Identity | None = None) -> Any:
    item = get_or_404(store.WarningModel, warning_id, field="warning_id")
    if who is not None and not who.can_see(item.enterprise_id):
        raise errors.NOT_FOUND(details={"warning_id": warning_id})
    return item


def save(item: Any, doc: dict[str, Any], **fields: Any) -> None:
    """Write the warning (version-checked); `fields` sets status / awaiting / token."""
    item.doc = orjson.dumps(
        {k: v for k, v in doc.items() if k not in ("id", "status", "awaiting", "enterprise_id", "created_ms")}
    ).decode()
    for name, value in fields.items():
        setattr(item, name, value)
    item.save()


def update(warning_id: str, change: Any, **fields: Any) -> dict[str, Any]:
    """Read-modify-write with the version check, retried when another writer came in between."""
    for _ in range(10):
        item = load(warning_id)
        doc = item.data()
        change(doc)
        with conditional():  # another writer came in between: read again
            save(item, doc, **fields)
            return doc
    raise errors.CONFLICT(details={"warning_id": warning_id})


def limits(priority: Priority) -> dict[str, int]:
    s = get_settings()
    return {
        "verify_s": domain.verify_limit_s(priority, s.verify_urgent_s, s.verify_high_s, s.verify_other_s),
        "escalate_s": s.escalate_s,
        "head_s": s.safety_head_s,
        "approval_s": s.approval_s,
        "tracking_s": s.tracking_s,
    }


def create(doc: dict[str, Any], slot: str | None, actor: str, mode: str = "verify") -> dict[str, Any]:
    """Store a new warning and start its workflow: verification, or (mode "release") straight to drafting."""
    warning_id, now = doc.pop("id", None) or ids.new_id("wrn"), clock.now_ms()
    priority = Priority(doc["priority"])
    doc = {
        **doc,
        "verify_limit_s": limits(priority)["verify_s"],
        "escalation_level": 0,
        "feedback": [],
        "draft_version": 0,
        "slot": slot,
    }
    item = store.WarningModel(
        warning_id, enterprise_id=doc.pop("enterprise_id"), created_ms=now, status=Status.VERIFYING.value
    )
    save(item, doc)
    event(warning_id, "created", actor, source=doc["source"], priority=priority.value, title=doc["title"])
    workflows.start(
        MACHINE, workflows.execution_name(warning_id), {"id": warning_id, "limits": limits(priority), "mode": mode}
    )
    return item.data()


def from_alarm(message: dict[str, Any]) -> str | None:
    """Alarm events at or above the configured priority start a verification; one per tag at a time."""
    alarm = message.get("alarm") or {}
    if message.get("type") not in ("raised", "reactivated", "escalated") or alarm.get("state") in (
        "shelved",
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
        return _join(store.SlotModel.get(slot, consistent_read=True).warning_id, alarm, priority)
    label = alarm.get("condition_label", alarm["condition"])
    create(
        {
            "id": candidate,
            "source": "alarm",
            "alarm_ids": [alarm["id"]],
            "alarm_raised_ms": alarm.get("raised_ms"),
            "enterprise_id": alarm["enterprise_id"],
            "installation_id": alarm.get("installation_id"),
            "tag_id": alarm["tag_id"],
            "priority": priority.value,
            "title": f"{alarm.get('tag_name') or alarm['tag_id']}{label}",
            "description": f"{label}：当前值 {alarm['value']:.4g}{alarm.get('unit', '')}",
            "enterprise_name": alarm.get("enterprise_name", ""),
            "installation_name": alarm.get("installation_name", ""),
        },
        slot,
        "system",
    )
    return candidate


def _join(warning_id: str, alarm: dict[str, Any], priority: Priority) -> str:
    """A later alarm of the same tag joins the open warning (and may raise its priority)."""
    for _ in range(5):
        item = load(warning_id)
        doc = item.data()
        if alarm["id"] in doc["alarm_ids"]:
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
    enterprise = registry.get(registry.ENTERPRISE, body.enterprise_id, who)
    installation = registry.get(registry.INSTALLATION, body.installation_id, who) if body.installation_id else None
    return create(
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
            "location": body.location,
            "enterprise_name": enterprise["name"],
            "installation_name": (installation or {}).get("name", ""),
        },
        None,
        who.subject,
    )


def complete_step(
    warning_id: str, step: str, who: Identity, record: dict[str, Any], output: dict[str, Any], check: Any = None
) -> dict[str, Any]:
    """Store the decision, clear the token (once), resume the workflow; follow an escalation if one raced."""
    deadline = time.monotonic() + 10
    while True:
        item = load(warning_id, who)
        doc = item.data()
        between = item.awaiting is None and item.status == domain.STEP_STATUS[step]  # e.g. escalating
        if not between:
            domain.require_step(item.status, step, item.awaiting)
        if check is not None:
            check(doc)
        token = item.token
        if between or not token:  # the workflow is between tasks: its await stores the token in a moment
            if time.monotonic() > deadline:
                raise workflows.STEP_EXPIRED()
            time.sleep(0.2)
            continue
        doc.update(record)
        with conditional() as write:
            save(item, doc, awaiting=None, token=None)
        if write.failed:
            continue  # someone moved first: re-check the step on the fresh record
        try:
            workflows.resume(token, output)
            return load(warning_id).data()
        except errors.AppError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)  # the step timed out just now: the escalated step will store a new token
