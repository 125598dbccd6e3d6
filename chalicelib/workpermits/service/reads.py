"""Reads of permits: scoped lists, the live ones, the map layer and the typed read other contexts use."""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from typing import Any

from chalicelib.core.identity import Identity
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.store import scoped_page
from chalicelib.workpermits import domain, store
from chalicelib.workpermits.service.gas import list_for
from chalicelib.workpermits.service.records import events, load, public


def _filter(**equal: str | None) -> Any:
    model = store.PermitModel
    clauses = [getattr(model, name) == value for name, value in equal.items() if value]
    return functools.reduce(operator.and_, clauses) if clauses else None


def list_page(
    who: Identity, enterprise_id: str | None, work_type: str | None, state: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first: within an enterprise, park-wide by state (index, latest start first) or a filtered scan."""
    scope, start, model = who.scope(enterprise_id), decode_cursor(cursor), store.PermitModel
    if scope:
        page = scoped_page(model, model.by_enterprise, scope, _filter(type=work_type, state=state), limit, start)
    else:
        page = scoped_page(model, model.by_state, state, _filter(type=work_type), limit, start)
    items, last = page
    return [public(i) for i in items], encode_cursor(last)


def active_page(
    who: Identity, enterprise_id: str | None, work_type: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Permits under way (state active), earliest start first."""
    scope = who.scope(enterprise_id)
    results = store.PermitModel.by_state.query(
        "active",
        filter_condition=_filter(enterprise_id=scope, type=work_type),
        limit=limit,
        last_evaluated_key=decode_cursor(cursor),
    )
    items = [public(i) for i in results]
    return items, encode_cursor(results.last_evaluated_key)


def detail(permit_id: str, who: Identity) -> dict[str, Any]:
    item = load(permit_id, who)
    return {"permit": public(item), "gas_analyses": list_for(permit_id, who), "events": events(permit_id)}


def live_features(who: Identity, enterprise_id: str | None, work_type: str | None) -> dict[str, Any]:
    """Active and suspended permits as a GeoJSON FeatureCollection (一张图)."""
    scope = who.scope(enterprise_id)
    cond = _filter(enterprise_id=scope, type=work_type)
    items = [
        public(i)
        for state in sorted(domain.LIVE)
        for i in store.PermitModel.by_state.query(state, filter_condition=cond)
    ]
    return domain.feature_collection(items)


@dataclass(frozen=True)
class ActivePermit:
    id: str
    type: str
    level: str | None
    installation_id: str | None
    starts_ms: int
    ends_ms: int


@dataclass(frozen=True)
class ActiveWork:
    """An enterprise's special work under way: what the enterprise risk profile counts (5.1.2-1, 5.1.2-2)."""

    enterprise_id: str
    permits: tuple[ActivePermit, ...]

    def by_type(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for p in self.permits:
            counts[p.type] = counts.get(p.type, 0) + 1
        return counts


def active_work(enterprise_id: str) -> ActiveWork:
    """Active permits of one enterprise (the caller scopes: this is a read for other contexts, not a route)."""
    items = store.PermitModel.by_state.query(
        "active", filter_condition=store.PermitModel.enterprise_id == enterprise_id
    )
    permits = [
        ActivePermit(d["id"], d["type"], d.get("level"), d.get("installation_id"), d["starts_ms"], d["ends_ms"])
        for d in (i.data() for i in items)
    ]
    return ActiveWork(enterprise_id, tuple(sorted(permits, key=lambda p: p.starts_ms)))
