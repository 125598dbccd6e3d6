"""Registry use cases: scoped CRUD of park, enterprises, zones, installations, sensors, cameras, gateways."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pynamodb.exceptions import DoesNotExist

from chalicelib.core import clock, errors, ids
from chalicelib.core.identity import PARK, Identity
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.store import conditional
from chalicelib.registry import domain, gb28181, store

IN_USE = errors.define("IN_USE", 409, "仍有关联对象，无法删除", "Delete the sensors/cameras that reference it first.")


@dataclass(frozen=True)
class Kind:
    """One registry entity type: its table, id prefix and the references a document may hold."""

    name: str
    model_name: str
    prefix: str
    scoped: bool = True  # has enterprise_id

    @property
    def model(self) -> Any:
        return getattr(store, self.model_name)


ENTERPRISE = Kind("enterprise", "EnterpriseModel", "ent", scoped=False)
ZONE = Kind("zone", "ZoneModel", "zon")
INSTALLATION = Kind("installation", "InstallationModel", "ins")
SENSOR = Kind("sensor", "SensorModel", "")
CAMERA = Kind("camera", "CameraModel", "")
GATEWAY = Kind("gateway", "GatewayModel", "gw")
KINDS = {k.name: k for k in (ENTERPRISE, ZONE, INSTALLATION, SENSOR, CAMERA, GATEWAY)}


def _visible_enterprise(item: Any, kind: Kind) -> str | None:
    if kind is ENTERPRISE:
        return item.id
    value = getattr(item, "enterprise_id", None)
    return None if value == PARK else value


def load(kind: Kind, entity_id: str, who: Identity) -> Any:
    """The entity if it exists and the caller may see it; NOT_FOUND otherwise (never reveal other tenants)."""
    if not entity_id:  # DynamoDB refuses an empty key outright; no such entity is the honest answer
        raise errors.NOT_FOUND(details={kind.name: entity_id})
    try:
        item = kind.model.get(entity_id, consistent_read=True)
    except DoesNotExist:
        raise errors.NOT_FOUND(details={kind.name: entity_id}) from None
    owner = _visible_enterprise(item, kind)
    if owner is not None and not who.can_see(owner):
        raise errors.NOT_FOUND(details={kind.name: entity_id})
    if owner is None and kind.scoped and who.is_enterprise_scoped:
        raise errors.NOT_FOUND(details={kind.name: entity_id})  # park-level zone: not an enterprise's
    return item


def get(kind: Kind, entity_id: str, who: Identity) -> dict[str, Any]:
    return load(kind, entity_id, who).data()


def list_page(
    kind: Kind,
    who: Identity,
    enterprise_id: str | None,
    limit: int,
    cursor: str | None,
    installation_id: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    scope = who.scope(enterprise_id)
    if installation_id is not None:
        load(INSTALLATION, installation_id, who)  # scope check on the parent
        items, last = store.page(kind.model, None, limit, decode_cursor(cursor), "by_installation", installation_id)
    elif kind is ENTERPRISE:
        if scope is not None:
            return [get(ENTERPRISE, scope, who)], None
        items, last = store.page(kind.model, None, limit, decode_cursor(cursor))
    else:
        items, last = store.page(kind.model, scope, limit, decode_cursor(cursor))
    return [i.data() for i in items], encode_cursor(last)


def search(kind: Kind, who: Identity, q: Any) -> tuple[list[dict[str, Any]], str | None]:
    """A list route's page: scoped as `list_page`, then the query's own filters (`grade`, `kind`) on the page."""
    items, cursor = list_page(kind, who, q.enterprise_id, q.limit, q.cursor, getattr(q, "installation_id", None))
    for name in ("grade", "kind"):
        wanted = getattr(q, name, None)
        if wanted is not None:
            items = [i for i in items if i.get(name) == wanted]
    return items, cursor


def _check_refs(doc: dict[str, Any], enterprise_id: str, who: Identity) -> None:
    """References (installation, zone, gateway) must exist, be visible and belong to the same enterprise."""
    for field, kind in (("installation_id", INSTALLATION), ("zone_id", ZONE), ("gateway_id", GATEWAY)):
        ref = doc.get(field)
        if not ref:
            continue
        try:
            item = load(kind, ref, who)
        except errors.AppError as exc:
            raise errors.invalid_field(field, f"{kind.name} {ref} 不存在", "reference") from exc
        owner = _visible_enterprise(item, kind)
        if owner is not None and owner != enterprise_id:
            raise domain.ENTERPRISE_MISMATCH(details={"field": field, "id": ref})


def _prepare(kind: Kind, doc: dict[str, Any]) -> dict[str, Any]:
    """Derived fields computed by the domain rules, stored with the document."""
    if kind is INSTALLATION:
        return {**doc, **domain.assess_installation(doc["inventory"], doc["exposed_people"])}
    if kind is SENSOR:
        domain.check_unit(doc["kind"], doc["unit"])
        limits, source = domain.resolve_limits(doc["kind"], doc.get("gas"), doc["unit"], doc.get("limits"))
        domain.check_limits(limits, doc.get("deadband") or 0)
        return {**doc, "limits": limits, "limits_source": source}
    if kind is CAMERA:
        parsed = gb28181.parse_device_id(doc["id"])
        return {**doc, "type_label": parsed.type_label}
    return doc


def _keys(kind: Kind, doc: dict[str, Any]) -> dict[str, Any]:
    keys: dict[str, Any] = {}
    if kind.scoped:
        keys["enterprise_id"] = doc.get("enterprise_id") or PARK
    if kind is SENSOR:
        keys["installation_id"] = doc.get("installation_id")
    return keys


def create(kind: Kind, body: BaseModel, who: Identity) -> dict[str, Any]:
    doc = body.model_dump(mode="json")
    enterprise_id = doc.get("enterprise_id")
    if kind.scoped:
        if enterprise_id:
            who.ensure_can_write(enterprise_id)
            load(ENTERPRISE, enterprise_id, who)
        elif who.is_enterprise_scoped:
            raise errors.ENTERPRISE_SCOPE(details={"field": "enterprise_id"})
        _check_refs(doc, enterprise_id or PARK, who)
    chosen = doc.pop("id", None)
    if chosen and kind is not CAMERA:  # GB/T 28181 codes are national, not ours to prefix (docs/tenancy.md)
        ids.check_namespace(chosen, who.enterprise_id)
    entity_id = chosen or ids.new_id(kind.prefix or kind.name[:3])
    doc = _prepare(kind, {**doc, "id": entity_id})
    doc.pop("id", None)
    with conditional(errors.CONFLICT(f"{entity_id} 已存在", details={"id": entity_id})):
        item = store.save_new(kind.model, entity_id, doc, clock.now_ms(), **_keys(kind, doc))
    store.bump_generation()
    return item.data()


def replace(kind: Kind, entity_id: str, body: BaseModel, who: Identity) -> dict[str, Any]:
    item = load(kind, entity_id, who)
    doc = body.model_dump(mode="json")
    doc.pop("id", None)
    if kind.scoped and (doc.get("enterprise_id") or PARK) != getattr(item, "enterprise_id", None):
        raise domain.IMMUTABLE_FIELD(details={"field": "enterprise_id"})
    if kind.scoped:
        _check_refs(doc, getattr(item, "enterprise_id", PARK), who)
    doc = _prepare(kind, {**doc, "id": entity_id})
    doc.pop("id", None)
    with conditional(errors.CONFLICT(details={"id": entity_id})):
        saved = store.save_existing(item, doc, clock.now_ms(), **_keys(kind, doc)).data()
    store.bump_generation()
    return saved


def remove(kind: Kind, entity_id: str, who: Identity) -> None:
    item = load(kind, entity_id, who)
    if kind is INSTALLATION and next(iter(store.SensorModel.by_installation.query(entity_id, limit=1)), None):
        raise IN_USE(details={"installation_id": entity_id})
    item.delete()
    store.bump_generation()


def get_park() -> dict[str, Any] | None:
    try:
        return store.ParkModel.get("park").data()
    except DoesNotExist:
        return None


def park() -> dict[str, Any]:
    """The park's record; NOT_FOUND until it is configured (PUT /park)."""
    found = get_park()
    if found is None:
        raise errors.NOT_FOUND(details={"park": "not configured"})
    return found


def put_park(body: BaseModel) -> dict[str, Any]:
    doc, now = body.model_dump(mode="json"), clock.now_ms()
    try:
        item = store.ParkModel.get("park", consistent_read=True)
        return store.save_existing(item, doc, now).data()
    except DoesNotExist:
        return store.save_new(store.ParkModel, "park", doc, now).data()
