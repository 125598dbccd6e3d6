"""An incident's life: intake (report or confirmed warning), one-click activation, stand-down."""

from __future__ import annotations

from typing import Any

from chalicelib.core import clock, errors, ids, steps, workflows
from chalicelib.core.identity import SYSTEM, Identity
from chalicelib.core.settings import get_settings
from chalicelib.incidents import domain, store
from chalicelib.incidents.domain import Status
from chalicelib.incidents.service.records import encode, load, log, update
from chalicelib.plans import service as plans
from chalicelib.registry import service as registry
from chalicelib.warnings import service as warnings

MACHINE = "emergency-response"


def limits() -> dict[str, int]:
    """The response workflow's timers: units' acknowledgement, stand-down reminders (Settings)."""
    settings = get_settings()
    return {"ack_s": settings.unit_ack_s, "standdown_s": settings.standdown_remind_s}


def intake(body: Any, who: Identity, drill: bool = False, faults: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Record time, place, type, phenomenon and reporter (6.4.2-1), from a phone report or a confirmed warning."""
    doc: dict[str, Any] = body.model_dump(mode="json", exclude_none=True)
    if body.warning_id:
        w = warnings.verified(body.warning_id, who)
        domain.require_confirmed(w.id, w.outcome)
        doc = {**_from_warning(w), **body.model_dump(mode="json", exclude_unset=True)}  # what the caller set wins
    for field in ("place", "enterprise_id"):
        if not doc.get(field):
            raise errors.invalid_field(field, "必填（或提供已确认的 warning_id）", "missing")
    who.ensure_can_write(doc["enterprise_id"])
    doc.setdefault("level", domain.Level.III.value)
    doc.setdefault("title", f"{domain.TYPE_LABEL[doc.get('type', 'leak')]}事件")
    incident_id, now = ids.new_id("inc"), clock.now_ms()
    doc.update(
        {
            "drill": drill,
            "faults": faults or [],
            "reported_by": who.subject,
            "units": [],
            "source": "warning" if body.warning_id else ("drill" if drill else "report"),
        }
    )
    item = store.IncidentModel(
        incident_id,
        enterprise_id=doc.pop("enterprise_id"),
        status=Status.REPORTED.value,
        created_ms=now,
        doc=doc,
    )
    item.save()
    log(
        incident_id,
        "event",
        who.subject,
        f"{'【演练】' if drill else ''}接报：{doc['title']}",
        reporter=doc.get("reporter"),
    )
    return item.data()


def _from_warning(w: warnings.VerifiedWarning) -> dict[str, Any]:
    place = None
    if w.installation_id:
        inst = registry.installation(w.installation_id, SYSTEM)
        place = {"lat": inst.location.lat, "lon": inst.location.lon, "text": inst.name}
        chemical = inst.chemicals[0].chemical if inst.chemicals else None
    else:
        chemical = None
    level = domain.WARNING_TO_LEVEL[str(w.level)].value
    return {
        "warning_id": w.id,
        "type": "leak",
        "level": level,
        "title": w.title,
        "enterprise_id": w.enterprise_id,
        "installation_id": w.installation_id,
        "phenomenon": w.impact,
        "place": place,
        "chemical": chemical,
        "reporter": w.verified_by,
    }


def activate(incident_id: str, who: Identity) -> dict[str, Any]:
    """One click: pick the plan for this type and level, then start the response workflow (5.2.2-2)."""
    item = load(incident_id, who)
    domain.require_status(item.status, "activate", Status.REPORTED)
    doc = item.data()
    plan = plans.select_plan(doc["type"], doc["level"], item.enterprise_id, doc.get("installation_id"))
    stored = plan.public() if plan else None  # the incident keeps the plan whole, as it was when activated

    def change(d: dict[str, Any]) -> None:
        d.update(activated_ms=clock.now_ms(), activated_by=who.subject, commander=who.subject, plan=stored)

    data = update(incident_id, change, status=Status.ACTIVE.value)
    log(
        incident_id,
        "event",
        who.subject,
        f"启动应急响应，预案：{plan.name if plan else '无匹配预案，按通用程序处置'}",
        plan_id=plan.plan_id if plan else None,
    )
    workflows.start(
        MACHINE,
        workflows.execution_name(incident_id),
        {"id": incident_id, "limits": limits(), "drill": bool(doc.get("drill"))},
    )
    return data


def stand_down(incident_id: str, who: Identity, summary: str) -> dict[str, Any]:
    """Order the end of the response (终止响应): completes the step the workflow waits on, once (`core.steps`);
    the workflow then archives the incident. Answers at once, with the incident as it stands now."""
    order = {"by": who.subject, "at": clock.now_ms(), "summary": summary}
    steps.complete(
        lambda: load(incident_id, who),
        "stand_down",
        {"by": who.subject, "summary": summary},
        not_awaited=lambda item: domain.INCIDENT_STATE(
            details={"status": item.status, "action": "stand_down", "awaiting": item.awaiting}
        ),
        check=lambda item: domain.require_status(item.status, "stand_down"),
        decide=lambda item: [store.IncidentModel.doc.set(encode({**item.data(), "stand_down": order}))],
        record=lambda _: log(incident_id, "event", who.subject, f"终止应急响应：{summary}"),
        not_applied=lambda reason: log(incident_id, "notice", who.subject, f"终止响应指令未生效：{reason}"),
    )
    return load(incident_id).data()
