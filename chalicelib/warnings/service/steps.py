"""The human steps through the API (verify, approve, feed back, close).

Each completes the step the warning workflow waits on through the kernel's one primitive (`core.steps`): the
person's decision is stored in the same conditional write that clears the stored task token, so a step is
completed once; the loser of a race is told at once. A step the workflow is not waiting for (yet, or any
more, e.g. while it escalates) answers 409 now: the caller refreshes and retries, nobody waits in a request.
"""

from __future__ import annotations

from typing import Any

from chalicelib.core import clock, steps
from chalicelib.core.identity import Identity
from chalicelib.warnings import domain, store
from chalicelib.warnings.schemas import ApprovalIn, FeedbackIn, VerificationIn
from chalicelib.warnings.service.records import encode, event, load, update


def complete_step(
    warning_id: str,
    step: str,
    who: Identity,
    record: dict[str, Any],
    output: dict[str, Any],
    check: Any = None,
    action: str | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Store the decision and clear the token (once), record `action` in the timeline, resume the workflow."""

    def rules(item: Any) -> None:
        domain.require_step(item.status, step, item.awaiting)
        if check is not None:
            check(item.data())

    def decide(item: Any) -> list[Any]:
        return [store.WarningModel.doc.set(encode({**item.data(), **record}))]

    steps.complete(
        lambda: load(warning_id, who),
        step,
        output,
        not_awaited=lambda item: domain.WRONG_STEP(
            details={"status": item.status, "step": step, "awaiting": item.awaiting}
        ),
        check=rules,
        decide=decide,
        record=(lambda _: event(warning_id, action, who.subject, **(details or {}))) if action else None,
        not_applied=lambda reason: event(warning_id, f"{step}_not_applied", who.subject, reason=reason),
    )
    return load(warning_id).data()


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
    details = {
        "outcome": body.outcome,
        "level": verification["level"],
        "impact": body.impact,
        "reason": body.reason,
        "method": body.method,
    }
    return complete_step(warning_id, "verification", who, record, output, action="verified", details=details)


def approve(warning_id: str, who: Identity, body: ApprovalIn) -> dict[str, Any]:
    """Publication approval by someone other than the verifier (four eyes); a rejection goes back to drafting."""
    approval = {**body.model_dump(mode="json"), "by": who.subject, "at": clock.now_ms()}
    return complete_step(
        warning_id,
        "approval",
        who,
        {"approval": approval},
        {"decision": body.decision, "by": who.subject},
        check=lambda doc: domain.check_four_eyes(doc, who.subject),
        action="approved" if body.decision == "approve" else "rejected",
        details={"comment": body.comment, "edited": [e.audience for e in body.edits]},
    )


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
    output = {"closed": True, "by": who.subject}
    return complete_step(
        warning_id, "tracking", who, {"closure": closure}, output, action="close_requested", details={"reason": reason}
    )
