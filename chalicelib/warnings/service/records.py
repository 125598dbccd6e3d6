"""The warning record and its timeline: load, version-checked save and update, timeline entries, creation with
its workflow, and the workflow's limits (from Settings)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core import clock, errors, ids, workflows
from chalicelib.core.identity import Identity
from chalicelib.core.schemas import Priority
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional, get_or_404
from chalicelib.warnings import domain, ports, store
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
        doc=details,
    ).save()


def load(warning_id: str, who: Identity | None = None) -> Any:
    item = get_or_404(store.WarningModel, warning_id, field="warning_id")
    if who is not None and not who.can_see(item.enterprise_id):
        raise errors.NOT_FOUND(details={"warning_id": warning_id})
    return item


@dataclass(frozen=True)
class VerifiedWarning:
    """What another context reads of a warning: what it is about and how its verification ended (an incident is
    opened from a confirmed one, 6.4.2-1). `outcome`, `level`: None until it is verified."""

    id: str
    enterprise_id: str
    title: str
    installation_id: str | None
    outcome: str | None
    level: str | None
    impact: str
    verified_by: str


def verified(warning_id: str, who: Identity) -> VerifiedWarning:
    """The warning as `who` may see it (404 otherwise), with its verification."""
    doc = load(warning_id, who).data()
    verification = doc.get("verification") or {}
    return VerifiedWarning(
        id=doc["id"],
        enterprise_id=doc["enterprise_id"],
        title=doc["title"],
        installation_id=doc.get("installation_id"),
        outcome=verification.get("outcome"),
        level=verification.get("level"),
        impact=verification.get("impact", ""),
        verified_by=doc.get("verified_by", ""),
    )


def encode(doc: dict[str, Any]) -> dict[str, Any]:
    """The stored `doc` of a warning: its data without what has an attribute of its own."""
    return {k: v for k, v in doc.items() if k not in ("id", "status", "awaiting", "enterprise_id", "created_ms")}


def save(item: Any, doc: dict[str, Any], **fields: Any) -> None:
    """Write the warning (version-checked); `fields` sets status / awaiting / token."""
    item.doc = encode(doc)
    for name, value in fields.items():
        setattr(item, name, value)
    item.save()
    ports.changed(
        {
            "id": item.id,
            "enterprise_id": item.enterprise_id,
            "status": item.status,
            "awaiting": item.awaiting,
            "priority": doc.get("priority"),
            "title": doc.get("title"),
        }
    )


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


@dataclass(frozen=True)
class CreatedWarning:
    """What another context reads of a warning it opened (an incident's information release): its id and status."""

    id: str
    status: str


def create(doc: dict[str, Any], slot: str | None, actor: str, mode: str = "verify") -> CreatedWarning:
    """`open_new` for another context: the new warning's id and status."""
    data = open_new(doc, slot, actor, mode)
    return CreatedWarning(id=data["id"], status=data["status"])


def open_new(doc: dict[str, Any], slot: str | None, actor: str, mode: str = "verify") -> dict[str, Any]:
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
    start(warning_id, priority, mode)
    return item.data()


def start(warning_id: str, priority: Priority, mode: str = "verify") -> None:
    """Start the warning's workflow; idempotent (the execution is named after the warning), so a retried intake
    whose first attempt stored the warning but could not start it starts it now, and only once."""
    workflows.start(
        MACHINE, workflows.execution_name(warning_id), {"id": warning_id, "limits": limits(priority), "mode": mode}
    )
