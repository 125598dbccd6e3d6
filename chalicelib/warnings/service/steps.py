"""The human steps through the API (verify, approve, feed back, close).

A human step is completed by storing what the person decided, clearing the stored task token in the same
conditional write (so a step is completed once), then resuming the workflow. If the step timed out at that
very moment (escalation), the decision is delivered to the escalated step instead.
"""

from __future__ import annotations

import time
from typing import Any

from chalicelib.core import clock, errors, workflows
from chalicelib.core.identity import Identity
from chalicelib.core.store import conditional
from chalicelib.warnings import domain
from chalicelib.warnings.schemas import ApprovalIn, FeedbackIn, VerificationIn
from chalicelib.warnings.service.records import event, load, save, update


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


def verify(warning_id: str, who: Identity, body: VerificationIn) -> dict[str, Any]:
    """核实 (6.3.2-2): confirmed with a level and impact, or a false alarm with its reason."""
    verification = {**body.model_dump(mode="json"), "by": who.subject, "at": clock.now_ms()}
    record = {
        "verification": verification,
        "verified_ms": verification["at"],
        "verified_by": who.subject,
        "limit_review": body.suggest_limit_review and body.outcome == "false_alarm",
    }
    output = {"outcome": body.outcome, "level": verification["level"], "by": who.subject}
    data = complete_step(warning_id, "verification", who, record, output)
    event(
        warning_id,
        "verified",
        who.subject,
        outcome=body.outcome,
        level=verification["level"],
        impact=body.impact,
        reason=body.reason,
        method=body.method,
    )
    return data


def approve(warning_id: str, who: Identity, body: ApprovalIn) -> dict[str, Any]:
    """Publication approval by someone other than the verifier (four eyes); a rejection goes back to drafting."""
    approval = {**body.model_dump(mode="json"), "by": who.subject, "at": clock.now_ms()}
    data = complete_step(
        warning_id,
        "approval",
        who,
        {"approval": approval},
        {"decision": body.decision, "by": who.subject},
        check=lambda doc: domain.check_four_eyes(doc, who.subject),
    )
    action = "approved" if body.decision == "approve" else "rejected"
    event(warning_id, action, who.subject, comment=body.comment, edited=[e.audience for e in body.edits])
    return data


def feedback(warning_id: str, who: Identity, body: FeedbackIn) -> dict[str, Any]:
    """The responsible party's feedback while a published warning is tracked (until the risk is lifted)."""
    domain.require_tracking(load(warning_id, who).status)
    entry = {**body.model_dump(mode="json"), "by": who.subject, "at": clock.now_ms()}

    def add(doc: dict[str, Any]) -> None:
        doc["feedback"] = [*doc.get("feedback", []), entry]

    update(warning_id, add)
    event(warning_id, "feedback", who.subject, text=entry["text"], measures=entry["measures"])
    return load(warning_id).data()


def close(warning_id: str, who: Identity, reason: str) -> dict[str, Any]:
    """The risk is lifted: the tracking step ends and the workflow closes the warning."""
    closure = {"reason": reason, "by": who.subject, "at": clock.now_ms()}
    data = complete_step(warning_id, "tracking", who, {"closure": closure}, {"closed": True, "by": who.subject})
    event(warning_id, "close_requested", who.subject, reason=reason)
    return data
