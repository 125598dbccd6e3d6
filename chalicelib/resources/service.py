"""Emergency resource use cases (5.2.1): scoped CRUD, map and nearest queries, dispatch status, history."""

from __future__ import annotations

import functools
import operator
from datetime import date
from typing import Any

from chalicelib.core import clock, errors, geo, ids
from chalicelib.core.identity import Identity
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional, get_or_404, transaction
from chalicelib.registry import service as registry
from chalicelib.resources import domain, reminders, store
from chalicelib.resources.schemas import ResourceIn
from chalicelib.resources.views import Contact, ResourceView, view_of

__all__ = ["Contact", "ResourceView"]  # the views other contexts read, besides the functions

PARK_LOCATION_UNSET = errors.define(
    "PARK_LOCATION_UNSET", 404, "未提供坐标且园区位置未配置", "GET /resources/nearest without lat/lon needs PUT /park."
)
_RETRIES = 5  # concurrent writers of one resource (an operator and a dispatch) retry this many times


def public(item: store.ResourceModel) -> dict[str, Any]:
    """The resource as the API and other contexts see it."""
    return domain.view(item.data(), item.owner)


def _load(resource_id: str) -> store.ResourceModel:
    return get_or_404(store.ResourceModel, resource_id, field="resource_id")


def load(resource_id: str, who: Identity) -> store.ResourceModel:
    """The resource if the caller may see it; another enterprise's answers NOT_FOUND (existence not revealed)."""
    item = _load(resource_id)
    if not who.can_read_shared(item.owner):
        raise errors.NOT_FOUND(details={"resource_id": resource_id})
    return item


def _writable(item: store.ResourceModel, who: Identity) -> store.ResourceModel:
    if not who.can_write_shared(item.owner):
        raise domain.PARK_RESOURCE_READ_ONLY(details={"resource_id": item.id})
    return item


def get(resource_id: str, who: Identity) -> dict[str, Any]:
    return public(load(resource_id, who))


def _doc(body: ResourceIn) -> dict[str, Any]:
    """The stored document; a supply's expiry date is derived from its shelf life."""
    data = body.model_dump(mode="json", exclude={"kind", "status", "enterprise_id"})
    details = data["details"]
    production, shelf_life = details.get("production_date"), details.get("shelf_life_days")
    if body.kind == "supply" and production and shelf_life:
        derived = domain.expiry_date(date.fromisoformat(production), shelf_life).isoformat()
        if details.get("expiry_date") not in (None, derived):
            raise errors.invalid_field("details.expiry_date", f"与生产日期+保质期不一致，应为 {derived}", "consistency")
        details["expiry_date"] = derived
    return data


def _commit(item: store.ResourceModel, entry: store.ResourceHistoryModel, new: bool = False) -> None:
    with conditional(errors.CONFLICT(details={"resource_id": item.id})), transaction() as tx:
        tx.save(item, condition=store.ResourceModel.id.does_not_exist() if new else None)
        tx.save(entry)


def create(body: ResourceIn, who: Identity) -> dict[str, Any]:
    enterprise_id = body.enterprise_id
    if enterprise_id:
        who.ensure_can_write(enterprise_id)
        registry.enterprise(enterprise_id, who)  # the owner must exist
    elif who.is_enterprise_scoped:
        raise domain.PARK_RESOURCE_READ_ONLY(details={"field": "enterprise_id"})
    now, resource_id = clock.now_ms(), ids.new_id("res")
    status = str(body.status)
    item = store.ResourceModel(
        resource_id,
        owner=domain.owner_of(enterprise_id),
        kind=str(body.kind),
        status=status,
        doc=_doc(body),
        created_ms=now,
        updated_ms=now,
    )
    _commit(item, store.history_entry(resource_id, now, who.subject, "created", status=status), new=True)
    return public(item)


def replace(resource_id: str, body: ResourceIn, who: Identity) -> dict[str, Any]:
    """Whole replacement; owner and kind are fixed at creation."""
    item = _writable(load(resource_id, who), who)
    if domain.owner_of(body.enterprise_id) != item.owner:
        raise errors.invalid_field("enterprise_id", "所属单位创建后不可修改", "immutable")
    if str(body.kind) != item.kind:
        raise errors.invalid_field("kind", "资源类型创建后不可修改", "immutable")
    now, before = clock.now_ms(), item.status
    item.doc, item.status, item.updated_ms = _doc(body), str(body.status), now
    if item.status != "deployed":
        item.incident_id = None  # a manual release ends the dispatch
    _commit(
        item, store.history_entry(resource_id, now, who.subject, "replaced", status_before=before, status=item.status)
    )
    return public(item)


def remove(resource_id: str, who: Identity) -> None:
    item = _writable(load(resource_id, who), who)
    if item.status == "deployed":
        raise errors.STATE_CONFLICT("资源调派中，无法删除", details={"incident_id": item.incident_id})
    with transaction() as tx:
        tx.delete(item)
        tx.save(store.history_entry(resource_id, clock.now_ms(), who.subject, "deleted", name=item.data()["name"]))


def history(resource_id: str, who: Identity) -> list[dict[str, Any]]:
    load(resource_id, who)
    return [h.as_dict() for h in store.ResourceHistoryModel.query(resource_id)]


def _condition(kinds: list[str] | None, status: str | None, owners: list[str] | None = None) -> Any:
    model = store.ResourceModel
    clauses: list[Any] = []
    if kinds:
        clauses.append(model.kind.is_in(*kinds))
    if status:
        clauses.append(model.status == status)
    if owners is not None:
        clauses.append(model.owner.is_in(*owners))
    return functools.reduce(operator.and_, clauses) if clauses else None


def list_page(
    who: Identity, enterprise_id: str | None, kind: str | None, status: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    owners = who.shared_owners(enterprise_id)
    condition = _condition([kind] if kind else None, status)
    items, last = store.page(store.ResourceModel, owners, condition, limit, decode_cursor(cursor))
    return [public(i) for i in items], encode_cursor(last)


def _all(owners: list[str] | None, kinds: list[str] | None = None, status: str | None = None) -> list[dict[str, Any]]:
    """Every resource of these owners (a park holds hundreds, not millions: one filtered scan)."""
    return [public(i) for i in store.scan_all(store.ResourceModel, _condition(kinds, status, owners))]


def visible(who: Identity, enterprise_id: str | None, kind: str | None, status: str | None) -> list[dict[str, Any]]:
    return _all(who.shared_owners(enterprise_id), [kind] if kind else None, status)


def as_feature_collection(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Resources (dicts as this service returns them) as a GeoJSON FeatureCollection for the map (一张图)."""
    return domain.feature_collection(items)


def map_features(who: Identity) -> dict[str, Any]:
    """The resources layer of the map (一张图): what `/resources/geojson` draws, in the layers' shape."""
    return {"type": "FeatureCollection", "features": [domain.map_feature(r) for r in visible(who, None, None, None)]}


def _where(resource: dict[str, Any]) -> tuple[float, float]:
    return resource["location"]["lat"], resource["location"]["lon"]


def nearest_among(
    lat: float,
    lon: float,
    n: int = 5,
    kinds: list[str] | None = None,
    within_m: float | None = None,
    owners: list[str] | None = None,
) -> list[ResourceView]:
    """`nearest` limited to some owners (None = all): what the scoped routes and the alarm context use."""
    ranked = geo.nearest(_all(owners, kinds), lat, lon, _where, limit=n, within_m=within_m)
    return [view_of(r, round(d, 1)) for d, r in ranked]


def nearest_visible(
    who: Identity, lat: float | None, lon: float | None, n: int, kinds: list[str] | None, within_m: float | None
) -> list[dict[str, Any]]:
    """GET /resources/nearest: the caller's resources nearest a point, or the park's location when none is given."""
    if lat is None or lon is None:
        park = registry.park_view()
        if park is None:
            raise PARK_LOCATION_UNSET()
        lat, lon = park.location.lat, park.location.lon
    return [r.public() for r in nearest_among(lat, lon, n, kinds, within_m, who.shared_owners(None))]


def nearest(
    lat: float, lon: float, n: int = 5, kinds: list[str] | None = None, within_m: float | None = None
) -> list[ResourceView]:
    """The n resources nearest a point, nearest first, each with `distance_m` (every owner: the caller scopes)."""
    return nearest_among(lat, lon, n, kinds, within_m)


def set_status(resource_id: str, status: str, incident_id: str | None) -> ResourceView:
    """Dispatch (调派) or release a resource for an incident; the change is kept in the resource's history."""
    if status not in domain.STATUSES:
        raise errors.invalid_field("status", f"未知状态 {status}", "enum")
    for _ in range(_RETRIES):
        item = _load(resource_id)
        domain.check_status_change(item.status, item.incident_id, status, incident_id)
        if item.status == status and (status != "deployed" or item.incident_id == incident_id):
            return view_of(public(item))  # a repeated dispatch changes nothing and records nothing
        now, before = clock.now_ms(), item.status
        item.status, item.updated_ms = status, now
        item.incident_id = (incident_id or item.incident_id) if status == "deployed" else None
        actor = f"incident:{incident_id}" if incident_id else "system"
        entry = store.history_entry(
            resource_id, now, actor, "status", status_before=before, status=status, incident_id=incident_id
        )
        try:
            _commit(item, entry)
            return view_of(public(item))
        except errors.AppError as exc:
            if exc.error is not errors.CONFLICT:
                raise
    raise errors.CONFLICT(details={"resource_id": resource_id})


def sweep_reminders() -> dict[str, int]:
    """The daily supply reminder sweep (see reminders.run), warning `supply_expiry_warn_days` ahead."""
    return reminders.run(get_settings().supply_expiry_warn_days)


reminders_page = reminders.list_page
