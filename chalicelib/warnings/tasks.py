"""The warning workflow's task Lambda actions (stepfunctions/warning_verification.asl.json)."""

from __future__ import annotations

from typing import Any

from chalicelib.core import clock
from chalicelib.core.schemas import Priority
from chalicelib.duty import service as duty
from chalicelib.notify import service as notify
from chalicelib.warnings import domain, store
from chalicelib.warnings.domain import Status
from chalicelib.warnings.service.records import event, load, update


def _people(level: int) -> list[duty.OnDutyPerson]:
    chain = duty.escalation_chain()
    return chain[min(level, 2)]


def assign(warning_id: str, level: int, reminder: bool = False) -> None:
    """Assign verification to the duty officers, then the supervisor, then the safety head (6.3.2-3)."""
    people = _people(level)

    def change(doc: dict[str, Any]) -> None:
        # A verification that did not take effect (its step expired meanwhile, or was handed back) is not kept.
        for key in ("verification", "verified_ms", "verified_by", "limit_review"):
            doc.pop(key, None)
        doc["escalation_level"] = level
        doc["assignees"] = [{"subject": p.subject, "name": p.name} for p in people]
        doc["assigned_ms"] = clock.now_ms()

    # The previous wait (if any) has expired: its token is dead until the next await stores a new one.
    doc = update(warning_id, change, status=Status.VERIFYING.value, awaiting=None, token=None)
    action = "reminded" if reminder else ("assigned" if level == 0 else "escalated")
    event(
        warning_id,
        action,
        "system",
        level=level,
        to=domain.ESCALATION_LABEL[min(level, 2)],
        assignees=[p.name for p in people] or ["（未排班：全体值守人员）"],
    )
    label = "（已升级）" if level else ""
    text = (
        f"【预警待核实{label}】{doc.get('enterprise_name', '')} {doc.get('installation_name', '')}：{doc['title']}。"
        f"请尽快登录系统核实（编号 {warning_id[-6:]}）。"
    )
    for p in people:
        notify.send_sms(
            f"{warning_id}:assign:{level}:{doc.get('assigned_ms')}",
            notify.Recipient(p.name, p.phone, Priority.LOW),
            text,
            "warning",
            doc["enterprise_id"],
        )


def await_step(warning_id: str, step: str, token: str) -> None:
    """Store the task token of the human step the workflow now waits for."""
    update(warning_id, lambda doc: None, status=domain.STEP_STATUS[step].value, awaiting=step, token=token)
    event(warning_id, f"awaiting_{step}", "system")


def draft(warning_id: str) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["draft_version"] = int(doc.get("draft_version", 0)) + 1
        edited = {d["audience"]: d["text"] for d in (doc.get("approval") or {}).get("edits", [])}
        doc["drafts"] = [
            {**d, "text": edited.get(d["audience"], d["text"])}
            for d in domain.drafts(doc, drill=bool(doc.get("drill")))
        ]

    doc = update(warning_id, change, status=Status.DRAFTING.value)
    event(
        warning_id, "drafted", "system", version=doc["draft_version"], audiences=[d["audience"] for d in doc["drafts"]]
    )


def publish(warning_id: str) -> None:
    """Send every approved draft on its channels (5.2.3-3); results per channel go on the record."""
    doc = load(warning_id).data()
    results = [
        notify.publish(channel, d["audience"], d["text"], warning_id, doc)
        for d in doc["drafts"]
        for channel in d["channels"]
    ]

    def change(d: dict[str, Any]) -> None:
        d["published_ms"], d["publication"] = clock.now_ms(), [r.public() for r in results]

    update(warning_id, change, status=Status.TRACKING.value)
    event(
        warning_id,
        "published",
        "system",
        channels=[f"{r.audience}/{r.channel}" for r in results],
        failed=[f"{r.audience}/{r.channel}" for r in results if not r.ok],
    )


def remind(warning_id: str, step: str) -> None:
    event(warning_id, f"reminder_{step}", "system")


def close(warning_id: str, false_alarm: bool) -> None:
    status = Status.FALSE_ALARM if false_alarm else Status.CLOSED

    def change(doc: dict[str, Any]) -> None:
        doc["closed_ms"] = clock.now_ms()

    doc = update(warning_id, change, status=status.value, awaiting=None, token=None)
    if doc.get("slot"):
        store.SlotModel(doc["slot"]).delete(condition=store.SlotModel.warning_id == warning_id)
    event(warning_id, "false_alarm_closed" if false_alarm else "closed", "system")


def run(event_: dict[str, Any]) -> dict[str, Any]:
    """Dispatch one task of the workflow."""
    action, warning_id = event_["action"], event_["id"]
    if action == "assign":
        assign(warning_id, int(event_.get("level", 0)), bool(event_.get("reminder")))
    elif action == "await":
        await_step(warning_id, event_["step"], event_["token"])
    elif action == "draft":
        draft(warning_id)
    elif action == "publish":
        publish(warning_id)
    elif action == "remind":
        remind(warning_id, event_["step"])
    elif action in ("close", "close_false"):
        close(warning_id, action == "close_false")
    else:
        raise ValueError(f"unknown warning task action {action!r}")
    return {"ok": True}
