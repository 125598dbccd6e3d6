"""The change-approval workflow's task actions (stepfunctions/change_approval.asl.json).

Every action may run twice (the ASL retries Lambda service errors), so each one is idempotent: completing
applies the declared attributes in one transaction guarded by the change's status, archiving closes the
change once and appends its audit record once.
"""

from __future__ import annotations

from typing import Any

import orjson

from chalicelib.changes import cmdb, domain, service, store
from chalicelib.core import auditing, aws, catalog, clock, errors
from chalicelib.core.auditing import AuditEntry
from chalicelib.core.observability import logger, metrics
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional, transaction

# Who must act on each step (notified on the notifications topic; the routes enforce the same roles).
ACTORS = {
    "approval": ("park_admin",),
    "test": ("ops_engineer",),
    "implementation": ("ops_engineer",),
    "review": ("park_admin", "ops_engineer"),
    "rollback": ("ops_engineer",),
}
DONE_BY = {"approval": "approved_by", "test": "tested_by", "implementation": "implemented_by", "review": "reviewed_by"}


def notify(item: store.ChangeModel, step: str, reminder: bool = False) -> None:
    """Tell who must act (app push via the notifications topic). Never fails the task: the step is also
    listed by the API, and a lost message must not abandon the change."""
    roles = ACTORS[step]
    label = domain.STEP_LABEL[step] + ("（提醒）" if reminder else "")
    text = f"【变更待{label}】{item.title}（编号 {item.id[-6:]}），请登录系统办理。"
    attributes = {"channel": "app", "audience": "park", "kind": "change", "step": step, "roles": ",".join(roles)}
    try:
        aws.client("sns").publish(
            TopicArn=catalog.topic_arn("notifications"),
            Message=orjson.dumps({"change_id": item.id, "step": step, "roles": roles, "text": text}).decode(),
            MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
        )
    except Exception:
        logger.exception("change notification failed", extra={"change_id": item.id, "step": step})
        metrics.add_metric(name="ChangeNotifyFailed", unit="Count", value=1)


def await_step(change_id: str, step: str, token: str) -> None:
    """Store the task token of the human step the workflow now waits for, and call for it."""

    def waiting(c: store.ChangeModel) -> None:
        c.status, c.awaiting, c.token = domain.awaiting_status(step).value, step, token

    item = service.update(change_id, waiting)
    service.event(change_id, f"awaiting_{step}", roles=list(ACTORS[step]))
    notify(item, step)


def remind(change_id: str, step: str) -> None:
    service.event(change_id, f"reminder_{step}", roles=list(ACTORS[step]))
    notify(service.load(change_id), step, reminder=True)


def rollback(change_id: str) -> None:
    """Test, implementation or review failed (or implementation ran out of time): the rollback plan applies."""

    def rolling_back(c: store.ChangeModel) -> None:
        c.status, c.awaiting, c.token = domain.Status.ROLLING_BACK.value, None, None

    item = service.update(change_id, rolling_back)
    service.event(change_id, "rollback_started", rollback_plan=item.doc_map()["rollback_plan"])


def _people(timeline: list[dict[str, Any]]) -> dict[str, str]:
    return {DONE_BY[e["action"]]: e["actor"] for e in timeline if e["action"] in DONE_BY}


def complete(change_id: str) -> None:
    """Reviewed ok: the proposed attributes become the declared configuration, with history, atomically."""
    for _ in range(8):
        item = service.load(change_id)
        if item.status == domain.Status.COMPLETED:
            return
        items, people = item.doc_map()["items"], _people(service.timeline(change_id))
        with conditional() as write, transaction() as tx:
            for entry in items:
                cmdb.stage_apply(tx, entry, change_id, item.implementer or "system", people)
            tx.update(
                item,
                actions=[
                    store.ChangeModel.status.set(domain.Status.COMPLETED.value),
                    store.ChangeModel.updated_ms.set(clock.now_ms()),
                ],
            )
        if not write.failed:
            break
    else:
        raise errors.CONFLICT(details={"change_id": change_id})
    service.event(change_id, "applied", items=[{"ci_id": i["ci_id"], "after": i["after"]} for i in items])


def _close(change_id: str, outcome: domain.Outcome) -> store.ChangeModel:
    """Set the final status once and free the CIs, in one transaction."""
    model = store.ChangeModel
    for _ in range(8):
        item = service.load(change_id)
        if item.closed_ms is not None:
            return item
        key = domain.archive_key(change_id, int(item.created_ms), get_settings().park_utc_offset_h)
        now, ci_ids = clock.now_ms(), [i["ci_id"] for i in item.doc_map()["items"]]
        with conditional() as write, transaction() as tx:
            tx.update(
                item,
                actions=[
                    model.status.set(outcome.value),
                    model.outcome.set(outcome.value),
                    model.closed_ms.set(now),
                    model.report_key.set(key),
                    model.updated_ms.set(now),
                    model.awaiting.remove(),
                    model.token.remove(),
                ],
            )
            for ci in cmdb.held_by(change_id, ci_ids):
                cmdb.stage_release(tx, ci, change_id)
        if not write.failed:
            return service.load(change_id)
    raise errors.CONFLICT(details={"change_id": change_id})


def archive(change_id: str, outcome: str) -> None:
    """Close the change, file its final record (all steps) in the reports bucket, append the audit record."""
    item = _close(change_id, domain.Outcome(outcome))
    closed_ms, key = int(item.closed_ms or 0), str(item.report_key)
    service.event(change_id, "archived", key=f"{closed_ms:013d}#archived", outcome=item.outcome, report_key=key)
    record = {
        **service.public(item),
        "outcome_label": domain.OUTCOME_LABEL[outcome],
        "timeline": service.timeline(change_id),
    }
    aws.client("s3").put_object(
        Bucket=catalog.bucket_name("reports"),
        Key=key,
        Body=orjson.dumps(record, option=orjson.OPT_INDENT_2),
        ContentType="application/json; charset=utf-8",
    )
    if item.audit_seq is None:
        details = {"outcome": item.outcome, "report_key": key, "title": item.title, "requester": item.requester}
        entry = auditing.record(
            AuditEntry(actor="system", role="system", action="changes.archive", target=change_id, details=details)
        )
        item.update(actions=[store.ChangeModel.audit_seq.set(entry["seq"])], add_version_condition=False)


def run(event: dict[str, Any]) -> None:
    """Dispatch one task of the workflow."""
    action, change_id = event["action"], event["id"]
    if action == "submitted":
        service.event(change_id, "workflow_started")
    elif action == "await":
        await_step(change_id, event["step"], event["token"])
    elif action == "remind":
        remind(change_id, event["step"])
    elif action == "rollback":
        rollback(change_id)
    elif action == "complete":
        complete(change_id)
    elif action == "archive":
        archive(change_id, event["outcome"])
    else:
        raise ValueError(f"unknown change task action {action!r}")
