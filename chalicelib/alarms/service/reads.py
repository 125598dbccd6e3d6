"""Alarm reads: one alarm (tenancy-checked for a caller, or as the system sees it), open alarms, event history,
and filtered searches over the alarm indexes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.alarms import store
from chalicelib.alarms.domain import READINGS, Alarm, State
from chalicelib.alarms.schemas import AlarmFilter
from chalicelib.alarms.service.records import public, to_alarm
from chalicelib.core import errors
from chalicelib.core.clock import to_ms
from chalicelib.core.identity import PARK, Identity
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.store import get_or_404
from chalicelib.registry import service as registry

if TYPE_CHECKING:
    from pynamodb.expressions.condition import Condition


def load(alarm_id: str, who: Identity) -> tuple[store.AlarmModel, Alarm]:
    item = get_or_404(store.AlarmModel, alarm_id, field="alarm_id")
    alarm = to_alarm(item)
    if not who.can_see(alarm.enterprise_id):
        raise errors.NOT_FOUND(details={"alarm_id": alarm_id})
    return item, alarm


def detail(alarm_id: str, who: Identity) -> dict[str, Any]:
    """One alarm the caller may see, as the API shows it, with its whole event history."""
    _, alarm = load(alarm_id, who)
    return {"alarm": public(alarm), "history": history(alarm_id)}


def history(alarm_id: str) -> list[dict[str, Any]]:
    return [
        {"seq": int(e.seq), "ts": int(e.ts), "type": e.type, "by": e.by, **e.doc}
        for e in store.AlarmEventModel.query(alarm_id, scan_index_forward=True)
    ]


def open_alarms(installation_id: str | None = None, enterprise_id: str | None = None) -> list[Alarm]:
    """Every open alarm, an installation's (its enterprise's, never a park-owned event alarm naming it: risk
    shows an installation's alarms to its enterprise) or an enterprise's (the risk profile, on every alarm
    event: a sparse index, so as many reads as the enterprise has open alarms, not as the park has)."""
    if enterprise_id is not None:
        items = store.AlarmModel.by_open_enterprise.query(enterprise_id)
    elif installation_id is not None:
        # the sparse index: as many reads as it has open alarms, not as many as it ever had
        items = store.AlarmModel.by_open_installation.query(
            installation_id, filter_condition=store.AlarmModel.enterprise_id != PARK
        )
    else:
        items = store.AlarmModel.by_open.query(store.OPEN)
    return [to_alarm(i) for i in items]


def get_alarm(alarm_id: str) -> Alarm:
    return to_alarm(store.AlarmModel.get(alarm_id, consistent_read=True))


def unacked_ids() -> list[str]:
    """Annunciated alarms nobody has acknowledged yet (carried over at a shift handover)."""
    return [a.id for a in open_alarms() if a.annunciated and not a.acked]


def _and(*conditions: Any) -> Any:
    out = None
    for c in conditions:
        if c is not None:
            out = c if out is None else out & c
    return out


def _source(source: str | None) -> Condition | None:
    """Reading alarms stored before sources were recorded have none: they are the readings' too."""
    if source is None:
        return None
    if source == READINGS:
        return store.AlarmModel.source.does_not_exist() | (store.AlarmModel.source == READINGS)
    return store.AlarmModel.source == source


def search(who: Identity, q: AlarmFilter) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first, on the most selective index the filters allow; other filters apply server-side."""
    scope = who.scope(q.enterprise_id)
    lo, hi = (to_ms(q.from_) if q.from_ else 0), (to_ms(q.to) if q.to else 2**53)
    in_range = store.AlarmModel.raised_ms.between(lo, hi)
    filters: list[Condition | None] = [
        store.AlarmModel.state == q.state.value if q.state else None,
        store.AlarmModel.priority == q.priority.value if q.priority else None,
        store.AlarmModel.condition == q.kind if q.kind else None,
        _source(q.source),
    ]
    if q.open is not None:
        filters.append(
            store.AlarmModel.open_key == store.OPEN if q.open else store.AlarmModel.open_key.does_not_exist()
        )
    page: dict[str, Any] = {"limit": q.limit, "last_evaluated_key": decode_cursor(q.cursor)}
    if q.tag_id:
        filters += [
            store.AlarmModel.enterprise_id == scope if scope else None,
            store.AlarmModel.installation_id == q.installation_id if q.installation_id else None,
        ]
        results = store.AlarmModel.by_tag.query(q.tag_id, in_range, _and(*filters), scan_index_forward=False, **page)
    elif q.installation_id:
        registry.require(registry.INSTALLATION, q.installation_id, who)  # 404 outside the caller's scope
        filters.append(store.AlarmModel.enterprise_id == scope if scope else None)  # never a park-owned alarm
        results = store.AlarmModel.by_installation.query(
            q.installation_id, in_range, _and(*filters), scan_index_forward=False, **page
        )
    elif scope is not None:
        results = store.AlarmModel.by_enterprise.query(
            scope, in_range, _and(*filters), scan_index_forward=False, **page
        )
    elif q.open or (q.state is not None and q.state is not State.NORMAL):  # only open alarms can be in it
        results = store.AlarmModel.by_open.query(store.OPEN, in_range, _and(*filters), scan_index_forward=False, **page)
    else:
        results = store.AlarmModel.scan(_and(in_range, *filters), **page)
    items = [public(to_alarm(i)) for i in results]
    items.sort(key=lambda a: a["raised_ms"], reverse=True)
    return items, encode_cursor(results.last_evaluated_key)
