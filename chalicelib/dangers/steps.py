"""What every hidden-danger step shares: the scoped load, the versioned commit with its history entry, and
the follow-up of a major danger (its 督办 order and its message to the regulator's exchange)."""

from __future__ import annotations

from chalicelib.core import errors
from chalicelib.core.identity import Identity
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional, get_or_404, transaction
from chalicelib.dangers import domain, ports, store, supervision

DATASET = "sec_hidden_danger_info"


def load(danger_id: str, who: Identity) -> store.DangerModel:
    """The danger if the caller may see it; another enterprise's answers NOT_FOUND (existence not revealed)."""
    item = get_or_404(store.DangerModel, danger_id, field="danger_id")
    if not who.can_see(item.enterprise_id):
        raise errors.NOT_FOUND(details={"danger_id": danger_id})
    return item


def commit(item: store.DangerModel, entry: store.DangerEventModel, new: bool = False) -> None:
    """The danger and its history entry together; a concurrent step on the same danger answers CONFLICT."""
    with conditional(errors.CONFLICT(details={"danger_id": item.id})), transaction() as tx:
        tx.save(item, condition=store.DangerModel.id.does_not_exist() if new else None)
        tx.save(entry)


def follow_up(item: store.DangerModel, actor: str = "system") -> None:
    """After a committed step: a major danger's 督办 order exists, and its state reached the regulator's
    exchange (5.1.2-3). Both are idempotent and never fail the step: the sweep repeats what did not happen."""
    if item.level != domain.Level.MAJOR:
        return
    danger = item.data()
    try:
        if item.state in domain.OPEN:
            supervision.issue(danger, "major", actor)
        code = domain.STATE_CODE[item.state]
        if item.reported is None or int(item.reported) != code:
            record = domain.regulator_record(danger, get_settings().park_utc_offset_h)
            ports.exchange()(DATASET, item.id, item.enterprise_id, record)
            item.update(actions=[store.DangerModel.reported.set(code)], add_version_condition=False)
    except Exception:
        logger.exception("major danger follow-up failed", extra={"danger_id": item.id})
