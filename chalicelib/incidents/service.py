"""Incident use cases: intake, activation, command (instructions, situation, unit acks), stand-down."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import orjson
from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.core import clock, errors, ids, workflows
from chalicelib.core.identity import Identity
from chalicelib.core.lazy import lazy_module
from chalicelib.core.store import get_or_404, is_conditional_failure
from chalicelib.incidents import domain
from chalicelib.incidents.domain import Status

if TYPE_CHECKING:
    from chalicelib.incidents import store
else:
    store = lazy_module("chalicelib.incidents.store")

MACHINE = "emergency-response"
ACK_S = 300  # units acknowledge the call-out within 5 minutes (env CHEMPARK_UNIT_ACK_S)
STANDDOWN_REMIND_S = 1800  # the commander is reminded of an open incident every 30 min


def limits() -> dict[str, int]:
    import os

    return {
        "ack_s": int(os.environ.get("CHEMPARK_UNIT_ACK_S", ACK_S)),
        "standdown_s": int(os.environ.get("CHEMPARK_STANDDOWN_REMIND_S", STANDDOWN_REMIND_S)),
    }


def log(incident_id: str, kind: str, actor: str = "system", text: str = "", **details: Any) -> None:
    """Append to the command log (5.2.2-4, 6.4.4-1): every event in time order."""
    now = clock.now_ms()
    store.LogModel(
        incident_id,
        f"{now:013d}#{ids.ulid()}",
        ts=now,
        kind=kind,
        actor=actor,
        doc=orjson.dumps({"text": text, **details}, default=str).decode(),
    ).save()


def load(incident_id: str, who: Identity | None = None) -> Any:
    item = get_or_404(store.IncidentModel, incident_id, field="incident_id")
    if who is not None and not who.can_see(item.enterprise_id):
        raise errors.NOT_FOUND(details={"incident_id": incident_id})
    return item


def update(incident_id: str, change: Any, **fields: Any) -> dict[str, Any]:
    """Read-modify-write guarded by the version (the workflow and the API write the same record)."""
    for _ in range(10):
        item = load(incident_id)
        doc = item.data()
        change(doc)
        for name, value in fields.items():
            setattr(item, name, value)
        item.doc = orjson.dumps(
            {
                k: v
                for k, v in doc.items()
                if k not in ("id", "enterprise_id", "status", "created_ms", "awaiting_stand_down")
            }
        ).decode()
        try:
            item.save()
            return item.data()
        except PutError as exc:
            if not is_conditional_failure(exc):
                raise
    raise errors.CONFLICT(details={"incident_id": incident_id})


def intake(body: Any, who: Identity, drill: bool = False, faults: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Record time, place, type, phenomenon and reporter (6.4.2-1), from a phone report or a confirmed warning."""
    doc: dict[str, Any] = body.model_dump(mode="json", exclude_none=True)
    if body.warning_id:
        from chalicelib.warnings import service as warnings

        w = warnings.load(body.warning_id, who).data()
        if (w.get("verification") or {}).get("outcome") != "confirmed":
            raise domain.INCIDENT_STATE(details={"warning_id": body.warning_id, "reason": "warning not confirmed"})
        doc = {**_from_warning(w), **body.model_dump(mode="json", exclude_unset=True)}  # what the caller set wins
    for field in ("place", "enterprise_id"):
        if not doc.get(field):
            raise errors.VALIDATION_FAILED(
                f"请求参数校验失败：body.{field}",
                errors=[{"field": f"body.{field}", "message": "必填（或提供已确认的 warning_id）", "type": "missing"}],
            )
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
        doc=orjson.dumps(doc).decode(),
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


def _from_warning(w: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.core.identity import SYSTEM
    from chalicelib.registry import service as registry

    place = None
    if w.get("installation_id"):
        inst = registry.get(registry.INSTALLATION, w["installation_id"], SYSTEM)
        place = {**inst["location"], "text": inst["name"]}
        chemical = next((i["chemical"] for i in inst.get("inventory", [])), None)
    else:
        chemical = None
    level = domain.WARNING_TO_LEVEL[w["verification"]["level"]].value
    return {
        "warning_id": w["id"],
        "type": "leak",
        "level": level,
        "title": w["title"],
        "enterprise_id": w["enterprise_id"],
        "installation_id": w.get("installation_id"),
        "phenomenon": w["verification"].get("impact", ""),
        "place": place,
        "chemical": chemical,
        "reporter": w.get("verified_by", ""),
    }


def activate(incident_id: str, who: Identity) -> dict[str, Any]:
    """One click: pick the plan for this type and level, then start the response workflow (5.2.2-2)."""
    from chalicelib.plans import service as plans

    item = load(incident_id, who)
    if item.status != Status.REPORTED.value:
        raise domain.INCIDENT_STATE(details={"status": item.status, "action": "activate"})
    doc = item.data()
    plan = plans.select_plan(doc["type"], doc["level"], item.enterprise_id, doc.get("installation_id"))

    def change(d: dict[str, Any]) -> None:
        d.update(activated_ms=clock.now_ms(), activated_by=who.subject, commander=who.subject, plan=plan)

    data = update(incident_id, change, status=Status.ACTIVE.value)
    log(
        incident_id,
        "event",
        who.subject,
        f"启动应急响应，预案：{(plan or {}).get('name', '无匹配预案，按通用程序处置')}",
        plan_id=(plan or {}).get("plan_id"),
    )
    workflows.start(
        MACHINE,
        workflows.execution_name(incident_id),
        {"id": incident_id, "limits": limits(), "drill": bool(doc.get("drill"))},
    )
    return data


def instruct(
    incident_id: str, who: Identity, recipients: list[dict[str, Any]], content: str, task: str | None = None
) -> dict[str, Any]:
    """Issue an instruction (5.2.2-3): recorded, sent to its recipients (drills: recorded only)."""
    incident = load(incident_id, who).data()
    if incident["status"] != Status.ACTIVE.value:
        raise domain.INCIDENT_STATE(details={"status": incident["status"], "action": "instruct"})
    from chalicelib.incidents import messaging

    instruction_id, now = ids.new_id("ins"), clock.now_ms()
    doc = {
        "recipients": recipients,
        "content": content,
        "issued_ms": now,
        "issued_by": who.subject,
        "task": task,
        "feedback": [],
        "drill": incident["drill"],
    }
    store.InstructionModel(incident_id, instruction_id, status="issued", doc=orjson.dumps(doc).decode()).save()
    sent = messaging.notify(f"{incident_id}:{instruction_id}", recipients, f"【应急指令】{content}", incident)
    log(
        incident_id,
        "instruction",
        who.subject,
        content,
        instruction_id=instruction_id,
        to=[r["name"] for r in recipients],
        delivered=sent,
    )
    return {**doc, "id": instruction_id, "incident_id": incident_id, "status": "issued"}


def instruction_status(
    incident_id: str, instruction_id: str, who: Identity, status: str, feedback: str
) -> dict[str, Any]:
    load(incident_id, who)
    for _ in range(10):
        try:
            item = store.InstructionModel.get(incident_id, instruction_id, consistent_read=True)
        except DoesNotExist:
            raise errors.NOT_FOUND(details={"instruction_id": instruction_id}) from None
        domain.advance(item.status, status)
        doc = orjson.loads(item.doc)
        doc[f"{status}_ms"] = doc.get(f"{status}_ms") or clock.now_ms()
        if feedback:
            doc["feedback"].append({"by": who.subject, "at": clock.now_ms(), "text": feedback, "status": status})
        item.status, item.doc = status, orjson.dumps(doc).decode()
        try:
            item.save()
        except PutError as exc:
            if is_conditional_failure(exc):
                continue
            raise
        log(
            incident_id,
            "instruction",
            who.subject,
            f"指令{domain.INSTRUCTION_LABEL[status]}：{feedback}",
            instruction_id=instruction_id,
            status=status,
        )
        return item.data()
    raise errors.CONFLICT(details={"instruction_id": instruction_id})


def instructions(incident_id: str) -> list[dict[str, Any]]:
    items = [i.data() for i in store.InstructionModel.query(incident_id)]
    return sorted(items, key=lambda i: i["issued_ms"])


def unit_ack(incident_id: str, who: Identity, unit: str) -> dict[str, Any]:
    load(incident_id, who)
    found: list[bool] = []

    def change(doc: dict[str, Any]) -> None:
        for u in doc.get("units", []):
            if u["name"] == unit and not u.get("acked_ms"):
                u.update(acked_ms=clock.now_ms(), status="acknowledged", acked_by=who.subject)
                found.append(True)

    data = update(incident_id, change)
    if not found:
        raise errors.NOT_FOUND(details={"unit": unit})
    log(incident_id, "notice", who.subject, f"{unit} 已响应")
    return data


def stand_down(incident_id: str, who: Identity, summary: str) -> dict[str, Any]:
    """Order the end of the response (终止响应): resumes the workflow, which archives the incident."""
    deadline = time.monotonic() + 10
    while True:
        item = load(incident_id, who)
        if item.status != Status.ACTIVE.value:
            raise domain.INCIDENT_STATE(details={"status": item.status, "action": "stand_down"})
        token = item.token
        if not token:
            if time.monotonic() > deadline:
                raise workflows.STEP_EXPIRED()
            time.sleep(0.2)  # the workflow has not reached its waiting step yet
            continue
        try:
            update(
                incident_id,
                lambda d: d.update(stand_down={"by": who.subject, "at": clock.now_ms(), "summary": summary}),
                token=None,
            )
        except errors.AppError:
            continue
        log(incident_id, "event", who.subject, f"终止应急响应：{summary}")
        try:
            workflows.resume(token, {"by": who.subject, "summary": summary})
            return load(incident_id).data()
        except errors.AppError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def replay(incident_id: str) -> list[dict[str, Any]]:
    """The command log in time order (指令回溯, 5.2.2-3)."""
    return [
        {"ts": int(e.ts), "kind": e.kind, "actor": e.actor, **orjson.loads(e.doc)}
        for e in store.LogModel.query(incident_id, scan_index_forward=True)
    ]


def search(scope: str | None, status: str | None, drill: bool | None, limit: int) -> list[dict[str, Any]]:
    """Incidents newest first (a park has few: a scan with filters is cheaper than an index)."""
    condition = None
    for c in (
        store.IncidentModel.enterprise_id == scope if scope else None,
        store.IncidentModel.status == status if status else None,
    ):
        if c is not None:
            condition = c if condition is None else condition & c
    items = [i.data() for i in store.IncidentModel.scan(condition)]
    if drill is not None:
        items = [i for i in items if i["drill"] == drill]
    return sorted(items, key=lambda i: i["created_ms"], reverse=True)[:limit]
