"""Gates (卡口) and zone access levels: scoped CRUD; gate cameras must be the registry's (GB/T 28181 ids)."""

from __future__ import annotations

from typing import Any

from chalicelib.access import store
from chalicelib.access.domain import DEFAULT_ZONE_LEVEL, ZoneLevel
from chalicelib.access.schemas import GateIn
from chalicelib.access.service.common import owner_out
from chalicelib.access.service.views import GateBarrier
from chalicelib.core import clock, errors, geojson, ids
from chalicelib.core.identity import PARK, Identity
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.store import conditional, get_or_404
from chalicelib.registry import service as registry


def public(item: store.GateModel) -> dict[str, Any]:
    data = item.data()
    return {
        **data,
        "enterprise_id": owner_out(item.enterprise_id),
        "created_at": clock.iso(data["created_ms"]),
        "updated_at": clock.iso(data["updated_ms"]),
    }


def load(gate_id: str, who: Identity) -> store.GateModel:
    """The gate if the caller may see it: the park's gates and its own enterprise's."""
    item = get_or_404(store.GateModel, gate_id, field="gate_id")
    if not who.can_read_shared(item.enterprise_id):
        raise errors.NOT_FOUND(details={"gate_id": gate_id})
    return item


def _check(body: GateIn, owner: str, who: Identity) -> None:
    if owner != PARK:
        who.ensure_can_write(owner)
        try:
            registry.require(registry.ENTERPRISE, owner, who)
        except errors.AppError:
            raise errors.invalid_field("enterprise_id", f"企业 {owner} 不存在", "reference") from None
    elif who.is_enterprise_scoped:
        raise errors.ENTERPRISE_SCOPE(details={"field": "enterprise_id"})
    if body.zone_id:
        try:
            zone = registry.zone(body.zone_id, who)
        except errors.AppError:
            raise errors.invalid_field("zone_id", f"区域 {body.zone_id} 不存在", "reference") from None
        if owner not in (PARK, zone.enterprise_id or PARK):  # an enterprise gate guards its own zones only
            raise errors.invalid_field("zone_id", "企业卡口只能围护本企业的区域", "reference")
    for i, device in enumerate(body.devices):
        if device.kind == "camera":
            try:
                registry.require(registry.CAMERA, device.id, who)
            except errors.AppError:
                raise errors.invalid_field(f"devices.{i}.id", "摄像机须先在 /cameras 台账登记", "reference") from None


def create(body: GateIn, who: Identity) -> dict[str, Any]:
    owner = body.enterprise_id or PARK
    _check(body, owner, who)
    now = clock.now_ms()
    item = store.GateModel(
        ids.new_id("gate"),
        enterprise_id=owner,
        doc=body.model_dump(mode="json", exclude={"enterprise_id"}),
        created_ms=now,
    )
    item.updated_ms = now
    item.save(condition=store.GateModel.id.does_not_exist())
    return public(item)


def replace(gate_id: str, body: GateIn, who: Identity) -> dict[str, Any]:
    item = load(gate_id, who)
    if (body.enterprise_id or PARK) != item.enterprise_id:
        raise errors.invalid_field("enterprise_id", "所属企业不可修改", "immutable")
    _check(body, item.enterprise_id, who)
    item.doc, item.updated_ms = body.model_dump(mode="json", exclude={"enterprise_id"}), clock.now_ms()
    with conditional(errors.CONFLICT(details={"gate_id": gate_id})):
        item.save()
    return public(item)


def remove(gate_id: str, who: Identity) -> None:
    item = load(gate_id, who)
    if not who.can_write_shared(item.enterprise_id):
        raise errors.ENTERPRISE_SCOPE(details={"gate_id": gate_id})
    item.delete()


def list_page(
    who: Identity, enterprise_id: str | None, kind: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """The park's gates and the caller's enterprise's (or every gate for park callers), ordered by id."""
    owners = who.shared_owners(enterprise_id)
    if owners is None:
        items: list[Any] = list(store.GateModel.scan())
    else:
        items = [i for owner in owners for i in store.GateModel.by_enterprise.query(owner)]
    found = sorted((public(i) for i in items if kind is None or i.doc["kind"] == kind), key=lambda g: g["id"])
    after = (decode_cursor(cursor) or {}).get("after")
    if after:
        found = [g for g in found if g["id"] > after]
    page = found[:limit]
    return page, encode_cursor({"after": page[-1]["id"]}) if len(found) > limit else None


def set_zone_level(zone_id: str, level: ZoneLevel, who: Identity) -> dict[str, Any]:
    """Classify a registry zone (the zone's owner or a park caller)."""
    owner = registry.zone(zone_id, who).enterprise_id or PARK  # NOT_FOUND for another enterprise's zone
    if not who.can_write_shared(owner):
        raise errors.ENTERPRISE_SCOPE(details={"zone_id": zone_id})
    now = clock.now_ms()
    store.ZoneAccessModel(zone_id, enterprise_id=owner, level=level.value, updated_ms=now).save()
    return {"zone_id": zone_id, "enterprise_id": owner_out(owner), "level": level, "updated_at": clock.iso(now)}


def zone_levels(zone_ids: list[str]) -> dict[str, ZoneLevel]:
    """The level of each zone (unclassified zones get DEFAULT_ZONE_LEVEL)."""
    keys = sorted(set(zone_ids))
    found = {z.zone_id: ZoneLevel(z.level) for z in store.ZoneAccessModel.batch_get(keys)} if keys else {}
    return {z: found.get(z, DEFAULT_ZONE_LEVEL) for z in keys}


def zone_list(who: Identity, enterprise_id: str | None) -> list[dict[str, Any]]:
    """The zones the caller sees, each with its access level."""
    zones = registry.zones(who, who.scope(enterprise_id))
    levels = zone_levels([z.id for z in zones])
    return [
        {"zone_id": z.id, "enterprise_id": z.enterprise_id, "level": levels[z.id], "updated_at": None} for z in zones
    ]


def gate_of(gate_id: str) -> store.GateModel | None:
    """A gate by id for the event intake (the caller's scope is checked there)."""
    try:
        return get_or_404(store.GateModel, gate_id, field="gate_id")
    except errors.AppError:
        return None


def map_features(who: Identity) -> dict[str, Any]:
    """The zones layer of the map (一张图): the registry's zones, circles (the registry keeps a centre and a
    radius), with the access level each one has here."""
    zones = registry.map_zones(who)
    levels = zone_levels([z.id for z in zones])
    return geojson.collection(
        [
            geojson.feature(
                z.id,
                geojson.circle(z.center.lat, z.center.lon, z.radius_m),
                "zone",
                z.name,
                zone_id=z.id,
                enterprise_id=z.enterprise_id,
                kind_of_zone="enterprise" if z.enterprise_id else "park",
                radius_m=z.radius_m,
                access_level=levels[z.id].value,
            )
            for z in zones
        ]
    )


def barriers() -> tuple[GateBarrier, ...]:
    """Each gate's first barrier at the gate's location (a linkage rule's `gate_open` opens the nearest gates,
    e.g. for fire engines). Gates without a barrier are left out."""
    found = []
    for item in store.GateModel.scan():
        data = item.data()
        barrier = next((d for d in data.get("devices", []) if d["kind"] == "barrier"), None)
        if barrier is None:
            continue
        found.append(
            GateBarrier(
                id=barrier["id"],
                gate_id=item.id,
                name=data["name"],
                lat=data["location"]["lat"],
                lon=data["location"]["lon"],
                enterprise_id=owner_out(item.enterprise_id),
            )
        )
    return tuple(found)
