"""Commanding an active incident: instructions (issue, progress, list) and unit acknowledgements."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.core import clock, errors, ids
from chalicelib.core.identity import Identity
from chalicelib.core.store import conditional
from chalicelib.incidents import domain, messaging, store
from chalicelib.incidents.service.records import load, log, update


def instruct(
    incident_id: str, who: Identity, recipients: list[dict[str, Any]], content: str, task: str | None = None
) -> dict[str, Any]:
    """Issue an instruction (5.2.2-3): recorded, sent to its recipients (drills: recorded only)."""
    incident = load(incident_id, who).data()
    domain.require_status(incident["status"], "instruct")
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
    store.InstructionModel(incident_id, instruction_id, status="issued", doc=doc).save()
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


def situation(incident_id: str, who: Identity, text: str) -> None:
    """A situation report from the scene (现场态势), kept in the command log while the response is active."""
    domain.require_status(load(incident_id, who).status, "situation")
    log(incident_id, "situation", who.subject, text)


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
        doc = item.doc
        doc[f"{status}_ms"] = doc.get(f"{status}_ms") or clock.now_ms()
        if feedback:
            doc["feedback"].append({"by": who.subject, "at": clock.now_ms(), "text": feedback, "status": status})
        item.status, item.doc = status, doc
        with conditional() as write:
            item.save()
        if write.failed:
            continue
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
