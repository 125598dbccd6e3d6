"""CMDB use cases (配置管理数据库, 6.2.4-1/3): register CIs, record observations, lock and apply changes.

Declared attributes are written here only by `apply_change`, inside the transaction that completes a
change request; every write to a CI appends its history entry in the same transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.changes import domain, store
from chalicelib.changes.schemas import CIIn, ObservationIn
from chalicelib.core import clock, errors, ids
from chalicelib.core.identity import Identity
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.store import conditional, get_or_404, transaction

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

FUTURE_TOLERANCE_MS = 5 * 60 * 1000  # discovery clocks drift; an observation further ahead is refused
RECENT_OBSERVATIONS = 20


def _history(ci_id: str, kind: str, ts: int, actor: str, change_id: str | None = None, **doc: Any) -> Any:
    return store.CIHistoryModel(ci_id, ids.event_key(ts), type=kind, ts=ts, actor=actor, change_id=change_id, doc=doc)


def public(ci: store.CIModel) -> dict[str, Any]:
    return {
        "id": ci.id,
        "name": ci.name,
        "kind": ci.kind,
        "kind_label": domain.KIND_LABEL.get(ci.kind, ci.kind),
        "owner": ci.owner,
        "location": ci.location,
        "description": ci.description,
        "declared": ci.declared,
        "observed": ci.observed,
        "last_observed_ms": int(ci.last_observed_ms) if ci.last_observed_ms is not None else None,
        "last_observed_by": ci.last_observed_by,
        "revision": int(ci.revision or 0),
        "open_change": ci.open_change,
        "created_ms": int(ci.created_ms),
        "created_by": ci.created_by,
        "updated_ms": int(ci.updated_ms),
    }


def load(ci_id: str) -> store.CIModel:
    return get_or_404(store.CIModel, ci_id, field="ci_id")


def load_many(ci_ids: list[str]) -> dict[str, store.CIModel]:
    return {ci.id: ci for ci in store.CIModel.batch_get(ci_ids, consistent_read=True)} if ci_ids else {}


def create(body: CIIn, who: Identity) -> dict[str, Any]:
    """Register a CI with its baseline configuration (asset registration, audited by the route)."""
    problems = domain.check_attributes(body.declared, "declared")
    if problems:
        raise errors.invalid(problems)
    now, ci_id = clock.now_ms(), ids.new_id("ci")
    fields = body.model_dump(exclude={"declared"})
    ci = store.CIModel(ci_id, **fields, declared=body.declared, created_ms=now, created_by=who.subject, updated_ms=now)
    with transaction() as tx:
        tx.save(ci, condition=store.CIModel.id.does_not_exist())
        tx.save(_history(ci_id, "created", now, who.subject, after=body.declared))
    return public(ci)


def list_page(kind: str | None, limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    condition = store.CIModel.kind == kind if kind is not None else None
    results = store.CIModel.scan(condition, limit=limit, last_evaluated_key=decode_cursor(cursor))
    return [public(ci) for ci in results], encode_cursor(results.last_evaluated_key)


def detail(ci_id: str) -> dict[str, Any]:
    """The CI, its whole configuration history (6.2.4-3) and its latest observations."""
    ci, model = load(ci_id), store.CIHistoryModel
    history = [h.as_dict() for h in model.query(ci_id, filter_condition=model.type != "observed")]
    recent = model.query(ci_id, filter_condition=model.type == "observed", scan_index_forward=False)
    observations = [h.as_dict() for _, h in zip(range(RECENT_OBSERVATIONS), recent, strict=False)]
    return {"item": public(ci), "history": history, "observations": observations}


def observe(ci_id: str, body: ObservationIn, who: Identity) -> dict[str, Any]:
    """Record what is running (discovery or an engineer). An older observation never hides a newer one."""
    problems = domain.check_attributes(body.attributes, "attributes")
    now = clock.now_ms()
    at = clock.to_ms(body.observed_at) if body.observed_at else now
    if at > now + FUTURE_TOLERANCE_MS:
        problems.append(errors.field_error("observed_at", "观测时间不能晚于当前时间"))
    if problems:
        raise errors.invalid(problems)
    for _ in range(8):
        ci = load(ci_id)
        current = ci.observed
        if body.full_snapshot:
            current = {k: v for k, v in current.items() if v["at"] > at}
        for key, value in body.attributes.items():
            if key not in current or current[key]["at"] <= at:
                current[key] = {"value": value, "at": at, "by": who.subject, "source": body.source}
        ci.observed = current
        if ci.last_observed_ms is None or at >= ci.last_observed_ms:
            ci.last_observed_ms, ci.last_observed_by = at, who.subject
        ci.updated_ms = now
        entry = _history(
            ci_id,
            "observed",
            at,
            who.subject,
            attributes=body.attributes,
            source=body.source,
            full_snapshot=body.full_snapshot,
            notes=body.notes,
        )
        with conditional():  # another writer came in between: read again
            with transaction() as tx:
                tx.save(ci)
                tx.save(entry)
            return public(ci)
    raise errors.CONFLICT(details={"ci_id": ci_id})


def stage_lock(tx: TransactWrite, ci: store.CIModel, change_id: str, actor: str, title: str) -> None:
    """Within a submit transaction: reserve the CI for this change and note the request in its history."""
    now = clock.now_ms()
    tx.update(
        ci, actions=[store.CIModel.open_change.set(change_id)], condition=store.CIModel.open_change.does_not_exist()
    )
    tx.save(_history(ci.id, "change_requested", now, actor, change_id, title=title))


def held_by(change_id: str, ci_ids: list[str]) -> list[store.CIModel]:
    return [ci for ci in load_many(ci_ids).values() if ci.open_change == change_id]


def stage_release(tx: TransactWrite, ci: store.CIModel, change_id: str) -> None:
    tx.update(ci, actions=[store.CIModel.open_change.remove()], condition=store.CIModel.open_change == change_id)


def release(change_id: str, ci_ids: list[str]) -> None:
    """Free the CIs this change still holds (retried when an observation updates a CI meanwhile)."""
    for _ in range(8):
        held = held_by(change_id, ci_ids)
        if not held:
            return
        with conditional():
            with transaction() as tx:
                for ci in held:
                    stage_release(tx, ci, change_id)
            return
    raise errors.CONFLICT(details={"change_id": change_id})


def stage_apply(tx: TransactWrite, item: dict[str, Any], change_id: str, actor: str, people: dict[str, str]) -> None:
    """Within the completing transaction: the new declared configuration and its history entry."""
    ci, now = load(item["ci_id"]), clock.now_ms()
    before, after = domain.planned(ci.declared, item["attributes"])
    declared = domain.apply(ci.declared, after)
    revision = int(ci.revision or 0) + 1
    model = store.CIModel
    tx.update(
        ci,
        actions=[model.declared.set(declared), model.revision.set(revision), model.updated_ms.set(now)],
        condition=model.open_change == change_id,
    )
    tx.save(_history(ci.id, "declared", now, actor, change_id, before=before, after=after, revision=revision, **people))


def change_refs(ci_id: str, limit: int, start: dict[str, Any] | None) -> tuple[list[str], dict[str, Any] | None]:
    """Change ids requested for a CI, newest first (from its history), one page."""
    model = store.CIHistoryModel
    results = model.query(
        ci_id,
        filter_condition=model.type == "change_requested",
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=start,
    )
    refs = [h.change_id for h in results if h.change_id]
    return refs, results.last_evaluated_key
