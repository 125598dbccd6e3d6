"""Digital plan use cases (5.2.2-2): scoped entry, versioned revision, retirement, selection for activation."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.core import clock, errors, ids
from chalicelib.core.identity import PARK, Identity
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.store import conditional, get_or_404, transaction
from chalicelib.plans import domain, store
from chalicelib.plans.schemas import PlanIn, PlanRevisionIn
from chalicelib.plans.views import (
    AlarmPlan,
    AlarmPlans,
    Notification,
    PlanView,
    Section,
    Task,
    notification_of,
    plan_view,
)
from chalicelib.registry import service as registry

# The views other contexts read, besides the functions (plans.context builds AlarmPlans through them, so that
# `import app`, which imports plans.context, does not load the views).
__all__ = ["AlarmPlan", "AlarmPlans", "Notification", "PlanView", "Section", "Task", "notification_of"]


def _shape(head: store.PlanModel, doc: dict[str, Any], version: int, at: int, by: str, note: str) -> dict[str, Any]:
    """One version of a plan as the API and other contexts see it (tasks numbered in their order)."""
    current = int(head.current)
    return {
        **doc,
        "tasks": [{"seq": n, **task} for n, task in enumerate(doc.get("tasks", []), start=1)],
        "plan_id": head.id,
        "version": version,
        "current_version": current,
        "is_current": version == current,
        "status": head.status,
        "owner": doc.get("enterprise_id") or "park",
        "note": note,
        "revised_at": at,
        "revised_by": by,
        "created_at": int(head.created_ms),
        "retired_at": int(head.retired_ms) if head.retired_ms is not None else None,
        "retired_reason": head.retired_reason,
    }


def current_of(head: store.PlanModel) -> dict[str, Any]:
    doc = head.doc
    return _shape(head, doc, int(head.current), int(head.revised_ms), head.revised_by, head.note)


def _load(plan_id: str) -> store.PlanModel:
    return get_or_404(store.PlanModel, plan_id, field="plan_id")


def load(plan_id: str, who: Identity) -> store.PlanModel:
    """The plan if the caller may see it; another enterprise's plan answers NOT_FOUND."""
    head = _load(plan_id)
    if not who.can_read_shared(head.owner):
        raise errors.NOT_FOUND(details={"plan_id": plan_id})
    return head


def _writable(head: store.PlanModel, who: Identity) -> store.PlanModel:
    if not who.can_write_shared(head.owner):
        raise domain.PARK_PLAN_READ_ONLY(details={"plan_id": head.id})
    domain.ensure_active({"plan_id": head.id, "status": head.status})
    return head


def _check_scope(body: PlanIn, who: Identity) -> None:
    """The owner must be the caller's to write and exist; installations must be that enterprise's."""
    if body.enterprise_id is None:
        if who.is_enterprise_scoped:
            raise domain.PARK_PLAN_READ_ONLY(details={"field": "enterprise_id"})
        return
    who.ensure_can_write(body.enterprise_id)
    registry.enterprise(body.enterprise_id, who)  # the owner must exist
    for n, installation_id in enumerate(body.installation_ids):
        try:
            installation = registry.installation(installation_id, who)
        except errors.AppError:
            raise errors.invalid_field(
                f"installation_ids.{n}", f"重大危险源单元 {installation_id} 不存在", "reference"
            ) from None
        if installation.enterprise_id != body.enterprise_id:
            raise errors.invalid_field(f"installation_ids.{n}", "该单元不属于预案所属企业", "reference")


def _apply(head: store.PlanModel, doc: dict[str, Any], version: int, now: int, by: str, note: str) -> Any:
    head.current, head.doc, head.note = version, doc, note
    head.revised_ms, head.revised_by = now, by
    head.accident_types, head.levels = set(doc["accident_types"]), set(doc["levels"])
    return store.PlanVersionModel(head.id, version, doc=head.doc, created_ms=now, by=by, note=note)


def _commit(head: store.PlanModel, version: Any, new: bool) -> None:
    with (
        conditional(errors.CONFLICT("预案已被并发修订，请刷新后重试", details={"plan_id": head.id})),
        transaction() as tx,
    ):
        tx.save(head, condition=store.PlanModel.id.does_not_exist() if new else None)
        tx.save(version, condition=store.PlanVersionModel.version.does_not_exist())


def create(body: PlanIn, who: Identity) -> dict[str, Any]:
    """Version 1 of a new plan (预案录入)."""
    _check_scope(body, who)
    now, doc = clock.now_ms(), body.model_dump(mode="json")
    head = store.PlanModel(ids.new_id("pln"), owner=body.enterprise_id or PARK, created_ms=now)
    _commit(head, _apply(head, doc, 1, now, who.subject, "初版"), new=True)
    return current_of(head)


def revise(plan_id: str, body: PlanRevisionIn, who: Identity) -> dict[str, Any]:
    """A new version (预案修订); the previous ones stay as written. The owner cannot change."""
    head = _writable(load(plan_id, who), who)
    if (body.enterprise_id or PARK) != head.owner:
        raise errors.invalid_field("enterprise_id", "预案所属单位不可修改", "immutable")
    _check_scope(body, who)
    doc = body.model_dump(mode="json", exclude={"note"})
    _commit(head, _apply(head, doc, int(head.current) + 1, clock.now_ms(), who.subject, body.note), new=False)
    return current_of(head)


def retire(plan_id: str, reason: str, who: Identity) -> dict[str, Any]:
    """Retire (废止) a plan: it stays readable with its history and is never selected again."""
    head = _writable(load(plan_id, who), who)
    head.status, head.retired_ms, head.retired_reason = "retired", clock.now_ms(), reason
    with conditional(errors.CONFLICT(details={"plan_id": plan_id})):
        head.save()
    return current_of(head)


def get_plan(plan_id: str, version: int | None = None) -> dict[str, Any]:
    """The current version of a plan, or the given one (read-only history). No scope check: the caller's."""
    head = _load(plan_id)
    if version is None or version == int(head.current):
        return current_of(head)
    try:
        v = store.PlanVersionModel.get(plan_id, version)
    except DoesNotExist:
        raise errors.NOT_FOUND(details={"plan_id": plan_id, "version": version}) from None
    return _shape(head, v.document(), version, int(v.created_ms), v.by, v.note)


def get_visible(plan_id: str, who: Identity, version: int | None) -> dict[str, Any]:
    load(plan_id, who)
    return get_plan(plan_id, version)


def versions(plan_id: str, who: Identity) -> list[dict[str, Any]]:
    """Every version, oldest first."""
    head = load(plan_id, who)
    return [
        _shape(head, v.document(), int(v.version), int(v.created_ms), v.by, v.note) for v in store.versions(plan_id)
    ]


def list_page(who: Identity, q: Any) -> tuple[list[dict[str, Any]], str | None]:
    owners = who.shared_owners(q.enterprise_id)
    model, condition = store.PlanModel, None
    for clause in (
        model.status == q.status if q.status != "all" else None,
        model.accident_types.contains(str(q.accident_type)) if q.accident_type else None,
        model.levels.contains(str(q.level)) if q.level else None,
    ):
        if clause is not None:
            condition = clause if condition is None else condition & clause
    heads, last = store.page(owners, condition, q.limit, decode_cursor(q.cursor))
    return [current_of(h) for h in heads], encode_cursor(last)


def _candidates(enterprise_id: str | None) -> list[dict[str, Any]]:
    owners = [PARK, *([enterprise_id] if enterprise_id else [])]
    return [current_of(h) for h in store.heads(owners, store.PlanModel.status == "active")]


def _check_value(field: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise errors.invalid_field(field, f"未知取值 {value}", "enum")


def select_plan(
    accident_type: str, level: str, enterprise_id: str | None, installation_id: str | None
) -> PlanView | None:
    """The plan to activate: active, covering the type and level, most specific scope, then newest."""
    _check_value("accident_type", accident_type, domain.ACCIDENT_TYPES)
    _check_value("level", level, domain.LEVELS)
    chosen = domain.select(_candidates(enterprise_id), accident_type, level, enterprise_id, installation_id)
    return None if chosen is None else plan_view(chosen)


def applicable_plans(
    accident_types: list[str], enterprise_id: str | None, installation_id: str | None
) -> list[dict[str, Any]]:
    """Active plans covering any of the types at any level, best first (the alarm context's list)."""
    return domain.applicable(_candidates(enterprise_id), accident_types, None, enterprise_id, installation_id)


def select_for(
    who: Identity, accident_type: str | None, level: str | None, enterprise_id: str | None, installation_id: str | None
) -> dict[str, Any]:
    """GET /plans/select: the caller's scope; an omitted type or level matches any."""
    scoped = who.scope(enterprise_id)
    if installation_id:
        installation = registry.installation(installation_id, who)
        if scoped is not None and installation.enterprise_id != scoped:
            raise errors.invalid_field("installation_id", "该单元不属于 enterprise_id 指定的企业", "reference")
        scoped = installation.enterprise_id
    chosen = domain.select(_candidates(scoped), accident_type, level, scoped, installation_id)
    if chosen is None:
        raise domain.NO_APPLICABLE_PLAN(details={"accident_type": accident_type, "level": level})
    return {**chosen, "notify": domain.recipients(chosen, level) if level else chosen["notifications"]}
