"""Loading, shaping and committing permits: the helpers every use case of the context shares."""

from __future__ import annotations

from typing import Any

from chalicelib.core import auditing, clock, errors
from chalicelib.core.identity import Identity
from chalicelib.core.store import conditional, get_or_404, transaction
from chalicelib.workpermits import domain, store
from chalicelib.workpermits.domain import rules


def public(item: store.PermitModel) -> dict[str, Any]:
    """A permit as the API and other contexts see it (ISO times, zh-CN labels)."""
    data = item.data()
    level = data.get("level")
    return {
        **data,
        "type_label": rules.TYPE_LABEL[data["type"]],
        "level_label": rules.LEVEL_LABEL.get(level or "", ""),
        "state_label": domain.STATE_LABEL[data["state"]],
        "starts_at": clock.iso(data["starts_ms"]),
        "ends_at": clock.iso(data["ends_ms"]),
        "created_at": clock.iso(data["created_ms"]),
        "updated_at": clock.iso(data["updated_ms"]),
    }


def load(permit_id: str, who: Identity) -> store.PermitModel:
    """The permit if the caller may see it; another enterprise's answers NOT_FOUND (existence not revealed)."""
    item = get_or_404(store.PermitModel, permit_id, field="permit_id")
    if not who.can_see(item.enterprise_id):
        raise errors.NOT_FOUND(details={"permit_id": permit_id})
    return item


def doc(item: store.PermitModel) -> dict[str, Any]:
    return item.doc


def commit(item: store.PermitModel, entry: store.PermitEventModel, new: bool = False) -> None:
    """The permit and its trail entry in one transaction; a concurrent change of the same permit wins once."""
    with conditional(errors.CONFLICT(details={"permit_id": item.id})), transaction() as tx:
        tx.save(item, condition=store.PermitModel.id.does_not_exist() if new else None)
        tx.save(entry)


def held(states: frozenset[str] = domain.HELD) -> list[dict[str, Any]]:
    """Every permit in these states, park-wide (a park has tens of live tickets: one index query per state)."""
    return [i.data() for state in sorted(states) for i in store.PermitModel.by_state.query(state)]


def analyses(permit_id: str) -> list[dict[str, Any]]:
    return [a.data() for a in store.GasAnalysisModel.query(permit_id)]


def events(permit_id: str) -> list[dict[str, Any]]:
    return [e.as_dict() for e in store.PermitEventModel.query(permit_id)]


def audit_system(action: str, permit: store.PermitModel, **details: Any) -> None:
    """Audit a change no request made (a gas alarm, the expiry sweep): routes are audited by core.http."""
    auditing.record(
        auditing.AuditEntry(
            actor="system",
            role="system",
            enterprise_id=permit.enterprise_id,
            action=f"workpermits.{action}",
            target=permit.id,
            details=details,
        )
    )
