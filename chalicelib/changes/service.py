"""Change request use cases (变更管理, 6.2.4-2): submit, list, detail, and the human steps of the workflow.

A submitted change locks its configuration items (one open change per CI) and starts the change-approval
workflow. A human step is completed through the kernel's one primitive (`core.steps`): the stored task token
is cleared in a conditional update (so a step is completed once), who did what is recorded in the timeline,
then the workflow resumes; if Step Functions does not answer, the step is handed back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib.changes import cmdb, domain, store
from chalicelib.changes.schemas import ChangeIn
from chalicelib.core import clock, errors, ids, steps, workflows
from chalicelib.core.identity import Identity
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.settings import CHANGE_LIMITS, get_settings
from chalicelib.core.store import conditional, get_or_404, transaction

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action

MACHINE = "change-approval"


def workflow_limits() -> dict[str, int]:
    """Step limits in seconds, as the workflow input names them (`approval_s`...): Settings.change_*_s."""
    settings = get_settings()
    return {name.removeprefix("change_"): getattr(settings, name) for name in CHANGE_LIMITS}


def event(change_id: str, action: str, actor: str = "system", key: str | None = None, **details: Any) -> None:
    """Append one timeline entry. A fixed `key` makes the entry idempotent (a retried task writes it once)."""
    now = clock.now_ms()
    entry = store.ChangeEventModel(
        change_id, key or ids.event_key(now), ts=now, action=action, actor=actor, doc=details
    )
    if key is None:
        entry.save(condition=store.ChangeEventModel.key.does_not_exist())
        return
    with conditional():  # a retried task: the entry is already there
        entry.save(condition=store.ChangeEventModel.key.does_not_exist())


def timeline(change_id: str) -> list[dict[str, Any]]:
    return [e.as_dict() for e in store.ChangeEventModel.query(change_id, scan_index_forward=True)]


def load(change_id: str) -> store.ChangeModel:
    return get_or_404(store.ChangeModel, change_id, field="change_id")


def public(item: store.ChangeModel) -> dict[str, Any]:
    """The change as the API, the archive and notifications show it (never the task token)."""
    doc = item.doc_map()
    return {
        **doc,
        "id": item.id,
        "title": item.title,
        "status": item.status,
        "awaiting": item.awaiting,
        "requester": item.requester,
        "implementer": item.implementer,
        "outcome": item.outcome,
        "created_ms": int(item.created_ms),
        "updated_ms": int(item.updated_ms),
        "closed_ms": int(item.closed_ms) if item.closed_ms is not None else None,
        "report_key": item.report_key,
    }


def update(change_id: str, fn: Callable[[store.ChangeModel], None]) -> store.ChangeModel:
    """Read-modify-write under the version attribute, retried when another writer came in between."""
    for _ in range(8):
        item = load(change_id)
        fn(item)
        item.updated_ms = clock.now_ms()
        with conditional():  # another writer came in between: read again
            item.save()
            return item
    raise errors.CONFLICT(details={"change_id": change_id})


def _items(body: ChangeIn, cis: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for n, item in enumerate(body.items):
        ci = cis.get(item.ci_id)
        if ci is None:
            field = f"items.{n}.ci_id"
            raise errors.invalid_field(field, f"配置项 {item.ci_id} 不存在", "reference")
        before, after = domain.planned(ci.declared, item.attributes)
        if not after:
            raise domain.NO_EFFECT(details={"ci_id": item.ci_id})
        out.append(
            {"ci_id": ci.id, "ci_name": ci.name, "attributes": item.attributes, "before": before, "after": after}
        )
    return out


def create(body: ChangeIn, who: Identity) -> dict[str, Any]:
    """Record the request, lock its CIs, start the approval workflow."""
    now = clock.now_ms()
    doc: dict[str, Any] = {
        "description": body.description,
        "risk": body.risk.model_dump(mode="json"),
        "rollback_plan": body.rollback_plan,
        "test_plan": body.test_plan,
        "planned_window": {
            "start_ms": clock.to_ms(body.planned_window.start),
            "end_ms": clock.to_ms(body.planned_window.end),
        },
        "items": [i.model_dump() for i in body.items],
    }
    problems = domain.check_request(doc, now)
    if problems:
        raise errors.invalid(problems)
    change_id, limits = ids.new_id("chg"), workflow_limits()
    for _ in range(5):
        cis = cmdb.load_many([i.ci_id for i in body.items])
        doc["items"], doc["limits"] = _items(body, cis), limits
        locked = [ci for ci in cis.values() if ci.open_change]
        if locked:
            raise domain.CI_LOCKED(details={"ci_id": locked[0].id, "change_id": locked[0].open_change})
        item = store.ChangeModel(
            change_id,
            title=body.title,
            status=domain.Status.SUBMITTED.value,
            requester=who.subject,
            doc=doc,
            created_ms=now,
            updated_ms=now,
        )
        with conditional() as write, transaction() as tx:
            tx.save(item, condition=store.ChangeModel.id.does_not_exist())
            for ci in cis.values():
                cmdb.stage_lock(tx, ci, change_id, who.subject, body.title)
        if not write.failed:
            break
    else:
        raise errors.CONFLICT(details={"change_id": change_id})
    event(change_id, "submitted", who.subject, title=body.title, risk=doc["risk"]["level"])
    try:
        workflows.start(MACHINE, workflows.execution_name(change_id), {"id": change_id, "limits": limits})
    except Exception as exc:
        # Nothing changed yet: unlock the CIs so the request can be submitted again.
        cmdb.release(change_id, [i["ci_id"] for i in doc["items"]])
        update(change_id, lambda c: setattr(c, "status", domain.Status.FAILED.value))
        event(change_id, "start_failed", "system", reason=type(exc).__name__)
        if isinstance(exc, errors.AppError):
            raise
        raise errors.DEPENDENCY_UNAVAILABLE(details={"service": "stepfunctions"}) from exc
    return public(load(change_id))


def list_page(
    status: str | None, ci_id: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """By CI (its change_requested history) or by status (index): newest first; otherwise in table order."""
    start = decode_cursor(cursor)
    if ci_id is not None:
        refs, last = cmdb.change_refs(ci_id, limit, start)
        found = {c.id: c for c in store.ChangeModel.batch_get(refs)} if refs else {}
        items = [found[r] for r in refs if r in found and (status is None or found[r].status == status)]
        return [public(i) for i in items], encode_cursor(last)
    if status is not None:
        results = store.ChangeModel.by_status.query(
            status, scan_index_forward=False, limit=limit, last_evaluated_key=start
        )
    else:
        results = store.ChangeModel.scan(limit=limit, last_evaluated_key=start)
    page = [public(i) for i in results]
    return page, encode_cursor(results.last_evaluated_key)


def detail(change_id: str) -> dict[str, Any]:
    return {"change": public(load(change_id)), "timeline": timeline(change_id)}


def complete_step(change_id: str, step: str, who: Identity, answer: str, notes: str) -> dict[str, Any]:
    """Complete the human step the workflow waits for, once (`core.steps`): claim it, record it, resume."""
    key = {"approval": "decision", "rollback": "done"}.get(step, "result")
    value: Any = True if step == domain.Step.ROLLBACK else answer
    model = store.ChangeModel

    def rules(item: store.ChangeModel) -> None:
        domain.check_actor(step, who.subject, item.requester, item.implementer)
        domain.check_notes(step, answer, notes)

    def decide(item: store.ChangeModel) -> list[Action]:
        actions: list[Action] = [model.updated_ms.set(clock.now_ms())]
        if step == domain.Step.IMPLEMENTATION:
            actions.append(model.implementer.set(who.subject))
        return actions

    steps.complete(
        lambda: load(change_id),
        step,
        {key: value, "comment" if step == "approval" else "notes": notes, "by": who.subject},
        not_awaited=lambda item: domain.WRONG_STEP(
            details={"step": step, "awaiting": item.awaiting, "status": item.status}
        ),
        check=rules,
        decide=decide,
        record=lambda _: event(change_id, step, who.subject, **{key: value, "notes": notes}),
        not_applied=lambda reason: event(change_id, f"{step}_not_applied", who.subject, reason=reason),
    )
    return public(load(change_id))
